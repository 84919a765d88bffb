"""The cogs on top of the real Contrepoint service (fixtures `real_service` and `real_bot` in conftest.py).
Checks what members actually see."""

from __future__ import annotations

import discord

from bot.core.service import Contrepoint
from bot.discord_app import views
from bot.discord_app.rendering import message_problems
from bot.exts.ask import AskCog
from bot.exts.counter import CounterCog
from bot.exts.debate import DebateCog
from bot.exts.facts import FactsCog
from bot.exts.sources import SourcesCog

COMPONENT = discord.InteractionType.component
NONE = discord.AllowedMentions.none().to_dict()


def sent(it) -> list[dict]:
    out = [kw for name, _, kw in it.events if name in {"send_message", "followup.send", "edit_original_response"}]
    for kw in out:
        assert kw["allowed_mentions"].to_dict() == NONE
        embeds = kw.get("embeds") or ([kw["embed"]] if kw.get("embed") else [])
        assert message_problems(embeds, kw.get("content")) == []
    return out


def assert_verbatim(service: Contrepoint, article_id: str, text: str) -> None:
    article = service.article(article_id)
    assert article is not None and text in article.body, f"not verbatim in {article_id}: {text[:80]!r}"


async def test_ask_then_sources_show_verbatim_passages(real_bot, real_service, make_interaction):
    cog = AskCog(real_bot)
    it = make_interaction(real_bot)
    await cog.ask.callback(cog, it, question="Faut-il laisser Anthropic automatiser l'économie ?")
    assert it.events[0][0] == "defer"
    [kw] = sent(it)
    embed = kw["embeds"][0]
    assert len(embed.fields) >= 2 and "[1]" in embed.fields[0].value
    buttons = {c.custom_id.split(":")[1]: c for c in kw["view"].children}
    click = make_interaction(real_bot, kind=COMPONENT)
    await buttons["src"].callback(click)
    answer = real_bot.answers.get(buttons["src"].key)
    assert answer.citations
    chunks: dict[str, str] = {}
    for kw in sent(click):
        for e in kw["embeds"]:
            for f in e.fields:
                cid = f.name.split("]")[0] + "]"
                chunks[cid] = chunks.get(cid, "") + f.value
    for c in answer.citations:
        assert chunks[f"[{c.id}]"] == c.quote
        assert real_service.article(c.article_id).body[c.start:c.end] == c.quote
    more = make_interaction(real_bot, kind=COMPONENT)
    await buttons["more"].callback(more)
    assert sent(more)


async def test_english_question_gets_an_english_answer(real_bot, make_interaction):
    cog = AskCog(real_bot)
    it = make_interaction(real_bot, locale=discord.Locale.american_english)
    await cog.ask.callback(cog, it, question="Are the billions invested in Anthropic justified?")
    [kw] = sent(it)
    sources_button = kw["view"].children[0]
    assert real_bot.answers.get(sources_button.key).lang == "en"
    assert sources_button.item.label == "Sources" and kw["view"].children[1].item.label == "Counter-arguments"


async def test_autocomplete_uses_the_real_debates(real_bot, make_interaction):
    cog = AskCog(real_bot)
    choices = await cog.ask_autocomplete(make_interaction(real_bot, kind=discord.InteractionType.autocomplete), "")
    assert 1 <= len(choices) <= 25 and all(len(c.name) <= 100 and len(c.value) <= 100 for c in choices)


async def test_debate_map_and_side_quotes_are_verbatim(real_bot, real_service, make_interaction):
    cog = DebateCog(real_bot)
    it = make_interaction(real_bot)
    await cog.debate.callback(cog, it, topic="automatiser-economie")
    [kw] = sent(it)
    debate = real_service.debate("automatiser-economie")
    assert len(kw["embeds"][0].fields) == len(debate.sides)
    pick = make_interaction(real_bot, kind=COMPONENT)
    await views.show_side(pick, "automatiser-economie", debate.sides[1].id)
    text = "".join(f.value for kw in sent(pick) for e in kw["embeds"] for f in e.fields)
    for arg in debate.sides[1].arguments:
        for q in arg.quotes:
            assert f"« {q.text} »" in text
            assert_verbatim(real_service, q.article_id, q.text)


async def test_counter_fact_and_article_pages(real_bot, real_service, make_interaction):
    counter = CounterCog(real_bot)
    it = make_interaction(real_bot)
    await counter.counter.callback(counter, it, claim="L'IA va créer plein d'emplois")
    assert sent(it)[0]["embeds"][0].fields

    facts = FactsCog(real_bot)
    it = make_interaction(real_bot)
    await facts.fact.callback(facts, it, topic="puces")
    [kw] = sent(it)
    quote = kw["embeds"][0].fields[0].value
    assert quote.startswith("« ") and quote.endswith(" »")

    sources = SourcesCog(real_bot)
    it = make_interaction(real_bot)
    await sources.source.callback(sources, it, article="amazon-anthropic-puces")
    kw = sent(it)[0]
    total = int(kw["embed"].footer.text.rsplit("/", 1)[1])
    texts = []
    for page in range(1, total):
        turn = make_interaction(real_bot, kind=COMPONENT)
        await views.ArticlePageButton("n", page, "amazon-anthropic-puces").callback(turn)
        texts += [f.value for f in sent(turn)[0]["embed"].fields]
    chunks = real_service.article_chunks("amazon-anthropic-puces")
    assert "".join(texts) == "".join(c.text for c in sorted(chunks, key=lambda c: c.index))
