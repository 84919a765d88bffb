"""Routing: is the question a debate, a factual question, or not covered by the sources?"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.i18n import pick
from bot.core.models import Debate, Lang
from bot.core.text import fold

_DEBATE_CUES = re.compile("|".join([
    r"que pens", r"qu'en pens", r"votre avis", r"ton avis", r"avis sur", r"\bethique", r"\bmoral", r"faut[- ]il", r"doit[- ]on",
    r"peut[- ]on", r"pour ou contre", r"est[- ]ce (une )?(bonne|mauvaise)", r"\b(ir)?realist", r"\brisques?\b", r"\bdanger",
    r"justifie", r"controvers", r"\bbien ou mal", r"\bsouhaitable", r"\bimpacts?\b", r"\bconsequences", r"\bmenace",
    r"what do you think", r"\bopinion", r"\bethic", r"\bshould\b", r"\bpros and cons", r"\bgood idea", r"\bbad idea",
    r"\brealistic", r"\brisks?\b", r"\bdanger", r"\bjustified", r"\bworth it", r"\bcontrovers", r"\bimpacts?\b", r"\bthreat",
    r"\bdebat", r"\bdebate", r"va[- ]t[- ](elle|il) (rendre|remplacer|detruire|supprimer|tuer)", r"\binutiles?\b",
    r"\bremplacer", r"\bwill (ai|it) (replace|destroy|kill)", r"\bnationali", r"\bdilemm", r"est[- ]il (vraiment )?(pret|bon|raisonnable|sage)", r"\bis it (really )?(ready|wise|fair|right)",
]))
_SECRETS = re.compile(r"token|api[ _-]?key|cle (d'?)?api|mot de passe|password|secret|\.env\b|system prompt|prompt systeme|"
                      r"(ignore|oublie|ignorez|oubliez|disregard|forget)\b.{0,40}\b(instruction|consigne|regle|rule|prompt)")


@dataclass
class Route:
    kind: str  # debate | factual | no_answer
    debate: Debate | None = None
    near_debate: Debate | None = None
    reason: str = ""


def has_debate_cue(question: str) -> bool:
    return bool(_DEBATE_CUES.search(fold(question)))


def asks_for_secrets(question: str) -> bool:
    return bool(_SECRETS.search(fold(question)))


def evidence_score(evidence: dict) -> float:
    return 0.6 * evidence.get("dense_max", 0.0) + 0.4 * evidence.get("coverage", 0.0)


def route(question: str, lang: Lang, evidence: dict, match: tuple[Debate | None, float], settings) -> Route:
    """`settings`: RoutingSettings (thresholds calibrated on tests/eval/answers.yaml)."""
    debate, score = match
    if asks_for_secrets(question):
        return Route("no_answer", reason=pick(lang, "Cette demande ne porte pas sur les sources (instructions, secrets ou configuration) : Contrepoint n'y répond pas.",
                                             "This request is not about the sources (instructions, secrets or configuration): Contrepoint does not answer it."))
    names = evidence.get("unknown_names") or []
    if names:
        listed = ", ".join(f"« {n} »" for n in names[:3])
        return Route("no_answer", reason=pick(lang, "{n} n'apparaît dans aucun article.", "{n} does not appear in any article.", n=listed))
    cue = has_debate_cue(question)
    unknown = evidence.get("unknown_terms") or []
    confident = score >= settings.debate_match + 0.05 or cue
    if debate is not None and (score >= settings.debate_match or (cue and score >= settings.debate_match_with_cue)) and (confident or not unknown):
        return Route("debate", debate=debate)
    ev = evidence_score(evidence)
    if cue:
        if ev < settings.min_evidence_debate:
            return Route("no_answer")
        return Route("debate", near_debate=debate if score >= settings.debate_match_with_cue * 0.8 else None)
    if ev < settings.min_evidence:
        return Route("no_answer")
    if unknown:
        listed = ", ".join(f"« {w} »" for w in unknown[:3])
        if ev < settings.unknown_term_override:
            return Route("no_answer", reason=pick(lang, "Les articles ne parlent pas de {w}.", "The articles do not mention {w}.", w=listed))
        # Well covered otherwise: answer, but flag the unsupported word (a false premise, often).
        return Route("factual", reason=pick(lang, "⚠️ Les articles ne mentionnent pas {w} : vérifiez la prémisse de la question. Voici ce qu'ils disent :",
                                            "⚠️ The articles do not mention {w}: check the question's premise. Here is what they say:", w=listed))
    return Route("factual")
