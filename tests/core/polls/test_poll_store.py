import sqlite3
import threading
from datetime import datetime, timedelta, timezone

import pytest

from bot.core.polls.store import SCHEMA_VERSION, PollRecord, PollStore, PollStoreError

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def _rec(message_id=1001, *, channel_id=10, debate_id="automatisation", created=T0, **kw) -> PollRecord:
    base = dict(
        message_id=message_id,
        channel_id=channel_id,
        guild_id=99,
        debate_id=debate_id,
        question="L'IA va-t-elle automatiser l'économie ?",
        answers=["Oui", "Non", "Ça dépend"],
        multiple=False,
        created_by=42,
        created_at=created,
        ends_at=created + timedelta(hours=24),
    )
    base.update(kw)
    return PollRecord(**base)


@pytest.fixture
def store(tmp_path):
    s = PollStore(tmp_path / "polls.sqlite3")
    yield s
    s.close()


def test_round_trip(store):
    rec = _rec(counts=[1, 2, 3], counts_updated_at=T0)
    store.add(rec)
    got = store.get(1001)
    assert got == rec
    assert got.created_at.tzinfo is not None and got.created_at.utcoffset() == timedelta(0)
    assert store.get(424242) is None


def test_large_discord_ids_and_no_guild(store):
    big = 1_300_000_000_000_000_000
    store.add(_rec(big, channel_id=big - 1, guild_id=None, debate_id=None))
    got = store.get(big)
    assert got.channel_id == big - 1 and got.guild_id is None and got.debate_id is None


def test_naive_and_other_timezone_datetimes_are_stored_as_utc(store):
    paris = timezone(timedelta(hours=1))
    store.add(_rec(created=datetime(2026, 3, 1, 13, 0, tzinfo=paris), ends_at=datetime(2026, 3, 2, 12, 0)))
    got = store.get(1001)
    assert got.created_at == T0 and got.created_at.tzinfo == timezone.utc
    assert got.ends_at == datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)


def test_wal_mode_and_schema_version(tmp_path):
    path = tmp_path / "p.sqlite3"
    PollStore(path).close()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        conn.close()


def test_missing_parent_dir_is_created(tmp_path):
    path = tmp_path / "a" / "b" / "polls.sqlite3"
    s = PollStore(path)
    s.add(_rec())
    s.close()
    assert path.is_file()


def test_persists_across_restart(tmp_path):
    path = tmp_path / "polls.sqlite3"
    first = PollStore(path)
    first.add(_rec())
    first.set_counts(1001, [3, 1, 0], final=False, at=T0 + timedelta(hours=1))
    first.mark_ended(1001)
    first.close()

    second = PollStore(path)
    try:
        got = second.get(1001)
        assert got.counts == [3, 1, 0] and got.ended is True and got.counts_final is False
        assert got.counts_updated_at == T0 + timedelta(hours=1)
        assert second.list_open() == []
    finally:
        second.close()


def test_add_is_idempotent_upsert(store):
    store.add(_rec())
    store.add(_rec())
    store.add(_rec(question="Question corrigée ?"))
    assert store.get(1001).question == "Question corrigée ?"
    assert len(store.list_open()) == 1


def test_re_adding_keeps_final_counts_and_ended(store):
    store.add(_rec())
    store.set_counts(1001, [5, 4, 1], final=True)
    store.mark_ended(1001)
    store.add(_rec(counts=[0, 0, 0], counts_final=False, ended=False))
    got = store.get(1001)
    assert got.counts == [5, 4, 1] and got.counts_final is True and got.ended is True


def test_final_counts_are_not_overwritten_by_provisional(store):
    store.add(_rec())
    store.set_counts(1001, [1, 0, 0], final=False, at=T0)
    assert store.get(1001).counts == [1, 0, 0]
    store.set_counts(1001, [5, 4, 1], final=True, at=T0 + timedelta(hours=24))
    store.set_counts(1001, [6, 4, 1], final=False, at=T0 + timedelta(hours=25))
    got = store.get(1001)
    assert got.counts == [5, 4, 1] and got.counts_final is True
    assert got.counts_updated_at == T0 + timedelta(hours=24)
    store.set_counts(1001, [5, 4, 2], final=True)  # a later final tally replaces the earlier one
    assert store.get(1001).counts == [5, 4, 2]


