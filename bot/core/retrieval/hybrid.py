"""Hybrid retrieval: BM25 (stemmed words) + BM25 (character trigrams) + dense (Chroma), fused by weighted RRF."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Literal

from bot.core.models import Article, Chunk, Passage
from bot.core.retrieval.analysis import STOPWORDS, ngram_terms, raw_words, word_terms
from bot.core.retrieval.expansion import expand, trigram_set
from bot.core.retrieval.lexical import BM25Index
from bot.core.text import fold

Mode = Literal["hybrid", "bm25", "dense"]
_NAME = re.compile(r"(?<![.?!]\s)(?<=\s)[A-ZÀ-Ý][\w-]{2,}")
_COMMON_CAPS = frozenset({"ia", "ai", "what", "how", "why", "who", "when", "which", "quel", "quelle", "pourquoi", "comment", "combien"})
# Generic question words that say nothing about the topic.
QUESTION_FILLERS = frozenset(fold(w) for w in """
dire dit savoir sais connaitre expliquer explique raconter parler parle pense penses pensez penser avis
promis prevu vraiment actuellement aujourd'hui exactement environ quoi quel quelle quels quelles combien
bonne bon mauvaise mauvais faut assez really actually about tell know explain think exactly currently today
going given around like over ones good bad whole also just still much many far big long so yet ever
""".split())
EXPANSION_WEIGHT = 0.6
REPAIR_WEIGHT = 0.7


class HybridRetriever:
    def __init__(self, chunks: list[Chunk], articles: dict[str, Article], store, embedder, settings):
        self.chunks = chunks
        self.articles = articles
        self.store = store
        self.embedder = embedder
        self.s = settings
        self._pos = {c.id: i for i, c in enumerate(chunks)}
        texts = [self._index_text(c) for c in chunks]
        self.words = BM25Index(word_terms).build(texts)
        self.ngrams = BM25Index(ngram_terms).build(texts)
        self._vocab = set(self.words.vocabulary)
        self._surface: dict[str, str] = {}  # folded surface word -> original
        self._gram_index: dict[str, set[str]] = defaultdict(set)
        for t in texts:
            for w in raw_words(t):
                f = fold(w)
                if len(f) >= 4 and f not in STOPWORDS and f not in self._surface:
                    self._surface[f] = w
                    for g in trigram_set(f):
                        self._gram_index[g].add(f)

    def _index_text(self, chunk: Chunk) -> str:
        return chunk.text

    # -- query analysis ------------------------------------------------------------
    def _repairs(self, query: str, threshold: float = 0.4) -> list[str]:
        """Corpus words close to query words that the corpus does not contain (typos, missing letters)."""
        out = []
        for w in raw_words(query):
            f = fold(w)
            if len(f) < 4 or f in STOPWORDS or f in self._surface:
                continue
            grams = trigram_set(f)
            counts = Counter(c for g in grams for c in self._gram_index.get(g, ()))
            best = []
            for cand, inter in counts.most_common(30):
                j = inter / len(grams | trigram_set(cand))
                if j >= threshold:
                    best.append((j, cand))
            best.sort(reverse=True)
            out.extend(self._surface[c] for _, c in best[:2])
        return out

    def _lexical_terms(self, index: BM25Index, query: str, extra: str, repaired: list[str]) -> dict[str, float]:
        terms = index.query_terms(query)
        for text, weight in ((extra, EXPANSION_WEIGHT), (" ".join(repaired), REPAIR_WEIGHT)):
            for t, w in index.query_terms(text, weight).items():
                terms[t] = max(terms.get(t, 0.0), w)
        return terms

    # -- search ----------------------------------------------------------------------
    def rankings(self, query: str, n: int, mode: Mode = "hybrid", dense_sims: dict[int, float] | None = None) -> dict[str, list[int]]:
        extra = expand(query) if self.s.expand_queries else ""
        repaired = self._repairs(query) if mode != "dense" else []
        lists: dict[str, list[int]] = {}
        if mode in ("hybrid", "bm25"):
            lists["bm25"] = [i for i, _ in self.words.top(self._lexical_terms(self.words, query, extra, repaired), n)]
        if mode == "hybrid" and self.s.weights.ngram > 0:
            lists["ngram"] = [i for i, _ in self.ngrams.top(self._lexical_terms(self.ngrams, query, extra, []), n)]
        if mode in ("hybrid", "dense") and (mode == "dense" or self.s.weights.dense > 0):
            vec = self.embedder.embed_query(query)
            hits = [h for h in self.store.query(vec, n) if h.chunk_id in self._pos]
            lists["dense"] = [self._pos[h.chunk_id] for h in hits]
            if dense_sims is not None:
                dense_sims.update((self._pos[h.chunk_id], h.similarity) for h in hits)
        return lists

    def search(self, query: str, k: int | None = None, mode: Mode = "hybrid") -> list[Passage]:
        return self.search_with_evidence(query, k, mode)[0]

    def search_with_evidence(self, query: str, k: int | None = None, mode: Mode = "hybrid") -> tuple[list[Passage], dict]:
        """Passages plus evidence: best dense similarity, query-term coverage, unknown names."""
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
        chosen = self._diversify(order, k)
        passages = [self._passage(rank + 1, fused[i], self.chunks[i]) for rank, i in enumerate(chosen)]
        evidence = self._evidence(query, chosen, dense_sims)
        return passages, evidence

    def _evidence(self, query: str, chosen: list[int], dense_sims: dict[int, float]) -> dict:
        top_terms: set[str] = set()
        for i in chosen[:3]:
            top_terms.update(word_terms(self.chunks[i].text))
        words = [w for w in raw_words(query) if fold(w) not in STOPWORDS and len(fold(w)) >= 3]
        covered = 0
        unknown_names = []
        for w in words:
            alts = set(word_terms(w)) | set(word_terms(expand(w))) | set(word_terms(" ".join(self._repairs(w, 0.6))))
            if alts & top_terms:
                covered += 1
        for m in _NAME.finditer(query):
            name = m.group(0)
            if m.start() > 0 and fold(name) not in self._surface and fold(name) not in _COMMON_CAPS and not (set(word_terms(name)) & self._vocab):
                unknown_names.append(name)
        unknown_terms = []
        for w in words:
            f = fold(w)
            if f in QUESTION_FILLERS:
                continue
            alts = set(word_terms(w)) | set(word_terms(expand(w, synonyms=False))) | set(word_terms(" ".join(self._repairs(w, 0.75))))
            if not (alts & self._vocab):
                unknown_terms.append(w)
        dense_max = max((dense_sims.get(i, 0.0) for i in chosen), default=0.0)
        if not dense_sims and chosen:
            dense_max = 0.0
        return {"dense_max": float(dense_max), "coverage": covered / len(words) if words else 0.0,
                "unknown_names": unknown_names, "unknown_terms": unknown_terms}

    def _diversify(self, order: list[int], k: int) -> list[int]:
        """Cap passages per article and skip near-duplicates (overlapping neighbour chunks)."""
        chosen: list[int] = []
        per_article: Counter[str] = Counter()
        deferred: list[int] = []
        for i in order:
            c = self.chunks[i]
            if any(self._overlap(c, self.chunks[j]) > 0.5 for j in chosen):
                continue
            if per_article[c.article_id] >= self.s.max_per_article:
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
