"""Shared helpers for benchmarks: a service on a given knowledge folder and data dir."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.settings import load_settings  # noqa: E402


def settings_for(data_dir: Path, knowledge_dir: Path | None = None, **sections):
    s = load_settings(root=ROOT, env={})
    upd = {"store": s.store.model_copy(update={"data_dir": Path(data_dir)})}
    if knowledge_dir:
        upd["knowledge"] = s.knowledge.model_copy(update={"dir": Path(knowledge_dir)})
    for name, values in sections.items():
        upd[name] = getattr(s, name).model_copy(update=values)
    return s.model_copy(update=upd)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    vs = sorted(values)
    idx = min(len(vs) - 1, max(0, round(p / 100 * (len(vs) - 1))))
    return vs[idx]


def mean(values):
    return statistics.fmean(values) if values else 0.0
