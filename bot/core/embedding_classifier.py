"""A binary logistic regression over query embeddings, fitted on labelled example questions. Used to tell
debate from factual questions and questions that refer to an article from the others."""

from __future__ import annotations

import numpy as np


class EmbeddingClassifier:
    def __init__(self, vectors, texts: list[str], labels: list[bool]):
        """`vectors`: a PersistentCache (its `embed_queries` gives query-side vectors). With one class only,
        every probability is 0."""
        from sklearn.linear_model import LogisticRegression

        y = np.array(labels, dtype=bool)
        self.model = None
        if y.any() and not y.all():
            x = vectors.embed_queries(list(texts))
            self.model = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000).fit(x, y)

    def probability(self, qvec: np.ndarray) -> float:
        return float(self.probabilities(qvec[None, :])[0])

    def probabilities(self, matrix: np.ndarray) -> np.ndarray:
        if self.model is None:
            return np.zeros(len(matrix))
        return self.model.predict_proba(matrix)[:, 1]
