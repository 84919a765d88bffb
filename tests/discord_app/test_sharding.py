"""`discord.shards`: null -> one connection (commands.Bot); "auto" or N -> discord.py's AutoShardedBot."""

from __future__ import annotations

import discord
import pytest
import yaml
from discord.ext import commands

from bot.discord_app.client import ContrepointBot, make_bot
from bot.settings import ConfigError, Settings, load_settings


def with_shards(settings: Settings, shards) -> Settings:
    return settings.model_copy(update={"discord": settings.discord.model_copy(update={"shards": shards})})


@pytest.mark.parametrize(("shards", "sharded", "count"), [(None, False, None), ("auto", True, None), (1, True, 1), (6, True, 6)])
async def test_client_class_and_shard_count_follow_the_setting(fake_service, discord_settings, shards, sharded, count):
    bot = make_bot(fake_service, with_shards(discord_settings, shards), prepare_core=False)
    try:
        assert isinstance(bot, ContrepointBot)
        assert isinstance(bot, commands.AutoShardedBot) is sharded
        assert isinstance(bot, discord.AutoShardedClient) is sharded
        assert bot.shard_count == count
        assert bot.allowed_mentions.to_dict() == discord.AllowedMentions.none().to_dict()
        assert bot.tree.__class__.__name__ == "ContrepointTree"
    finally:
        bot.answer_cache.close()


@pytest.mark.parametrize(("text", "value"), [("auto", "auto"), ("4", 4), ("null", None)])
def test_valid_values_in_config(tmp_path, text, value):
    (tmp_path / "config.yaml").write_text(f"discord:\n  shards: {text}\n", encoding="utf-8")
    assert load_settings(root=tmp_path, env={}).discord.shards == value


@pytest.mark.parametrize("bad", ["many", 0, -2, 5000, 2.5])
def test_bad_values_are_errors_naming_the_key(tmp_path, bad):
    (tmp_path / "config.yaml").write_text(yaml.safe_dump({"discord": {"shards": bad}}), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(root=tmp_path, env={})
    assert "discord.shards" in str(err.value)


def test_env_override(tmp_path):
    assert load_settings(root=tmp_path, env={"CONTREPOINT__DISCORD__SHARDS": "auto"}).discord.shards == "auto"
