"""Core results -> Discord embeds, within every Discord limit. No network.

A *page* is one embed; a *message* is a list of embeds (at most 10, 6000 characters in all).
Quotes are reproduced verbatim: they are split at whitespace, never rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

import discord
from discord.utils import escape_markdown

from bot.core.messages import fallback_text
from bot.core.models import (
    Answer,
    Article,
    Chunk,
    Citation,
    CounterResult,
    Debate,
    DebateSide,
    FactResult,
    Lang,
    Point,
)
from bot.core.quotes import OUTER, nest
from bot.discord_app.limits import (
    AUTHOR_NAME_MAX,
    CONTENT_MAX,
    EMBED_DESCRIPTION_MAX,
    EMBED_FIELDS_MAX,
    EMBED_TITLE_MAX,
    EMBED_TOTAL_MAX,
    FIELD_NAME_MAX,
    FIELD_VALUE_MAX,
    FOOTER_MAX,
    MESSAGE_EMBEDS_MAX,
    dlen,
    single_line,
    split_exact,
    split_sentences,
    truncate,
)
from bot.discord_app.strings import t

COLOR_DEBATE = 0x5865F2
COLOR_FACTUAL = 0x57F287
COLOR_NEUTRAL = 0x99AAB5
COLOR_COUNTER = 0xE67E22
COLOR_SOURCES = 0x2B2D31

PAGE_SUFFIX_RESERVE = 24  # " · Page 99/99" and separators
FIELD_ROOM = 1300  # a page always keeps room for one full field
ARTICLE_PAGE_BUDGET = 2500  # shorter pages read better when browsing an article

Field = tuple[str, str]


# -- measuring and validating -----------------------------------------------------------
def embed_total_len(embed: discord.Embed) -> int:
    """Characters Discord counts toward the 6000 limit (title, description, fields, footer, author)."""
    total = dlen(embed.title) + dlen(embed.description) + dlen(embed.footer.text) + dlen(embed.author.name)
    for f in embed.fields:
        total += dlen(f.name) + dlen(f.value)
    return total


def embed_problems(embed: discord.Embed) -> list[str]:
    """Every Discord limit this embed breaks (empty list when valid)."""
    problems = []
    checks = [
        ("title", embed.title, EMBED_TITLE_MAX),
        ("description", embed.description, EMBED_DESCRIPTION_MAX),
        ("footer", embed.footer.text, FOOTER_MAX),
        ("author", embed.author.name, AUTHOR_NAME_MAX),
    ]
    for name, value, limit in checks:
        if value is not None and dlen(value) > limit:
            problems.append(f"{name} has {dlen(value)} > {limit} characters")
    if len(embed.fields) > EMBED_FIELDS_MAX:
        problems.append(f"{len(embed.fields)} fields > {EMBED_FIELDS_MAX}")
    for i, f in enumerate(embed.fields):
        if not (f.name or "").strip():
            problems.append(f"field {i} has an empty name")
        if not (f.value or "").strip():
            problems.append(f"field {i} has an empty value")
        if dlen(f.name) > FIELD_NAME_MAX:
            problems.append(f"field {i} name has {dlen(f.name)} > {FIELD_NAME_MAX}")
        if dlen(f.value) > FIELD_VALUE_MAX:
            problems.append(f"field {i} value has {dlen(f.value)} > {FIELD_VALUE_MAX}")
    total = embed_total_len(embed)
    if total > EMBED_TOTAL_MAX:
        problems.append(f"embed total {total} > {EMBED_TOTAL_MAX}")
    if total == 0:
        problems.append("embed is empty")
    return problems


def message_problems(embeds: Sequence[discord.Embed], content: str | None = None) -> list[str]:
    """Limits of one message: each embed, at most 10 embeds, 6000 across them, content 2000."""
    problems = [f"embed {i}: {p}" for i, e in enumerate(embeds) for p in embed_problems(e)]
    if len(embeds) > MESSAGE_EMBEDS_MAX:
        problems.append(f"{len(embeds)} embeds > {MESSAGE_EMBEDS_MAX}")
    total = sum(embed_total_len(e) for e in embeds)
    if total > EMBED_TOTAL_MAX:
        problems.append(f"embeds total {total} > {EMBED_TOTAL_MAX}")
    if content is not None and dlen(content) > CONTENT_MAX:
        problems.append(f"content has {dlen(content)} > {CONTENT_MAX}")
    if not embeds and not (content or "").strip():
        problems.append("message is empty")
    return problems


# -- packing -----------------------------------------------------------------------------
@dataclass
class Packed:
    pages: list[discord.Embed]
    groups_per_page: list[list[int]] = field(default_factory=list)


def _clean_field(name: str, value: str) -> Field:
    name = truncate(single_line(name), FIELD_NAME_MAX) or "—"
    value = value if value.strip() else "—"
    if dlen(value) > FIELD_VALUE_MAX:  # callers split beforehand; this is a last guard
        value = truncate(value, FIELD_VALUE_MAX)
    return name, value


def pack(
    groups: Sequence[Sequence[Field]],
    *,
    title: str,
    description: str = "",
    footer: str = "",
    color: int = COLOR_NEUTRAL,
    lang: Lang = "fr",
    budget: int = EMBED_TOTAL_MAX,
    number_pages: bool = True,
) -> Packed:
    """Lay out groups of fields on pages (embeds). A group stays on one page when it fits on a
    fresh one; otherwise it continues on the next page between two of its fields.
    Only the first page carries `description`; pages are numbered in the footer."""
    title = truncate(single_line(title), EMBED_TITLE_MAX)
    description = truncate(description or "", EMBED_DESCRIPTION_MAX)
    head_first = dlen(title) + dlen(description)
    head_next = dlen(title)
    footer_room = max(0, min(FOOTER_MAX - PAGE_SUFFIX_RESERVE, budget - head_first - FIELD_ROOM - PAGE_SUFFIX_RESERVE))
    footer = truncate(single_line(footer), footer_room) if footer else ""
    reserve = dlen(footer) + PAGE_SUFFIX_RESERVE

    pages: list[list[Field]] = [[]]
    owners: list[list[int]] = [[]]
    used = head_first
    for gi, group in enumerate(groups):
        fields = [_clean_field(n, v) for n, v in group]
        size = sum(dlen(n) + dlen(v) for n, v in fields)
        fits_fresh = head_next + size + reserve <= budget and len(fields) <= EMBED_FIELDS_MAX
        fits_here = used + size + reserve <= budget and len(pages[-1]) + len(fields) <= EMBED_FIELDS_MAX
        if pages[-1] and not fits_here and fits_fresh:
            pages.append([])
            owners.append([])
            used = head_next
        for name, value in fields:
            cost = dlen(name) + dlen(value)
            if pages[-1] and (len(pages[-1]) >= EMBED_FIELDS_MAX or used + cost + reserve > budget):
                pages.append([])
                owners.append([])
                used = head_next
            pages[-1].append((name, value))
            used += cost
            if gi not in owners[-1]:
                owners[-1].append(gi)

    total = len(pages)
    embeds = []
    for i, page_fields in enumerate(pages):
        embed = discord.Embed(title=title or None, description=(description or None) if i == 0 else None, color=color)
        for name, value in page_fields:
            embed.add_field(name=name, value=value, inline=False)
        text = footer
        if number_pages and total > 1:
            page = t(lang, "page", n=i + 1, total=total)
            text = f"{footer} · {page}" if footer else page
        if text:
            embed.set_footer(text=text)
        embeds.append(embed)
    return Packed(embeds, owners)


def group_messages(embeds: Sequence[discord.Embed]) -> list[list[discord.Embed]]:
    """Put consecutive embeds into messages: at most 10 per message and 6000 characters in all."""
    messages: list[list[discord.Embed]] = []
    current: list[discord.Embed] = []
    total = 0
    for embed in embeds:
        size = embed_total_len(embed)
        if current and (len(current) >= MESSAGE_EMBEDS_MAX or total + size > EMBED_TOTAL_MAX):
            messages.append(current)
            current, total = [], 0
        current.append(embed)
        total += size
    if current:
        messages.append(current)
    return messages


def renumber(embeds: Sequence[discord.Embed], lang: Lang, prefix: str = "") -> None:
    """Set "prefix · Page i/n" footers on a sequence of pages (prefix already bounded by the caller)."""
    total = len(embeds)
    for i, embed in enumerate(embeds):
        page = t(lang, "page", n=i + 1, total=total) if total > 1 else ""
        text = " · ".join(x for x in (prefix, page) if x)
        if text:
            embed.set_footer(text=text)
        else:
            embed.remove_footer()


# -- shared pieces -----------------------------------------------------------------------
def user_text(text: str, limit: int) -> str:
    """User-supplied text shown in an embed: one line, markdown neutralised, bounded."""
    return truncate(escape_markdown(single_line(text)), limit)


def point_line(point: Point) -> str:
    """A point with its [n] markers (those not already in its text)."""
    text = (point.text or "").strip()
    markers = "".join(f"[{n}]" for n in point.citations if f"[{n}]" not in text)
    return f"{text} {markers}".strip()


def _lines_to_values(lines: Iterable[str]) -> list[str]:
    values: list[str] = []
    current = ""
    for line in lines:
        candidate = f"{current}\n{line}" if current else line
        if dlen(candidate) <= FIELD_VALUE_MAX:
            current = candidate
        else:
            if current:
                values.append(current)
            current = line
    if current:
        values.append(current)
    return values


def _continued_names(label: str, count: int, lang: Lang) -> list[str]:
    suffix = f" ({t(lang, 'continued')})"
    first = truncate(single_line(label), FIELD_NAME_MAX) or "—"
    other = truncate(single_line(label), FIELD_NAME_MAX - len(suffix)) + suffix
    return [first] + [other] * (count - 1)


def side_fields(label: str, points: Sequence[Point], lang: Lang) -> list[Field]:
    """One field per side (more when its points exceed 1024 characters): bullets with [n] markers.
    A point longer than a field is split at sentence ends; markers are never cut."""
    lines: list[str] = []
    for point in points:
        line = point_line(point)
        if not line:
            continue
        pieces = split_sentences(line, FIELD_VALUE_MAX - 2)
        lines.append("• " + pieces[0])
        lines.extend(pieces[1:])
    values = _lines_to_values(lines) or [t(lang, "side_no_points")]
    return list(zip(_continued_names(label, len(values), lang), values))


def quote_fields(name: str, quote: str, lang: Lang, *, wrap: bool = False) -> list[Field]:
    """A verbatim quote as one or more fields; continuation fields are marked "(suite i/n)".
    With `wrap`, the quote is framed by « » (outside the quoted characters)."""
    room = FIELD_VALUE_MAX - (4 if wrap else 0)
    if wrap:  # the passage's own quotation marks nest inside ours (“ ” in « », ‘ ’ in “ ”)
        quote = nest(quote, lang)
    chunks = [c for c in split_exact(quote, room) if c.strip()] or ["—"]
    if wrap and chunks != ["—"]:
        left, right = OUTER.get(lang, OUTER["fr"])
        chunks[0] = left + chunks[0]
        chunks[-1] = chunks[-1] + right
    n = len(chunks)
    names = []
    for i in range(n):
        if i == 0:
            names.append(truncate(single_line(name), FIELD_NAME_MAX) or "—")
        else:
            suffix = f" ({t(lang, 'continued')} {i + 1}/{n})"
            names.append(truncate(single_line(name), FIELD_NAME_MAX - len(suffix)) + suffix)
    return list(zip(names, chunks))


def sources_footer(titles: Iterable[str], lang: Lang) -> str:
    unique = list(dict.fromkeys(single_line(x) for x in titles if x))
    if not unique:
        return ""
    return truncate(t(lang, "footer_sources", titles=" · ".join(unique)), FOOTER_MAX - PAGE_SUFFIX_RESERVE)


# -- answers -----------------------------------------------------------------------------
@dataclass
class RenderedAnswer:
    pages: list[discord.Embed]
    page_sides: list[list[int]]  # indices into answer.sides shown on each page

    @property
    def paged(self) -> bool:
        return len(self.pages) > 1


def answer_notice(answer: Answer) -> str:
    lang = answer.lang
    parts = []
    if answer.notice:
        parts.append(answer.notice.strip())
    elif answer.kind == "debate":
        parts.append(t(lang, "notice_debate"))
    elif answer.kind == "factual":
        parts.append(t(lang, "notice_factual"))
    if not answer.grounded and answer.kind != "no_answer":
        parts.append(t(lang, "notice_ungrounded"))
    if answer.fallback_reason:
        parts.append(fallback_text(answer.fallback_reason, lang))
    return "\n".join(p for p in parts if p)


def _answer_color(answer: Answer) -> int:
    return {"debate": COLOR_DEBATE, "factual": COLOR_FACTUAL}.get(answer.kind, COLOR_NEUTRAL)


def _prose_pages(title: str, text: str, footer: str, color: int, lang: Lang) -> list[discord.Embed]:
    room = min(EMBED_DESCRIPTION_MAX, EMBED_TOTAL_MAX - dlen(title) - dlen(footer) - PAGE_SUFFIX_RESERVE)
    chunks = split_sentences(text, room) or ["—"]
    embeds = [discord.Embed(title=title or None, description=c, color=color) for c in chunks]
    renumber(embeds, lang, footer)
    return embeds


def render_answer(answer: Answer) -> RenderedAnswer:
    """Answer -> pages. Page 1 has the framing line; one field per side (more when long)."""
    lang = answer.lang
    title = user_text(answer.question, EMBED_TITLE_MAX)
    color = _answer_color(answer)
    footer = sources_footer((c.title for c in answer.citations), lang)
    notice = answer_notice(answer)
    if answer.kind == "no_answer" or not answer.sides:
        body = (answer.answer_markdown or "").strip() or t(lang, "no_answer")
        text = f"{notice}\n\n{body}" if notice and notice not in body else body
        pages = _prose_pages(title, text, footer, color, lang)
        return RenderedAnswer(pages, [[] for _ in pages])
    groups = [side_fields(side.label, side.points, lang) for side in answer.sides]
    packed = pack(groups, title=title, description=notice, footer=footer, color=color, lang=lang)
    return RenderedAnswer(packed.pages, packed.groups_per_page)


def render_sources(citations: Sequence[Citation], lang: Lang) -> list[list[discord.Embed]]:
    """Each cited passage verbatim, in messages. Long quotes continue in "(suite i/n)" fields."""
    if not citations:
        return [[discord.Embed(title=t(lang, "sources_title"), description=t(lang, "no_citations"), color=COLOR_SOURCES)]]
    groups = [quote_fields(f"[{c.id}] {c.title}", c.quote, lang) for c in citations]
    packed = pack(groups, title=t(lang, "sources_title"), description=t(lang, "sources_intro"), color=COLOR_SOURCES, lang=lang)
    return group_messages(packed.pages)


def _side_text(side: DebateSide, lang: Lang) -> tuple[str, str]:
    label = side.label_en if lang == "en" and side.label_en else side.label
    summary = side.summary_en if lang == "en" and side.summary_en else side.summary
    return label, summary


def _question(debate: Debate, lang: Lang) -> str:
    return debate.question_en if lang == "en" and debate.question_en else debate.question


def render_debate_map(debate: Debate, lang: Lang) -> discord.Embed:
    """Debate question, then one field per side with its summary (at most 25 sides)."""
    title = truncate(single_line(_question(debate, lang)), EMBED_TITLE_MAX)
    description = t(lang, "debate_intro")
    embed = discord.Embed(title=title, description=description, color=COLOR_DEBATE)
    sides = debate.sides[:EMBED_FIELDS_MAX]
    footer = truncate(f"/debate · {debate.id}", 200)
    room = EMBED_TOTAL_MAX - dlen(title) - dlen(description) - dlen(footer) - 10
    per_side = room // max(1, len(sides))
    for side in sides:
        label, summary = _side_text(side, lang)
        name = truncate(single_line(label), min(FIELD_NAME_MAX, max(20, per_side // 4))) or "—"
        count = len(side.arguments)
        value = f"{summary}\n*{count} argument{'s' if count != 1 else ''}*" if summary else f"*{count} argument{'s' if count != 1 else ''}*"
        value = truncate(value, max(10, min(FIELD_VALUE_MAX, per_side - dlen(name))))
        embed.add_field(name=name, value=value, inline=False)
    embed.set_footer(text=footer)
    return embed


def render_side(debate: Debate, side: DebateSide, lang: Lang, titles: dict[str, str] | None = None) -> list[list[discord.Embed]]:
    """One side's arguments, each followed by its quotes verbatim (« … ») and their article."""
    titles = titles or {}
    label, summary = _side_text(side, lang)
    groups: list[list[Field]] = []
    for i, arg in enumerate(side.arguments, 1):
        claim = (arg.text_en if lang == "en" and arg.text_en else arg.text).strip()
        head = f"{i}. {claim}"
        fields: list[Field] = []
        if dlen(head) > FIELD_NAME_MAX:
            name = t(lang, "argument_n", n=i)
            fields.extend((name, v) for v in split_sentences(claim, FIELD_VALUE_MAX))
        else:
            name = head
        for q in arg.quotes:
            qfields = quote_fields(name, q.text, lang, wrap=True)
            last_name, last_value = qfields[-1]
            source = f"\n— {single_line(titles.get(q.article_id, q.article_id))}"
            if dlen(last_value + source) <= FIELD_VALUE_MAX:
                qfields[-1] = (last_name, last_value + source)
            else:
                qfields.append((last_name, source.strip()))
            fields.extend(qfields)
        if not fields:
            fields.append((name, claim or t(lang, "side_no_arguments")))
        groups.append(fields)
    if not groups:
        groups.append([(t(lang, "side_arguments"), t(lang, "side_no_arguments"))])
    cited = [titles.get(q.article_id, q.article_id) for a in side.arguments for q in a.quotes]
    description = "\n\n".join(x for x in (summary, f"*{single_line(_question(debate, lang))}*") if x)
    packed = pack(
        groups,
        title=label,
        description=description,
        footer=sources_footer(cited, lang),
        color=COLOR_DEBATE,
        lang=lang,
    )
    return group_messages(packed.pages)


