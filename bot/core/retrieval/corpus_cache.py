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
from bot.core.retrieval.chunk_table import ChunkTable
from bot.core.retrieval.corpus_index import CorpusIndexes

log = logging.getLogger(__name__)
CACHE_VERSION = 3  # bump when CorpusIndexes, the analyzers or the chunk layout change


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

    def save(self, key: str, chunks: ChunkTable, indexes: CorpusIndexes) -> None:
        """Write the cache of this key and remove the caches of other keys. Never raises."""
        path = self._path(key)
        if path.is_dir():
            return
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            for name, array in {**chunks.to_arrays(), **indexes.to_arrays()}.items():
                np.save(tmp / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("cannot write the corpus cache %s (%s); the next process rebuilds the indexes", path, exc)
            shutil.rmtree(tmp, ignore_errors=True)
            return
        for old in self.folder.glob(f"{self.name}-*"):
            if old != path:
                shutil.rmtree(old, ignore_errors=True)

