"""/sources and /source: the article list, one article's pages, autocomplete."""

from __future__ import annotations

import discord

from bot.discord_app.rendering import message_problems
from bot.exts.sources import SourcesCog, article_choices, find_article

NONE = discord.AllowedMentions.none().to_dict()


async def test_sources_lists_every_article(cp_bot, make_interaction):
    cog = SourcesCog(cp_bot)
    it = make_interaction(cp_bot)
    await cog.sources.callback(cog, it)
    assert it.events[0][0] == "defer"
    kw = it.events[1][2]
    text = kw["embeds"][0].description
    assert "`art-a`" in text and "`art-b`" in text and "Média" in text
    assert message_problems(kw["embeds"]) == [] and kw["allowed_mentions"].to_dict() == NONE


async def test_source_shows_metadata_and_page_buttons(cp_bot, make_interaction):
    cog = SourcesCog(cp_bot)
    it = make_interaction(cp_bot)
    await cog.source.callback(cog, it, article="art-b")
    kw = it.events[1][2]
    assert kw["embed"].title == "Article B sur les puces" and kw["embed"].footer.text.startswith("knowledge/articles/art-b.md · Page 1/")
    prev, nxt = kw["view"].children
    assert prev.item.disabled and nxt.custom_id == "cp:art:n:1:art-b"
    assert kw["allowed_mentions"].to_dict() == NONE


async def test_unknown_article_is_explained_privately(cp_bot, make_interaction):
    cog = SourcesCog(cp_bot)
    it = make_interaction(cp_bot)
    await cog.source.callback(cog, it, article="inconnu")
    assert it.events[-1][2]["ephemeral"] is True and "/sources" in it.events[-1][2]["content"]


async def test_article_lookup_and_autocomplete(cp_bot, fake_service, make_interaction):
    arts = fake_service.articles_list
    assert find_article(arts, "art-a").id == "art-a"
    assert find_article(arts, "article b sur les puces").id == "art-b"
    assert find_article(arts, "puces").id == "art-b"
    assert find_article(arts, "article") is None  # ambiguous
    assert [c.value for c in article_choices(arts, "")] == ["art-a", "art-b"]
    cog = SourcesCog(cp_bot)
    choices = await cog.source_autocomplete(make_interaction(cp_bot, kind=discord.InteractionType.autocomplete), "PUCES")
    assert [(c.name, c.value) for c in choices] == [("Article B sur les puces (art-b)", "art-b")]
