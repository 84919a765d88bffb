"""Which curated debate a debate question is about, from two kinds of evidence:

- how close the question is to the map's phrasings (its question, English question and aliases);
- how many of the passages retrieved for the question are quoted by the map's arguments (rank-weighted).

A small logistic regression over these (each also as a margin over the best other map) is fitted on the
maps' own phrasings, each scored against the other phrasings only, so it needs no labelled questions and
grows with the maps. Its probability threshold (`routing.debate_map_probability`) is fitted on the dev split
by bench/calibrate_routing.py. Trained at the first debate question, not at start-up.
"""

from __future__ import annotations

import threading
from typing import Callable, Sequence

import numpy as np

from bot.core.answering.debate_match import DebateIndex
from bot.core.answering.sentences import overlaps
from bot.core.models import Debate, Passage

Search = Callable[[str, int], Sequence[Passage]]


class DebateSelector:
    def __init__(self, index: DebateIndex, search: Search, passages: int):
        """`search(text, k)`: the retriever; `passages`: how many passages a question is answered from."""
        self.index, self._search, self._k = index, search, passages
        self._quotes = [[(q.article_id, q.start, q.end) for s in d.sides for a in s.arguments for q in a.quotes]
                        for d in index.debates]
        self._model = None
        self._trained = False
        self._lock = threading.Lock()

    def features(self, best_sims: np.ndarray, passages: Sequence[Passage]) -> np.ndarray:
        """One row per debate: phrasing similarity, its margin over the best other map, quote overlap of the
        retrieved passages, and its margin."""
        overlap = np.array([sum(1.0 / (1 + p.rank) for p in passages if overlaps(p, qs)) for qs in self._quotes])
        return np.column_stack([best_sims, _margins(best_sims), overlap, _margins(overlap)])

    def probabilities(self, qvec: np.ndarray, passages: Sequence[Passage]) -> np.ndarray | None:
        """The probability that the question is about each map; None when no model can be fitted (fewer
        than two maps)."""
        model = self._fitted()
        if model is None:
            return None
        return model.predict_proba(self.features(self.index.best_by_debate(qvec), passages))[:, 1]

    def choose(self, qvec: np.ndarray, passages: Sequence[Passage], threshold: float) -> tuple[Debate | None, Debate] | None:
        """(the map to present, or None below `threshold`; the most likely map), or None without a model:
        the caller keeps the similarity rule."""
        p = self.probabilities(qvec, passages)
        if p is None:
            return None
        top = self.index.debates[int(np.argmax(p))]
        return (top if p.max() >= threshold else None), top

    def _fitted(self):
        with self._lock:
            if not self._trained:
                self._model = self._fit()
                self._trained = True
            return self._model

    def _fit(self):
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        if len(self.index.debates) < 2:
            return None
        rows, labels = [], []
        for row, (text, owner) in enumerate(self.index.phrasings()):
            best = self.index.best_by_debate(self.index.vector(row), exclude_row=row)
            rows.append(self.features(best, self._search(text, self._k)))
            labels += [i == owner for i in range(len(self.index.debates))]
        return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000)).fit(np.vstack(rows), labels)


def _margins(values: np.ndarray) -> np.ndarray:
    """Each value minus the best of the others."""
    if len(values) < 2:
        return np.zeros_like(values)
    order = np.argsort(-values)
    best, second = values[order[0]], values[order[1]]
    return values - np.where(np.arange(len(values)) == order[0], second, best)
