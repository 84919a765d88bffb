"""Sending helpers: every message leaves with mentions disabled and within Discord's limits."""

from __future__ import annotations

import logging
import traceback
from typing import Sequence

import discord

from bot.discord_app.limits import CONTENT_MAX, truncate
from bot.logging_setup import redact

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
MAX_MESSAGES = 6  # one reply never floods a channel


def _content(text: str | None) -> str | None:
    return truncate(text, CONTENT_MAX) if text else None


async def reply_ephemeral(interaction: discord.Interaction, text: str) -> None:
    """A short private message: the first response, or a follow-up when already acknowledged."""
    content = _content(text)
    if interaction.response.is_done():
        await interaction.followup.send(content=content, ephemeral=True, allowed_mentions=NO_MENTIONS)
    else:
        await interaction.response.send_message(content=content, ephemeral=True, allowed_mentions=NO_MENTIONS)


async def send_followups(
    interaction: discord.Interaction,
    messages: Sequence[Sequence[discord.Embed]],
    *,
    content: str | None = None,
    view: discord.ui.View | None = None,
    ephemeral: bool = False,
) -> None:
    """Send `messages` (lists of embeds) as follow-ups; `content` and `view` go on the first one.
    The interaction must already be acknowledged (deferred)."""
    messages = list(messages)[:MAX_MESSAGES] or [[]]
    for i, embeds in enumerate(messages):
        kwargs: dict = {"ephemeral": ephemeral, "allowed_mentions": NO_MENTIONS}
        if embeds:
            kwargs["embeds"] = list(embeds)
        if i == 0 and content:
            kwargs["content"] = _content(content)
        if i == 0 and view is not None:
            kwargs["view"] = view
        if "embeds" not in kwargs and "content" not in kwargs:
            continue
        await interaction.followup.send(**kwargs)


async def send_to_channel(
    channel: discord.abc.Messageable,
    messages: Sequence[Sequence[discord.Embed]],
    *,
    content: str | None = None,
    view: discord.ui.View | None = None,
    reference: discord.Message | None = None,
) -> None:
    """Same as `send_followups`, for a plain channel or thread (mentions answered in threads)."""
    messages = list(messages)[:MAX_MESSAGES] or [[]]
    for i, embeds in enumerate(messages):
        kwargs: dict = {"allowed_mentions": NO_MENTIONS}
        if embeds:
            kwargs["embeds"] = list(embeds)
        if i == 0 and content:
            kwargs["content"] = _content(content)
        if i == 0 and view is not None:
            kwargs["view"] = view
        if i == 0 and reference is not None:
            kwargs["reference"] = reference
            kwargs["mention_author"] = False
        if "embeds" not in kwargs and "content" not in kwargs:
            continue
        await channel.send(**kwargs)


async def replace_thinking(interaction: discord.Interaction, text: str) -> None:
    """After a public "thinking…" defer, show `text` privately instead of in the channel."""
    try:
        await interaction.delete_original_response()
    except discord.HTTPException:
        pass
    await interaction.followup.send(content=_content(text), ephemeral=True, allowed_mentions=NO_MENTIONS)


def log_failure(where: str, error: BaseException) -> None:
    """Log an unexpected error with its traceback, secrets masked."""
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    log.error("%s failed: %s", where, redact(text))


async def safe_reply_ephemeral(interaction: discord.Interaction, text: str) -> None:
    """`reply_ephemeral` that never raises (the interaction may have expired)."""
    try:
        await reply_ephemeral(interaction, text)
    except discord.HTTPException as exc:
        log.warning("could not send an error message to the user: %s", redact(str(exc)))
