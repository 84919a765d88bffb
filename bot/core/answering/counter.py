"""`/counter`: find the side closest to a user's claim, then present the strongest arguments of the other sides."""

from __future__ import annotations

from bot.core.answering.citations import CitationBuilder
from bot.core.answering.lang import detect_lang
from bot.core.answering.render import render_markdown
from bot.core.messages import t
from bot.core.models import CounterResult, Lang, Point, Side
from bot.core.retrieval.analysis import word_terms


def _side_terms(side) -> set[str]:
    texts = [side.label, side.label_en, side.summary, side.summary_en]
    texts += [t for a in side.arguments for t in (a.text, a.text_en)]
    return set(word_terms(" ".join(texts)))


def counter_claim(service, claim: str, *, lang: Lang | None = None) -> CounterResult:
    from bot.core.answering.pipeline import engine_for

    eng = engine_for(service)
    lang = lang or detect_lang(claim, service.settings.language)
    qv = eng.kb.embedder.embed_query(claim)
    q_terms = set(word_terms(claim))
    scoring = service.settings.scoring
    best = None  # (score, debate, side)
    for debate, side, vec in eng.side_vectors():
        # dense similarity alone confuses "AI will destroy jobs" with "AI will transform the economy"
        lexical = len(q_terms & _side_terms(side)) / max(len(q_terms), 1)
        score = float((vec @ qv).max()) + scoring.counter_lexical_weight * lexical
        if best is None or score > best[0]:
            best = (score, debate, side)
    if best is None or best[0] < service.settings.answering.counter_side_min:
        answer = service.ask(claim, lang=lang)
        intro = t(lang, "counter.unmatched")
        return CounterResult(claim, lang, None, None, answer.sides, answer.citations, f"{intro}\n\n{answer.answer_markdown}")
    _, debate, matched = best
    cb = CitationBuilder(eng.composer.articles)
    others = []
    for ds in debate.sides:
        if ds.id == matched.id:
            continue
        ranked = sorted(ds.arguments, key=lambda a: -float(eng.argument_vector(debate.id, a.id) @ qv))
        points = [Point(text=(a.text_en or a.text) if lang == "en" else a.text,
                        citations=[cb.add(q.article_id, q.start, q.end) for q in a.quotes]) for a in ranked[:scoring.counter_args_per_side]]
        others.append(Side(label=ds.label_en if lang == "en" else ds.label, points=points, side_id=ds.id))
    mlabel = matched.label_en if lang == "en" else matched.label
    q = debate.question_en if lang == "en" else debate.question
    intro = t(lang, "counter.matched", m=mlabel, q=q)
    md = render_markdown(intro, others, cb.citations, lang)
    return CounterResult(claim, lang, debate, matched, others, cb.citations, md)
