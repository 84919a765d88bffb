"""A crash in the middle of a write loses nothing that was acknowledged (real SQLite, real processes).

A child process writes polls and prints "ack <id>" after each write returns; the test kills it with
SIGKILL (no cleanup, no atexit) at chosen moments, then reopens the database like a restarted bot.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.core.polls.store import PollRecord, PollStore

REPO = Path(__file__).resolve().parents[3]
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)

WRITER = textwrap.dedent("""
    import json, sys, time
    from datetime import datetime, timedelta, timezone
    from bot.core.polls.store import PollRecord, PollStore

    store = PollStore(sys.argv[1])
    mode = sys.argv[2]
    t0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)

    def rec(i):
        return PollRecord(message_id=i, channel_id=10, guild_id=99, debate_id="d", question=f"Q{i} ?", answers=["Oui", "Non"],
                          multiple=False, created_by=42, created_at=t0, ends_at=t0 + timedelta(hours=24))

    if mode == "burst":  # acknowledged writes as fast as possible, until killed
        i = 1
        while True:
            store.add(rec(i))
            store.set_counts(i, [i, 1], final=False)
            print(f"ack {i}", flush=True)
            i += 1
    else:  # "inside": two acknowledged polls, then a transaction that is killed before its commit
        for i in (1, 2):
            store.add(rec(i))
            print(f"ack {i}", flush=True)

        def half_written(conn):
            conn.execute("UPDATE polls SET question = 'écrasée', ended = 1 WHERE message_id = 1")
            conn.execute("DELETE FROM polls WHERE message_id = 2")
            print("inside", flush=True)
            time.sleep(60)

        store._write(half_written)
""")


def run_writer(db: Path, mode: str, stop_after: str) -> list[int]:
    """Start the writer, SIGKILL it as soon as it prints `stop_after`; returns the acknowledged ids."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db), mode], stdout=subprocess.PIPE, text=True, env=env)
    acked: list[int] = []
    try:
        for line in proc.stdout:
            line = line.strip()
            if line.startswith("ack "):
                acked.append(int(line.split()[1]))
            if line == stop_after:
                break
        else:
            pytest.fail(f"writer exited early with {proc.wait()}")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    return acked


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def test_kill_inside_a_transaction_keeps_every_acknowledged_write_and_nothing_half_done(tmp_path):
    db = tmp_path / "polls.sqlite3"
    assert run_writer(db, "inside", stop_after="inside") == [1, 2]
    with PollStore(db) as store:  # the restarted bot
        assert integrity(db) == "ok"
        polls = {r.message_id: r for r in store.list_open()}
        assert sorted(polls) == [1, 2]  # the deletion was never committed
        assert polls[1].question == "Q1 ?" and polls[1].ended is False  # nor the half of the update
        store.add(PollRecord(message_id=3, channel_id=10, guild_id=99, debate_id=None, question="Q3 ?", answers=["a", "b"],
                             multiple=False, created_by=1, created_at=T0, ends_at=T0 + timedelta(hours=1)))
        assert store.get(3) is not None  # and the database takes writes again (the dead writer's lock is gone)


def test_kill_during_a_burst_of_writes_loses_nothing_acknowledged(tmp_path):
    db = tmp_path / "polls.sqlite3"
    acked = run_writer(db, "burst", stop_after="ack 40")
    assert acked == list(range(1, 41))
    with PollStore(db) as store:
        assert integrity(db) == "ok"
        for i in acked:
            rec = store.get(i)
            assert rec is not None and rec.question == f"Q{i} ?" and rec.counts == [i, 1]
        # at most the write in flight after the last ack, and only complete if at all
        extra = [r for r in store.list_open() if r.message_id not in acked]
        assert len(extra) <= 1 and all(r.question == f"Q{r.message_id} ?" for r in extra)


def test_an_exception_inside_a_transaction_rolls_all_of_it_back(tmp_path):
    with PollStore(tmp_path / "polls.sqlite3") as store:
        store.add(PollRecord(message_id=1, channel_id=10, guild_id=99, debate_id="d", question="Q ?", answers=["a", "b"],
                             multiple=False, created_by=1, created_at=T0, ends_at=T0 + timedelta(hours=1)))

        def fails_halfway(conn):
            conn.execute("UPDATE polls SET question = 'x' WHERE message_id = 1")
            raise RuntimeError("crash in the middle of a write")

        with pytest.raises(RuntimeError):
            store._write(fails_halfway)
        with pytest.raises(ValueError):
            store.set_counts(1, [1, 2, 3], final=True)  # wrong length: refused inside its transaction
        rec = store.get(1)
        assert rec.question == "Q ?" and rec.counts is None
        store.set_counts(1, [4, 5], final=True)  # the store is usable afterwards
        assert store.get(1).counts == [4, 5]


def test_wal_and_full_synchronous_writes(tmp_path):
    db = tmp_path / "polls.sqlite3"
    with PollStore(db) as store:
        conn = store._conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
