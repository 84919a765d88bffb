"""Quotes that nest: « … » around a passage turns the passage's own « » into “ ”, in every passage of the
knowledge base, and the rendered marks are balanced. The JSON quote stays verbatim."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.knowledge.articles import load_articles
from bot.core.knowledge.chunking import chunk_article
from bot.core.quotes import balanced, nest, quoted
from bot.core.text import sentence_spans

REPO = Path(__file__).resolve().parents[2]
PAIRS = {"fr": (("«", "»"), ("“", "”")), "en": (("«", "»"), ("“", "”"))}  # ’ is also the apostrophe: not counted


def _passages():
    for art in load_articles(REPO / "knowledge" / "articles", REPO).articles:
        for chunk in chunk_article(art):
            yield chunk.text
        for start, end in sentence_spans(art.body):
            yield art.body[start:end]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_passage_of_the_knowledge_base_renders_balanced(lang):
    texts = list(_passages())
    assert len(texts) > 100
    unbalanced = [t for t in texts if not balanced(quoted(t, lang), PAIRS[lang])]
    assert unbalanced == []
    assert any("«" in t for t in texts)  # the corpus does contain nested guillemets


def test_a_passage_that_ends_with_a_closing_guillemet_leaves_no_stray_mark():
    assert quoted("…a écrit un critique. »", "fr") == "« …a écrit un critique. »"
    assert quoted("Jassy a dit : « nous avons un immense respect » pour l'équipe", "fr") == \
        "« Jassy a dit : “nous avons un immense respect” pour l'équipe »"
    assert quoted("he said “fine” then", "en") == "“he said ‘fine’ then”"
    assert nest("pas de guillemets", "fr") == "pas de guillemets"


def test_the_json_quote_stays_verbatim(shared_service):
    answer = shared_service.ask("Qu'a dit le PDG d'Amazon à propos de l'équipe d'Anthropic ?")
    for c in answer.to_json()["citations"]:
        body = shared_service.kb.article(c["article_id"]).body
        assert body[c["start"]:c["end"]] == c["quote"]
    assert balanced(answer.answer_markdown.split("**Sources**")[-1], PAIRS["fr"])
