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
