"""Persistent components (discord.ui.DynamicItem): they survive restarts because their custom_id
carries what is needed to rebuild the content (a short answer-cache key or an id).

custom_ids (<= 100 characters):
  cp:src:<key>   Sources of an answer / counter result (ephemeral, verbatim quotes)
  cp:more:<key>  Other viewpoints of an answer (ephemeral)
  cp:poll:<key>  Poll on the answer's debate (moderators)
  cp:side:<ref>  Select menu of a debate map (ephemeral side details)
  cp:art:<p|n>:<page>:<ref>  Article pages (edits the message)
"""

from __future__ import annotations

import logging
import re
from typing import Any, Awaitable, Callable

import discord
from discord import ui

from bot.core.models import Answer, Debate
from bot.discord_app import rendering
from bot.discord_app.answer_cache import KEY_PATTERN
from bot.discord_app.discord_errors import log_discord_error
from bot.discord_app.discord_errors import user_text as discord_user_text
from bot.discord_app.limits import BUTTON_LABEL_MAX, SELECT_DESCRIPTION_MAX, SELECT_LABEL_MAX, SELECT_OPTIONS_MAX, single_line, truncate
from bot.discord_app.recall import REF_PATTERN, lookup, recall, resolve_ref
from bot.discord_app.replies import NO_MENTIONS, log_failure, safe_reply_ephemeral, send_followups
from bot.discord_app.strings import interaction_lang, t

log = logging.getLogger(__name__)


def _lang(interaction: discord.Interaction) -> str:
    settings = getattr(interaction.client, "settings", None)
    return interaction_lang(interaction.locale, getattr(settings, "language", "fr"))


async def guarded(interaction: discord.Interaction, where: str, fn: Callable[[], Awaitable[None]]) -> None:
    """Run a component callback; on an unexpected error, log it and tell the user politely."""
    try:
        await fn()
    except discord.HTTPException as exc:  # Discord refused: one log line, a clear message when still possible
        log_discord_error(where, exc)
        text = discord_user_text(exc, _lang(interaction))
        if text is not None:
            await safe_reply_ephemeral(interaction, text)
    except Exception as exc:  # noqa: BLE001 - the user always gets an answer
        log_failure(where, exc)
        await safe_reply_ephemeral(interaction, t(_lang(interaction), "error_generic"))


async def article_titles(bot: Any) -> dict[str, str]:
    try:
        return {a.id: a.title for a in await bot.run_core(bot.service.articles)}
    except Exception as exc:  # noqa: BLE001 - titles are decoration; ids still identify sources
        log_failure("article titles", exc)
        return {}


def _button(label: str, custom_id: str, *, style=discord.ButtonStyle.secondary, emoji: str | None = None, disabled: bool = False) -> ui.Button:
    return ui.Button(label=truncate(label, BUTTON_LABEL_MAX), custom_id=custom_id, style=style, emoji=emoji, disabled=disabled)


# -- answer buttons ------------------------------------------------------------------------
class SourcesButton(ui.DynamicItem[ui.Button], template=rf"cp:src:(?P<key>{KEY_PATTERN})"):
    def __init__(self, key: str, lang: str = "fr", *, item: ui.Button | None = None):
        super().__init__(item or _button(t(lang, "btn_sources"), f"cp:src:{key}", emoji="📚"))
        self.key = key

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Item, match: re.Match[str], /):
        return cls(match["key"], item=item if isinstance(item, ui.Button) else None)

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "sources button", lambda: show_sources(interaction, self.key))


async def show_sources(interaction: discord.Interaction, key: str) -> None:
    bot = interaction.client
    await interaction.response.defer(ephemeral=True, thinking=True)
    result = await recall(bot, key)
    if result is None:
        await send_followups(interaction, [], content=t(_lang(interaction), "answer_expired"), ephemeral=True)
        return
    await send_followups(interaction, rendering.render_sources(result.citations, result.lang), ephemeral=True)


