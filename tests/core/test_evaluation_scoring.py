"""score_answer / summarize for questions that refer to an article that does not exist."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.core.evaluation import Case, score_answer, summarize
from bot.core.knowledge.articles import load_articles
from bot.core.models import Answer, Citation

REPO = Path(__file__).resolve().parents[2]
MISSING = Case("x-miss", "fr", "article_missing", "Dans l'article du Monde sur Mistral, combien ont-ils levé ?")


@dataclass
class FlaggedAnswer(Answer):
    article_ref_missing: bool = False


def citation() -> Citation:
    art = next(a for a in load_articles(REPO / "knowledge" / "articles", REPO).articles if a.id == "amazon-anthropic-puces")
    quote = "La société est actuellement en discussions pour lever de nouveaux fonds"
    start = art.body.index(quote)
    return Citation(1, art.id, art.title, art.source, quote, start, start + len(quote))


def answer(kind: str, citations: list, cls=Answer, **extra) -> Answer:
    return cls("q", kind, "fr", "…", [], citations, bool(citations), "extractive", **extra)


def test_abstaining_without_citation_says_the_article_is_missing():
    assert score_answer(MISSING, answer("no_answer", []))["ref_missing_said"] is True


def test_answering_from_another_article_does_not():
    assert score_answer(MISSING, answer("factual", [citation()]))["ref_missing_said"] is False
    assert score_answer(MISSING, answer("no_answer", [citation()]))["ref_missing_said"] is False


def test_an_explicit_flag_counts_even_with_the_article_list_cited():
    flagged = answer("factual", [citation()], FlaggedAnswer, article_ref_missing=True)
    assert score_answer(MISSING, flagged)["ref_missing_said"] is True
    assert score_answer(MISSING, answer("factual", [citation()], FlaggedAnswer))["ref_missing_said"] is False


def test_metric_applies_only_to_article_missing_and_is_summarized():
    factual = Case("x-f", "en", "factual", "What valuation?", ((citation().article_id, citation().start, citation().end),))
    assert score_answer(factual, answer("no_answer", []))["ref_missing_said"] is None
    rows = [(MISSING, score_answer(MISSING, answer("no_answer", []))),
            (MISSING, score_answer(MISSING, answer("factual", [citation()]))),
            (factual, score_answer(factual, answer("factual", [citation()])))]
    out = summarize(rows)
    assert out["all"]["ref_missing_said"] == (0.5, 2)
    assert out["en"]["ref_missing_said"] is None
