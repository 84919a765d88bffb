"""The chunks and lexical indexes of the installed corpus, saved next to the manifest under a key of the
corpus (article ids, content hashes, chunking settings), so a new process over an unchanged folder loads
them instead of re-chunking and re-indexing every article.

One folder of `.npy` files per key, written under a temporary name and renamed into place (a reader sees a
whole cache or none), memory-mapped on load. Only plain arrays, never pickle. It is a cache: a missing,
stale or damaged one is rebuilt, never fatal."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from pathlib import Path

import numpy as np

from bot.core.models import Article, Chunk
from bot.core.retrieval.corpus_index import CorpusIndexes

log = logging.getLogger(__name__)
CACHE_VERSION = 2  # bump when CorpusIndexes, the analyzers or the chunk layout change


def corpus_key(state: tuple, fingerprint: dict) -> str:
    raw = json.dumps([CACHE_VERSION, fingerprint, [list(x) for x in state]], ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:24]


class CorpusCache:
    def __init__(self, folder: Path, name: str):
        self.folder = Path(folder)
        self.name = name

    def _path(self, key: str) -> Path:
        return self.folder / f"{self.name}-{key}"

    def load(self, key: str, articles: list[Article]) -> tuple[dict[str, list[Chunk]], CorpusIndexes] | None:
        """(chunks by article id, indexes) for exactly these articles, or None."""
        path = self._path(key)
        if not path.is_dir():
            return None
        try:
            arrays = {p.stem: np.load(p, mmap_mode="r", allow_pickle=False) for p in path.glob("*.npy")}
            chunks = _chunks_from(arrays, articles)
            return chunks, CorpusIndexes.from_arrays(arrays)
        except Exception as exc:  # noqa: BLE001 - damaged or foreign: rebuild it
            log.warning("corpus cache %s unusable (%s); rebuilding the lexical indexes", path, type(exc).__name__)
            shutil.rmtree(path, ignore_errors=True)
            return None

    def save(self, key: str, chunks: dict[str, list[Chunk]], indexes: CorpusIndexes) -> None:
        """Write the cache of this key and remove the caches of other keys. Never raises."""
        path = self._path(key)
        if path.is_dir():
            return
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            for name, array in {**_chunk_arrays(chunks), **indexes.to_arrays()}.items():
                np.save(tmp / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("cannot write the corpus cache %s (%s); the next process rebuilds the indexes", path, exc)
            shutil.rmtree(tmp, ignore_errors=True)
            return
        for old in self.folder.glob(f"{self.name}-*"):
            if old != path:
                shutil.rmtree(old, ignore_errors=True)


def _chunk_arrays(chunks: dict[str, list[Chunk]]) -> dict[str, np.ndarray]:
    flat = [c for cs in chunks.values() for c in cs]
    return {"chunks.article": np.asarray([c.article_id for c in flat], dtype=str),
            "chunks.id": np.asarray([c.id for c in flat], dtype=str),
            "chunks.span": np.asarray([(c.index, c.start, c.end) for c in flat], dtype=np.int64).reshape(-1, 3)}


def _chunks_from(arrays, articles: list[Article]) -> dict[str, list[Chunk]]:
    by_id = {a.id: a for a in articles}
    out: dict[str, list[Chunk]] = {a.id: [] for a in articles}
    new = object.__new__  # the frozen dataclass's __init__ costs 3x more; the fields are the same
    for art_id, cid, (index, start, end) in zip(arrays["chunks.article"].tolist(), arrays["chunks.id"].tolist(),
                                                 arrays["chunks.span"].tolist()):
        body = by_id[art_id].body  # KeyError: a cache of other articles
        chunk = new(Chunk)
        chunk.__dict__.update(id=cid, article_id=art_id, index=index, start=start, end=end, text=body[start:end])
        out[art_id].append(chunk)
    return out
