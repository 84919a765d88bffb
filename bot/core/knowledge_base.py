"""KnowledgeBase: the knowledge folder, synced into Chroma, searchable, with debates and facts."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.knowledge.articles import load_articles
from bot.core.knowledge.chunking import chunk_article
from bot.core.knowledge.parsed_cache import ParsedArticles
from bot.core.knowledge.problems import KnowledgeFolderError, Problem
from bot.core.models import Article, Chunk, Debate, Fact, Passage, SyncReport
from bot.core.progress import NullProgress
from bot.core.retrieval.chunk_table import ChunkTable
from bot.core.retrieval.corpus_cache import CorpusCache, corpus_key
from bot.core.retrieval.embeddings import PersistentCache, QueryCache, build_embedder
from bot.core.retrieval.recovery import StoreRecovery
from bot.core.retrieval.store import ChromaStore, StoreError, is_store_failure

log = logging.getLogger(__name__)


MERGE_MAX_SHARE = 0.5  # above this share of new chunks, the lexical indexes are rebuilt rather than merged
GROUP_CHUNKS = 512  # articles are embedded and written in groups of about this many chunks


def _groups(articles: list[Article], chunks: dict[str, list[Chunk]], size: int):
    group, n = [], 0
    for art in articles:
        group.append(art)
        n += len(chunks[art.id])
        if n >= size:
            yield group
            group, n = [], 0
    if group:
        yield group


class IngestBusy(RuntimeError):
    """Another process holds the ingest lock of the shared Chroma server; retried later."""

    expected = True  # logged at INFO by the recovery loop


class _ManifestSaver:
    """Saves the manifest at most every `interval` seconds during a sync (it grows with the corpus)."""

    def __init__(self, store: ChromaStore, manifest: dict, interval: float = 2.0):
        self.store, self.manifest, self.interval = store, manifest, interval
        self.dirty = False
        self._last = time.monotonic()

    def maybe_save(self) -> None:
        self.dirty = True
        if time.monotonic() - self._last >= self.interval:
            self.store.save_manifest(self.manifest)
            self._last = time.monotonic()
            self.dirty = False


@dataclass(frozen=True)
class KnowledgeView:
    """Everything a query reads, installed by one sync and replaced in one assignment: a query that holds
    a view never sees half of a re-sync (articles, chunks, indexes, debates and facts always agree)."""

    articles: tuple[Article, ...] = ()
    by_id: dict[str, Article] = field(default_factory=dict)
    chunks: Mapping[str, list[Chunk]] = field(default_factory=dict)  # article id -> its chunks
    retriever: object = None  # HybridRetriever
    debates: tuple[Debate, ...] = ()
    facts: tuple[Fact, ...] = ()
    generation: int = 0


class KnowledgeBase:
    def __init__(self, settings, *, root: Path, embedder=None):
        self.settings = settings
        self.root = Path(root)
        self.folder = Path(settings.knowledge.dir)
        self.embedder = QueryCache(embedder or build_embedder(settings.embeddings))
        fingerprint = {"max_chars": settings.chunking.max_chars, "overlap": settings.chunking.overlap_sentences}
        self.store = ChromaStore(settings.store, self.embedder.name, fingerprint)
        self.recovery = StoreRecovery(self.store, self._resync_until_written)
        self.corpus_cache = CorpusCache(Path(settings.store.data_dir) / "corpus", self.store.collection_name)
        self.parsed_cache = ParsedArticles(Path(settings.store.data_dir) / "corpus" / f"{self.store.collection_name}-parsed.json")
        self._parsed: dict | None = None
        self._corpus_key = None  # corpus key of the installed view's chunks and indexes
        self.retry_when_locked = True  # a sync that found the ingest lock held re-syncs in the background
        self._lock_owner = None  # set on first use: host:pid:random, the same for every sync of this process
        # sentence and example vectors (reranking, routing), kept across processes
        self.vectors = PersistentCache(self.embedder, Path(settings.embeddings.cache_dir or settings.store.data_dir))
        self._lock = threading.RLock()
        self.view = KnowledgeView()
        self.problems: list[Problem] = []
        self._curated_problems: list[Problem] = []
        self._refs = None
        self._synced = False
        self._file_cache: dict = {}
        self._chunk_cache: dict[str, list[Chunk]] = {}  # content hash -> chunks made during this sync
        self._installed_key = None

    @property
    def is_ready(self) -> bool:
        return self._synced

    # The installed view's parts (each read is one view; read `view` once to use several together).
    articles = property(lambda self: list(self.view.articles))
    debates = property(lambda self: list(self.view.debates))
    facts = property(lambda self: list(self.view.facts))
    generation = property(lambda self: self.view.generation)
    _retriever = property(lambda self: self.view.retriever)

    # -- sync ------------------------------------------------------------------------
    def ensure_synced(self, progress=None) -> SyncReport:
        if self._synced:  # no lock: queries never wait for a re-sync, they use the installed state
            return SyncReport()
        with self._lock:
            if self._synced:
                return SyncReport()
            return self.sync(progress)

    @property
    def store_status(self) -> str:
        """ok | rebuilding (local store being rebuilt) | unreachable (server down, retried with backoff)."""
        return self.recovery.status

    def drop_store(self) -> None:
        """Empty the collection (`ingest --rebuild`). On a shared server only while holding the ingest lock:
        StoreError names the process that holds it."""
        from bot.core.retrieval.ingest_lock import locked_message

        with self._lock:
            lock = self._ingest_lock() if self.store.shared else None
            holder = lock.acquire() if lock is not None else None
            if holder is not None:
                raise StoreError(locked_message(self.store.where, holder.describe(time.time()), "Nothing was dropped"))
            try:
                self.store.drop()
            finally:
                if lock is not None:
                    lock.release()
            self._synced = False

    def sync(self, progress=None, allow_empty: bool = False) -> SyncReport:
        """Incremental sync keyed by article id + content hash. Safe to re-run.

        A local store that is deleted or unreadable is moved aside and rebuilt (report.rebuilt);
        a Chroma server that cannot be reached raises StoreError naming it."""
        with self._lock:
            try:
                report = self._sync(progress, allow_empty)
            except Exception as exc:
                if not is_store_failure(exc) or isinstance(exc, StoreError) and self.store.s.chroma_host:
                    raise  # not the store's fault, or a server that is unreachable (retried later)
                problem = str(self.store.unreachable(exc))
                log.warning("%s", problem)
                self.store.reset()  # a local store is moved aside and rebuilt; a server is reconnected
                try:
                    report = self._sync(progress, allow_empty)
                except Exception as again:
                    if is_store_failure(again) and not isinstance(again, StoreError):
                        raise self.store.unreachable(again) from None
                    raise
                report.rebuilt = report.rebuilt or not self.store.s.chroma_host
                report.problems.append(problem)
            self.store.available = True
            if report.waiting_for and self.retry_when_locked:
                self.recovery.retry(f"another process holds the ingest lock ({report.waiting_for})")
            return report

    def _resync_until_written(self) -> SyncReport:
        """What the recovery thread runs: a sync that counts as failed while another process holds the lock."""
        report = self.sync()
        if report.waiting_for:
            raise IngestBusy(f"another process holds the ingest lock of {self.store.where}: {report.waiting_for}")
        return report

    def _held_articles(self) -> int:
        """Articles the store's manifest lists, read without opening (or creating) the store."""
        try:
            return len(json.loads(self.store.manifest_path.read_text(encoding="utf-8")).get("articles", {}))
        except (OSError, ValueError, AttributeError):
            return 0

    def _sync(self, progress=None, allow_empty: bool = False) -> SyncReport:
        progress = progress or NullProgress()
        t0 = time.perf_counter()
        with self._lock:
            report = SyncReport()
            if self._parsed is None:
                self._parsed = self.parsed_cache.load()
            loaded = load_articles(self.folder, self.root, self._file_cache, self._parsed)
            if not allow_empty and not loaded.articles and not loaded.problems:
                held = self._held_articles()
                if held or not self.folder.is_dir():  # a wrong folder must never empty the store
                    raise KnowledgeFolderError(self.folder, held)
            count = self.store.check()
            report.problems = [str(p) for p in loaded.problems]
            manifest = self.store.load_manifest()
            lock = None
            if self.store.shared:
                manifest, lock = self._shared_manifest(loaded, manifest, count)
                if lock is not None and not lock.held:
                    return self._serve_while_locked(loaded, lock, report, t0)
            elif not manifest.get("valid", True):
                log.warning("manifest unusable (format, chunking or model changed); rebuilding the collection")
                self.store.drop()
                manifest = self.store._empty_manifest()
                report.rebuilt = True
            elif not self.store.consistent(manifest, count):
                fixed = self.store.reconcile(manifest)  # e.g. an interrupted ingest, or a damaged collection
                log.warning("store and manifest disagreed; reconciled %d article(s)", fixed)
            try:
                return self._apply(loaded, manifest, report, progress, lock, t0)
            finally:
                if lock is not None:
                    lock.release()

    def _shared_manifest(self, loaded, manifest: dict, count: int):
        """Shared server: (manifest, lock). The manifest is the local one when it matches the collection,
        else rebuilt from the collection (other processes write there too). When the folder needs writing,
        the ingest lock is asked for: held, the manifest is read afresh from the collection; not held, the
        caller serves without writing."""
        if not self.store.consistent(manifest, count):
            manifest = self.store.manifest_from_collection()
        current = {a.id: a.content_hash for a in loaded.articles}
        known = manifest["articles"]
        if all(known.get(i, {}).get("hash") == h for i, h in current.items()) and set(known) <= set(current):
            return manifest, None
        lock = self._ingest_lock()
        if lock.acquire() is not None:  # held by another process: lock.blocked_by says who
            return manifest, lock
        try:
            manifest = self.store.manifest_from_collection()  # what the previous holder wrote
            if not self.store.consistent(manifest):
                fixed = self.store.reconcile(manifest)  # chunks of a writer that stopped half-way
                log.warning("removed the partial chunks of %d article(s) left by an interrupted ingest", fixed)
        except BaseException:
            lock.release()
            raise
        return manifest, lock

    def _ingest_lock(self):
        from bot.core.retrieval.ingest_lock import IngestLock, new_owner

        self._lock_owner = self._lock_owner or new_owner()
        return IngestLock(self.store.locks, self.store.collection_name, ttl_s=self.store.s.ingest_lock_ttl_s,
                          owner=self._lock_owner)

    def _serve_while_locked(self, loaded, lock, report: SyncReport, t0: float) -> SyncReport:
        """Another process is writing into the shared server: serve the folder with the vectors the store
        already holds (the rest is found lexically), write nothing, and try again later."""
        report.waiting_for = lock.blocked_by.describe(time.time())
        report.unchanged = len(loaded.articles)
        self._install(list(loaded.articles), {}, report)
        self._installed_key = None  # the next sync installs again once the writer is done
        self.problems = list(loaded.problems) + self._curated_problems
        report.chunks = len(self.view.retriever.chunks)
        report.seconds = time.perf_counter() - t0
        self._synced = True
        log.info("knowledge sync: another process holds the ingest lock of %s (%s); serving without writing",
                 self.store.where, report.waiting_for)
        return report

    def _apply(self, loaded, manifest: dict, report: SyncReport, progress, lock, t0: float) -> SyncReport:
        """Write the folder's changes into the store (holding the ingest lock on a shared server) and
        install the new view."""
        with self._lock:
            known = manifest["articles"]
            saver = _ManifestSaver(self.store, manifest)
            current = {a.id: a for a in loaded.articles}
            broken_sources = {p.path for p in loaded.problems}
            kept: dict[str, Article] = {}
            stale: list[str] = []  # vectors of removed or replaced chunks, deleted once the new view is installed
            for art_id, entry in list(known.items()):
                if art_id in current:
                    continue
                if entry.get("source") in broken_sources:
                    snap = self.store.load_snapshot(art_id)
                    if snap is not None:  # the file is broken now: keep serving its last good version
                        kept[art_id] = snap
                        report.kept.append(entry["source"])
                        report.problems.append(f"{entry['source']}: kept the last good version of {art_id!r} until the file is fixed")
                        continue
                stale += entry["chunk_ids"]
                self.store.delete_snapshot(art_id)
                del known[art_id]
                report.removed += 1
                saver.maybe_save()
            todo = [a for a in loaded.articles if known.get(a.id, {}).get("hash") != a.content_hash]
            progress.start(len(todo), "embedding")
            chunks_by_article = {art.id: self._chunk(art) for art in todo}
            for group in _groups(todo, chunks_by_article, GROUP_CHUNKS):
                if lock is not None:
                    lock.renew()  # raises LockLost if another process took it over
                for art in group:
                    if art.id in known:
                        fresh = {c.id for c in chunks_by_article[art.id]}
                        stale += [cid for cid in known[art.id]["chunk_ids"] if cid not in fresh]
                        report.updated += 1
                    else:
                        report.added += 1
                items = [(art, chunks_by_article[art.id]) for art in group]
                vectors = self._embed([c.text for _, chunks in items for c in chunks])
                self.store.add_articles(items, vectors)
                for art, chunks in items:
                    self.store.save_snapshot(art)
                    known[art.id] = {"hash": art.content_hash, "source": art.source, "chunk_ids": [c.id for c in chunks]}
                    report.embedded += len(chunks)
                saver.maybe_save()  # progress survives an interruption (reconciled on the next run)
                progress.advance(len(group))
            progress.done()
            self.vectors.save()
            report.unchanged = len(loaded.articles) - len(todo)
            if report.changed or saver.dirty or not self.store.manifest_path.exists():
                self.store.save_manifest(manifest)
            all_articles = loaded.articles + list(kept.values())
            self._parsed = self.parsed_cache.save(loaded.articles)
            key = self._state_key(all_articles)
            if key != self._installed_key:  # a re-sync with nothing changed keeps the built indexes
                self._install(all_articles, chunks_by_article, report)
                self._installed_key = key
            else:
                report.problems += [str(p) for p in self._curated_problems]
            self.problems = list(loaded.problems) + self._curated_problems
            self._chunk_cache = {}  # the installed view holds them now
            if stale:  # after the swap: a query during the sync kept finding the old version's vectors
                self.store.delete_chunks(stale)
            report.chunks = len(self.view.retriever.chunks)
            report.seconds = time.perf_counter() - t0
            self._synced = True
            log.info("knowledge sync: %s", report.summary())
            return report

    def _chunk(self, art: Article, cached=None) -> list[Chunk]:
        """The article's chunks: those of the installed view or of the last corpus cache (`cached`) when the
        article did not change, else made."""
        chunks = self._chunk_cache.get(art.content_hash)
        installed = self.view.by_id.get(art.id)
        if chunks is None and installed is not None and installed.content_hash == art.content_hash:
            chunks = self.view.chunks.get(art.id)
        if chunks is None and cached is not None:
            chunks = cached.of(art)
        if chunks is None:
            c = self.settings.chunking
            chunks = chunk_article(art, max_chars=c.max_chars, overlap_sentences=c.overlap_sentences)
            self._chunk_cache[art.content_hash] = chunks
        return chunks

    def _embed(self, texts: list[str]):
        import numpy as np

        bs = self.settings.embeddings.batch_size
        parts = [self.vectors.embed_documents(texts[i:i + bs]) for i in range(0, len(texts), bs)]
        return np.concatenate(parts) if parts else np.zeros((0, 1), dtype=np.float32)

    def _state_key(self, articles: list[Article]) -> tuple:
        curated = []
        for name in ("debates.yaml", "facts.yaml"):
            try:
                st = (self.folder / name).stat()
                curated.append((name, st.st_mtime_ns, st.st_size))
            except OSError:
                curated.append((name, None, None))
        return tuple(sorted((a.id, a.content_hash, a.source) for a in articles)) + tuple(curated)

    def _install(self, articles: list[Article], fresh: dict[str, list[Chunk]], report: SyncReport) -> None:
        """Build the next view completely, then swap it in with one assignment. The chunks and lexical
        indexes come from the corpus cache when it holds exactly these articles (a new process over an
        unchanged folder), else they are built and cached."""
        from bot.core.knowledge.curated import load_debates, load_facts
        from bot.core.retrieval.hybrid import HybridRetriever

        ordered = sorted(articles, key=lambda a: a.source)
        by_id = {a.id: a for a in ordered}
        key = corpus_key(tuple((a.id, a.content_hash, a.source) for a in ordered), self.store.fingerprint)
        if key == self._corpus_key and not fresh:  # only debates.yaml/facts.yaml changed: keep the indexes
            cached = self.view.retriever.chunks, self.view.retriever.indexes
        else:
            cached = self.corpus_cache.load(key, ordered) if not fresh else None
        if cached is not None:
            table, indexes = cached
        else:
            base = self._merge_base()
            reuse = base[2] if base is not None else None
            table = ChunkTable.of({a.id: fresh.get(a.id) or self._chunk(a, reuse) for a in ordered},
                                  {a.id: a.content_hash for a in ordered})
            indexes = self._merged_indexes(table, base)
        retriever = HybridRetriever(table, by_id, self.store, self.embedder, self.settings.retrieval,
                                    on_store_failure=self.recovery.failed, doc_embedder=self.vectors, indexes=indexes)
        debates, problems = load_debates(self.folder / "debates.yaml", by_id, self.root)
        facts, fact_problems = load_facts(self.folder / "facts.yaml", by_id, self.root)
        self._curated_problems = problems + fact_problems
        report.problems += [str(p) for p in self._curated_problems]
        self.view = KnowledgeView(tuple(ordered), by_id, table.by_article(), retriever, tuple(debates), tuple(facts),
                                  self.view.generation + 1)
        self._refs = None
        if cached is None:  # after the swap: queries use the new view while the cache is written
            self.corpus_cache.save(key, table, retriever.indexes, self.store.fingerprint)
        self._corpus_key = key

    def _merge_base(self):
        """(chunk ids, lexical indexes, reusable chunks or None) of the installed view (a re-sync in this
        process) or of the last corpus cache (a new process after an edit), or None."""
        retriever = self.view.retriever
        if retriever is not None:
            return retriever.chunks.ids(), retriever.indexes, None
        return self.corpus_cache.load_latest(self.store.fingerprint)

    def _merged_indexes(self, table: ChunkTable, base):
        """The lexical indexes of `table` merged from the base's, when at most MERGE_MAX_SHARE of its chunks
        are new: only those are analysed. None: build from scratch."""
        import numpy as np

        if base is None:
            return None
        old_ids, indexes, _ = base
        position = {cid: i for i, cid in enumerate(table.ids())}
        keep = np.fromiter((position.get(cid, -1) for cid in old_ids), dtype=np.int64, count=len(old_ids))
        kept = np.zeros(len(table), dtype=bool)
        kept[keep[keep >= 0]] = True
        new_rows = np.flatnonzero(~kept).tolist()
        if not len(table) or len(new_rows) > MERGE_MAX_SHARE * len(table):
            return None
        texts = [c.text for c in table]
        log.info("lexical indexes: %d new chunk(s) merged into %d unchanged", len(new_rows), int(kept.sum()))
        return indexes.merged(keep, new_rows, [texts[i] for i in new_rows], texts)

    # -- queries ---------------------------------------------------------------------
    @property
    def retriever(self):
        self.ensure_synced()
        return self.view.retriever

    def search(self, query: str, k: int | None = None, mode: str = "hybrid") -> list[Passage]:
        return self.retriever.search(query, k=k, mode=mode)

    @property
    def article_refs(self):
        return self.refs_for(self.retriever)

    def refs_for(self, retriever):
        """Resolves "the article about …" to an article of that retriever's corpus
        (bot/core/retrieval/article_ref.py), built on first use and kept with the retriever."""
        refs = getattr(retriever, "article_refs", None)
        if refs is None or self._refs is None:
            from bot.core.retrieval.article_ref import ArticleRefResolver, load_examples

            refs = ArticleRefResolver(list(retriever.articles.values()), self.vectors, load_examples(),
                                      self.settings.retrieval, retriever.mentions)
            retriever.article_refs = self._refs = refs
        return refs

    def search_resolved(self, query: str, k: int | None = None, lang: str = "fr"):
        """(passages, ArticleRef | None): a reference to an article puts that article's passages first;
        a reference to an article the base lacks returns no passage."""
        ref = self.article_refs.resolve(query, self.embedder.embed_query(query), lang)
        if ref is not None and ref.missing:
            return [], ref
        return self.retriever.search(query, k=k, article_id=ref.article_id if ref else None), ref

    def article(self, article_id: str) -> Article | None:
        self.ensure_synced()
        return self.view.by_id.get(article_id)

    def chunks_of(self, article_id: str) -> list[Chunk]:
        self.ensure_synced()
        return list(self.view.chunks.get(article_id, []))
