"""Retrieval evaluation on the project's own question set (tests/eval/retrieval.yaml)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    lang: str
    question: str
    gold: tuple[tuple[str, int, int], ...]  # (article_id, start, end)


def load_eval(path: Path, articles: dict) -> list[EvalQuestion]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    out = []
    for q in data["questions"]:
        gold = []
        for g in q["gold"]:
            body = articles[g["article"]].body
            start = body.find(g["quote"])
            if start < 0:
                raise ValueError(f"{q['id']}: gold quote not found verbatim in {g['article']}: {g['quote'][:60]!r}")
            gold.append((g["article"], start, start + len(g["quote"])))
        out.append(EvalQuestion(q["id"], q["lang"], q["question"], tuple(gold)))
    return out


def is_hit(passage, gold: tuple[tuple[str, int, int], ...]) -> bool:
    """A passage hits when it overlaps a gold quote by at least half of the quote (or 40 chars)."""
    for art, start, end in gold:
        if passage.article_id != art:
            continue
        inter = min(passage.end, end) - max(passage.start, start)
        if inter >= min(40, (end - start) // 2) and inter > 0:
            return True
    return False


def evaluate(search, questions: list[EvalQuestion], k: int = 5) -> dict:
    """`search(query, k) -> list[Passage]`. Returns overall and per-language Recall@1/@k and MRR."""
    buckets: dict[str, list[tuple[int | None]]] = defaultdict(list)
    misses = []
    for q in questions:
        results = search(q.question, k)
        rank = next((i + 1 for i, p in enumerate(results) if is_hit(p, q.gold)), None)
        buckets["all"].append(rank)
        buckets[q.lang].append(rank)
        if rank is None:
            misses.append(q.id)
    out = {}
    for name, ranks in buckets.items():
        n = len(ranks)
        out[name] = {
            "n": n,
            "recall@1": sum(1 for r in ranks if r == 1) / n,
            f"recall@{k}": sum(1 for r in ranks if r is not None and r <= k) / n,
            "mrr": sum(1 / r for r in ranks if r) / n,
        }
    out["misses"] = misses
    return out


# -- question understanding: dev / test splits ---------------------------------------------------
@dataclass(frozen=True)
class Case:
    id: str
    lang: str  # fr | en | noisy | es | de | it | pt …
    kind: str  # factual | debate | no_answer | false_premise | article_missing | answerable (retrieval set: unlabelled)
    question: str
    gold: tuple[tuple[str, int, int], ...] = ()
    debate: str | None = None
    expected_sides: tuple[str, ...] = ()
    article_ref: str | None = None
    split: str = "dev"


def _gold(entries, articles, where: str) -> tuple[tuple[str, int, int], ...]:
    out = []
    for g in entries or []:
        body = articles[g["article"]].body
        start = body.find(g["quote"] if "quote" in g else g["text"])
        if start < 0:
            raise ValueError(f"{where}: gold quote not found verbatim in {g['article']}")
        out.append((g["article"], start, start + len(g.get("quote") or g["text"])))
    return tuple(out)


def load_cases(root: Path, articles: dict, split: str) -> list[Case]:
    """dev: the tuned sets (answers.yaml, retrieval.yaml) plus heldout/dev.yaml; test: heldout/test.yaml."""
    eval_dir = Path(root) / "tests" / "eval"
    cases: list[Case] = []
    if split == "dev":
        for q in yaml.safe_load((eval_dir / "answers.yaml").read_text(encoding="utf-8"))["questions"]:
            gold = _gold([q["expect_quote"]] if q.get("expect_quote") else [], articles, q["id"])
            cases.append(Case(q["id"], q["lang"], q["kind"], q["question"], gold, q.get("debate"),
                              tuple(q.get("expected_sides") or ()), split="dev"))
        for q in load_eval(eval_dir / "retrieval.yaml", articles):
            cases.append(Case(q.id, q.lang, "answerable", q.question, q.gold, split="dev"))
    path = eval_dir / "heldout" / f"{split}.yaml"
    if path.exists():
        for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            cases.append(Case(q["id"], q["lang"], q["kind"], q["question"], _gold(q.get("gold"), articles, q["id"]),
                              q.get("debate"), tuple(q.get("expected_sides") or ()), q.get("article_ref"), split))
    return cases


def _cited(answer, gold) -> bool:
    return any(is_hit(c, gold) for c in answer.citations)


def _ref_missing_said(answer) -> bool:
    """The bot said the referred article does not exist: an explicit flag, or an abstention citing nothing."""
    return bool(getattr(answer, "article_ref_missing", False)) or (answer.kind == "no_answer" and not answer.citations)


def score_answer(case: Case, answer) -> dict:
    """Per-question outcome of `ask` against the case's expectations (None where it does not apply)."""
    answerable = case.kind in ("factual", "debate", "answerable")
    sides = [s for s in answer.sides if s.points]
    out = {
        "refused": answer.kind == "no_answer" if answerable else None,
        "abstained": (answer.kind == "no_answer" and not answer.citations) if case.kind == "no_answer" else None,
        "premise_corrected": (answer.premise == "contradicted" and _cited(answer, case.gold)) if case.kind == "false_premise" else None,
        "gold_cited": _cited(answer, case.gold) if answerable and case.gold else None,
        "one_sided": (answer.kind != "debate" or len(sides) < 2) if case.kind == "debate" else None,
        "side_recall": None,
        "false_balance": (answer.kind == "debate") if case.kind == "factual" else None,
        "ref_missing_said": _ref_missing_said(answer) if case.kind == "article_missing" else None,
    }
    if case.kind == "debate" and case.expected_sides:
        got = {s.side_id for s in sides}
        out["side_recall"] = len(got & set(case.expected_sides)) / len(case.expected_sides)
    return out


ANSWER_METRICS = ("refused", "abstained", "premise_corrected", "gold_cited", "one_sided", "side_recall", "false_balance",
                  "ref_missing_said")


def summarize(rows: list[tuple[Case, dict]]) -> dict:
    """Mean of every metric overall and per language, over the cases where it applies."""
    buckets: dict[str, list[dict]] = defaultdict(list)
    for case, r in rows:
        buckets["all"].append(r)
        buckets[case.lang].append(r)
    out = {}
    for name, rs in buckets.items():
        out[name] = {"n": len(rs)}
        for metric in ANSWER_METRICS:
            vals = [float(r[metric]) for r in rs if r[metric] is not None]
            out[name][metric] = (sum(vals) / len(vals), len(vals)) if vals else None
    return out
