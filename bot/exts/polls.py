"""/poll: native Discord polls on debates, for moderators.

Subcommands: create, debate, results, end. The workflow (checks, publishing, recording, counts) is in
`bot/discord_app/poll_workflow.py` and `poll_counts.py`; polls are recorded through the `Contrepoint`
facade. Final counts are captured when Discord posts its poll-result message, and again at start-up
for polls that ended while the bot was offline.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Optional

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.messages import t
from bot.core.polls import (
    MAX_HOURS,
    MAX_QUESTION,
    MIN_HOURS,
    PollError,
    PollRecord,
    PollStoreError,
    build_poll_spec,
    compare_shift,
    format_results,
    results_chart_png,
    shift_chart_png,
)
from bot.discord_app.poll_counts import capture_counts, capture_final, catch_up_expired, fetch_poll_message, previous_with_counts
from bot.discord_app.poll_render import choice_label, community_lang, message_link, results_embeds, user_lang
from bot.discord_app.poll_workflow import (
    Refusal,
    check_moderator,
    db,
    defer,
    now,
    poll_store,
    publish_poll,
    reply,
    start_debate_poll,
    store_unavailable,
)

log = logging.getLogger(__name__)
CATCH_UP_INTERVAL_S = 300.0  # open polls whose end has passed get their final counts this often

AUTOCOMPLETE_LIMIT = 25


async def _chart(bot: Any, fn, *args: Any, **kwargs: Any) -> bytes | None:
    try:
        return await bot.run_core(fn, *args, **kwargs)
    except Exception:  # a chart is a bonus: the text results still go out
        log.exception("poll chart rendering failed")
        return None


# -- the cog ---------------------------------------------------------------------------------

class PollsCog(commands.Cog, name="Polls"):
    poll = app_commands.Group(
        name="poll",
        description="Native Discord polls on debates (moderators)",
        guild_only=True,
        default_permissions=discord.Permissions(manage_messages=True),
    )

    def __init__(self, bot: Any):
        self.bot = bot
        self._catch_up_task: asyncio.Task | None = None

    async def cog_load(self) -> None:
        self._catch_up_task = asyncio.create_task(self._catch_up_when_ready(), name="polls-catch-up")

    async def cog_unload(self) -> None:
        if self._catch_up_task is not None:
            self._catch_up_task.cancel()

    # /poll create
    @poll.command(name="create", description="Publish a native poll in this channel")
    @app_commands.describe(
        question="The poll question (at most 300 characters)",
        answers="2 to 10 answers separated by ';' (55 characters each at most)",
        duration="Duration in hours, 1 to 768 (32 days)",
        multiple="Allow several answers per person",
    )
    async def poll_create(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, MAX_QUESTION],
        answers: str,
        duration: Optional[app_commands.Range[int, MIN_HOURS, MAX_HOURS]] = None,
        multiple: bool = False,
    ) -> None:
        if not await check_moderator(self.bot, interaction):
            return
        lang = user_lang(interaction, self.bot.settings)
        hours = duration if duration is not None else self.bot.settings.polls.default_duration_hours
        try:
            spec = build_poll_spec(question, answers, hours, multiple, lang=lang)
        except PollError as err:
            await reply(interaction, str(err))
            return
        await publish_poll(self.bot, interaction, spec)

    # /poll debate
    @poll.command(name="debate", description="Publish a poll whose answers are the sides of a debate")
    @app_commands.describe(topic="The debate (pick one from the list)", duration="Duration in hours, 1 to 768 (32 days)")
    async def poll_debate(
        self,
        interaction: discord.Interaction,
        topic: str,
        duration: Optional[app_commands.Range[int, MIN_HOURS, MAX_HOURS]] = None,
    ) -> None:
        await start_debate_poll(self.bot, interaction, topic, duration)

    @poll_debate.autocomplete("topic")
    async def topic_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        service = self.bot.service
        try:
            # In memory and never blocking: autocomplete must answer within 3 s, even during long answers.
            debates = service.suggest_debates(current[:200], AUTOCOMPLETE_LIMIT)
        except Exception:
            log.exception("debate autocomplete failed")
            return []
        lang = user_lang(interaction, self.bot.settings)
        return [
            app_commands.Choice(name=choice_label((d.question_en or d.question) if lang == "en" else d.question), value=d.id[:100])
            for d in debates[:AUTOCOMPLETE_LIMIT]
        ]

    # /poll results
    @poll.command(name="results", description="Show a poll's results and the opinion shift since the previous poll")
    @app_commands.describe(message="Link or ID of the poll message",
                           public="Post in the channel (default: only once the poll has ended)")
    async def poll_results(self, interaction: discord.Interaction, message: str, public: Optional[bool] = None) -> None:
        bot = self.bot
        if not await check_moderator(bot, interaction):
            return
        lang = user_lang(interaction, bot.settings)
        out_lang = community_lang(bot.settings)
        try:
            poll_message = await fetch_poll_message(bot, interaction, message, lang)
            show_public = poll_message.poll.is_finalized() if public is None else public  # type: ignore[union-attr]
            await defer(interaction, ephemeral=not show_public)
            rec = await capture_counts(bot, poll_message)
            if rec is None or rec.counts is None:
                raise Refusal(t(lang, "poll.answers_differ"))
            text = format_results(rec, rec.counts, lang=out_lang)
            png = await _chart(bot, results_chart_png, rec.question, rec.answers, rec.counts, lang=out_lang)
            shift_text = shift_png = None
            prev = await previous_with_counts(bot, rec)
            if prev is not None and prev.counts is not None:
                try:
                    rows, shift_text = compare_shift(prev, rec, lang=out_lang)
                    shift_png = await _chart(bot, shift_chart_png, rec.question, rows, lang=out_lang)
                except PollError as err:
                    shift_text = str(err)
        except Refusal as refusal:
            await reply(interaction, str(refusal))
            return
        except PollStoreError as exc:
            log.error("poll results: store error: %s", exc)
            await reply(interaction, store_unavailable(lang))
            return
        link = message_link(rec.guild_id, rec.channel_id, rec.message_id)
        embeds, files = results_embeds(text, png, link=link, shift_text=shift_text, shift_png=shift_png, lang=out_lang)
        await reply(interaction, None, ephemeral=not show_public, embeds=embeds, files=files)

    # /poll end
    @poll.command(name="end", description="End a poll now")
    @app_commands.describe(message="Link or ID of the poll message")
    async def poll_end(self, interaction: discord.Interaction, message: str) -> None:
        bot = self.bot
        if not await check_moderator(bot, interaction):
            return
        lang = user_lang(interaction, bot.settings)
        try:
            store = await poll_store(bot)
            poll_message = await fetch_poll_message(bot, interaction, message, lang)
            poll = poll_message.poll
            assert poll is not None
            link = message_link(poll_message.guild.id if poll_message.guild else None, poll_message.channel.id, poll_message.id)
            expires = poll.expires_at
            if poll.is_finalized() or (expires is not None and expires <= now()):
                await capture_counts(bot, poll_message)
                await db(bot, store.mark_ended, poll_message.id)
                raise Refusal(t(lang, "poll.already_ended", l=link))
            me = bot.user
            if me is None or poll_message.author.id != me.id:
                raise Refusal(t(lang, "poll.not_ours"))
            await defer(interaction)
            try:
                ended = await poll_message.end_poll()
            except discord.HTTPException as exc:
                log.warning("end_poll failed for %s: %s %s", poll_message.id, exc.status, exc.text)
                raise Refusal(t(lang, "poll.end_failed", s=exc.status)) from None
            await capture_counts(bot, ended if ended.poll is not None else poll_message)
            await db(bot, store.mark_ended, poll_message.id)
        except Refusal as refusal:
            await reply(interaction, str(refusal))
            return
        except PollStoreError as exc:
            log.error("poll end: store error: %s", exc)
            await reply(interaction, store_unavailable(lang))
            return
        log.info("poll %s ended by %s", poll_message.id, interaction.user.id)
        await reply(interaction, t(lang, "poll.ended", l=link))

    # Discord posts a poll_result message (type 46) referencing the poll when it ends.
    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.type is not discord.MessageType.poll_result:
            return
        ref = message.reference
        if ref is None or ref.message_id is None:
            return
        try:
            await self.capture_final(ref.message_id, ref.channel_id or message.channel.id, fallback_channel=message.channel)
        except Exception:  # a listener must never crash the bot
            log.exception("could not capture the final counts of poll %s", ref.message_id)

    async def capture_final(self, message_id: int, channel_id: int, *, fallback_channel: Any = None) -> PollRecord | None:
        return await capture_final(self.bot, message_id, channel_id, fallback_channel=fallback_channel)

    async def catch_up_expired(self) -> int:
        return await catch_up_expired(self.bot)

    async def _catch_up_when_ready(self, interval_s: float = CATCH_UP_INTERVAL_S) -> None:
        """At start-up, then every `interval_s`: the open polls of the database (kept across restarts) whose
        end has passed get their final counts, even when Discord's poll-result message was missed."""
        await self.bot.wait_until_ready()
        while True:
            try:
                n = await self.catch_up_expired()
                if n:
                    log.info("captured the results of %d poll(s) that had ended", n)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("poll catch-up failed")
            await asyncio.sleep(interval_s)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(PollsCog(bot))
