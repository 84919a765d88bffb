"""Stance of a sentence (favourable / critical / nuanced), learned from the curated debate maps, whose
sides carry an explicit `stance:` (debates.yaml). Used to build sides for questions no debate map covers,
and to enrich mapped sides."""

from __future__ import annotations

import numpy as np

from bot.core.models import STANCES, Debate

__all__ = ["STANCES", "StanceModel"]


class StanceModel:
    """k-nearest-neighbour stance classifier over the curated arguments and quotes of every debate map:
    a sentence takes the stance of the curated texts it is closest to. Grows with the maps."""

    def __init__(self, debates: list[Debate], vectors, k: int = 7, sharpness: float = 50.0):
        self._vectors, self._k, self._sharpness = vectors, k, sharpness
        texts, labels = [], []
        for d in debates:
            for side in (s for s in d.sides if s.stance in STANCES):
                for a in side.arguments:
                    for t in (a.text, *(q.text for q in a.quotes)):
                        texts.append(t)
                        labels.append(side.stance)
        self._labels = np.array(labels)
        self._matrix = vectors.embed_documents(texts) if texts else np.zeros((0, 1), dtype=np.float32)

    def scores(self, sentence: str, vector: np.ndarray | None = None) -> dict[str, float]:
        """Share of the k nearest curated texts (similarity-weighted) that hold each stance."""
        if not len(self._labels):
            return {s: 0.0 for s in STANCES}
        v = self._vectors.embed_documents([sentence])[0] if vector is None else vector
        sims = self._matrix @ v
        top = np.argsort(-sims)[: self._k]
        weights = np.exp((sims[top] - sims[top].max()) * self._sharpness)
        total = float(weights.sum()) or 1.0
        return {s: float(weights[self._labels[top] == s].sum()) / total for s in STANCES}

    def classify(self, sentence: str, vector: np.ndarray | None = None) -> tuple[str, float]:
        s = self.scores(sentence, vector)
        best = max(s, key=s.get)
        return best, s[best]
