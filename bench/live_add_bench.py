"""Live add: seconds from `knowledge add` returning to the article being cited in an /ask answer, in a
running bot with `knowledge.watch` on (default interval). Runs tests/exts/test_live_add.py (the cogs, the
watcher task, a real store, e5, fake Discord interactions) REPS times in fresh processes and collects the
delays it prints.

    python bench/live_add_bench.py [--reps 5]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINE = re.compile(r"LIVE-ADD interval=(\S+)s synced=([\d.]+)s cited=([\d.]+)s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    rows = []
    for _ in range(args.reps):
        out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", "tests/exts/test_live_add.py"],
                             cwd=ROOT, capture_output=True, text=True)
        m = LINE.search(out.stdout)
        if out.returncode != 0 or m is None:
            raise SystemExit(f"the live test failed:\n{out.stdout[-3000:]}\n{out.stderr[-2000:]}")
        rows.append((m.group(1), float(m.group(2)), float(m.group(3))))
    synced, cited = [r[1] for r in rows], [r[2] for r in rows]
    print(f"watch interval {rows[0][0]} s, {len(rows)} runs")
    print("| measure | min | median | max |\n|---|---|---|---|")
    print(f"| `knowledge add` -> store re-synced (s) | {min(synced):.2f} | {statistics.median(synced):.2f} | {max(synced):.2f} |")
    print(f"| `knowledge add` -> cited in /ask (s) | {min(cited):.2f} | {statistics.median(cited):.2f} | {max(cited):.2f} |")


if __name__ == "__main__":
    main()
