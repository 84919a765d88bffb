"""Turn a validated LLM draft into an Answer whose citations come only from the retrieved passages."""

from __future__ import annotations

from bot.core.answering.citations import CitationBuilder
from bot.core.answering.render import debate_intro, factual_intro, no_answer_text, render_markdown
from bot.core.models import Answer, Passage, Point, Side


def draft_to_answer(draft, ctx, passages: list[Passage], articles: dict) -> Answer:
    cb = CitationBuilder(articles)
    sides = []
    for ds in draft.sides:
        points = []
        for dp in ds.points:
            ids = [cb.add(passages[i - 1].article_id, passages[i - 1].start, passages[i - 1].end) for i in dp.passage_ids]
            points.append(Point(text=dp.text, citations=ids))
        if points:
            sides.append(Side(label=ds.label, points=points))
    kind = draft.kind
    if kind == "no_answer" and not sides:
        text = no_answer_text(ctx.lang, ctx.question)
        return Answer(ctx.question, "no_answer", ctx.lang, text, [], [], grounded=True, mode="llm")
    intro = debate_intro(ctx.lang, ctx.question, mapped=ctx.debate is not None) if kind == "debate" else factual_intro(ctx.lang)
    if draft.intro:
        intro = f"{intro}\n\n{draft.intro}".strip()
    md = render_markdown(intro, sides, cb.citations, ctx.lang, heading_sides=kind == "debate")
    return Answer(ctx.question, kind, ctx.lang, md, sides, cb.citations, grounded=bool(cb.citations), mode="llm",
                  debate_id=ctx.debate.id if ctx.debate else None)
