"""The Chroma store (local PersistentClient, or HttpClient when a host is set) and its manifest.

The manifest (JSON, written atomically) records, per article id, the content hash and
chunk ids that are in the collection; sync compares it with the knowledge folder so a run
with nothing changed does no embedding work.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.core.models import Article, Chunk

log = logging.getLogger(__name__)
MANIFEST_VERSION = 1
HEARTBEAT_TIMEOUT_S = 3.0  # a server that does not answer its heartbeat by then is reported unreachable


class StoreError(RuntimeError):
    """The vector store cannot be used; the message says what to do."""


def is_store_failure(exc: BaseException) -> bool:
    """An error of the store itself (Chroma, its SQLite files, the HTTP connection to a server)."""
    import sqlite3

    import httpx
    from chromadb.errors import ChromaError

    return isinstance(exc, (StoreError, ChromaError, sqlite3.Error, httpx.HTTPError))


@dataclass
class DenseHit:
    chunk_id: str
    similarity: float


def _write_json_atomic(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _move_aside(path: Path) -> Path:
    aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
    shutil.move(str(path), str(aside))
    return aside


def _forget_cached_system(path: Path) -> None:
    """Chroma caches one System per path in-process; drop it so a fresh store can be opened there."""
    try:
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient._identifier_to_system.pop(str(path), None)
    except Exception:  # noqa: BLE001 - private API; a new process does not need this
        pass


def _set_http_timeout(client, seconds: float) -> None:
    """chromadb's HttpClient waits forever on a server that stopped answering; give its httpx session a timeout."""
    try:
        import httpx

        client._server._session.timeout = httpx.Timeout(seconds)
    except Exception:  # noqa: BLE001 - private API; without it only a hung server can stall a call
        log.debug("cannot set a timeout on the Chroma HTTP client")


