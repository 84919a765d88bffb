"""End-to-end `Contrepoint.ask` latency in extractive mode (no LLM), warm.

Questions: tests/eval/answers.yaml plus the five closing questions of seed article 000.
One warm-up pass (builds the answer engine, debate/side vectors, caches), then every
question --reps times. Reports p50/p95 overall and per expected kind.

    python bench/ask_bench.py                       # five real articles
    python bench/ask_bench.py --knowledge /tmp/cp-synth --profile
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import pstats
import random
import resource
import shutil
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import yaml
from _common import ROOT, mean, percentile, settings_for

from bot.core.service import Contrepoint

TARGET_P95_MS = 150.0
# The closing questions of seed 000 (anthropic-automatiser-economie), verbatim.
CLOSING_QUESTIONS = (
    "Que pensez-vous du projet d'Anthropic visant à automatiser des pans de l'économie avec l'IA ?",
    "Quels impacts ce projet pourrait-il avoir sur l'économie mondiale et sur les travailleurs humains ?",
    "Ce projet est-il conforme à l'éthique ? Que pensez-vous des controverses entourant ce projet ?",
    "Quels sont les risques de ce projet ? L'IA est-elle prête à prendre en charge de grands pans de l'économie ?",
    "Le projet d'Anthropic est-il réaliste ? Pourquoi ?",
)


def load_cases() -> list[dict]:
    data = yaml.safe_load((ROOT / "tests/eval/answers.yaml").read_text(encoding="utf-8"))
    cases = [{"id": c["id"], "kind": c["kind"], "question": c["question"]} for c in data["questions"]]
    cases += [{"id": f"close-{i}", "kind": "closing", "question": q} for i, q in enumerate(CLOSING_QUESTIONS, 1)]
    return cases


def _stats(samples: list[float]) -> dict:
    return {"n": len(samples), "p50": percentile(samples, 50), "p95": percentile(samples, 95),
            "mean": mean(samples), "max": max(samples) if samples else 0.0}


def run(knowledge: Path, reps: int, profile_out: Path | None) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix="cp-ask-"))
    try:
        settings = settings_for(data_dir, knowledge, llm={"model": None})
        svc = Contrepoint(settings, root=ROOT, rng=random.Random(0))
        cases = load_cases()
        t = time.perf_counter()
        report = svc.ensure_ready()
        ingest_s = time.perf_counter() - t
        t = time.perf_counter()
        svc.ask(cases[0]["question"])
        first_ask_s = time.perf_counter() - t
        modes, routed = set(), defaultdict(int)
        for c in cases:  # warm-up pass
            a = svc.ask(c["question"])
            modes.add(a.mode)
            routed[(c["kind"], a.kind)] += 1
        by_kind: dict[str, list[float]] = defaultdict(list)
        by_question: dict[str, list[float]] = defaultdict(list)
        prof = cProfile.Profile() if profile_out else None
        if prof:
            prof.enable()
        for _ in range(reps):
            for c in cases:
                t = time.perf_counter()
                svc.ask(c["question"])
                ms = (time.perf_counter() - t) * 1000
                by_kind[c["kind"]].append(ms)
                by_kind["all"].append(ms)
                by_question[c["id"]].append(ms)
        if prof:
            prof.disable()
            buf = io.StringIO()
            pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(35)
            pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(25)
            profile_out.write_text(buf.getvalue(), encoding="utf-8")
        slowest = sorted(((max(v), k) for k, v in by_question.items()), reverse=True)[:5]
        return {
            "knowledge": str(knowledge), "articles": len(svc.articles()), "chunks": report.chunks,
            "ingest_s": ingest_s, "first_ask_s": first_ask_s, "reps": reps, "modes": sorted(modes),
            "latency_ms": {k: _stats(v) for k, v in by_kind.items()},
            "routing": {f"{exp}->{got}": n for (exp, got), n in sorted(routed.items())},
            "slowest": [{"id": k, "max_ms": v, "question": next(c["question"] for c in cases if c["id"] == k)} for v, k in slowest],
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        }
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def markdown(r: dict) -> str:
    order = ["all", "debate", "closing", "factual", "no_answer"]
    lines = [f"### `Contrepoint.ask` warm latency, extractive mode ({r['articles']} articles, {r['chunks']} chunks; ms)", "",
             "| kind | samples | p50 | p95 | mean | max |", "|---|---|---|---|---|---|"]
    for k in order + sorted(set(r["latency_ms"]) - set(order)):
        if k in r["latency_ms"]:
            s = r["latency_ms"][k]
            lines.append(f"| {k} | {s['n']} | {s['p50']:.1f} | {s['p95']:.1f} | {s['mean']:.1f} | {s['max']:.1f} |")
    p95 = r["latency_ms"]["all"]["p95"]
    lines += ["", f"- answer modes seen: {', '.join(r['modes'])}",
              f"- store build {r['ingest_s']:.1f} s; first ask (cold engine: debate/stance vectors) {r['first_ask_s'] * 1000:.0f} ms; "
              f"peak RSS {r['peak_rss_mib']:.0f} MiB",
              f"- routing (expected->answered, warm-up pass): {', '.join(f'{k} {v}' for k, v in r['routing'].items())}",
              "- slowest questions (max ms): " + "; ".join(f"{s['id']} {s['max_ms']:.0f}" for s in r["slowest"]),
              f"- target p95 <= {TARGET_P95_MS:.0f} ms: {'MET' if p95 <= TARGET_P95_MS else 'MISSED'} ({p95:.1f} ms)"]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description="End-to-end ask latency (extractive mode).")
    ap.add_argument("--knowledge", type=Path, default=ROOT / "knowledge", help="knowledge folder (default: knowledge/)")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--profile", type=Path, nargs="?", const=Path(tempfile.gettempdir()) / "contrepoint-ask-profile.txt", default=None,
                    help="cProfile the timed loop and write the stats here")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    logging.disable(logging.WARNING)
    r = run(args.knowledge, args.reps, args.profile)
    if args.json:
        args.json.write_text(json.dumps(r, indent=1, ensure_ascii=False), encoding="utf-8")
    print(markdown(r))
    if args.profile:
        print(f"\n(profile written to {args.profile})")


if __name__ == "__main__":
    main()
