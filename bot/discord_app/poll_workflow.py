"""Publishing native polls: moderator and bot-permission checks, posting and recording a poll, and
starting one from a debate (used by /poll and by the "Sondage" button under answers).

Poll records go through the `Contrepoint` facade (`service.poll_store`); texts are rendered here."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Any

import discord

from bot.core.messages import t
from bot.core.models import Lang
from bot.core.polls import PollError, PollRecord, PollSpec, PollStore, PollStoreError, poll_spec_for_debate
from bot.discord_app.permissions import is_moderator
from bot.discord_app.poll_render import build_poll, community_lang, message_link, user_lang

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()


class Refusal(Exception):
    """A user-facing refusal: the message is shown ephemerally and nothing else happens."""


def now() -> datetime:
    return datetime.now(timezone.utc)


async def reply(interaction: discord.Interaction, content: str | None = None, *, ephemeral: bool = True, **kwargs: Any) -> None:
    """Send (or follow up) with mentions disabled."""
    kwargs["allowed_mentions"] = NO_MENTIONS
    if interaction.response.is_done():
        await interaction.followup.send(content, ephemeral=ephemeral, **kwargs)
    else:
        await interaction.response.send_message(content, ephemeral=ephemeral, **kwargs)


async def defer(interaction: discord.Interaction, *, ephemeral: bool = True) -> None:
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)


async def poll_store(bot: Any) -> PollStore:
    """The facade's poll store, opened in a worker thread on first use; PollStoreError when unavailable."""
    return await bot.run_core(bot.service.poll_store)


async def db(bot: Any, fn, *args: Any, **kwargs: Any) -> Any:
    """Run a PollStore call in a worker thread (SQLite is blocking)."""
    return await bot.run_core(fn, *args, **kwargs)


def store_unavailable(lang: Lang) -> str:
    return t(lang, "poll.store_unavailable")


async def check_moderator(bot: Any, interaction: discord.Interaction) -> bool:
    """Server-side moderator check; replies with a polite ephemeral refusal when it fails."""
    lang = user_lang(interaction, bot.settings)
    if interaction.guild is None:
        await reply(interaction, t(lang, "poll.guild_only"))
        return False
    if is_moderator(interaction.user, bot.settings):
        return True
    log.info("poll command refused to non-moderator %s in guild %s", getattr(interaction.user, "id", "?"), interaction.guild.id)
    if bot.settings.discord.moderator_role_ids:
        refusal = t(lang, "poll.moderators_only_role")
    else:
        refusal = t(lang, "poll.moderators_only_permission")
    await reply(interaction, refusal)
    return False


def _bot_permissions(interaction: discord.Interaction) -> discord.Permissions | None:
    """The bot's permissions in the interaction channel, or None when they cannot be known.

    Discord sends them with every interaction (`app_permissions`); otherwise they are
    computed from the cached channel and the bot's member (`channel.permissions_for(guild.me)`)."""
    perms = getattr(interaction, "app_permissions", None)
    if isinstance(perms, discord.Permissions):
        return perms
    guild, channel = interaction.guild, interaction.channel
    me = guild.me if guild is not None else None
    if isinstance(me, discord.Member) and isinstance(channel, (discord.abc.GuildChannel, discord.Thread)):
        return channel.permissions_for(me)
    return None


def missing_poll_permissions(interaction: discord.Interaction, lang: Lang) -> list[str]:
    """Names (in `lang`) of the permissions the bot lacks to post a poll here."""
    perms = _bot_permissions(interaction)
    if perms is None:
        return []
    in_thread = isinstance(interaction.channel, discord.Thread)
    needed = [
        ("view_channel", t(lang, "poll.view_channel")),
        ("send_messages_in_threads" if in_thread else "send_messages",
         t(lang, "poll.send_messages_in_threads") if in_thread
         else t(lang, "poll.send_messages")),
        ("send_polls", t(lang, "poll.create_polls")),
    ]
    return [label for attr, label in needed if not getattr(perms, attr)]


