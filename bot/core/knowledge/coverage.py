"""`knowledge coverage`: how many articles and quotes support each side of each debate, and which
topics of the articles no debate covers.

A sentence is uncovered when its best similarity to every side of every debate (side_similarity.py)
is below UNCOVERED_MAX; uncovered sentences are grouped into topics by agglomerative clustering of
their vectors, so a subject several articles mention shows up once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bot.core.answering.sentences import Sentence, article_sentences
from bot.core.knowledge.side_similarity import Folder, SideSpace

# Measured (bench/draft_bench.py): below 0.88 fall 3/79 real quotes' sentences (each article held out of
# the maps in turn) and 5/7 sentences of off-topic articles (cooking, football); 0.89 flags 8/79 and 7/7.
UNCOVERED_MAX = 0.88
TOPIC_DISTANCE = 0.12  # cosine distance under which two uncovered sentences are one topic (average linkage)


@dataclass(frozen=True)
class SideCoverage:
    debate_id: str
    question: str
    side_id: str
    label: str
    quotes: int
    articles: tuple[str, ...]


@dataclass
class ArticleCoverage:
    article_id: str
    source: str
    debate_quotes: int = 0
    fact_quotes: int = 0
    sentences: int = 0
    uncovered: int = 0


@dataclass(frozen=True)
class Topic:
    sentences: tuple[Sentence, ...]  # most central first
    best_similarity: float  # the closest any of them gets to a side

    @property
    def articles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.article_id for s in self.sentences))


@dataclass
class CoverageReport:
    sides: list[SideCoverage] = field(default_factory=list)
    articles: list[ArticleCoverage] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    uncovered_max: float = UNCOVERED_MAX


def side_coverage(folder: Folder) -> list[SideCoverage]:
    out = []
    for d in folder.debates:
        for s in d.sides:
            quotes = [q for a in s.arguments for q in a.quotes]
            out.append(SideCoverage(d.id, d.question, s.id, s.label, len(quotes), tuple(sorted({q.article_id for q in quotes}))))
    return out


def _topics(sentences: list[Sentence], vecs: np.ndarray, best: np.ndarray) -> list[Topic]:
    if not sentences:
        return []
    if len(sentences) == 1:
        labels = np.zeros(1, dtype=int)
    else:
        from sklearn.cluster import AgglomerativeClustering

        labels = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                         distance_threshold=TOPIC_DISTANCE).fit_predict(vecs)
    topics = []
    for label in sorted(set(labels.tolist())):
        idx = np.flatnonzero(labels == label)
        centre = vecs[idx].mean(axis=0)
        order = idx[np.argsort(-(vecs[idx] @ centre))]
        topics.append(Topic(tuple(sentences[i] for i in order), round(float(best[idx].max()), 3)))
    topics.sort(key=lambda t: (-len(t.articles), -len(t.sentences), t.best_similarity))
    return topics


def coverage(folder: Folder, vectors, *, uncovered_max: float = UNCOVERED_MAX) -> CoverageReport:
    report = CoverageReport(sides=side_coverage(folder), uncovered_max=uncovered_max)
    per_article = {a.id: ArticleCoverage(a.id, a.source) for a in folder.articles}
    for d in folder.debates:
        for s in d.sides:
            for a in s.arguments:
                for q in a.quotes:
                    per_article[q.article_id].debate_quotes += 1
    for f in folder.facts:
        per_article[f.quote.article_id].fact_quotes += 1
    space = SideSpace.build(vectors, folder.debates)
    flagged, flagged_vecs, flagged_best = [], [], []
    for art in folder.articles:
        sentences = article_sentences(art)
        per_article[art.id].sentences = len(sentences)
        if not sentences:
            continue
        vecs = vectors.embed_documents([s.text for s in sentences])
        best = space.scores(vecs).max(axis=1) if space.sides else np.zeros(len(sentences))
        low = np.flatnonzero(best < uncovered_max)
        per_article[art.id].uncovered = len(low)
        flagged += [sentences[i] for i in low]
        flagged_vecs.append(vecs[low])
        flagged_best.append(best[low])
    report.articles = list(per_article.values())
    if flagged:
        report.topics = _topics(flagged, np.concatenate(flagged_vecs), np.concatenate(flagged_best))
    return report
