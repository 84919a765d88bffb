"""Sourced facts (`Contrepoint.fact`) and `/counter` (`Contrepoint.counter`) on the real knowledge folder."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from bot.core.models import Citation
from bot.core.service import Contrepoint

REPO = Path(__file__).resolve().parents[2]
JOBS_CLAIM = "L'IA va détruire des centaines de millions d'emplois"
# Sides of the curated maps that hold the "AI destroys jobs" view.
JOB_CRITICS = {("automatiser-economie", "critique"), ("impacts-economie-travailleurs", "chomage"), ("risques-ia-prete", "risques-sociaux")}


def seeded(shared_service, seed: int) -> Contrepoint:
    svc = Contrepoint(shared_service.settings, root=REPO, rng=random.Random(seed))
    svc._kb = shared_service.kb  # same synced knowledge base
    return svc


def assert_verbatim(service, c: Citation) -> None:
    article = service.article(c.article_id)
    assert article is not None
    assert c.quote == article.body[c.start:c.end]
    assert c.title == article.title and c.source == article.source


# --------------------------------------------------------------------------- facts


def draws(svc: Contrepoint, n: int = 8) -> list[str]:
    return [svc.fact().fact.id for _ in range(n)]


def test_random_fact_is_reproducible_with_a_seeded_rng(shared_service):
    seq = draws(seeded(shared_service, 1))
    assert seq == draws(seeded(shared_service, 1))
    assert set(seq) <= {f.id for f in shared_service.kb.facts}


def test_random_facts_vary(shared_service):
    assert len(set(draws(seeded(shared_service, 7), 40))) >= 10
    assert draws(seeded(shared_service, 1)) != draws(seeded(shared_service, 2))


def test_random_fact_is_sourced_and_verbatim(shared_service):
    svc = seeded(shared_service, 1)
    for _ in range(10):
        result = svc.fact()
        assert result.lang == "fr" and result.text == result.fact.text
        assert_verbatim(shared_service, result.citation)
        assert result.citation.quote == result.fact.quote.text
        assert result.citation.id == 1


def test_every_fact_quote_is_verbatim(shared_service):
    facts = shared_service.kb.facts
    assert len(facts) >= 30
    for f in facts:
        body = shared_service.article(f.quote.article_id).body
        assert body[f.quote.start:f.quote.end] == f.quote.text, f.id


@pytest.mark.parametrize(
    ("topic", "check"),
    [
        ("Google", lambda f: "google" in f.topics and "Google" in f.quote.text),
        ("valorisation", lambda f: f.id == "valorisation-40-milliards"),
        ("Nvidia", lambda f: f.id == "anthropic-prefere-nvidia"),
        ("Alameda", lambda f: "alameda" in f.topics),
        ("OpenAI", lambda f: "openai" in f.topics),
        ("date de création d'Anthropic", lambda f: f.id == "anthropic-fondee-2021"),
    ],
)
def test_fact_for_a_topic_is_the_best_match(shared_service, topic, check):
    result = shared_service.fact(topic)
    assert check(result.fact), result.fact.id
    assert_verbatim(shared_service, result.citation)


def test_fact_in_english(shared_service):
    result = shared_service.fact("valuation", lang="en")
    assert result.fact.id == "valorisation-40-milliards"
    assert result.lang == "en" and result.text == result.fact.text_en
    assert_verbatim(shared_service, result.citation)  # the quote stays the article's own (French) words


def test_fact_language_follows_an_english_topic(shared_service):
    result = shared_service.fact("How much is Anthropic valued at?")
    assert result.lang == "en" and result.text == result.fact.text_en
    assert result.fact.id == "valorisation-40-milliards"


def test_no_fact_when_facts_yaml_is_empty(knowledge_copy, hashing_kb_factory):
    (knowledge_copy / "facts.yaml").write_text("facts: []\n", encoding="utf-8")
    kb = hashing_kb_factory(knowledge_copy)
    svc = Contrepoint(kb.settings, root=kb.root, rng=random.Random(1))
    svc._kb = kb
    assert svc.fact() is None
    assert svc.fact("Google") is None


# --------------------------------------------------------------------------- counter


def test_counter_matches_a_critical_side_and_returns_the_others(shared_service):
    result = shared_service.counter(JOBS_CLAIM)
    assert result.lang == "fr"
    assert result.debate is not None and result.matched_side is not None
    assert (result.debate.id, result.matched_side.id) in JOB_CRITICS
    others = {s.side_id for s in result.others}
    assert result.matched_side.id not in others
    assert others == {s.id for s in result.debate.sides} - {result.matched_side.id}
    assert len(result.others) >= 1
    for side in result.others:
        ds = next(s for s in result.debate.sides if s.id == side.side_id)
        assert side.label == ds.label
        assert side.points and all(p.citations for p in side.points)
    ids = [c.id for c in result.citations]
    assert ids == list(range(1, len(ids) + 1))
    assert {i for s in result.others for p in s.points for i in p.citations} == set(ids)
    for c in result.citations:
        assert_verbatim(shared_service, c)
    md = result.answer_markdown
    assert result.matched_side.label in md
    assert {int(n) for n in re.findall(r"\[(\d+)\]", md)} <= set(ids)
    for side in result.others:
        assert f"### {side.label}" in md
    assert f"### {result.matched_side.label}" not in md


def test_counter_in_english(shared_service):
    result = shared_service.counter("AI will destroy hundreds of millions of jobs")
    assert result.lang == "en"
    assert (result.debate.id, result.matched_side.id) in JOB_CRITICS
    assert all(s.label == next(d.label_en for d in result.debate.sides if d.id == s.side_id) for s in result.others)
    assert "Your claim is closest to" in result.answer_markdown
    assert result.matched_side.id not in {s.side_id for s in result.others}


def test_counter_of_a_favourable_claim_brings_the_critics(shared_service):
    result = shared_service.counter("Le projet d'Anthropic va rendre l'IA plus sûre et plus utile")
    assert result.matched_side is not None
    assert (result.debate.id, result.matched_side.id) not in JOB_CRITICS
    if result.debate.id == "automatiser-economie":
        assert "critique" in {s.side_id for s in result.others}
    assert result.matched_side.id not in {s.side_id for s in result.others}


def test_counter_of_an_unrelated_claim_falls_back_to_the_sources(shared_service):
    result = shared_service.counter("La tarte tatin se mange tiède")
    assert result.debate is None and result.matched_side is None
    assert "Aucun point de vue cartographié" in result.answer_markdown
    for c in result.citations:
        assert_verbatim(shared_service, c)
