"""PNG chart of `knowledge coverage` (matplotlib Agg, in the style of the poll charts)."""

from __future__ import annotations

from bot.core.knowledge.coverage import CoverageReport
from bot.core.polls.charts import _COLORS, _new_figure, _to_png, _wrap

LABEL_WIDTH = 46


def coverage_chart_png(report: CoverageReport) -> bytes:
    """Top: quotes per side, grouped by debate, with how many articles they come from.
    Bottom: each article's sentences, covered by some side or not."""
    if not report.sides and not report.articles:
        raise ValueError("nothing to chart: no debate and no article")
    n_sides, n_arts = max(1, len(report.sides)), max(1, len(report.articles))
    fig = _new_figure(n_sides + n_arts + 4, 0.32)
    grid = fig.add_gridspec(2, 1, height_ratios=[n_sides + 1, n_arts + 1])
    top = fig.add_subplot(grid[0])
    ypos = list(range(len(report.sides)))[::-1]
    quotes = [s.quotes for s in report.sides]
    colors = [_COLORS[0] if s.quotes else _COLORS[1] for s in report.sides]
    top.barh(ypos, quotes, color=colors, height=0.7)
    top.set_yticks(ypos, [_wrap(f"{s.debate_id} · {s.label}", LABEL_WIDTH) for s in report.sides], fontsize=7)
    peak = max(quotes + [1])
    top.set_xlim(0, peak * 1.3)
    for y, s in zip(ypos, report.sides):
        top.text(s.quotes + peak * 0.01, y, f"{s.quotes} q. / {len(s.articles)} art.", va="center", fontsize=7)
    top.set_xlabel("Quotes per side (q.) and articles they come from (art.)", fontsize=8)
    top.spines[["top", "right"]].set_visible(False)
    top.set_title("Debate-map coverage", fontsize=11)

    bottom = fig.add_subplot(grid[1])
    apos = list(range(len(report.articles)))[::-1]
    covered = [a.sentences - a.uncovered for a in report.articles]
    uncovered = [a.uncovered for a in report.articles]
    bottom.barh(apos, covered, color=_COLORS[2], height=0.6, label="close to a side")
    bottom.barh(apos, uncovered, left=covered, color=_COLORS[1], height=0.6,
                label=f"no side closer than {report.uncovered_max:.2f}")
    bottom.set_xlim(0, max([a.sentences for a in report.articles] + [1]) * 1.15)
    bottom.set_yticks(apos, [_wrap(a.article_id, LABEL_WIDTH) for a in report.articles], fontsize=7)
    bottom.set_xlabel("Sentences per article", fontsize=8)
    bottom.legend(loc="lower right", fontsize=7)
    bottom.spines[["top", "right"]].set_visible(False)
    return _to_png(fig)
