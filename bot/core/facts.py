"""Sourced facts from knowledge/facts.yaml: random, or the best match for a topic."""

from __future__ import annotations

from bot.core.answering.citations import CitationBuilder
from bot.core.models import FactResult, Lang
from bot.core.retrieval.analysis import word_terms


def _fact_terms(fact) -> set[str]:
    return set(word_terms(" ".join([fact.text, fact.text_en, " ".join(fact.topics), fact.quote.text])))


def pick_fact(service, topic: str | None, *, lang: Lang | None = None) -> FactResult | None:
    from bot.core.answering.lang import detect_lang
    from bot.core.answering.pipeline import engine_for

    kb = service.kb
    kb.ensure_synced()
    eng = engine_for(service) if topic else None
    view = eng.view if eng else kb.view  # one view: the fact and the article it quotes agree
    facts = view.facts
    if not facts:
        return None
    lang = lang or (detect_lang(topic, service.settings.language) if topic else service.settings.language)
    if not topic:
        fact = service._rng.choice(facts)
    else:
        vecs = eng.fact_vectors()
        qv = kb.embedder.embed_query(topic)
        q_terms = set(word_terms(topic))
        best, best_score = facts[0], float("-inf")
        for i, f in enumerate(facts):
            lexical = len(q_terms & _fact_terms(f)) / max(len(q_terms), 1)
            score = float(vecs[i] @ qv) + service.settings.scoring.fact_lexical_weight * lexical
            if score > best_score:
                best, best_score = f, score
        fact = best
    cb = CitationBuilder(dict(view.by_id))
    cb.add(fact.quote.article_id, fact.quote.start, fact.quote.end)
    text = fact.text_en if lang == "en" else fact.text
    return FactResult(fact=fact, lang=lang, text=text, citation=cb.citations[0])
