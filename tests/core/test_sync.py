"""Incremental sync into a real Chroma store (hashing embedder: fast, offline)."""

import os
from pathlib import Path

import pytest


def write(folder: Path, name: str, text: str) -> Path:
    p = folder / "articles" / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


@pytest.fixture
def folder(tmp_path):
    k = tmp_path / "knowledge"
    write(k, "alpha.md", "---\ntitle: Alpha\n---\nAmazon investit dans Anthropic. Les puces Trainium servent à entraîner Claude.")
    write(k, "beta.md", "---\ntitle: Beta\n---\nGoogle a investi dans Anthropic. Le cloud de Google est le fournisseur privilégié.")
    return k


def ids(kb):
    return sorted(a.id for a in kb.articles)


def test_ingest_then_search(folder, hashing_kb_factory):
    kb = hashing_kb_factory(folder)
    report = kb.sync()
    assert (report.added, report.updated, report.removed, report.unchanged) == (2, 0, 0, 0)
    assert report.embedded == report.chunks > 0
    results = kb.search("puces Trainium", k=2)
    assert results[0].article_id == "alpha"
    for r in results:
        body = kb.article(r.article_id).body
        assert r.text == body[r.start:r.end]
        assert r.source == f"knowledge/articles/{r.article_id}.md"


def test_second_run_does_no_embedding_work(folder, hashing_kb_factory, tmp_path):
    hashing_kb_factory(folder).sync()
    again = hashing_kb_factory(folder)  # a new process would build a new instance
    report = again.sync()
    assert report.embedded == 0 and report.unchanged == 2 and not report.changed
    assert again.search("Google cloud", k=1)[0].article_id == "beta"


def test_add_modify_delete_rename(folder, hashing_kb_factory):
    kb = hashing_kb_factory(folder)
    kb.sync()
    count0 = kb.store.collection.count()
    write(folder, "gamma.md", "---\ntitle: Gamma\n---\nMicrosoft soutient OpenAI depuis 2019.")
    r = kb.sync()
    assert (r.added, r.updated, r.removed) == (1, 0, 0)
    assert kb.search("Microsoft OpenAI", k=1)[0].article_id == "gamma"
    write(folder, "alpha.md", "---\ntitle: Alpha\n---\nAmazon investit quatre milliards. Les puces Inferentia aussi.")
    r = kb.sync()
    assert (r.added, r.updated, r.removed) == (0, 1, 0)
    hits = kb.search("Inferentia", k=3)
    assert hits[0].article_id == "alpha" and "Inferentia" in hits[0].text
    assert all("Trainium" not in h.text for h in kb.search("Trainium", k=5))
    (folder / "articles" / "beta.md").unlink()
    r = kb.sync()
    assert r.removed == 1 and "beta" not in ids(kb)
    assert all(h.article_id != "beta" for h in kb.search("Google cloud fournisseur", k=5))
    assert kb.store.collection.get(where={"article_id": "beta"})["ids"] == []
    # rename without an explicit id: old id removed, new id added
    os.rename(folder / "articles" / "gamma.md", folder / "articles" / "delta.md")
    r = kb.sync()
    assert (r.added, r.removed) == (1, 1) and ids(kb) == ["alpha", "delta"]
    # rename with an explicit id: same article, new source path
    write(folder, "epsilon.md", "---\nid: stable\ntitle: Epsilon\n---\nTexte stable sur Nvidia.")
    kb.sync()
    os.rename(folder / "articles" / "epsilon.md", folder / "articles" / "zeta.md")
    r = kb.sync()
    assert r.updated == 1 and kb.article("stable").source.endswith("zeta.md")
    assert kb.store.collection.count() == sum(len(kb.chunks_of(a)) for a in ids(kb))
    assert count0 > 0


def test_broken_file_keeps_last_good_version(folder, hashing_kb_factory):
    kb = hashing_kb_factory(folder)
    kb.sync()
    (folder / "articles" / "alpha.md").write_bytes(b"---\ntitle: [broken\n---\nx")
    r = kb.sync()
    assert any("alpha.md" in p and "invalid YAML" in p for p in r.problems)
    assert any("kept the last good version" in p for p in r.problems)
    assert r.removed == 0 and "kept=1 (invalid: knowledge/articles/alpha.md)" in r.summary()
    assert "alpha" in ids(kb)
    assert kb.search("Trainium", k=1)[0].article_id == "alpha"


def test_switching_embedding_model_reindexes(folder, hashing_kb_factory, tmp_path):
    data = tmp_path / "shared-data"
    a = hashing_kb_factory(folder, data_dir=data)
    a.sync()
    b = hashing_kb_factory(folder, data_dir=data, embeddings={"dimensions": 256})
    r = b.sync()
    assert r.added == 2 and r.embedded > 0
    assert a.store.collection_name != b.store.collection_name
    assert "hashing-256" in b.store.collection.metadata["embedding_model"]


