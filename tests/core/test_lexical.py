"""BM25Index: the vectorised build scores like the textbook formula, whatever the block size."""

import math

import numpy as np

from bot.core.retrieval.lexical import BM25Index

DOCS = ["le cloud et le calcul", "calcul calcul puces", "", "le marché du cloud", "puces et cloud et calcul"]


def split(text):
    return text.split()


def textbook(query: list[str], k1=1.2, b=0.75) -> list[float]:
    docs = [split(d) for d in DOCS]
    avg = sum(map(len, docs)) / len(docs)
    out = []
    for d in docs:
        s = 0.0
        for term in query:
            df = sum(term in x for x in docs)
            tf = d.count(term)
            if tf:
                idf = math.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
                s += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(d) / avg))
        out.append(s)
    return out


def test_scores_match_the_formula_for_any_block_size():
    for block in (1, 2, 8192):
        index = BM25Index(split).build(DOCS, block=block)
        for query in (["cloud"], ["calcul", "puces"], ["absent"]):
            got = index.scores({t: 1.0 for t in query})
            assert np.allclose(got, textbook(query), rtol=1e-5), (block, query)


def test_blocks_give_the_same_arrays():
    one = BM25Index(split).build(DOCS, block=1).to_arrays("x")
    many = BM25Index(split).build(DOCS).to_arrays("x")
    assert one.keys() == many.keys() and all(np.array_equal(one[k], many[k]) for k in one)
    assert list(one["x.terms"]) == ["le", "cloud", "et", "calcul", "puces", "marché", "du"]  # first appearance


def test_an_empty_corpus_searches_nothing():
    index = BM25Index(split).build([])
    assert index.n_docs == 0 and index.top({"cloud": 1.0}, 5) == []


def test_a_merge_scores_like_a_build_of_the_new_corpus():
    old = BM25Index(split).build(DOCS)
    # new corpus: doc 1 removed, doc 3 edited, one added, the rest moved
    new_docs = ["le cloud et le calcul", "", "marché du cloud et des puces", "puces et cloud et calcul", "zeppelins et cloud"]
    keep = np.array([0, -1, 1, -1, 3])  # old row -> new row
    merged = old.merged(keep, [2, 4], [new_docs[2], new_docs[4]], len(new_docs))
    built = BM25Index(split).build(new_docs)
    for query in (["cloud"], ["calcul", "puces"], ["zeppelins"], ["marché", "du"], ["le"]):
        terms = {t: 1.0 for t in query}
        assert np.allclose(merged.scores(terms), built.scores(terms), rtol=1e-6), query
    assert set(merged.vocabulary) == set(built.vocabulary)  # terms only the removed documents used are gone
    again = BM25Index.from_arrays(split, merged.to_arrays("m"), "m")
    assert np.allclose(again.scores({"cloud": 1.0}), built.scores({"cloud": 1.0}))


def test_a_merge_that_removes_everything_is_empty():
    merged = BM25Index(split).build(DOCS).merged(np.full(len(DOCS), -1), [], [], 0)
    assert merged.n_docs == 0 and merged.top({"cloud": 1.0}, 3) == [] and "cloud" not in merged
