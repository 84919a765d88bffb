"""The `ask` pipeline: retrieve, route, compose (extractive by default, LLM when configured)."""

from __future__ import annotations

import logging
import re
import threading
from typing import Sequence

from bot.core.answering import premise
from bot.core.answering.extractive import Context, ExtractiveComposer
from bot.core.answering.lang import NOUNS_CAPITALISED, detect
from bot.core.answering.router import route
from bot.core.answering.sentences import sentences_of
from bot.core.models import Answer, Lang
from bot.core.retrieval.article_ref import designates
from bot.core.text_guard import strip_invisible

log = logging.getLogger(__name__)
_MENTIONS = re.compile(r"@(?:everyone|here)\b|<@[!&]?\d+>|<#\d+>")


class AnswerEngine:
    """Per-knowledge-base state: debate index, stance model, sentence cache, optional chat model."""

    def __init__(self, kb, settings, chat_model=None, breaker=None, view=None):
        """`view`: the knowledge view this engine answers from (kb.view by default); one engine, one view."""
        from bot.core.answering.answer_type import AmountQuestionModel
        from bot.core.answering.debate_match import DebateIndex
        from bot.core.answering.debate_select import DebateSelector
        from bot.core.answering.question_kind import QuestionKindModel
        from bot.core.answering.sentences import SentenceScorer
        from bot.core.answering.stance import StanceModel

        self.kb, self.settings = kb, settings
        # one view of the corpus: a re-sync installs a new view and a new engine, never a mix
        self.view = view = view or kb.view
        self.retriever = view.retriever
        self.refs = kb.refs_for(self.retriever)
        debates = list(view.debates)
        self.debate_index = DebateIndex(debates, kb.vectors)
        self.maps = DebateSelector(self.debate_index, self.retriever.search, settings.answering.passages)
        sc = settings.scoring
        self.scorer = SentenceScorer(kb.vectors, sc.passage_prior, sc.passage_prior_ranks)
        self.stance = StanceModel(debates, kb.vectors, sc.stance_neighbours, sc.stance_sharpness)
        self.kinds = QuestionKindModel(kb.vectors, debates)
        self.amounts = AmountQuestionModel(kb.vectors)
        self.composer = ExtractiveComposer(dict(view.by_id), self.scorer, self.stance, sc)
        self._chat_model = chat_model
        self.breaker = breaker  # CircuitBreaker shared by every engine of the service (survives re-syncs)
        self._warm_sentences(settings.answering.precompute_sentences_max)
        kb.vectors.save()

    def _warm_sentences(self, limit: int) -> None:
        """Embed every sentence of a small corpus once (persisted), so answers never wait on the model."""
        from bot.core.answering.sentences import article_sentences

        sentences = [s for a in self.composer.articles.values() for s in article_sentences(a)]
        if len(sentences) <= limit:
            self.scorer.vectors(sentences)

    def fact_vectors(self):
        if getattr(self, "_fact_vecs", None) is None:
            facts = self.view.facts
            self._fact_vecs = self.kb.vectors.embed_documents([f"{f.text} {f.text_en} {' '.join(f.topics)}" for f in facts]) if facts else None
        return self._fact_vecs

    def side_vectors(self):
        """(debate, side, matrix) for every side: one row per label, summary and argument, embedded like
        a claim (statement against statement), so a claim matches a side by its closest text."""
        if getattr(self, "_side_vecs", None) is None:
            out, self._arg_vecs = [], {}
            for d in self.view.debates:
                for side in d.sides:
                    texts = [side.label, side.label_en, side.summary, side.summary_en] + [a.text for a in side.arguments]
                    out.append((d, side, self.kb.vectors.embed_queries([t for t in texts if t])))
                    arg_vecs = self.kb.vectors.embed_queries([a.text for a in side.arguments])
                    for a, v in zip(side.arguments, arg_vecs):
                        self._arg_vecs[(d.id, a.id)] = v
            self._side_vecs = out
        return self._side_vecs

    def argument_vector(self, debate_id: str, argument_id: str):
        self.side_vectors()
        return self._arg_vecs[(debate_id, argument_id)]

    def chat_model(self):
        if self._chat_model is None and self.settings.llm.model:
            from bot.core.answering.llm import build_chat_model

            self._chat_model = build_chat_model(self.settings.llm)
        return self._chat_model

    def answer(self, question: str, lang: Lang | None, history: Sequence[str]) -> Answer:
        question = strip_invisible(question)
        question = _MENTIONS.sub(" ", question).strip() or question  # "@everyone" is not a topic word
        retriever = self.retriever
        detected = detect(question, self.settings.language, is_name=retriever.is_name)
        lang = lang or detected.reply
        query = question
        if history and len(question.split()) < 8:  # short follow-up: carry the thread's context
            query = " ".join([*history[-2:], question])
        k = self.settings.answering.passages
        qvec = self.kb.embedder.embed_query(query)
        ref = self.refs.resolve(question, self.kb.embedder.embed_query(question), detected.code)
        if ref is not None and ref.missing:
            return self._article_missing(question, lang, qvec, detected.code)
        ref_id = ref.article_id if ref else None
        passages, evidence = retriever.search_with_evidence(query, k, article_id=ref_id)
        match = self.debate_index.match(query, qvec)
        r = route(question, evidence, match, self.kinds.debate_probability(qvec), self.settings.routing)
        if r.kind == "debate":  # which map, from the phrasings and the passages its arguments quote
            chosen = self.maps.choose(qvec, passages, self.settings.routing.debate_map_probability)
            if chosen is not None:
                r.debate, r.near_debate = chosen
        ctx = Context(question=question, lang=lang, kind=r.kind, passages=passages, qvec=qvec, debate=r.debate,
                      near_debate=r.near_debate, reason_code=r.reason_code,
                      question_lang=detected.code if detected.code not in ("fr", "en") else None, article_ref=ref_id)
        answer = self._compose(ctx, evidence, query, k)
        answer.article_ref = ref_id
        return answer

    def _article_missing(self, question: str, lang: Lang, qvec, code: str) -> Answer:
        """The question points at an article the base lacks: say so, list the articles, cite nothing."""
        ctx = Context(question=question, lang=lang, kind="no_answer", passages=[], qvec=qvec, reason_code="article_missing",
                      question_lang=code if code not in ("fr", "en") else None)
        return self.composer.compose(ctx)

    def _compose(self, ctx: Context, evidence: dict, query: str, k: int) -> Answer:
        retriever = self.retriever
        if ctx.kind == "factual":
            self._check_premise(ctx, evidence)
        if ctx.kind == "debate" and ctx.debate is None:
            # a wider net: the sides of an unmapped debate are found among more passages
            ctx.extra_passages = retriever.search(query, self.settings.answering.debate_passages, article_id=ctx.article_ref)[k:]
        extractive = self.composer.compose(ctx)
        if ctx.kind == "no_answer" or not self.settings.llm.model and self._chat_model is None:
            return extractive
        return self._with_llm(ctx, extractive)

    def _check_premise(self, ctx: Context, evidence: dict) -> None:
        """Pick the answering sentence, or turn the route into 'not covered' / 'premise contradicted'."""
        rs = self.settings.routing
        ctx.sentences = sentences_of(ctx.passages, amount_questions=True)
        ctx.sims = self.scorer.score(ctx.question, ctx.qvec, ctx.sentences)
        # A capital names an actor only when the articles always capitalise the word (not "Series": « séries »),
        # or, for a word they lack, when the question's language does not capitalise every noun ("Gründer").
        nouns_capitalised = ctx.question_lang in NOUNS_CAPITALISED
        names = [(n, known) for n, known in evidence.get("names", [])
                 if self.retriever.is_name(n) or not (known or nouns_capitalised)]
        referred = self.composer.articles.get(ctx.article_ref) if ctx.article_ref else None
        if referred is not None:  # the outlet that points at the article is not what the answer must name
            names = [(n, known) for n, known in names if not designates(referred, n)]
        by_rank = {p.rank: p.text for p in ctx.passages}
        ctx.verdict = premise.check([s.text for s in ctx.sentences], ctx.sims, names, ctx.question,
                                    cover_min=rs.sentence_cover_min, premise_min=rs.premise_min,
                                    contexts=[by_rank.get(s.passage_rank, s.text) for s in ctx.sentences],
                                    is_name=self.retriever.is_name,
                                    needs_number=self.amounts.probability(ctx.qvec) >= rs.amount_probability)
        if ctx.verdict.status == "not_covered":
            ctx.kind = "no_answer"
            ctx.reason_code = "not_mentioned" if ctx.verdict.names else "not_covered"

    def _with_llm(self, ctx: Context, extractive: Answer) -> Answer:
        from bot.core.answering.llm import LLMFailure, draft_with_llm
        from bot.core.answering.llm_convert import draft_to_answer
        from bot.settings import ConfigError

        try:
            model = self.chat_model()
        except ConfigError:
            return _fallback(extractive, "config")
        if self.breaker is not None and not self.breaker.allow():
            log.info("LLM circuit open: extractive answer without calling the provider")
            return _fallback(extractive, "circuit_open")
        passages = (ctx.passages + ctx.extra_passages)[: self.settings.llm.max_passages]
        try:
            draft = draft_with_llm(model, question=ctx.question, lang=ctx.lang, passages=passages,
                                   debate=ctx.debate, timeout_s=self.settings.llm.timeout_s,
                                   prompts_dir=self.kb.root / "prompts",
                                   max_concurrent=self.settings.llm.max_concurrent_requests)
        except LLMFailure as exc:
            if self.breaker is not None:
                # an ungrounded draft is a model that answers, not a provider that fails
                (self.breaker.record_success if exc.reason == "ungrounded" else self.breaker.record_failure)()
            return _fallback(extractive, exc.reason)
        if self.breaker is not None:
            self.breaker.record_success()
        return draft_to_answer(draft, ctx, passages, self.composer.articles)


def _fallback(extractive: Answer, reason: str) -> Answer:
    log.warning("LLM composer not used (%s); using the extractive answer", reason)
    extractive.mode, extractive.fallback_reason = "fallback", reason
    return extractive


_engines_lock = threading.Lock()


def engine_for(service) -> AnswerEngine:
    kb = service.kb
    kb.ensure_synced()
    view = kb.view  # read once: the engine answers from this view only
    key = view.generation  # every sync that changes something installs a new view: rebuild the engine
    with _engines_lock:
        eng = getattr(service, "_answer_engine", None)
        if eng is None or getattr(service, "_answer_engine_key", None) != key:
            eng = AnswerEngine(kb, service.settings, chat_model=service._chat_model, breaker=service.llm_breaker, view=view)
            service._answer_engine, service._answer_engine_key = eng, key
        return eng


def answer_question(service, question: str, *, lang: Lang | None = None, history: Sequence[str] = ()) -> Answer:
    return engine_for(service).answer(question, lang, history)
