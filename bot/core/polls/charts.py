"""PNG charts of poll results, drawn with matplotlib's Agg backend.

matplotlib is imported inside the functions (no pyplot, no global figure state), so importing
this module costs nothing and the functions are safe to call from worker threads.
"""

from __future__ import annotations

import io
import textwrap
import warnings
from typing import TYPE_CHECKING

from bot.core.i18n import normalize_lang
from bot.core.messages import t

if TYPE_CHECKING:  # pragma: no cover
    from bot.core.polls.results import ShiftRow

LABEL_WIDTH = 28  # characters per line of an answer label
TITLE_WIDTH = 60
DPI = 110
_COLORS = ("#5865F2", "#ED4245", "#1F8B4C")  # blurple / red / dark green


def _plain(text: str) -> str:
    """Escape '$' so matplotlib never reads user text as mathtext."""
    return str(text).replace("$", r"\$")


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(_plain(text), width=width, break_long_words=True)) or " "


def _new_figure(n_rows: int, per_row: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    height = max(2.6, 1.4 + per_row * n_rows)
    fig = Figure(figsize=(8.0, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _to_png(fig) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing glyphs (emoji) must not spam logs
        fig.tight_layout()
        fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def _num(value: float, lang: str) -> str:
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang == "fr" else text


def _pct(value: float, lang: str) -> str:
    return f"{_num(value, lang)} %" if lang == "fr" else f"{_num(value, lang)}%"


def results_chart_png(question: str, answers: list[str], counts: list[int], *, lang: str = "fr") -> bytes:
    """Horizontal bar chart: one bar per answer (first answer on top), count and percentage at its end."""
    lg = normalize_lang(lang)
    if not answers:
        raise ValueError("results_chart_png needs at least one answer")
    if len(answers) != len(counts):
        raise ValueError(f"{len(answers)} answers but {len(counts)} counts")
    values = [max(0, int(c)) for c in counts]
    total = sum(values)
    fig = _new_figure(len(answers), 0.55)
    ax = fig.add_subplot(1, 1, 1)
    ypos = list(range(len(answers)))[::-1]
    ax.barh(ypos, values, color=_COLORS[0], height=0.6)
    ax.set_yticks(ypos, [_wrap(a, LABEL_WIDTH) for a in answers])
    top = max(values) if values and max(values) > 0 else 1
    ax.set_xlim(0, top * 1.25)
    for y, v in zip(ypos, values):
        share = v * 100.0 / total if total else 0.0
        ax.text(v + top * 0.01, y, f"{v} ({_pct(share, lg)})", va="center", fontsize=9)
    ax.set_xlabel(t(lg, "poll.votes_total", t=total))
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(_wrap(question, TITLE_WIDTH), fontsize=11)
    return _to_png(fig)


def shift_chart_png(question: str, rows: list["ShiftRow"], *, lang: str = "fr") -> bytes:
    """Grouped horizontal bars per answer: share of votes before and after, with the change in points."""
    lg = normalize_lang(lang)
    if not rows:
        raise ValueError("shift_chart_png needs at least one row")
    fig = _new_figure(len(rows), 0.8)
    ax = fig.add_subplot(1, 1, 1)
    n = len(rows)
    centers = [float(i) for i in range(n)][::-1]
    h = 0.36
    before = [r.before_pct for r in rows]
    after = [r.after_pct for r in rows]
    ax.barh([c + h / 2 for c in centers], before, height=h, color="#99AAB5", label=t(lg, "poll.before"))
    ax.barh([c - h / 2 for c in centers], after, height=h, color=_COLORS[0], label=t(lg, "poll.after"))
    ax.set_yticks(centers, [_wrap(r.answer, LABEL_WIDTH) for r in rows])
    top = max(before + after + [1.0])
    ax.set_xlim(0, max(10.0, top * 1.3))
    for c, r in zip(centers, rows):
        sign = "+" if r.delta_pts > 0.05 else ("-" if r.delta_pts < -0.05 else "±")
        text = f"{sign}{_num(abs(r.delta_pts), lg)} pts"
        color = _COLORS[2] if r.delta_pts > 0.05 else (_COLORS[1] if r.delta_pts < -0.05 else "#444444")
        ax.text(max(r.before_pct, r.after_pct) + top * 0.02, c, text, va="center", fontsize=9, color=color)
    ax.set_xlabel(t(lg, "poll.share_of_votes"))
    ax.legend(loc="best", fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(_wrap(question, TITLE_WIDTH), fontsize=11)
    return _to_png(fig)
