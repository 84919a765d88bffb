"""Sentence candidates inside retrieved passages, with exact article offsets and cached embeddings."""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from bot.core.models import Passage
from bot.core.retrieval.analysis import word_terms
from bot.core.retrieval.expansion import expand
from bot.core.text import sentence_spans

_AMOUNT = re.compile(r"(\d+(?:[,.]\d+)?)\s*(milliards?|millions?|billion|million)", re.I)
MIN_SENTENCE_CHARS = 25


@dataclass(frozen=True)
class Sentence:
    article_id: str
    title: str
    start: int
    end: int
    text: str
    passage_rank: int


def sentences_of(passages: list[Passage], *, amount_questions: bool = False) -> list[Sentence]:
    """`amount_questions`: also keep questions that state an amount ("pourquoi injecte-t-il 2 milliards … ?")."""
    out, seen = [], set()
    for p in passages:
        for s, e in sentence_spans(p.text):
            text = p.text[s:e]
            key = (p.article_id, p.start + s)
            question = text.endswith("?") and not (amount_questions and amounts(text))
            if len(text) < MIN_SENTENCE_CHARS or key in seen or question or _is_heading(text):
                continue
            seen.add(key)
            out.append(Sentence(p.article_id, p.title, p.start + s, p.start + e, text, p.rank))
    return out


def _is_heading(text: str) -> bool:
    """Section titles and bullets without final punctuation are not quotable sentences."""
    return len(text) < 90 and not text.rstrip("»”\"' )").endswith((".", "!", "…", ":"))


def amounts(text: str) -> set[str]:
    return {f"{m.group(1).replace('.', ',')} {m.group(2).lower().rstrip('s')}" for m in _AMOUNT.finditer(text)}


def shorten(text: str, limit: int = 240) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(",;: ") + "…"


class SentenceScorer:
    """Scores sentences against a question: dense similarity + query-term overlap. Thread-safe LRU cache."""

    def __init__(self, embedder, cache_size: int = 20000):
        self._embedder = embedder
        self._cache: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._size = cache_size
        self._lock = threading.Lock()

    def vectors(self, sentences: list[Sentence]) -> np.ndarray:
        keys = [(s.article_id, s.start, s.end) for s in sentences]
        with self._lock:
            missing = [i for i, k in enumerate(keys) if k not in self._cache]
        if missing:
            fresh = self._embedder.embed_documents([sentences[i].text for i in missing])
            with self._lock:
                for i, v in zip(missing, fresh):
                    self._cache[keys[i]] = v
                while len(self._cache) > self._size:
                    self._cache.popitem(last=False)
        with self._lock:
            if not keys:
                return np.zeros((0, 1), dtype=np.float32)
            return np.stack([self._cache[k] for k in keys])

    def score(self, question: str, qvec: np.ndarray, sentences: list[Sentence]) -> list[float]:
        if not sentences:
            return []
        dense = self.vectors(sentences) @ qvec
        q_terms = set(word_terms(question)) | set(word_terms(expand(question)))
        sent_terms = [set(word_terms(s.text)) for s in sentences]
        # a query word found in few candidates ("valorisation") weighs more than one found in all ("Anthropic")
        n = len(sentences)
        weight = {t: math.log(1.0 + n / (1.0 + sum(t in st for st in sent_terms))) for t in q_terms}
        total = sum(weight.values()) or 1.0
        out = []
        for s, d, terms in zip(sentences, dense, sent_terms):
            lexical = sum(weight[t] for t in q_terms & terms) / total
            out.append(float(d) + 0.6 * lexical - 0.01 * s.passage_rank)
        return out
