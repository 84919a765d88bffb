"""Discord's own refusals (HTTP 429, missing permissions, deleted channel or message, expired interaction):
one log line and, where the user can still be told, a clear message. Never a traceback for these."""

from __future__ import annotations

import logging

import discord

from bot.core.models import Lang
from bot.discord_app.strings import t
from bot.logging_setup import redact

log = logging.getLogger(__name__)

# Discord JSON error codes (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json)
UNKNOWN_CHANNEL, UNKNOWN_MESSAGE, UNKNOWN_WEBHOOK, UNKNOWN_INTERACTION = 10003, 10008, 10015, 10062
INVALID_WEBHOOK_TOKEN = 50027  # the interaction token expired (15 minutes after the command)
EXPIRED = {UNKNOWN_WEBHOOK, UNKNOWN_INTERACTION, INVALID_WEBHOOK_TOKEN}


def kind_of(exc: discord.HTTPException) -> str:
    """expired | forbidden | gone | rate_limited | unavailable | error"""
    if exc.code in EXPIRED:
        return "expired"
    if isinstance(exc, discord.Forbidden):
        return "forbidden"
    if isinstance(exc, discord.NotFound):
        return "gone"
    if exc.status == 429:
        return "rate_limited"
    if isinstance(exc, discord.DiscordServerError) or exc.status >= 500:
        return "unavailable"
    return "error"


def user_text(exc: discord.HTTPException, lang: Lang) -> str | None:
    """What to tell the user, or None when nothing can reach them any more (expired interaction)."""
    kind = kind_of(exc)
    if kind == "expired":
        return None
    return t(lang, "error_generic") if kind == "error" else t(lang, f"discord_{kind}")


def log_discord_error(where: str, exc: discord.HTTPException) -> None:
    """One line: what failed, Discord's status and code, its message (secrets masked)."""
    text = redact(" ".join(str(exc.text or "").split()))[:200]
    log.warning("%s: Discord refused (%s, HTTP %s, code %s): %s", where, kind_of(exc), exc.status, exc.code, text)
