"""/help: a short guide by locale."""

from __future__ import annotations

import discord

from bot.discord_app.rendering import message_problems
from bot.exts.help import HelpCog


async def test_help_is_private_and_follows_the_locale(cp_bot, make_interaction):
    cog = HelpCog(cp_bot)
    fr = make_interaction(cp_bot)
    await cog.help.callback(cog, fr)
    [(name, _, kw)] = fr.events
    assert name == "send_message" and kw["ephemeral"] is True
    assert kw["embed"].title.startswith("Contrepoint : mode")
    assert kw["allowed_mentions"].to_dict() == discord.AllowedMentions.none().to_dict()
    assert message_problems([kw["embed"]]) == []
    en = make_interaction(cp_bot, locale=discord.Locale.american_english)
    await cog.help.callback(cog, en)
    assert en.events[0][2]["embed"].title == "Contrepoint: how it works"