async def publish_poll(bot: Any, interaction: discord.Interaction, spec: PollSpec) -> discord.Message | None:
    """Post `spec` as a native poll in the interaction channel and record it.
    Replies to the moderator in every case. Assumes the moderator check passed."""
    lang = user_lang(interaction, bot.settings)
    missing = missing_poll_permissions(interaction, lang)
    if missing:
        await reply(interaction, t(lang, "poll.bot_lacks_permissions", p=", ".join(f"« {m} »" if lang == "fr" else f"\"{m}\"" for m in missing)))
        return None
    try:
        store = await poll_store(bot)
    except PollStoreError as exc:
        log.error("poll store unavailable: %s", exc)
        await reply(interaction, store_unavailable(lang))
        return None

    await defer(interaction)
    channel = interaction.channel
    try:
        message = await channel.send(poll=build_poll(spec), allowed_mentions=NO_MENTIONS)  # type: ignore[union-attr]
    except discord.Forbidden:
        await reply(interaction, t(lang, "poll.refused_forbidden"))
        return None
    except discord.HTTPException as exc:
        log.warning("poll send failed in channel %s: %s %s", getattr(channel, "id", "?"), exc.status, exc.text)
        await reply(interaction, t(lang, "poll.refused_error", s=exc.status))
        return None

    created = message.created_at if isinstance(getattr(message, "created_at", None), datetime) else now()
    expires = message.poll.expires_at if getattr(message, "poll", None) is not None else None
    ends = expires if isinstance(expires, datetime) else created + timedelta(hours=spec.duration_hours)
    record = PollRecord(
        message_id=message.id,
        channel_id=channel.id,  # type: ignore[union-attr]
        guild_id=interaction.guild.id if interaction.guild else None,
        debate_id=spec.debate_id,
        question=spec.question,
        answers=list(spec.answers),
        multiple=spec.multiple,
        created_by=interaction.user.id,
        created_at=created,
        ends_at=ends,
    )
    link = message_link(record.guild_id, record.channel_id, record.message_id)
    try:
        await db(bot, store.add, record)
    except PollStoreError as exc:
        log.error("poll %s posted but not recorded: %s", record.message_id, exc)
        await reply(interaction, t(lang, "poll.posted_not_recorded", l=link))
        return message
    log.info("poll %s posted in channel %s by %s (debate=%s, %dh)", record.message_id, record.channel_id,
             record.created_by, record.debate_id, spec.duration_hours)
    await reply(interaction, t(lang, "poll.posted", l=link, t=int(ends.timestamp())))
    return message


async def _find_debate(bot: Any, topic: str, lang: Lang):
    service = bot.service
    debate = await bot.run_core(service.debate, topic.strip())
    if debate is not None:
        return debate
    suggestions = await bot.run_core(service.suggest_debates, topic, 3)
    hint = ", ".join(f"`{d.id}`" for d in suggestions[:3])
    key = "poll.debate_not_found_hint" if hint else "poll.debate_not_found"
    raise Refusal(t(lang, key, t=topic[:100], h=hint))


async def start_debate_poll(bot: Any, interaction: discord.Interaction, debate_id: str, duration_hours: int | None = None) -> None:
    """Post a native poll whose answers are the sides of `debate_id` (moderators only).
    Used by /poll debate and by the "Sondage" button under /ask answers."""
    if not await check_moderator(bot, interaction):
        return
    lang = user_lang(interaction, bot.settings)
    hours = duration_hours if duration_hours is not None else bot.settings.polls.default_duration_hours
    try:
        debate = await _find_debate(bot, debate_id or "", lang)
        spec = poll_spec_for_debate(debate, hours, lang=community_lang(bot.settings))
    except (Refusal, PollError) as refusal:
        await reply(interaction, str(refusal))
        return
    await publish_poll(bot, interaction, spec)
