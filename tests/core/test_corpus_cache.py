"""A new process over an unchanged folder loads chunks, lexical indexes and parsed front matter from the
corpus cache instead of rebuilding them; anything else (a changed file, a damaged cache) rebuilds."""

import shutil
from pathlib import Path

import numpy as np
import pytest

import bot.core.knowledge.articles as articles_module
import bot.core.knowledge_base as knowledge_base
from bot.core.knowledge.articles import load_articles
from bot.core.retrieval import corpus_index
from bot.core.retrieval.corpus_index import CorpusIndexes

REPO = Path(__file__).resolve().parents[2]

QUERIES = ["Combien Amazon investit-il dans Anthropic ?", "antropic amazone investisement",
           "who is the cloud provider of Anthropic", "milliards"]


@pytest.fixture
def folder(knowledge_copy):
    return knowledge_copy


def results(kb, mode="hybrid"):
    return [[(p.chunk_id, round(p.score, 9)) for p in kb.search(q, k=5, mode=mode)] for q in QUERIES]


def no_rebuild(monkeypatch):
    """Fail if the lexical indexes are built or a front matter is parsed."""
    def refuse(*_a, **_k):
        raise AssertionError("rebuilt although the corpus cache holds this corpus")
    monkeypatch.setattr(corpus_index.CorpusIndexes, "build", classmethod(refuse))
    monkeypatch.setattr(articles_module, "safe_load", refuse)


def test_new_instance_loads_the_cache_and_searches_the_same(folder, tmp_path, hashing_kb_factory, monkeypatch):
    first = hashing_kb_factory(folder, tmp_path / "data")
    first.sync()
    expected = {mode: results(first, mode) for mode in ("hybrid", "bm25")}
    chunks = {a.id: first.chunks_of(a.id) for a in first.articles}

    no_rebuild(monkeypatch)
    second = hashing_kb_factory(folder, tmp_path / "data")
    report = second.sync()
    assert report.embedded == 0 and report.chunks == sum(len(c) for c in chunks.values())
    assert {a.id: second.chunks_of(a.id) for a in second.articles} == chunks
    assert [a.body for a in second.articles] == [a.body for a in first.articles]  # bodies stay verbatim
    assert {mode: results(second, mode) for mode in ("hybrid", "bm25")} == expected
    assert second._retriever.is_name("Anthropic") and second._retriever.mentions("propriétaires")


def test_a_changed_article_rebuilds_and_replaces_the_old_cache(folder, tmp_path, hashing_kb_factory):
    kb = hashing_kb_factory(folder, tmp_path / "data")
    kb.sync()
    cache_dir = tmp_path / "data" / "corpus"
    before = {p.name for p in cache_dir.iterdir() if p.is_dir()}
    path = next((folder / "articles").glob("*.md"))
    path.write_text(path.read_text(encoding="utf-8") + "\nUne phrase ajoutée sur les zeppelins.\n", encoding="utf-8")

    again = hashing_kb_factory(folder, tmp_path / "data")
    report = again.sync()
    assert report.updated == 1
    after = {p.name for p in cache_dir.iterdir() if p.is_dir()}
    assert len(after) == 1 and after != before  # one cache, for the new corpus
    assert any("zeppelins" in p.text for p in again.search("zeppelins", k=3, mode="bm25"))
    fresh = load_articles(folder, folder.parent)
    assert {a.id: a for a in again.articles} == {a.id: a for a in fresh.articles}


def test_a_damaged_cache_is_rebuilt_with_a_warning(folder, tmp_path, hashing_kb_factory, caplog):
    kb = hashing_kb_factory(folder, tmp_path / "data")
    kb.sync()
    expected = results(kb)
    [cache] = [p for p in (tmp_path / "data" / "corpus").iterdir() if p.is_dir()]
    (cache / "words.docs.npy").write_bytes(b"\x93NUMPY garbage")
    (cache / "chunks.id.npy").unlink()
    parsed = next((tmp_path / "data" / "corpus").glob("*-parsed.json"))
    parsed.write_text("{not json", encoding="utf-8")

    again = hashing_kb_factory(folder, tmp_path / "data")
    with caplog.at_level("WARNING"):
        again.sync()
    assert results(again) == expected
    assert "corpus cache" in caplog.text and "rebuilding" in caplog.text
    assert "parsed-article cache" in caplog.text


def test_an_unwritable_cache_folder_only_costs_the_rebuild(folder, tmp_path, hashing_kb_factory, caplog):
    data = tmp_path / "data"
    data.mkdir()
    (data / "corpus").write_text("a file where the cache folder should be", encoding="utf-8")
    kb = hashing_kb_factory(folder, data)
    with caplog.at_level("WARNING"):
        kb.sync()
    assert kb.search("puces propriétaires", k=1)
    assert "cannot write" in caplog.text


def test_indexes_round_trip_through_arrays():
    arts = load_articles(REPO / "knowledge", REPO).articles
    texts = [a.body[i:i + 400] for a in arts for i in range(0, len(a.body), 300)]
    built = CorpusIndexes.build(texts)
    loaded = CorpusIndexes.from_arrays({k: np.asarray(v) for k, v in built.to_arrays().items()})
    for query in QUERIES:
        for index in ("words", "ngrams"):
            terms = getattr(built, index).query_terms(query)
            np.testing.assert_array_equal(getattr(built, index).scores(terms), getattr(loaded, index).scores(terms))
    assert loaded.names == built.names and loaded.surface == built.surface
    for typo in ("antropic", "investisement", "amazone", "microsfot", "proprietaires"):
        assert loaded.repairs(typo, 0.4) == built.repairs(typo, 0.4)
    assert built.repairs("antropic", 0.4)[0].lower() == "anthropic"


