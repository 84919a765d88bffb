"""In-memory BM25 over any analyzer (Chroma's local client has no sparse index)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Callable, Sequence

import numpy as np


class BM25Index:
    def __init__(self, analyzer: Callable[[str], list[str]], k1: float = 1.2, b: float = 0.75):
        self.analyzer = analyzer
        self.k1, self.b = k1, b
        self.n_docs = 0
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._idf: dict[str, float] = {}

    def build(self, texts: Sequence[str]) -> "BM25Index":
        docs = [Counter(self.analyzer(t)) for t in texts]
        self.n_docs = len(docs)
        lengths = np.array([sum(d.values()) for d in docs], dtype=np.float32)
        avg = float(lengths.mean()) if len(docs) else 1.0
        raw: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, d in enumerate(docs):
            for term, tf in d.items():
                raw[term].append((i, tf))
        k1, b = self.k1, self.b
        self._postings.clear()
        self._idf.clear()
        for term, plist in raw.items():
            idx = np.fromiter((p[0] for p in plist), dtype=np.int32, count=len(plist))
            tf = np.fromiter((p[1] for p in plist), dtype=np.float32, count=len(plist))
            norm = k1 * (1 - b + b * lengths[idx] / max(avg, 1e-6))
            self._postings[term] = (idx, tf * (k1 + 1) / (tf + norm))
            df = len(plist)
            self._idf[term] = math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))
        return self

    def __contains__(self, term: str) -> bool:
        return term in self._postings

    @property
    def vocabulary(self):
        return self._postings.keys()

    def scores(self, weighted_terms: dict[str, float]) -> np.ndarray:
        out = np.zeros(self.n_docs, dtype=np.float32)
        for term, weight in weighted_terms.items():
            posting = self._postings.get(term)
            if posting is not None:
                idx, w = posting
                out[idx] += weight * self._idf[term] * w
        return out

    def query_terms(self, text: str, weight: float = 1.0) -> dict[str, float]:
        terms: dict[str, float] = {}
        for t in self.analyzer(text):
            terms[t] = max(terms.get(t, 0.0), weight)
        return terms

    def top(self, weighted_terms: dict[str, float], n: int) -> list[tuple[int, float]]:
        s = self.scores(weighted_terms)
        if not len(s):
            return []
        n = min(n, len(s))
        idx = np.argpartition(-s, n - 1)[:n]
        idx = idx[np.argsort(-s[idx], kind="stable")]
        return [(int(i), float(s[i])) for i in idx if s[i] > 0]
