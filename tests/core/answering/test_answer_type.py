"""Questions that ask for an amount are answered only by a sentence that states a number."""

import numpy as np
from answer_checks import ask_once

from bot.core.answering import premise
from bot.core.answering.answer_type import AmountQuestionModel, load_examples
from bot.core.answering.premise import states_number
from bot.core.retrieval.embeddings import HashingEmbedder, PersistentCache

SENTENCES = ["Dario Amodei, le PDG d'Anthropic, a évoqué une importante injection de fonds.",
             "Anthropic a levé 580 millions de dollars lors de sa série B.",
             "Fondée en 2021, Anthropic a rapidement gagné du terrain."]


def test_a_number_is_any_figure_but_a_year():
    assert states_number("580 millions de dollars") and states_number("20 %") and states_number("1,25 milliard")
    assert not states_number("Fondée en 2021") and not states_number("en mars dernier")


def test_an_amount_question_skips_close_sentences_without_a_figure():
    sims = [0.86, 0.82, 0.80]
    names = [("Anthropic", True)]
    plain = premise.check(SENTENCES, sims, names, "Anthropic ?", cover_min=0.78, premise_min=0.84)
    asked = premise.check(SENTENCES, sims, names, "Anthropic ?", cover_min=0.78, premise_min=0.84, needs_number=True)
    assert (plain.status, plain.lead) == ("answer", 0)
    assert (asked.status, asked.lead) == ("answer", 1)
    weak = premise.check(SENTENCES, [0.86, 0.70, 0.80], names, "Anthropic ?", cover_min=0.78, premise_min=0.84,
                         needs_number=True)
    assert weak.status == "not_covered"  # the only figure is in a sentence too far from the question


def test_the_classifier_learns_from_its_examples():
    vectors = PersistentCache(HashingEmbedder(256), "/nonexistent-never-saved")
    model = AmountQuestionModel(vectors, [("combien coute le billet", True), ("combien d habitants", True),
                                          ("pourquoi le train est en retard", False), ("qui a ecrit ce livre", False)])
    p = lambda q: model.probability(vectors.embed_queries([q])[0])  # noqa: E731
    assert p("combien coute le billet") > 0.5 > p("qui a ecrit ce livre")
    assert AmountQuestionModel(vectors, [("x", True)]).probability(np.zeros(256)) == 0.0  # one class only


def test_shipped_examples_have_both_labels_and_are_not_about_the_knowledge_base():
    examples = load_examples()
    assert {label for _, label in examples} == {True, False} and len(examples) >= 40
    assert not any("anthropic" in q.lower() or "amazon" in q.lower() for q, _ in examples)


def test_a_salary_no_source_states_is_not_answered(shared_service):
    answer = ask_once(shared_service, "Quel est le salaire de Dario Amodei ?")  # dev question
    assert answer.kind == "no_answer" and answer.citations == []


def test_an_amount_the_sources_state_is_answered_with_the_figure(shared_service):
    answer = ask_once(shared_service, "Combien Amazon va-t-il mettre au total dans Anthropic ?")  # dev question
    assert answer.kind == "factual" and answer.citations
    assert states_number(answer.citations[0].quote)