def render_more(
    answer: Answer, rendered: RenderedAnswer, debate: Debate | None, titles: dict[str, str] | None = None
) -> tuple[str, list[list[discord.Embed]]]:
    """What "other viewpoints" shows: the pages not seen yet (paged answer), else the debate's
    sides missing from the answer, else a short note. Returns (intro text, messages)."""
    lang = answer.lang
    if rendered.paged:
        return t(lang, "more_pages_notice"), group_messages(rendered.pages[1:])
    if debate is not None:
        shown_ids = {s.side_id for s in answer.sides if s.side_id}
        shown_labels = {single_line(s.label).casefold() for s in answer.sides}
        missing = [
            s
            for s in debate.sides
            if s.id not in shown_ids
            and single_line(s.label).casefold() not in shown_labels
            and single_line(s.label_en).casefold() not in shown_labels
        ]
        if missing:
            messages = [m for s in missing for m in render_side(debate, s, lang, titles)]
            return t(lang, "more_sides_notice"), messages
    return t(lang, "more_none"), []


# -- counter, facts, articles -------------------------------------------------------------
def render_counter(result: CounterResult) -> list[discord.Embed]:
    """Pages for /counter: the strongest arguments of the other sides, with [n] markers."""
    lang = result.lang
    title = t(lang, "counter_title", claim=user_text(result.claim, EMBED_TITLE_MAX))
    footer = sources_footer((c.title for c in result.citations), lang)
    if result.matched_side is not None:
        label, _ = _side_text(result.matched_side, lang)
        intro = t(lang, "counter_matched", label=single_line(label))
    else:
        intro = t(lang, "counter_unmatched")
    if not result.others:
        body = (result.answer_markdown or "").strip()
        text = "\n\n".join(x for x in (t(lang, "counter_none"), body) if x)
        return _prose_pages(truncate(title, EMBED_TITLE_MAX), text, footer, COLOR_COUNTER, lang)
    groups = [side_fields(side.label, side.points, lang) for side in result.others]
    return pack(groups, title=title, description=intro, footer=footer, color=COLOR_COUNTER, lang=lang).pages


