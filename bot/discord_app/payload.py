"""The application-command payload that `tree.sync` would send, built offline (no token, no network)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot.settings import Settings

log = logging.getLogger(__name__)


async def build_payload(bot: Any) -> list[dict]:
    """Translated payload of every global command of `bot`'s tree (same code path as sync)."""
    tree = bot.tree
    translator = tree.translator
    commands = tree._get_all_commands(guild=None)  # what CommandTree.sync(guild=None) sends
    if translator is None:
        return [cmd.to_dict(tree) for cmd in commands]
    return [await cmd.get_translated_payload(tree, translator) for cmd in commands]


async def offline_bot(service: Any, settings: Settings):
    """A ContrepointBot that is not logged in, with its translator and extensions loaded."""
    from bot.discord_app.client import ContrepointBot
    from bot.discord_app.launcher import extension_names
    from bot.discord_app.translator import ContrepointTranslator

    bot = ContrepointBot(service, settings, prepare_core=False, extensions=extension_names())
    await bot.tree.set_translator(ContrepointTranslator())
    await bot.load_all_extensions()
    return bot


async def command_payload_async(service: Any, settings: Settings) -> list[dict]:
    bot = await offline_bot(service, settings)
    try:
        for name, error in bot.extension_errors.items():
            log.warning("extension %s not in the payload: %s", name, error)
        return await build_payload(bot)
    finally:
        for name in list(bot.extensions):
            await bot.unload_extension(name)
        await bot.tree.set_translator(None)


def command_payload(service: Any, settings: Settings) -> list[dict]:
    """Exactly what `contrepoint sync` would send, with the French localizations."""
    return asyncio.run(command_payload_async(service, settings))
