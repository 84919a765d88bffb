"""/reload for administrators, and the optional background watcher of the knowledge folder."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.messages import t
from bot.core.models import Lang, SyncReport
from bot.core.retrieval.store import StoreError
from bot.core.watch import SETTLE_S, KnowledgeWatcher
from bot.discord_app.permissions import is_admin
from bot.discord_app.poll_render import user_lang

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
MAX_PROBLEMS_SHOWN = 10
MAX_PROBLEM_CHARS = 180
MESSAGE_MAX = 2000


def _count(n: int, lang: Lang, fr_one: str, fr_many: str, en: str) -> str:
    return f"{n} {en if lang == 'en' else (fr_many if n > 1 else fr_one)}"


def format_sync_report(report: SyncReport, lang: Lang) -> str:
    """User-facing summary of a knowledge re-sync."""
    secs = f"{report.seconds:.2f}".replace(".", ",") if lang == "fr" else f"{report.seconds:.2f}"
    head = t(lang, "admin.resynced", s=secs)
    if report.rebuilt:
        head += t(lang, "admin.index_rebuilt")
    files = ", ".join([
        _count(report.added, lang, "ajouté", "ajoutés", "added"),
        _count(report.updated, lang, "mis à jour", "mis à jour", "updated"),
        _count(report.removed, lang, "supprimé", "supprimés", "removed"),
        _count(report.unchanged, lang, "inchangé", "inchangés", "unchanged"),
    ])
    lines = [
        f"**{head}**",
        t(lang, "admin.articles", f=files),
        t(lang, "admin.passages", c=report.chunks, e=report.embedded),
    ]
    if not report.changed:
        lines.append(t(lang, "admin.unchanged"))
    if report.problems:
        lines.append(t(lang, "admin.skipped", n=len(report.problems)))
        budget = MESSAGE_MAX - 120 - sum(len(line) + 1 for line in lines)  # keep room for the "and N more" line
        shown = 0
        for problem in report.problems[:MAX_PROBLEMS_SHOWN]:
            text = " ".join(str(problem).split())
            line = f"• {text[:MAX_PROBLEM_CHARS - 1] + '…' if len(text) > MAX_PROBLEM_CHARS else text}"
            if len(line) + 1 > budget:
                break
            lines.append(line)
            budget -= len(line) + 1
            shown += 1
        if len(report.problems) > shown:
            lines.append(t(lang, "admin.skipped_more", n=len(report.problems) - shown))
    text = "\n".join(lines)
    return text if len(text) <= MESSAGE_MAX else text[: MESSAGE_MAX - 1] + "…"


class AdminCog(commands.Cog, name="Admin"):
    def __init__(self, bot: Any):
        self.bot = bot
        self._sync_lock = asyncio.Lock()  # /reload and the watcher never sync at the same time
        self._watch_task: asyncio.Task | None = None
        self.watcher: KnowledgeWatcher | None = None

    # -- lifecycle ----------------------------------------------------------------------
    async def cog_load(self) -> None:
        knowledge = self.bot.settings.knowledge
        if knowledge.watch:
            self.watcher = KnowledgeWatcher(knowledge.dir)
            self._watch_task = asyncio.create_task(self.watch_loop(knowledge.watch_interval_s), name="knowledge-watch")
            log.info("watching %s for changes every %.1f s", knowledge.dir, knowledge.watch_interval_s)

    async def cog_unload(self) -> None:
        if self._watch_task is not None:
            self._watch_task.cancel()
            try:
                await self._watch_task
            except (asyncio.CancelledError, Exception):
                pass
            self._watch_task = None

    # -- syncing ------------------------------------------------------------------------
    async def sync(self) -> SyncReport:
        async with self._sync_lock:
            report = await self.bot.run_core(self.bot.service.sync)
            if self.watcher is not None:
                await self.bot.run_core(self.watcher.accept)  # do not re-sync what was just synced
        log.info("knowledge sync: %s", report.summary())
        for problem in report.problems:
            log.warning("knowledge: skipped %s", problem)
        return report

    async def watch_once(self) -> SyncReport | None:
        """One poll of the watcher; re-syncs when a settled change is seen."""
        if self.watcher is None:
            return None
        if not await self.bot.run_core(self.watcher.changed):
            return None
        log.info("knowledge folder changed: re-syncing")
        return await self.sync()

    async def watch_loop(self, interval_s: float) -> None:
        assert self.watcher is not None
        await self.bot.run_core(self.watcher.changed)  # first call records the baseline
        while True:
            await asyncio.sleep(min(SETTLE_S, interval_s) if self.watcher.settling else interval_s)
            try:
                await self.watch_once()
            except asyncio.CancelledError:
                raise
            except StoreError as exc:  # e.g. the Chroma server is down: one line, the next change retries
                log.warning("automatic knowledge re-sync failed: %s", exc)
            except Exception:  # keep watching: the next change gets another try
                log.exception("automatic knowledge re-sync failed")

    # -- /reload ------------------------------------------------------------------------
    @app_commands.command(name="reload", description="Re-sync the knowledge folder without restarting (administrators)")
    @app_commands.default_permissions(administrator=True)
    @app_commands.guild_only()
    async def reload(self, interaction: discord.Interaction) -> None:
        lang = user_lang(interaction, self.bot.settings)
        if not is_admin(interaction.user):
            log.info("/reload refused to %s", getattr(interaction.user, "id", "?"))
            await interaction.response.send_message(
                t(lang, "admin.reload_admins_only"),
                ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            report = await self.sync()
        except Exception as exc:
            log.exception("/reload failed")
            await interaction.followup.send(
                t(lang, "admin.resync_failed", e=type(exc).__name__),
                ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        await interaction.followup.send(format_sync_report(report, lang), ephemeral=True, allowed_mentions=NO_MENTIONS)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(AdminCog(bot))