def render_fact(result: FactResult) -> list[list[discord.Embed]]:
    lang = result.lang
    c = result.citation
    fields = quote_fields(f"{t(lang, 'fact_source')} : {c.title}" if lang == "fr" else f"{t(lang, 'fact_source')}: {c.title}", c.quote, lang, wrap=True)
    packed = pack(
        [fields],
        title=t(lang, "fact_title"),
        description=truncate(result.text, EMBED_DESCRIPTION_MAX - 10),
        footer=c.source,
        color=COLOR_FACTUAL,
        lang=lang,
    )
    return group_messages(packed.pages)


def render_article_list(articles: Sequence[Article], lang: Lang) -> list[discord.Embed]:
    title = t(lang, "articles_title")
    if not articles:
        return [discord.Embed(title=title, description=t(lang, "articles_empty"), color=COLOR_SOURCES)]
    lines = []
    for number, a in enumerate(articles, 1):  # the numbers questions refer to ("le 3e article de /sources")
        meta = " · ".join(x for x in (f"`{a.id}`", a.outlet or "", a.published or "") if x)
        lines.append(f"**{number}. {truncate(escape_markdown(single_line(a.title)), 300)}**\n{truncate(meta, 300)}")
    hint = t(lang, "articles_hint")
    pages: list[str] = []
    current = ""
    for line in lines:
        candidate = f"{current}\n\n{line}" if current else line
        if dlen(candidate) <= EMBED_DESCRIPTION_MAX - 200:
            current = candidate
        else:
            pages.append(current)
            current = line
    pages.append(current)
    embeds = [discord.Embed(title=title, description=p, color=COLOR_SOURCES) for p in pages]
    renumber(embeds, lang, hint)
    return embeds


