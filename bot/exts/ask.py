"""/ask: a debate question -> sourced answers from several sides, with persistent buttons
(Sources, Other viewpoints, Poll)."""

from __future__ import annotations

import logging
from typing import Any, Sequence

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.models import Debate, Lang
from bot.discord_app.answers import debate_question, prepare_answer, suggest
from bot.discord_app.limits import CHOICE_VALUE_MAX, CHOICES_MAX, choice_text, dlen
from bot.discord_app.replies import send_followups
from bot.discord_app.requests import open_request
from bot.discord_app.strings import interaction_lang

log = logging.getLogger(__name__)

DEBATE_VALUE_PREFIX = "debate:"  # autocomplete value for a debate whose question exceeds 100 characters


def ask_choices(debates: Sequence[Debate], lang: Lang) -> list[app_commands.Choice[str]]:
    """Autocomplete choices: the debate questions (<= 25, names and values <= 100 characters)."""
    choices = []
    for d in debates:
        question = debate_question(d, lang)
        value = question if dlen(question) <= CHOICE_VALUE_MAX else f"{DEBATE_VALUE_PREFIX}{d.id}"
        if dlen(value) > CHOICE_VALUE_MAX:
            continue
        choices.append(app_commands.Choice(name=choice_text(question), value=value))
        if len(choices) >= CHOICES_MAX:
            break
    return choices


class AskCog(commands.Cog, name="Ask"):
    def __init__(self, bot: Any):
        self.bot = bot

    @app_commands.command(name="ask")
    @app_commands.describe(question="Your question about AI and the economy")
    async def ask(self, interaction: discord.Interaction, question: app_commands.Range[str, 1, 1000]) -> None:
        """Ask a debate question: sourced answers from several sides"""
        bot = self.bot
        opened = await open_request(bot, interaction, question, cooldown=True)
        if opened is None:
            return
        text, lang = opened
        if text.startswith(DEBATE_VALUE_PREFIX):
            debate = await bot.run_core(bot.service.debate, text[len(DEBATE_VALUE_PREFIX):])
            if debate is not None:
                text = debate_question(debate, lang)
        answer = await bot.run_core(bot.service.ask, text, lang=lang)
        messages, view = await prepare_answer(bot, answer, text)
        await send_followups(interaction, messages, view=view)

    @ask.autocomplete("question")
    async def ask_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        lang = interaction_lang(interaction.locale, self.bot.settings.language)
        return ask_choices(await suggest(self.bot, current), lang)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(AskCog(bot))
