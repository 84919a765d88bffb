"""/debate: map embed with a persistent side menu; autocomplete by debate id."""

from __future__ import annotations

import discord

from bot.discord_app.rendering import message_problems
from bot.exts.debate import DebateCog, debate_choices

NONE = discord.AllowedMentions.none().to_dict()


async def test_debate_by_id_shows_the_map_and_a_persistent_menu(cp_bot, fake_service, make_interaction, discord_schema):
    cog = DebateCog(cp_bot)
    it = make_interaction(cp_bot)
    await cog.debate.callback(cog, it, topic="automatiser-economie")
    assert it.events[0] == ("defer", (), {"thinking": True})
    kw = it.events[1][2]
    [embed] = kw["embeds"]
    assert embed.title == "Faut-il automatiser l'économie ?" and [f.name for f in embed.fields] == ["Pour", "Contre", "Nuancé"]
    assert message_problems([embed]) == [] and kw["allowed_mentions"].to_dict() == NONE
    discord_schema("RichEmbed", embed.to_dict())
    [select] = kw["view"].children
    assert select.custom_id == "cp:side:automatiser-economie" and kw["view"].timeout is None


async def test_debate_by_words_and_in_english(cp_bot, make_interaction):
    cog = DebateCog(cp_bot)
    it = make_interaction(cp_bot, locale=discord.Locale.american_english)
    await cog.debate.callback(cog, it, topic="automatiser")
    embed = it.events[1][2]["embeds"][0]
    assert embed.title == "Should we automate the economy?" and embed.fields[0].name == "For"
    assert it.events[1][2]["view"].children[0].item.placeholder.startswith("See one side")


async def test_unknown_debate_is_explained_privately(cp_bot, fake_service, make_interaction):
    fake_service.debate_list = []
    cog = DebateCog(cp_bot)
    it = make_interaction(cp_bot)
    await cog.debate.callback(cog, it, topic="**zorglub** @everyone")
    names = [e[0] for e in it.events]
    assert names == ["defer", "delete_original_response", "followup.send"]
    kw = it.events[-1][2]
    assert kw["ephemeral"] is True and "\\*\\*zorglub\\*\\*" in kw["content"] and kw["allowed_mentions"].to_dict() == NONE


async def test_debate_autocomplete_values_are_ids(cp_bot, make_interaction):
    cog = DebateCog(cp_bot)
    choices = await cog.debate_autocomplete(make_interaction(cp_bot, kind=discord.InteractionType.autocomplete), "")
    assert [(c.name, c.value) for c in choices] == [("Faut-il automatiser l'économie ?", "automatiser-economie")]


def test_debate_choices_skip_unusable_ids(fake_service):
    from bot.core.models import Debate

    debates = [Debate("x" * 101, "Q", "Q", ())] + [Debate(f"d{i}", "Q" * 300, "Q", ()) for i in range(30)]
    choices = debate_choices(debates, "fr")
    assert len(choices) == 25 and all(len(c.name) <= 100 and c.value.startswith("d") for c in choices)
