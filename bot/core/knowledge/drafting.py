"""`knowledge draft-debates`: for a new article, which existing debates it fits and which of its
sentences could be quoted on which side. The proposal goes to a review file, never into debates.yaml.

An article fits a debate when its best sentences are close to what the debate's sides already say
(mean of its top 3 sentence-to-side cosines); a sentence is a candidate quote for the side of that
debate it is closest to, with the margin over the next side. Thresholds measured leave-one-article-out
on the real maps (bench/draft_bench.py, docs/benchmarks.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bot.core.answering.sentences import Sentence, article_sentences
from bot.core.knowledge.side_similarity import SideSpace
from bot.core.models import Article, Debate

FIT_MIN = 0.895  # debate fit below which an article is not proposed for a debate
QUOTE_MIN = 0.87  # best cosine to a side below which a sentence is not proposed as its quote
TOP_SENTENCES = 3  # fit = mean of the best this many sentences
PER_SIDE = 3  # candidate quotes proposed per side
MAX_DEBATES = 3  # debates proposed per article
TOPICS_SHOWN = 5  # sentences listed for an article that fits no debate


@dataclass(frozen=True)
class Candidate:
    sentence: Sentence
    score: float  # cosine to the side
    margin: float  # how much more it leans to this side than to the next one of the same debate


@dataclass
class DebateFit:
    debate: Debate
    fit: float
    sides: dict[str, list[Candidate]] = field(default_factory=dict)  # side id -> candidates, best first


@dataclass
class ArticleDraft:
    article: Article
    fits: list[DebateFit]  # every debate, best first
    sentences: list[Sentence]
    best_sentence_score: list[float]  # per sentence: its best similarity to any side of any debate

    @property
    def proposed(self) -> list[DebateFit]:
        return [f for f in self.fits[:MAX_DEBATES] if f.fit >= FIT_MIN and any(f.sides.values())]

    def topics(self, n: int = TOPICS_SHOWN) -> list[Sentence]:
        """The article's most central sentences when no debate fits (what a new debate would be about)."""
        order = np.argsort(self.best_sentence_score)[::-1][:n]
        return [self.sentences[i] for i in sorted(order)]


def fits(scores: np.ndarray, space: SideSpace, debates: list[Debate]) -> dict[str, float]:
    """Per debate: mean of the top sentences' best similarity to any of its sides."""
    out = {}
    for d in debates:
        cols = space.columns_of(d.id)
        if not cols or not len(scores):
            out[d.id] = 0.0
            continue
        best = np.sort(scores[:, cols].max(axis=1))[::-1][:TOP_SENTENCES]
        out[d.id] = float(best.mean())
    return out


def _already_quoted(debate: Debate, sentence: Sentence) -> bool:
    return any(q.article_id == sentence.article_id and q.start < sentence.end and sentence.start < q.end
               for s in debate.sides for a in s.arguments for q in a.quotes)


def candidates(scores: np.ndarray, leaning: np.ndarray, space: SideSpace, debate: Debate,
               sentences: list[Sentence]) -> dict[str, list[Candidate]]:
    """Each sentence close enough to `debate` (and not quoted yet) goes to the side it leans to most;
    each side keeps the sentences that lean to it the most."""
    cols = space.columns_of(debate.id)
    per_side: dict[str, list[tuple[float, Candidate]]] = {space.sides[c][1].id: [] for c in cols}
    if not cols:
        return {}
    lean = leaning[:, cols]
    for i, sentence in enumerate(sentences):
        order = np.argsort(lean[i])[::-1]
        close = float(scores[i, cols[order[0]]])
        if close < QUOTE_MIN or _already_quoted(debate, sentence):
            continue
        margin = float(lean[i, order[0]] - lean[i, order[1]]) if len(order) > 1 else 0.0
        per_side[space.sides[cols[order[0]]][1].id].append((float(lean[i, order[0]]), Candidate(sentence, round(close, 3), round(margin, 3))))
    return {side_id: [c for _, c in sorted(found, key=lambda t: t[0], reverse=True)[:PER_SIDE]] for side_id, found in per_side.items()}


def draft_article(article: Article, space: SideSpace, debates: list[Debate], vectors) -> ArticleDraft:
    sentences = article_sentences(article)
    vecs = vectors.embed_documents([s.text for s in sentences]) if sentences else np.zeros((0, 1), dtype=np.float32)
    scores = space.scores(vecs)
    leaning = space.leaning(vecs)
    fit_by_id = fits(scores, space, debates)
    ranked = sorted(debates, key=lambda d: fit_by_id[d.id], reverse=True)
    out = [DebateFit(d, round(fit_by_id[d.id], 3)) for d in ranked]
    for f in out[:MAX_DEBATES]:
        if f.fit >= FIT_MIN:
            f.sides = candidates(scores, leaning, space, f.debate, sentences)
    best = scores.max(axis=1).tolist() if scores.size else [0.0] * len(sentences)
    return ArticleDraft(article, out, sentences, best)
