"""/ask: a debate question -> sourced answers from several sides, with persistent buttons
(Sources, Other viewpoints, Poll)."""

from __future__ import annotations

import logging
from typing import Any, Sequence

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.models import Answer, Debate, Lang
from bot.discord_app.limits import CHOICE_VALUE_MAX, CHOICES_MAX, choice_text, dlen
from bot.discord_app.recall import remember
from bot.discord_app.rendering import render_answer
from bot.discord_app.replies import log_failure, send_followups
from bot.discord_app.requests import open_request
from bot.discord_app.strings import interaction_lang
from bot.discord_app.views import answer_view

log = logging.getLogger(__name__)

DEBATE_VALUE_PREFIX = "debate:"  # autocomplete value for a debate whose question exceeds 100 characters
def debate_question(debate: Debate, lang: Lang) -> str:
    return debate.question_en if lang == "en" and debate.question_en else debate.question


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


async def suggest(bot: Any, current: str, limit: int = CHOICES_MAX) -> list[Debate]:
    """Debate suggestions from the core's in-memory index. The core never blocks here (it returns
    nothing while the knowledge base is not loaded yet), so autocomplete answers well within 3 s."""
    try:
        return bot.service.suggest_debates((current or "")[:200], limit)
    except Exception as exc:  # noqa: BLE001 - an autocomplete failure only means no suggestions
        log_failure("debate suggestions", exc)
        return []


async def prepare_answer(bot: Any, answer: Answer, question: str, history: Sequence[str] = ()):
    """(messages, view) for an answer: page 1 is shown; the rest is behind "other viewpoints"."""
    rendered = render_answer(answer)
    view = None
    if answer.kind != "no_answer":
        payload = {"q": question, "lang": answer.lang, "history": list(history), "debate_id": answer.debate_id}
        key = await remember(bot, "ask", payload, answer)
        view = answer_view(key, answer.lang, more=rendered.paged or bool(answer.debate_id))
    return [[rendered.pages[0]]], view


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
