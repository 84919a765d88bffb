"""/ask: callbacks called with spec'd fake interactions and a fake service of real models."""

from __future__ import annotations

import re

import discord
import pytest

from bot.core.models import Answer, Debate, Point, Side
from bot.discord_app.rendering import message_problems
from bot.exts.ask import DEBATE_VALUE_PREFIX, AskCog, ask_choices

NONE = discord.AllowedMentions.none().to_dict()
SENDS = {"send_message", "followup.send", "edit_message", "edit_original_response"}


def assert_no_mentions(it) -> None:
    sends = [kw for name, _, kw in it.events if name in SENDS]
    assert sends, "nothing was sent"
    for kw in sends:
        assert kw["allowed_mentions"].to_dict() == NONE


def assert_within_limits(it) -> None:
    for name, _, kw in it.events:
        if name in SENDS:
            embeds = kw.get("embeds") or ([kw["embed"]] if kw.get("embed") else [])
            assert message_problems(embeds, kw.get("content")) == []


def with_discord(settings, **values):
    return settings.model_copy(update={"discord": settings.discord.model_copy(update=values)})


async def ask(cog, it, question):
    await cog.ask.callback(cog, it, question=question)


async def test_ask_defers_first_then_sends_page_one_with_persistent_buttons(cp_bot, fake_service, make_interaction):
    cog = AskCog(cp_bot)
    it = make_interaction(cp_bot)
    await ask(cog, it, "Faut-il automatiser l'économie ?")
    assert it.events[0] == ("defer", (), {"thinking": True})
    name, _, kw = it.events[1]
    assert name == "followup.send" and len(kw["embeds"]) == 1
    embed = kw["embeds"][0]
    assert embed.title == "Faut-il automatiser l'économie ?" and [f.name for f in embed.fields] == ["Pour", "Contre"]
    ids = [item.custom_id for item in kw["view"].children]
    assert [i.split(":")[1] for i in ids] == ["src", "more", "poll"]
    assert all(re.fullmatch(r"cp:\w+:[0-9a-f]{12}", i) and len(i) <= 100 for i in ids)
    assert kw["view"].timeout is None and kw["view"].is_persistent()
    assert ("ask", "Faut-il automatiser l'économie ?", "fr", ()) in fake_service.calls
    assert_no_mentions(it)
    assert_within_limits(it)


@pytest.mark.parametrize(
    "locale,default,expected",
    [
        (discord.Locale.american_english, "fr", "en"),
        (discord.Locale.british_english, "fr", "en"),
        (discord.Locale.french, "en", "fr"),
        (discord.Locale.german, "fr", "fr"),
        (discord.Locale.japanese, "en", "en"),
    ],
)
async def test_answer_language_follows_the_user_locale(cp_bot, fake_service, make_interaction, locale, default, expected):
    cp_bot.settings = cp_bot.settings.model_copy(update={"language": default})
    it = make_interaction(cp_bot, locale=locale)
    await ask(AskCog(cp_bot), it, "Question ?")
    assert fake_service.calls[-1][2] == expected
    labels = [item.item.label for item in it.events[1][2]["view"].children]
    assert labels[1] == ("Counter-arguments" if expected == "en" else "Autres points de vue")


async def test_cooldown_refusal_is_ephemeral_and_nothing_is_computed(fake_service, discord_settings, make_interaction):
    from bot.discord_app.client import ContrepointBot

    settings = with_discord(discord_settings, cooldown=discord_settings.discord.cooldown.model_copy(update={"rate": 1}))
    bot = ContrepointBot(fake_service, settings, prepare_core=False)
    cog = AskCog(bot)
    await ask(cog, make_interaction(bot), "Première ?")
    it = make_interaction(bot)
    await ask(cog, it, "Deuxième ?")
    assert [e[0] for e in it.events] == ["send_message"]
    kw = it.events[0][2]
    assert kw["ephemeral"] is True and "Réessaie dans" in kw["content"]
    assert sum(1 for c in fake_service.calls if c[0] == "ask") == 1
    other_user = make_interaction(bot, user_id=7)
    await ask(cog, other_user, "Troisième ?")
    assert other_user.events[0][0] == "defer"
    bot.answer_cache.close()