def render_article_pages(article: Article, chunks: Sequence[Chunk], lang: Lang) -> list[discord.Embed]:
    """Page 1: the article's metadata; next pages: its passages verbatim, in order."""
    title = truncate(single_line(article.title), EMBED_TITLE_MAX)
    footer = truncate(single_line(article.source), 300)
    meta = discord.Embed(title=title, description=t(lang, "article_page_hint"), color=COLOR_SOURCES)
    rows = [
        ("article_id", f"`{article.id}`"),
        ("article_outlet", article.outlet or ""),
        ("article_published", article.published or ""),
        ("article_tags", ", ".join(article.tags)),
        ("article_file", article.source),
        ("article_passages", str(len(chunks))),
    ]
    for key, value in rows:
        if value:
            meta.add_field(name=t(lang, key), value=truncate(value, FIELD_VALUE_MAX), inline=True)
    groups = [
        quote_fields(t(lang, "passage_n", n=i + 1, start=c.start, end=c.end), c.text, lang)
        for i, c in enumerate(sorted(chunks, key=lambda c: c.index))
    ]
    pages = [meta]
    if groups:
        pages += pack(groups, title=title, color=COLOR_SOURCES, lang=lang, budget=ARTICLE_PAGE_BUDGET, number_pages=False).pages
    renumber(pages, lang, footer)
    return pages
