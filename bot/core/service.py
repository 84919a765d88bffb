"""`Contrepoint`: the one facade that the CLI, the console and the Discord layer call.

Every method is synchronous and may block (embedding, Chroma, LLM): async callers
run them in a worker thread (`asyncio.to_thread`).
"""

from __future__ import annotations

import logging
import random
import threading
from pathlib import Path
from typing import Sequence

from bot.core.answering.breaker import CircuitBreaker
from bot.core.models import (
    Answer,
    Article,
    Chunk,
    CounterResult,
    Debate,
    FactResult,
    Lang,
    Passage,
    SyncReport,
)
from bot.settings import Settings

log = logging.getLogger(__name__)


class Contrepoint:
    def __init__(self, settings: Settings, *, root: Path | None = None, chat_model=None, rng: random.Random | None = None):
        """`chat_model`: an optional LangChain chat model instance (tests pass fake models).
        When None and `settings.llm.model` is set, the model is built lazily with init_chat_model."""
        self.settings = settings
        self.root = Path(root) if root else Path.cwd()
        self._chat_model = chat_model
        self._rng = rng or random.Random()
        self._lock = threading.RLock()
        self._kb = None  # bot.core.knowledge_base.KnowledgeBase, built lazily
        self._polls = None  # bot.core.polls.store.PollStore, opened on first use
        cb = settings.llm.circuit_breaker
        self.llm_breaker = CircuitBreaker(cb.failures, cb.cooldown_s)

    # -- lifecycle -------------------------------------------------------
    @property
    def kb(self):
        with self._lock:
            if self._kb is None:
                from bot.core.knowledge_base import KnowledgeBase

                self._kb = KnowledgeBase(self.settings, root=self.root)
            return self._kb

    def ensure_ready(self, progress=None) -> SyncReport:
        """Build or re-sync the store when missing or stale; load debates and facts."""
        return self.kb.ensure_synced(progress)

    def sync(self, progress=None, allow_empty: bool = False) -> SyncReport:
        """Re-sync the knowledge folder into the store (incremental). Used by `/reload` and `ingest`.
        A missing or empty folder while the store holds articles raises KnowledgeFolderError unless
        `allow_empty` (`ingest --rebuild`)."""
        return self.kb.sync(progress=progress, allow_empty=allow_empty)

    # -- retrieval ---------------------------------------------------------
    def search(self, query: str, k: int | None = None) -> list[Passage]:
        return self.kb.search(query, k=k)

    def search_resolved(self, query: str, k: int | None = None):
        """(passages, ArticleRef | None): like `search`, honouring a reference to one article."""
        return self.kb.search_resolved(query, k=k)

    # -- answers -----------------------------------------------------------
    def ask(self, question: str, *, lang: Lang | None = None, history: Sequence[str] = ()) -> Answer:
        """Answer a question. `history`: earlier questions of the same thread (oldest first)."""
        from bot.core.answering.pipeline import answer_question

        return answer_question(self, question, lang=lang, history=history)

    def counter(self, claim: str, *, lang: Lang | None = None) -> CounterResult:
        from bot.core.answering.counter import counter_claim

        return counter_claim(self, claim, lang=lang)

    def fact(self, topic: str | None = None, *, lang: Lang | None = None) -> FactResult | None:
        from bot.core.facts import pick_fact

        return pick_fact(self, topic, lang=lang)

    # -- catalogue -----------------------------------------------------------
    def _ready_kb(self):
        kb = self.kb
        kb.ensure_synced()
        return kb

    def debates(self) -> list[Debate]:
        return list(self._ready_kb().debates)

    def debate(self, debate_id: str) -> Debate | None:
        return next((d for d in self._ready_kb().debates if d.id == debate_id), None)

    def suggest_debates(self, text: str, limit: int = 25) -> list[Debate]:
        """In-memory autocomplete over debate questions: no embedding, no I/O, never blocks.
        Returns [] while the knowledge base is not loaded yet (call ensure_ready first)."""
        from bot.core.answering.debate_match import suggest

        kb = self._kb
        if kb is None or not kb.is_ready:
            return []
        return suggest(kb.debates, text, limit=limit, phrase_bonus=self.settings.scoring.autocomplete_phrase_bonus)

    def articles(self) -> list[Article]:
        return list(self._ready_kb().articles)

    def article(self, article_id: str) -> Article | None:
        return self.kb.article(article_id)

    def article_chunks(self, article_id: str) -> list[Chunk]:
        return self.kb.chunks_of(article_id)

    # -- polls ---------------------------------------------------------------
    def poll_store(self):
        """The poll records (SQLite at `polls.db_path`), opened on first use.
        Raises PollStoreError, with what to fix, when the database cannot be opened."""
        with self._lock:
            if self._polls is None:
                from bot.core.polls.store import PollStore

                self._polls = PollStore(self.settings.polls.db_path or self.settings.store.data_dir / "polls.sqlite3")
            return self._polls

    def close_polls(self) -> None:
        with self._lock:
            store, self._polls = self._polls, None
        if store is not None:
            store.close()