def test_set_counts_checks_length_and_ignores_unknown_polls(store):
    store.add(_rec())
    with pytest.raises(ValueError, match="3 answers but 2 counts"):
        store.set_counts(1001, [1, 2], final=False)
    with pytest.raises(ValueError, match="negative"):
        store.set_counts(1001, [1, -2, 0], final=False)
    with pytest.raises(ValueError, match="3 answers but 1 counts"):
        store.add(_rec(7, counts=[1]))
    assert store.get(7) is None
    store.set_counts(5555, [1, 2, 3], final=True)  # unknown: ignored
    assert store.get(5555) is None
    assert store.get(1001).counts is None


def test_mark_ended_and_list_open(store):
    store.add(_rec(1, created=T0 + timedelta(hours=5)))
    store.add(_rec(2, created=T0))
    store.add(_rec(3, created=T0 + timedelta(hours=1)))
    assert [r.message_id for r in store.list_open()] == [2, 3, 1]  # soonest end first
    store.mark_ended(3)
    assert [r.message_id for r in store.list_open()] == [2, 1]
    assert store.get(3).ended is True


def test_previous_for_debate(store):
    store.add(_rec(100, debate_id="automatisation"))
    store.add(_rec(200, debate_id="automatisation"))
    store.add(_rec(250, debate_id="autre-debat"))
    store.add(_rec(260, debate_id="automatisation", channel_id=11))  # other channel
    store.add(_rec(300, debate_id="automatisation"))
    store.add(_rec(400, debate_id="automatisation"))
    assert store.previous_for_debate(10, "automatisation", 300).message_id == 200
    assert store.previous_for_debate(10, "automatisation", 200).message_id == 100
    assert store.previous_for_debate(10, "automatisation", 100) is None
    assert store.previous_for_debate(10, "autre-debat", 400).message_id == 250
    assert store.previous_for_debate(11, "automatisation", 1000).message_id == 260
    assert store.previous_for_debate(10, "inconnu", 1000) is None


def test_corrupted_file_raises_and_is_left_untouched(tmp_path):
    path = tmp_path / "polls.sqlite3"
    garbage = b"this is not a database, just some bytes\x00\x01\x02" * 200
    path.write_bytes(garbage)
    with pytest.raises(PollStoreError) as info:
        PollStore(path)
    message = str(info.value)
    assert str(path) in message and "move it aside; a new one will be created" in message
    assert path.read_bytes() == garbage
    assert sorted(p.name for p in tmp_path.iterdir()) == ["polls.sqlite3"]


def test_foreign_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "chroma.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE embeddings (id INTEGER)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(PollStoreError, match="not a Contrepoint polls database"):
        PollStore(path)
    assert path.read_bytes() == before


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "polls.sqlite3"
    PollStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(PollStoreError, match="newer"):
        PollStore(path)


def test_directory_path_is_refused(tmp_path):
    with pytest.raises(PollStoreError, match="is a folder"):
        PollStore(tmp_path)


def test_closed_store_raises(tmp_path):
    s = PollStore(tmp_path / "p.sqlite3")
    s.close()
    s.close()  # twice is fine
    with pytest.raises(PollStoreError, match="closed"):
        s.get(1)


def test_concurrent_writes_from_threads(tmp_path):
    path = tmp_path / "polls.sqlite3"
    store = PollStore(path)
    n_threads, per_thread = 8, 25
    errors: list[BaseException] = []
    barrier = threading.Barrier(n_threads)

    def worker(t: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                mid = t * 1000 + i
                store.add(_rec(mid))
                store.set_counts(mid, [t, i, 1], final=False)
                if i % 2:
                    store.set_counts(mid, [t, i, 2], final=True)
                    store.mark_ended(mid)
                store.get(mid)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(n_threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    store.close()
    assert errors == []

    reopened = PollStore(path)
    try:
        for t in range(n_threads):
            for i in range(per_thread):
                got = reopened.get(t * 1000 + i)
                assert got is not None
                assert got.counts == ([t, i, 2] if i % 2 else [t, i, 1])
                assert got.ended is bool(i % 2)
        assert len(reopened.list_open()) == n_threads * (per_thread - per_thread // 2)
    finally:
        reopened.close()
