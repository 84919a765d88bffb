"""/fact: a sourced fact with its verbatim quote."""

from __future__ import annotations

import discord

from bot.discord_app.rendering import message_problems
from bot.exts.facts import FactsCog

NONE = discord.AllowedMentions.none().to_dict()


async def test_fact_sends_the_quote_verbatim(cp_bot, fake_service, make_interaction):
    cog = FactsCog(cp_bot)
    it = make_interaction(cp_bot)
    await cog.fact.callback(cog, it, topic="puces")
    assert it.events[0] == ("defer", (), {"thinking": True})
    kw = it.events[1][2]
    embed = kw["embeds"][0]
    assert embed.description == "Amazon a investi 4 milliards."
    assert embed.fields[0].value == "« Amazon investit 4 milliards de dollars »"
    assert message_problems(kw["embeds"]) == [] and kw["allowed_mentions"].to_dict() == NONE
    assert ("fact", "puces", "fr") in fake_service.calls


async def test_fact_without_topic_and_when_nothing_is_available(cp_bot, fake_service, make_interaction):
    cog = FactsCog(cp_bot)
    await cog.fact.callback(cog, make_interaction(cp_bot), topic=None)
    assert ("fact", None, "fr") in fake_service.calls
    it = make_interaction(cp_bot, locale=discord.Locale.british_english)
    await cog.fact.callback(cog, it, topic="rien")
    kw = it.events[-1][2]
    assert kw["ephemeral"] is True and "No sourced fact" in kw["content"]


async def test_fact_topic_too_long_is_refused(cp_bot, fake_service, make_interaction):
    cog = FactsCog(cp_bot)
    it = make_interaction(cp_bot)
    await cog.fact.callback(cog, it, topic="x" * 400)
    assert [e[0] for e in it.events] == ["send_message"] and "trop long" in it.events[0][2]["content"]
    assert not [c for c in fake_service.calls if c[0] == "fact"]
