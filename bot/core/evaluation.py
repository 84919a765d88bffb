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
