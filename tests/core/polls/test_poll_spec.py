import pytest

from bot.core.models import Argument, Debate, DebateSide, Quote
from bot.core.polls.spec import (
    MAX_ANSWER_CHARS,
    MAX_ANSWERS,
    MAX_HOURS,
    MAX_QUESTION,
    MIN_HOURS,
    PollError,
    PollSpec,
    build_poll_spec,
    parse_answers,
    poll_spec_for_debate,
)


def test_limits_are_discord_limits():
    assert (MAX_QUESTION, MAX_ANSWERS, MAX_ANSWER_CHARS, MIN_HOURS, MAX_HOURS) == (300, 10, 55, 1, 768)


def test_parse_answers_splits_strips_and_drops_empties():
    assert parse_answers(" oui ;non;; ;  peut-être  ;") == ["oui", "non", "peut-être"]
    assert parse_answers("") == []


def test_valid_spec_is_cleaned():
    spec = build_poll_spec("  L'IA\u200b va-t-elle\x07 tout automatiser ?\n", "Oui; Non ;\u200bÇa dépend", 24)
    assert spec == PollSpec(
        question="L'IA va-t-elle tout automatiser ?",
        answers=("Oui", "Non", "Ça dépend"),
        duration_hours=24,
        multiple=False,
        debate_id=None,
    )


def test_list_answers_multiple_and_debate_id():
    spec = build_poll_spec("Q ?", ["a", " b "], 1, True, debate_id="d1")
    assert spec.answers == ("a", "b") and spec.multiple is True and spec.debate_id == "d1"


def test_mentions_are_kept_as_plain_text():
    spec = build_poll_spec("@everyone votez !", ["@here oui", "<@123> non"], 2)
    assert spec.question == "@everyone votez !"
    assert spec.answers == ("@here oui", "<@123> non")


def test_limits_are_inclusive():
    spec = build_poll_spec("q" * MAX_QUESTION, ["a" * MAX_ANSWER_CHARS] + [str(i) for i in range(MAX_ANSWERS - 1)], MAX_HOURS)
    assert len(spec.question) == 300 and len(spec.answers) == 10 and spec.duration_hours == 768
    assert build_poll_spec("q", "a;b", MIN_HOURS).duration_hours == 1


def _error(*args, **kwargs) -> PollError:
    with pytest.raises(PollError) as info:
        build_poll_spec(*args, **kwargs)
    assert isinstance(info.value, ValueError)
    return info.value


@pytest.mark.parametrize("question", ["", "   ", "\u200b\x00"])
def test_empty_question(question):
    err = _error(question, "a;b", 24)
    assert err.code == "question_empty"
    assert "vide" in str(err) and "300" in str(err)


def test_question_too_long_names_length_and_limit():
    err = _error("x" * 312, "a;b", 24)
    assert err.code == "question_too_long"
    assert "312" in str(err) and "300" in str(err)
    err_en = _error("x" * 312, "a;b", 24, lang="en")
    assert "312 characters" in str(err_en) and "limit is 300" in str(err_en)


@pytest.mark.parametrize("answers", ["", "seul", ["seul", "  "], "a;;"])
def test_too_few_answers(answers):
    err = _error("Q ?", answers, 24)
    assert err.code == "too_few_answers"
    assert "au moins 2" in str(err)


def test_too_many_answers_names_count_and_limit():
    err = _error("Q ?", ";".join(f"r{i}" for i in range(11)), 24)
    assert err.code == "too_many_answers"
    assert "11" in str(err) and "10" in str(err)
    assert "at most 10" in str(_error("Q ?", [f"r{i}" for i in range(11)], 24, lang="en"))


def test_answer_too_long_quotes_it_with_its_length():
    long = "une réponse beaucoup trop longue pour tenir dans un sondage Discord"
    err = _error("Q ?", ["oui", long], 24)
    assert err.code == "answer_too_long"
    assert f"« {long} »" in str(err)
    assert f"{len(long)} caractères" in str(err) and "55" in str(err)
    assert f'"{long}" is {len(long)} characters' in str(_error("Q ?", ["oui", long], 24, lang="en"))


def test_duplicate_answers_case_insensitive():
    err = _error("Q ?", "Oui; non; OUI", 24)
    assert err.code == "duplicate_answer"
    assert "OUI" in str(err)
    assert "Duplicate answer" in str(_error("Q ?", "Oui; oui", 24, lang="en"))


@pytest.mark.parametrize("hours", [0, -3, 769, 10_000])
def test_duration_out_of_range_names_the_limits(hours):
    err = _error("Q ?", "a;b", hours)
    assert err.code == "duration_out_of_range"
    assert str(hours) in str(err) and "1" in str(err) and "768" in str(err)
    assert "between 1 and 768 hours" in str(_error("Q ?", "a;b", hours, lang="en"))


@pytest.mark.parametrize("hours", ["abc", "2.5", 2.5, True, None])
def test_duration_invalid(hours):
    err = _error("Q ?", "a;b", hours)
    assert err.code == "duration_invalid"
    assert "768" in str(err)


def test_duration_accepts_digit_strings():
    assert build_poll_spec("Q ?", "a;b", "48").duration_hours == 48
    assert build_poll_spec("Q ?", "a;b", " 12h ").duration_hours == 12


def test_first_broken_rule_is_reported_in_english():
    err = _error("", "a", 0, lang="en-US")
    assert err.code == "question_empty"
    assert str(err).startswith("The poll question is empty")


# -- debates --------------------------------------------------------------------------

def _debate(label_a="Oui, l'IA automatisera l'économie", label_b="Non, l'emploi s'adaptera") -> Debate:
    quote = Quote(article_id="anthropic-automatiser-economie", text="automatiser de larges pans de l'économie")
    arg = Argument(id="a1", text="Argument.", quotes=(quote,))
    return Debate(
        id="automatisation",
        question="L'IA va-t-elle automatiser de larges pans de l'économie ?",
        question_en="Will AI automate large parts of the economy?",
        sides=(
            DebateSide(id="pour", label=label_a, label_en="Yes, AI will automate it", arguments=(arg,)),
            DebateSide(id="contre", label=label_b, label_en="", arguments=(arg,)),
        ),
    )


def test_poll_spec_for_debate_french():
    spec = poll_spec_for_debate(_debate(), 48)
    assert spec == PollSpec(
        question="L'IA va-t-elle automatiser de larges pans de l'économie ?",
        answers=("Oui, l'IA automatisera l'économie", "Non, l'emploi s'adaptera"),
        duration_hours=48,
        multiple=False,
        debate_id="automatisation",
    )


def test_poll_spec_for_debate_english_falls_back_to_french_label():
    spec = poll_spec_for_debate(_debate(), 24, lang="en")
    assert spec.question == "Will AI automate large parts of the economy?"
    assert spec.answers == ("Yes, AI will automate it", "Non, l'emploi s'adaptera")
    assert spec.debate_id == "automatisation"


def test_poll_spec_for_debate_is_validated_and_names_the_debate():
    with pytest.raises(PollError) as info:
        poll_spec_for_debate(_debate(label_a="x" * 60), 24)
    assert info.value.code == "answer_too_long"
    assert "automatisation" in str(info.value) and "60" in str(info.value)
    with pytest.raises(PollError) as info:
        poll_spec_for_debate(_debate(label_b="OUI, L'IA AUTOMATISERA L'ÉCONOMIE"), 24)
    assert info.value.code == "duplicate_answer"
    with pytest.raises(PollError) as info:
        poll_spec_for_debate(_debate(), 1000)
    assert info.value.code == "duration_out_of_range"
