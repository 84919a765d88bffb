"""References to an article ("dans l'article sur les puces d'Amazon…", "the TechCrunch one", "le 3e
article de /sources"): whether a question points at one article, and which.

Whether a question refers to an article at all is a logistic regression over its embedding, fitted on
labelled examples (`article_refs` in question_kinds.yaml, written from the dev split). Which article:
the `/sources` number when the question gives an ordinal, the outlet when it names one, else the
article whose metadata (title, outlet, date, tags) is closest in meaning. A reference that matches
no article well, or that names what no article mentions, resolves to "missing"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from bot.core.embedding_classifier import EmbeddingClassifier
from bot.core.text import fold

# "3e", "3ème", "3rd", "#3", "n°3": ordinals once text2num has turned spelled-out ones into digits.
_ORDINAL = re.compile(r"(?:#|n°\s?|\bno\.?\s?)(\d{1,3})\b|\b(\d{1,3})(?:e|è|ème|eme|er|ère|re|st|nd|rd|th|º|ª|o|a)\b", re.I)
_NAME = re.compile(r"(?<![.?!]\s)(?<=[\s'’(])[A-ZÀ-Ý][\w-]{2,}")
_CLAUSES = re.compile(r"[,;:?!]+|\s[-–—]\s")
_SPELLED_LANGS = ("fr", "en", "es", "de", "it", "pt")
EXAMPLES = Path(__file__).with_name("article_refs.yaml")


def load_examples(path: Path = EXAMPLES) -> list[tuple[str, bool]]:
    """(question, refers to an article) pairs; written from the dev split by bench/calibrate_routing.py."""
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [(e["question"], bool(e["refers"])) for e in data.get("examples", [])]


@dataclass(frozen=True)
class ArticleRef:
    article_id: str | None  # None: the question refers to an article that the knowledge base lacks
    number: int | None  # its /sources number (1-based), when resolved
    how: str  # "number" | "outlet" | "meaning" | "missing"
    score: float = 0.0

    @property
    def missing(self) -> bool:
        return self.article_id is None


def ordinal_in(text: str, lang: str = "fr") -> int | None:
    """The first ordinal of the text, spelled-out or in digits ("troisième", "third", "3e", "#3")."""
    candidates = [text]
    try:
        from text_to_num import alpha2digit

        candidates += [alpha2digit(text, lang if lang in _SPELLED_LANGS else "fr", threshold=0)]
    except (ImportError, ValueError):
        pass
    for candidate in candidates:
        m = _ORDINAL.search(candidate)
        if m:
            return int(m.group(1) or m.group(2))
    return None


def designates(article, name: str) -> bool:
    """Whether `name` is the article's outlet ("Dans l'article Techcrunch…"): it points at the article, so an
    answer from that article need not name it."""
    return bool(article.outlet) and fold(name) in fold(article.outlet).split()


def article_card(article) -> str:
    parts = [article.title, article.outlet or "", article.published or "", " ".join(article.tags or ())]
    return ". ".join(p for p in parts if p)


class ArticleRefResolver:
    def __init__(self, articles, vectors, examples: list[tuple[str, bool]], settings, mentions):
        """`articles` in /sources order; `vectors`: a PersistentCache; `mentions(word)`: whether some
        article contains the word; `settings`: the `retrieval` settings (ref_probability, ref_min)."""
        self.articles = list(articles)
        self.s = settings
        self._mentions = mentions
        self._vectors = vectors
        self._card_vectors: np.ndarray | None = None
        self._outlets = {fold(a.outlet): i for i, a in enumerate(self.articles) if a.outlet}
        self._model = EmbeddingClassifier(vectors, [q for q, _ in examples], [refers for _, refers in examples])

    @property
    def _cards(self) -> np.ndarray:
        """Metadata vectors, embedded on the first reference by meaning (5,000 cards cost minutes with e5
        the first time, then come from the vector cache), not when the resolver is built."""
        if self._card_vectors is None:
            self._card_vectors = self._vectors.embed_queries([article_card(a) for a in self.articles])
        return self._card_vectors

    def probability(self, qvec: np.ndarray) -> float:
        return self._model.probability(qvec)

    def resolve(self, question: str, qvec: np.ndarray, lang: str = "fr") -> ArticleRef | None:
        if not self.articles:
            return None
        outlet = self._outlet_in(question)
        if self.probability(qvec) < self.s.ref_probability and outlet is None:
            return None
        number = ordinal_in(question, lang)
        if number is not None:
            if 1 <= number <= len(self.articles):
                return self._ref(number - 1, "number", 1.0)
            return ArticleRef(None, None, "missing")
        if outlet is not None:
            return self._ref(outlet, "outlet", 1.0)
        clause, cvec = self._reference_clause(question, qvec)
        sims = self._cards @ cvec
        best = int(np.argmax(sims))
        unknown = [m.group(0) for m in _NAME.finditer(clause) if not self._mentions(m.group(0))]
        if unknown or float(sims[best]) < self.s.ref_min:
            return ArticleRef(None, None, "missing", float(sims[best]))
        return self._ref(best, "meaning", float(sims[best]))

    def _reference_clause(self, question: str, qvec: np.ndarray) -> tuple[str, np.ndarray]:
        """The clause that carries the reference ("dans l'article sur les puces", then the question proper):
        of the question's clauses, the one the classifier finds most article-like."""
        clauses = [c.strip() for c in _CLAUSES.split(question) if len(c.strip().split()) >= 2]
        if len(clauses) < 2:
            return question, qvec
        vecs = self._vectors.embed_queries(clauses)
        probs = self._model.probabilities(vecs)
        i = int(np.argmax(probs))
        return clauses[i], vecs[i]

    def _outlet_in(self, question: str) -> int | None:
        words = set(re.findall(r"\w+", fold(question)))
        for outlet, i in self._outlets.items():
            if set(re.findall(r"\w+", outlet)) <= words:
                return i
        return None

    def _ref(self, i: int, how: str, score: float) -> ArticleRef:
        return ArticleRef(self.articles[i].id, i + 1, how, score)
