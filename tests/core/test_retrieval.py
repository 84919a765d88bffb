"""Retrieval on the real articles with the default embedder and a real Chroma store."""

from pathlib import Path

import pytest

from bot.core.evaluation import evaluate, is_hit, load_eval

REPO = Path(__file__).resolve().parents[2]


def questions(kb):
    return load_eval(REPO / "tests/eval/retrieval.yaml", {a.id: a for a in kb.articles})


def test_eval_set_is_large_enough_and_verbatim(shared_kb):
    qs = questions(shared_kb)  # load_eval raises if a gold quote is not verbatim
    assert len(qs) >= 30
    assert {"fr", "en", "noisy"} <= {q.lang for q in qs}


def test_english_questions_reach_the_french_passages_through_the_model(shared_kb):
    """Cross-lingual retrieval comes from the multilingual model (no English->French word list): dense
    retrieval alone finds the gold passage of most English dev questions."""
    qs = [q for q in questions(shared_kb) if q.lang == "en"]
    found = [q.id for q in qs if any(is_hit(p, q.gold) for p in shared_kb.search(q.question, k=5, mode="dense"))]
    assert len(found) >= len(qs) // 2, found


def test_hybrid_beats_bm25_only_overall_english_and_noisy(shared_kb):
    qs = questions(shared_kb)
    hybrid = evaluate(lambda q, k: shared_kb.search(q, k=k), qs, k=5)
    bm25 = evaluate(lambda q, k: shared_kb.search(q, k=k, mode="bm25"), qs, k=5)
    for bucket in ("all", "en", "noisy"):
        h, b = hybrid[bucket], bm25[bucket]
        assert (h["recall@5"], h["mrr"]) > (b["recall@5"], b["mrr"]), (bucket, h, b)


def test_every_result_is_an_exact_slice_of_its_article(shared_kb):
    for q in questions(shared_kb):
        for r in shared_kb.search(q.question, k=5):
            art = shared_kb.article(r.article_id)
            assert r.text == art.body[r.start:r.end]
            assert r.title == art.title and r.source == art.source


def test_noisy_french_and_english_find_the_amount(shared_kb):
    for query in ("cb amazon a mis ds anthropic", "How much will Amazon invest in Anthropic?", "combien amazon investi anthropic"):
        results = shared_kb.search(query, k=5)
        assert any("milliard" in r.text and "Amazon" in r.text for r in results), query


def test_results_are_diversified_across_articles(shared_kb):
    results = shared_kb.search("Anthropic Amazon investissement", k=5)
    per_article = {}
    for r in results:
        per_article[r.article_id] = per_article.get(r.article_id, 0) + 1
    assert len(per_article) >= 2
    assert max(per_article.values()) <= shared_kb.settings.retrieval.max_per_article
    for a in results:  # no near-duplicate neighbours
        for b in results:
            if a is not b and a.article_id == b.article_id:
                overlap = min(a.end, b.end) - max(a.start, b.start)
                assert overlap <= 0.5 * min(a.end - a.start, b.end - b.start)


def test_ranks_and_scores_are_ordered(shared_kb):
    results = shared_kb.search("Alameda FTX", k=5)
    assert [r.rank for r in results] == list(range(1, len(results) + 1))
    assert all(a.score >= b.score for a, b in zip(results, results[1:]))
    assert any("Alameda" in r.text for r in results[:2])


def test_is_hit_requires_overlap():
    class P:
        article_id, start, end = "a", 100, 200

    assert is_hit(P, (("a", 150, 180),))
    assert not is_hit(P, (("a", 300, 400),))
    assert not is_hit(P, (("b", 150, 180),))


def test_debate_suggestions_never_block_before_the_store_is_ready(shared_service):
    from bot.core.service import Contrepoint

    cold = Contrepoint(shared_service.settings, root=shared_service.root)
    assert cold.suggest_debates("emploi") == []  # nothing loaded yet: answers at once, builds nothing
    assert cold._kb is None
    warm = shared_service.suggest_debates("emploi travailleurs")
    assert warm and len(shared_service.suggest_debates("", limit=25)) <= 25
    assert any("travailleurs" in d.question for d in warm)


@pytest.mark.parametrize("question", [
    "```\nQuel est le rôle d'Amazon ?\n```",
    "> Pourquoi Google investit dans Anthropic ?",
    "voila ma question :\n- Combien Amazon a-t-il investi ?",
    "### Quelle est la position d'Amazon",
])
def test_a_capital_after_markdown_at_a_line_start_is_not_a_name(shared_kb, question):
    _, evidence = shared_kb.retriever.search_with_evidence(question, k=3)
    assert not evidence["unknown_names"], evidence["names"]


def test_an_unknown_name_inside_a_line_is_still_reported(shared_kb):
    _, evidence = shared_kb.retriever.search_with_evidence("```\nPourquoi Zorglub a-t-il fondé Anthropic ?\n```", k=3)
    assert evidence["unknown_names"] == ["Zorglub"]


@pytest.mark.parametrize("word", ["Microsoft", "computer", "work", "jobs", "Google", "Amazon"])
def test_content_words_are_not_stop_words(word):
    from bot.core.retrieval.analysis import stopwords, word_terms

    assert word.lower() not in stopwords() and word_terms(word)


def test_microsoft_is_a_known_name_and_searchable(shared_kb):
    _, evidence = shared_kb.retriever.search_with_evidence("Quelle est la position de Microsoft ?", k=3)
    assert evidence["unknown_names"] == []
    assert any("Microsoft" in p.text for p in shared_kb.search("Microsoft", k=3, mode="bm25"))


def test_english_stop_words_are_scikit_learns_list():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from bot.core.retrieval.analysis import _english_stop_words

    assert _english_stop_words() == ENGLISH_STOP_WORDS