@pytest.mark.parametrize(
    "question,expected",
    [
        ("x" * 5000, "trop long"),
        ("\u200b\u200c\u200d\ufeff", "vide"),
        ("   \n\t  ", "vide"),
    ],
)
async def test_bad_input_gets_a_clear_private_error(cp_bot, fake_service, make_interaction, question, expected):
    it = make_interaction(cp_bot)
    await ask(AskCog(cp_bot), it, question)
    [(name, _, kw)] = it.events
    assert name == "send_message" and kw["ephemeral"] is True and expected in kw["content"]
    assert not [c for c in fake_service.calls if c[0] == "ask"]
    assert_no_mentions(it)


async def test_hostile_text_is_cleaned_and_never_pings(cp_bot, fake_service, make_interaction):
    it = make_interaction(cp_bot)
    await ask(AskCog(cp_bot), it, "@everyone **Faut-il** \u200b<@&123> [lien](http://x) automatiser ?")
    asked = fake_service.calls[-1][1]
    assert "\u200b" not in asked
    embed = it.events[1][2]["embeds"][0]
    assert "\\*\\*Faut-il\\*\\*" in embed.title
    assert_no_mentions(it)


async def test_long_answers_show_page_one_only(cp_bot, fake_service, make_interaction):
    fake_service.answer_override = Answer(
        "Q ?", "debate", "fr", "md",
        [Side(f"Camp {i}", [Point("argument " * 120, [1])]) for i in range(10)],
        [], True, "extractive", debate_id=None,
    )
    it = make_interaction(cp_bot)
    await ask(AskCog(cp_bot), it, "Q ?")
    sends = [kw for name, _, kw in it.events if name == "followup.send"]
    assert len(sends) == 1 and len(sends[0]["embeds"]) == 1
    assert "Page 1/" in sends[0]["embeds"][0].footer.text
    assert [c.custom_id.split(":")[1] for c in sends[0]["view"].children] == ["src", "more", "poll"]
    assert_within_limits(it)


async def test_no_answer_has_no_buttons(cp_bot, fake_service, make_interaction):
    fake_service.answer_override = Answer("Q ?", "no_answer", "fr", "Rien trouvé.", [], [], False, "fallback")
    it = make_interaction(cp_bot)
    await ask(AskCog(cp_bot), it, "Q ?")
    kw = it.events[1][2]
    assert "view" not in kw and "Rien trouvé." in kw["embeds"][0].description


async def test_core_failure_propagates_to_the_tree_error_handler_after_deferring(cp_bot, fake_service, make_interaction):
    fake_service.fail_with = RuntimeError("core down")
    it = make_interaction(cp_bot)
    with pytest.raises(RuntimeError):
        await ask(AskCog(cp_bot), it, "Q ?")
    assert it.events[0][0] == "defer"


def many_debates(n: int) -> list[Debate]:
    return [Debate(f"d{i}", f"Question {i} " + ("longue " * 30 if i % 2 else ""), f"Question {i} en", ()) for i in range(n)]


async def test_autocomplete_is_bounded_and_comes_from_memory(cp_bot, fake_service, make_interaction):
    fake_service.debate_list = many_debates(40)
    cog = AskCog(cp_bot)
    it = make_interaction(cp_bot, kind=discord.InteractionType.autocomplete)
    choices = await cog.ask_autocomplete(it, "question")  # type: ignore[attr-defined]
    assert len(choices) == 25
    for c in choices:
        assert 1 <= len(c.name) <= 100 and 1 <= len(c.value) <= 100
    long_ones = [c for c in choices if c.value.startswith(DEBATE_VALUE_PREFIX)]
    assert long_ones and all(c.name.startswith("Question") for c in long_ones)
    assert ("suggest_debates", "question", 25) in fake_service.calls
    assert not [c for c in fake_service.calls if c[0] in ("ask", "counter")]


async def test_autocomplete_survives_a_failing_core(cp_bot, fake_service, make_interaction):

    def broken(text, limit=25):
        raise RuntimeError("index not ready")

    fake_service.suggest_debates = broken
    cog = AskCog(cp_bot)
    it = make_interaction(cp_bot, kind=discord.InteractionType.autocomplete)
    assert await cog.ask_autocomplete(it, "x") == []  # type: ignore[attr-defined]


async def test_a_long_debate_choice_asks_the_full_question(cp_bot, fake_service, make_interaction):
    fake_service.debate_list = many_debates(3)
    value = ask_choices(fake_service.debate_list, "fr")[1].value
    assert value == f"{DEBATE_VALUE_PREFIX}d1"
    it = make_interaction(cp_bot)
    await ask(AskCog(cp_bot), it, value)
    assert fake_service.calls[-1][0] == "ask" and fake_service.calls[-1][1] == fake_service.debate_list[1].question
