"""Hot reload is atomic: queries during a re-sync see the old version whole, then the new one whole.

Real Chroma store (hashing embedder) over a small knowledge folder; a re-sync is held in the middle
(while it loads the curated files) to look at what queries see at that moment.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import bot.core.knowledge.curated as curated

OLD = "---\ntitle: Alpha\n---\nVersion ancienne. Amazon investit dans Anthropic. Les puces Trainium servent à entraîner Claude."
NEW = "---\ntitle: Alpha\n---\nVersion nouvelle. Amazon réduit son soutien. Les puces Trainium restent en test chez Anthropic."
BROKEN = b"---\ntitle: [broken\n---\nx"


def write(folder: Path, name: str, text: str) -> Path:
    p = folder / "articles" / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


@pytest.fixture
def folder(tmp_path):
    k = tmp_path / "knowledge"
    write(k, "alpha.md", OLD)
    write(k, "beta.md", "---\ntitle: Beta\n---\nGoogle a investi dans Anthropic. Le cloud de Google est le fournisseur privilégié.")
    return k


def assert_one_whole_version(view, marker: str) -> None:
    """Article, chunks, retriever passages and dense hits of `view` all come from the same version."""
    alpha = view.by_id["alpha"]
    assert marker in alpha.body
    assert all(c.text in alpha.body for c in view.chunks["alpha"])
    passages = view.retriever.search("Trainium Anthropic", k=4)
    assert any(p.article_id == "alpha" for p in passages)
    for p in passages:
        assert view.by_id[p.article_id].body[p.start:p.end] == p.text
    dense = view.retriever.rankings("Trainium Amazon Anthropic", 10, mode="dense")["dense"]
    assert any(view.retriever.chunks[i].article_id == "alpha" for i in dense)  # its vectors are in the store


def test_a_query_during_a_resync_sees_the_old_version_whole(folder, hashing_kb_factory, monkeypatch):
    kb = hashing_kb_factory(folder)
    kb.sync()
    old_view = kb.view
    assert_one_whole_version(old_view, "Version ancienne")

    inside, release = threading.Event(), threading.Event()
    real_load_debates = curated.load_debates

    def held_load_debates(*args, **kwargs):  # the re-sync has embedded and stored the new version by now
        inside.set()
        assert release.wait(30)
        return real_load_debates(*args, **kwargs)

    monkeypatch.setattr(curated, "load_debates", held_load_debates)
    write(folder, "alpha.md", NEW)
    resync = threading.Thread(target=kb.sync)
    resync.start()
    try:
        assert inside.wait(30)
        assert kb.is_ready and kb.ensure_synced().embedded == 0  # a query never waits for the re-sync
        assert kb.view is old_view and kb.generation == old_view.generation
        assert_one_whole_version(kb.view, "Version ancienne")  # old vectors are still there too
        assert "Version ancienne" in kb.article("alpha").body
    finally:
        release.set()
        resync.join(30)
    assert kb.view is not old_view and kb.generation == old_view.generation + 1
    assert_one_whole_version(kb.view, "Version nouvelle")
    stored = set(kb.store.collection.get(include=[])["ids"])
    assert stored == {c.id for chunks in kb.view.chunks.values() for c in chunks}  # old vectors gone after the swap


def test_queries_racing_many_resyncs_always_see_one_whole_version(folder, hashing_kb_factory):
    kb = hashing_kb_factory(folder)
    kb.sync()
    stop = threading.Event()
    errors: list[BaseException] = []

    def editor():
        try:
            for i in range(12):
                write(folder, "alpha.md", NEW if i % 2 == 0 else OLD)
                kb.sync()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            stop.set()

    thread = threading.Thread(target=editor)
    thread.start()
    seen = set()
    while not stop.is_set():
        view = kb.view
        marker = "Version nouvelle" if "Version nouvelle" in view.by_id["alpha"].body else "Version ancienne"
        seen.add(marker)
        passages = view.retriever.search("Trainium Anthropic", k=4)
        for p in passages:
            assert view.by_id[p.article_id].body[p.start:p.end] == p.text
        assert all(c.text in view.by_id["alpha"].body for c in view.chunks["alpha"])
    thread.join(30)
    assert not errors, errors
    assert seen == {"Version ancienne", "Version nouvelle"}


def test_a_file_that_becomes_invalid_keeps_its_last_good_version_and_is_reported(folder, hashing_kb_factory):
    kb = hashing_kb_factory(folder)
    kb.sync()
    good = kb.view
    (folder / "articles" / "alpha.md").write_bytes(BROKEN)
    report = kb.sync()
    assert any("alpha.md" in p for p in report.problems)
    assert any("alpha" in p and "last good version" in p for p in report.problems)
    assert any("alpha.md" in str(p) for p in kb.problems)
    assert kb.view.by_id["alpha"].body == good.by_id["alpha"].body
    assert_one_whole_version(kb.view, "Version ancienne")
    # a restart while the file is still broken serves the same last good version
    again = hashing_kb_factory(folder, data_dir=kb.store.data_dir)
    again.sync()
    assert again.view.by_id["alpha"].body == good.by_id["alpha"].body
    write(folder, "alpha.md", NEW)
    fixed = kb.sync()
    assert fixed.updated == 1 and not any("alpha" in p for p in fixed.problems)
    assert_one_whole_version(kb.view, "Version nouvelle")
