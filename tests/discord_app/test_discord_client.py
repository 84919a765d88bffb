"""ContrepointBot: intents, run_core, setup_hook, channel restriction, the tree error handler."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from types import SimpleNamespace
from unittest.mock import AsyncMock

import discord
from discord import app_commands

from bot.core.text_guard import InputError
from bot.discord_app.client import ContrepointBot, channel_allowed
from bot.discord_app.launcher import extension_names

NONE = discord.AllowedMentions.none().to_dict()
TOKEN = "MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs"


def with_discord(settings, **values):
    return settings.model_copy(update={"discord": settings.discord.model_copy(update=values)})


def test_intents_and_mentions_are_safe_by_default(cp_bot):
    assert cp_bot.intents.message_content is True
    assert cp_bot.intents.guilds is True
    assert cp_bot.allowed_mentions.to_dict() == NONE
    assert cp_bot.limiter.rate == cp_bot.settings.discord.cooldown.rate


async def test_run_core_runs_off_the_loop_and_bounds_concurrency(fake_service, discord_settings):
    bot = ContrepointBot(fake_service, with_discord(discord_settings, max_concurrent_answers=2), prepare_core=False)
    loop_thread = threading.get_ident()
    lock = threading.Condition()
    state = {"active": 0, "max": 0, "threads": set()}

    def blocking(i):
        with lock:
            state["active"] += 1
            state["max"] = max(state["max"], state["active"])
            state["threads"].add(threading.get_ident())
            lock.notify_all()
            lock.wait_for(lambda: state["active"] >= 2, timeout=1.0)  # let a second one overlap
        with lock:
            state["active"] -= 1
        return i * 2

    results = await asyncio.gather(*(bot.run_core(blocking, i) for i in range(8)))
    assert results == [i * 2 for i in range(8)]
    assert state["max"] == 2
    assert loop_thread not in state["threads"]


async def test_run_core_reaches_max_concurrent_answers_beyond_the_default_executor(fake_service, discord_settings):
    """asyncio's default executor has cpu_count + 4 threads; the bot's own pool lets every slot run."""
    slots = (os.cpu_count() or 1) + 6
    bot = ContrepointBot(fake_service, with_discord(discord_settings, max_concurrent_answers=slots), prepare_core=False)
    barrier = threading.Barrier(slots, timeout=5)  # breaks unless all of them run at the same time

    results = await asyncio.gather(*(bot.run_core(barrier.wait) for _ in range(slots)))
    assert sorted(results) == list(range(slots))
    bot._core_pool.shutdown()


async def test_setup_hook_prepares_everything_but_never_syncs(fake_service, discord_settings):
    bot = ContrepointBot(fake_service, discord_settings, extensions=extension_names())
    bot.tree.sync = AsyncMock(side_effect=AssertionError("setup_hook must not sync"))
    await bot.setup_hook()
    try:
        assert ("ensure_ready",) in fake_service.calls
        assert bot.tree.translator is not None
        assert bot.extension_errors == {}
        assert {"ask", "debate", "counter", "fact", "sources", "source", "help"} <= {c.name for c in bot.tree.get_commands()}
        patterns = {p.pattern for p in bot._connection._view_store._dynamic_items}
        assert any(p.startswith("cp:src:") for p in patterns) and any(p.startswith("cp:art:") for p in patterns)
        assert ("poll_store",) in fake_service.calls and discord_settings.polls.db_path.exists()  # opened through the facade
        # every persistent component, the poll button included, is re-attached on each start
        assert all(any(p.startswith(prefix) for p in patterns) for prefix in ("cp:more:", "cp:poll:", "cp:side:"))
        assert (discord_settings.store.data_dir / "discord.sqlite3").exists()
        bot.tree.sync.assert_not_called()
    finally:
        await bot.close()


def test_channel_allowed_accepts_threads_of_allowed_channels(discord_settings):
    s = with_discord(discord_settings, allowed_channel_ids=(10,))
    assert channel_allowed(s, 10) and channel_allowed(s, 55, parent_id=10)
    assert not channel_allowed(s, 11) and not channel_allowed(s, 55, parent_id=11)
    assert channel_allowed(discord_settings, 12345)  # empty list: everywhere


async def test_tree_refuses_other_channels_politely(fake_service, discord_settings, make_interaction):
    bot = ContrepointBot(fake_service, with_discord(discord_settings, allowed_channel_ids=(1000,)), prepare_core=False)
    ok = make_interaction(bot, channel_id=1000)
    assert await bot.tree.interaction_check(ok) is True and ok.events == []
    refused = make_interaction(bot, channel_id=2000, locale=discord.Locale.british_english)
    assert await bot.tree.interaction_check(refused) is False
    name, _, kwargs = refused.events[0]
    assert name == "send_message" and kwargs["ephemeral"] is True and "channel" in kwargs["content"]
    assert kwargs["allowed_mentions"].to_dict() == NONE
    auto = make_interaction(bot, channel_id=2000, kind=discord.InteractionType.autocomplete)
    assert await bot.tree.interaction_check(auto) is False
    assert auto.events == [("autocomplete", ([],), {})]


async def test_tree_error_handler_is_friendly_and_logs_without_secrets(cp_bot, make_interaction, caplog):
    it = make_interaction(cp_bot)
    it.command = SimpleNamespace(qualified_name="ask", name="ask")
    await it.response.defer(thinking=True)
    error = app_commands.CommandInvokeError(it.command, RuntimeError(f"boom with Authorization: Bot {TOKEN}"))
    with caplog.at_level(logging.ERROR):
        await cp_bot.tree.on_error(it, error)
    name, _, kwargs = it.events[-1]
    assert name == "followup.send" and kwargs["ephemeral"] is True and "Oups" in kwargs["content"]
    assert kwargs["allowed_mentions"].to_dict() == NONE
    assert "boom" in caplog.text and TOKEN not in caplog.text and "[redacted]" in caplog.text


async def test_tree_error_handler_explains_input_and_permission_errors(cp_bot, make_interaction):
    err = InputError("too_long", "input too long", length=5000, limit=1000)  # the text is rendered from the code
    it = make_interaction(cp_bot, locale=discord.Locale.american_english)
    it.command = SimpleNamespace(qualified_name="ask", name="ask")
    await cp_bot.tree.on_error(it, app_commands.CommandInvokeError(it.command, err))
    assert "5000 characters, 1000 at most" in it.events[-1][2]["content"]
    it2 = make_interaction(cp_bot)
    it2.command = None
    await cp_bot.tree.on_error(it2, app_commands.MissingPermissions(["manage_messages"]))
    assert it2.events[-1][0] == "send_message" and "permissions" in it2.events[-1][2]["content"]


async def test_start_up_retries_with_backoff_while_the_chroma_server_is_down(fake_service, discord_settings, caplog):
    from bot.core.models import SyncReport
    from bot.core.retrieval.store import StoreError

    outage = [StoreError("Cannot reach the Chroma server at 127.0.0.1:8000 (ConnectError). Start it."),
              StoreError("Cannot reach the Chroma server at 127.0.0.1:8000 (ConnectError). Start it.")]

    def ensure_ready():
        fake_service.calls.append(("ensure_ready",))
        if outage:
            raise outage.pop(0)
        return SyncReport(added=1)

    fake_service.ensure_ready = ensure_ready
    bot = ContrepointBot(fake_service, discord_settings, prepare_core=False)
    caplog.set_level(logging.WARNING)
    report = await bot.ensure_core_ready(first_delay_s=0.01, max_delay_s=0.02)
    assert report.added == 1 and fake_service.calls.count(("ensure_ready",)) == 3
    lines = [r.getMessage() for r in caplog.records if "Retrying in" in r.getMessage()]
    assert lines == ["Cannot reach the Chroma server at 127.0.0.1:8000 (ConnectError). Start it. Retrying in 0.01 s.",
                     "Cannot reach the Chroma server at 127.0.0.1:8000 (ConnectError). Start it. Retrying in 0.02 s."]
    bot.answer_cache.close()
