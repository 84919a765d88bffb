"""Languages: user-facing text is French by default, English available (texts: bot/core/messages)."""

from __future__ import annotations

from bot.core.models import Lang

SUPPORTED: tuple[Lang, ...] = ("fr", "en")


def normalize_lang(value: str | None, default: Lang = "fr") -> Lang:
    """Map 'fr', 'fr-FR', 'en-US', 'en-GB'... to 'fr' / 'en'; anything else to `default`."""
    if not value:
        return default
    head = str(value).lower().split("-")[0].split("_")[0]
    return head if head in SUPPORTED else default  # type: ignore[return-value]
