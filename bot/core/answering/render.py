"""Markdown rendering of answers; framing follows the question's language."""

from __future__ import annotations

from bot.core.i18n import pick
from bot.core.models import Citation, Lang, Side
from bot.core.quotes import quoted

STANCE_LABELS = {
    "favorable": ("Arguments favorables", "Arguments in favour"),
    "critique": ("Arguments critiques", "Critical arguments"),
    "nuance": ("Position nuancée ou conditionnelle", "Nuanced or conditional view"),
}


def stance_label(stance: str, lang: Lang) -> str:
    fr, en = STANCE_LABELS[stance]
    return pick(lang, fr, en)


def debate_intro(lang: Lang, question: str, mapped: bool) -> str:
    base = pick(lang,
                "**Question débattue.** Les sources présentent plusieurs points de vue ; Contrepoint n'en prend aucun et vous laisse juger.",
                "**This question is debated.** The sources present several points of view; Contrepoint takes no side and lets you judge.")
    if not mapped:
        base += " " + pick(lang, "(Points de vue reconstitués à partir des passages retrouvés.)",
                           "(Points of view assembled from the retrieved passages.)")
    return base


def factual_intro(lang: Lang) -> str:
    return pick(lang, "**Réponse factuelle**, d'après les articles de la base :", "**Factual answer**, according to the articles in the knowledge base:")


def diverge_notice(lang: Lang) -> str:
    return pick(lang, "⚠️ Les sources divergent : chaque version est donnée avec sa source.",
                "⚠️ The sources disagree: each version is given with its source.")


def no_answer_text(lang: Lang, question: str, reason: str = "") -> str:
    text = pick(lang,
                "Aucune source de la base ne couvre cette question ; Contrepoint préfère ne pas inventer de réponse.",
                "No source in the knowledge base covers this question; Contrepoint would rather not invent an answer.")
    if reason:
        text += " " + reason
    text += " " + pick(lang, "Essayez `/sources` pour voir les articles disponibles, ou reformulez.",
                       "Try `/sources` to see the available articles, or rephrase.")
    return text


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
        lines = [pick(lang, "**Sources**", "**Sources**")]
        for c in citations:
            lines.append(f"[{c.id}] {quoted(c.quote, lang)} — {c.title} ({c.source})")
        parts.append("\n".join(lines))
    return "\n\n".join(p for p in parts if p)
