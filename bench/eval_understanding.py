"""Question understanding on the dev and test splits: retrieval recall@5, gold passage cited, refusals,
abstention, false-premise correction, debate sides; per language. Markdown tables on stdout.

Only dev failures can be listed (`--dev-misses`): the test split is reported, never inspected.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, percentile, settings_for

from bot.core.evaluation import is_hit, load_cases, score_answer, summarize
from bot.core.service import Contrepoint

METRICS = ("recall@5", "recall@20", "gold_cited", "refused", "abstained", "premise_corrected", "side_recall", "one_sided", "false_balance",
           "ref_resolved", "ref_recall@5_plain", "ref_missing_said")


def run(svc: Contrepoint, split: str) -> tuple[dict, list]:
    articles = {a.id: a for a in svc.kb.articles}
    cases = load_cases(ROOT, articles, split)
    rows, misses, latencies = [], [], []
    for c in cases:
        hits, _ = svc.search_resolved(c.question, k=5)
        t = time.perf_counter()
        ans = svc.ask(c.question)
        latencies.append((time.perf_counter() - t) * 1000)
        r = score_answer(c, ans)
        r.setdefault("ref_missing_said", None)
        r["recall@5"] = any(is_hit(p, c.gold) for p in hits) if c.gold and c.kind != "no_answer" else None
        # the ceiling a better reranker could reach with this retriever (a quarter of the seed corpus)
        r["recall@20"] = (any(is_hit(p, c.gold) for p in svc.search_resolved(c.question, k=20)[0])
                          if r["recall@5"] is not None else None)
        # article references: resolved to the right article, and recall without the resolver (before)
        r["ref_resolved"] = (ans.article_ref == c.article_ref) if c.article_ref else None
        r["ref_recall@5_plain"] = any(is_hit(p, c.gold) for p in svc.search(c.question, k=5)) if c.article_ref and c.gold else None
        rows.append((c, r))
        bad = [m for m in METRICS if r.get(m) is not None and ((m in ("refused", "one_sided", "false_balance")) == bool(r[m]))
               and m != "side_recall"] + (["side_recall"] if r.get("side_recall") is not None and r["side_recall"] < 1 else [])
        if bad:
            misses.append((c, ans, bad))
    summary = summarize_with_recall(rows)
    summary["latency_ms"] = {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "n": len(latencies)}
    return summary, misses


def summarize_with_recall(rows):
    out = summarize(rows)
    refs = [(c, r) for c, r in rows if c.article_ref or c.kind == "article_missing"]
    if refs:
        out["article refs"] = summarize(refs)["all"]
    for name in out:
        for metric in ("recall@5", "recall@20", "ref_resolved", "ref_recall@5_plain", "ref_missing_said"):
            vals = [float(r[metric]) for c, r in rows if r.get(metric) is not None
                    and (name == "all" or c.lang == name or (name == "article refs" and (c, r) in refs))]
            out[name][metric] = (sum(vals) / len(vals), len(vals)) if vals else None
    return out


def table(title: str, summary: dict) -> str:
    langs = ["all"] + sorted(k for k in summary if k not in ("all", "latency_ms"))
    lines = [f"#### {title}", "", "| metric | " + " | ".join(langs) + " |", "|---|" + "---|" * len(langs)]
    for m in ("n",) + METRICS:
        cells = []
        for lang in langs:
            v = summary[lang].get(m)
            cells.append(str(v) if m == "n" else ("–" if v is None else f"{v[0]:.2f} ({v[1]})"))
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    lat = summary["latency_ms"]
    lines += ["", f"ask latency over {lat['n']} questions: p50 {lat['p50']:.1f} ms, p95 {lat['p95']:.1f} ms"]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", default="e5")
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--splits", default="dev,test")
    ap.add_argument("--dev-misses", action="store_true", help="list the dev questions that fail (never the test ones)")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="cp-understand-"))
    t = time.perf_counter()
    svc = Contrepoint(settings_for(data_dir, embeddings={"backend": args.backend}), root=ROOT)
    svc.ensure_ready()
    svc.ask("warm-up")
    print(f"store + engine ready in {time.perf_counter() - t:.1f} s ({args.backend})", file=sys.stderr)
    results = {}
    for split in args.splits.split(","):
        summary, misses = run(svc, split)
        results[split] = summary
        print(table(f"{split} ({args.backend})", summary), "\n")
        if split == "dev" and args.dev_misses:
            for c, ans, bad in misses:
                print(f"- {c.id} [{c.lang}/{c.kind}] {bad} got={ans.kind} premise={ans.premise} sides={[s.side_id for s in ans.sides]} "
                      f"| {c.question}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
