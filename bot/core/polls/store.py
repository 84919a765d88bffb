"""Poll records in one SQLite file (stdlib sqlite3, WAL, versioned schema).

One connection per store, shared by threads behind a lock; every write is one transaction.
A file that is not a polls database is never overwritten: PollStoreError says what to do.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
_TABLE = "polls"


class PollStoreError(RuntimeError):
    """The polls database cannot be opened or used; the message says how to fix it."""


@dataclass
class PollRecord:
    message_id: int
    channel_id: int
    guild_id: int | None
    debate_id: str | None
    question: str
    answers: list[str]
    multiple: bool
    created_by: int
    created_at: datetime  # aware, UTC
    ends_at: datetime
    ended: bool = False
    counts: list[int] | None = None
    counts_final: bool = False
    counts_updated_at: datetime | None = None


# -- schema ------------------------------------------------------------------------

def _migrate_0_to_1(conn: sqlite3.Connection) -> None:
    conn.execute(
        f"""CREATE TABLE IF NOT EXISTS {_TABLE} (
            message_id INTEGER PRIMARY KEY,
            channel_id INTEGER NOT NULL,
            guild_id INTEGER,
            debate_id TEXT,
            question TEXT NOT NULL,
            answers TEXT NOT NULL,
            multiple INTEGER NOT NULL DEFAULT 0,
            created_by INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            ends_at TEXT NOT NULL,
            ended INTEGER NOT NULL DEFAULT 0,
            ended_at TEXT,
            counts TEXT,
            counts_final INTEGER NOT NULL DEFAULT 0,
            counts_updated_at TEXT
        )"""
    )
    conn.execute(f"CREATE INDEX IF NOT EXISTS polls_by_debate ON {_TABLE} (channel_id, debate_id, message_id)")
    conn.execute(f"CREATE INDEX IF NOT EXISTS polls_open ON {_TABLE} (ended, ends_at)")


# MIGRATIONS[v] upgrades a database at user_version v to v + 1.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {0: _migrate_0_to_1}


def check_compatible(conn: sqlite3.Connection, path: Path | str = "<memory>") -> int:
    """Read-only checks before anything writes: our schema or an empty file. Returns user_version."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise PollStoreError(
            f"{path}: polls database schema version {version} is newer than this program supports "
            f"({SCHEMA_VERSION}). Upgrade Contrepoint, or move it aside; a new one will be created."
        )
    if version == 0:
        foreign = [
            name
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
            if name != _TABLE
        ]
        if foreign:
            raise PollStoreError(
                f"{path}: this SQLite file is not a Contrepoint polls database (it has tables {', '.join(sorted(foreign)[:5])}). "
                "Point polls.db_path to another file, or move it aside; a new one will be created."
            )
    return version


