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

from bot.core.models import Article
from bot.core.retrieval.chunk_table import CachedChunks, ChunkTable
from bot.core.retrieval.corpus_index import CorpusIndexes

log = logging.getLogger(__name__)
CACHE_VERSION = 4  # bump when CorpusIndexes, the analyzers or the chunk layout change


def corpus_key(state: tuple, fingerprint: dict) -> str:
    raw = json.dumps([CACHE_VERSION, fingerprint, [list(x) for x in state]], ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:24]


class CorpusCache:
    def __init__(self, folder: Path, name: str):
        self.folder = Path(folder)
        self.name = name

    def _path(self, key: str) -> Path:
        return self.folder / f"{self.name}-{key}"

    def load(self, key: str, articles: list[Article]) -> tuple[ChunkTable, CorpusIndexes] | None:
        """(chunks, indexes) for exactly these articles, in this order, or None."""
        path = self._path(key)
        if not path.is_dir():
            return None
        try:
            arrays = {p.stem: np.load(p, mmap_mode="r", allow_pickle=False) for p in path.glob("*.npy")}
            return ChunkTable.from_arrays(arrays, articles), CorpusIndexes.from_arrays(arrays)
        except Exception as exc:  # noqa: BLE001 - damaged or foreign: rebuild it
            log.warning("corpus cache %s unusable (%s); rebuilding the lexical indexes", path, type(exc).__name__)
            shutil.rmtree(path, ignore_errors=True)
            return None

    def load_latest(self, fingerprint: dict) -> tuple[list[str], CorpusIndexes, CachedChunks] | None:
        """(chunk id of each row, indexes, reusable chunks) of the cache saved last with these chunking
        settings, whatever corpus it holds: the base a changed corpus's indexes are merged from
        (bot/core/retrieval/corpus_index.py). None when absent or unreadable."""
        for path in sorted((p for p in self.folder.glob(f"{self.name}-*") if p.is_dir()), key=_mtime, reverse=True):
            try:
                arrays = {p.stem: np.load(p, mmap_mode="r", allow_pickle=False) for p in path.glob("*.npy")}
                if int(arrays["cache.version"][0]) != CACHE_VERSION or str(arrays["cache.fingerprint"][0]) != _dump(fingerprint):
                    continue
                return arrays["chunks.id"].tolist(), CorpusIndexes.from_arrays(arrays), CachedChunks(arrays)
            except Exception as exc:  # noqa: BLE001 - damaged or of another version: build from scratch
                log.info("corpus cache %s not usable as a base (%s)", path, type(exc).__name__)
        return None

    def save(self, key: str, chunks: ChunkTable, indexes: CorpusIndexes, fingerprint: dict) -> None:
        """Write the cache of this key and remove the caches of other keys. Never raises."""
        path = self._path(key)
        if path.is_dir():
            return
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            for name, array in {**chunks.to_arrays(), **indexes.to_arrays(),
                                 "cache.version": np.asarray([CACHE_VERSION], dtype=np.int64),
                                 "cache.fingerprint": np.asarray([_dump(fingerprint)], dtype=str)}.items():
                np.save(tmp / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("cannot write the corpus cache %s (%s); the next process rebuilds the indexes", path, exc)
            shutil.rmtree(tmp, ignore_errors=True)
            return
        for old in self.folder.glob(f"{self.name}-*"):
            if old != path:
                shutil.rmtree(old, ignore_errors=True)



def _dump(fingerprint: dict) -> str:
    return json.dumps(fingerprint, sort_keys=True, default=str)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed meanwhile by another process
        return 0.0
