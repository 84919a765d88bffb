"""`@Contrepoint <question>`: opens a public thread on the message and answers there; later
messages in that thread are answered with the thread's earlier questions as context.

Thread questions are kept in memory and in the SQLite answer cache (they survive restarts).
Same cooldown and concurrency limits as /ask.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import discord
from discord.ext import commands

from bot.discord_app.answers import prepare_answer
from bot.discord_app.client import channel_allowed
from bot.discord_app.discord_errors import kind_of, log_discord_error
from bot.discord_app.discord_errors import user_text as discord_user_text
from bot.discord_app.limits import thread_name
from bot.discord_app.recall import LRU
from bot.discord_app.replies import NO_MENTIONS, log_failure, send_to_channel
from bot.discord_app.requests import Refused, screen
from bot.discord_app.strings import t

log = logging.getLogger(__name__)


def mention_pattern(user_id: int) -> re.Pattern[str]:
    return re.compile(rf"<@!?{user_id}>")


def mentions_user(content: str, user_id: int) -> bool:
    """True when the text mentions the user explicitly (a reply's implicit ping does not count)."""
    return bool(mention_pattern(user_id).search(content or ""))


def strip_mentions_of(content: str, user_id: int) -> str:
    return mention_pattern(user_id).sub(" ", content or "")


class MentionsCog(commands.Cog, name="Mentions"):
    def __init__(self, bot: Any):
        self.bot = bot
        self.threads: LRU = LRU(2048)  # thread id -> questions asked there, oldest first

    # -- thread memory -----------------------------------------------------------------
    async def thread_questions(self, thread: discord.Thread) -> list[str] | None:
        """Earlier questions of a thread the bot opened; None when the thread is not ours."""
        known = self.threads.get(thread.id)
        if known is not None:
            return list(known)
        stored = await asyncio.to_thread(self.bot.answer_cache.thread_questions, thread.id)
        if stored is None:
            me = self.bot.user
            if me is None or thread.owner_id != me.id:
                return None
            stored = []
        self.threads.put(thread.id, list(stored))
        return list(stored)

    async def remember_question(self, thread_id: int, question: str) -> None:
        questions = self.threads.get(thread_id) or []
        questions.append(question)
        self.threads.put(thread_id, questions[-50:])
        await asyncio.to_thread(self.bot.answer_cache.add_thread_question, thread_id, question)

    # -- events ------------------------------------------------------------------------
    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        try:
            await self.handle(message)
        except discord.HTTPException as exc:  # Discord refused (429, permissions, deleted channel): one log line
            log_discord_error("answering a mention", exc)
            text = discord_user_text(exc, self.bot.settings.language)
            if text is not None and kind_of(exc) not in ("forbidden", "gone"):  # else the notice would fail the same way
                try:
                    await message.channel.send(text, allowed_mentions=NO_MENTIONS)
                except discord.HTTPException:
                    pass
        except Exception as exc:  # noqa: BLE001 - the user gets a short notice, the log gets the cause
            log_failure("answering a mention", exc)
            try:
                await message.channel.send(
                    t(self.bot.settings.language, "error_generic"), allowed_mentions=NO_MENTIONS
                )
            except discord.HTTPException:
                pass

    async def handle(self, message: discord.Message) -> None:
        bot = self.bot
        me = bot.user
        if me is None or message.author.bot or message.guild is None:
            return
        channel = message.channel
        parent_id = getattr(channel, "parent_id", None)
        if not channel_allowed(bot.settings, channel.id, parent_id):
            return
        mentioned = mentions_user(message.content, me.id)
        if isinstance(channel, discord.Thread):
            history = await self.thread_questions(channel)
            if history is not None:
                await self.answer(message, channel, history)
                return
        if mentioned:
            await self.answer(message, None, None)

    async def answer(self, message: discord.Message, thread: discord.Thread | None, history: list[str] | None) -> None:
        """Answer in `thread` (a follow-up) or open a new thread on `message`."""
        bot = self.bot
        lang = bot.settings.language
        raw = strip_mentions_of(message.content, bot.user.id)
        try:
            question = screen(bot, message.author.id, raw, lang, cooldown=True)
        except Refused as refused:
            if refused.code == "empty" and thread is not None:
                return  # an attachment or an empty line in the thread: nothing to answer
            text = t(lang, "mention_empty") if refused.code == "empty" else refused.text
            await message.reply(text, mention_author=False, allowed_mentions=NO_MENTIONS,
                                delete_after=15 if refused.code == "cooldown" else None)
            return
        target: discord.abc.Messageable = thread or message.channel
        reference = None
        if thread is None:
            if isinstance(message.channel, discord.Thread):
                reference = message  # inside someone else's thread: answer in place
            else:
                try:
                    target = await message.create_thread(
                        name=thread_name(question),
                        auto_archive_duration=bot.settings.discord.thread_auto_archive_minutes,
                    )
                except discord.HTTPException as exc:
                    log.warning("cannot open a thread in channel %s (%s); answering in place", message.channel.id, exc.status)
                    reference = message
        limit = bot.settings.discord.thread_history
        context = tuple((history or [])[-limit:]) if limit else ()
        try:
            async with target.typing():
                result = await bot.run_core(bot.service.ask, question, lang=None, history=context)
        except Exception as exc:  # noqa: BLE001 - tell the member where they asked, log the cause
            log_failure("answering a mention", exc)
            await send_to_channel(target, [], content=t(lang, "error_generic"), reference=reference)
            return
        if isinstance(target, discord.Thread):
            await self.remember_question(target.id, question)
        messages, view = await prepare_answer(bot, result, question, context)
        await send_to_channel(target, messages, view=view, reference=reference)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(MentionsCog(bot))
