"""/counter: the strongest sourced arguments of the other sides against a claim."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands, ui
from discord.ext import commands

from bot.discord_app.recall import remember
from bot.discord_app.rendering import group_messages, render_counter
from bot.discord_app.replies import send_followups
from bot.discord_app.requests import open_request
from bot.discord_app.views import SourcesButton


class CounterCog(commands.Cog, name="Counter"):
    def __init__(self, bot: Any):
        self.bot = bot

    @app_commands.command(name="counter")
    @app_commands.describe(claim="The claim to challenge")
    async def counter(self, interaction: discord.Interaction, claim: app_commands.Range[str, 1, 1000]) -> None:
        """The strongest sourced arguments against a claim"""
        bot = self.bot
        opened = await open_request(bot, interaction, claim, cooldown=True)
        if opened is None:
            return
        text, lang = opened
        result = await bot.run_core(bot.service.counter, text, lang=lang)
        view = None
        if result.citations:
            key = await remember(bot, "counter", {"claim": text, "lang": result.lang}, result)
            view = ui.View(timeout=None)
            view.add_item(SourcesButton(key, result.lang))
        await send_followups(interaction, group_messages(render_counter(result)), view=view)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(CounterCog(bot))
