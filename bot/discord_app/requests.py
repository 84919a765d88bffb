"""The common start of a request that carries user text (a command or a mention): clean the text and
apply the cooldown; for a command, also defer."""

from __future__ import annotations

from typing import Any

import discord

from bot.core.models import Lang
from bot.core.text_guard import InputError, clean_user_text
from bot.discord_app.limits import wait_seconds
from bot.discord_app.replies import reply_ephemeral
from bot.discord_app.strings import input_error_text, interaction_lang, t


class Refused(Exception):
    """The request is not run: `code` says why ("empty", "too_long", "invalid", "cooldown"), `text` tells the user."""

    def __init__(self, code: str, text: str):
        super().__init__(text)
        self.code, self.text = code, text


def screen(bot: Any, user_id: int, raw: str | None, lang: Lang, *, max_chars: int = 1000, cooldown: bool = False) -> str:
    """The clean text, after counting a hit on the user's cooldown; raises Refused."""
    try:
        text = clean_user_text(raw, max_chars=max_chars)
    except InputError as exc:
        raise Refused(exc.code, input_error_text(lang, exc)) from None
    if cooldown:
        retry = bot.limiter.hit(user_id)
        if retry:
            raise Refused("cooldown", t(lang, "cooldown", seconds=wait_seconds(retry)))
    return text


async def open_request(bot: Any, interaction: discord.Interaction, raw: str, *, max_chars: int = 1000,
                       cooldown: bool = False) -> tuple[str, Lang] | None:
    """(clean text, reply language), after deferring; None when the user already got an ephemeral refusal."""
    lang = interaction_lang(interaction.locale, bot.settings.language)
    try:
        text = screen(bot, interaction.user.id, raw, lang, max_chars=max_chars, cooldown=cooldown)
    except Refused as refused:
        await reply_ephemeral(interaction, refused.text)
        return None
    await interaction.response.defer(thinking=True)
    return text, lang
