"""Rendering core results into embeds: every Discord limit, paging, verbatim quotes."""

from __future__ import annotations

import re

import discord

from bot.core.models import (
    Answer,
    Argument,
    Article,
    Chunk,
    Citation,
    CounterResult,
    Debate,
    DebateSide,
    Fact,
    FactResult,
    Point,
    Quote,
    Side,
)
from bot.discord_app import rendering
from bot.discord_app.limits import FIELD_VALUE_MAX, dlen
from bot.discord_app.rendering import embed_problems, embed_total_len, message_problems

MARKER = re.compile(r"\[\d+\]")
LONG_QUOTE = ("Le « passage » cité [sic] contient *des* astérisques, des\nretours   à la ligne et des espaces. " * 60).strip()


def citation(i: int, quote: str = "un passage court", title: str = "Titre") -> Citation:
    return Citation(i, f"art-{i}", f"{title} {i}", f"knowledge/articles/art-{i}.md", quote, 0, len(quote))


def answer(sides: list[Side], citations: list[Citation], **kw) -> Answer:
    base = dict(question="Faut-il automatiser l'économie ?", kind="debate", lang="fr", answer_markdown="md",
                sides=sides, citations=citations, grounded=True, mode="extractive", debate_id="d1")
    base.update(kw)
    return Answer(**base)


def assert_valid(embeds, schema=None):
    assert message_problems(embeds) == [], message_problems(embeds)
    if schema:
        for e in embeds:
            schema("RichEmbed", e.to_dict())


def all_field_text(embeds) -> str:
    return "\n".join(f.value for e in embeds for f in e.fields)


# -- validators themselves --------------------------------------------------------------
def test_validator_reports_every_broken_limit():
    e = discord.Embed(title="t" * 300, description="d" * 5000)
    for _ in range(26):
        e.add_field(name="n", value="v" * 1100)
    e.add_field(name=" ", value=" ")
    e.set_footer(text="f" * 3000)
    problems = " | ".join(embed_problems(e))
    for needle in ("title", "description", "footer", "27 fields", "value has 1100", "empty name", "empty value", "embed total"):
        assert needle in problems
    assert "content has" in " ".join(message_problems([], content="x" * 2001))
    assert "11 embeds" in " ".join(message_problems([discord.Embed(title="x")] * 11))


def test_embed_total_len_counts_what_discord_counts():
    e = discord.Embed(title="abc", description="de")
    e.add_field(name="f", value="gh")
    e.set_footer(text="😀")
    e.set_author(name="zz")
    assert embed_total_len(e) == 3 + 2 + 1 + 2 + 2 + 2


# -- answers ----------------------------------------------------------------------------
def test_short_answer_is_one_page_with_one_field_per_side_and_sources_footer(discord_schema):
    a = answer(
        [Side("Pour", [Point("Un progrès.", [1])]), Side("Contre", [Point("Un danger [2].", [2])])],
        [citation(1), citation(2)],
    )
    r = rendering.render_answer(a)
    assert len(r.pages) == 1 and r.page_sides == [[0, 1]]
    page = r.pages[0]
    assert [f.name for f in page.fields] == ["Pour", "Contre"]
    assert page.fields[0].value == "• Un progrès. [1]"
    assert page.fields[1].value == "• Un danger [2]."  # marker already in the text: not repeated
    assert "[n]" in page.description
    assert page.footer.text == "Sources : Titre 1 · Titre 2"
    assert_valid([page], discord_schema)


def test_notice_and_ungrounded_warning_frame_the_answer():
    a = answer([Side("A", [Point("x", [])])], [], notice="les sources divergent", grounded=False)
    d = rendering.render_answer(a).pages[0].description
    assert d.startswith("les sources divergent") and "⚠️" in d
    en = rendering.render_answer(answer([Side("A", [Point("x", [])])], [], lang="en")).pages[0].description
    assert "viewpoints" in en


def test_a_fallback_answer_says_so_in_the_reply_language(discord_schema):
    sides = [Side("Pour", [Point("Un progrès.", [1])]), Side("Contre", [Point("Un danger.", [1])])]
    fr = rendering.render_answer(answer(sides, [citation(1)], mode="fallback", fallback_reason="timeout")).pages[0]
    assert "[n]" in fr.description  # the usual framing stays
    assert "Réponse de secours" in fr.description and "n'a pas répondu à temps" in fr.description
    en = rendering.render_answer(answer(sides, [citation(1)], lang="en", mode="fallback", fallback_reason="rate_limited"))
    assert "Fallback answer" in en.pages[0].description and "too many requests" in en.pages[0].description
    prose = rendering.render_answer(answer([], [], kind="factual", answer_markdown="Un fait [1].", mode="fallback",
                                           fallback_reason="circuit_open")).pages[0]
    assert "Réponse de secours" in prose.description and "Un fait [1]." in prose.description
    plain = rendering.render_answer(answer(sides, [citation(1)])).pages[0]
    assert "secours" not in plain.description
    assert_valid([fr, en.pages[0], prose], discord_schema)


