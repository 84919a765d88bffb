"""In-memory BM25 over any analyzer (Chroma's local client has no sparse index)."""

from __future__ import annotations

from collections import Counter
from typing import Callable, Sequence

import numpy as np


class BM25Index:
    def __init__(self, analyzer: Callable[[str], list[str]], k1: float = 1.2, b: float = 0.75):
        self.analyzer = analyzer
        self.k1, self.b = k1, b
        self.n_docs = 0
        self._postings: dict[str, tuple[int, int]] = {}  # term -> slice of _docs/_weights
        self._docs = np.zeros(0, dtype=np.int32)
        self._weights = np.zeros(0, dtype=np.float32)
        self._idf: dict[str, float] = {}

    def build(self, texts: Sequence[str]) -> "BM25Index":
        """Vectorised build: one pass of Python per (document, distinct term), the rest in numpy."""
        vocab: dict[str, int] = {}
        term_ids: list[int] = []
        tfs: list[int] = []
        doc_lens: list[int] = []
        per_doc: list[int] = []
        for t in texts:
            c = Counter(self.analyzer(t))
            term_ids.extend(vocab.setdefault(term, len(vocab)) for term in c)
            tfs.extend(c.values())
            per_doc.append(len(c))
            doc_lens.append(sum(c.values()))
        self.n_docs = len(texts)
        tids = np.asarray(term_ids, dtype=np.int64)
        docs = np.repeat(np.arange(self.n_docs, dtype=np.int32), per_doc)
        tf = np.asarray(tfs, dtype=np.float32)
        lengths = np.asarray(doc_lens, dtype=np.float32)
        avg = float(lengths.mean()) if self.n_docs else 1.0
        order = np.argsort(tids, kind="stable")
        tids, docs, tf = tids[order], docs[order], tf[order]
        norm = self.k1 * (1 - self.b + self.b * lengths[docs] / max(avg, 1e-6))
        self._docs = docs
        self._weights = tf * (self.k1 + 1) / (tf + norm)
        df = np.bincount(tids, minlength=len(vocab))
        bounds = np.concatenate(([0], np.cumsum(df)))
        idf = np.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))
        self._postings = {term: (int(bounds[i]), int(bounds[i + 1])) for term, i in vocab.items()}
        self._idf = {term: float(idf[i]) for term, i in vocab.items()}
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
                a, b = posting
                out[self._docs[a:b]] += weight * self._idf[term] * self._weights[a:b]
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
