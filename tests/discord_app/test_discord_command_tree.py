"""The application-command tree, built and serialized offline, checked against Discord's limits
and the vendored OpenAPI schema; the French translator."""

from __future__ import annotations

import importlib
import inspect
import json
import re
from pathlib import Path
from unittest.mock import AsyncMock

import discord
import pytest
from discord import app_commands

from bot.discord_app.payload import build_payload, command_payload_async, offline_bot
from bot.discord_app.translator import FR, ContrepointTranslator
from bot.exts import EXTENSIONS

NAME = re.compile(r"^[-_\w]{1,32}$")
SCHEMAS = json.loads((Path(__file__).parents[1] / "data" / "discord_schemas.json").read_text(encoding="utf-8"))
LOCALES = {o["const"] for o in SCHEMAS["components"]["schemas"]["AvailableLocalesEnum"]["oneOf"]}
MINE = {"ask", "debate", "counter", "fact", "sources", "source", "help"}


@pytest.fixture
async def payload(fake_service, discord_settings):
    return await command_payload_async(fake_service, discord_settings)


def check_name(name: str, where: str) -> None:
    assert NAME.match(name), f"{where}: invalid name {name!r}"
    assert name == name.lower(), f"{where}: name {name!r} is not lowercase"


def check_node(node: dict, where: str) -> None:
    check_name(node["name"], where)
    assert 1 <= len(node.get("description", "")) <= 100, f"{where}: description length"
    for locale, value in (node.get("name_localizations") or {}).items():
        assert locale in LOCALES, f"{where}: unknown locale {locale}"
        check_name(value, f"{where} [{locale}]")
    for locale, value in (node.get("description_localizations") or {}).items():
        assert locale in LOCALES, f"{where}: unknown locale {locale}"
        assert 1 <= len(value) <= 100, f"{where} [{locale}]: description length"
    options = node.get("options") or []
    assert len(options) <= 25, f"{where}: too many options"
    names = [o["name"] for o in options]
    assert len(names) == len(set(names)), f"{where}: duplicate option names"
    for locale in LOCALES:
        localized = [(o.get("name_localizations") or {}).get(locale, o["name"]) for o in options]
        assert len(localized) == len(set(localized)), f"{where}: duplicate option names in {locale}"
    for o in options:
        assert len(o.get("choices") or []) <= 25, f"{where}/{o['name']}: too many choices"
        for c in o.get("choices") or []:
            assert 1 <= len(c["name"]) <= 100 and len(str(c["value"])) <= 100
        check_node(o, f"{where}/{o['name']}")


async def test_every_command_respects_discord_limits(payload, discord_schema):
    assert MINE <= {c["name"] for c in payload}
    for cmd in payload:
        check_node(cmd, f"/{cmd['name']}")
        discord_schema("ApplicationCommandUpdateRequest", cmd)


async def test_no_duplicate_command_names_in_any_language(payload):
    names = [c["name"] for c in payload]
    assert len(names) == len(set(names))
    french = [(c.get("name_localizations") or {}).get("fr", c["name"]) for c in payload]
    assert len(french) == len(set(french)), french


async def test_member_commands_are_fully_localized_in_french(payload):
    for cmd in (c for c in payload if c["name"] in MINE):
        assert cmd["name_localizations"].get("fr"), cmd["name"]
        assert cmd["description_localizations"].get("fr"), cmd["name"]
        assert cmd["description_localizations"]["fr"] != cmd["description"]
        for opt in cmd["options"]:
            assert opt["name_localizations"].get("fr") and opt["description_localizations"].get("fr"), (cmd["name"], opt["name"])
    ask = next(c for c in payload if c["name"] == "ask")
    assert ask["name_localizations"] == {"fr": "demander"}
    assert ask["options"][0]["autocomplete"] is True and ask["options"][0]["max_length"] == 1000


async def test_payload_is_exactly_what_sync_sends(fake_service, discord_settings):
    bot = await offline_bot(fake_service, discord_settings)
    bot._connection.application_id = 123
    sent = AsyncMock(return_value=[])
    bot.http.bulk_upsert_global_commands = sent
    await bot.tree.sync()
    assert sent.await_args.kwargs["payload"] == await build_payload(bot)
    assert json.dumps(await build_payload(bot))  # JSON-serialisable as is


async def test_every_extension_imports_and_loads_without_duplicate_commands(fake_service, discord_settings):
    for name in EXTENSIONS:
        module = importlib.import_module(name)
        assert inspect.iscoroutinefunction(getattr(module, "setup", None)), f"{name} has no async setup(bot)"
    assert len(EXTENSIONS) == len(set(EXTENSIONS))
    assert {"bot.exts.polls", "bot.exts.admin"} <= set(EXTENSIONS)
    bot = await offline_bot(fake_service, discord_settings)
    assert bot.extension_errors == {}
    names = [c.name for c in bot.tree.get_commands()]
    assert len(names) == len(set(names))
    # loading the same commands twice is refused by the tree: the check above is meaningful
    with pytest.raises(app_commands.CommandAlreadyRegistered):
        bot.tree.add_command(bot.tree.get_command("ask"))


async def test_a_broken_extension_does_not_stop_the_others(fake_service, discord_settings, monkeypatch):
    import bot.exts as exts

    monkeypatch.setattr(exts, "EXTENSIONS", ["bot.exts.does_not_exist", "bot.exts.help"])
    bot = await offline_bot(fake_service, discord_settings)
    assert "bot.exts.does_not_exist" in bot.extension_errors
    assert bot.tree.get_command("help") is not None


def test_docstrings_are_the_english_descriptions():
    from bot.exts.ask import AskCog

    assert AskCog.ask.description == AskCog.ask.callback.__doc__.strip()


async def test_translator_only_answers_french_and_validates_names():
    tr = ContrepointTranslator(extra={"broken": "Nom Invalide !", "Long": "x" * 101})
    await tr.load()
    ctx = app_commands.TranslationContext(app_commands.TranslationContextLocation.command_name, None)
    desc = app_commands.TranslationContext(app_commands.TranslationContextLocation.command_description, None)
    assert await tr.translate(app_commands.locale_str("ask"), discord.Locale.french, ctx) == "demander"
    assert await tr.translate(app_commands.locale_str("ask"), discord.Locale.german, ctx) is None
    assert await tr.translate(app_commands.locale_str("broken"), discord.Locale.french, ctx) is None
    assert await tr.translate(app_commands.locale_str("Long"), discord.Locale.french, desc) is None
    assert await tr.translate(app_commands.locale_str("unknown"), discord.Locale.french, ctx) is None
    extras = app_commands.locale_str("Some text", fr="Un texte")
    assert await tr.translate(extras, discord.Locale.french, desc) == "Un texte"


def test_french_table_is_within_limits():
    for english, french in FR.items():
        assert 1 <= len(french) <= 100
        if NAME.match(english) and english == english.lower():
            check_name(french, english)