class MoreButton(ui.DynamicItem[ui.Button], template=rf"cp:more:(?P<key>{KEY_PATTERN})"):
    def __init__(self, key: str, lang: str = "fr", *, item: ui.Button | None = None):
        super().__init__(item or _button(t(lang, "btn_more"), f"cp:more:{key}", emoji="⚖️"))
        self.key = key

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Item, match: re.Match[str], /):
        return cls(match["key"], item=item if isinstance(item, ui.Button) else None)

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "other viewpoints button", lambda: show_more(interaction, self.key))


async def show_more(interaction: discord.Interaction, key: str) -> None:
    bot = interaction.client
    await interaction.response.defer(ephemeral=True, thinking=True)
    answer = await recall(bot, key)
    if not isinstance(answer, Answer):
        await send_followups(interaction, [], content=t(_lang(interaction), "answer_expired"), ephemeral=True)
        return
    rendered = rendering.render_answer(answer)
    debate: Debate | None = None
    titles: dict[str, str] = {}
    if not rendered.paged and answer.debate_id:
        debate = await bot.run_core(bot.service.debate, answer.debate_id)
        titles = await article_titles(bot)
    intro, messages = rendering.render_more(answer, rendered, debate, titles)
    await send_followups(interaction, messages, content=intro, ephemeral=True)


class PollButton(ui.DynamicItem[ui.Button], template=rf"cp:poll:(?P<key>{KEY_PATTERN})"):
    def __init__(self, key: str, lang: str = "fr", *, item: ui.Button | None = None):
        super().__init__(item or _button(t(lang, "btn_poll"), f"cp:poll:{key}", emoji="📊"))
        self.key = key

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Item, match: re.Match[str], /):
        return cls(match["key"], item=item if isinstance(item, ui.Button) else None)

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "poll button", lambda: start_poll(interaction, self.key))


def _is_moderator(interaction: discord.Interaction) -> bool:
    from bot.discord_app.permissions import is_moderator

    return is_moderator(interaction.user, interaction.client.settings)


async def start_poll(interaction: discord.Interaction, key: str) -> None:
    """Moderators only: start a poll on the answer's debate (the poll workflow checks again, server-side)."""
    bot = interaction.client
    lang = _lang(interaction)
    if not _is_moderator(interaction):
        await safe_reply_ephemeral(interaction, t(lang, "moderators_only"))
        return
    debate_id = None
    cached = bot.answers.get(key)
    if isinstance(cached, Answer):
        debate_id = cached.debate_id
    else:
        entry = await lookup(bot, key)
        if entry is None:
            await safe_reply_ephemeral(interaction, t(lang, "answer_expired"))
            return
        debate_id = entry[1].get("debate_id")
    if not debate_id:
        await safe_reply_ephemeral(interaction, t(lang, "poll_no_debate"))
        return
    from bot.discord_app import poll_workflow

    await poll_workflow.start_debate_poll(bot, interaction, debate_id, bot.settings.polls.default_duration_hours)


def answer_view(key: str, lang: str, *, more: bool = True, poll: bool = True) -> ui.View:
    view = ui.View(timeout=None)
    view.add_item(SourcesButton(key, lang))
    if more:
        view.add_item(MoreButton(key, lang))
    if poll:
        view.add_item(PollButton(key, lang))
    return view


# -- debate map ----------------------------------------------------------------------------
def side_options(debate: Debate, lang: str) -> list[discord.SelectOption]:
    options = []
    for i, side in enumerate(debate.sides[:SELECT_OPTIONS_MAX]):
        label = side.label_en if lang == "en" and side.label_en else side.label
        summary = side.summary_en if lang == "en" and side.summary_en else side.summary
        value = side.id if 0 < len(side.id) <= 100 else f"#{i}"
        options.append(
            discord.SelectOption(
                label=truncate(single_line(label), SELECT_LABEL_MAX) or f"#{i + 1}",
                value=value,
                description=truncate(single_line(summary), SELECT_DESCRIPTION_MAX) or None,
            )
        )
    return options


