"""Every user-facing text, French first with English, in one table: the core's answers, the Discord
layer and the console all render from it. Front ends get codes from the core (router reason codes,
InputError / PollError codes) and turn them into text here.

Each area keeps its entries in its own module; keys are unique across them."""

from __future__ import annotations

from bot.core.i18n import normalize_lang
from bot.core.messages import admin, answers, commands, console, inputs, polls

_AREAS = (admin, answers, commands, console, inputs, polls)
TEXTS: dict[str, tuple[str, str]] = {k: v for area in _AREAS for k, v in area.TEXTS.items()}


def t(lang: str, key: str, **fmt: object) -> str:
    """The text of `key` in `lang` ('fr' unless 'en'), formatted with `fmt`."""
    fr, en = TEXTS[key]
    chosen = en if normalize_lang(lang) == "en" else fr
    return chosen.format(**fmt) if fmt else chosen


def input_error_text(lang: str, error: Exception) -> str:
    """What to tell the user about an InputError, from its code and params."""
    key = f"input.{getattr(error, 'code', '')}"
    return t(lang, key, **getattr(error, "params", {})) if key in TEXTS else t(lang, "input.invalid")


def fallback_text(reason: str, lang: str) -> str:
    """One line saying that the answer is made of direct quotes because the LLM draft was not used."""
    why = f"fallback.{reason}" if f"fallback.{reason}" in TEXTS else "fallback.error"
    return t(lang, "answer.fallback", why=t(lang, why))


def quote_list(items: list[str], lang: str) -> str:
    """Up to three items in the language's quotation marks, comma-separated."""
    return ", ".join((f"« {i} »" if normalize_lang(lang) == "fr" else f"“{i}”") for i in items[:3])