def test_long_answer_is_paged_between_points_and_never_mid_citation(discord_schema):
    sides = [
        Side(f"Camp {s}", [Point(f"Point {s}.{p} " + "argument développé " * 20, [p + 1, p + 2]) for p in range(8)])
        for s in range(6)
    ]
    a = answer(sides, [citation(i) for i in range(1, 12)])
    r = rendering.render_answer(a)
    assert r.paged and len(r.pages) >= 3
    for page in r.pages:
        assert_valid([page], discord_schema)
        for f in page.fields:
            for line in f.value.split("\n"):
                assert line.startswith("• Point")  # a point is never split across fields
                assert line.count("[") == len(MARKER.findall(line))
    shown = [i for ids in r.page_sides for i in ids]
    assert sorted(set(shown)) == list(range(6))
    assert r.pages[0].footer.text.endswith(f"Page 1/{len(r.pages)}")
    # every point appears exactly once, in order
    text = all_field_text(r.pages)
    assert [m for m in re.findall(r"Point (\d\.\d)", text)] == [f"{s}.{p}" for s in range(6) for p in range(8)]


def test_a_point_longer_than_a_field_is_split_at_sentences_with_markers_intact():
    long_point = " ".join(f"Phrase numéro {i} qui explique un argument assez long [{i % 9 + 1}]." for i in range(60))
    a = answer([Side("Seul camp", [Point(long_point, [42])])], [citation(42)])
    r = rendering.render_answer(a)
    fields = [f for p in r.pages for f in p.fields]
    assert len(fields) >= 3
    assert fields[0].name == "Seul camp" and fields[1].name == "Seul camp (suite)"
    for f in fields:
        assert dlen(f.value) <= FIELD_VALUE_MAX
        assert f.value.count("[") == len(MARKER.findall(f.value))
    rebuilt = " ".join(f.value for f in fields).replace("• ", "")
    assert rebuilt.split() == (long_point + " [42]").split()


def test_no_answer_is_a_prose_page():
    a = answer([], [], kind="no_answer", answer_markdown="Rien de solide.", debate_id=None)
    r = rendering.render_answer(a)
    assert len(r.pages) == 1 and "Rien de solide." in r.pages[0].description and not r.pages[0].fields
    long = answer([], [], kind="factual", answer_markdown="Une phrase. " * 900)
    pages = rendering.render_answer(long).pages
    assert len(pages) > 1
    for p in pages:
        assert_valid([p])


def test_hostile_question_is_neutralised_in_the_title():
    q = "**@everyone** __gras__ `code` " + "\u200b" * 3 + "x" * 5000
    r = rendering.render_answer(answer([Side("A", [Point("p", [])])], [], question=q))
    title = r.pages[0].title
    assert dlen(title) <= 256 and "\\*\\*" in title and "\n" not in title


# -- sources ------------------------------------------------------------------------------
def test_sources_are_verbatim_split_at_whitespace_and_marked_as_continued(discord_schema):
    cits = [citation(1, LONG_QUOTE), citation(2, "court"), citation(3, LONG_QUOTE[:3000])]
    messages = rendering.render_sources(cits, "fr")
    for m in messages:
        assert_valid(m, discord_schema)
    fields = [f for m in messages for e in m for f in e.fields]
    by_id: dict[str, str] = {}
    for f in fields:
        key = f.name.split("]")[0] + "]"
        by_id[key] = by_id.get(key, "") + f.value
    assert by_id["[1]"] == LONG_QUOTE
    assert by_id["[2]"] == "court"
    assert by_id["[3]"] == LONG_QUOTE[:3000]
    continued = [f.name for f in fields if f.name.startswith("[1]")]
    assert continued[0] == "[1] Titre 1" and re.search(r"\(suite 2/\d+\)$", continued[1])
    for f in fields[:-1]:
        # chunks end at whitespace unless the quote ends there
        assert f.value[-1].isspace() or f.value == "court" or f.value.endswith(LONG_QUOTE[-5:]) or f.value.endswith(LONG_QUOTE[2995:3000])


def test_sources_without_citations_say_so():
    [[embed]] = rendering.render_sources([], "en")
    assert "quotes no passage" in embed.description


# -- debates, counter, facts, articles ------------------------------------------------------
def debate(n_sides: int = 3, args: int = 2, quote: str = "cité") -> Debate:
    sides = tuple(
        DebateSide(
            f"s{i}", f"Camp numéro {i} " + "x" * 40, f"Side {i}",
            tuple(Argument(f"a{i}{j}", f"Argument {i}.{j} " + "développé " * 10, (Quote("art-1", quote),), f"Arg {i}.{j}") for j in range(args)),
            "Résumé " * 60, "Summary " * 60,
        )
        for i in range(n_sides)
    )
    return Debate("d1", "Question du débat ?", "Debate question?", sides)