class SideSelect(ui.DynamicItem[ui.Select], template=rf"cp:side:(?P<ref>{REF_PATTERN})"):
    def __init__(self, ref: str, *, options: list[discord.SelectOption] | None = None, lang: str = "fr", item: ui.Select | None = None):
        super().__init__(
            item
            or ui.Select(
                custom_id=f"cp:side:{ref}",
                placeholder=t(lang, "side_placeholder"),
                options=options or [discord.SelectOption(label="—", value="-")],
                min_values=1,
                max_values=1,
            )
        )
        self.ref = ref

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Item, match: re.Match[str], /):
        return cls(match["ref"], item=item if isinstance(item, ui.Select) else None)

    async def callback(self, interaction: discord.Interaction) -> None:
        values = list(getattr(self.item, "values", []) or [])
        await guarded(interaction, "debate side menu", lambda: show_side(interaction, self.ref, values[0] if values else ""))


async def show_side(interaction: discord.Interaction, ref: str, side_value: str) -> None:
    bot = interaction.client
    lang = _lang(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    debate_id = await resolve_ref(bot, ref)
    debate = await bot.run_core(bot.service.debate, debate_id) if debate_id else None
    side = None
    if debate is not None:
        side = next((s for s in debate.sides if s.id == side_value), None)
        if side is None and side_value.startswith("#") and side_value[1:].isdigit():
            idx = int(side_value[1:])
            side = debate.sides[idx] if idx < len(debate.sides) else None
    if debate is None or side is None:
        await send_followups(interaction, [], content=t(lang, "side_not_found"), ephemeral=True)
        return
    titles = await article_titles(bot)
    await send_followups(interaction, rendering.render_side(debate, side, lang, titles), ephemeral=True)


def debate_view(ref: str, debate: Debate, lang: str) -> ui.View:
    view = ui.View(timeout=None)
    if debate.sides:
        view.add_item(SideSelect(ref, options=side_options(debate, lang), lang=lang))
    return view


# -- article pages -------------------------------------------------------------------------
class ArticlePageButton(ui.DynamicItem[ui.Button], template=rf"cp:art:(?P<dir>[pn]):(?P<page>\d{{1,4}}):(?P<ref>{REF_PATTERN})"):
    def __init__(self, direction: str, page: int, ref: str, lang: str = "fr", *, disabled: bool = False, item: ui.Button | None = None):
        label = t(lang, "btn_prev" if direction == "p" else "btn_next")
        super().__init__(item or _button(label, f"cp:art:{direction}:{page}:{ref}", disabled=disabled))
        self.page = page
        self.ref = ref

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Item, match: re.Match[str], /):
        return cls(match["dir"], int(match["page"]), match["ref"], item=item if isinstance(item, ui.Button) else None)

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "article page button", lambda: turn_page(interaction, self.ref, self.page))


async def article_pages(bot: Any, article_id: str, lang: str) -> list[discord.Embed] | None:
    article = await bot.run_core(bot.service.article, article_id)
    if article is None:
        return None
    chunks = await bot.run_core(bot.service.article_chunks, article_id)
    return rendering.render_article_pages(article, chunks, lang)


async def turn_page(interaction: discord.Interaction, ref: str, page: int) -> None:
    bot = interaction.client
    lang = _lang(interaction)
    await interaction.response.defer()
    article_id = await resolve_ref(bot, ref)
    pages = await article_pages(bot, article_id, lang) if article_id else None
    if not pages:
        await safe_reply_ephemeral(interaction, t(lang, "article_not_found", article=article_id or ref))
        return
    page = max(0, min(page, len(pages) - 1))
    await interaction.edit_original_response(embed=pages[page], view=article_view(ref, page, len(pages), lang), allowed_mentions=NO_MENTIONS)


def article_view(ref: str, page: int, total: int, lang: str) -> ui.View:
    view = ui.View(timeout=None)
    view.add_item(ArticlePageButton("p", max(page - 1, 0), ref, lang, disabled=page <= 0))
    view.add_item(ArticlePageButton("n", min(page + 1, max(total - 1, 0)), ref, lang, disabled=page >= total - 1))
    return view


DYNAMIC_ITEMS = (SourcesButton, MoreButton, PollButton, SideSelect, ArticlePageButton)
