"""In-memory BM25 over any analyzer (Chroma's local client has no sparse index)."""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np


class BM25Index:
    def __init__(self, analyzer: Callable[[str], list[str]], k1: float = 1.2, b: float = 0.75):
        self.analyzer = analyzer
        self.k1, self.b = k1, b
        self.n_docs = 0
        # term i's postings are _docs/_tf/_weights[_bounds[i]:_bounds[i + 1]]; _lengths: terms per document
        self._set([], np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int32),
                  np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.float32))

    def build(self, texts: Sequence[str], block: int = 8192) -> "BM25Index":
        """Vectorised build: Python only runs the analyzer and one dict lookup per term (C-level `map`); the
        counting is numpy's, block by block so memory stays bounded. Postings are ordered by term, then
        document; term ids by first appearance (the same index whatever the block size)."""
        vocab: dict[str, int] = {}
        tids, docs, tf, lengths = self._analyze(texts, vocab, block)
        self._finish(list(vocab), tids, docs, tf, lengths)
        return self

    def merged(self, keep: np.ndarray, new_rows: Sequence[int], new_texts: Sequence[str], n_docs: int) -> "BM25Index":
        """A new index over `n_docs` documents without analysing the unchanged ones again: `keep[i]` is the new
        row of this index's document i (-1: removed); `new_texts` are analysed and placed at `new_rows`.
        Scores equal those of `build` over the new corpus (term ids may be numbered differently)."""
        vocab = dict(self._term_ids)
        rows = np.asarray(new_rows, dtype=np.int64)
        tids_new, local, tf_new, len_new = self._analyze(new_texts, vocab)
        old_terms = np.repeat(np.arange(len(self._terms), dtype=np.int64), np.diff(np.asarray(self._bounds)))
        old_docs = np.asarray(keep, dtype=np.int64)[np.asarray(self._docs)]
        alive = old_docs >= 0
        lengths = np.zeros(n_docs, dtype=np.float32)
        kept = np.flatnonzero(np.asarray(keep) >= 0)
        lengths[np.asarray(keep)[kept]] = np.asarray(self._lengths)[kept]
        lengths[rows] = len_new
        out = BM25Index(self.analyzer, self.k1, self.b)
        out._finish(list(vocab), np.concatenate([old_terms[alive], tids_new]),
                    np.concatenate([old_docs[alive], rows[local]]).astype(np.int32),
                    np.concatenate([np.asarray(self._tf)[alive], tf_new]), lengths, compact=True)
        return out

    def _analyze(self, texts: Sequence[str], vocab: dict[str, int], block: int = 8192):
        """(term ids, document numbers, term frequencies, document lengths) of these texts, adding their new
        terms to `vocab`; pairs ordered by document, then term."""
        parts_docs, parts_terms, parts_tf, doc_lens = [], [], [], []
        for lo in range(0, len(texts), block):
            terms: list[str] = []
            sizes: list[int] = []
            for t in texts[lo:lo + block]:
                analyzed = self.analyzer(t)
                terms.extend(analyzed)
                sizes.append(len(analyzed))
            for term in dict.fromkeys(terms):
                vocab.setdefault(term, len(vocab))
            ids = np.fromiter(map(vocab.__getitem__, terms), dtype=np.int64, count=len(terms))
            docs = np.repeat(np.arange(lo, lo + len(sizes), dtype=np.int64), sizes)
            pairs, tf = np.unique(docs << 32 | ids, return_counts=True)  # sorted by document, then term
            parts_docs.append((pairs >> 32).astype(np.int32))
            parts_terms.append(pairs & 0xFFFFFFFF)
            parts_tf.append(tf)
            doc_lens += sizes
        docs = np.concatenate(parts_docs) if parts_docs else np.zeros(0, dtype=np.int32)
        tids = np.concatenate(parts_terms) if parts_terms else np.zeros(0, dtype=np.int64)
        tf = (np.concatenate(parts_tf) if parts_tf else np.zeros(0)).astype(np.float32)
        return tids, docs, tf, np.asarray(doc_lens, dtype=np.float32)

    def _finish(self, terms: list[str], tids, docs, tf, lengths, compact: bool = False) -> None:
        """Order the postings by term then document and weight them. `compact`: drop the terms that have no
        posting left (a merge removed every document that used them)."""
        df = np.bincount(tids, minlength=len(terms))
        if compact and (df == 0).any():
            alive = df > 0
            tids = (np.cumsum(alive) - 1)[tids]
            terms = [t for t, a in zip(terms, alive.tolist()) if a]
            df = df[alive]
        order = np.argsort(tids.astype(np.int64) * max(len(lengths), 1) + docs, kind="stable")  # pairs are unique
        tids, docs, tf = tids[order], docs[order], tf[order]
        self.n_docs = len(lengths)
        avg = float(lengths.mean()) if self.n_docs else 1.0
        norm = self.k1 * (1 - self.b + self.b * lengths[docs] / max(avg, 1e-6))
        weights = tf * (self.k1 + 1) / (tf + norm)
        bounds = np.concatenate(([0], np.cumsum(df))).astype(np.int64)
        idf = np.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))
        self._set(terms, bounds, idf.astype(np.float32), docs.astype(np.int32), weights.astype(np.float32),
                  tf.astype(np.float32), lengths.astype(np.float32))

    def _set(self, terms: list[str], bounds, idf, docs, weights, tf, lengths) -> None:
        self._terms, self._bounds, self._idf_arr = terms, bounds, idf
        self._docs, self._weights, self._tf, self._lengths = docs, weights, tf, lengths
        self._term_ids = dict(zip(terms, range(len(terms))))

    # -- persistence: plain arrays (no pickle), loaded in milliseconds by a new process --
    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}.terms": np.asarray(self._terms, dtype=str), f"{prefix}.bounds": self._bounds,
                f"{prefix}.idf": self._idf_arr, f"{prefix}.docs": self._docs, f"{prefix}.weights": self._weights,
                f"{prefix}.tf": self._tf, f"{prefix}.lengths": self._lengths,
                f"{prefix}.n_docs": np.asarray([self.n_docs], dtype=np.int64)}

    @classmethod
    def from_arrays(cls, analyzer, arrays, prefix: str) -> "BM25Index":
        index = cls(analyzer)
        index.n_docs = int(arrays[f"{prefix}.n_docs"][0])
        index._set(arrays[f"{prefix}.terms"].tolist(), arrays[f"{prefix}.bounds"], arrays[f"{prefix}.idf"],
                   arrays[f"{prefix}.docs"], arrays[f"{prefix}.weights"], arrays[f"{prefix}.tf"],
                   arrays[f"{prefix}.lengths"])
        return index

    def __contains__(self, term: str) -> bool:
        return term in self._term_ids

    @property
    def vocabulary(self):
        return self._term_ids.keys()

    def scores(self, weighted_terms: dict[str, float]) -> np.ndarray:
        out = np.zeros(self.n_docs, dtype=np.float32)
        for term, weight in weighted_terms.items():
            i = self._term_ids.get(term)
            if i is not None:
                a, b = self._bounds[i], self._bounds[i + 1]
                out[self._docs[a:b]] += weight * self._idf_arr[i] * self._weights[a:b]
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
