"""@Contrepoint mentions: a thread per question, follow-ups with the thread's earlier questions."""

from __future__ import annotations

from unittest.mock import AsyncMock, MagicMock

import discord
import pytest

from bot.discord_app.client import ContrepointBot
from bot.discord_app.rendering import message_problems
from bot.exts.mentions import MentionsCog, mentions_user, strip_mentions_of

BOT_ID = 999_000_000_000_000_001  # tests/conftest.py BOT_USER_ID
NONE = discord.AllowedMentions.none().to_dict()


def channel(cid: int = 1000) -> MagicMock:
    ch = MagicMock(spec=discord.TextChannel)
    ch.id = cid
    ch.send = AsyncMock()
    return ch


def thread(tid: int = 555, owner_id: int = BOT_ID, parent_id: int = 1000) -> MagicMock:
    th = MagicMock(spec=discord.Thread)
    th.id, th.owner_id, th.parent_id = tid, owner_id, parent_id
    th.send = AsyncMock()
    return th


def message(content: str, *, where=None, author_id: int = 5, bot: bool = False, new_thread=None) -> MagicMock:
    msg = MagicMock(spec=discord.Message)
    msg.content = content
    msg.author = MagicMock(spec=discord.Member)
    msg.author.id, msg.author.bot = author_id, bot
    msg.guild = MagicMock(spec=discord.Guild)
    msg.channel = where if where is not None else channel()
    msg.reply = AsyncMock()
    msg.create_thread = AsyncMock(return_value=new_thread if new_thread is not None else thread())
    return msg


def all_sends(*mocks) -> list[dict]:
    return [call.kwargs for m in mocks for call in m.await_args_list]


def asks(service) -> list[tuple]:
    return [c for c in service.calls if c[0] == "ask"]


def test_mention_helpers():
    assert mentions_user(f"salut <@{BOT_ID}> ça va", BOT_ID) and mentions_user(f"<@!{BOT_ID}>", BOT_ID)
    assert not mentions_user("salut <@123>", BOT_ID) and not mentions_user("", BOT_ID)
    assert strip_mentions_of(f"<@{BOT_ID}> question ?", BOT_ID).strip() == "question ?"


async def test_a_mention_opens_a_thread_and_answers_there(cp_bot, fake_service):
    cog = MentionsCog(cp_bot)
    th = thread()
    msg = message(f"<@{BOT_ID}> Faut-il   automatiser\u200b l'économie ? @everyone", new_thread=th)
    await cog.on_message(msg)
    kwargs = msg.create_thread.await_args.kwargs
    assert kwargs["name"] == "Faut-il automatiser l'économie ? @everyone" and kwargs["auto_archive_duration"] == 1440
    assert asks(fake_service) == [("ask", "Faut-il automatiser l'économie ? @everyone", None, ())]
    [sent] = all_sends(th.send)
    assert sent["allowed_mentions"].to_dict() == NONE and message_problems(sent["embeds"]) == []
    assert [c.custom_id.split(":")[1] for c in sent["view"].children] == ["src", "more", "poll"]
    th.typing.assert_called_once()
    assert cp_bot.answer_cache.thread_questions(555) == ["Faut-il automatiser l'économie ? @everyone"]


async def test_follow_ups_in_the_thread_carry_bounded_history(fake_service, discord_settings):
    settings = discord_settings.model_copy(update={"discord": discord_settings.discord.model_copy(update={"thread_history": 2, "cooldown": discord_settings.discord.cooldown.model_copy(update={"rate": 100})})})
    bot = ContrepointBot(fake_service, settings, prepare_core=False)
    bot._connection.user = MagicMock(id=BOT_ID)
    cog = MentionsCog(bot)
    th = thread()
    await cog.on_message(message(f"<@{BOT_ID}> Q1 ?", new_thread=th))
    for q in ["Q2 ?", "Q3 ?", "Q4 ?"]:
        await cog.on_message(message(q, where=th))
    assert [c[3] for c in asks(fake_service)] == [(), ("Q1 ?",), ("Q1 ?", "Q2 ?"), ("Q2 ?", "Q3 ?")]
    for sent in all_sends(th.send):
        assert sent["allowed_mentions"].to_dict() == NONE
    bot.answer_cache.close()
    # after a restart the thread's questions come back from SQLite
    fresh = ContrepointBot(fake_service, settings, prepare_core=False)
    fresh._connection.user = MagicMock(id=BOT_ID)
    await MentionsCog(fresh).on_message(message("Q5 ?", where=thread(owner_id=1)))  # owner unknown: cache decides
    assert asks(fake_service)[-1][3] == ("Q3 ?", "Q4 ?")
    fresh.answer_cache.close()