class ChromaStore:
    def __init__(self, store_settings, embedder_name: str, fingerprint: dict):
        """`fingerprint`: parameters that invalidate every vector when they change (chunking)."""
        self.s = store_settings
        self.embedder_name = embedder_name
        self.fingerprint = fingerprint
        self.collection_name = f"{store_settings.collection_prefix}-{embedder_name}"[:63].rstrip("-_.")
        self.data_dir = Path(store_settings.data_dir)
        self.manifest_path = self.data_dir / f"manifest-{self.collection_name}.json"
        self.snapshot_dir = self.data_dir / "snapshots"
        self.local_path = self.data_dir / "chroma"
        self.where = f"{store_settings.chroma_host}:{store_settings.chroma_port}" if store_settings.chroma_host else str(self.local_path)
        self.available = True  # False while the store is being rebuilt or reconnected: search is lexical-only
        self._client = None
        self._collection = None
        self._locks = None
        self._chunking = json.dumps(fingerprint, sort_keys=True)

    @property
    def shared(self) -> bool:
        """A Chroma server, which other bot processes may use too (they coordinate by the ingest lock)."""
        return bool(self.s.chroma_host)

    # -- connection --------------------------------------------------------------
    def unreachable(self, exc: BaseException) -> StoreError:
        """One line naming the server (host:port) or the local folder, and what to do."""
        if isinstance(exc, StoreError):
            return exc
        if self.s.chroma_host:
            return StoreError(
                f"Cannot reach the Chroma server at {self.where} ({type(exc).__name__}). "
                "Start it (`chroma run --path … --port …`) or remove store.chroma_host to use the local store.")
        return StoreError(f"The Chroma store in {self.where} is unusable ({type(exc).__name__}); it is rebuilt from the knowledge folder.")

    def _heartbeat(self) -> None:
        """Fail fast (within HEARTBEAT_TIMEOUT_S) before chromadb, whose HTTP client has no timeout."""
        import urllib.request

        scheme = "https" if self.s.chroma_ssl else "http"
        try:
            urllib.request.urlopen(f"{scheme}://{self.where}/api/v2/heartbeat", timeout=min(HEARTBEAT_TIMEOUT_S, self.s.chroma_timeout_s)).read()
        except Exception as exc:  # noqa: BLE001 - refused, timed out, DNS, TLS: all mean unreachable
            raise self.unreachable(exc) from None

    def _connect(self):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if self.s.chroma_host:
            self._heartbeat()
            try:
                client = chromadb.HttpClient(host=self.s.chroma_host, port=self.s.chroma_port, ssl=self.s.chroma_ssl, settings=chroma_settings)
            except Exception as exc:
                raise self.unreachable(exc) from None
            _set_http_timeout(client, self.s.chroma_timeout_s)
            return client
        path = self.local_path
        if not (path / "chroma.sqlite3").exists():
            _forget_cached_system(path)  # a System cached in this process for a deleted store is stale
        path.mkdir(parents=True, exist_ok=True)
        try:
            client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
            client.list_collections()
            return client
        except Exception as exc:  # corrupted sqlite / segment files
            _forget_cached_system(path)
            aside = _move_aside(path)
            log.warning("Chroma store at %s is unreadable (%s); moved it to %s and rebuilding from knowledge/", path, type(exc).__name__, aside)
            self.manifest_path.unlink(missing_ok=True)
            path.mkdir(parents=True)
            try:
                return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
            except Exception as exc2:
                raise StoreError(f"Cannot open a Chroma store in {path}: {exc2}. Check disk space and permissions.") from None

    @property
    def collection(self):
        if self._collection is None:
            if self._client is None:
                self._client = self._connect()
            self._collection = self._client.get_or_create_collection(
                self.collection_name,
                embedding_function=None,
                metadata={"embedding_model": self.embedder_name, "app": "contrepoint"},
                configuration={"hnsw": {"space": "cosine"}},
            )
        return self._collection

    def locks(self):
        """The collection of this server's ingest locks (bot/core/retrieval/ingest_lock.py), created on first use."""
        if self._locks is None:
            if self._client is None:
                self._client = self._connect()
            self._locks = self._client.get_or_create_collection(
                f"{self.s.collection_prefix}-locks"[:63], embedding_function=None, metadata={"app": "contrepoint"})
        return self._locks

    def check(self) -> int:
        """Raise when the store cannot serve: its local folder was deleted, or a call fails. Returns the count."""
        self._raise_if_deleted()
        return self.collection.count()

    def _raise_if_deleted(self) -> None:
        if not self.s.chroma_host and self._client is not None and not (self.local_path / "chroma.sqlite3").exists():
            raise StoreError(f"The Chroma store in {self.where} was deleted; it is rebuilt from the knowledge folder.")

    def reset(self) -> None:
        """Forget the connection after a failure. A local store that is gone or unreadable is moved aside and
        started afresh (the next sync re-embeds every article, from the vector cache); a server is reconnected."""
        self._client, self._collection, self._locks = None, None, None
        if self.s.chroma_host:
            return
        _forget_cached_system(self.local_path)
        if self.local_path.exists():
            aside = _move_aside(self.local_path)
            log.warning("moved the unusable Chroma store %s to %s", self.local_path, aside)
        self.manifest_path.unlink(missing_ok=True)

    def drop(self) -> None:
        try:
            if self._client is None:
                self._client = self._connect()
            self._client.delete_collection(self.collection_name)
        except Exception:  # noqa: BLE001 - nothing to drop
            pass
        self._collection = None
        self.manifest_path.unlink(missing_ok=True)

    # -- manifest -----------------------------------------------------------------
    def load_manifest(self) -> dict:
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return self._empty_manifest()
        except (OSError, ValueError):
            log.warning("manifest %s unreadable; the store will be rebuilt", self.manifest_path)
            return self._empty_manifest(valid=False)
        if data.get("version") != MANIFEST_VERSION or data.get("fingerprint") != self.fingerprint:
            return self._empty_manifest(valid=False)
        return data

    def _empty_manifest(self, valid: bool = True) -> dict:
        return {"version": MANIFEST_VERSION, "fingerprint": self.fingerprint, "articles": {}, "valid": valid}

    def save_manifest(self, manifest: dict) -> None:
        manifest = {k: v for k, v in manifest.items() if k != "valid"}
        _write_json_atomic(self.manifest_path, manifest)

    def consistent(self, manifest: dict, count: int | None = None) -> bool:
        """Whether the collection holds as many vectors as the manifest lists (`count`: already known)."""
        expected = sum(len(a["chunk_ids"]) for a in manifest["articles"].values())
        return manifest.get("valid", True) and (self.collection.count() if count is None else count) == expected

    def reconcile(self, manifest: dict) -> int:
        """Make the manifest and the collection agree: delete vectors the manifest does not know,
        forget articles whose vectors are missing (the next sync re-embeds them). Returns how many
        articles were affected."""
        stored = set(self.collection.get(include=[])["ids"])
        known = {cid for a in manifest["articles"].values() for cid in a["chunk_ids"]}
        orphans = list(stored - known)
        self.delete_chunks(orphans)
        affected = {cid.split(":", 1)[0] for cid in orphans}
        for art_id, entry in list(manifest["articles"].items()):
            if not set(entry["chunk_ids"]) <= stored:
                partial = [c for c in entry["chunk_ids"] if c in stored]
                if partial:
                    self.collection.delete(ids=partial)
                del manifest["articles"][art_id]
                affected.add(art_id)
        self.save_manifest(manifest)
        return len(affected)

    def manifest_from_collection(self, page: int = 5000) -> dict:
        """The manifest rebuilt from the chunks' metadata: every article whose chunks are all in the
        collection (written by this or another process sharing the server). Partial articles are left out."""
        found: dict[tuple[str, str], dict] = {}
        offset = 0
        while True:
            got = self.collection.get(include=["metadatas"], limit=page, offset=offset)
            for cid, meta in zip(got["ids"], got["metadatas"]):
                meta = meta or {}
                if meta.get("chunking") != self._chunking:
                    continue  # written with other chunking settings (or before they were recorded): redone
                key = (str(meta.get("article_id")), str(meta.get("content_hash")))
                entry = found.setdefault(key, {"source": meta.get("source"), "expected": meta.get("chunks"), "chunks": {}})
                entry["chunks"][int(meta.get("chunk_index", -1))] = cid
            if len(got["ids"]) < page:
                break
            offset += page
        manifest = self._empty_manifest()
        for (art_id, digest), entry in sorted(found.items()):
            if entry["expected"] and len(entry["chunks"]) == entry["expected"] and art_id not in manifest["articles"]:
                ids = [entry["chunks"][i] for i in sorted(entry["chunks"])]
                manifest["articles"][art_id] = {"hash": digest, "source": entry["source"], "chunk_ids": ids}
        return manifest

    # -- snapshots: last good version of each article, so a broken file loses nothing --
    def save_snapshot(self, article: Article) -> None:
        data = {k: getattr(article, k) for k in ("id", "title", "body", "source", "language", "outlet", "published", "content_hash")}
        data["tags"] = list(article.tags)
        _write_json_atomic(self.snapshot_dir / f"{article.id}.json", data)

    def load_snapshot(self, article_id: str) -> Article | None:
        try:
            data = json.loads((self.snapshot_dir / f"{article_id}.json").read_text(encoding="utf-8"))
            data["tags"] = tuple(data.get("tags", ()))
            return Article(**data)
        except (OSError, ValueError, TypeError):
            return None

    def delete_snapshot(self, article_id: str) -> None:
        (self.snapshot_dir / f"{article_id}.json").unlink(missing_ok=True)

    # -- vectors --------------------------------------------------------------------
    def add_articles(self, items: list[tuple[Article, list[Chunk]]], vectors: np.ndarray) -> None:
        """Upsert the chunks of several articles in one call; `vectors` rows follow the chunks in order.
        No document text: passages are read from the knowledge files (the citations are checked against
        them), and Chroma's full-text index of the documents costs a third of the write time."""
        rows = [(art, c) for art, chunks in items for c in chunks]
        if not rows:
            return
        self.collection.upsert(
            ids=[c.id for _, c in rows],
            embeddings=np.asarray(vectors, dtype=np.float32),
            metadatas=[
                {"article_id": c.article_id, "chunk_index": c.index, "start": c.start, "end": c.end,
                 "title": art.title, "source": art.source, "content_hash": art.content_hash, "chunks": len(chunks),
                 "chunking": self._chunking}
                for art, chunks in items for c in chunks
            ],
        )

    def delete_chunks(self, chunk_ids: list[str]) -> None:
        for i in range(0, len(chunk_ids), 5000):
            self.collection.delete(ids=chunk_ids[i:i + 5000])

    def query(self, vector: np.ndarray, n: int, where: dict | None = None) -> list[DenseHit]:
        self._raise_if_deleted()
        count = self.collection.count()
        if count == 0:
            return []
        res = self.collection.query(
            query_embeddings=np.asarray(vector, dtype=np.float32)[None, :],
            n_results=min(n, count),
            where=where,
            include=["distances"],
        )
        return [DenseHit(cid, 1.0 - float(d)) for cid, d in zip(res["ids"][0], res["distances"][0])]
