"""Retrieval quality on tests/eval/retrieval.yaml for BM25-only, dense-only and hybrid."""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from _common import ROOT, settings_for

from bot.core.evaluation import evaluate, load_eval
from bot.core.knowledge_base import KnowledgeBase


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--misses", action="store_true")
    args = ap.parse_args()
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="cp-eval-"))
    kb = KnowledgeBase(settings_for(data_dir), root=ROOT)
    kb.ensure_synced()
    qs = load_eval(ROOT / "tests/eval/retrieval.yaml", {a.id: a for a in kb.articles})
    for mode in ("bm25", "dense", "hybrid"):
        res = evaluate(lambda q, k, mode=mode: kb.search(q, k=k, mode=mode), qs, k=5)
        misses = res.pop("misses")
        print(mode, json.dumps({k: {m: round(v, 3) for m, v in d.items()} for k, d in res.items()}))
        if args.misses:
            print("  misses:", misses)


if __name__ == "__main__":
    main()
