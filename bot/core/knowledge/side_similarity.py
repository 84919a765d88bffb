"""How close each article sentence is to each side of each debate map (embedding cosine), for
`knowledge draft-debates` and `knowledge coverage`.

A side is represented by its label, its summary, its arguments and their quotes; a sentence's
similarity to a side is its best cosine to any of them. No Chroma store is opened: the folder is
read like `knowledge check` does, and vectors come from the persistent vector cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.core.knowledge.articles import load_articles
from bot.core.knowledge.curated import load_debates, load_facts
from bot.core.models import Article, Debate, DebateSide, Fact


@dataclass
class Folder:
    articles: list[Article]
    debates: list[Debate]
    facts: list[Fact]

    def article(self, article_id: str) -> Article | None:
        return next((a for a in self.articles if a.id == article_id), None)


def open_folder(folder: Path, root: Path) -> Folder:
    loaded = load_articles(folder, root)
    by_id = {a.id: a for a in loaded.articles}
    debates, _ = load_debates(folder / "debates.yaml", by_id, root)
    facts, _ = load_facts(folder / "facts.yaml", by_id, root)
    return Folder(loaded.articles, debates, facts)


def open_vectors(settings):
    """The knowledge base's embedder behind its persistent cache (same vectors as the running bot)."""
    from bot.core.retrieval.embeddings import PersistentCache, build_embedder

    return PersistentCache(build_embedder(settings.embeddings), Path(settings.embeddings.cache_dir or settings.store.data_dir))


def quoted_articles(debates: list[Debate]) -> set[str]:
    return {q.article_id for d in debates for s in d.sides for a in s.arguments for q in a.quotes}


def side_texts(side: DebateSide, *, without_article: str | None = None) -> list[str]:
    """What a side says: label, summary, and the arguments and quotes (minus those of `without_article`)."""
    texts = [side.label, side.summary]
    for arg in side.arguments:
        quotes = [q.text for q in arg.quotes if q.article_id != without_article]
        if quotes:
            texts.append(arg.text)
            texts.extend(quotes)
    return [t for t in texts if t and t.strip()]


@dataclass
class SideSpace:
    """Every side of every debate, with the vectors of what it says."""

    sides: list[tuple[Debate, DebateSide]]
    vectors: list[np.ndarray]  # one (n_texts, dim) matrix per side

    @classmethod
    def build(cls, vectors, debates: list[Debate], *, without_article: str | None = None) -> "SideSpace":
        sides = [(d, s) for d in debates for s in d.sides]
        texts = [side_texts(s, without_article=without_article) for _, s in sides]
        flat = [t for group in texts for t in group]
        matrix = vectors.embed_documents(flat) if flat else np.zeros((0, 1), dtype=np.float32)
        out, i = [], 0
        for group in texts:
            out.append(matrix[i:i + len(group)])
            i += len(group)
        return cls(sides, out)

    def scores(self, sentence_vectors: np.ndarray, how: str = "max") -> np.ndarray:
        """(n_sentences, n_sides): each sentence's best (`max`) or mean (`mean`) cosine to what each side says."""
        if not self.sides or len(sentence_vectors) == 0:
            return np.zeros((len(sentence_vectors), len(self.sides)), dtype=np.float32)
        reduce = np.max if how == "max" else np.mean
        return np.stack([reduce(sentence_vectors @ m.T, axis=1) if len(m) else np.zeros(len(sentence_vectors))
                         for m in self.vectors], axis=1)

    def leaning(self, sentence_vectors: np.ndarray) -> np.ndarray:
        """(n_sentences, n_sides): mean cosine to each side minus that side's average over these sentences.

        What a sentence says *more* than the rest of its article, side by side: it removes the pull of
        sides that are close to everything the article says (measured: 55/79 real quotes put on their real
        side, against 42/79 for the raw best cosine; bench/draft_bench.py)."""
        mean = self.scores(sentence_vectors, how="mean")
        return mean - mean.mean(axis=0, keepdims=True) if len(mean) else mean

    def columns_of(self, debate_id: str) -> list[int]:
        return [i for i, (d, _) in enumerate(self.sides) if d.id == debate_id]
