"""/counter: other sides' strongest arguments, with a Sources button."""

from __future__ import annotations

import discord

from bot.discord_app.rendering import message_problems
from bot.discord_app.views import SourcesButton
from bot.exts.counter import CounterCog

NONE = discord.AllowedMentions.none().to_dict()


async def test_counter_defers_then_sends_other_sides_and_sources_button(cp_bot, fake_service, make_interaction):
    cog = CounterCog(cp_bot)
    it = make_interaction(cp_bot)
    await cog.counter.callback(cog, it, claim="L'automatisation est un pur progrès")
    assert it.events[0] == ("defer", (), {"thinking": True})
    kw = it.events[1][2]
    embed = kw["embeds"][0]
    assert "Pour" in embed.description and embed.fields[0].value == "• Dystopique. [1]"
    assert message_problems(kw["embeds"]) == [] and kw["allowed_mentions"].to_dict() == NONE
    [button] = kw["view"].children
    assert isinstance(button, SourcesButton)
    click = make_interaction(cp_bot, kind=discord.InteractionType.component)
    await button.callback(click)
    assert click.events[-1][2]["embeds"][0].fields[0].value == "ce projet dystopique"
    assert ("counter", "L'automatisation est un pur progrès", "fr") in fake_service.calls


async def test_counter_applies_cooldown_and_input_checks(cp_bot, fake_service, make_interaction):
    cog = CounterCog(cp_bot)
    bad = make_interaction(cp_bot)
    await cog.counter.callback(cog, bad, claim="\u200b")
    assert bad.events[0][0] == "send_message" and bad.events[0][2]["ephemeral"] is True
    for _ in range(cp_bot.settings.discord.cooldown.rate):
        await cog.counter.callback(cog, make_interaction(cp_bot), claim="x")
    late = make_interaction(cp_bot)
    await cog.counter.callback(cog, late, claim="x")
    assert late.events[0][0] == "send_message" and "Réessaie" in late.events[0][2]["content"]
