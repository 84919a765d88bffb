"""Poll results as text, and the opinion shift between two polls on the same debate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.i18n import normalize_lang
from bot.core.messages import t
from bot.core.models import Lang
from bot.core.polls.spec import PollError
from bot.core.polls.store import PollRecord

BAR_CELLS = 10
STABLE_PTS = 1.0  # below this, a change is "stable"
FEW_VOTES = 10  # below this many votes, a shift is only indicative


@dataclass
class ShiftRow:
    answer: str
    before: int
    after: int
    before_pct: float
    after_pct: float
    delta_pts: float


# -- formatting helpers ------------------------------------------------------------------

def _num(value: float, lang: Lang) -> str:
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang == "fr" else text


def pct_text(value: float, lang: Lang) -> str:
    return f"{_num(value, lang)} %" if lang == "fr" else f"{_num(value, lang)}%"


def pts_text(delta: float, lang: Lang) -> str:
    sign = "+" if delta > 0.05 else ("-" if delta < -0.05 else "±")
    return f"{sign}{_num(abs(delta), lang)} pts"


def votes_text(n: int, lang: Lang) -> str:
    if lang == "fr":
        return f"{n} vote" if n <= 1 else f"{n} votes"
    return f"{n} vote" if n == 1 else f"{n} votes"


def _date(dt: datetime, lang: Lang) -> str:
    return dt.strftime("%d/%m/%Y") if lang == "fr" else dt.strftime("%Y-%m-%d")


def _bar(share: float) -> str:
    full = round(share * BAR_CELLS)
    return "█" * full + "░" * (BAR_CELLS - full)


def percentages(counts: list[int]) -> list[float]:
    total = sum(counts)
    return [(c * 100.0 / total) if total else 0.0 for c in counts]


def _checked_counts(rec: PollRecord, counts: list[int] | None, lang: Lang) -> list[int]:
    if counts is None:
        raise PollError(
            "no_counts",
            t(lang, "poll.no_counts", q=rec.question),
        )
    values = [int(c) for c in counts]
    if len(values) != len(rec.answers):
        raise ValueError(f"poll {rec.message_id}: {len(rec.answers)} answers but {len(values)} counts")
    return values


# -- results -----------------------------------------------------------------------------

def format_results(rec: PollRecord, counts: list[int], *, lang: str = "fr", final: bool | None = None) -> str:
    """Markdown: one line per answer with count and percentage, the total, final or provisional.
    `final` defaults to `rec.counts_final`."""
    lg = normalize_lang(lang)
    values = _checked_counts(rec, counts, lg)
    is_final = rec.counts_final if final is None else final
    total = sum(values)
    lines = [f"📊 **{rec.question}**"]
    for answer, n, p in zip(rec.answers, values, percentages(values)):
        lines.append(f"`{_bar(p / 100)}` **{answer}** : {votes_text(n, lg)} ({pct_text(p, lg)})")
    status = (
        t(lg, "poll.final_count")
        if is_final
        else t(lg, "poll.provisional_count", d=rec.ends_at.strftime("%d/%m/%Y %H:%M" if lg == "fr" else "%Y-%m-%d %H:%M"))
    )
    lines.append(t(lg, "poll.total", t=votes_text(total, lg), s=status))
    if total == 0:
        lines.append(t(lg, "poll.no_votes_yet"))
    if rec.multiple:
        lines.append(t(lg, "poll.multiple_choice_note"))
    return "\n".join(lines)


# -- shift between two polls ----------------------------------------------------------------

def _key(answer: str) -> str:
    return " ".join(answer.split()).casefold()


def compare_shift(before: PollRecord, after: PollRecord, *, lang: str = "fr") -> tuple[list[ShiftRow], str]:
    """Rows aligned by answer text (case-insensitive, `after`'s order first) and a text summary
    of the change in percentage points. Raises PollError('no_counts') when a poll has no results."""
    lg = normalize_lang(lang)
    b_counts = _checked_counts(before, before.counts, lg)
    a_counts = _checked_counts(after, after.counts, lg)
    b_total, a_total = sum(b_counts), sum(a_counts)
    b_map = {_key(a): (a, n) for a, n in zip(before.answers, b_counts)}
    a_map = {_key(a): (a, n) for a, n in zip(after.answers, a_counts)}
    keys = list(a_map) + [k for k in b_map if k not in a_map]

    rows: list[ShiftRow] = []
    for k in keys:
        label = (a_map.get(k) or b_map[k])[0]
        nb = b_map[k][1] if k in b_map else 0
        na = a_map[k][1] if k in a_map else 0
        pb = nb * 100.0 / b_total if b_total else 0.0
        pa = na * 100.0 / a_total if a_total else 0.0
        rows.append(ShiftRow(label, nb, na, round(pb, 4), round(pa, 4), round(pa - pb, 4)))

    lines = [
        t(lg, "poll.shift_heading", d1=_date(before.created_at, lg), v1=votes_text(b_total, lg), d2=_date(after.created_at, lg), v2=votes_text(a_total, lg))
    ]
    if not b_total or not a_total:
        lines.append(t(lg, "poll.shift_no_votes"))
        return rows, "\n".join(lines)

    for r in rows:
        lines.append(f"• {r.answer} : {pct_text(r.before_pct, lg)} → {pct_text(r.after_pct, lg)} ({pts_text(r.delta_pts, lg)})"
                     if lg == "fr" else
                     f"• {r.answer}: {pct_text(r.before_pct, lg)} → {pct_text(r.after_pct, lg)} ({pts_text(r.delta_pts, lg)})")
    up = max(rows, key=lambda r: r.delta_pts)
    down = min(rows, key=lambda r: r.delta_pts)
    if max(abs(r.delta_pts) for r in rows) < STABLE_PTS:
        lines.append(t(lg, "poll.shift_stable"))
    else:
        parts = []
        if up.delta_pts >= STABLE_PTS:
            parts.append(t(lg, "poll.largest_gain", a=up.answer, d=pts_text(up.delta_pts, lg)))
        if down.delta_pts <= -STABLE_PTS:
            parts.append(t(lg, "poll.largest_drop", a=down.answer, d=pts_text(down.delta_pts, lg)))
        text = " ; ".join(parts) if lg == "fr" else "; ".join(parts)
        lines.append(text[:1].upper() + text[1:] + ".")
    only_one = [r.answer for r in rows if (_key(r.answer) in a_map) != (_key(r.answer) in b_map)]
    if only_one:
        lines.append(t(lg, "poll.shift_answers_in_one", a=", ".join(only_one)))
    if min(b_total, a_total) < FEW_VOTES:
        lines.append(t(lg, "poll.shift_few_votes", n=FEW_VOTES))
    if not (before.counts_final and after.counts_final):
        lines.append(t(lg, "poll.shift_provisional"))
    return rows, "\n".join(lines)
