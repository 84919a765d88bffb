"""The chunks of a corpus in retrieval order, grouped by article: row i is the chunk the lexical indexes call
document i. Built from chunk objects after chunking, or from the corpus cache's arrays without making one
object per chunk (a new process over 5,000 articles would spend 0.3 s building 81k chunks it mostly never
reads): a row becomes a Chunk when it is first read, its text sliced from its article's body."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from bot.core.models import Article, Chunk


class ChunkTable(Sequence):
    def __init__(self, article_ids: list[str], bounds: list[int], make_row, ids, hashes: Mapping[str, str] | None = None):
        """`hashes`: the articles' content hashes, saved with the table so that a later corpus can reuse the
        chunks of the articles that did not change (CachedChunks)."""
        self._article_ids = article_ids
        self._pos = {aid: k for k, aid in enumerate(article_ids)}
        self._bounds = bounds  # rows of article k: bounds[k]:bounds[k + 1]
        self._make_row = make_row
        self._ids = ids  # chunk id of each row (a list or a string array)
        self._rows: list[Chunk | None] = [None] * bounds[-1]
        self._id_map: dict[str, int] | None = None
        self._hashes = dict(hashes or {})

    @classmethod
    def of(cls, chunks_by_article: Mapping[str, list[Chunk]], hashes: Mapping[str, str] | None = None) -> "ChunkTable":
        """A table of chunk objects already made, in the mapping's article order."""
        flat = [c for cs in chunks_by_article.values() for c in cs]
        table = cls(list(chunks_by_article), _bounds(len(cs) for cs in chunks_by_article.values()), flat.__getitem__,
                    [c.id for c in flat], hashes)
        table._rows = list(flat)
        return table

    @classmethod
    def from_arrays(cls, arrays, articles: list[Article]) -> "ChunkTable":
        """The table saved by `to_arrays` for exactly these articles, in this order. Raises ValueError when the
        arrays describe other articles (a stale or foreign cache)."""
        article_ids = [a.id for a in articles]
        if arrays["chunks.articles"].tolist() != article_ids:
            raise ValueError("the cached chunks belong to other articles")
        bounds = arrays["chunks.bounds"].tolist()
        spans, ids = arrays["chunks.span"], arrays["chunks.id"]
        if len(bounds) != len(articles) + 1 or bounds[-1] != len(ids) or len(spans) != len(ids):
            raise ValueError("the cached chunk arrays disagree")
        bodies = [a.body for a in articles]
        bounds_array = np.asarray(bounds)

        def make_row(i: int) -> Chunk:
            k = int(np.searchsorted(bounds_array, i, side="right")) - 1
            return _chunk(str(ids[i]), article_ids[k], spans[i].tolist(), bodies[k])

        return cls(article_ids, bounds, make_row, ids, {a.id: a.content_hash for a in articles})

    def to_arrays(self) -> dict[str, np.ndarray]:
        rows = list(self)
        return {"chunks.articles": np.asarray(self._article_ids, dtype=str),
                "chunks.hashes": np.asarray([self._hashes.get(a, "") for a in self._article_ids], dtype=str),
                "chunks.bounds": np.asarray(self._bounds, dtype=np.int64),
                "chunks.id": np.asarray([c.id for c in rows], dtype=str),
                "chunks.span": np.asarray([(c.index, c.start, c.end) for c in rows], dtype=np.int64).reshape(-1, 3)}

    # -- reading ---------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        row = self._rows[i]
        if row is None:
            row = self._rows[i] = self._make_row(i if i >= 0 else i + len(self))
        return row

    def rows(self, article_id: str) -> range:
        """The rows of one article (empty for an article the table does not hold)."""
        k = self._pos.get(article_id)
        return range(0) if k is None else range(self._bounds[k], self._bounds[k + 1])

    def position(self, chunk_id: str) -> int | None:
        """The row of a chunk id, or None. Chunk ids are `article:index:digest`, so the row is found without an
        index of all ids; other ids fall back to one, built on first need."""
        aid, _, rest = chunk_id.partition(":")
        k, index = self._pos.get(aid), rest.partition(":")[0]
        if k is not None and index.isdigit():
            i = self._bounds[k] + int(index)
            if i < self._bounds[k + 1] and str(self._ids[i]) == chunk_id:
                return i
        if self._id_map is None:
            self._id_map = {str(c): i for i, c in enumerate(self._ids)}
        return self._id_map.get(chunk_id)

    def by_article(self) -> "ArticleChunks":
        return ArticleChunks(self)

    def ids(self) -> list[str]:
        """The chunk id of every row, in order."""
        return self._ids.tolist() if isinstance(self._ids, np.ndarray) else list(self._ids)

    def holds(self, article_id: str) -> bool:
        return article_id in self._pos

    @property
    def article_ids(self) -> list[str]:
        return list(self._article_ids)


class CachedChunks:
    """The chunks a corpus cache holds, reused for an article whose content did not change since (a new
    process after an edit re-chunks only what changed)."""

    def __init__(self, arrays):
        self._pos = {aid: k for k, aid in enumerate(arrays["chunks.articles"].tolist())}
        self._hashes = arrays["chunks.hashes"].tolist()
        self._bounds = arrays["chunks.bounds"].tolist()
        self._ids, self._spans = arrays["chunks.id"], arrays["chunks.span"]

    def of(self, article: Article) -> list[Chunk] | None:
        k = self._pos.get(article.id)
        if k is None or self._hashes[k] != article.content_hash:
            return None
        lo, hi = self._bounds[k], self._bounds[k + 1]
        return [_chunk(cid, article.id, span, article.body)
                for cid, span in zip(self._ids[lo:hi].tolist(), self._spans[lo:hi].tolist())]


class ArticleChunks(Mapping):
    """Article id -> its chunks, read from a ChunkTable (a row becomes a Chunk when it is read)."""

    def __init__(self, table: ChunkTable):
        self.table = table

    def __getitem__(self, article_id: str) -> list[Chunk]:
        if not self.table.holds(article_id):
            raise KeyError(article_id)
        return [self.table[i] for i in self.table.rows(article_id)]

    def __iter__(self):
        return iter(self.table.article_ids)

    def __len__(self) -> int:
        return len(self.table._pos)

    def __contains__(self, article_id) -> bool:
        return self.table.holds(article_id)


def _chunk(chunk_id: str, article_id: str, span, body: str) -> Chunk:
    index, start, end = span
    return Chunk(id=chunk_id, article_id=article_id, index=index, start=start, end=end, text=body[start:end])


def _bounds(sizes) -> list[int]:
    out = [0]
    for n in sizes:
        out.append(out[-1] + n)
    return out
