"""Analyzers for lexical retrieval: French stemming + accent folding, character n-grams."""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

from bot.core.text import fold

_TOKEN = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+", re.UNICODE)

STOPWORDS = frozenset(fold(w) for w in """
a à au aux avec ce ces cet cette dans de des du elle elles en et eux il ils je la le les leur leurs lui ma mais me meme
mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre
vous c d j l m n s t y été etre être avoir ai as avons avez ont est sont était sera fait faire plus moins tres très
cela ceci ça ca celle celui ceux dont où ou si quel quelle quels quelles comme aussi alors donc ainsi tout tous toute
toutes autre autres peut peuvent pourrait entre depuis sans sous chez vers selon
the of and to in is are was were be been for on with as by at it its this that these those from or an a what which who
how why when does did do has have had will would could should can about into than then there their they them his her
""".split())

_stemmer = snowballstemmer.stemmer("french")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return fold(_stemmer.stemWord(word))


def raw_words(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("’", "'"))


@lru_cache(maxsize=200_000)
def _word_term(w: str) -> str | None:
    f = fold(w)
    if f in STOPWORDS or (len(f) < 2 and not f.isdigit()):
        return None
    return stem(w)


@lru_cache(maxsize=200_000)
def _word_grams(w: str) -> tuple[str, ...]:
    f = fold(w)
    if f in STOPWORDS or len(f) < 3:
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
