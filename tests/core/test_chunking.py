from pathlib import Path

from bot.core.knowledge.articles import load_articles
from bot.core.knowledge.chunking import chunk_article
from bot.core.models import Article
from bot.core.text import sentence_spans

REPO = Path(__file__).resolve().parents[2]


def test_glued_sentences_are_split():
    body = "Il y a un accès initial.Mais l'idée n'emballe pas. Fin ?Oui « cité ». Dernière"
    spans = [body[s:e] for s, e in sentence_spans(body)]
    assert spans == ["Il y a un accès initial.", "Mais l'idée n'emballe pas.", "Fin ?", "Oui « cité ».", "Dernière"]


def test_chunks_keep_exact_offsets_on_every_article():
    for art in load_articles(REPO / "knowledge", REPO).articles:
        chunks = chunk_article(art, max_chars=480, overlap_sentences=1)
        assert chunks
        for c in chunks:
            assert c.text == art.body[c.start:c.end]
            assert c.text == c.text.strip()
        covered = set()
        for c in chunks:
            covered.update(range(c.start, c.end))
        text_positions = {i for i, ch in enumerate(art.body) if not ch.isspace()}
        assert text_positions <= covered  # no text is left out of every chunk


def test_chunk_size_and_overlap():
    body = " ".join(f"Phrase numéro {i} qui dit quelque chose." for i in range(40))
    art = Article(id="a", title="t", body=body, source="x.md", content_hash="h")
    chunks = chunk_article(art, max_chars=200, overlap_sentences=1)
    assert all(len(c.text) <= 200 for c in chunks)
    for a, b in zip(chunks, chunks[1:]):
        assert b.start < a.end  # one shared sentence
    no_overlap = chunk_article(art, max_chars=200, overlap_sentences=0)
    for a, b in zip(no_overlap, no_overlap[1:]):
        assert b.start >= a.end


def test_long_sentence_is_its_own_chunk():
    long = "Mot " * 200 + "fin."
    art = Article(id="a", title="t", body=f"Court. {long} Après.", source="x.md", content_hash="h")
    chunks = chunk_article(art, max_chars=150)
    assert any(c.text == long for c in chunks)
