"""Entry points used by the CLI: run the bot, or sync its commands explicitly."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord

from bot.settings import Secrets, Settings

log = logging.getLogger(__name__)

INVITE_URL = "https://discord.com/oauth2/authorize?client_id={app_id}&scope=bot%20applications.commands&permissions={permissions}"


def required_permissions() -> discord.Permissions:
    """What the bot needs in its channels (docs/discord.md states the same integer)."""
    return discord.Permissions(
        send_messages=True,
        send_messages_in_threads=True,
        send_polls=True,
        create_public_threads=True,
        embed_links=True,
        attach_files=True,
        read_message_history=True,
    )


def invite_url(app_id: int | str) -> str:
    return INVITE_URL.format(app_id=app_id, permissions=required_permissions().value)


def extension_names() -> list[str]:
    """The cogs the bot loads, in order: the one place the Discord layer reads `bot.exts`."""
    from bot.exts import EXTENSIONS

    return list(EXTENSIONS)


def _token(secrets: Secrets) -> str:
    if secrets.discord_token is None:
        raise RuntimeError("DISCORD_TOKEN is not set (see docs/discord.md)")
    return secrets.discord_token.get_secret_value()


def run_bot(service: Any, settings: Settings, secrets: Secrets) -> None:
    """Connect and serve until interrupted. Logging is ours (redacting), not discord.py's."""
    from bot.discord_app.client import make_bot

    token = _token(secrets)
    bot = make_bot(service, settings, extensions=extension_names())
    bot.run(token, log_handler=None)


async def sync_commands_async(service: Any, settings: Settings, secrets: Secrets, guild_id: int | None = None) -> int:
    from bot.discord_app.client import ContrepointBot

    token = _token(secrets)
    bot = ContrepointBot(service, settings, prepare_core=False, extensions=extension_names())
    try:
        await bot.login(token)  # runs setup_hook: translator + extensions, no store
        for name, error in bot.extension_errors.items():
            log.warning("extension %s is not synced: %s", name, error)
        if guild_id is None:
            synced = await bot.tree.sync()
        else:
            guild = discord.Object(id=guild_id)
            bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
        log.info("synced %d commands %s", len(synced), f"to guild {guild_id}" if guild_id else "globally")
        return len(synced)
    finally:
        await bot.close()


def sync_commands(service: Any, settings: Settings, secrets: Secrets, guild_id: int | None = None) -> int:
    """Log in, push the command tree (globally, or to one guild for instant testing), log out."""
    return asyncio.run(sync_commands_async(service, settings, secrets, guild_id))
