"""Discord's size limits, pure text-splitting helpers and the per-user cooldown.

Everything except `enforce_cooldown` is pure (no Discord objects) and tested alone.
Lengths are counted in UTF-16 code units (`dlen`), as Discord does: never less than `len`.
"""

from __future__ import annotations

import math
import re
import time
from collections import deque
from typing import Callable

import discord

# -- Discord limits ---------------------------------------------------------------
CONTENT_MAX = 2000
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
AUTHOR_NAME_MAX = 256
EMBED_TOTAL_MAX = 6000  # per embed, and across all embeds of one message
MESSAGE_EMBEDS_MAX = 10
CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_VALUE_MAX = 100
CUSTOM_ID_MAX = 100
SELECT_OPTIONS_MAX = 25
SELECT_LABEL_MAX = 100
SELECT_DESCRIPTION_MAX = 100
BUTTON_LABEL_MAX = 80
THREAD_NAME_MAX = 100

ELLIPSIS = "…"
_MARKER = re.compile(r"\[\d+\]")
_SENTENCE_END = re.compile(r"[.!?…]+[»\"”’)\]]*(?:\s*\[\d+\])*\s+")
_SPACES = re.compile(r"\s+")


def dlen(text: str | None) -> int:
    """Length as Discord counts it (UTF-16 code units)."""
    if not text:
        return 0
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _fit_index(text: str, limit: int, start: int = 0) -> int:
    """Largest `end` such that dlen(text[start:end]) <= limit."""
    units = 0
    for i in range(start, len(text)):
        units += 2 if ord(text[i]) > 0xFFFF else 1
        if units > limit:
            return i
    return len(text)


def single_line(text: str) -> str:
    return _SPACES.sub(" ", text or "").strip()


def truncate(text: str, limit: int, ellipsis: str = ELLIPSIS) -> str:
    """Shorten to at most `limit` units, preferring a word boundary, ending with `ellipsis`."""
    text = text or ""
    if dlen(text) <= limit:
        return text
    room = max(0, limit - dlen(ellipsis))
    cut = _fit_index(text, room)
    space = text.rfind(" ", 0, cut)
    if space > room * 0.7:
        cut = space
    return text[:cut].rstrip() + ellipsis


def _marker_safe(text: str, cut: int, start: int) -> int:
    """Move `cut` back so that it does not fall inside a "[n]" marker."""
    for m in _MARKER.finditer(text, max(start, cut - 12), min(len(text), cut + 12)):
        if m.start() < cut < m.end() and m.start() > start:
            return m.start()
    return cut


def split_exact(text: str, limit: int) -> list[str]:
    """Split into chunks of at most `limit` units with "".join(chunks) == text.

    Cuts after the last whitespace that fits (the whitespace stays at the end of the chunk);
    only a run without whitespace is cut hard, and never inside a "[n]" marker."""
    if limit < 1:
        raise ValueError("limit must be positive")
    chunks: list[str] = []
    start = 0
    while start < len(text):
        end = _fit_index(text, limit, start)
        if end >= len(text):
            chunks.append(text[start:])
            break
        cut = end
        j = end - 1
        while j > start and not text[j].isspace():
            j -= 1
        if j > start:
            cut = j + 1
        else:
            cut = _marker_safe(text, end, start)
        chunks.append(text[start:cut])
        start = cut
    return chunks


def split_sentences(text: str, limit: int) -> list[str]:
    """Split prose into stripped chunks of at most `limit` units, at sentence ends when possible.

    "[n]" markers that follow a sentence stay with it; long sentences fall back to whitespace."""
    text = (text or "").strip()
    if dlen(text) <= limit:
        return [text] if text else []
    sentences: list[str] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        sentences.append(text[pos:m.end()].strip())
        pos = m.end()
    if pos < len(text):
        sentences.append(text[pos:].strip())
    chunks: list[str] = []
    current = ""
    for sentence in filter(None, sentences):
        candidate = f"{current} {sentence}" if current else sentence
        if dlen(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        if dlen(sentence) <= limit:
            current = sentence
        else:
            pieces = [p.strip() for p in split_exact(sentence, limit)]
            chunks.extend(p for p in pieces[:-1] if p)
            current = pieces[-1] if pieces else ""
    if current:
        chunks.append(current)
    return chunks


def thread_name(question: str, fallback: str = "Question") -> str:
    """A thread title from a question: one line, at most 100 characters, never empty."""
    name = truncate(single_line(question), THREAD_NAME_MAX)
    return name or fallback


def choice_text(text: str, limit: int = CHOICE_NAME_MAX) -> str:
    """Autocomplete choice name/value: one line, 1..limit characters."""
    return truncate(single_line(text), limit) or "?"


# -- per-user cooldown --------------------------------------------------------------
class Cooldown:
    """Sliding-window rate limit: at most `rate` hits per `per_s` seconds for each key.

    In memory, injectable clock; keys that went quiet are swept when the table grows."""

    def __init__(self, rate: int, per_s: float, *, clock: Callable[[], float] = time.monotonic, max_keys: int = 10_000):
        if rate < 1 or per_s <= 0:
            raise ValueError("rate must be >= 1 and per_s > 0")
        self.rate = rate
        self.per_s = per_s
        self.clock = clock
        self.max_keys = max_keys
        self._hits: dict[object, deque[float]] = {}

    def _window(self, key: object, now: float) -> deque[float]:
        q = self._hits.setdefault(key, deque())
        while q and q[0] <= now - self.per_s:
            q.popleft()
        return q

    def retry_after(self, key: object) -> float:
        """Seconds until `key` may hit again (0 when allowed); records nothing."""
        now = self.clock()
        q = self._window(key, now)
        return 0.0 if len(q) < self.rate else max(0.0, q[0] + self.per_s - now)

    def hit(self, key: object) -> float:
        """Record a hit when allowed and return 0; otherwise return the seconds to wait."""
        now = self.clock()
        q = self._window(key, now)
        if len(q) >= self.rate:
            return max(0.001, q[0] + self.per_s - now)
        q.append(now)
        if len(self._hits) > self.max_keys:
            self._sweep(now)
        return 0.0

    def reset(self, key: object) -> None:
        self._hits.pop(key, None)

    def _sweep(self, now: float) -> None:
        for key in [k for k, q in self._hits.items() if not q or q[-1] <= now - self.per_s]:
            del self._hits[key]

    def __len__(self) -> int:
        return len(self._hits)


def wait_seconds(retry_after: float) -> int:
    """Whole seconds to show to a user (never 0)."""
    return max(1, math.ceil(retry_after))


async def enforce_cooldown(interaction: discord.Interaction, limiter: Cooldown, lang: str) -> bool:
    """Record a hit for the interaction's user; when over the limit, answer politely (ephemeral)
    and return False. Must run before the interaction is acknowledged."""
    retry = limiter.hit(interaction.user.id)
    if not retry:
        return True
    from bot.discord_app.strings import t

    await interaction.response.send_message(
        content=t(lang, "cooldown", seconds=wait_seconds(retry)),
        ephemeral=True,
        allowed_mentions=discord.AllowedMentions.none(),
    )
    return False
