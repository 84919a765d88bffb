"""`knowledge check`: a fact must be supported by its cited passage. Every amount and year it states, and
every name it gives, appears in the passage (or in the cited article's title and outlet, which name the source)."""

from __future__ import annotations

import re

from bot.core.answering.premise import quantities
from bot.core.knowledge.problems import Problem
from bot.core.models import Article, Fact
from bot.core.text import fold

# A capitalised word that does not open a sentence: a name ("Google", "Wall Street Journal").
_NAME = re.compile(r"(?<![.?!:]\s)(?<=[\s'’(«“\"])[A-ZÀ-Ý][\w-]+")


def unsupported_facts(facts: list[Fact], articles: dict[str, Article], path: str) -> list[Problem]:
    out = []
    for fact in facts:
        quote = fact.quote.text
        article = articles.get(fact.quote.article_id)
        context = fold(" ".join([quote, article.title if article else "", (article.outlet or "") if article else ""]))
        for field, text in (("text", fact.text), ("text_en", fact.text_en)):
            stated = quantities(quote) | (quantities(article.title) if article else set())  # the title names the source
            extra = sorted(_show(q) for q in quantities(text) - stated if q.kind in ("amount", "year"))
            if extra:
                out.append(Problem(path, f"fact {fact.id!r}: {field} states {', '.join(extra)}, which its cited passage does not"))
        names = sorted({m.group(0) for m in _NAME.finditer(fact.text) if fold(m.group(0)) not in context})
        if names:
            out.append(Problem(path, f"fact {fact.id!r}: names {', '.join(names)}, which its cited passage does not"))
    return out


def _show(q) -> str:
    return str(int(q.value)) if q.kind == "year" else f"{q.value:,.0f}"