def test_debate_map_fits_even_with_many_long_sides(discord_schema):
    e = rendering.render_debate_map(debate(30), "fr")
    assert len(e.fields) == 25
    assert_valid([e], discord_schema)
    en = rendering.render_debate_map(debate(2), "en")
    assert en.title == "Debate question?" and en.fields[0].value.startswith("Summary")


def test_side_details_quote_verbatim_with_article_title(discord_schema):
    quote = LONG_QUOTE.replace("«", "<").replace("»", ">")
    d = debate(1, args=3, quote=quote)
    messages = rendering.render_side(d, d.sides[0], "fr", {"art-1": "Le titre"})
    for m in messages:
        assert_valid(m, discord_schema)
    values = [f.value for m in messages for e in m for f in e.fields]
    text = "".join(values)
    assert text.count("« ") == 3 and text.count(" »") == 3 and text.count("— Le titre") == 3
    first_quote = text.split("« ", 1)[1].split(" »", 1)[0]
    assert first_quote == quote


def test_more_shows_unseen_pages_else_missing_sides_else_a_note():
    d = debate(3)
    seen = answer([Side("Camp numéro 0", [Point("p", [])], "s0")], [])
    intro, messages = rendering.render_more(seen, rendering.render_answer(seen), d, {})
    names = {e.title for m in messages for e in m}
    assert "s0" not in str(names) and any("numéro 1" in n for n in names) and any("numéro 2" in n for n in names)
    assert "autres camps" in intro
    all_seen = answer([Side(s.label, [Point("p", [])], s.id) for s in d.sides], [])
    intro, messages = rendering.render_more(all_seen, rendering.render_answer(all_seen), d, {})
    assert messages == [] and "déjà vu" in intro
    paged = answer([Side(f"C{i}", [Point("mot " * 250, [])]) for i in range(12)], [])
    r = rendering.render_answer(paged)
    intro, messages = rendering.render_more(paged, r, d, {})
    assert r.paged and [e for m in messages for e in m] == r.pages[1:]


def test_counter_lists_other_sides_with_markers(discord_schema):
    d = debate(2)
    res = CounterResult("L'IA détruit **tout**", "fr", d, d.sides[0], [Side("Contre", [Point("Non.", [1])])], [citation(1)], "md")
    pages = rendering.render_counter(res)
    assert "Camp numéro 0" in pages[0].description and pages[0].fields[0].value == "• Non. [1]"
    assert "\\*\\*" in pages[0].title
    assert_valid(pages, discord_schema)
    empty = CounterResult("x", "en", None, None, [], [], "")
    assert "no sourced counter-argument" in rendering.render_counter(empty)[0].description


def test_fact_embed_quotes_verbatim():
    c = citation(1, LONG_QUOTE[:1500])
    [message] = rendering.render_fact(FactResult(Fact("f", "Un fait.", "A fact.", Quote("art-1", c.quote)), "fr", "Un fait.", c))
    assert_valid(message)
    joined = "".join(f.value for e in message for f in e.fields)
    from bot.core.quotes import quoted

    assert joined == quoted(LONG_QUOTE[:1500], "fr")  # verbatim, its own « » nested as “ ”


def test_article_list_and_pages(discord_schema):
    arts = [Article(f"id-{i}", f"Titre **{i}** " + "long " * 20, "b", f"k/{i}.md", outlet="Média", published="2024") for i in range(60)]
    pages = rendering.render_article_list(arts, "fr")
    assert len(pages) > 1
    for p in pages:
        assert_valid([p], discord_schema)
    assert sum(p.description.count("`id-") for p in pages) == 60
    body = LONG_QUOTE
    art = Article("a", "Titre", body, "knowledge/articles/a.md", tags=("x", "y"))
    chunks = [Chunk(f"a:{i}", "a", i, s, min(s + 700, len(body)), body[s:s + 700]) for i, s in enumerate(range(0, len(body), 700))]
    pages = rendering.render_article_pages(art, chunks, "fr")
    assert pages[0].fields[0].value == "`a`" and len(pages) > 2
    for p in pages:
        assert_valid([p], discord_schema)
    assert "".join(f.value for p in pages[1:] for f in p.fields) == body
    assert pages[-1].footer.text.endswith(f"Page {len(pages)}/{len(pages)}")


def test_group_messages_respects_the_total_across_embeds():
    embeds = [discord.Embed(description="x" * 2500) for _ in range(5)]
    messages = rendering.group_messages(embeds)
    assert [len(m) for m in messages] == [2, 2, 1]
    small = [discord.Embed(title="t") for _ in range(23)]
    assert [len(m) for m in rendering.group_messages(small)] == [10, 10, 3]
