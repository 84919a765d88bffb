"""The same sync and search against a real Chroma server (`chroma run`) through HttpClient, on loopback."""

import logging
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.core.retrieval.store import StoreError

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ChromaServer:
    """A real `chroma run` on 127.0.0.1 that a test can stop and start again on the same port and data."""

    def __init__(self, path: Path):
        self.exe = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
        self.path, self.port, self.proc = path, free_port(), None

    def start(self) -> None:
        self.proc = subprocess.Popen([self.exe, "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=1).read()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("chroma server did not start")
                time.sleep(0.3)

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


@pytest.fixture
def server(tmp_path):
    srv = ChromaServer(tmp_path / "server")
    if not Path(srv.exe).exists():
        pytest.skip("chroma CLI not installed")
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def chroma_server(server):
    return server.port


@pytest.fixture
def silent_server():
    """Accepts TCP connections and never answers: a hung server."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    yield sock.getsockname()[1]
    sock.close()


@pytest.mark.slow
def test_sync_and_search_through_http_client(chroma_server, knowledge_copy, hashing_kb_factory):
    kb = hashing_kb_factory(knowledge_copy, store={"chroma_host": "127.0.0.1", "chroma_port": chroma_server})
    report = kb.sync()
    assert report.added >= 5 and report.embedded > 0
    assert not (kb.store.data_dir / "chroma").exists()  # nothing stored locally
    assert kb.store.collection.count() == report.chunks
    results = kb.search("Alameda FTX investisseur silencieux", k=3)
    assert "Alameda" in results[0].text
    again = hashing_kb_factory(knowledge_copy, store={"chroma_host": "127.0.0.1", "chroma_port": chroma_server})
    assert again.sync().embedded == 0


def test_unreachable_server_gives_an_actionable_error(knowledge_copy, hashing_kb_factory):
    kb = hashing_kb_factory(knowledge_copy, store={"chroma_host": "127.0.0.1", "chroma_port": free_port()})
    with pytest.raises(StoreError, match="chroma run"):
        kb.sync()


@pytest.mark.slow
def test_server_going_away_keeps_search_serving_and_reconnects_with_backoff(server, knowledge_copy, hashing_kb_factory, caplog):
    caplog.set_level(logging.INFO)
    kb = hashing_kb_factory(knowledge_copy, store={"chroma_host": "127.0.0.1", "chroma_port": server.port})
    kb.recovery.first_delay_s = 0.2
    try:
        chunks = kb.sync().chunks
        before = [p.chunk_id for p in kb.search("Alameda FTX investisseur silencieux", k=3)]
        server.stop()
        assert [p.chunk_id for p in kb.search("Alameda FTX investisseur silencieux", k=3)] == before  # lexical-only
        assert kb.store_status == "unreachable"
        with pytest.raises(StoreError, match=f"127.0.0.1:{server.port}"):
            kb.sync()  # a /reload while it is down says so
        time.sleep(0.5)  # a few failed reconnects
        retries = [r.getMessage() for r in caplog.records if "Retrying in" in r.getMessage()]
        assert retries and all(f"127.0.0.1:{server.port}" in m and "\n" not in m for m in retries)
        delays = [float(m.rsplit("Retrying in ", 1)[1].split()[0]) for m in retries]
        assert delays == sorted(delays) and delays[0] == 0.2  # growing intervals
        server.start()
        assert kb.recovery.wait(60) and kb.store_status == "ok"
        assert kb.store.collection.count() == chunks
        assert [p.chunk_id for p in kb.search("Alameda FTX investisseur silencieux", k=3)] == before
    finally:
        kb.recovery.close()


def test_hung_server_fails_fast_with_host_and_port(silent_server, knowledge_copy, hashing_kb_factory):
    kb = hashing_kb_factory(knowledge_copy, store={"chroma_host": "127.0.0.1", "chroma_port": silent_server})
    started = time.monotonic()
    with pytest.raises(StoreError, match=f"Cannot reach the Chroma server at 127.0.0.1:{silent_server}"):
        kb.sync()
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("kind", ["stopped", "hung"])
def test_cli_fails_fast_in_one_line_without_traceback(kind, silent_server, tmp_path):
    port = free_port() if kind == "stopped" else silent_server
    env = dict(os.environ, CONTREPOINT__STORE__CHROMA_HOST="127.0.0.1", CONTREPOINT__STORE__CHROMA_PORT=str(port),
               CONTREPOINT__STORE__DATA_DIR=str(tmp_path / "data"), CONTREPOINT__EMBEDDINGS__BACKEND="hashing",
               CONTREPOINT__KNOWLEDGE__DIR=str(REPO / "knowledge"))
    started = time.monotonic()
    res = subprocess.run([sys.executable, "-m", "bot", "--root", str(tmp_path), "search", "Alameda"], env=env,
                         capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - started
    assert res.returncode != 0
    assert "Traceback" not in res.stderr and res.stdout == ""
    errors = [line for line in res.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and f"127.0.0.1:{port}" in errors[0] and "chroma run" in errors[0], res.stderr
    assert elapsed <= 10, f"took {elapsed:.1f} s"


# -- several bot processes sharing one server: one writes, the others read (the ingest lock) -------------
def _shared_kb(factory, folder, port, data_dir):
    return factory(folder, data_dir, store={"chroma_host": "127.0.0.1", "chroma_port": port, "ingest_lock_ttl_s": 30})


def _add_article(folder: Path, name: str = "zeppelins") -> None:
    (folder / "articles" / f"{name}.md").write_text(
        f"---\ntitle: {name.capitalize()}\n---\nLes {name} reviennent : un article de plus sur les dirigeables.\n", encoding="utf-8")


@pytest.mark.slow
def test_a_second_process_reads_what_the_first_wrote(chroma_server, knowledge_copy, hashing_kb_factory, tmp_path):
    writer = _shared_kb(hashing_kb_factory, knowledge_copy, chroma_server, tmp_path / "a")
    written = writer.sync()
    reader = _shared_kb(hashing_kb_factory, knowledge_copy, chroma_server, tmp_path / "b")  # no local manifest
    report = reader.sync()
    assert report.embedded == 0 and not report.waiting_for
    assert reader.store.locks().count() == 0  # nothing to write: the lock was not even taken
    assert reader.store.collection.count() == written.chunks
    assert reader.search("Alameda FTX investisseur silencieux", k=3, mode="dense")


@pytest.mark.slow
def test_a_held_lock_makes_the_others_serve_without_writing_then_catch_up(chroma_server, knowledge_copy,
                                                                         hashing_kb_factory, tmp_path, caplog):
    from bot.core.retrieval.ingest_lock import IngestLock

    caplog.set_level(logging.INFO)
    first = _shared_kb(hashing_kb_factory, knowledge_copy, chroma_server, tmp_path / "a")
    count = first.sync().chunks
    other = IngestLock(first.store.locks, first.store.collection_name, ttl_s=30, owner="shard-host:42:abcd")
    assert other.acquire() is None and other.held  # another process is ingesting

    _add_article(knowledge_copy)
    second = _shared_kb(hashing_kb_factory, knowledge_copy, chroma_server, tmp_path / "b")
    second.recovery.first_delay_s = 0.2
    try:
        report = second.sync()
        assert "shard-host:42:abcd" in report.waiting_for and report.embedded == 0
        assert second.store.collection.count() == count  # nothing written while the other holds it
        assert second.search("zeppelins dirigeables", k=1, mode="bm25")[0].article_id == "zeppelins"  # served
        assert "serving without writing" in caplog.text
        time.sleep(0.6)
        assert second.store.collection.count() == count  # still waiting, retrying with backoff
        other.release()
        assert second.recovery.wait(30)
        assert second.store.collection.count() > count  # caught up once the lock was free
        assert second.search("zeppelins dirigeables", k=1, mode="dense")[0].article_id == "zeppelins"
        assert second.store.locks().count() == 0  # released after writing
    finally:
        second.recovery.close()


@pytest.mark.slow
def test_one_of_many_concurrent_takers_gets_the_lock_and_expiry_frees_it(chroma_server, knowledge_copy,
                                                                         hashing_kb_factory, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from bot.core.retrieval.ingest_lock import IngestLock, LockLost

    kb = _shared_kb(hashing_kb_factory, knowledge_copy, chroma_server, tmp_path / "a")
    locks = [IngestLock(kb.store.locks, "race", ttl_s=30, owner=f"p{i}") for i in range(8)]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda lock: lock.acquire(), locks))
    holders = [lock for lock in locks if lock.held]
    assert len(holders) == 1 and sum(r is None for r in results) == 1
    assert {r.owner for r in results if r is not None} == {holders[0].owner}

    now = [time.time() + 31]  # the holder stopped renewing: its record expired
    late = IngestLock(kb.store.locks, "race", ttl_s=30, owner="late", clock=lambda: now[0])
    assert late.acquire() is None and late.held
    with pytest.raises(LockLost, match="late"):
        holders[0].renew()  # the old holder learns it at its next renewal and stops writing
    late.renew()
    assert late.holder().owner == "late"


@pytest.mark.slow
def test_cli_ingest_exits_3_while_another_process_holds_the_lock(chroma_server, knowledge_copy, hashing_kb_factory,
                                                                 tmp_path):
    from bot.core.retrieval.ingest_lock import IngestLock

    kb = _shared_kb(hashing_kb_factory, knowledge_copy, chroma_server, tmp_path / "a")
    kb.sync()
    IngestLock(kb.store.locks, kb.store.collection_name, ttl_s=30, owner="bot-shard-0").acquire()
    _add_article(knowledge_copy)
    env = dict(os.environ, CONTREPOINT__STORE__CHROMA_HOST="127.0.0.1", CONTREPOINT__STORE__CHROMA_PORT=str(chroma_server),
               CONTREPOINT__STORE__DATA_DIR=str(tmp_path / "cli"), CONTREPOINT__EMBEDDINGS__BACKEND="hashing",
               CONTREPOINT__KNOWLEDGE__DIR=str(knowledge_copy))
    count = kb.store.collection.count()
    for args, code in ((["ingest"], 3), (["ingest", "--rebuild"], 1)):
        res = subprocess.run([sys.executable, "-m", "bot", "--root", str(tmp_path), *args], env=env,
                             capture_output=True, text=True, timeout=120)
        assert res.returncode == code and "Traceback" not in res.stderr, res.stderr
        errors = [line for line in res.stderr.splitlines() if line.startswith("Error:")]
        assert len(errors) == 1 and "bot-shard-0" in errors[0] and "ingest lock" in errors[0], res.stderr
    assert kb.store.collection.count() == count  # neither wrote nor dropped anything


@pytest.mark.slow
def test_the_next_writer_repairs_what_an_interrupted_writer_left(chroma_server, knowledge_copy, hashing_kb_factory,
                                                                 tmp_path, caplog):
    first = _shared_kb(hashing_kb_factory, knowledge_copy, chroma_server, tmp_path / "a")
    full = first.sync().chunks
    article = first.articles[0]
    first.store.delete_chunks([first.chunks_of(article.id)[0].id])  # it died half-way through this article
    manifest = first.store.manifest_from_collection()
    assert article.id not in manifest["articles"] and len(manifest["articles"]) == len(first.articles) - 1

    second = _shared_kb(hashing_kb_factory, knowledge_copy, chroma_server, tmp_path / "b")
    with caplog.at_level("WARNING"):
        report = second.sync()
    assert report.added == 1 and report.embedded == len(second.chunks_of(article.id))
    assert "interrupted ingest" in caplog.text
    assert second.store.collection.count() == full and second.store.locks().count() == 0


def test_doctor_names_who_holds_the_ingest_lock(chroma_server, knowledge_copy, hashing_kb_factory, tmp_path):
    from bot.core.retrieval.ingest_lock import IngestLock
    from bot.doctor import check_store

    kb = _shared_kb(hashing_kb_factory, knowledge_copy, chroma_server, tmp_path / "a")
    ok = check_store(kb.settings)
    assert ok.status == "OK" and f"127.0.0.1:{chroma_server}" in ok.detail and "no ingest lock" in ok.detail, ok
    lock = IngestLock(kb.store.locks, kb.store.collection_name, ttl_s=30, owner="bot-shard-3:77:beef")
    lock.acquire()
    held = check_store(kb.settings)
    assert held.status == "OK" and kb.store.collection_name in held.detail and "bot-shard-3:77:beef" in held.detail
    lock.release()
    expired = IngestLock(kb.store.locks, kb.store.collection_name, ttl_s=-1, owner="crashed:1:dead")
    expired.acquire()  # a record left by a process that died: expired, so not reported as held
    assert "no ingest lock" in check_store(kb.settings).detail