@pytest.mark.parametrize(
    "msg_factory",
    [
        lambda: message(f"<@{BOT_ID}> question", bot=True),  # bots
        lambda: message("une question sans mention"),  # no mention
        lambda: message(f"<@{BOT_ID}> question", where=channel(2000)),  # channel not allowed
        lambda: message("dans le fil de quelqu'un", where=thread(777, owner_id=123)),  # not our thread
    ],
)
async def test_ignored_messages(fake_service, discord_settings, msg_factory):
    settings = discord_settings.model_copy(update={"discord": discord_settings.discord.model_copy(update={"allowed_channel_ids": (1000,)})})
    bot = ContrepointBot(fake_service, settings, prepare_core=False)
    bot._connection.user = MagicMock(id=BOT_ID)
    msg = msg_factory()
    await MentionsCog(bot).on_message(msg)
    assert asks(fake_service) == []
    msg.reply.assert_not_called()
    msg.create_thread.assert_not_called()
    bot.answer_cache.close()


async def test_empty_mention_gets_a_hint(cp_bot, fake_service):
    msg = message(f"<@{BOT_ID}>  \u200b ")
    await MentionsCog(cp_bot).on_message(msg)
    kw = msg.reply.await_args.kwargs
    assert "Pose ta question après la mention" in msg.reply.await_args.args[0]
    assert kw["allowed_mentions"].to_dict() == NONE and kw["mention_author"] is False
    assert asks(fake_service) == []


async def test_cooldown_applies_to_mentions(cp_bot, fake_service):
    cog = MentionsCog(cp_bot)
    for _ in range(cp_bot.settings.discord.cooldown.rate):
        await cog.on_message(message(f"<@{BOT_ID}> question ?"))
    late = message(f"<@{BOT_ID}> encore ?")
    await cog.on_message(late)
    assert "Réessaie dans" in late.reply.await_args.args[0]
    assert late.reply.await_args.kwargs["allowed_mentions"].to_dict() == NONE
    assert len(asks(fake_service)) == cp_bot.settings.discord.cooldown.rate


async def test_mention_in_someone_elses_thread_or_without_thread_permission_answers_in_place(cp_bot, fake_service):
    foreign = thread(888, owner_id=123)
    foreign.send = AsyncMock()
    msg = message(f"<@{BOT_ID}> question ?", where=foreign)
    await MentionsCog(cp_bot).on_message(msg)
    msg.create_thread.assert_not_called()
    sent = foreign.send.await_args.kwargs
    assert sent["reference"] is msg and sent["allowed_mentions"].to_dict() == NONE

    ch = channel()
    denied = message(f"<@{BOT_ID}> autre question ?", where=ch)
    denied.create_thread = AsyncMock(side_effect=discord.Forbidden(MagicMock(status=403, reason="Forbidden"), "Missing Permissions"))
    await MentionsCog(cp_bot).on_message(denied)
    assert ch.send.await_args.kwargs["reference"] is denied


async def test_a_core_failure_is_reported_in_the_thread_without_pinging(cp_bot, fake_service, caplog):
    fake_service.fail_with = RuntimeError("boom")
    ch = channel()
    th = thread()
    await MentionsCog(cp_bot).on_message(message(f"<@{BOT_ID}> question ?", where=ch, new_thread=th))
    kw = th.send.await_args.kwargs
    assert kw["allowed_mentions"].to_dict() == NONE and "Oups" in kw["content"]
    ch.send.assert_not_called()
    assert "boom" in caplog.text


async def test_an_unexpected_failure_before_answering_is_reported_in_the_channel(cp_bot, fake_service):
    ch = channel()
    msg = message(f"<@{BOT_ID}> question ?", where=ch)
    msg.create_thread = AsyncMock(side_effect=ValueError("unexpected"))
    await MentionsCog(cp_bot).on_message(msg)
    assert "Oups" in ch.send.await_args.args[0]
    assert ch.send.await_args.kwargs["allowed_mentions"].to_dict() == NONE