def test_collection_damaged_behind_the_manifest_is_reconciled(folder, hashing_kb_factory):
    kb = hashing_kb_factory(folder)
    kb.sync()
    kb.store.collection.delete(where={"article_id": "alpha"})  # someone damaged the collection
    fresh = hashing_kb_factory(folder)
    r = fresh.sync()
    assert (r.added, r.unchanged) == (1, 1) and r.embedded == len(fresh.chunks_of("alpha"))
    assert fresh.search("Trainium", k=1)[0].article_id == "alpha"


def test_interrupted_ingest_leaves_no_orphan_vectors(folder, hashing_kb_factory):
    kb = hashing_kb_factory(folder)
    kb.sync()
    import numpy as np

    kb.store.collection.add(ids=["ghost:0:x"], embeddings=np.ones((1, 512), dtype=np.float32),
                            documents=["half-written"], metadatas=[{"article_id": "ghost"}])
    fresh = hashing_kb_factory(folder)
    r = fresh.sync()
    assert r.embedded == 0 and r.unchanged == 2
    assert fresh.store.collection.get(ids=["ghost:0:x"])["ids"] == []
    assert fresh.store.collection.count() == sum(len(fresh.chunks_of(a)) for a in ("alpha", "beta"))


def test_chunking_change_rebuilds(folder, hashing_kb_factory, tmp_path):
    data = tmp_path / "d"
    hashing_kb_factory(folder, data_dir=data).sync()
    r = hashing_kb_factory(folder, data_dir=data, chunking={"max_chars": 200}).sync()
    assert r.rebuilt and r.added == 2


def test_corrupted_store_is_moved_aside_and_rebuilt(folder, hashing_kb_factory, tmp_path):
    data = tmp_path / "data"
    hashing_kb_factory(folder, data_dir=data).sync()
    sqlite = data / "chroma" / "chroma.sqlite3"
    assert sqlite.exists()
    sqlite.write_bytes(b"this is not a database" * 100)
    kb = hashing_kb_factory(folder, data_dir=data)
    r = kb.sync()
    assert r.added == 2
    assert kb.search("Trainium", k=1)[0].article_id == "alpha"
    aside = [p for p in data.iterdir() if p.name.startswith("chroma.corrupt-")]
    assert aside and (aside[0] / "chroma.sqlite3").read_bytes().startswith(b"this is not")


def test_missing_folder_is_an_error_that_creates_nothing(tmp_path, hashing_kb_factory):
    from bot.core.knowledge.problems import KnowledgeFolderError

    data = tmp_path / "data"
    kb = hashing_kb_factory(tmp_path / "nowhere", data_dir=data)
    with pytest.raises(KnowledgeFolderError, match="nowhere is missing.*--root.*knowledge.dir"):
        kb.sync()
    assert not data.exists()  # no stray store next to a wrong folder


@pytest.mark.parametrize("how", ["missing", "empty"])
def test_a_wrong_folder_never_empties_the_store(folder, tmp_path, hashing_kb_factory, how):
    from bot.core.knowledge.problems import KnowledgeFolderError

    data = tmp_path / "data"
    assert hashing_kb_factory(folder, data_dir=data).sync().added == 2
    other = tmp_path / "other"
    if how == "empty":
        (other / "articles").mkdir(parents=True)
    wrong = hashing_kb_factory(other, data_dir=data)
    with pytest.raises(KnowledgeFolderError, match="holds 2 article.*nothing was removed.*ingest --rebuild"):
        wrong.sync()
    again = hashing_kb_factory(folder, data_dir=data)
    r = again.sync()
    assert (r.removed, r.added, r.unchanged) == (0, 0, 2)
    emptied = hashing_kb_factory(other if how == "empty" else tmp_path / "none", data_dir=data).sync(allow_empty=True)
    assert emptied.removed == 2  # only on purpose (`ingest --rebuild`)


def test_a_file_of_nul_bytes_is_skipped_like_an_empty_file(folder, hashing_kb_factory):
    (folder / "articles" / "nul.md").write_bytes(b"\x00" * 64)
    kb = hashing_kb_factory(folder)
    r = kb.sync()
    assert r.added == 2 and any("nul.md" in p and "empty file" in p for p in r.problems)


def test_resync_with_nothing_changed_reuses_files_and_indexes(folder, hashing_kb_factory):
    kb = hashing_kb_factory(folder)
    kb.sync()
    retriever, generation = kb._retriever, kb.generation
    r = kb.sync()
    assert not r.changed and r.embedded == 0
    assert kb._retriever is retriever and kb.generation == generation  # nothing rebuilt
    (folder / "debates.yaml").write_text("debates: []\n", encoding="utf-8")
    kb.sync()
    assert kb.generation == generation + 1  # a curated file changed: reloaded


def test_query_embeddings_are_cached(folder, hashing_kb_factory):
    kb = hashing_kb_factory(folder)
    calls = []
    inner = kb.embedder.inner.embed_query
    kb.embedder.inner.embed_query = lambda t: calls.append(t) or inner(t)
    a = kb.embedder.embed_query("même question")
    b = kb.embedder.embed_query("même question")
    assert calls == ["même question"] and a is b and not a.flags.writeable
