"""Sentence candidates inside retrieved passages, with exact article offsets and cached embeddings."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from bot.core.models import Passage
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


def overlaps(span, spans: list[tuple[str, int, int]]) -> bool:
    """Whether `span` (a sentence, a passage: article_id, start, end) overlaps one of `spans` (article, start, end)."""
    return any(a == span.article_id and min(e, span.end) > max(b, span.start) for a, b, e in spans)


def shorten(text: str, limit: int = 240) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(",;: ") + "…"


def article_sentences(article) -> list[Sentence]:
    """Every quotable sentence of an article, with offsets in its body."""
    from bot.core.models import Passage

    whole = Passage(rank=0, score=0.0, article_id=article.id, title=article.title, source=article.source,
                    text=article.body, start=0, end=len(article.body), chunk_id="")
    return sentences_of([whole])


class SentenceScorer:
    """Scores sentences against a question with the embedding model alone (query vector against the
    sentences' passage vectors), less a small prior per retrieval rank of the sentence's passage
    (`scoring.passage_prior`, fitted on dev by bench/calibrate_routing.py). Vectors come from the knowledge
    base's persistent cache."""

    def __init__(self, vectors, prior: float = 0.01, prior_ranks: int = 8):
        self._vectors, self.prior, self.prior_ranks = vectors, prior, prior_ranks

    def vectors(self, sentences: list[Sentence]) -> np.ndarray:
        if not sentences:
            return np.zeros((0, 1), dtype=np.float32)
        return self._vectors.embed_documents([s.text for s in sentences])

    def score(self, question: str, qvec: np.ndarray, sentences: list[Sentence]) -> list[float]:
        if not sentences:
            return []
        sims = self.vectors(sentences) @ qvec
        return self.with_prior([float(x) for x in sims], sentences)

    def with_prior(self, sims: list[float], sentences: list[Sentence]) -> list[float]:
        """Favour the passages hybrid retrieval ranked first."""
        return [x - self.prior * min(s.passage_rank, self.prior_ranks) for x, s in zip(sims, sentences)]
