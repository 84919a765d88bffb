"""The same sync and search against a real Chroma server (`chroma run`) through HttpClient, on loopback."""

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.core.retrieval.store import StoreError


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    exe = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    if not Path(exe).exists():
        pytest.skip("chroma CLI not installed")
    port = free_port()
    proc = subprocess.Popen([exe, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("chroma server did not start")
                time.sleep(0.3)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


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
