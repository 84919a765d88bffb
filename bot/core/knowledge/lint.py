"""Maintainers' checks of `contrepoint knowledge check` beyond loading: where a broken quote's text
really is, Discord's size limits on what becomes a poll, and articles nothing uses."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from bot.core.knowledge.problems import Problem
from bot.core.models import Article, Debate, Fact
from bot.core.polls.spec import MAX_QUESTION as POLL_QUESTION_MAX
from bot.core.text import fold, sentence_spans, utf16_len

_WINDOW_SENTENCES = 4  # a quote spans at most this many sentences of the article
_SHOWN = 160


@dataclass(frozen=True)
class Closest:
    start: int
    end: int
    text: str  # body[start:end]
    similarity: float  # difflib ratio of the accent-folded texts, 0..1


def closest_passage(body: str, quote: str) -> Closest | None:
    """The span of `body` (one to a few whole sentences, trimmed to the aligned part) most like `quote`."""
    spans = sentence_spans(body)
    target = fold(quote)
    best: tuple[float, int, int] | None = None
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(target)
    for i in range(len(spans)):
        for j in range(i, min(i + _WINDOW_SENTENCES, len(spans))):
            start, end = spans[i][0], spans[j][1]
            if end - start > 3 * len(quote) + 80:
                break
            matcher.set_seq1(fold(body[start:end]))
            if best is not None and matcher.real_quick_ratio() <= best[0]:
                continue
            if best is not None and matcher.quick_ratio() <= best[0]:
                continue
            score = matcher.ratio()
            if best is None or score > best[0]:
                best = (score, start, end)
    if best is None:
        return None
    start, end = _trim_to_alignment(body, best[1], best[2], quote)
    score = difflib.SequenceMatcher(None, fold(body[start:end]), target, autojunk=False).ratio()
    return Closest(start, end, body[start:end], round(score, 3))


def _trim_to_alignment(body: str, start: int, end: int, quote: str) -> tuple[int, int]:
    """Cut a window down to where the quote aligns (a quote is often part of a sentence)."""
    window = body[start:end]
    blocks = [b for b in difflib.SequenceMatcher(None, fold(window), fold(quote), autojunk=False).get_matching_blocks() if b.size >= 4]
    if not blocks:
        return start, end
    first, last = blocks[0], blocks[-1]
    lo = max(0, first.a - first.b)
    hi = min(len(window), last.a + last.size + (len(quote) - last.b - last.size))
    # fold() keeps lengths except for œ/æ, so offsets are close enough to cut on; widen to word boundaries
    while lo > 0 and not window[lo - 1].isspace():
        lo -= 1
    while hi < len(window) and not window[hi].isspace():
        hi += 1
    return start + lo, start + hi


def first_difference(quote: str, passage: str) -> str:
    """'the quote has "'" where the article has "’"' for the first place the two texts differ."""
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, quote, passage, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        ours, theirs = quote[i1:i2], passage[j1:j2]
        context = quote[max(0, i1 - 20):i1]
        if tag == "insert":
            return f"after «…{context}» the article has {theirs!r}, missing from the quote"
        if tag == "delete":
            return f"after «…{context}» the quote has {ours!r}, which the article does not"
        return f"after «…{context}» the quote has {ours!r} where the article has {theirs!r}"
    return "they differ only in length"


def quote_hint(body: str, quote: str) -> str:
    """What to tell a maintainer whose quote is not verbatim: the closest passage and the first difference."""
    found = closest_passage(body, quote)
    if found is None or found.similarity < 0.5:
        return "no passage of the article is close to it: is it the right article?"
    shown = found.text if len(found.text) <= _SHOWN else found.text[:_SHOWN] + "…"
    return (f"closest passage ({found.similarity:.0%} similar, characters {found.start}-{found.end}): «{shown}»; "
            f"{first_difference(quote, found.text)}")


def poll_limit_problems(debates: list[Debate], path: str) -> list[Problem]:
    """A debate whose question would not fit a Discord poll (its side labels are checked on loading)."""
    out = []
    for d in debates:
        for name, text in (("question", d.question), ("question_en", d.question_en)):
            n = utf16_len(text)
            if n > POLL_QUESTION_MAX:
                out.append(Problem(path, f"debate {d.id!r}: {name} is {n} characters, Discord's poll limit is {POLL_QUESTION_MAX}; "
                                         f"shorten it by {n - POLL_QUESTION_MAX} (put the long wording in 'aliases')"))
    return out


def unused_articles(articles: list[Article], debates: list[Debate], facts: list[Fact]) -> list[Problem]:
    """Articles that no debate map and no fact quotes (a warning: they are still searched and cited)."""
    used = {q.article_id for d in debates for s in d.sides for a in s.arguments for q in a.quotes}
    used |= {f.quote.article_id for f in facts}
    return [Problem(a.source, f"no debate or fact quotes {a.id!r} yet; `contrepoint knowledge draft-debates {a.id}` proposes where it fits")
            for a in articles if a.id not in used]