def migrate(conn: sqlite3.Connection, path: Path | str = "<memory>") -> int:
    """Bring the schema to SCHEMA_VERSION, one transaction per step. Returns the final version."""
    version = check_compatible(conn, path)
    while version < SCHEMA_VERSION:
        step = MIGRATIONS[version]
        conn.execute("BEGIN IMMEDIATE")
        try:
            step(conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        version += 1
        log.info("polls database %s migrated to schema version %d", path, version)
    return version


# -- conversions ----------------------------------------------------------------------

def _utc(dt: datetime) -> datetime:
    """Aware UTC datetime; naive values are taken as UTC."""
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


def _dt_out(dt: datetime | None) -> str | None:
    return _utc(dt).isoformat(timespec="microseconds") if dt is not None else None


def _dt_in(text: str | None) -> datetime | None:
    return _utc(datetime.fromisoformat(text)) if text else None


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _check_counts(counts: list[int]) -> list[int]:
    out = [int(c) for c in counts]
    if any(c < 0 for c in out):
        raise ValueError(f"vote counts cannot be negative: {out}")
    return out


_COLUMNS = (
    "message_id, channel_id, guild_id, debate_id, question, answers, multiple, created_by, "
    "created_at, ends_at, ended, counts, counts_final, counts_updated_at"
)


def _row_to_record(row: tuple) -> PollRecord:
    (mid, cid, gid, did, question, answers, multiple, created_by, created_at, ends_at, ended, counts, final, updated) = row
    return PollRecord(
        message_id=int(mid),
        channel_id=int(cid),
        guild_id=int(gid) if gid is not None else None,
        debate_id=did,
        question=question,
        answers=list(json.loads(answers)),
        multiple=bool(multiple),
        created_by=int(created_by),
        created_at=_dt_in(created_at),  # type: ignore[arg-type]
        ends_at=_dt_in(ends_at),  # type: ignore[arg-type]
        ended=bool(ended),
        counts=list(json.loads(counts)) if counts is not None else None,
        counts_final=bool(final),
        counts_updated_at=_dt_in(updated),
    )


# -- store ------------------------------------------------------------------------------

class PollStore:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PollStoreError(f"{self.path}: cannot create the folder {self.path.parent} ({exc.strerror or exc}). Check polls.db_path and permissions.") from None
        if self.path.is_dir():
            raise PollStoreError(f"{self.path} is a folder, not a file. Set polls.db_path to a file path such as {self.path / 'polls.sqlite3'}.")
        try:
            self._conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False, timeout=10)
        except sqlite3.Error as exc:
            raise PollStoreError(f"{self.path}: cannot open the polls database ({exc}). Check polls.db_path and permissions.") from None
        try:
            check_compatible(self._conn, self.path)  # reads only: a foreign file stays untouched
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")  # a write is on disk when it returns (polls are few)
            migrate(self._conn, self.path)
        except PollStoreError:
            self._conn.close()
            raise
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise PollStoreError(
                f"{self.path} is not a valid polls database ({exc}). To fix it, stop the bot and move it aside; a new one will be created."
            ) from None

    # -- helpers ---------------------------------------------------------------------
    def _read(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            conn = self._open_conn()
            try:
                return conn.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as exc:
                raise self._runtime_error(exc) from None

    def _write(self, fn: Callable[[sqlite3.Connection], None]) -> None:
        with self._lock:
            conn = self._open_conn()
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    fn(conn)
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                raise self._runtime_error(exc) from None

    def _open_conn(self) -> sqlite3.Connection:
        conn = getattr(self, "_conn", None)
        if conn is None:
            raise PollStoreError(f"{self.path}: the poll store is closed.")
        return conn

    def _runtime_error(self, exc: sqlite3.DatabaseError) -> PollStoreError:
        log.error("polls database %s failed: %s", self.path, exc)
        return PollStoreError(
            f"{self.path}: database error ({exc}). If it persists, stop the bot and move it aside; a new one will be created."
        )

    # -- API ----------------------------------------------------------------------------
    def add(self, rec: PollRecord) -> None:
        """Insert or update by message_id. Existing final counts and the ended flag are kept."""
        if rec.counts is not None and len(rec.counts) != len(rec.answers):
            raise ValueError(f"poll {rec.message_id} has {len(rec.answers)} answers but {len(rec.counts)} counts")
        counts = json.dumps(_check_counts(rec.counts)) if rec.counts is not None else None
        params = (
            int(rec.message_id),
            int(rec.channel_id),
            int(rec.guild_id) if rec.guild_id is not None else None,
            rec.debate_id,
            rec.question,
            json.dumps(list(rec.answers), ensure_ascii=False),
            int(bool(rec.multiple)),
            int(rec.created_by),
            _dt_out(rec.created_at),
            _dt_out(rec.ends_at),
            int(bool(rec.ended)),
            counts,
            int(bool(rec.counts_final and counts is not None)),
            _dt_out(rec.counts_updated_at) if counts is not None else None,
        )
        sql = f"""
            INSERT INTO {_TABLE} ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(message_id) DO UPDATE SET
                channel_id = excluded.channel_id,
                guild_id = excluded.guild_id,
                debate_id = excluded.debate_id,
                question = excluded.question,
                answers = excluded.answers,
                multiple = excluded.multiple,
                created_by = excluded.created_by,
                created_at = excluded.created_at,
                ends_at = excluded.ends_at,
                ended = MAX({_TABLE}.ended, excluded.ended),
                counts = CASE WHEN excluded.counts IS NULL OR ({_TABLE}.counts_final AND NOT excluded.counts_final)
                              THEN {_TABLE}.counts ELSE excluded.counts END,
                counts_updated_at = CASE WHEN excluded.counts IS NULL OR ({_TABLE}.counts_final AND NOT excluded.counts_final)
                              THEN {_TABLE}.counts_updated_at ELSE excluded.counts_updated_at END,
                counts_final = MAX({_TABLE}.counts_final, excluded.counts_final)
        """
        self._write(lambda c: c.execute(sql, params))

    def get(self, message_id: int) -> PollRecord | None:
        rows = self._read(f"SELECT {_COLUMNS} FROM {_TABLE} WHERE message_id = ?", (int(message_id),))
        return _row_to_record(rows[0]) if rows else None

    def set_counts(self, message_id: int, counts: list[int], *, final: bool, at: datetime | None = None) -> None:
        """Record vote counts (one per answer). Final counts are never replaced by provisional ones.
        Unknown message ids are ignored (logged)."""
        values = _check_counts(counts)
        stamp = _dt_out(at or _now())

        def write(conn: sqlite3.Connection) -> None:
            row = conn.execute(f"SELECT answers, counts_final FROM {_TABLE} WHERE message_id = ?", (int(message_id),)).fetchone()
            if row is None:
                log.warning("set_counts: unknown poll message %s, ignored", message_id)
                return
            n = len(json.loads(row[0]))
            if len(values) != n:
                raise ValueError(f"poll {message_id} has {n} answers but {len(values)} counts were given")
            if row[1] and not final:
                return  # keep the final tally
            conn.execute(
                f"UPDATE {_TABLE} SET counts = ?, counts_final = ?, counts_updated_at = ? WHERE message_id = ?",
                (json.dumps(values), int(bool(final)), stamp, int(message_id)),
            )

        self._write(write)

    def mark_ended(self, message_id: int, at: datetime | None = None) -> None:
        stamp = _dt_out(at or _now())
        self._write(
            lambda c: c.execute(
                f"UPDATE {_TABLE} SET ended = 1, ended_at = COALESCE(ended_at, ?) WHERE message_id = ?",
                (stamp, int(message_id)),
            )
        )

    def previous_for_debate(self, channel_id: int, debate_id: str, before_message_id: int) -> PollRecord | None:
        """The latest poll on `debate_id` in `channel_id` posted before `before_message_id`
        (Discord ids grow with time)."""
        rows = self._read(
            f"SELECT {_COLUMNS} FROM {_TABLE} WHERE channel_id = ? AND debate_id = ? AND message_id < ? "
            "ORDER BY message_id DESC LIMIT 1",
            (int(channel_id), debate_id, int(before_message_id)),
        )
        return _row_to_record(rows[0]) if rows else None

    def list_open(self) -> list[PollRecord]:
        """Polls not marked ended, soonest end first."""
        rows = self._read(f"SELECT {_COLUMNS} FROM {_TABLE} WHERE ended = 0 ORDER BY ends_at, message_id")
        return [_row_to_record(r) for r in rows]

    def close(self) -> None:
        with self._lock:
            conn = getattr(self, "_conn", None)
            self._conn = None  # type: ignore[assignment]
            if conn is not None:
                conn.close()

    def __enter__(self) -> "PollStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
