"""The Chroma store deleted or corrupted while the bot runs, or between runs: reported, rebuilt, still serving.

Real local Chroma stores (hashing embedder) over a copy of knowledge/.
"""

from __future__ import annotations

import logging
import shutil

import pytest

QUERY = "Alameda FTX investisseur silencieux"


@pytest.fixture
def kb(knowledge_copy, hashing_kb_factory, tmp_path):
    kb = hashing_kb_factory(knowledge_copy, data_dir=tmp_path / "data")
    kb.sync()
    yield kb
    kb.recovery.close()


def top(kb, k=3):
    passages, evidence = kb.retriever.search_with_evidence(QUERY, k)
    return [p.chunk_id for p in passages], evidence["dense_max"]


def corrupt(folder):
    for f in folder.rglob("*"):
        if f.is_file():
            f.write_bytes(b"not a chroma file " * 64)


@pytest.mark.parametrize("damage", ["deleted", "corrupted"])
def test_store_damaged_while_running_keeps_serving_and_is_rebuilt(kb, damage, caplog):
    caplog.set_level(logging.WARNING)
    chunks = kb.store.collection.count()
    before, dense_before = top(kb)
    path = kb.store.local_path
    with kb._lock:  # holds the background rebuild back, so the "rebuilding" state can be seen
        shutil.rmtree(path) if damage == "deleted" else corrupt(path)
        during, dense_during = top(kb)
        assert kb.store_status == "rebuilding" and kb.store.available is False
        # lexical candidates re-scored in memory: same passages, same coverage evidence for routing
        assert during == before
        assert dense_during == pytest.approx(dense_before, abs=1e-4)
        warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
        assert any(str(path) in w and "rebuilt from the knowledge folder" in w for w in warnings), warnings
    assert kb.recovery.wait(60)
    assert kb.store_status == "ok" and kb.store.available
    assert kb.store.collection.count() == chunks
    assert top(kb)[0] == before
    if damage == "corrupted":
        assert any(p.name.startswith("chroma.corrupt-") for p in path.parent.iterdir())
    assert kb.sync().embedded == 0  # rebuilt and consistent: nothing left to do


def test_sync_finds_a_deleted_store_without_any_query(kb):
    shutil.rmtree(kb.store.local_path)
    report = kb.sync()
    assert report.rebuilt and report.embedded == kb.store.collection.count() > 0
    assert any("was deleted" in p for p in report.problems)
    assert top(kb)[1] > 0


def test_store_deleted_between_runs_is_rebuilt(knowledge_copy, hashing_kb_factory, tmp_path):
    data = tmp_path / "data"
    first = hashing_kb_factory(knowledge_copy, data_dir=data)
    chunks = first.sync().chunks
    first_top = [p.chunk_id for p in first.search(QUERY, k=3)]
    shutil.rmtree(data / "chroma")
    again = hashing_kb_factory(knowledge_copy, data_dir=data)
    report = again.sync()
    assert report.embedded == chunks and again.store.collection.count() == chunks
    assert [p.chunk_id for p in again.search(QUERY, k=3)] == first_top
