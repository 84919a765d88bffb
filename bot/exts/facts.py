"""/fact: a sourced fact, random or about a topic, with its verbatim quote."""

from __future__ import annotations

from typing import Any, Optional

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.text_guard import InputError, clean_user_text
from bot.discord_app.rendering import render_fact
from bot.discord_app.replies import replace_thinking, reply_ephemeral, send_followups
from bot.discord_app.strings import input_error_text, interaction_lang, t

TOPIC_MAX = 300


class FactsCog(commands.Cog, name="Facts"):
    def __init__(self, bot: Any):
        self.bot = bot

    @app_commands.command(name="fact")
    @app_commands.describe(topic="Optional topic, e.g. chips, investment, jobs")
    async def fact(self, interaction: discord.Interaction, topic: Optional[app_commands.Range[str, 1, TOPIC_MAX]] = None) -> None:
        """A sourced fact, random or about a topic"""
        bot = self.bot
        lang = interaction_lang(interaction.locale, bot.settings.language)
        try:
            text = clean_user_text(topic, max_chars=TOPIC_MAX) if topic and topic.strip() else None
        except InputError as exc:
            await reply_ephemeral(interaction, input_error_text(lang, exc))
            return
        await interaction.response.defer(thinking=True)
        result = await bot.run_core(bot.service.fact, text, lang=lang)
        if result is None:
            await replace_thinking(interaction, t(lang, "fact_none"))
            return
        await send_followups(interaction, render_fact(result))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(FactsCog(bot))
