"""/debate: a debate map (question, sides, summaries) with a persistent menu to read one side's
arguments and their verbatim quotes."""

from __future__ import annotations

import logging
from typing import Any, Sequence

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.models import Debate, Lang
from bot.discord_app.answers import debate_question, suggest
from bot.discord_app.limits import CHOICE_VALUE_MAX, CHOICES_MAX, choice_text
from bot.discord_app.recall import make_ref
from bot.discord_app.rendering import render_debate_map, user_text
from bot.discord_app.replies import replace_thinking, send_followups
from bot.discord_app.requests import open_request
from bot.discord_app.strings import interaction_lang, t
from bot.discord_app.views import debate_view

log = logging.getLogger(__name__)


def debate_choices(debates: Sequence[Debate], lang: Lang) -> list[app_commands.Choice[str]]:
    """Autocomplete: name = the question, value = the debate id."""
    return [
        app_commands.Choice(name=choice_text(debate_question(d, lang)), value=d.id)
        for d in debates
        if 0 < len(d.id) <= CHOICE_VALUE_MAX
    ][:CHOICES_MAX]


def find_debate(service: Any, topic: str) -> Debate | None:
    """A debate by id, else the best suggestion for the words typed (blocking: run in a thread)."""
    found = service.debate(topic)
    if found is not None:
        return found
    matches = service.suggest_debates(topic, limit=1)
    return matches[0] if matches else None


class DebateCog(commands.Cog, name="Debate"):
    def __init__(self, bot: Any):
        self.bot = bot

    @app_commands.command(name="debate")
    @app_commands.describe(topic="The debate topic (pick from the list or type words)")
    async def debate(self, interaction: discord.Interaction, topic: app_commands.Range[str, 1, 300]) -> None:
        """Show a debate map: the sides and their sourced arguments"""
        bot = self.bot
        opened = await open_request(bot, interaction, topic, max_chars=300)
        if opened is None:
            return
        text, lang = opened
        found = await bot.run_core(find_debate, bot.service, text)
        if found is None:
            await replace_thinking(interaction, t(lang, "debate_not_found", topic=user_text(text, 200)))
            return
        ref = await make_ref(bot, found.id)
        await send_followups(interaction, [[render_debate_map(found, lang)]], view=debate_view(ref, found, lang))

    @debate.autocomplete("topic")
    async def debate_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        lang = interaction_lang(interaction.locale, self.bot.settings.language)
        return debate_choices(await suggest(self.bot, current), lang)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(DebateCog(bot))
