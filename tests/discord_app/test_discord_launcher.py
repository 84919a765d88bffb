"""Launcher: run_bot hands the token to discord.py with our logging; invite URL and docs agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.discord_app import launcher
from bot.discord_app.client import ContrepointBot
from bot.settings import Secrets

DOCS = Path(__file__).resolve().parents[2] / "docs" / "discord.md"


def test_run_bot_uses_the_secret_token_and_our_logging(fake_service, discord_settings, monkeypatch):
    seen = {}

    def fake_run(self, token, **kwargs):
        seen.update(token=token, kwargs=kwargs, bot=self)

    monkeypatch.setattr(ContrepointBot, "run", fake_run)
    launcher.run_bot(fake_service, discord_settings, Secrets(discord_token=SecretStr("secret-token")))
    assert seen["token"] == "secret-token" and seen["kwargs"] == {"log_handler": None}
    assert seen["bot"].service is fake_service and seen["bot"].prepare_core is True


def test_missing_token_is_a_clear_error(fake_service, discord_settings):
    with pytest.raises(RuntimeError, match="DISCORD_TOKEN"):
        launcher.run_bot(fake_service, discord_settings, Secrets())


def test_permissions_integer_and_invite_url_match_the_docs():
    perms = launcher.required_permissions()
    assert perms.send_messages and perms.send_messages_in_threads and perms.send_polls
    assert perms.create_public_threads and perms.embed_links and perms.attach_files and perms.read_message_history
    assert not perms.administrator and not perms.mention_everyone
    text = DOCS.read_text(encoding="utf-8")
    stated = set(re.findall(r"\*\*(\d{6,})\*\*", text))
    assert stated == {str(perms.value)}
    url = launcher.invite_url("<APP_ID>")
    assert url in text
    assert url == f"https://discord.com/oauth2/authorize?client_id=<APP_ID>&scope=bot%20applications.commands&permissions={perms.value}"
