"""ChunkTable: chunks read lazily from the corpus cache's arrays are the chunks the chunker made."""

from pathlib import Path

import numpy as np
import pytest

from bot.core.knowledge.articles import load_articles
from bot.core.knowledge.chunking import chunk_article
from bot.core.models import Chunk
from bot.core.retrieval.chunk_table import ChunkTable

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seeds():
    articles = load_articles(REPO / "knowledge", REPO).articles
    made = {a.id: chunk_article(a, max_chars=300, overlap_sentences=1) for a in articles}
    return articles, made


def round_trip(table: ChunkTable, articles) -> ChunkTable:
    arrays = {name: np.asarray(a) for name, a in table.to_arrays().items()}
    return ChunkTable.from_arrays(arrays, articles)


def test_a_table_from_arrays_yields_the_same_chunks(seeds):
    articles, made = seeds
    built = ChunkTable.of(made)
    loaded = round_trip(built, articles)
    assert list(loaded) == list(built) == [c for a in articles for c in made[a.id]]
    assert dict(loaded.by_article()) == made
    for c in loaded:
        assert c.text == next(a for a in articles if a.id == c.article_id).body[c.start:c.end]


def test_rows_and_positions(seeds):
    articles, made = seeds
    table = round_trip(ChunkTable.of(made), articles)
    first = articles[1].id
    rows = table.rows(first)
    assert [table[i] for i in rows] == made[first]
    assert all(table.position(table[i].id) == i for i in range(len(table)))
    assert table.position(f"{first}:0:not-the-digest") is None
    assert table.position("unknown-article:0:x") is None
    assert table.rows("unknown-article") == range(0)
    assert table[-1] == made[articles[-1].id][-1]
    assert "unknown-article" not in table.by_article() and first in table.by_article()


def test_ids_of_another_shape_are_still_found():
    chunks = {"a": [Chunk(id="first", article_id="a", index=0, start=0, end=3, text="abc")],
              "b": [Chunk(id="b:7", article_id="b", index=0, start=0, end=2, text="de")]}
    table = ChunkTable.of(chunks)
    assert table.position("first") == 0 and table.position("b:7") == 1 and table.position("b:0") is None


def test_arrays_of_other_articles_are_refused(seeds):
    articles, made = seeds
    arrays = ChunkTable.of(made).to_arrays()
    with pytest.raises(ValueError, match="other articles"):
        ChunkTable.from_arrays(arrays, articles[:-1])
    with pytest.raises(ValueError, match="disagree"):
        ChunkTable.from_arrays({**arrays, "chunks.span": arrays["chunks.span"][:-1]}, articles)
