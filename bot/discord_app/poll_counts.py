"""Reading polls back: find a poll message from a link, adopt polls posted by others, store their
counts (final once Discord finalizes them), and catch up on polls that ended while the bot was offline.

Poll records go through the `Contrepoint` facade (`service.poll_store`)."""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.core.messages import t
from bot.core.models import Lang
from bot.core.polls import PollRecord, PollStoreError
from bot.discord_app.poll_render import MessageRef, parse_message_ref, poll_answers, poll_counts
from bot.discord_app.poll_workflow import Refusal, db, now, poll_store

log = logging.getLogger(__name__)


async def _resolve_channel(interaction: discord.Interaction, channel_id: int, lang: Lang):
    channel = interaction.channel
    if channel is not None and getattr(channel, "id", None) == channel_id:
        return channel
    guild = interaction.guild
    found = guild.get_channel_or_thread(channel_id) if guild else None
    if found is None and guild is not None:
        try:
            found = await guild.fetch_channel(channel_id)
        except discord.HTTPException:
            found = None
    if found is None or getattr(found, "guild", guild) != guild:
        raise Refusal(t(lang, "poll.channel_not_found"))
    # Never reveal a channel the moderator cannot read.
    if isinstance(interaction.user, discord.Member) and hasattr(found, "permissions_for"):
        perms = found.permissions_for(interaction.user)
        if not (perms.view_channel and perms.read_message_history):
            raise Refusal(t(lang, "poll.no_channel_access"))
    return found


async def fetch_poll_message(bot: Any, interaction: discord.Interaction, raw: str, lang: Lang) -> discord.Message:
    """The poll message a moderator pasted (link or id); Refusal, with what to fix, otherwise."""
    ref: MessageRef | None = parse_message_ref(raw)
    if ref is None:
        raise Refusal(t(lang, "poll.not_a_message_ref", r=(raw or "").strip()[:80]))
    if ref.guild_id is not None and interaction.guild is not None and ref.guild_id != interaction.guild.id:
        raise Refusal(t(lang, "poll.other_server"))
    channel_id = ref.channel_id
    if channel_id is None:
        store = await poll_store(bot)
        rec = await db(bot, store.get, ref.message_id)
        channel_id = rec.channel_id if rec is not None else interaction.channel_id
    channel = await _resolve_channel(interaction, int(channel_id), lang)  # type: ignore[arg-type]
    try:
        message = await channel.fetch_message(ref.message_id)
    except discord.NotFound:
        raise Refusal(t(lang, "poll.message_not_found", c=channel.id)) from None
    except discord.Forbidden:
        raise Refusal(t(lang, "poll.cannot_read_channel", c=channel.id)) from None
    if message.poll is None:
        raise Refusal(t(lang, "poll.no_poll_in_message"))
    return message


async def _record_for(bot: Any, message: discord.Message) -> PollRecord:
    """The stored record of a poll message; polls posted by others are adopted so their counts are kept."""
    store = await poll_store(bot)
    rec = await db(bot, store.get, message.id)
    if rec is not None:
        return rec
    poll = message.poll
    assert poll is not None
    created = message.created_at
    rec = PollRecord(
        message_id=message.id,
        channel_id=message.channel.id,
        guild_id=message.guild.id if message.guild else None,
        debate_id=None,
        question=poll.question,
        answers=poll_answers(poll),
        multiple=poll.multiple,
        created_by=message.author.id,
        created_at=created,
        ends_at=poll.expires_at or (created + poll.duration),
    )
    await db(bot, store.add, rec)
    return rec


async def capture_counts(bot: Any, message: discord.Message) -> PollRecord | None:
    """Store the poll's current counts (final when Discord finalized it); mark it ended then.
    Returns the refreshed record, or None when the message's answers do not match the record."""
    poll = message.poll
    if poll is None:
        return None
    store = await poll_store(bot)
    rec = await _record_for(bot, message)
    counts = poll_counts(poll)
    final = poll.is_finalized()
    if len(counts) != len(rec.answers):
        log.warning("poll %s: %d answers on Discord, %d recorded; counts not stored", message.id, len(counts), len(rec.answers))
        return None
    await db(bot, store.set_counts, message.id, counts, final=final)
    if final:
        await db(bot, store.mark_ended, message.id)
    return await db(bot, store.get, message.id)


async def previous_with_counts(bot: Any, rec: PollRecord) -> PollRecord | None:
    """The previous poll on the same debate in the same channel, with counts (fetched when missing)."""
    if not rec.debate_id:
        return None
    store = await poll_store(bot)
    prev = await db(bot, store.previous_for_debate, rec.channel_id, rec.debate_id, rec.message_id)
    if prev is None or prev.counts is not None:
        return prev
    channel = bot.get_channel(prev.channel_id)
    if channel is None:
        return None
    try:
        message = await channel.fetch_message(prev.message_id)
    except discord.HTTPException:
        return None
    return await capture_counts(bot, message)


async def capture_final(bot: Any, message_id: int, channel_id: int, *, fallback_channel: Any = None) -> PollRecord | None:
    """Fetch a recorded poll message and store its counts; unknown polls are ignored."""
    try:
        store = await poll_store(bot)
    except PollStoreError as exc:
        log.warning("poll %s: final counts not captured, the poll store is unavailable: %s", message_id, exc)
        return None
    rec = await db(bot, store.get, message_id)
    if rec is None:
        return None
    channel = bot.get_channel(channel_id)
    if channel is None and fallback_channel is not None and getattr(fallback_channel, "id", None) == channel_id:
        channel = fallback_channel
    if channel is None:
        log.warning("poll %s: channel %s is gone; marked ended without final counts", message_id, channel_id)
        await db(bot, store.mark_ended, message_id)
        return await db(bot, store.get, message_id)
    try:
        poll_message = await channel.fetch_message(message_id)
    except (discord.NotFound, discord.Forbidden) as exc:
        reason = "was deleted" if isinstance(exc, discord.NotFound) else "cannot be read (View Channel / Read Message History missing)"
        log.warning("poll %s %s; marked ended without final counts", message_id, reason)
        await db(bot, store.mark_ended, message_id)
        return await db(bot, store.get, message_id)
    updated = await capture_counts(bot, poll_message)
    await db(bot, store.mark_ended, message_id)
    if updated is not None:
        log.info("poll %s ended: counts %s (final=%s)", message_id, updated.counts, updated.counts_final)
    return await db(bot, store.get, message_id)


async def catch_up_expired(bot: Any) -> int:
    """Capture counts of recorded polls whose end passed while the bot was offline. Returns how many."""
    try:
        store = await poll_store(bot)
    except PollStoreError as exc:
        log.warning("poll catch-up skipped, the poll store is unavailable: %s", exc)
        return 0
    done = 0
    for rec in await db(bot, store.list_open):
        if rec.ends_at > now():
            break  # list_open is sorted by end time
        try:
            await capture_final(bot, rec.message_id, rec.channel_id)
            done += 1
        except discord.HTTPException as exc:
            log.warning("catch-up of poll %s failed: %s", rec.message_id, exc)
    return done
