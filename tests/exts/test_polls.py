"""/poll commands, start_debate_poll and the poll-result listener.

Real discord.py objects throughout (ConnectionState, Guild, Member, TextChannel, Message, Poll):
only the HTTP layer is replaced, by a small in-memory Discord (FakeDiscordHTTP) that stores
message payloads the way the API returns them. Polls are recorded in a real SQLite PollStore.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
from datetime import datetime, timedelta, timezone
from unittest.mock import AsyncMock, MagicMock

import discord
import pytest
from discord.state import ConnectionState

from bot.core.models import Debate, DebateSide
from bot.core.polls import PollRecord, PollStore
from bot.discord_app.poll_render import FR_LOCALIZATIONS, MessageRef, build_poll, parse_message_ref
from bot.discord_app.poll_workflow import start_debate_poll
from bot.exts.polls import PollsCog
from bot.settings import Settings

GUILD_ID = 111111111111111111
OTHER_GUILD_ID = 333333333333333333
CHANNEL_ID = 222222222222222222
BOT_ID = 999999999999999999
MOD_ROLE, TEAM_ROLE, ADMIN_ROLE, BOT_ROLE = 2000, 2100, 2200, 2300
NONE_MENTIONS = discord.AllowedMentions.none().to_dict()


# -- an in-memory Discord ---------------------------------------------------------------------

def user_payload(uid: int, name: str, bot: bool = False) -> dict:
    return {"id": str(uid), "username": name, "discriminator": "0", "avatar": None, "global_name": name, "bot": bot}


def role_payload(rid: int, name: str, perms: discord.Permissions, position: int) -> dict:
    return {"id": str(rid), "name": name, "permissions": str(perms.value), "position": position, "color": 0,
            "hoist": False, "managed": False, "mentionable": False}


def message_payload(mid: int, channel_id: int, *, type_: int = 0, author_id: int = BOT_ID) -> dict:
    return {
        "id": str(mid), "channel_id": str(channel_id), "guild_id": str(GUILD_ID), "type": type_, "content": "",
        "author": user_payload(author_id, "contrepoint" if author_id == BOT_ID else "someone", author_id == BOT_ID),
        "timestamp": discord.utils.snowflake_time(mid).isoformat(), "edited_timestamp": None, "tts": False,
        "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
        "pinned": False, "flags": 0, "components": [],
    }


class FakeDiscordHTTP:
    """Replaces discord.http.HTTPClient for the few routes the polls cog uses."""

    def __init__(self) -> None:
        self.messages: dict[int, dict] = {}
        self.sent: list[dict] = []  # JSON payloads of POST /channels/{id}/messages
        self.ended: list[int] = []
        self._seq = itertools.count(1)

    def snowflake(self, at: datetime | None = None) -> int:
        return discord.utils.time_snowflake(at or datetime.now(timezone.utc)) + next(self._seq)

    async def send_message(self, channel_id, *, params):
        payload = params.payload
        self.sent.append(payload)
        mid = self.snowflake()
        data = message_payload(mid, int(channel_id))
        data["content"] = payload.get("content") or ""
        if "poll" in payload:
            p = payload["poll"]
            data["poll"] = {
                "question": p["question"], "allow_multiselect": p["allow_multiselect"], "layout_type": p["layout_type"],
                "expiry": (discord.utils.snowflake_time(mid) + timedelta(hours=p["duration"])).isoformat(),
                "answers": [{"answer_id": i + 1, "poll_media": a["poll_media"]} for i, a in enumerate(p["answers"])],
                "results": {"is_finalized": False, "answer_counts": []},
            }
        self.messages[mid] = data
        return copy.deepcopy(data)

    async def get_message(self, channel_id, message_id):
        data = self.messages.get(int(message_id))
        if data is None or int(data["channel_id"]) != int(channel_id):
            raise discord.NotFound(MagicMock(status=404, reason="Not Found"), {"code": 10008, "message": "Unknown Message"})
        return copy.deepcopy(data)

    async def get_channel(self, channel_id):
        raise discord.NotFound(MagicMock(status=404, reason="Not Found"), {"code": 10003, "message": "Unknown Channel"})

    async def end_poll(self, channel_id, message_id):
        self.ended.append(int(message_id))
        data = self.messages[int(message_id)]
        data["poll"]["expiry"] = datetime.now(timezone.utc).isoformat()
        return copy.deepcopy(data)

    # test controls
    def add_poll_message(self, *, author_id: int, question: str, answers: list[str], hours: int = 24,
                         at: datetime | None = None, channel_id: int = CHANNEL_ID) -> int:
        mid = self.snowflake(at)
        data = message_payload(mid, channel_id, author_id=author_id)
        data["poll"] = {
            "question": {"text": question}, "allow_multiselect": False, "layout_type": 1,
            "expiry": (discord.utils.snowflake_time(mid) + timedelta(hours=hours)).isoformat(),
            "answers": [{"answer_id": i + 1, "poll_media": {"text": a}} for i, a in enumerate(answers)],
            "results": {"is_finalized": False, "answer_counts": []},
        }
        self.messages[mid] = data
        return mid

    def add_plain_message(self, channel_id: int = CHANNEL_ID) -> int:
        mid = self.snowflake()
        self.messages[mid] = message_payload(mid, channel_id)
        return mid

    def set_votes(self, message_id: int, counts: list[int], *, final: bool = False) -> None:
        self.messages[message_id]["poll"]["results"] = {
            "is_finalized": final,
            "answer_counts": [{"id": i + 1, "count": c, "me_voted": False} for i, c in enumerate(counts)],
        }


class World:
    """One guild, one text channel, the bot member and helpers to add members."""

    def __init__(self, bot_perms: discord.Permissions) -> None:
        self.http = FakeDiscordHTTP()
        self.state = ConnectionState(dispatch=lambda *a, **k: None, handlers={}, hooks={}, http=self.http,
                                     intents=discord.Intents.default(), chunk_guilds_at_startup=False)
        self.state.user = discord.ClientUser(state=self.state, data=user_payload(BOT_ID, "contrepoint", True))
        everyone = discord.Permissions(view_channel=True, send_messages=True, read_message_history=True)
        self.guild = discord.Guild(state=self.state, data={
            "id": str(GUILD_ID), "name": "Débats IA", "owner_id": "1", "features": [], "emojis": [], "stickers": [],
            "roles": [
                role_payload(GUILD_ID, "@everyone", everyone, 0),
                role_payload(MOD_ROLE, "Modération", discord.Permissions(manage_messages=True), 1),
                role_payload(TEAM_ROLE, "Équipe débats", discord.Permissions.none(), 2),
                role_payload(ADMIN_ROLE, "Admin", discord.Permissions(administrator=True), 3),
                role_payload(BOT_ROLE, "Contrepoint", bot_perms, 4),
            ],
            "channels": [{"id": str(CHANNEL_ID), "type": 0, "name": "debats", "position": 0, "permission_overwrites": []}],
            "members": [], "member_count": 5,
        })
        self.state._add_guild(self.guild)
        self.channel = self.guild.get_channel(CHANNEL_ID)
        self.me = self.member(BOT_ID, "contrepoint", [BOT_ROLE], bot=True)

    def member(self, uid: int, name: str, roles: list[int], bot: bool = False) -> discord.Member:
        m = discord.Member(state=self.state, guild=self.guild, data={
            "user": user_payload(uid, name, bot), "roles": [str(r) for r in roles],
            "joined_at": "2024-01-01T00:00:00+00:00", "deaf": False, "mute": False, "flags": 0})
        self.guild._add_member(m)
        return m

    def poll_result_message(self, poll_id: int, *, winner_id: int, winner_votes: int, total: int) -> discord.Message:
        """The system message (type 46) Discord posts when a poll ends, as the gateway sends it."""
        data = message_payload(self.http.snowflake(), CHANNEL_ID, type_=46)
        data["embeds"] = [{"type": "poll_result", "fields": [
            {"name": "poll_question_text", "value": "?", "inline": False},
            {"name": "victor_answer_votes", "value": str(winner_votes), "inline": False},
            {"name": "total_votes", "value": str(total), "inline": False},
            {"name": "victor_answer_id", "value": str(winner_id), "inline": False},
            {"name": "victor_answer_text", "value": "?", "inline": False},
        ]}]
        data["message_reference"] = {"type": 0, "message_id": str(poll_id), "channel_id": str(CHANNEL_ID), "guild_id": str(GUILD_ID)}
        return self.state.create_message(channel=self.channel, data=data)


# -- the service and the bot ------------------------------------------------------------------

def side(sid: str, label: str, label_en: str) -> DebateSide:
    return DebateSide(id=sid, label=label, label_en=label_en, arguments=())


JOBS = Debate(
    id="automatisation-emplois",
    question="L'automatisation par l'IA va-t-elle détruire plus d'emplois qu'elle n'en crée ?",
    question_en="Will AI automation destroy more jobs than it creates?",
    sides=(side("pessimiste", "Oui, destruction nette d'emplois", "Yes, net job losses"),
           side("optimiste", "Non, de nouveaux métiers apparaîtront", "No, new jobs will appear"),
           side("nuance", "Cela dépend des politiques publiques", "It depends on public policy")),
)
INVEST = Debate(
    id="investissements-justifies",
    question="Les milliards investis par Amazon et Google dans Anthropic sont-ils justifiés ?",
    question_en="Are the billions Amazon and Google invest in Anthropic justified?",
    sides=(side("oui", "Oui, la course au calcul l'exige", "Yes, the compute race requires it"),
           side("non", "Non, c'est une bulle", "No, it is a bubble")),
)
FILLER = [Debate(id=f"debat-{i:02d}", question=f"Question de débat numéro {i} " + "x" * 120, question_en="", sides=JOBS.sides)
          for i in range(30)]


class FakeService:
    """The facade's catalogue methods over hand-built debates. suggest_debates ignores `limit`
    on purpose, so the cog's own cap on autocomplete choices is what the tests see."""

    def __init__(self, store: PollStore | None = None) -> None:
        self.all = [JOBS, INVEST, *FILLER]
        self.store = store
        self.unusable_path = None

    def poll_store(self) -> PollStore:
        """The facade's poll store: the test's real SQLite store, or what opening an unusable path raises."""
        return PollStore(self.unusable_path) if self.unusable_path is not None else self.store

    def debates(self):
        return list(self.all)

    def debate(self, debate_id):
        return next((d for d in self.all if d.id == debate_id), None)

    def suggest_debates(self, text, limit=25):
        words = text.lower().split()
        return [d for d in self.all if all(w in (d.question + " " + d.id).lower() for w in words)]


