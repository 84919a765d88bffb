"""/sources: the articles of the knowledge base; /source: one article's metadata and passages,
browsed with persistent Previous/Next buttons."""

from __future__ import annotations

import asyncio
from typing import Any, Sequence

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.models import Article
from bot.discord_app.limits import CHOICE_VALUE_MAX, CHOICES_MAX, choice_text, single_line
from bot.discord_app.recall import make_ref
from bot.discord_app.rendering import group_messages, render_article_list, user_text
from bot.discord_app.replies import NO_MENTIONS, log_failure, replace_thinking, send_followups
from bot.discord_app.requests import open_request
from bot.discord_app.strings import interaction_lang, t
from bot.discord_app.views import article_pages, article_view

AUTOCOMPLETE_TIMEOUT_S = 2.0


def _fold(text: str) -> str:
    return single_line(text).casefold()


def match_articles(articles: Sequence[Article], text: str) -> list[Article]:
    """Articles whose id or title contains every word typed (all of them for empty text)."""
    words = _fold(text).split()
    return [a for a in articles if all(w in _fold(f"{a.id} {a.title}") for w in words)]


def find_article(articles: Sequence[Article], text: str) -> Article | None:
    """Exact id, exact title, else the only article matching the words typed."""
    folded = _fold(text)
    for a in articles:
        if a.id == text.strip() or _fold(a.title) == folded:
            return a
    matches = match_articles(articles, text)
    return matches[0] if len(matches) == 1 else None


def article_choices(articles: Sequence[Article], current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete: name = title (id), value = article id."""
    return [
        app_commands.Choice(name=choice_text(f"{a.title} ({a.id})"), value=a.id)
        for a in match_articles(articles, current)
        if 0 < len(a.id) <= CHOICE_VALUE_MAX
    ][:CHOICES_MAX]


class SourcesCog(commands.Cog, name="Sources"):
    def __init__(self, bot: Any):
        self.bot = bot

    @app_commands.command(name="sources")
    async def sources(self, interaction: discord.Interaction) -> None:
        """List the articles in the knowledge base"""
        bot = self.bot
        lang = interaction_lang(interaction.locale, bot.settings.language)
        await interaction.response.defer(thinking=True)
        articles = await bot.run_core(bot.service.articles)
        await send_followups(interaction, group_messages(render_article_list(articles, lang)))

    @app_commands.command(name="source")
    @app_commands.describe(article="The article (pick one from the list)")
    async def source(self, interaction: discord.Interaction, article: app_commands.Range[str, 1, 200]) -> None:
        """Read an article's metadata and passages"""
        bot = self.bot
        opened = await open_request(bot, interaction, article, max_chars=200)
        if opened is None:
            return
        text, lang = opened
        found = find_article(await bot.run_core(bot.service.articles), text)
        pages = await article_pages(bot, found.id, lang) if found else None
        if not pages:
            await replace_thinking(interaction, t(lang, "article_not_found", article=user_text(text, 200)))
            return
        ref = await make_ref(bot, found.id)
        await interaction.followup.send(embed=pages[0], view=article_view(ref, 0, len(pages), lang), allowed_mentions=NO_MENTIONS)

    @source.autocomplete("article")
    async def source_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        try:
            articles = await asyncio.wait_for(asyncio.to_thread(self.bot.service.articles), AUTOCOMPLETE_TIMEOUT_S)
        except Exception as exc:  # noqa: BLE001 - no suggestions rather than an error
            log_failure("article suggestions", exc)
            return []
        return article_choices(articles, current)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(SourcesCog(bot))
