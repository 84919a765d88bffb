"""Persistent components: custom_id templates, clicks from memory and after a restart."""

from __future__ import annotations

import re
from unittest.mock import AsyncMock

import discord
import pytest
from discord import ui

from bot.core.models import Answer, Point, Side
from bot.discord_app import views
from bot.discord_app.client import ContrepointBot
from bot.discord_app.rendering import message_problems
from bot.exts.ask import AskCog

NONE = discord.AllowedMentions.none().to_dict()
COMPONENT = discord.InteractionType.component


def sends(it):
    return [kw for name, _, kw in it.events if name in {"send_message", "followup.send", "edit_original_response"}]


def check_sends(it):
    for kw in sends(it):
        assert kw["allowed_mentions"].to_dict() == NONE
        embeds = kw.get("embeds") or ([kw["embed"]] if kw.get("embed") else [])
        assert message_problems(embeds, kw.get("content")) == []


async def asked(bot, make_interaction, question="Faut-il automatiser l'économie ?"):
    it = make_interaction(bot)
    cog = AskCog(bot)
    await cog.ask.callback(cog, it, question=question)
    view = it.events[1][2]["view"]
    return {item.custom_id.split(":")[1]: item for item in view.children}


def test_templates_match_every_custom_id_we_build_within_100_chars():
    key = "0123456789ab"
    ref = "r" * 80
    built = [
        views.SourcesButton(key), views.MoreButton(key), views.PollButton(key),
        views.SideSelect(ref), views.SideSelect("~" + key),
        views.ArticlePageButton("n", 9999, ref), views.ArticlePageButton("p", 0, "~" + key),
    ]
    for item in built:
        assert len(item.custom_id) <= 100
        assert item.template.fullmatch(item.custom_id)
    with pytest.raises(ValueError):
        views.SourcesButton("not-a-key")
    # templates do not overlap: one custom_id, one handler
    for a in built:
        owners = [cls for cls in views.DYNAMIC_ITEMS if cls.__discord_ui_compiled_template__.fullmatch(a.custom_id)]
        assert owners == [type(a)]


async def test_from_custom_id_keeps_the_sent_component(cp_bot, make_interaction):
    base = ui.Button(label="Sources", custom_id="cp:src:0123456789ab")
    match = views.SourcesButton.__discord_ui_compiled_template__.fullmatch(base.custom_id)
    item = await views.SourcesButton.from_custom_id(make_interaction(cp_bot, kind=COMPONENT), base, match)
    assert item.key == "0123456789ab" and item.item is base


async def test_sources_button_shows_every_cited_passage_verbatim_and_privately(cp_bot, fake_service, make_interaction):
    buttons = await asked(cp_bot, make_interaction)
    it = make_interaction(cp_bot, kind=COMPONENT)
    await buttons["src"].callback(it)
    assert it.events[0] == ("defer", (), {"ephemeral": True, "thinking": True})
    [kw] = sends(it)
    assert kw["ephemeral"] is True
    values = [f.value for e in kw["embeds"] for f in e.fields]
    assert values == ["automatiser de larges pans de l'économie", "ce projet dystopique"]
    check_sends(it)


async def test_buttons_work_after_a_restart_by_recomputing_from_the_cache(cp_bot, fake_service, make_interaction, discord_settings):
    buttons = await asked(cp_bot, make_interaction)
    key = buttons["src"].key
    cp_bot.answer_cache.close()
    fresh = ContrepointBot(fake_service, discord_settings, prepare_core=False)  # same data dir, empty memory
    fake_service.calls.clear()
    it = make_interaction(fresh, kind=COMPONENT)
    await views.SourcesButton(key).callback(it)
    assert fake_service.calls == [("ask", "Faut-il automatiser l'économie ?", "fr", ())]
    assert [f.value for e in sends(it)[0]["embeds"] for f in e.fields][0] == "automatiser de larges pans de l'économie"
    it2 = make_interaction(fresh, kind=COMPONENT)
    await views.SourcesButton(key).callback(it2)
    assert len([c for c in fake_service.calls if c[0] == "ask"]) == 1  # now from memory
    fresh.answer_cache.close()


async def test_unknown_key_is_explained(cp_bot, make_interaction):
    it = make_interaction(cp_bot, kind=COMPONENT)
    await views.SourcesButton("ffffffffffff").callback(it)
    assert "Repose la question" in sends(it)[0]["content"]


async def test_other_viewpoints_shows_the_debate_sides_not_in_the_answer(cp_bot, fake_service, make_interaction):
    buttons = await asked(cp_bot, make_interaction)
    it = make_interaction(cp_bot, kind=COMPONENT)
    await buttons["more"].callback(it)
    [kw] = sends(it)
    titles = [e.title for e in kw["embeds"]]
    assert titles == ["Nuancé"] and "autres camps" in kw["content"] and kw["ephemeral"] is True
    quotes = "".join(f.value for e in kw["embeds"] for f in e.fields)
    assert "« Amazon investit 4 milliards de dollars »" in quotes and "— Article A" in quotes
    check_sends(it)


async def test_other_viewpoints_shows_the_unseen_pages_of_a_paged_answer(cp_bot, fake_service, make_interaction):
    fake_service.answer_override = Answer(
        "Q ?", "debate", "fr", "md", [Side(f"Camp {i}", [Point("argument " * 120, [])]) for i in range(10)], [], True, "extractive"
    )
    buttons = await asked(cp_bot, make_interaction, "Q ?")
    it = make_interaction(cp_bot, kind=COMPONENT)
    await buttons["more"].callback(it)
    shown = [e for kw in sends(it) for e in kw.get("embeds", [])]
    assert shown and all("Page 1/" not in e.footer.text for e in shown)
    assert {f.name for e in shown for f in e.fields} >= {"Camp 9"}
    check_sends(it)


