"""Is a question asking for a judgement (a debate) or for a fact? A logistic regression over the
question's embedding, fitted on labelled example questions (`question_kinds.yaml`, written from the dev
split by bench/calibrate_routing.py) plus every phrasing of the curated debate maps, so it grows with
the maps. Works in any language the embedding model knows."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import yaml

from bot.core.embedding_classifier import EmbeddingClassifier
from bot.core.text import fold

_ELISION = re.compile(r"(\w)['’](\w)")
_PUNCT = re.compile(r"[^\w\s]+")


def chat_spelling(question: str) -> str:
    """The question as chat often writes it: no capitals, accents, apostrophes or punctuation
    ("L'IA est-elle prête ?" -> "lia est elle prete"). Training on both spellings keeps the classifier
    from reading a judgement into the spelling."""
    return " ".join(_PUNCT.sub(" ", _ELISION.sub(r"\1\2", fold(question))).split())

EXAMPLES = Path(__file__).with_name("question_kinds.yaml")


def load_examples(path: Path = EXAMPLES) -> list[tuple[str, str]]:
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [(e["question"], e["kind"]) for e in data.get("examples", []) if e.get("kind") in ("debate", "factual")]


class QuestionKindModel:
    def __init__(self, vectors, debates, examples: list[tuple[str, str]] | None = None):
        """`vectors`: a PersistentCache (its `embed_queries` gives query-side vectors)."""
        pairs = list(examples if examples is not None else load_examples())
        for d in debates:
            pairs += [(p, "debate") for p in (d.question, d.question_en, *d.aliases) if p]
        pairs += [(chat_spelling(q), k) for q, k in pairs if chat_spelling(q) != q]
        self._model = EmbeddingClassifier(vectors, [q for q, _ in pairs], [k == "debate" for _, k in pairs])

    def debate_probability(self, qvec: np.ndarray) -> float:
        return self._model.probability(qvec)
