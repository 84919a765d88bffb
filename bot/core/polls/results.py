"""Poll results as text, and the opinion shift between two polls on the same debate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.i18n import normalize_lang, pick
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
            pick(lang, fr="Le sondage « {q} » n'a pas encore de résultats enregistrés.",
                 en="The poll \"{q}\" has no recorded results yet.", q=rec.question),
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
        pick(lg, fr="Décompte final", en="Final count")
        if is_final
        else pick(lg, fr="Décompte provisoire (fin le {d} UTC)", en="Provisional count (ends {d} UTC)",
                  d=rec.ends_at.strftime("%d/%m/%Y %H:%M" if lg == "fr" else "%Y-%m-%d %H:%M"))
    )
    lines.append(pick(lg, fr="Total : {t} · {s}", en="Total: {t} · {s}", t=votes_text(total, lg), s=status))
    if total == 0:
        lines.append(pick(lg, fr="Aucun vote pour l'instant.", en="No votes yet."))
    if rec.multiple:
        lines.append(pick(lg, fr="_Choix multiple : pourcentages calculés sur l'ensemble des votes._",
                          en="_Multiple choice: percentages of all votes cast._"))
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
        pick(lg, fr="Évolution de l'opinion entre le sondage du {d1} ({v1}) et celui du {d2} ({v2}) :",
             en="Opinion shift between the poll of {d1} ({v1}) and the poll of {d2} ({v2}):",
             d1=_date(before.created_at, lg), v1=votes_text(b_total, lg),
             d2=_date(after.created_at, lg), v2=votes_text(a_total, lg))
    ]
    if not b_total or not a_total:
        lines.append(pick(lg, fr="Un des deux sondages n'a reçu aucun vote : pas d'évolution mesurable.",
                          en="One of the two polls got no votes: no measurable shift."))
        return rows, "\n".join(lines)

    for r in rows:
        lines.append(f"• {r.answer} : {pct_text(r.before_pct, lg)} → {pct_text(r.after_pct, lg)} ({pts_text(r.delta_pts, lg)})"
                     if lg == "fr" else
                     f"• {r.answer}: {pct_text(r.before_pct, lg)} → {pct_text(r.after_pct, lg)} ({pts_text(r.delta_pts, lg)})")
    up = max(rows, key=lambda r: r.delta_pts)
    down = min(rows, key=lambda r: r.delta_pts)
    if max(abs(r.delta_pts) for r in rows) < STABLE_PTS:
        lines.append(pick(lg, fr="Opinion stable : aucune réponse ne varie d'un point ou plus.",
                          en="Stable opinion: no answer moved by one point or more."))
    else:
        parts = []
        if up.delta_pts >= STABLE_PTS:
            parts.append(pick(lg, fr="plus forte progression : « {a} » ({d})", en="largest gain: \"{a}\" ({d})",
                              a=up.answer, d=pts_text(up.delta_pts, lg)))
        if down.delta_pts <= -STABLE_PTS:
            parts.append(pick(lg, fr="plus fort recul : « {a} » ({d})", en="largest drop: \"{a}\" ({d})",
                              a=down.answer, d=pts_text(down.delta_pts, lg)))
        text = " ; ".join(parts) if lg == "fr" else "; ".join(parts)
        lines.append(text[:1].upper() + text[1:] + ".")
    only_one = [r.answer for r in rows if (_key(r.answer) in a_map) != (_key(r.answer) in b_map)]
    if only_one:
        lines.append(pick(lg, fr="Réponses présentes dans un seul des deux sondages : {a}.",
                          en="Answers present in only one of the two polls: {a}.", a=", ".join(only_one)))
    if min(b_total, a_total) < FEW_VOTES:
        lines.append(pick(lg, fr="Attention : moins de {n} votes dans un sondage, l'évolution n'est qu'indicative.",
                          en="Note: fewer than {n} votes in one poll, the shift is only indicative.", n=FEW_VOTES))
    if not (before.counts_final and after.counts_final):
        lines.append(pick(lg, fr="(Décompte provisoire pour au moins un des sondages.)",
                          en="(Provisional count for at least one of the polls.)"))
    return rows, "\n".join(lines)
