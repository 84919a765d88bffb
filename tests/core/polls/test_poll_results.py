from datetime import datetime, timedelta, timezone

import pytest

from bot.core.polls.results import ShiftRow, compare_shift, format_results
from bot.core.polls.spec import PollError
from bot.core.polls.store import PollRecord

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def _rec(message_id, answers, counts, *, final=True, created=T0, multiple=False) -> PollRecord:
    return PollRecord(
        message_id=message_id,
        channel_id=10,
        guild_id=1,
        debate_id="automatisation",
        question="L'IA va-t-elle automatiser l'économie ?",
        answers=list(answers),
        multiple=multiple,
        created_by=42,
        created_at=created,
        ends_at=created + timedelta(hours=24),
        counts=counts,
        counts_final=final,
    )


def test_format_results_french_provisional():
    rec = _rec(1, ["Oui", "Non", "Ça dépend"], None, final=False)
    text = format_results(rec, [3, 1, 0])
    lines = text.splitlines()
    assert "L'IA va-t-elle automatiser l'économie ?" in lines[0]
    assert "**Oui** : 3 votes (75,0 %)" in lines[1]
    assert "**Non** : 1 vote (25,0 %)" in lines[2]
    assert "**Ça dépend** : 0 vote (0,0 %)" in lines[3]
    assert "Total : 4 votes" in text and "provisoire" in text and "final" not in text
    assert "02/03/2026 12:00" in text  # end of the poll


def test_format_results_english_final_and_multiple():
    rec = _rec(1, ["Yes", "No"], [2, 1], final=True, multiple=True)
    text = format_results(rec, [2, 1], lang="en")
    assert "**Yes**: 2 votes (66.7%)" not in text  # label layout is the same in both languages
    assert "**Yes** : 2 votes (66.7%)" in text and "**No** : 1 vote (33.3%)" in text
    assert "Total: 3 votes" in text and "Final count" in text
    assert "Multiple choice" in text


def test_format_results_final_override_and_no_votes():
    rec = _rec(1, ["Oui", "Non"], None, final=False)
    text = format_results(rec, [0, 0], final=True)
    assert "Décompte final" in text and "Aucun vote" in text and "0,0 %" in text


def test_format_results_rejects_mismatched_counts():
    with pytest.raises(ValueError):
        format_results(_rec(1, ["Oui", "Non"], None), [1, 2, 3])


def test_compare_shift_aligns_answers_case_insensitively():
    before = _rec(1, ["Oui", "Non", "Ça dépend"], [6, 3, 1], created=T0)
    after = _rec(2, ["non", "OUI", "Ça dépend"], [2, 15, 3], created=T0 + timedelta(days=7))
    rows, summary = compare_shift(before, after)
    assert rows == [
        ShiftRow("non", 3, 2, 30.0, 10.0, -20.0),
        ShiftRow("OUI", 6, 15, 60.0, 75.0, 15.0),
        ShiftRow("Ça dépend", 1, 3, 10.0, 15.0, 5.0),
    ]
    assert "01/03/2026 (10 votes)" in summary and "08/03/2026 (20 votes)" in summary
    assert "OUI : 60,0 % → 75,0 % (+15,0 pts)" in summary
    assert "non : 30,0 % → 10,0 % (-20,0 pts)" in summary
    assert "Plus forte progression : « OUI » (+15,0 pts)" in summary
    assert "plus fort recul : « non » (-20,0 pts)" in summary
    assert "indicative" not in summary  # both polls have at least 10 votes


def test_compare_shift_answers_in_one_poll_only_and_english():
    before = _rec(1, ["Yes", "No"], [1, 1], final=False)
    after = _rec(2, ["Yes", "No", "Unsure"], [3, 0, 1])
    rows, summary = compare_shift(before, after, lang="en")
    assert [(r.answer, r.before, r.after) for r in rows] == [("Yes", 1, 3), ("No", 1, 0), ("Unsure", 0, 1)]
    assert rows[0].delta_pts == pytest.approx(25.0)
    assert rows[2].before_pct == 0.0 and rows[2].after_pct == pytest.approx(25.0)
    assert "Largest gain: \"Yes\" (+25.0 pts)" in summary
    assert "only one of the two polls: Unsure" in summary
    assert "only indicative" in summary and "Provisional" in summary


def test_compare_shift_stable_opinion():
    before = _rec(1, ["Oui", "Non"], [50, 50])
    after = _rec(2, ["Oui", "Non"], [101, 99])
    rows, summary = compare_shift(before, after)
    assert rows[0].delta_pts == pytest.approx(0.5)
    assert "Opinion stable" in summary


def test_compare_shift_without_votes_or_counts():
    rows, summary = compare_shift(_rec(1, ["Oui", "Non"], [0, 0]), _rec(2, ["Oui", "Non"], [1, 0]))
    assert [r.after_pct for r in rows] == [100.0, 0.0] and [r.before_pct for r in rows] == [0.0, 0.0]
    assert "aucun vote" in summary
    with pytest.raises(PollError) as info:
        compare_shift(_rec(1, ["Oui", "Non"], None), _rec(2, ["Oui", "Non"], [1, 0]))
    assert info.value.code == "no_counts"
