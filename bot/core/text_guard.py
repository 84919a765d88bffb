"""Sanitising of user text before it reaches the core: bounded, printable, never empty."""

from __future__ import annotations

import re
import unicodedata

MAX_QUESTION_CHARS = 1000

# zero-width, line/paragraph separators, bidi embeddings/overrides/isolates and marks, soft hyphen, BOM
ZERO_WIDTH = re.compile("[\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\u061c\u180e\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")


class InputError(ValueError):
    """User input that cannot be processed. `code` ("empty", "too_long") and `params` are what front ends
    render in the user's language (bot/core/messages); str() is an English message for logs and JSON output."""

    def __init__(self, code: str, message: str, **params: object):
        super().__init__(message)
        self.code, self.params = code, params


def strip_invisible(text: str) -> str:
    """NFC-normalise, drop control and zero-width characters, collapse spaces (never raises)."""
    text = unicodedata.normalize("NFC", str(text))
    return _SPACES.sub(" ", _CONTROL.sub(" ", ZERO_WIDTH.sub("", text))).strip()


def clean_user_text(text: str | None, *, max_chars: int = MAX_QUESTION_CHARS) -> str:
    """NFC-normalise, drop control and zero-width characters, collapse spaces.

    Raises InputError (code "empty" or "too_long") for input that is empty or over `max_chars`."""
    text = strip_invisible("" if text is None else text)
    if not text:
        raise InputError("empty", "empty input: write a question")
    if len(text) > max_chars:
        raise InputError("too_long", f"input too long: {len(text)} characters, the limit is {max_chars}",
                         length=len(text), limit=max_chars)
    return text
