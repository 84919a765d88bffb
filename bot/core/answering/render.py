"""Markdown rendering of answers; framing follows the question's language."""

from __future__ import annotations

from bot.core.messages import t
from bot.core.models import Citation, Lang, Side
from bot.core.quotes import quoted


def stance_label(stance: str, lang: Lang) -> str:
    return t(lang, f"stance.{stance}")


def debate_intro(lang: Lang, question: str, mapped: bool) -> str:
    base = t(lang, "answer.debate_intro")
    return base if mapped else f"{base} {t(lang, 'answer.sides_assembled')}"


def factual_intro(lang: Lang) -> str:
    return t(lang, "answer.factual_intro")


def diverge_notice(lang: Lang) -> str:
    return t(lang, "answer.sources_diverge")


def no_answer_text(lang: Lang, question: str, reason: str = "") -> str:
    return " ".join(part for part in (t(lang, "answer.none"), reason, t(lang, "answer.none_hint")) if part)


def cite_marks(ids: list[int]) -> str:
    return "".join(f"[{i}]" for i in ids)


def render_markdown(intro: str, sides: list[Side], citations: list[Citation], lang: Lang, notice: str = "", heading_sides: bool = True) -> str:
    parts = [intro]
    if notice:
        parts.append(notice)
    for side in sides:
        lines = [f"### {side.label}"] if heading_sides else []
        for p in side.points:
            lines.append(f"- {p.text} {cite_marks(p.citations)}".rstrip())
        parts.append("\n".join(lines))
    if citations:
        lines = [t(lang, "answer.sources")]
        for c in citations:
            lines.append(f"[{c.id}] {quoted(c.quote, lang)} — {c.title} ({c.source})")
        parts.append("\n".join(lines))
    return "\n\n".join(p for p in parts if p)
