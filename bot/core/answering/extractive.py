"""The default composer: no LLM, no network. Every point cites verbatim article text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from bot.core.answering.citations import CitationBuilder
from bot.core.answering.premise import Verdict
from bot.core.answering.render import (
    debate_intro,
    diverge_notice,
    factual_intro,
    no_answer_text,
    render_markdown,
    stance_label,
)
from bot.core.answering.sentences import Sentence, SentenceScorer, amounts, overlaps, sentences_of, shorten
from bot.core.answering.stance import STANCES, StanceModel
from bot.core.messages import quote_list, t
from bot.core.models import Answer, Debate, Lang, Passage, Point, Side
from bot.core.text import fold

_NAME = re.compile(r"\b[A-Z][A-Za-z-]{2,}")


@dataclass
class Context:
    question: str
    lang: Lang
    kind: str
    passages: list[Passage]
    qvec: np.ndarray
    debate: Debate | None = None  # matched debate map (kind == debate)
    near_debate: Debate | None = None  # closest map, for unmapped debatable questions
    reason_code: str | None = None
    question_lang: str | None = None  # ISO code when the question is neither French nor English
    extra_passages: list[Passage] = field(default_factory=list)  # wider retrieval for unmapped debates
    sentences: list[Sentence] = field(default_factory=list)  # factual candidates, scored by the model
    sims: list[float] = field(default_factory=list)
    verdict: Verdict | None = None
    article_ref: str | None = None  # the article the question refers to


class ExtractiveComposer:
    def __init__(self, articles: dict, scorer: SentenceScorer, stance: StanceModel, scoring=None):
        """`scoring`: the `scoring:` settings (margins, cut-offs); defaults when None."""
        from bot.settings import ScoringSettings

        self.articles = articles
        self.scorer = scorer
        self.stance = stance
        self.s = scoring or ScoringSettings()

    def compose(self, ctx: Context) -> Answer:
        if ctx.kind == "no_answer":
            return self._no_answer(ctx)
        if ctx.kind == "debate":
            return self._debate(ctx)
        return self._factual(ctx)

    # -- no answer ---------------------------------------------------------------------
    def _no_answer(self, ctx: Context) -> Answer:
        """Says why, names what the sources do cover, and cites nothing."""
        names = ctx.verdict.names if ctx.verdict else []
        reason = ""
        if ctx.reason_code and ctx.reason_code != "article_missing":
            reason = t(ctx.lang, f"reason.{ctx.reason_code}", names=quote_list(names, ctx.lang))
        if ctx.reason_code == "article_missing":
            reason = t(ctx.lang, "reason.article_missing", titles="; ".join(f"{i}. {a.title}" for i, a in enumerate(self.articles.values(), 1)))
        elif ctx.reason_code != "out_of_scope":
            titles = sorted({a.title for a in self.articles.values()})
            reason = " ".join(part for part in (reason, t(ctx.lang, "reason.covered_topics", titles=quote_list(titles, ctx.lang))) if part)
        md = self._with_language_note(ctx, no_answer_text(ctx.lang, ctx.question, reason))
        return Answer(ctx.question, "no_answer", ctx.lang, md, [], [], grounded=True, mode="extractive", notice=reason,
                      reason_code=ctx.reason_code or "not_covered", question_lang=ctx.question_lang)

    def _with_language_note(self, ctx: Context, md: str) -> str:
        if not ctx.question_lang:
            return md
        return f"*{t(ctx.lang, 'reason.other_language', iso=ctx.question_lang)}*\n\n{md}"

    # -- debates -------------------------------------------------------------------------
    def _debate(self, ctx: Context) -> Answer:
        cb = CitationBuilder(self.articles)
        if ctx.debate is not None:
            sides = self._sides_from_map(ctx.debate, ctx, cb)
            self._enrich(sides, ctx, cb)
        else:
            sides = self._sides_from_passages(ctx, cb)
        sides = [s for s in sides if s.points]
        if len(sides) < 2:  # never one-sided: fall back to the closest map's sides
            near = ctx.debate or ctx.near_debate
            if near is not None:
                cb = CitationBuilder(self.articles)
                sides = self._sides_from_map(near, ctx, cb)
        intro = debate_intro(ctx.lang, ctx.question, mapped=ctx.debate is not None)
        if ctx.debate is not None:
            q = ctx.debate.question_en if ctx.lang == "en" else ctx.debate.question
            intro = f"{intro}\n> {q}"
        md = render_markdown(intro, sides, cb.citations, ctx.lang)
        return Answer(ctx.question, "debate", ctx.lang, md, sides, cb.citations, grounded=bool(cb.citations), mode="extractive",
                      debate_id=ctx.debate.id if ctx.debate else None)

    def _sides_from_map(self, debate: Debate, ctx: Context, cb: CitationBuilder) -> list[Side]:
        sides = []
        for ds in debate.sides:
            label = ds.label_en if ctx.lang == "en" else ds.label
            points = []
            for arg in ds.arguments:
                text = (arg.text_en or arg.text) if ctx.lang == "en" else arg.text
                points.append(Point(text=text, citations=[cb.add(q.article_id, q.start, q.end) for q in arg.quotes]))
            sides.append(Side(label=label, points=points, side_id=ds.id))
        return sides

    def _enrich(self, sides: list[Side], ctx: Context, cb: CitationBuilder) -> None:
        """Add up to `scoring.max_enrich` retrieved sentences to the side whose stance they share."""
        by_stance = {}
        for side, ds in zip(sides, ctx.debate.sides):
            if ds.stance in STANCES and ds.stance not in by_stance:
                by_stance[ds.stance] = side
        cited = [(c.article_id, c.start, c.end) for c in cb.citations]
        cands = [s for s in sentences_of(ctx.passages[:4]) if not overlaps(s, cited)]
        if not cands:
            return
        rel = self.scorer.score(ctx.question, ctx.qvec, cands)
        vecs = self.scorer.vectors(cands)
        added = 0
        order_best = int(np.argmax(rel))
        for idx in np.argsort(rel)[::-1]:
            if added >= self.s.max_enrich or rel[idx] < rel[order_best] - self.s.enrich_margin:
                break
            stance, score = self.stance.classify(cands[idx].text, vecs[idx])
            side = by_stance.get(stance)
            if side is None or score < self.s.stance_floor:
                continue
            s = cands[idx]
            side.points.append(Point(text=_excerpt(s, ctx.lang), citations=[cb.add(s.article_id, s.start, s.end)]))
            added += 1

    def _sides_from_passages(self, ctx: Context, cb: CitationBuilder) -> list[Side]:
        cands = sentences_of(ctx.passages + ctx.extra_passages)
        if not cands:
            return []
        rel = self.scorer.score(ctx.question, ctx.qvec, cands)
        vecs = self.scorer.vectors(cands)
        buckets: dict[str, list[tuple[float, Sentence]]] = {s: [] for s in STANCES}
        for s, r, v in zip(cands, rel, vecs):
            stance_scores = self.stance.scores(s.text, v)
            stance = max(stance_scores, key=stance_scores.get)
            if stance_scores[stance] >= self.s.stance_floor:
                buckets[stance].append((r, s))
        sides = []
        for stance in STANCES:
            ranked = sorted(buckets[stance], key=lambda t: -t[0])
            best = ranked[:1]
            for item in ranked[1:]:  # a second point from another article when there is one
                if item[1].article_id != best[0][1].article_id:
                    best.append(item)
                    break
            if len(best) < 2 and len(ranked) > 1:
                best.append(ranked[1])
            points = [Point(text=_excerpt(s, ctx.lang), citations=[cb.add(s.article_id, s.start, s.end)]) for _, s in best]
            if points:
                sides.append(Side(label=stance_label(stance, ctx.lang), points=points, side_id=stance))
        return sides

    # -- facts ---------------------------------------------------------------------------
    def _factual(self, ctx: Context) -> Answer:
        """Leads with the sentence the model found to answer the question (or to contradict its premise),
        then the closest sentences of other articles, so that disagreeing sources are all shown."""
        cb = CitationBuilder(self.articles)
        cands, rel, verdict = ctx.sentences, ctx.sims, ctx.verdict
        if verdict is None or verdict.lead is None:
            return self._no_answer(ctx)
        best = rel[verdict.lead]
        chosen = [cands[verdict.lead]]
        for idx in sorted(range(len(cands)), key=lambda i: -rel[i]):
            s = cands[idx]
            if len(chosen) >= self.s.max_fact_sentences or rel[idx] < best - self.s.fact_margin:
                break
            if not overlaps(s, [(c.article_id, c.start, c.end) for c in chosen]):
                chosen.append(s)
        notes = []
        premise = None
        if verdict.status == "contradicted":
            premise = "contradicted"
            notes.append(t(ctx.lang, f"reason.{verdict.reason}", names=quote_list(verdict.names, ctx.lang),
                              values=quote_list(verdict.quantities, ctx.lang)))
        found = [amounts(s.text) for s in chosen]
        if len({s.article_id for s in chosen}) > 1 and len({frozenset(a) for a in found if a}) > 1:
            notes.append(diverge_notice(ctx.lang))
        notice = "\n".join(notes)
        label = t(ctx.lang, "answer.what_sources_say")
        side = Side(label=label, points=[
            Point(text=_excerpt(s, ctx.lang), citations=[cb.add(s.article_id, s.start, s.end)]) for s in chosen])
        intro = self._with_language_note(ctx, factual_intro(ctx.lang))
        md = render_markdown(intro, [side], cb.citations, ctx.lang, notice=notice, heading_sides=False)
        return Answer(ctx.question, "factual", ctx.lang, md, [side], cb.citations, grounded=True, mode="extractive", notice=notice,
                      reason_code=verdict.reason if premise else None,
                      premise=premise, question_lang=ctx.question_lang)


def _names(question: str) -> list[str]:
    """Capitalised names in the question (not its first word), accent-folded: ["google", "anthropic"]."""
    return [fold(m.group(0)) for m in _NAME.finditer(question) if m.start() > 0]


def _excerpt(s: Sentence, lang: Lang) -> str:
    return t(lang, "answer.according_to", t=shorten(s.title, 80), s=shorten(s.text))
