"""Sentence-aware chunking that keeps exact character offsets into the article body."""

from __future__ import annotations

import hashlib

from bot.core.models import Article, Chunk
from bot.core.text import sentence_spans


def chunk_article(article: Article, *, max_chars: int = 480, overlap_sentences: int = 1) -> list[Chunk]:
    """Pack consecutive sentences up to `max_chars`; neighbouring chunks share
    `overlap_sentences` sentences. A sentence longer than `max_chars` is its own chunk.
    Invariant: chunk.text == article.body[chunk.start:chunk.end]."""
    spans = sentence_spans(article.body)
    groups: list[tuple[int, int]] = []  # (first sentence, last sentence) indexes
    i = 0
    while i < len(spans):
        j = i
        while j + 1 < len(spans) and spans[j + 1][1] - spans[i][0] <= max_chars:
            j += 1
        groups.append((i, j))
        if j + 1 >= len(spans):
            break
        i = max(j + 1 - overlap_sentences, i + 1)
    chunks = []
    for index, (a, b) in enumerate(groups):
        start, end = spans[a][0], spans[b][1]
        text = article.body[start:end]
        digest = hashlib.sha1(f"{article.content_hash}:{start}:{end}".encode()).hexdigest()[:10]
        chunks.append(Chunk(id=f"{article.id}:{index}:{digest}", article_id=article.id, index=index, start=start, end=end, text=text))
    return chunks