async def test_poll_button_is_for_moderators_and_hands_the_debate_to_polls(cp_bot, fake_service, make_interaction, monkeypatch):
    import bot.discord_app.poll_workflow as polls

    started = AsyncMock()
    monkeypatch.setattr(polls, "start_debate_poll", started)
    buttons = await asked(cp_bot, make_interaction)
    member = make_interaction(cp_bot, kind=COMPONENT)
    await buttons["poll"].callback(member)
    assert "réservée aux modérateurs" in sends(member)[0]["content"] and sends(member)[0]["ephemeral"] is True
    started.assert_not_called()
    mod = make_interaction(cp_bot, kind=COMPONENT, permissions=discord.Permissions(manage_messages=True))
    await buttons["poll"].callback(mod)
    started.assert_awaited_once_with(cp_bot, mod, "automatiser-economie", cp_bot.settings.polls.default_duration_hours)


async def test_poll_button_after_restart_reads_the_debate_from_the_cache(cp_bot, fake_service, make_interaction, monkeypatch, discord_settings):
    import bot.discord_app.poll_workflow as polls

    started = AsyncMock()
    monkeypatch.setattr(polls, "start_debate_poll", started)
    key = (await asked(cp_bot, make_interaction))["poll"].key
    fresh = ContrepointBot(fake_service, discord_settings, prepare_core=False)
    fake_service.calls.clear()
    mod = make_interaction(fresh, kind=COMPONENT, permissions=discord.Permissions(administrator=True))
    await views.PollButton(key).callback(mod)
    assert started.await_args.args[2] == "automatiser-economie"
    assert not [c for c in fake_service.calls if c[0] == "ask"]  # no recomputation needed
    fresh.answer_cache.close()


async def test_poll_button_without_debate_explains(cp_bot, fake_service, make_interaction):
    fake_service.answer_override = Answer("Q ?", "factual", "fr", "md", [Side("Fait", [Point("p", [])])], [], True, "extractive")
    buttons = await asked(cp_bot, make_interaction, "Q ?")
    mod = make_interaction(cp_bot, kind=COMPONENT, permissions=discord.Permissions(manage_messages=True))
    await buttons["poll"].callback(mod)
    assert "aucun débat" in sends(mod)[0]["content"]


async def test_side_menu_shows_one_side_with_quotes(cp_bot, fake_service, make_interaction):
    debate = fake_service.debate_list[0]
    view = views.debate_view("automatiser-economie", debate, "fr")
    [select] = view.children
    assert [o.value for o in select.item.options] == ["pour", "contre", "nuance"]
    it = make_interaction(cp_bot, kind=COMPONENT)
    match = views.SideSelect.__discord_ui_compiled_template__.fullmatch(select.custom_id)
    item = await views.SideSelect.from_custom_id(it, select.item, match)
    item._refresh_state(it, {"custom_id": select.custom_id, "component_type": 3, "values": ["contre"]})
    await item.callback(it)
    [kw] = sends(it)
    assert kw["embeds"][0].title == "Contre" and "« ce projet dystopique »" in kw["embeds"][0].fields[0].value
    check_sends(it)
    gone = make_interaction(cp_bot, kind=COMPONENT)
    await views.show_side(gone, "automatiser-economie", "disparu")
    assert "n'existe plus" in sends(gone)[0]["content"]


async def test_article_buttons_turn_pages_and_clamp(cp_bot, make_interaction):
    it = make_interaction(cp_bot, kind=COMPONENT)
    await views.ArticlePageButton("n", 1, "art-b").callback(it)
    assert it.events[0] == ("defer", (), {})
    kw = sends(it)[0]
    assert "Passage 1" in kw["embed"].fields[0].name
    prev, nxt = kw["view"].children
    assert prev.custom_id == "cp:art:p:0:art-b" and nxt.custom_id == "cp:art:n:2:art-b"
    far = make_interaction(cp_bot, kind=COMPONENT)
    await views.ArticlePageButton("n", 9999, "art-b").callback(far)
    last_prev, last_next = sends(far)[0]["view"].children
    assert last_next.item.disabled is True and last_prev.item.disabled is False
    check_sends(far)
    missing = make_interaction(cp_bot, kind=COMPONENT)
    await views.ArticlePageButton("n", 1, "nope").callback(missing)
    assert "/sources" in sends(missing)[0]["content"]


async def test_long_ids_go_through_the_cache(cp_bot):
    from bot.discord_app.recall import make_ref, resolve_ref

    odd = "un identifiant très long / avec des espaces " * 3
    ref = await make_ref(cp_bot, odd)
    assert re.fullmatch(r"~[0-9a-f]{12}", ref)
    assert await resolve_ref(cp_bot, ref) == odd
    assert await make_ref(cp_bot, "simple-id") == "simple-id"


async def test_component_errors_reach_the_user_politely(cp_bot, fake_service, make_interaction):
    buttons = await asked(cp_bot, make_interaction)
    cp_bot.answers.clear()
    fake_service.fail_with = RuntimeError("core down")
    it = make_interaction(cp_bot, kind=COMPONENT)
    await buttons["src"].callback(it)
    assert "Oups" in sends(it)[-1]["content"]
