"""Shared fixtures for the Discord layer: settings in tmp_path, a fake Contrepoint service built
from real bot.core.models objects, a not-logged-in ContrepointBot, and spec'd fake interactions.

`make_interaction(...)` returns a MagicMock(spec=discord.Interaction) whose response/followup
methods are AsyncMocks that behave like discord.py's (a second response raises
InteractionResponded) and record every call, in order, in `interaction.events`:
[(name, args, kwargs), ...] with name in defer / send_message / edit_message / autocomplete /
followup.send / edit_original_response / delete_original_response.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import SimpleNamespace
from unittest.mock import AsyncMock, MagicMock

import discord
import pytest

from bot.core.models import (
    Answer,
    Argument,
    Article,
    Chunk,
    Citation,
    CounterResult,
    Debate,
    DebateSide,
    Fact,
    FactResult,
    Point,
    Quote,
    Side,
    SyncReport,
)
from bot.settings import Settings

BOT_USER_ID = 999_000_000_000_000_001
BODY = (
    "Anthropic veut automatiser de larges pans de l'économie. Des critiques jugent ce projet dystopique. "
    "Amazon investit 4 milliards de dollars et fournit ses puces. Les emplois pourraient disparaître."
)


def _cite(i: int, text: str) -> Citation:
    start = BODY.index(text)
    return Citation(i, "art-a", "Article A", "knowledge/articles/art-a.md", text, start, start + len(text))


class FakeService:
    """The Contrepoint facade's methods, returning hand-built models; records every call."""

    def __init__(self, poll_path: Path | None = None) -> None:
        self.calls: list[tuple] = []
        self.poll_path = poll_path  # the real SQLite poll store, opened by poll_store()
        self._polls = None
        self.articles_list = [
            Article("art-a", "Article A", BODY, "knowledge/articles/art-a.md", outlet="Média", published="2024-03-01", tags=("ia",)),
            Article("art-b", "Article B sur les puces", "Texte B sur les puces et l’investissement. " * 150, "knowledge/articles/art-b.md"),
        ]
        q1, q2 = "automatiser de larges pans de l'économie", "ce projet dystopique"
        self.debate_list = [
            Debate(
                "automatiser-economie", "Faut-il automatiser l'économie ?", "Should we automate the economy?",
                sides=(
                    DebateSide("pour", "Pour", "For", (Argument("a1", "Un progrès.", (Quote("art-a", q1),), "Progress."),), "Résumé pour", "Summary for", "favorable"),
                    DebateSide("contre", "Contre", "Against", (Argument("a2", "Dystopique.", (Quote("art-a", q2),), "Dystopian."),), "Résumé contre", "Summary against", "critique"),
                    DebateSide("nuance", "Nuancé", "Nuanced", (Argument("a3", "Ça dépend.", (Quote("art-a", "Amazon investit 4 milliards de dollars"),)),), "Résumé nuance", "", "nuance"),
                ),
            )
        ]
        self.answer_override: Answer | None = None
        self.fail_with: Exception | None = None

    # -- lifecycle and answers ----------------------------------------------------------
    def ensure_ready(self) -> SyncReport:
        self.calls.append(("ensure_ready",))
        return SyncReport()

    def ask(self, question, *, lang=None, history=()):
        self.calls.append(("ask", question, lang, tuple(history)))
        if self.fail_with:
            raise self.fail_with
        if self.answer_override is not None:
            return self.answer_override
        lang = lang or "fr"
        return Answer(
            question=question, kind="debate", lang=lang, answer_markdown="…",
            sides=[Side("Pour", [Point("Automatiser l'économie est l'objectif affiché.", [1])], "pour"),
                   Side("Contre", [Point("Des critiques le jugent dystopique.", [2])], "contre")],
            citations=[_cite(1, "automatiser de larges pans de l'économie"), _cite(2, "ce projet dystopique")],
            grounded=True, mode="extractive", debate_id="automatiser-economie",
        )

    def counter(self, claim, *, lang=None):
        self.calls.append(("counter", claim, lang))
        d = self.debate_list[0]
        return CounterResult(claim, lang or "fr", d, d.sides[0], [Side("Contre", [Point("Dystopique.", [1])], "contre")],
                             [_cite(1, "ce projet dystopique")], "…")

    def fact(self, topic=None, *, lang=None):
        self.calls.append(("fact", topic, lang))
        if topic == "rien":
            return None
        c = _cite(1, "Amazon investit 4 milliards de dollars")
        return FactResult(Fact("f1", "Amazon a investi 4 milliards.", "Amazon invested 4 billion.", Quote("art-a", c.quote)), lang or "fr", "Amazon a investi 4 milliards.", c)

    # -- polls --------------------------------------------------------------------------
    def poll_store(self):
        from bot.core.polls import PollStore, PollStoreError

        self.calls.append(("poll_store",))
        if self._polls is None:
            if self.poll_path is None:
                raise PollStoreError("no poll database in this test")
            self._polls = PollStore(self.poll_path)
        return self._polls

    def close_polls(self) -> None:
        store, self._polls = self._polls, None
        if store is not None:
            store.close()

    # -- catalogue ----------------------------------------------------------------------
    def debates(self):
        return list(self.debate_list)

    def debate(self, debate_id):
        self.calls.append(("debate", debate_id))
        return next((d for d in self.debate_list if d.id == debate_id), None)

    def suggest_debates(self, text, limit=25):
        self.calls.append(("suggest_debates", text, limit))
        words = (text or "").casefold().split()
        found = [d for d in self.debate_list if all(w in d.question.casefold() for w in words)]
        return found[:limit]

    def articles(self):
        return list(self.articles_list)

    def article(self, article_id):
        return next((a for a in self.articles_list if a.id == article_id), None)

    def article_chunks(self, article_id):
        a = self.article(article_id)
        if a is None:
            return []
        step = 120
        return [Chunk(f"{a.id}:{i}", a.id, i, s, min(s + step, len(a.body)), a.body[s:s + step]) for i, s in enumerate(range(0, len(a.body), step))]


