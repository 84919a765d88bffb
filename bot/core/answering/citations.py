"""Numbered citations that are always verbatim slices of an article body."""

from __future__ import annotations

from bot.core.models import Article, Citation


class CitationBuilder:
    def __init__(self, articles: dict[str, Article]):
        self._articles = articles
        self._by_span: dict[tuple[str, int, int], int] = {}
        self.citations: list[Citation] = []

    def add(self, article_id: str, start: int, end: int) -> int:
        """Register body[start:end] of an article; returns its 1-based id (deduplicated)."""
        key = (article_id, start, end)
        if key in self._by_span:
            return self._by_span[key]
        art = self._articles[article_id]
        if not (0 <= start < end <= len(art.body)):
            raise ValueError(f"citation span {start}:{end} outside article {article_id}")
        cid = len(self.citations) + 1
        self.citations.append(Citation(id=cid, article_id=art.id, title=art.title, source=art.source,
                                       quote=art.body[start:end], start=start, end=end))
        self._by_span[key] = cid
        return cid
