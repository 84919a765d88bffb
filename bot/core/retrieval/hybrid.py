"""Hybrid retrieval: BM25 (stemmed words) + BM25 (character trigrams) + dense (Chroma), fused by weighted RRF."""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Literal

import numpy as np

from bot.core.models import Article, Chunk, Passage
from bot.core.retrieval.analysis import raw_words, stopwords, word_terms
from bot.core.retrieval.chunk_table import ChunkTable
from bot.core.retrieval.corpus_index import CorpusIndexes
from bot.core.retrieval.lexical import BM25Index
from bot.core.text import fold

log = logging.getLogger(__name__)
Mode = Literal["hybrid", "bm25", "dense"]
# A capitalised word that does not open a sentence: a name ("Amazon", "Elon Musk", "OpenAI").
_NAME = re.compile(r"(?<![.?!]\s)(?<=[\s'’])[A-ZÀ-Ý][\w-]{2,}")
# A line break with the markdown that may open a line (code fence, quote, list, heading): what follows opens
# a sentence, so its capital is not a name ("```\nQuel est…", "> Pourquoi…", "- Combien…").
_LINE_OPENING = re.compile(r"(?:\A|\s*\n)[\s`>*#_~|+-]*")
REPAIR_WEIGHT = 0.7


class HybridRetriever:
    def __init__(self, chunks: ChunkTable | list[Chunk], articles: dict[str, Article], store, embedder, settings,
                 on_store_failure: Callable[[Exception], None] | None = None, doc_embedder=None,
                 indexes: CorpusIndexes | None = None):
        """`on_store_failure`: told when a dense query fails (the search goes on without the store).
        `doc_embedder`: passage vectors (the ingest's vector cache) for searching while the store is unusable.
        `indexes`: the lexical indexes of exactly these chunks, loaded from the corpus cache (else built)."""
        self.chunks = chunks if isinstance(chunks, ChunkTable) else ChunkTable.of(_grouped(chunks))
        self.articles = articles
        self.store = store
        self.embedder = embedder
        self.s = settings
        self.on_store_failure = on_store_failure
        self.doc_embedder = doc_embedder or embedder
        self.indexes = indexes or CorpusIndexes.build([c.text for c in self.chunks])
        self.words, self.ngrams = self.indexes.words, self.indexes.ngrams
        self._surface = self.indexes.surface

    # -- query analysis ------------------------------------------------------------
    def _repairs(self, query: str, threshold: float = 0.4) -> list[str]:
        """Corpus words close to query words that the corpus does not contain (typos, missing letters)."""
        out = []
        for w in raw_words(query):
            f = fold(w)
            if len(f) >= 4 and f not in stopwords() and f not in self._surface:
                out.extend(self.indexes.repairs(f, threshold))
        return out

    def _lexical_terms(self, index: BM25Index, query: str, repaired: list[str]) -> dict[str, float]:
        terms = index.query_terms(query)
        for t, w in index.query_terms(" ".join(repaired), REPAIR_WEIGHT).items():
            terms[t] = max(terms.get(t, 0.0), w)
        return terms

    # -- search ----------------------------------------------------------------------
    def rankings(self, query: str, n: int, mode: Mode = "hybrid", dense_sims: dict[int, float] | None = None) -> dict[str, list[int]]:
        repaired = self._repairs(query) if mode != "dense" else []
        lists: dict[str, list[int]] = {}
        if mode in ("hybrid", "bm25"):
            lists["bm25"] = [i for i, _ in self.words.top(self._lexical_terms(self.words, query, repaired), n)]
        if mode == "hybrid" and self.s.weights.ngram > 0:
            lists["ngram"] = [i for i, _ in self.ngrams.top(self._lexical_terms(self.ngrams, query, []), n)]
        if mode in ("hybrid", "dense") and (mode == "dense" or self.s.weights.dense > 0):
            vec = self.embedder.embed_query(query)
            hits = self._dense(query, vec, n, lists)
            lists["dense"] = [i for i, _ in hits]
            if dense_sims is not None:
                dense_sims.update(hits)
        return lists

    def _dense(self, query: str, vec: np.ndarray, n: int, lexical: dict[str, list[int]]) -> list[tuple[int, float]]:
        """(chunk index, similarity) from Chroma; while the store is unusable, the lexical candidates
        re-scored in memory with the same embeddings, so ranking and coverage evidence still hold."""
        if getattr(self.store, "available", True):
            try:
                rows = ((self.chunks.position(h.chunk_id), h.similarity) for h in self.store.query(vec, n))
                return [(i, sim) for i, sim in rows if i is not None]
            except Exception as exc:  # noqa: BLE001 - a broken store must not break search
                if self.on_store_failure is None:
                    log.warning("dense search failed (%s); lexical candidates only", type(exc).__name__)
                else:  # reports it and repairs the store
                    self.on_store_failure(exc)
        candidates = list(dict.fromkeys(i for ranking in lexical.values() for i in ranking))
        if not candidates:
            candidates = [i for i, _ in self.words.top(self.words.query_terms(query), n)]
        if not candidates:
            return []
        docs = np.asarray(self.doc_embedder.embed_documents([self.chunks[i].text for i in candidates]), dtype=np.float32)
        q = np.asarray(vec, dtype=np.float32)
        sims = docs @ q / np.maximum(np.linalg.norm(docs, axis=1) * np.linalg.norm(q), 1e-12)
        order = np.argsort(-sims, kind="stable")[:n]
        return [(candidates[j], float(sims[j])) for j in order]

    def search(self, query: str, k: int | None = None, mode: Mode = "hybrid", article_id: str | None = None) -> list[Passage]:
        return self.search_with_evidence(query, k, mode, article_id)[0]

    def search_with_evidence(self, query: str, k: int | None = None, mode: Mode = "hybrid",
                             article_id: str | None = None) -> tuple[list[Passage], dict]:
        """Passages plus evidence: best dense similarity, query-term coverage, unknown names.
        `article_id`: the question refers to that article; its passages come first."""
        k = k or self.s.k
        n = max(self.s.candidates, k * 4)
        dense_sims: dict[int, float] = {}
        lists = self.rankings(query, n, mode, dense_sims)
        weights = {"bm25": self.s.weights.bm25, "ngram": self.s.weights.ngram, "dense": self.s.weights.dense}
        if mode != "hybrid":
            weights = {name: 1.0 for name in lists}
        fused: dict[int, float] = defaultdict(float)
        for name, ranking in lists.items():
            w = weights[name]
            for rank, i in enumerate(ranking):
                fused[i] += w / (self.s.rrf_k + rank + 1)
        order = sorted(fused, key=lambda i: (-fused[i], i))
        if article_id is not None and self.chunks.holds(article_id):
            own = sorted(self.chunks.rows(article_id), key=lambda i: (-fused.get(i, 0.0), i))
            chosen = self._diversify(own, k, cap=k)
            chosen += self._diversify([i for i in order if self.chunks[i].article_id != article_id], k - len(chosen))
        else:
            chosen = self._diversify(order, k)
        passages = [self._passage(rank + 1, fused[i], self.chunks[i]) for rank, i in enumerate(chosen)]
        evidence = self._evidence(query, chosen, dense_sims)
        return passages, evidence

    def _evidence(self, query: str, chosen: list[int], dense_sims: dict[int, float]) -> dict:
        """Best dense similarity among the chosen passages, and the names of the query with whether
        any article mentions them (a name no source mentions is what premise checks look at)."""
        names = []
        for m in _NAME.finditer(_LINE_OPENING.sub(". ", query)):
            name = m.group(0)
            known = fold(name) in self._surface or bool(any(t in self.words for t in word_terms(name)))
            names.append((name, known))
        dense_max = max((dense_sims.get(i, 0.0) for i in chosen), default=0.0)
        return {"dense_max": float(dense_max), "names": names,
                "unknown_names": [n for n, known in names if not known]}

    def is_name(self, word: str) -> bool:
        """A name of the corpus ("Anthropic", "Amazon"): always capitalised in the articles."""
        return fold(word) in self.indexes.names

    def mentions(self, word: str) -> bool:
        """Whether some article contains this word (accent-folded, or its stem)."""
        return fold(word) in self._surface or bool(any(t in self.words for t in word_terms(word)))

    def _diversify(self, order: list[int], k: int, cap: int | None = None) -> list[int]:
        """Cap passages per article and skip near-duplicates (overlapping neighbour chunks)."""
        cap = cap or self.s.max_per_article
        chosen: list[int] = []
        if k <= 0:
            return chosen
        per_article: Counter[str] = Counter()
        deferred: list[int] = []
        for i in order:
            c = self.chunks[i]
            if any(self._overlap(c, self.chunks[j]) > 0.5 for j in chosen):
                continue
            if per_article[c.article_id] >= cap:
                deferred.append(i)
                continue
            chosen.append(i)
            per_article[c.article_id] += 1
            if len(chosen) == k:
                return chosen
        for i in deferred:  # not enough other articles: fill up
            if len(chosen) == k:
                break
            chosen.append(i)
        return chosen

    @staticmethod
    def _overlap(a: Chunk, b: Chunk) -> float:
        if a.article_id != b.article_id:
            return 0.0
        inter = min(a.end, b.end) - max(a.start, b.start)
        return max(0, inter) / max(1, min(a.end - a.start, b.end - b.start))

    def _passage(self, rank: int, score: float, chunk: Chunk) -> Passage:
        art = self.articles[chunk.article_id]
        return Passage(rank=rank, score=score, article_id=art.id, title=art.title, source=art.source,
                       text=chunk.text, start=chunk.start, end=chunk.end, chunk_id=chunk.id)


def _grouped(chunks: list[Chunk]) -> dict[str, list[Chunk]]:
    by_article: dict[str, list[Chunk]] = defaultdict(list)
    for c in chunks:
        by_article[c.article_id].append(c)
    return by_article
