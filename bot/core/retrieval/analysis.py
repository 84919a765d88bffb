"""Analyzers for lexical retrieval: French stemming + accent folding, character n-grams."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import snowballstemmer
from stop_words import get_stop_words

from bot.core.text import fold

_TOKEN = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+", re.UNICODE)

@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Function words of French (the `stop-words` package) and English (scikit-learn's list: the
    `stop-words` English list has 1,333 entries, "microsoft", "computer" and "work" among them, which
    made those words unsearchable and "Microsoft" an unknown name), accent-folded, plus elided letters
    (l', d', qu'…): neither BM25 terms nor names. Read on first use, not at import."""
    words = set(get_stop_words("french")) | set(_english_stop_words())
    return frozenset(fold(w) for w in words) | frozenset("cdjlmnsty")

def _english_stop_words() -> frozenset[str]:
    """scikit-learn's ENGLISH_STOP_WORDS, read from its data module alone: importing sklearn costs ~0.9 s,
    which a new process re-syncing the store should not pay for a word list."""
    import importlib.util

    spec = importlib.util.find_spec("sklearn")
    path = Path(spec.origin).parent / "feature_extraction" / "_stop_words.py" if spec and spec.origin else None
    if path is not None and path.is_file():
        module_spec = importlib.util.spec_from_file_location("_contrepoint_sklearn_stop_words", path)
        module = importlib.util.module_from_spec(module_spec)
        module_spec.loader.exec_module(module)
        return module.ENGLISH_STOP_WORDS
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # layout changed: the slow way

    return ENGLISH_STOP_WORDS


_stemmer = snowballstemmer.stemmer("french")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return fold(_stemmer.stemWord(word))


def raw_words(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("’", "'"))


@lru_cache(maxsize=200_000)
def _word_term(w: str) -> str | None:
    f = fold(w)
    if f in stopwords() or (len(f) < 2 and not f.isdigit()):
        return None
    return stem(w)


@lru_cache(maxsize=200_000)
def _word_grams(w: str) -> tuple[str, ...]:
    f = fold(w)
    if f in stopwords() or len(f) < 3:
        return ()
    padded = f"<{f}>"
    return tuple(padded[i:i + 3] for i in range(len(padded) - 2))


def trigram_set(word: str) -> set[str]:
    """Character trigrams of a folded word with boundary marks (typo repair against the corpus vocabulary)."""
    padded = f"<{word}>"
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def word_terms(text: str) -> list[str]:
    """Stemmed, accent-folded content words."""
    return [t for t in map(_word_term, raw_words(text)) if t]


def ngram_terms(text: str) -> list[str]:
    """Character trigrams of folded content words, with boundary marks (typo tolerance)."""
    out: list[str] = []
    for w in raw_words(text):
        out.extend(_word_grams(w))
    return out
