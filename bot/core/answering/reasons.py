"""User-facing text for the router's reason codes (French default, English)."""

from __future__ import annotations

from bot.core.i18n import pick
from bot.core.models import Lang

_TEXT = {
    "out_of_scope": ("Cette demande ne porte pas sur les sources (instructions, secrets ou configuration) : Contrepoint n'y répond pas.",
                     "This request is not about the sources (instructions, secrets or configuration): Contrepoint does not answer it."),
    "not_covered": ("Les sources ne traitent pas ce point.", "The sources do not cover this point."),
    "not_mentioned": ("Les articles ne mentionnent pas {names}.", "The articles do not mention {names}."),
    "premise_name": ("⚠️ Prémisse à vérifier : les sources ne mentionnent pas {names} ; sur ce point, voici ce qu'elles disent.",
                     "⚠️ Check the premise: the sources do not mention {names}; on this point, here is what they say."),
    "premise_link": ("⚠️ Prémisse à vérifier : les sources ne relient pas {names} à ce point ; voici ce qu'elles disent.",
                     "⚠️ Check the premise: the sources do not link {names} to this; here is what they say."),
    "premise_quantity": ("⚠️ Prémisse à vérifier : les sources ne donnent pas {values} ; voici les chiffres qu'elles donnent.",
                         "⚠️ Check the premise: the sources do not give {values}; here are the figures they give."),
    "article_missing": ("Aucun article de la base ne correspond à cet article. Voici les articles (numéros de /sources) : {titles}.",
                        "No article in the knowledge base matches that article. Here are the articles (numbered as in /sources): {titles}."),
    "covered_topics": ("Les articles de la base portent sur : {titles}.", "The articles in the knowledge base are about: {titles}."),
    "other_language": ("Réponse en français (question détectée en « {iso} »).", "Answering in English (question detected as “{iso}”)."),
}


# Why an answer is the extractive fallback of an LLM draft (Answer.fallback_reason).
_FALLBACK = {
    "timeout": ("le modèle de langage n'a pas répondu à temps", "the language model did not answer in time"),
    "rate_limited": ("le modèle de langage est saturé (trop de requêtes)", "the language model is overloaded (too many requests)"),
    "error": ("le modèle de langage est indisponible", "the language model is unavailable"),
    "circuit_open": ("le modèle de langage est indisponible pour le moment", "the language model is unavailable for now"),
    "config": ("le modèle de langage est mal configuré", "the language model is misconfigured"),
    "malformed": ("le modèle de langage a donné une réponse illisible", "the language model gave an unreadable reply"),
    "ungrounded": ("le modèle de langage n'a pas appuyé sa réponse sur les sources",
                   "the language model did not base its reply on the sources"),
}


def fallback_text(reason: str, lang: Lang) -> str:
    """One line saying that the answer is made of direct quotes because the LLM draft was not used."""
    fr, en = _FALLBACK.get(reason, _FALLBACK["error"])
    return pick(lang, "ℹ️ Réponse de secours, faite de citations directes : {why}.",
                "ℹ️ Fallback answer made of direct quotes: {why}.", why=pick(lang, fr, en))


def reason_text(code: str, lang: Lang, **params: object) -> str:
    fr, en = _TEXT[code]
    return pick(lang, fr, en, **params)


def quoted(items: list[str], lang: Lang) -> str:
    return ", ".join((f"« {i} »" if lang == "fr" else f"“{i}”") for i in items[:3])
