"""/reload and the knowledge-folder watcher task, with real discord.py members and real files."""

from __future__ import annotations

import asyncio
from unittest.mock import AsyncMock, MagicMock

import discord
import pytest
from discord.state import ConnectionState

from bot.core.models import SyncReport
from bot.discord_app.poll_render import FR_LOCALIZATIONS
from bot.exts.admin import AdminCog, format_sync_report
from bot.settings import Settings

GUILD_ID = 111111111111111111
ADMIN_ROLE, MANAGER_ROLE, MOD_ROLE = 2200, 2300, 2000
NONE_MENTIONS = discord.AllowedMentions.none().to_dict()


def user_payload(uid: int) -> dict:
    return {"id": str(uid), "username": f"u{uid}", "discriminator": "0", "avatar": None, "global_name": None}


@pytest.fixture(scope="module")
def guild() -> discord.Guild:
    state = ConnectionState(dispatch=lambda *a, **k: None, handlers={}, hooks={}, http=None,
                            intents=discord.Intents.default(), chunk_guilds_at_startup=False)
    roles = [(GUILD_ID, discord.Permissions(view_channel=True)), (MOD_ROLE, discord.Permissions(manage_messages=True)),
             (ADMIN_ROLE, discord.Permissions(administrator=True)), (MANAGER_ROLE, discord.Permissions(manage_guild=True))]
    g = discord.Guild(state=state, data={
        "id": str(GUILD_ID), "name": "G", "owner_id": "1", "channels": [], "members": [], "emojis": [], "stickers": [],
        "features": [], "roles": [{"id": str(rid), "name": str(rid), "permissions": str(p.value), "position": i, "color": 0,
                                   "hoist": False, "managed": False, "mentionable": False} for i, (rid, p) in enumerate(roles)]})
    state._add_guild(g)
    return g


def member(guild: discord.Guild, uid: int, *roles: int) -> discord.Member:
    return discord.Member(state=guild._state, guild=guild, data={
        "user": user_payload(uid), "roles": [str(r) for r in roles], "joined_at": "2024-01-01T00:00:00+00:00",
        "deaf": False, "mute": False, "flags": 0})


class FakeService:
    def __init__(self, report: SyncReport | Exception) -> None:
        self.report = report
        self.calls = 0

    def sync(self, progress=None) -> SyncReport:
        self.calls += 1
        if isinstance(self.report, Exception):
            raise self.report
        return self.report


class FakeBot:
    def __init__(self, settings: Settings, service: FakeService) -> None:
        self.settings = settings
        self.service = service

    async def run_core(self, fn, *args, **kwargs):
        return await asyncio.to_thread(fn, *args, **kwargs)


def make_interaction(user, locale=discord.Locale.french):
    it = MagicMock(spec=discord.Interaction)
    it.user = user
    it.locale = locale
    it.response = MagicMock(spec=discord.InteractionResponse)
    it.response.send_message = AsyncMock()
    it.response.defer = AsyncMock()
    it.followup = MagicMock(spec=discord.Webhook)
    it.followup.send = AsyncMock()
    return it


def only_reply(it) -> tuple[str, dict]:
    calls = it.response.send_message.await_args_list + it.followup.send.await_args_list
    assert len(calls) == 1
    args, kwargs = calls[0]
    assert kwargs["ephemeral"] is True
    assert kwargs["allowed_mentions"].to_dict() == NONE_MENTIONS
    return args[0], kwargs


REPORT = SyncReport(added=1, updated=2, removed=0, unchanged=5, chunks=40, embedded=12, seconds=1.5,
                    problems=["knowledge/articles/brouillon.md: missing front matter 'title'"])


async def test_reload_syncs_and_reports(guild):
    service = FakeService(REPORT)
    cog = AdminCog(FakeBot(Settings(), service))
    it = make_interaction(member(guild, 10, ADMIN_ROLE))
    await AdminCog.reload.callback(cog, it)
    assert service.calls == 1
    it.response.defer.assert_awaited_once()
    assert it.response.defer.await_args.kwargs["ephemeral"] is True
    text, _ = only_reply(it)
    for part in ("1 ajouté", "2 mis à jour", "0 supprimé", "5 inchangés", "40", "1,50 s", "brouillon.md"):
        assert part in text, part


async def test_reload_in_english(guild):
    cog = AdminCog(FakeBot(Settings(), FakeService(SyncReport(unchanged=5, chunks=40, seconds=0.25))))
    it = make_interaction(member(guild, 11, MANAGER_ROLE), locale=discord.Locale.british_english)
    await AdminCog.reload.callback(cog, it)
    text, _ = only_reply(it)
    assert "5 unchanged" in text and "Nothing changed" in text