@pytest.fixture
def discord_settings(tmp_path) -> Settings:
    return Settings().resolve(tmp_path)


@pytest.fixture
def fake_service(discord_settings) -> FakeService:
    service = FakeService(poll_path=discord_settings.polls.db_path)
    yield service
    service.close_polls()


@pytest.fixture
def cp_bot(fake_service, discord_settings):
    """A ContrepointBot that is not logged in (no network), with the fake service."""
    from bot.discord_app.client import ContrepointBot

    bot = ContrepointBot(fake_service, discord_settings, prepare_core=False)
    bot._connection.user = SimpleNamespace(id=BOT_USER_ID, bot=True)
    yield bot
    bot.answer_cache.close()


@pytest.fixture
def make_interaction():
    """Factory of spec'd fake interactions (see the module docstring)."""

    def make(
        bot=None,
        *,
        locale: discord.Locale = discord.Locale.french,
        user_id: int = 4242,
        channel_id: int = 1000,
        guild_id: int | None = 1,
        kind: discord.InteractionType = discord.InteractionType.application_command,
        permissions: discord.Permissions | None = None,
        roles: tuple[int, ...] = (),
    ):
        it = MagicMock(spec=discord.Interaction)
        it.client = bot
        it.locale = locale
        it.guild_locale = None
        it.type = kind
        it.id = 77
        it.channel_id = channel_id
        it.guild_id = guild_id
        it.permissions = permissions or discord.Permissions.none()
        it.app_permissions = discord.Permissions.all()
        it.channel = MagicMock(spec=discord.TextChannel)
        it.channel.id = channel_id
        it.user = MagicMock(spec=discord.Member)
        it.user.id = user_id
        it.user.bot = False
        it.user.guild_permissions = permissions or discord.Permissions.none()
        it.user.roles = [SimpleNamespace(id=r) for r in roles]
        it.guild = MagicMock(spec=discord.Guild) if guild_id else None
        it.command = None
        it.data = {}
        it.events = []
        state = {"done": False}

        def recorder(name, *, responds=False):
            async def record(*args, **kwargs):
                if responds:
                    if state["done"]:
                        raise discord.InteractionResponded(it)
                    state["done"] = True
                it.events.append((name, args, kwargs))
            return record

        it.response = MagicMock(spec=discord.InteractionResponse)
        it.response.is_done = MagicMock(side_effect=lambda: state["done"])
        for name in ("defer", "send_message", "edit_message", "autocomplete"):
            setattr(it.response, name, AsyncMock(side_effect=recorder(name, responds=True)))
        it.followup = MagicMock(spec=discord.Webhook)
        it.followup.send = AsyncMock(side_effect=recorder("followup.send"))
        it.edit_original_response = AsyncMock(side_effect=recorder("edit_original_response"))
        it.delete_original_response = AsyncMock(side_effect=recorder("delete_original_response"))
        it.original_response = AsyncMock()
        return it

    return make


@pytest.fixture(scope="session")
def discord_schema():
    """validate(component_name, instance): JSON-schema check against the vendored pieces of
    Discord's OpenAPI spec (tests/data/discord_schemas.json); raises ValidationError."""
    import json

    from jsonschema import Draft202012Validator

    doc = json.loads((Path(__file__).parent / "data" / "discord_schemas.json").read_text(encoding="utf-8"))

    def validate(name: str, instance) -> None:
        schema = {**doc, "$ref": f"#/components/schemas/{name}"}
        Draft202012Validator(schema).validate(instance)

    return validate


@pytest.fixture(scope="session")
def vector_cache() -> Path:
    """The session's shared e5 vector cache (see tests/core/conftest.py: VECTOR_CACHE)."""
    return Path(tempfile.gettempdir()) / f"contrepoint-test-vectors-{os.getuid()}"


# The cogs on top of the real Contrepoint service (tests/exts): the real knowledge folder, a real Chroma store
# in a temporary data dir, the default (e5) embedder with the session's vector cache. Kept here, not in a
# tests/exts/conftest.py, because core tests import `conftest` by name and a third one would shadow theirs.
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def real_service(tmp_path_factory, vector_cache):
    from bot.core.service import Contrepoint
    from bot.settings import load_settings

    s = load_settings(root=REPO, env={})
    data = tmp_path_factory.mktemp("discord-real")
    s = s.model_copy(update={
        "store": s.store.model_copy(update={"data_dir": data}),
        "polls": s.polls.model_copy(update={"db_path": data / "polls.sqlite3"}),
        "knowledge": s.knowledge.model_copy(update={"dir": REPO / "knowledge"}),
        "embeddings": s.embeddings.model_copy(update={"backend": "e5", "cache_dir": vector_cache}),
        "llm": s.llm.model_copy(update={"model": None}),
    })
    service = Contrepoint(s, root=REPO)
    service.ensure_ready()
    return service


@pytest.fixture
def real_bot(real_service):
    from bot.discord_app.client import ContrepointBot

    bot = ContrepointBot(real_service, real_service.settings, prepare_core=False)
    yield bot
    bot.answer_cache.close()
