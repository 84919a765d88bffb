"""Does a question ask for an amount (a sum, a price, a count, a share)? A logistic regression over the
question's embedding, fitted on example questions about other subjects (`answer_types.yaml`) in their
written and chat spellings, so it learns the kind of answer asked for in any language the model knows.

A factual question that asks for an amount is only answered by a sentence that states a number: "what is
Dario Amodei's salary?" is not answered by "Dario Amodei, the CEO, said…", however close the two are."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from bot.core.answering.question_kind import chat_spelling
from bot.core.embedding_classifier import EmbeddingClassifier

EXAMPLES = Path(__file__).with_name("answer_types.yaml")


def load_examples(path: Path = EXAMPLES) -> list[tuple[str, bool]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [(q, True) for q in data.get("amount", [])] + [(q, False) for q in data.get("other", [])]


class AmountQuestionModel:
    def __init__(self, vectors, examples: list[tuple[str, bool]] | None = None):
        """`vectors`: a PersistentCache (its `embed_queries` gives query-side vectors)."""
        pairs = list(examples if examples is not None else load_examples())
        pairs += [(chat_spelling(q), label) for q, label in pairs if chat_spelling(q) != q]
        self._model = EmbeddingClassifier(vectors, [q for q, _ in pairs], [label for _, label in pairs])

    def probability(self, qvec: np.ndarray) -> float:
        return self._model.probability(qvec)
