"""`knowledge check` flags facts whose amounts, years or names their cited passage does not give."""

from __future__ import annotations

from pathlib import Path

from bot.core.knowledge.articles import load_articles
from bot.core.knowledge.check import check_knowledge
from bot.core.knowledge.curated import load_facts
from bot.core.knowledge.fact_lint import unsupported_facts
from bot.core.models import Fact, Quote

REPO = Path(__file__).resolve().parents[2]


def _articles():
    return {a.id: a for a in load_articles(REPO / "knowledge" / "articles", REPO).articles}


def _fact(text: str, quote: str, article="amazon-anthropic-puissance-calcul", text_en=None) -> Fact:
    return Fact(id="f", text=text, text_en=text_en or text, quote=Quote(article, quote))


QUOTE = "Fondée en 2021 par un groupe d'anciens employés d'OpenAI, Anthropic a rapidement gagné du terrain"


def test_the_shipped_facts_are_supported_by_their_passages():
    articles = _articles()
    facts, problems = load_facts(REPO / "knowledge" / "facts.yaml", articles, REPO)
    assert not problems and facts
    assert unsupported_facts(facts, articles, "knowledge/facts.yaml") == []
    report = check_knowledge(REPO / "knowledge", REPO)
    assert not report.problems, report.problems


def test_a_wrong_year_or_amount_is_flagged():
    problems = unsupported_facts([_fact("Anthropic a été fondée en 2020 par d'anciens d'OpenAI.", QUOTE)], _articles(), "facts.yaml")
    assert len(problems) == 2 and "2020" in str(problems[0])  # text and text_en
    amount = unsupported_facts([_fact("Anthropic a levé 40 milliards en 2021.", QUOTE)], _articles(), "facts.yaml")
    assert any("40,000,000,000" in str(p) for p in amount)


def test_a_name_the_passage_does_not_give_is_flagged_but_the_source_may_be_named():
    (p,) = unsupported_facts([_fact("Selon Reuters, Anthropic a été fondée par Elon Musk en 2021.", QUOTE)], _articles(), "facts.yaml")
    assert "Elon" in str(p) and "Musk" in str(p) and "Reuters" in str(p)
    ok = _fact("Selon Techcrunch, Google injecte 2 milliards de dollars dans Anthropic.",
               "pourquoi injecte-t-il aujourd’hui 2 milliards de dollars dans Anthropic", article="google-anthropic-2-milliards")
    assert unsupported_facts([ok], _articles(), "facts.yaml") == []  # the outlet is the cited article's