def test_a_cache_from_another_folder_is_not_used(folder, tmp_path, hashing_kb_factory):
    hashing_kb_factory(folder, tmp_path / "data").sync()
    other = tmp_path / "other"
    shutil.copytree(folder, other)
    (other / "articles" / "extra.md").write_text("---\ntitle: Extra\n---\nUn article de plus sur les zeppelins.\n",
                                                  encoding="utf-8")
    kb = hashing_kb_factory(other, tmp_path / "data")
    kb.sync()
    assert kb.search("zeppelins", k=1, mode="bm25")[0].article_id == "extra"


def test_a_curated_file_edit_keeps_the_installed_indexes(folder, tmp_path, hashing_kb_factory, monkeypatch):
    kb = hashing_kb_factory(folder, tmp_path / "data")
    kb.sync()
    before, generation = results(kb), kb.generation
    monkeypatch.setattr(corpus_index.CorpusIndexes, "build", classmethod(lambda *a: pytest.fail("rebuilt")))
    monkeypatch.setattr(kb.corpus_cache, "load", lambda *a: pytest.fail("read the cache again"))
    debates = folder / "debates.yaml"
    debates.write_text(debates.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    kb.sync()
    assert kb.generation == generation + 1 and results(kb) == before


def rounded(kb, mode):
    return [[(p.chunk_id, round(p.score, 5)) for p in kb.search(q, k=5, mode=mode)] for q in QUERIES + ["zeppelins"]]


def edit_one_article(folder):
    path = sorted((folder / "articles").glob("*.md"))[1]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Amazon", "Amazon (le géant du commerce)", 1) + "\nUne phrase ajoutée sur les zeppelins.\n",
                    encoding="utf-8")


def refuse_builds(monkeypatch):
    monkeypatch.setattr(corpus_index.CorpusIndexes, "build", classmethod(lambda *a: pytest.fail("built from scratch")))


@pytest.mark.parametrize("where", ["new process", "same process"])
def test_an_edit_merges_the_indexes_and_searches_like_a_full_build(where, folder, tmp_path, hashing_kb_factory,
                                                                    monkeypatch, caplog):
    kb = hashing_kb_factory(folder, tmp_path / "data")
    kb.sync()
    edit_one_article(folder)
    full = hashing_kb_factory(folder, tmp_path / "scratch")  # a full build of the edited folder
    expected = {mode: rounded(full, mode) for mode in ("bm25", "hybrid")}
    scratch = full.retriever

    refuse_builds(monkeypatch)
    chunked = []
    real_chunk = knowledge_base.chunk_article
    monkeypatch.setattr(knowledge_base, "chunk_article", lambda art, **kw: chunked.append(art.id) or real_chunk(art, **kw))
    again = hashing_kb_factory(folder, tmp_path / "data") if where == "new process" else kb
    with caplog.at_level("INFO"):
        report = again.sync()
    assert report.updated == 1 and "merged into" in caplog.text
    assert len(chunked) == 1  # the unchanged articles' chunks come from the view or the cache
    assert {mode: rounded(again, mode) for mode in ("bm25", "hybrid")} == expected
    merged = again._retriever
    assert merged.indexes.names == scratch.indexes.names and merged.indexes.surface == scratch.indexes.surface
    assert set(merged.words.vocabulary) == set(scratch.words.vocabulary)
    assert merged.mentions("zeppelins") and merged.is_name("Anthropic")

    third = hashing_kb_factory(folder, tmp_path / "data")  # the merged indexes were cached for the next process
    assert rounded(third, "bm25") == expected["bm25"]


def test_a_mostly_new_corpus_is_built_rather_than_merged(folder, tmp_path, hashing_kb_factory, monkeypatch):
    kb = hashing_kb_factory(folder, tmp_path / "data")
    kb.sync()
    for path in sorted((folder / "articles").glob("*.md"))[:4]:
        path.write_text(path.read_text(encoding="utf-8") + "\nUne phrase de plus.\n", encoding="utf-8")
    builds = []
    real = corpus_index.CorpusIndexes.build.__func__
    monkeypatch.setattr(corpus_index.CorpusIndexes, "build", classmethod(lambda cls, texts: builds.append(1) or real(cls, texts)))
    kb.sync()
    assert builds == [1]


def test_other_chunking_settings_never_reuse_the_cached_chunks(folder, tmp_path, hashing_kb_factory):
    hashing_kb_factory(folder, tmp_path / "data").sync()
    edit_one_article(folder)
    kb = hashing_kb_factory(folder, tmp_path / "data", chunking={"max_chars": 300, "overlap_sentences": 0})
    kb.sync()
    full = hashing_kb_factory(folder, tmp_path / "scratch", chunking={"max_chars": 300, "overlap_sentences": 0})
    assert rounded(kb, "bm25") == rounded(full, "bm25")
