"""What persistent buttons and threads need after a restart, in one small SQLite file.

- `entries`: short key -> (kind, JSON payload). A button's custom_id carries the key; the payload
  holds what is needed to recompute its content (e.g. the question and language of an answer).
  Keys are derived from the content, so the same question asked twice shares one key.
- `thread_questions`: the questions asked in each thread the bot opened (oldest first).

Blocking: call from a worker thread (`asyncio.to_thread`). Writes go through one lock.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

KEY_PATTERN = r"[0-9a-f]{12}"
MAX_ENTRIES = 50_000
MAX_THREADS = 20_000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS thread_questions (
    thread_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    question TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (thread_id, seq)
);
"""


def entry_key(kind: str, payload: dict) -> str:
    blob = json.dumps([kind, payload], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]


class AnswerCache:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._writes = 0

    # -- connection -------------------------------------------------------------------
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, check_same_thread=False, timeout=10)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(_SCHEMA)
            self._conn = conn
        return self._conn

    def open(self) -> "AnswerCache":
        with self._lock:
            self._db()
        return self

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # -- entries ----------------------------------------------------------------------
    def put(self, kind: str, payload: dict) -> str:
        """Store (kind, payload) and return its short key (idempotent)."""
        key = entry_key(kind, payload)
        blob = json.dumps(payload, ensure_ascii=False)
        with self._lock:
            db = self._db()
            with db:
                db.execute(
                    "INSERT OR IGNORE INTO entries(key, kind, payload, created) VALUES (?, ?, ?, ?)",
                    (key, kind, blob, time.time()),
                )
            self._writes += 1
            if self._writes % 500 == 0:
                self._prune(db)
        return key

    def get(self, key: str) -> tuple[str, dict] | None:
        with self._lock:
            row = self._db().execute("SELECT kind, payload FROM entries WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        try:
            return row[0], json.loads(row[1])
        except json.JSONDecodeError:
            log.warning("answer cache entry %s is unreadable; ignoring it", key)
            return None

    # -- threads ----------------------------------------------------------------------
    def add_thread_question(self, thread_id: int, question: str) -> None:
        with self._lock:
            db = self._db()
            with db:
                (seq,) = db.execute(
                    "SELECT COALESCE(MAX(seq), -1) + 1 FROM thread_questions WHERE thread_id = ?", (thread_id,)
                ).fetchone()
                db.execute(
                    "INSERT INTO thread_questions(thread_id, seq, question, created) VALUES (?, ?, ?, ?)",
                    (thread_id, seq, question, time.time()),
                )

    def thread_questions(self, thread_id: int, limit: int | None = None) -> list[str] | None:
        """Questions of a thread, oldest first (the last `limit`); None when the thread is unknown."""
        with self._lock:
            rows = self._db().execute(
                "SELECT question FROM thread_questions WHERE thread_id = ? ORDER BY seq DESC LIMIT ?",
                (thread_id, -1 if limit is None else limit),
            ).fetchall()
            if not rows:
                known = self._db().execute(
                    "SELECT 1 FROM thread_questions WHERE thread_id = ? LIMIT 1", (thread_id,)
                ).fetchone()
                if known is None:
                    return None
        return [r[0] for r in reversed(rows)]

    def _prune(self, db: sqlite3.Connection) -> None:
        with db:
            db.execute(
                "DELETE FROM entries WHERE key IN (SELECT key FROM entries ORDER BY created DESC LIMIT -1 OFFSET ?)",
                (MAX_ENTRIES,),
            )
            db.execute(
                "DELETE FROM thread_questions WHERE thread_id IN ("
                " SELECT thread_id FROM thread_questions GROUP BY thread_id ORDER BY MAX(created) DESC LIMIT -1 OFFSET ?)",
                (MAX_THREADS,),
            )