class FakeBot:
    """The attributes of ContrepointBot the cog uses."""

    def __init__(self, world: World, settings: Settings, store: PollStore) -> None:
        self.settings = settings
        self.service = FakeService(store)
        self.user = world.state.user
        self._guild = world.guild

    async def run_core(self, fn, *args, **kwargs):
        return await asyncio.to_thread(fn, *args, **kwargs)

    def get_channel(self, channel_id):
        return self._guild.get_channel_or_thread(channel_id)

    async def wait_until_ready(self):
        return None


class Replies:
    """Everything the command said back, in order, through response or followup."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple, dict]] = []

    @property
    def last(self) -> tuple[str, tuple, dict]:
        assert self.calls, "the command did not reply"
        return self.calls[-1]

    @property
    def text(self) -> str:
        _, args, kwargs = self.last
        return (args[0] if args else kwargs.get("content")) or ""

    def assert_no_mentions(self) -> None:
        for kind, _, kwargs in self.calls:
            if kind in ("send_message", "followup"):
                assert kwargs.get("allowed_mentions") is not None, kind
                assert kwargs["allowed_mentions"].to_dict() == NONE_MENTIONS


def make_interaction(world: World, user, *, locale: discord.Locale = discord.Locale.french, guild=True):
    it = MagicMock(spec=discord.Interaction)
    it.user = user
    it.guild = world.guild if guild else None
    it.guild_id = GUILD_ID if guild else None
    it.channel = world.channel
    it.channel_id = CHANNEL_ID
    it.locale = locale
    replies = Replies()
    done = {"v": False}

    def recorder(kind):
        async def record(*args, **kwargs):
            if kind != "followup":
                done["v"] = True
            replies.calls.append((kind, args, kwargs))
        return record

    response = MagicMock(spec=discord.InteractionResponse)
    response.is_done.side_effect = lambda: done["v"]
    response.send_message = AsyncMock(side_effect=recorder("send_message"))
    response.defer = AsyncMock(side_effect=recorder("defer"))
    it.response = response
    followup = MagicMock(spec=discord.Webhook)
    followup.send = AsyncMock(side_effect=recorder("followup"))
    it.followup = followup
    return it, replies


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def world() -> World:
    return World(discord.Permissions(send_polls=True, embed_links=True, attach_files=True))


@pytest.fixture
def store(tmp_path):
    s = PollStore(tmp_path / "polls.sqlite3")
    yield s
    s.close()


@pytest.fixture
def bot(world, settings, store) -> FakeBot:
    return FakeBot(world, settings, store)


@pytest.fixture
def cog(bot) -> PollsCog:
    return PollsCog(bot)


@pytest.fixture
def mod(world) -> discord.Member:
    return world.member(10, "modo", [MOD_ROLE])


async def create(cog, it, question="Faut-il taxer les robots ?", answers="Oui; Non; Sans avis", duration=48, multiple=False):
    await PollsCog.poll_create.callback(cog, it, question=question, answers=answers, duration=duration, multiple=multiple)


def sent_poll(world: World) -> discord.Poll:
    """The discord.Poll Discord received, rebuilt from the request payload the real Messageable.send built."""
    payload = world.http.sent[-1]
    assert payload["allowed_mentions"] == NONE_MENTIONS
    data = payload["poll"]
    poll = discord.Poll(question=data["question"]["text"], duration=timedelta(hours=data["duration"]), multiple=data["allow_multiselect"])
    for a in data["answers"]:
        poll.add_answer(text=a["poll_media"]["text"])
    return poll


# -- /poll create ----------------------------------------------------------------------------

async def test_create_posts_a_native_poll_and_records_it(world, bot, cog, mod, store):
    it, replies = make_interaction(world, mod)
    await create(cog, it, duration=48, multiple=True)

    poll = sent_poll(world)
    assert poll.question == "Faut-il taxer les robots ?"
    assert [a.text for a in poll.answers] == ["Oui", "Non", "Sans avis"]
    assert poll.duration == timedelta(hours=48)
    assert poll.multiple is True

    (mid,) = world.http.messages
    rec = store.get(mid)
    assert rec is not None
    assert (rec.channel_id, rec.guild_id, rec.created_by, rec.debate_id) == (CHANNEL_ID, GUILD_ID, mod.id, None)
    assert rec.answers == ["Oui", "Non", "Sans avis"] and rec.multiple is True
    assert rec.ends_at - rec.created_at == timedelta(hours=48)
    assert f"https://discord.com/channels/{GUILD_ID}/{CHANNEL_ID}/{mid}" in replies.text
    assert replies.last[2]["ephemeral"] is True
    replies.assert_no_mentions()


def test_build_poll_from_spec_uses_real_poll_objects():
    from bot.core.polls import build_poll_spec

    poll = build_poll(build_poll_spec("Q ?", "a; b", 5, True))
    assert isinstance(poll, discord.Poll)
    assert all(isinstance(a, discord.PollAnswer) for a in poll.answers)
    assert (poll.question, [a.text for a in poll.answers], poll.duration, poll.multiple) == ("Q ?", ["a", "b"], timedelta(hours=5), True)


async def test_create_uses_default_duration_when_omitted(world, cog, mod, settings):
    it, _ = make_interaction(world, mod)
    await create(cog, it, duration=None)
    assert sent_poll(world).duration == timedelta(hours=settings.polls.default_duration_hours)


async def test_records_survive_a_restart(world, cog, mod, store, tmp_path):
    it, _ = make_interaction(world, mod)
    await create(cog, it)
    (mid,) = world.http.messages
    store.close()
    reopened = PollStore(tmp_path / "polls.sqlite3")
    try:
        rec = reopened.get(mid)
        assert rec is not None and rec.question == "Faut-il taxer les robots ?" and rec.created_by == mod.id
        assert [r.message_id for r in reopened.list_open()] == [mid]
    finally:
        reopened.close()


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        ({"answers": "; ".join(f"r{i}" for i in range(11))}, "au plus 10"),
        ({"answers": "Oui; " + "n" * 56}, "55"),
        ({"answers": "Oui"}, "au moins 2"),
        ({"question": "q" * 301}, "300"),
        ({"duration": 0}, "768"),
        ({"duration": 769}, "768"),
    ],
)
async def test_create_enforces_discord_limits_with_clear_errors(world, cog, mod, store, kwargs, expected):
    it, replies = make_interaction(world, mod)
    await create(cog, it, **kwargs)
    assert world.http.sent == []
    assert store.list_open() == []
    assert expected in replies.text
    assert replies.last[2]["ephemeral"] is True
    replies.assert_no_mentions()


async def test_create_errors_follow_the_user_locale(world, cog, mod):
    it, replies = make_interaction(world, mod, locale=discord.Locale.american_english)
    await create(cog, it, answers="Yes")
    assert "at least 2" in replies.text


async def test_unusable_poll_database_is_explained_and_nothing_is_posted(world, bot, cog, mod, tmp_path):
    bot.service.unusable_path = tmp_path  # a folder: PollStore raises PollStoreError
    it, replies = make_interaction(world, mod)
    await create(cog, it)
    assert world.http.sent == []
    assert "base des sondages est indisponible" in replies.text and replies.last[2]["ephemeral"] is True
    replies.assert_no_mentions()


async def test_missing_send_polls_permission_is_explained(settings, store):
    world = World(discord.Permissions(embed_links=True))  # no Create Polls
    bot = FakeBot(world, settings, store)
    it, replies = make_interaction(world, world.member(10, "modo", [MOD_ROLE]))
    await create(PollsCog(bot), it)
    assert world.http.sent == []
    assert "Créer des sondages" in replies.text
    assert replies.last[2]["ephemeral"] is True
    replies.assert_no_mentions()


async def test_missing_permission_read_from_the_interaction(world, cog, mod):
    it, replies = make_interaction(world, mod)
    # Discord's own view of the bot's channel permissions wins over the cached roles.
    it.app_permissions = discord.Permissions(view_channel=True, send_messages=True)
    await create(cog, it)
    assert world.http.sent == []
    assert "Créer des sondages" in replies.text and "Envoyer des messages" not in replies.text


async def test_discord_refusal_on_send_is_reported(world, cog, mod, store):
    world.http.send_message = AsyncMock(side_effect=discord.Forbidden(MagicMock(status=403, reason="Forbidden"), "Missing Permissions"))
    it, replies = make_interaction(world, mod)
    await create(cog, it)
    assert "refusé" in replies.text
    assert store.list_open() == []
    replies.assert_no_mentions()


# -- the moderator check ----------------------------------------------------------------------

async def test_non_moderator_is_refused_even_when_discord_permissions_are_bypassed(world, cog, store):
    member = world.member(20, "curieux", [])
    it, replies = make_interaction(world, member)
    await create(cog, it)
    assert world.http.sent == [] and store.list_open() == []
    assert "réservés à la modération" in replies.text
    assert replies.last[2]["ephemeral"] is True
    replies.assert_no_mentions()


async def test_configured_moderator_roles_replace_manage_messages(world, store):
    settings = Settings.model_validate({"discord": {"moderator_role_ids": [TEAM_ROLE]}})
    bot = FakeBot(world, settings, store)
    cog = PollsCog(bot)

    manage_only = world.member(21, "gestion", [MOD_ROLE])
    it, replies = make_interaction(world, manage_only)
    await create(cog, it)
    assert world.http.sent == []
    assert "rôle de modérateur" in replies.text

    team = world.member(22, "equipe", [TEAM_ROLE])
    it, _ = make_interaction(world, team)
    await create(cog, it)
    assert len(world.http.sent) == 1


@pytest.mark.parametrize("command", ["results", "end", "debate"])
async def test_every_subcommand_checks_the_moderator(world, cog, command):
    mid = world.http.add_poll_message(author_id=BOT_ID, question="Q ?", answers=["a", "b"])
    it, replies = make_interaction(world, world.member(23, "curieux", []))
    if command == "results":
        await PollsCog.poll_results.callback(cog, it, message=str(mid))
    elif command == "end":
        await PollsCog.poll_end.callback(cog, it, message=str(mid))
    else:
        await PollsCog.poll_debate.callback(cog, it, topic=JOBS.id)
    assert "réservés" in replies.text
    assert world.http.ended == [] and len(world.http.sent) == 0
    replies.assert_no_mentions()


async def test_start_debate_poll_refuses_non_moderators(world, bot):
    it, replies = make_interaction(world, world.member(24, "curieux", []))
    await start_debate_poll(bot, it, JOBS.id)
    assert world.http.sent == []
    assert "réservés" in replies.text


# -- /poll debate and the Sondage button ------------------------------------------------------

async def test_debate_poll_answers_are_the_side_labels(world, cog, mod, store):
    it, replies = make_interaction(world, mod)
    await PollsCog.poll_debate.callback(cog, it, topic=JOBS.id, duration=12)
    poll = sent_poll(world)
    assert poll.question == JOBS.question
    assert [a.text for a in poll.answers] == [s.label for s in JOBS.sides]
    assert poll.duration == timedelta(hours=12) and poll.multiple is False
    (mid,) = world.http.messages
    assert store.get(mid).debate_id == JOBS.id
    replies.assert_no_mentions()


async def test_start_debate_poll_in_english_community(world, store, mod):
    bot = FakeBot(world, Settings(language="en"), store)
    it, _ = make_interaction(world, mod, locale=discord.Locale.american_english)
    await start_debate_poll(bot, it, INVEST.id)
    poll = sent_poll(world)
    assert poll.question == INVEST.question_en
    assert [a.text for a in poll.answers] == [s.label_en for s in INVEST.sides]
    assert poll.duration == timedelta(hours=bot.settings.polls.default_duration_hours)


async def test_unknown_debate_gets_suggestions(world, cog, mod):
    it, replies = make_interaction(world, mod)
    await PollsCog.poll_debate.callback(cog, it, topic="Anthropic milliards")
    assert world.http.sent == []
    assert "Débat introuvable" in replies.text and INVEST.id in replies.text


async def test_topic_autocomplete_caps_choices(world, cog, mod):
    it, _ = make_interaction(world, mod)
    choices = await PollsCog.topic_autocomplete(cog, it, "")
    assert len(choices) == 25
    assert all(len(c.name) <= 100 and len(c.value) <= 100 for c in choices)
    narrowed = await PollsCog.topic_autocomplete(cog, it, "emplois")
    assert [c.value for c in narrowed] == [JOBS.id]
    assert narrowed[0].name == JOBS.question


# -- /poll results ----------------------------------------------------------------------------

def png_files(kwargs: dict) -> list[bytes]:
    out = []
    for f in kwargs.get("files", []):
        assert isinstance(f, discord.File)
        data = f.fp.read()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        out.append(data)
    return out


async def test_results_show_counts_and_a_chart(world, cog, mod, store):
    it, _ = make_interaction(world, mod)
    await create(cog, it)
    (mid,) = world.http.messages
    world.http.set_votes(mid, [6, 3, 1])

    it, replies = make_interaction(world, mod)
    await PollsCog.poll_results.callback(cog, it, message=f"https://discord.com/channels/{GUILD_ID}/{CHANNEL_ID}/{mid}")
    kind, _, kwargs = replies.last
    assert kind == "followup"
    (embed,) = kwargs["embeds"]
    assert "6 votes" in embed.description and "60,0 %" in embed.description and "provisoire" in embed.description
    assert embed.image.url == "attachment://poll_results.png"
    assert len(png_files(kwargs)) == 1
    assert kwargs["ephemeral"] is True  # a running poll: results stay private by default
    rec = store.get(mid)
    assert rec.counts == [6, 3, 1] and rec.counts_final is False
    replies.assert_no_mentions()


async def test_results_of_a_finalized_poll_are_public_and_final(world, cog, mod, store):
    it, _ = make_interaction(world, mod)
    await create(cog, it)
    (mid,) = world.http.messages
    world.http.set_votes(mid, [2, 2, 0], final=True)
    it, replies = make_interaction(world, mod)
    await PollsCog.poll_results.callback(cog, it, message=str(mid))
    kwargs = replies.last[2]
    assert kwargs["ephemeral"] is False
    assert "Décompte final" in kwargs["embeds"][0].description
    rec = store.get(mid)
    assert rec.counts == [2, 2, 0] and rec.counts_final and rec.ended


@pytest.mark.parametrize("first_results_shown", [True, False])
async def test_results_show_the_opinion_shift_between_two_debate_polls(world, cog, mod, store, first_results_shown):
    for _ in range(2):
        it, _ = make_interaction(world, mod)
        await PollsCog.poll_debate.callback(cog, it, topic=JOBS.id, duration=24)
    first, second = sorted(world.http.messages)
    world.http.set_votes(first, [6, 3, 1], final=True)
    world.http.set_votes(second, [2, 7, 1], final=True)
    if first_results_shown:  # else the first poll's counts are fetched from Discord when needed
        it, _ = make_interaction(world, mod)
        await PollsCog.poll_results.callback(cog, it, message=str(first))

    it, replies = make_interaction(world, mod)
    await PollsCog.poll_results.callback(cog, it, message=str(second))
    kwargs = replies.last[2]
    results, shift = kwargs["embeds"]
    assert "Évolution" in shift.title
    assert "60,0 % → 20,0 %" in shift.description and "-40,0 pts" in shift.description
    assert JOBS.sides[1].label in shift.description
    assert shift.image.url == "attachment://poll_shift.png"
    assert len(png_files(kwargs)) == 2
    replies.assert_no_mentions()


async def test_no_shift_for_a_poll_without_debate(world, cog, mod):
    for _ in range(2):
        it, _ = make_interaction(world, mod)
        await create(cog, it)
    second = max(world.http.messages)
    world.http.set_votes(second, [1, 1, 1], final=True)
    it, replies = make_interaction(world, mod)
    await PollsCog.poll_results.callback(cog, it, message=str(second))
    assert len(replies.last[2]["embeds"]) == 1


async def test_results_adopt_a_poll_posted_by_someone_else(world, cog, mod, store):
    mid = world.http.add_poll_message(author_id=55, question="Sondage d'un membre", answers=["a", "b"])
    world.http.set_votes(mid, [1, 4])
    it, replies = make_interaction(world, mod)
    await PollsCog.poll_results.callback(cog, it, message=str(mid))
    assert "Sondage d'un membre" in replies.last[2]["embeds"][0].description
    rec = store.get(mid)
    assert rec.created_by == 55 and rec.counts == [1, 4]


@pytest.mark.parametrize(
    "make_ref, expected",
    [
        (lambda w: "pas un lien", "ni un lien de message ni un identifiant"),
        (lambda w: f"https://discord.com/channels/{OTHER_GUILD_ID}/{CHANNEL_ID}/123456789012345678", "autre serveur"),
        (lambda w: "123456789012345678", "Message introuvable"),
        (lambda w: f"https://discord.com/channels/{GUILD_ID}/444444444444444444/123456789012345678", "Salon introuvable"),
        (lambda w: str(w.http.add_plain_message()), "ne contient pas de sondage"),
    ],
)
async def test_results_bad_references_get_clear_errors(world, cog, mod, make_ref, expected):
    it, replies = make_interaction(world, mod)
    await PollsCog.poll_results.callback(cog, it, message=make_ref(world))
    assert expected in replies.text
    assert replies.last[2]["ephemeral"] is True
    replies.assert_no_mentions()


def test_parse_message_ref_accepts_links_and_ids():
    assert parse_message_ref(" 123456789012345678 ") == MessageRef(123456789012345678)
    assert parse_message_ref(f"https://ptb.discord.com/channels/{GUILD_ID}/{CHANNEL_ID}/123456789012345678") == MessageRef(
        123456789012345678, CHANNEL_ID, GUILD_ID)
    assert parse_message_ref(f"<https://discordapp.com/channels/@me/{CHANNEL_ID}/123456789012345678>") == MessageRef(
        123456789012345678, CHANNEL_ID, None)
    for bad in ("", "12", "https://example.com/channels/1/2/3", "https://discord.com/channels/1/2"):
        assert parse_message_ref(bad) is None


# -- /poll end ------------------------------------------------------------------------------

async def test_end_stops_the_poll_and_marks_it_ended(world, cog, mod, store):
    it, _ = make_interaction(world, mod)
    await create(cog, it)
    (mid,) = world.http.messages
    it, replies = make_interaction(world, mod)
    await PollsCog.poll_end.callback(cog, it, message=str(mid))
    assert world.http.ended == [mid]
    assert store.get(mid).ended is True
    assert store.list_open() == []
    assert "Sondage terminé" in replies.text
    replies.assert_no_mentions()


async def test_end_refuses_polls_of_other_authors(world, cog, mod):
    mid = world.http.add_poll_message(author_id=55, question="Q", answers=["a", "b"])
    it, replies = make_interaction(world, mod)
    await PollsCog.poll_end.callback(cog, it, message=str(mid))
    assert world.http.ended == []
    assert "que j'ai publiés" in replies.text


async def test_end_of_an_already_finished_poll(world, cog, mod, store):
    it, _ = make_interaction(world, mod)
    await create(cog, it)
    (mid,) = world.http.messages
    world.http.set_votes(mid, [1, 0, 0], final=True)
    it, replies = make_interaction(world, mod)
    await PollsCog.poll_end.callback(cog, it, message=str(mid))
    assert world.http.ended == []
    assert "déjà terminé" in replies.text
    assert store.get(mid).counts_final is True


# -- final counts --------------------------------------------------------------------------

async def test_poll_result_message_captures_final_counts(world, cog, mod, store):
    it, _ = make_interaction(world, mod)
    await create(cog, it)
    (mid,) = world.http.messages
    world.http.set_votes(mid, [5, 2, 1], final=True)

    result = world.poll_result_message(mid, winner_id=1, winner_votes=5, total=8)
    assert result.type is discord.MessageType.poll_result and result.reference.message_id == mid
    await cog.on_message(result)

    rec = store.get(mid)
    assert rec.counts == [5, 2, 1] and rec.counts_final is True and rec.ended is True


async def test_poll_result_of_an_unknown_poll_is_ignored(world, cog, store):
    mid = world.http.add_poll_message(author_id=55, question="Q", answers=["a", "b"])
    world.http.set_votes(mid, [1, 1], final=True)
    await cog.on_message(world.poll_result_message(mid, winner_id=1, winner_votes=1, total=2))
    assert store.get(mid) is None


async def test_ordinary_messages_are_ignored(world, cog, store):
    msg = world.state.create_message(channel=world.channel, data=message_payload(world.http.snowflake(), CHANNEL_ID))
    await cog.on_message(msg)  # must not touch the store or the network
    assert store.list_open() == []


async def test_catch_up_captures_polls_that_ended_offline(world, cog, store):
    past = datetime.now(timezone.utc) - timedelta(days=3)
    mid = world.http.add_poll_message(author_id=BOT_ID, question="Q", answers=["a", "b"], hours=1, at=past)
    world.http.set_votes(mid, [3, 4], final=True)
    store.add(PollRecord(message_id=mid, channel_id=CHANNEL_ID, guild_id=GUILD_ID, debate_id=None, question="Q",
                         answers=["a", "b"], multiple=False, created_by=10, created_at=past, ends_at=past + timedelta(hours=1)))
    running = world.http.add_poll_message(author_id=BOT_ID, question="R", answers=["a", "b"], hours=48)
    now = datetime.now(timezone.utc)
    store.add(PollRecord(message_id=running, channel_id=CHANNEL_ID, guild_id=GUILD_ID, debate_id=None, question="R",
                         answers=["a", "b"], multiple=False, created_by=10, created_at=now, ends_at=now + timedelta(hours=48)))

    assert await cog.catch_up_expired() == 1
    rec = store.get(mid)
    assert rec.counts == [3, 4] and rec.counts_final and rec.ended
    assert [r.message_id for r in store.list_open()] == [running]


async def test_after_a_restart_open_polls_are_recovered_and_captured_when_they_end(world, settings, store, tmp_path):
    """The database is all that survives a restart: a new bot, cog and store finish the open poll's story,
    even though Discord's poll-result message never arrives."""
    now = datetime.now(timezone.utc)
    mid = world.http.add_poll_message(author_id=BOT_ID, question="Q", answers=["a", "b"], hours=1)
    store.add(PollRecord(message_id=mid, channel_id=CHANNEL_ID, guild_id=GUILD_ID, debate_id=None, question="Q",
                         answers=["a", "b"], multiple=False, created_by=10, created_at=now, ends_at=now + timedelta(seconds=0.3)))
    store.close()  # the bot stops

    reopened = PollStore(tmp_path / "polls.sqlite3")
    try:
        cog = PollsCog(FakeBot(world, settings, reopened))
        assert [r.message_id for r in reopened.list_open()] == [mid]
        task = asyncio.create_task(cog._catch_up_when_ready(interval_s=0.05))
        try:
            await asyncio.sleep(0.1)
            assert reopened.get(mid).ended is False  # still running: left alone
            world.http.set_votes(mid, [2, 5], final=True)  # it ends on Discord
            for _ in range(100):
                if reopened.get(mid).ended:
                    break
                await asyncio.sleep(0.05)
        finally:
            task.cancel()
        rec = reopened.get(mid)
        assert rec.ended and rec.counts == [2, 5] and rec.counts_final
        assert reopened.list_open() == []
    finally:
        reopened.close()


def test_poll_group_is_guild_only_and_hidden_from_non_moderators_by_default():
    assert PollsCog.poll.guild_only is True
    assert PollsCog.poll.default_permissions == discord.Permissions(manage_messages=True)
    assert {c.name for c in PollsCog.poll.commands} == {"create", "debate", "results", "end"}


# -- localizations --------------------------------------------------------------------------

def test_french_localizations_fit_discord_limits():
    cog_commands = PollsCog.poll.commands
    names = {"poll"} | {c.name for c in cog_commands} | {p.name for c in cog_commands for p in c.parameters}
    descriptions = {PollsCog.poll.description} | {c.description for c in cog_commands} | {
        p.description for c in cog_commands for p in c.parameters}
    for english in names | descriptions:
        assert english in FR_LOCALIZATIONS, english
    for english in names:
        fr = FR_LOCALIZATIONS[english]
        assert fr == fr.lower() and 1 <= len(fr) <= 32 and " " not in fr
    for english in descriptions:
        assert 1 <= len(FR_LOCALIZATIONS[english]) <= 100
