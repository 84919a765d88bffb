"""The lexical indexes of a corpus (two BM25 indexes, corpus names, the typo-repair vocabulary), built from
chunk texts or loaded from plain arrays (bot/core/retrieval/corpus_cache.py): a new process over an unchanged
folder loads them in milliseconds instead of rebuilding them (about 20 s at 5,000 articles)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from itertools import chain

import numpy as np

from bot.core.retrieval.analysis import ngram_terms, raw_words, stopwords, trigram_set, word_terms
from bot.core.retrieval.lexical import BM25Index
from bot.core.text import fold

_WORD = re.compile(r"[^\W\d_][\w-]+")


def _word_tables(texts: list[str]) -> tuple:
    """(names, surface, surface keys, trigram sizes, trigram ids, CSR bounds, CSR word ids) of these texts."""
    surface: dict[str, str] = {}
    for w in dict.fromkeys(chain.from_iterable(map(raw_words, texts))):  # distinct words, first seen first
        f = fold(w)
        if len(f) >= 4 and f not in surface and f not in stopwords():
            surface[f] = w
    keys = list(surface)
    by_gram: dict[str, list[int]] = defaultdict(list)
    sizes = np.zeros(len(keys), dtype=np.int32)
    for i, f in enumerate(keys):
        grams = trigram_set(f)
        sizes[i] = len(grams)
        for g in grams:
            by_gram[g].append(i)
    grams = sorted(by_gram)
    bounds = np.zeros(len(grams) + 1, dtype=np.int64)
    bounds[1:] = np.cumsum([len(by_gram[g]) for g in grams])
    words = np.fromiter((i for g in grams for i in by_gram[g]), dtype=np.int32, count=int(bounds[-1]))
    return _corpus_names(texts), surface, keys, sizes, dict(zip(grams, range(len(grams)))), bounds, words


def _corpus_names(texts) -> frozenset[str]:
    """Folded words that the articles only ever write capitalised (and that are not sentence openers)."""
    capitalised, lowercase = set(), set()
    for w in dict.fromkeys(chain.from_iterable(map(_WORD.findall, texts))):  # each distinct spelling once
        (capitalised if w[0].isupper() else lowercase).add(fold(w))
    return frozenset(capitalised - lowercase - stopwords())


@dataclass
class CorpusIndexes:
    words: BM25Index
    ngrams: BM25Index
    names: frozenset[str]
    surface: dict[str, str]  # folded corpus word (4+ letters, not a stop word) -> its first spelling
    surface_keys: list[str]  # the folded words, in id order
    gram_sizes: np.ndarray  # id -> number of distinct trigrams of the word
    gram_ids: dict[str, int]  # trigram -> row of the CSR below
    gram_bounds: np.ndarray
    gram_words: np.ndarray  # word ids of trigram row i: gram_words[gram_bounds[i]:gram_bounds[i + 1]]

    @classmethod
    def build(cls, texts: list[str]) -> "CorpusIndexes":
        return cls(BM25Index(word_terms).build(texts), BM25Index(ngram_terms).build(texts), *_word_tables(texts))

    def merged(self, keep: np.ndarray, new_rows: list[int], new_texts: list[str], texts: list[str]) -> "CorpusIndexes":
        """The indexes of a corpus that differs from this one by a few chunks, without analysing the others
        again for BM25 (bot/core/retrieval/lexical.py: `BM25Index.merged`). `texts`: every chunk of the new
        corpus, in row order (the names and the typo vocabulary are read from them again)."""
        return type(self)(self.words.merged(keep, new_rows, new_texts, len(texts)),
                          self.ngrams.merged(keep, new_rows, new_texts, len(texts)), *_word_tables(texts))

    def repairs(self, word: str, threshold: float) -> list[str]:
        """At most two corpus spellings whose trigram Jaccard similarity with this folded word is >= threshold."""
        grams = [self.gram_ids[g] for g in trigram_set(word) if g in self.gram_ids]
        if not grams:
            return []
        ids = np.concatenate([self.gram_words[self.gram_bounds[g]:self.gram_bounds[g + 1]] for g in grams])
        cand, inter = np.unique(ids, return_counts=True)
        size = len(trigram_set(word))
        jaccard = inter / (size + self.gram_sizes[cand] - inter)
        keep = np.flatnonzero(jaccard >= threshold)
        order = keep[np.lexsort((cand[keep], -jaccard[keep]))][:2]
        return [self.surface[self.surface_keys[cand[i]]] for i in order]

    # -- persistence -------------------------------------------------------------------
    def to_arrays(self) -> dict[str, np.ndarray]:
        out = {**self.words.to_arrays("words"), **self.ngrams.to_arrays("ngrams")}
        out["names"] = np.asarray(sorted(self.names), dtype=str)
        out["surface.keys"] = np.asarray(self.surface_keys, dtype=str)
        out["surface.spellings"] = np.asarray([self.surface[k] for k in self.surface_keys], dtype=str)
        out["surface.sizes"] = self.gram_sizes
        out["grams.keys"] = np.asarray(sorted(self.gram_ids, key=self.gram_ids.get), dtype=str)
        out["grams.bounds"] = self.gram_bounds
        out["grams.words"] = self.gram_words
        return out

    @classmethod
    def from_arrays(cls, a) -> "CorpusIndexes":
        keys = a["surface.keys"].tolist()
        grams = a["grams.keys"].tolist()
        return cls(BM25Index.from_arrays(word_terms, a, "words"), BM25Index.from_arrays(ngram_terms, a, "ngrams"),
                   frozenset(a["names"].tolist()), dict(zip(keys, a["surface.spellings"].tolist())), keys,
                   a["surface.sizes"], dict(zip(grams, range(len(grams)))), a["grams.bounds"], a["grams.words"])
