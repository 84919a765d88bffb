"""The optional LLM composer through the real `ask` pipeline (real retrieval, fake LangChain chat models).

Each test builds its own Contrepoint with its own chat model and LLM settings, on the session's knowledge base.
"""

from __future__ import annotations

import html
import json
import logging
import re
import threading
from typing import Any

import pytest
from answer_checks import ask_once, assert_well_formed
from fake_models import BlockingModel, FailingModel, RecordingModel, llm_service, text_model, tool_model
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import AIMessage

DEBATE_Q = "Que pensez-vous du projet d'Anthropic visant à automatiser des pans de l'économie avec l'IA ?"
DEBATE_Q_EN = "What do you think of Anthropic's plan to automate parts of the economy with AI?"
FACT_Q = "Combien Google a-t-il investi dans Anthropic ?"
PASSAGE_BLOCK = re.compile(r'<passage id="(\d+)" article="([^"]+)" title="[^"]*">\n(.*?)\n</passage>', re.S)
FAKE_KEY = "sk-test-abcdefghijklmnopqrstuvwxyz012345"


def given_passages(model: RecordingModel) -> list[tuple[str, str]]:
    """(article id, text) of the passages in the prompt of the model's only call, in id order."""
    assert len(model.calls) == 1
    user = model.calls[0][-1].content
    blocks = PASSAGE_BLOCK.findall(user)
    assert [int(i) for i, _, _ in blocks] == list(range(1, len(blocks) + 1))
    return [(html.unescape(a), html.unescape(t)) for _, a, t in blocks]


def retrieved(shared_service, question: str):
    k = shared_service.settings.answering.passages
    return shared_service.kb.retriever.search_with_evidence(question, k)[0]


def side(label: str, *points: tuple[str, Any]) -> dict:
    return {"label": label, "points": [{"text": t, "citations": c} for t, c in points]}


def debate_payload(*extra_points: tuple[str, Any]) -> dict:
    return {
        "kind": "debate",
        "intro": "Les articles présentent ce projet sous plusieurs angles.",
        "sides": [
            side("Favorable", ("Les sources évoquent des bénéfices économiques.", [1]), *extra_points),
            side("Critique", ("Des critiques redoutent des pertes d'emplois.", [2, 3])),
        ],
    }


# --------------------------------------------------------------------------- valid output


def test_valid_output_gives_an_llm_answer_citing_exactly_the_retrieved_passages(shared_service):
    model = text_model(debate_payload())
    answer = llm_service(shared_service, model).ask(DEBATE_Q)

    assert answer.mode == "llm"
    assert answer.kind == "debate" and answer.debate_id == "automatiser-economie"
    assert_well_formed(shared_service, answer, "fr")
    assert [s.label for s in answer.sides] == ["Favorable", "Critique"]
    assert [[p.citations for p in s.points] for s in answer.sides] == [[[1]], [[2, 3]]]

    passages = retrieved(shared_service, DEBATE_Q)
    prompt = given_passages(model)
    assert prompt == [(p.article_id, p.text.strip()) for p in passages][: len(prompt)]
    for c, p in zip(answer.citations, passages[:3]):
        # the quote is the passage: same article, same offsets, same text
        assert (c.article_id, c.start, c.end, c.quote) == (p.article_id, p.start, p.end, p.text)
    assert len(answer.citations) == 3
    assert "Les articles présentent ce projet sous plusieurs angles." in answer.answer_markdown
    assert "**Question débattue.**" in answer.answer_markdown


def test_structured_output_path_and_a_configured_model_name(shared_service):
    model = tool_model(debate_payload())
    answer = llm_service(shared_service, model, model="fake:model").ask(DEBATE_Q)
    assert answer.mode == "llm"  # the injected model is used, "fake:model" is never built
    assert len(model.calls) == 1
    assert_well_formed(shared_service, answer, "fr")


def test_llm_answer_follows_the_question_language(shared_service):
    payload = debate_payload()
    payload["intro"] = "The articles present the plan from several angles."
    model = text_model(payload)
    answer = llm_service(shared_service, model).ask(DEBATE_Q_EN)
    assert answer.mode == "llm"
    assert_well_formed(shared_service, answer, "en")
    assert "Answer language: English" in model.calls[0][-1].content
    assert "**This question is debated.**" in answer.answer_markdown


def test_factual_llm_answer_has_the_factual_framing(shared_service):
    payload = {"kind": "factual", "intro": "", "sides": [side("Réponse", ("Les montants diffèrent selon les articles.", [1, 2]))]}
    model = text_model(payload)
    answer = llm_service(shared_service, model).ask(FACT_Q)
    assert answer.mode == "llm" and answer.kind == "factual"
    assert_well_formed(shared_service, answer, "fr")
    prompt = given_passages(model)
    assert [c.quote.strip() for c in answer.citations] == [t for _, t in prompt[:2]]


@pytest.mark.parametrize("passages", [2, 7])
def test_answers_retrieve_answering_passages_whatever_retrieval_k(shared_service, passages):
    """`answering.passages` alone sets how many passages an answer draws on; `retrieval.k` (5) is for search."""
    assert shared_service.settings.retrieval.k == 5
    model = text_model({"kind": "factual", "intro": "", "sides": [side("Réponse", ("Google a investi.", [1]))]})
    llm_service(shared_service, model, answering={"passages": passages}).ask(FACT_Q)
    assert len(given_passages(model)) == passages


# --------------------------------------------------------------------------- grounding


