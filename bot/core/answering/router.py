"""Routing by evidence: is the question a debate, a factual question, or not covered by the sources?

Signals, all from models and the retrieved evidence (thresholds fitted on the dev split by
bench/calibrate_routing.py, kept in `routing:` settings):
- the debate probability of the question (`QuestionKindModel`, a classifier over its embedding);
- its similarity to the curated debate maps (`DebateIndex`);
- the similarity of the best retrieved passage (coverage);
- for factual questions, the coverage and premise check over candidate sentences (`premise.check`).

The router returns reason codes; their texts are `reason.<code>` in the message table (bot/core/messages).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.core.models import Debate
from bot.core.text import fold

# Requests about the bot itself rather than the sources: credentials, configuration, its instructions.
# Word boundaries keep « un million de tokens » and « la secrétaire générale » answerable.
_SECRETS = re.compile(
    r"\b(?:(?:discord|bot|api|access|acces|auth)[ _-]?tokens?|tokens? (?:du bot|of the bot|d'acces|discord)|"
    r"api[ _-]?keys?|cles? (?:d'?)?api|mots? de passe|passwords?|secrets? (?:du bot|of the bot)|your secrets?|tes secrets|vos secrets|"
    r"variables? d'environnement|environment variables?|system prompt|prompt systeme|tes instructions|your instructions)"
    r"|(?<![\w.])\.env\b"
    r"|\b(?:ignore|oublie|ignorez|oubliez|disregard|forget)\b.{0,40}\b(?:instructions?|consignes?|regles?|rules?|prompts?)\b"
)

_WORD = re.compile(r"[^\W_]{2,}")


@dataclass
class Route:
    kind: str  # debate | factual | no_answer
    debate: Debate | None = None
    near_debate: Debate | None = None
    reason_code: str | None = None  # text: "reason.<code>" in bot/core/messages
    params: dict = field(default_factory=dict)
    debate_probability: float = 0.0


def asks_for_secrets(question: str) -> bool:
    return bool(_SECRETS.search(fold(question)))


def route(question: str, evidence: dict, match: tuple[Debate | None, float], debate_probability: float, settings) -> Route:
    """`settings`: RoutingSettings. `evidence`: from HybridRetriever.search_with_evidence."""
    debate, score = match
    if asks_for_secrets(question):
        return Route("no_answer", reason_code="out_of_scope")
    if not _WORD.search(question):  # emoji, punctuation: nothing to look up
        return Route("no_answer", reason_code="not_covered")
    dense = evidence.get("dense_max", 0.0)
    is_debate = debate_probability >= settings.debate_probability or score >= settings.debate_match
    if is_debate:
        if dense < settings.min_evidence_debate and score < settings.debate_match:
            return Route("no_answer", reason_code="not_covered", debate_probability=debate_probability)
        # with two maps or more, the pipeline's DebateSelector replaces this choice (phrasings and quoted passages)
        mapped = debate if score >= settings.debate_match_debate_question else None
        return Route("debate", debate=mapped, near_debate=debate, debate_probability=debate_probability)
    if dense < settings.min_evidence:
        return Route("no_answer", reason_code="not_covered", debate_probability=debate_probability)
    return Route("factual", near_debate=debate, debate_probability=debate_probability)
