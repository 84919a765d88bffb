"""The held-out evaluation data (tests/eval/heldout/*.yaml): format, counts, verbatim gold, no duplicates.

Only the data is checked here; nothing runs the bot on the test split."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.core.evaluation import load_cases
from bot.core.knowledge.articles import load_articles
from bot.core.knowledge.curated import load_debates

REPO = Path(__file__).resolve().parents[2]
EVAL = REPO / "tests" / "eval"
KINDS = {"factual", "debate", "no_answer", "false_premise", "article_missing"}
MAIN_LANGS = ("fr", "en", "noisy")
OTHER_LANGS = {"es", "de", "it", "pt"}
PREFIX = {"dev": "dv-", "test": "t-"}
# Minimum counts per split (issue 8: held-out evaluation; issue 12: article references).
MINIMUMS = {
    "test": {"factual": 14, "debate": 5, "no_answer": 10, "false_premise": 10, "other_lang": 5,
             "article_ref": 8, "article_missing": 2, "total": 80},
    "dev": {"factual": 6, "debate": 3, "no_answer": 6, "false_premise": 6, "other_lang": 4,
            "article_ref": 8, "article_missing": 2, "total": 50},
}


@pytest.fixture(scope="module")
def articles():
    loaded = load_articles(REPO / "knowledge" / "articles", REPO)
    assert not loaded.problems
    # /sources lists the knowledge base's articles, which are kept sorted by source path.
    return {a.id: a for a in sorted(loaded.articles, key=lambda a: a.source)}


@pytest.fixture(scope="module")
def debates(articles):
    found, problems = load_debates(REPO / "knowledge" / "debates.yaml", articles, REPO)
    assert not problems
    return {d.id: d for d in found}


def raw(split: str) -> list[dict]:
    return yaml.safe_load((EVAL / "heldout" / f"{split}.yaml").read_text(encoding="utf-8"))["questions"]


def all_questions() -> list[tuple[str, str, str]]:
    """(file, id, question) for every eval question file."""
    out = []
    for name in ("answers.yaml", "retrieval.yaml", "heldout/dev.yaml", "heldout/test.yaml"):
        for q in yaml.safe_load((EVAL / name).read_text(encoding="utf-8"))["questions"]:
            out.append((name, q["id"], q["question"]))
    return out


def norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


@pytest.mark.parametrize("split", ["dev", "test"])
def test_cases_load_with_verbatim_gold(articles, split):
    cases = [c for c in load_cases(REPO, articles, split) if c.id.startswith(PREFIX[split])]
    assert len(cases) == len(raw(split))
    for c in cases:  # load_cases raises on a quote that is not an exact substring
        for art, start, end in c.gold:
            assert articles[art].body[start:end]


def test_ids_are_unique_across_every_eval_file():
    ids = Counter(i for _, i, _ in all_questions())
    assert [i for i, n in ids.items() if n > 1] == []


def test_no_question_is_repeated_across_eval_files_or_debate_phrasings(debates):
    seen: dict[str, str] = {}
    for d in debates.values():
        for text in (d.question, d.question_en, *d.aliases):
            seen[norm(text)] = f"debates.yaml:{d.id}"
    dupes = []
    for name, qid, text in all_questions():
        key = norm(text)
        if key in seen:
            dupes.append((f"{name}:{qid}", seen[key]))
        seen.setdefault(key, f"{name}:{qid}")
    assert dupes == []


@pytest.mark.parametrize("split", ["dev", "test"])
def test_questions_do_not_copy_article_sentences(articles, split):
    bodies = [norm(a.body) for a in articles.values()]
    copied = [q["id"] for q in raw(split) if len(norm(q["question"])) >= 25 and any(norm(q["question"]) in b for b in bodies)]
    assert copied == []


@pytest.mark.parametrize("split", ["dev", "test"])
def test_entries_are_well_formed(articles, debates, split):
    for q in raw(split):
        where = q["id"]
        assert q["id"].startswith(PREFIX[split]), where
        assert q["kind"] in KINDS, where
        assert q["lang"] in set(MAIN_LANGS) | OTHER_LANGS, where
        assert isinstance(q["question"], str) and q["question"].strip(), where
        gold = q.get("gold") or []
        if q["kind"] in ("factual", "debate", "false_premise"):
            assert gold, f"{where}: needs gold"
        else:
            assert not gold, f"{where}: {q['kind']} must have no gold"
        if q["kind"] == "debate":
            assert "debate" in q, f"{where}: debate id or null"
            if q["debate"] is None:
                assert not q.get("expected_sides"), where
            else:
                sides = {s.id for s in debates[q["debate"]].sides}
                assert q.get("expected_sides") and set(q["expected_sides"]) <= sides, where
        else:
            assert q.get("debate") is None and not q.get("expected_sides"), where
        if q.get("article_ref") is not None:
            assert q["article_ref"] in articles, where
            assert q["kind"] in ("factual", "debate") and q["lang"] in MAIN_LANGS, where
        if q["kind"] == "article_missing":
            assert q.get("article_ref") is None, where


@pytest.mark.parametrize("split", ["dev", "test"])
def test_sources_numbers_point_at_the_right_article(articles, split):
    """"le 3e article de /sources" / "the 5th article in /sources": the article at that place in /sources,
    or none for an article_missing question."""
    order = list(articles)
    checked = 0
    for q in raw(split):
        m = re.search(r"\b(\d+)\s*(?:e|er|ème|st|nd|rd|th)\b[^/]*/sources", q["question"])
        if not m:
            continue
        checked += 1
        n = int(m.group(1))
        if q["kind"] == "article_missing":
            assert n > len(order), q["id"]
        else:
            assert order[n - 1] == q["article_ref"], q["id"]
    assert checked >= 2


@pytest.mark.parametrize("split", ["dev", "test"])
def test_minimum_mix(articles, split):
    qs, need = raw(split), MINIMUMS[split]
    by = Counter((q["lang"], q["kind"]) for q in qs)
    kinds = Counter(q["kind"] for q in qs)
    assert len(qs) >= need["total"]
    for lang in MAIN_LANGS:
        assert by[(lang, "factual")] >= need["factual"], lang
        assert by[(lang, "debate")] >= need["debate"], lang
    for kind in ("no_answer", "false_premise"):
        assert kinds[kind] >= need[kind], kind
    assert kinds["article_missing"] == need["article_missing"]
    other = [q for q in qs if q["lang"] in OTHER_LANGS]
    assert len(other) >= need["other_lang"] and all(q.get("gold") for q in other)
    refs = [q for q in qs if q.get("article_ref")]
    assert len(refs) >= need["article_ref"]
    assert {q["lang"] for q in refs} == set(MAIN_LANGS)
    debates = [q for q in qs if q["kind"] == "debate"]
    assert sum(q["debate"] is None for q in debates) >= 2, "some debates must match no curated map"
    assert sum(q["debate"] is not None for q in debates) >= 2
    for kind in ("no_answer", "false_premise"):
        assert {q["lang"] for q in qs if q["kind"] == kind} == set(MAIN_LANGS), kind
    assert {g["article"] for q in qs for g in q.get("gold") or []} == set(articles), "gold over every article"

