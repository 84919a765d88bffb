"""Matching questions to curated debates: in-memory autocomplete and embedding similarity."""

from __future__ import annotations

import numpy as np

from bot.core.models import Debate
from bot.core.retrieval.analysis import word_terms
from bot.core.text import fold


def _phrasings(d: Debate) -> list[str]:
    return [d.question, d.question_en, *d.aliases]


def suggest(debates: list[Debate], text: str, limit: int = 25, phrase_bonus: float = 3.0) -> list[Debate]:
    """Autocomplete: debates whose id/question/aliases best contain the typed words (`phrase_bonus` when
    the typed text appears whole, `scoring.autocomplete_phrase_bonus`). No I/O."""
    text = (text or "").strip()
    if not text:
        return list(debates)[:limit]
    needle = fold(text)
    terms = set(word_terms(text))
    scored = []
    for order, d in enumerate(debates):
        hay = fold(" ".join([d.id, *_phrasings(d), *d.tags]))
        score = phrase_bonus if needle in hay else 0.0
        if terms:
            score += len(terms & set(word_terms(hay))) / len(terms)
        if score > 0:
            scored.append((-score, order, d))
    scored.sort(key=lambda t: (t[0], t[1]))
    return [d for _, _, d in scored[:limit]]


class DebateIndex:
    """Embeds every phrasing of every debate once; `match` returns the closest debate."""

    def __init__(self, debates: list[Debate], embedder):
        self.debates = debates
        self._owner: list[int] = []
        self._texts: list[str] = []
        texts = self._texts
        for i, d in enumerate(debates):
            for p in _phrasings(d):
                texts.append(p)
                self._owner.append(i)
        # question against question: both sides are embedded as queries (e5's symmetric use)
        embed = getattr(embedder, "embed_queries", embedder.embed_documents)
        self._matrix = np.asarray(embed(texts), dtype=np.float32) if texts else np.zeros((0, 1), dtype=np.float32)
        self._embedder = embedder

    def phrasings(self) -> list[tuple[str, int]]:
        """(phrasing, index of its debate), in row order."""
        return list(zip(self._texts, self._owner))

    def vector(self, row: int) -> np.ndarray:
        return self._matrix[row]

    def best_by_debate(self, vector: np.ndarray, exclude_row: int | None = None) -> np.ndarray:
        """Each debate's best phrasing similarity to `vector` (-1 for a debate with no other phrasing)."""
        sims = self._matrix @ vector
        if exclude_row is not None:
            sims[exclude_row] = -1.0
        best = np.full(len(self.debates), -1.0)
        np.maximum.at(best, self._owner, sims)
        return best

    def scores(self, question: str, vector: np.ndarray | None = None) -> list[tuple[Debate, float]]:
        if not self.debates:
            return []
        v = self._embedder.embed_query(question) if vector is None else vector
        best = self.best_by_debate(v)
        out = [(d, float(best[i])) for i, d in enumerate(self.debates)]
        out.sort(key=lambda t: -t[1])
        return out

    def match(self, question: str, vector: np.ndarray | None = None) -> tuple[Debate | None, float]:
        ranked = self.scores(question, vector)
        return (ranked[0][0], ranked[0][1]) if ranked else (None, 0.0)
