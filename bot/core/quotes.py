"""Quoting a passage inside the reader's quotation marks, with the passage's own quotes nested the way the
language does it: “ ” inside « » in French, ‘ ’ inside “ ” in English. A mark left unmatched because the
passage starts or ends inside a quotation is dropped from the rendering (the JSON `text` stays verbatim)."""

from __future__ import annotations

import re

OUTER = {"fr": ("« ", " »"), "en": ("“", "”")}
INNER = {"fr": ("“", "”"), "en": ("‘", "’")}
# Opening and closing marks a passage may contain, with the spaces French puts inside guillemets.
_OPEN = re.compile(r"«[\s\u00a0\u202f]*|“")
_CLOSE = re.compile(r"[\s\u00a0\u202f]*»|”")


def nest(text: str, lang: str) -> str:
    """The passage with its « » / “ ” turned into the inner marks of `lang`, unmatched ones dropped."""
    opener, closer = INNER.get(lang, INNER["fr"])
    marks = sorted([(m.start(), m.end(), "open") for m in _OPEN.finditer(text)] +
                   [(m.start(), m.end(), "close") for m in _CLOSE.finditer(text)])
    keep: dict[int, str] = {}
    stack: list[tuple[int, int]] = []
    for start, end, kind in marks:
        if kind == "open":
            stack.append((start, end))
        elif stack:
            o_start, _ = stack.pop()
            keep[o_start], keep[start] = opener, closer
    out, pos = [], 0
    for start, end, _ in marks:
        out.append(text[pos:start])
        out.append(keep.get(start, ""))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def quoted(text: str, lang: str) -> str:
    """« passage » (French) or “passage” (English), nesting the passage's own quotation marks."""
    left, right = OUTER.get(lang, OUTER["fr"])
    return f"{left}{nest(text, lang)}{right}"


def balanced(text: str, pairs=(("«", "»"), ("“", "”"), ("‘", "’"))) -> bool:
    """Every quotation mark closes one opened before it, and nothing is left open."""
    for left, right in pairs:
        depth = 0
        for ch in text:
            if ch == left:
                depth += 1
            elif ch == right:
                depth -= 1
                if depth < 0:
                    return False
        if depth:
            return False
    return True