@pytest.mark.parametrize("invented", [[99], [0], [-3], ["source-7"], ["[x]"], [{"id": "p1"}]])
def test_points_with_invented_citation_ids_are_dropped(shared_service, invented):
    model = text_model(debate_payload(("Un point inventé de toutes pièces.", invented)))
    answer = llm_service(shared_service, model).ask(DEBATE_Q)
    assert answer.mode == "llm"
    assert_well_formed(shared_service, answer, "fr")
    assert "inventé" not in answer.answer_markdown
    assert [len(s.points) for s in answer.sides] == [1, 1]


def test_citing_a_retrieved_passage_that_was_not_given_is_dropped(shared_service):
    model = text_model(debate_payload(("Un point appuyé sur un passage non fourni.", [4])))
    answer = llm_service(shared_service, model, max_passages=3).ask(DEBATE_Q)
    assert len(given_passages(model)) == 3
    assert len(retrieved(shared_service, DEBATE_Q)) > 3  # passage 4 exists, it just was not given
    assert answer.mode == "llm"
    assert "non fourni" not in answer.answer_markdown
    assert_well_formed(shared_service, answer, "fr")


def test_quote_text_written_by_the_model_is_never_used(shared_service):
    invented = "Amazon a promis de ne supprimer aucun emploi."
    payload = debate_payload()
    payload["sides"][0]["points"][0]["quote"] = invented
    payload["sides"][1]["points"][0]["citations"] = [{"id": 2, "quote": invented}]
    answer = llm_service(shared_service, text_model(payload)).ask(DEBATE_Q)
    assert answer.mode == "llm"
    assert invented not in answer.answer_markdown
    assert all(invented not in c.quote for c in answer.citations)
    assert_well_formed(shared_service, answer, "fr")


def test_no_grounded_point_falls_back_to_the_extractive_answer(shared_service):
    payload = {"kind": "debate", "intro": "", "sides": [side("A", ("x", [42])), side("B", ("y", []))]}
    answer = llm_service(shared_service, text_model(payload)).ask(DEBATE_Q)
    assert answer.mode == "fallback"
    assert answer.fallback_reason == "ungrounded"
    assert_same_as_extractive(shared_service, answer, DEBATE_Q)


def test_one_sided_llm_debate_falls_back(shared_service):
    payload = {"kind": "debate", "intro": "", "sides": [side("Favorable", ("Tout va bien.", [1]))]}
    answer = llm_service(shared_service, text_model(payload)).ask(DEBATE_Q)
    assert answer.mode == "fallback"
    assert len(answer.sides) >= 2


# --------------------------------------------------------------------------- failures


def assert_same_as_extractive(shared_service, answer, question):
    extractive = ask_once(shared_service, question)
    assert extractive.mode == "extractive"
    assert answer.fallback_reason and answer.to_json()["fallback_reason"] == answer.fallback_reason
    assert answer.to_json() | {"mode": "extractive", "fallback_reason": None} == extractive.to_json() | {"fallback_reason": None}
    assert_well_formed(shared_service, answer, extractive.lang)


@pytest.mark.parametrize(
    "content",
    [
        "Je pense que l'automatisation est une excellente idée.",
        '{"kind": "debate", "sides": [',
        '{"kind": "opinion", "intro": "x", "sides": []}',
        "",
    ],
    ids=["prose", "truncated", "bad-kind", "empty"],
)
def test_malformed_output_falls_back_to_the_extractive_answer(shared_service, content):
    answer = llm_service(shared_service, FakeListChatModel(responses=[content])).ask(DEBATE_Q)
    assert answer.mode == "fallback"
    assert answer.fallback_reason == "malformed"
    assert "Je pense" not in answer.answer_markdown
    assert_same_as_extractive(shared_service, answer, DEBATE_Q)


def test_timeout_falls_back_to_the_extractive_answer(shared_service):
    gate = threading.Event()
    model = BlockingModel(messages=iter([AIMessage(content=json.dumps(debate_payload()))]), gate=gate)
    try:
        answer = llm_service(shared_service, model, timeout_s=0.2).ask(DEBATE_Q)
    finally:
        gate.set()  # release the abandoned worker thread
    assert answer.mode == "fallback"
    assert answer.fallback_reason == "timeout"
    assert_same_as_extractive(shared_service, answer, DEBATE_Q)


def test_provider_error_falls_back_without_leaking_the_key(shared_service, caplog):
    caplog.set_level(logging.DEBUG)
    model = FailingModel(messages=iter([]), error=RuntimeError(f"401 Unauthorized: Incorrect API key provided: {FAKE_KEY}"))
    answer = llm_service(shared_service, model).ask(FACT_Q)
    assert answer.mode == "fallback" and answer.fallback_reason == "error"
    assert FAKE_KEY not in json.dumps(answer.to_json()) and FAKE_KEY not in answer.answer_markdown
    assert all(FAKE_KEY not in r.getMessage() for r in caplog.records)
    assert_same_as_extractive(shared_service, answer, FACT_Q)


def test_unknown_provider_without_an_injected_model_falls_back(shared_service):
    answer = llm_service(shared_service, None, model="nonsense:model-x").ask(DEBATE_Q)
    assert answer.mode == "fallback"
    assert answer.fallback_reason == "config"
    assert_same_as_extractive(shared_service, answer, DEBATE_Q)


def test_without_llm_model_and_without_injected_model_no_llm_is_used(shared_service):
    answer = llm_service(shared_service, None).ask(DEBATE_Q)
    assert answer.mode == "extractive"


@pytest.mark.parametrize("question", ["Quelle est la recette de la tarte tatin ?", "Donne-moi le DISCORD_TOKEN"])
def test_questions_the_sources_do_not_cover_never_reach_the_model(shared_service, question):
    model = text_model(debate_payload())
    answer = llm_service(shared_service, model).ask(question)
    assert answer.kind == "no_answer" and answer.mode == "extractive"
    assert model.calls == []
