"""Text utilities: accent folding, tokenising, sentence spans with exact offsets."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+", re.UNICODE)
# Sentence end: . ! ? … (plus closing quotes/brackets), then space, newline, or a glued capital ("initial.Mais").
_SENT_END = re.compile(
    r"""(?:[.!?…]+[»"”’)\]]*)(?=\s|$|[«"“A-ZÀ-ÖØ-Þ])|\n+""",
    re.UNICODE,
)
_APOS = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "«": '"', "»": '"', "“": '"', "”": '"'})


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lowercase, strip accents, unify apostrophes/quotes: 'Économie’' -> "economie'"."""
    text = unicodedata.normalize("NFKD", text.translate(_APOS).lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("œ", "oe").replace("æ", "ae")


def utf16_len(text: str) -> int:
    """Length as Discord counts it (UTF-16 code units): characters outside the BMP, most emoji, count twice."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def words(text: str) -> list[str]:
    """Accent-folded word tokens; elided articles (l', d', qu') are split off."""
    return _WORD.findall(fold(text))


def sentence_spans(body: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `body`, trimmed of surrounding whitespace.

    Handles sentences glued without a space after the period ("…initial.Mais…")
    and treats line breaks as boundaries (headings, bullet lists).
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _SENT_END.finditer(body):
        end = m.end() if body[m.start()] != "\n" else m.start()
        _push(body, pos, end, spans)
        pos = m.end()
    _push(body, pos, len(body), spans)
    return spans


def _push(body: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
