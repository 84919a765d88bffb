"""Choosing the curated map of a debate question from its phrasings and the passages its arguments quote."""

from __future__ import annotations

import numpy as np
import pytest
from answer_checks import ask_once, assert_citations_verbatim

from bot.core.answering.debate_match import DebateIndex
from bot.core.answering.debate_select import DebateSelector, _margins
from bot.core.answering.pipeline import engine_for
from bot.core.models import Argument, Debate, DebateSide, Passage, Quote
from bot.core.retrieval.embeddings import HashingEmbedder, PersistentCache


def _debate(did: str, question: str, article: str, aliases=()) -> Debate:
    quote = Quote(article, "x", 0, 100)
    side = DebateSide("s", "S", "S", (Argument("a", "claim", (quote,)),))
    return Debate(did, question, question, (side, side), aliases=tuple(aliases))


def _passage(rank: int, article: str, start: int = 10, end: int = 60) -> Passage:
    return Passage(rank, 1.0, article, "t", "s", "text", start, end)


def test_margins_compare_each_value_with_the_best_other():
    assert _margins(np.array([3.0, 1.0, 2.0])).tolist() == [1.0, -2.0, -1.0]
    assert _margins(np.array([5.0])).tolist() == [0.0]


def test_quote_overlap_counts_passages_by_rank_and_only_where_a_quote_is():
    vectors = PersistentCache(HashingEmbedder(64), "/nonexistent-never-saved")
    debates = [_debate("a", "automatiser l'economie", "art-a"), _debate("b", "concurrence des geants", "art-b")]
    sel = DebateSelector(DebateIndex(debates, vectors), lambda text, k: [], 6)
    rows = sel.features(np.array([0.5, 0.4]), [_passage(1, "art-b"), _passage(2, "art-a", 200, 300), _passage(3, "art-a")])
    assert rows[:, 2].tolist() == pytest.approx([1 / 4, 1 / 2])  # art-a's rank-2 passage lies outside its quote
    assert rows[:, 1].tolist() == pytest.approx([0.1, -0.1])


def test_a_single_map_has_no_model_and_leaves_the_choice_to_the_similarity_rule():
    vectors = PersistentCache(HashingEmbedder(64), "/nonexistent-never-saved")
    sel = DebateSelector(DebateIndex([_debate("a", "automatiser", "art-a")], vectors), lambda text, k: [], 6)
    assert sel.choose(np.zeros(64), [], 0.5) is None


def test_the_selector_learns_from_the_maps_own_phrasings(shared_service):
    """Trained on the curated phrasings only: a rephrased question, far from every alias, still finds its map,
    and a weak probability presents no map."""
    eng = engine_for(shared_service)
    question = "Does Amazon's chip condition basically turn Anthropic into an AWS vassal?"  # closest alias: antitrust
    qvec = shared_service.kb.embedder.embed_query(question)
    passages = shared_service.kb.retriever.search(question, 6)
    mapped, top = eng.maps.choose(qvec, passages, 0.5)
    assert mapped is top and top.id == "controle-fournisseurs-cloud"
    assert eng.maps.choose(qvec, passages, 1.0)[0] is None
    p = eng.maps.probabilities(qvec, passages)
    assert p.shape == (len(eng.view.debates),) and np.all((p >= 0) & (p <= 1))


def test_a_rephrased_debate_question_gets_its_curated_sides(shared_service):
    answer = ask_once(shared_service, "Does Amazon's chip condition basically turn Anthropic into an AWS vassal?")
    assert answer.kind == "debate" and answer.debate_id == "controle-fournisseurs-cloud"
    assert len([s for s in answer.sides if s.points]) >= 2
    assert_citations_verbatim(shared_service, answer.citations)
