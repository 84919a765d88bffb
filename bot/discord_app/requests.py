"""The common start of a command that takes user text: clean it, apply the cooldown, defer."""

from __future__ import annotations

from typing import Any

import discord

from bot.core.models import Lang
from bot.core.text_guard import InputError, clean_user_text
from bot.discord_app.limits import enforce_cooldown
from bot.discord_app.replies import reply_ephemeral
from bot.discord_app.strings import input_error_text, interaction_lang


async def open_request(bot: Any, interaction: discord.Interaction, raw: str, *, max_chars: int = 1000,
                       cooldown: bool = False) -> tuple[str, Lang] | None:
    """(clean text, reply language), after deferring; None when the user already got an ephemeral refusal."""
    lang = interaction_lang(interaction.locale, bot.settings.language)
    try:
        text = clean_user_text(raw, max_chars=max_chars)
    except InputError as exc:
        await reply_ephemeral(interaction, input_error_text(lang, exc))
        return None
    if cooldown and not await enforce_cooldown(interaction, bot.limiter, lang):
        return None
    await interaction.response.defer(thinking=True)
    return text, lang