@pytest.mark.parametrize("roles", [(), (MOD_ROLE,)])
async def test_reload_refuses_non_admins(guild, roles):
    service = FakeService(REPORT)
    cog = AdminCog(FakeBot(Settings(), service))
    it = make_interaction(member(guild, 12, *roles))
    await AdminCog.reload.callback(cog, it)
    assert service.calls == 0
    text, _ = only_reply(it)
    assert "réservé aux administrateurs" in text


async def test_reload_refuses_users_outside_a_guild(guild):
    service = FakeService(REPORT)
    cog = AdminCog(FakeBot(Settings(), service))
    it = make_interaction(discord.User(state=guild._state, data=user_payload(13)))
    await AdminCog.reload.callback(cog, it)
    assert service.calls == 0


async def test_reload_failure_is_reported_without_details(guild):
    cog = AdminCog(FakeBot(Settings(), FakeService(RuntimeError("token=sk-secret connection refused"))))
    it = make_interaction(member(guild, 14, ADMIN_ROLE))
    await AdminCog.reload.callback(cog, it)
    text, _ = only_reply(it)
    assert "RuntimeError" in text and "sk-secret" not in text


def test_reload_command_is_admin_only_by_default():
    assert AdminCog.reload.default_permissions == discord.Permissions(administrator=True)
    assert AdminCog.reload.guild_only is True
    assert FR_LOCALIZATIONS[AdminCog.reload.name] == "recharger"
    assert len(FR_LOCALIZATIONS[AdminCog.reload.description]) <= 100


def test_report_lists_problems_within_discord_limits():
    many = SyncReport(added=2, problems=[f"knowledge/articles/f{i}.md: " + "x" * 500 for i in range(40)])
    text = format_sync_report(many, "fr")
    assert len(text) <= 2000
    assert "2 ajoutés" in text and "40 fichier(s) ignoré(s)" in text
    shown = text.count("\n• ")
    assert 1 <= shown <= 10
    assert f"et {40 - shown} autre(s)" in text  # nothing silently dropped


# -- the watcher task ---------------------------------------------------------------------------

def watch_settings(folder) -> Settings:
    return Settings.model_validate({"knowledge": {"dir": str(folder), "watch": True, "watch_interval_s": 0.5}})


async def test_watch_once_resyncs_after_a_settled_change(tmp_path):
    article = tmp_path / "articles" / "a.md"
    article.parent.mkdir()
    article.write_text("v1", encoding="utf-8")
    service = FakeService(SyncReport(updated=1))
    cog = AdminCog(FakeBot(watch_settings(tmp_path), service))
    from bot.core.watch import KnowledgeWatcher

    cog.watcher = KnowledgeWatcher(tmp_path)
    assert await cog.watch_once() is None  # baseline
    article.write_text("version 2", encoding="utf-8")
    assert await cog.watch_once() is None  # seen once
    report = await cog.watch_once()  # settled
    assert report is not None and report.updated == 1 and service.calls == 1
    assert await cog.watch_once() is None and service.calls == 1


async def test_manual_reload_is_not_repeated_by_the_watcher(tmp_path, guild):
    article = tmp_path / "a.md"
    article.write_text("v1", encoding="utf-8")
    service = FakeService(SyncReport(updated=1))
    cog = AdminCog(FakeBot(watch_settings(tmp_path), service))
    from bot.core.watch import KnowledgeWatcher

    cog.watcher = KnowledgeWatcher(tmp_path)
    await cog.watch_once()
    article.write_text("version 2", encoding="utf-8")
    await AdminCog.reload.callback(cog, make_interaction(member(guild, 15, ADMIN_ROLE)))
    assert service.calls == 1
    assert await cog.watch_once() is None and await cog.watch_once() is None
    assert service.calls == 1


async def test_no_watch_task_unless_enabled(tmp_path):
    cog = AdminCog(FakeBot(Settings(), FakeService(REPORT)))
    await cog.cog_load()
    assert cog._watch_task is None and cog.watcher is None
    await cog.cog_unload()


async def test_watch_task_keeps_polling_after_errors_and_stops_on_unload(tmp_path):
    cog = AdminCog(FakeBot(watch_settings(tmp_path), FakeService(REPORT)))
    polled = asyncio.Event()
    calls = []

    async def fake_watch_once():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("transient failure")
        polled.set()

    cog.watch_once = fake_watch_once
    await cog.cog_load()
    task = cog._watch_task
    assert task is not None and not task.done()
    await asyncio.wait_for(polled.wait(), timeout=30)
    assert len(calls) >= 2
    await cog.cog_unload()
    assert task.done() and cog._watch_task is None
