"""The Discord client: extensions, translator, persistent views, limits and error handling.

Commands are never synced here (use `contrepoint sync`); blocking core work runs in worker
threads through `run_core`, under a global concurrency limit.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Sequence, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.text_guard import InputError
from bot.discord_app.answer_cache import AnswerCache
from bot.discord_app.discord_errors import log_discord_error
from bot.discord_app.discord_errors import user_text as discord_user_text
from bot.discord_app.limits import Cooldown, wait_seconds
from bot.discord_app.recall import LRU
from bot.discord_app.replies import log_failure, safe_reply_ephemeral
from bot.discord_app.strings import input_error_text, interaction_lang, t
from bot.logging_setup import redact
from bot.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")

CACHE_FILE = "discord.sqlite3"


def bot_intents() -> discord.Intents:
    intents = discord.Intents.default()
    intents.message_content = True  # privileged: needed to read "@Contrepoint question" and thread follow-ups
    return intents


def channel_allowed(settings: Settings, channel_id: int | None, parent_id: int | None = None) -> bool:
    """True when the channel (or the thread's parent channel) may be used; empty list = all."""
    allowed = settings.discord.allowed_channel_ids
    if not allowed:
        return True
    return (channel_id in allowed) or (parent_id is not None and parent_id in allowed)


def _lang_of(interaction: discord.Interaction) -> str:
    settings = getattr(interaction.client, "settings", None)
    return interaction_lang(interaction.locale, getattr(settings, "language", "fr"))


class ContrepointTree(app_commands.CommandTree):
    """Channel restriction for every command, and one friendly error handler."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        settings: Settings = self.client.settings  # type: ignore[attr-defined]
        channel = interaction.channel
        if channel_allowed(settings, interaction.channel_id, getattr(channel, "parent_id", None)):
            return True
        if interaction.type is discord.InteractionType.autocomplete:
            await interaction.response.autocomplete([])
        else:
            await safe_reply_ephemeral(interaction, t(_lang_of(interaction), "channel_refused"))
        return False

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError, /) -> None:
        lang = _lang_of(interaction)
        cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        name = interaction.command.qualified_name if interaction.command else "?"
        if isinstance(cause, InputError):
            text = input_error_text(lang, cause)
        elif isinstance(cause, app_commands.CommandOnCooldown):
            text = t(lang, "cooldown", seconds=wait_seconds(cause.retry_after))
        elif isinstance(cause, app_commands.NoPrivateMessage):
            text = t(lang, "guild_only")
        elif isinstance(cause, app_commands.BotMissingPermissions):
            text = t(lang, "bot_missing_permissions", perms=", ".join(cause.missing_permissions))
        elif isinstance(cause, app_commands.CheckFailure):
            text = t(lang, "missing_permissions")
        elif isinstance(cause, discord.HTTPException):  # Discord refused a send: one log line, no traceback
            log_discord_error(f"/{name}", cause)
            text = discord_user_text(cause, lang)
            if text is None:  # the interaction expired: nobody can be told any more
                return
        else:
            text = t(lang, "error_generic")
            log_failure(f"/{name}", cause)
        if isinstance(cause, (InputError, app_commands.CheckFailure)):
            log.info("/%s refused: %s", name, redact(str(cause)))
        await safe_reply_ephemeral(interaction, text)


class ContrepointBot(commands.Bot):
    """`service`: the Contrepoint facade; `extensions`: the cog modules to load (the launcher's list)."""

    def __init__(
        self,
        service: Any,
        settings: Settings,
        *,
        prepare_core: bool = True,
        extensions: Sequence[str] = (),
        clock: Callable[[], float] | None = None,
        **kwargs: Any,
    ):
        super().__init__(
            command_prefix=commands.when_mentioned,  # unused: there are no prefix commands
            intents=bot_intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            tree_cls=ContrepointTree,
            **kwargs,
        )
        self.service = service
        self.settings = settings
        self.prepare_core = prepare_core
        self.extension_names = tuple(extensions)
        cooldown = settings.discord.cooldown
        self.limiter = Cooldown(cooldown.rate, cooldown.per_s, **({"clock": clock} if clock else {}))
        self.answer_cache = AnswerCache(settings.store.data_dir / CACHE_FILE)
        self.answers: LRU = LRU(512)  # answer key -> Answer / CounterResult
        self.extension_errors: dict[str, str] = {}
        self._core_slots = asyncio.Semaphore(settings.discord.max_concurrent_answers)
        # Its own threads: asyncio's default executor has cpu_count + 4 of them (6 on 2 cores), which capped
        # answers at 6 in flight whatever max_concurrent_answers said (bench/discord_load.py, 2 s LLM).
        self._core_pool = ThreadPoolExecutor(settings.discord.max_concurrent_answers, thread_name_prefix="contrepoint-core")

    # -- core work -------------------------------------------------------------------------
    async def run_core(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run blocking core work in a worker thread, at most `max_concurrent_answers` at once."""
        async with self._core_slots:
            call = functools.partial(contextvars.copy_context().run, fn, *args, **kwargs)
            return await asyncio.get_running_loop().run_in_executor(self._core_pool, call)

    # -- start-up --------------------------------------------------------------------------
    async def load_all_extensions(self) -> list[str]:
        """Load every extension handed to the bot; one failure does not stop the others."""
        loaded = []
        for name in self.extension_names:
            try:
                await self.load_extension(name)
            except Exception as exc:  # noqa: BLE001 - logged, the other extensions still load
                cause = exc.__cause__ or exc
                self.extension_errors[name] = f"{type(cause).__name__}: {cause}"
                log_failure(f"loading extension {name}", cause)
            else:
                loaded.append(name)
                log.info("extension loaded: %s", name)
        return loaded

    async def setup_hook(self) -> None:
        from bot.discord_app.translator import ContrepointTranslator
        from bot.discord_app.views import DYNAMIC_ITEMS

        await self.tree.set_translator(ContrepointTranslator())
        await self.load_all_extensions()
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        if not self.prepare_core:
            return
        report = await self.ensure_core_ready()
        if getattr(report, "changed", False):
            log.info("knowledge store synced: %s", report.summary())
        for problem in getattr(report, "problems", []) or []:
            log.warning("knowledge problem: %s", problem)
        await asyncio.to_thread(self.answer_cache.open)
        try:
            await asyncio.to_thread(self.service.poll_store)  # opened now, so a bad polls.db_path shows at start-up
        except Exception as exc:  # noqa: BLE001 - polls unavailable (retried on use), answers still work
            log_failure("opening the polls database", exc)

    async def ensure_core_ready(self, first_delay_s: float = 1.0, max_delay_s: float = 60.0):
        """Sync the knowledge store, retrying with backoff while the Chroma server is unreachable."""
        from bot.core.retrieval.store import StoreError

        delay = first_delay_s
        while True:
            try:
                return await self.run_core(self.service.ensure_ready)
            except StoreError as exc:
                log.warning("%s Retrying in %g s.", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, max_delay_s)

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: mentions are handled by the mentions extension's listener."""
        return

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            await asyncio.to_thread(self.answer_cache.close)
            await asyncio.to_thread(self.service.close_polls)
            self._core_pool.shutdown(wait=False, cancel_futures=True)


class ShardedContrepointBot(ContrepointBot, commands.AutoShardedBot):
    """The same bot over several gateway shards in one process (discord.py's AutoShardedBot)."""


def make_bot(service: Any, settings: Settings, **kwargs: Any) -> ContrepointBot:
    """ContrepointBot, or its AutoShardedBot variant when `discord.shards` is "auto" or a number."""
    shards = settings.discord.shards
    if shards is None:
        return ContrepointBot(service, settings, **kwargs)
    return ShardedContrepointBot(service, settings, shard_count=None if shards == "auto" else shards, **kwargs)
