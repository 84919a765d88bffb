"""What several cogs share about answers and debates: the question in the reader's language, debate
suggestions for autocomplete, and an answer ready to send (first page and its buttons)."""

from __future__ import annotations

from typing import Any, Sequence

from bot.core.models import Answer, Debate, Lang
from bot.discord_app.limits import CHOICES_MAX
from bot.discord_app.recall import remember
from bot.discord_app.rendering import render_answer
from bot.discord_app.replies import log_failure
from bot.discord_app.views import answer_view


def debate_question(debate: Debate, lang: Lang) -> str:
    return debate.question_en if lang == "en" and debate.question_en else debate.question


async def suggest(bot: Any, current: str, limit: int = CHOICES_MAX) -> list[Debate]:
    """Debate suggestions from the core's in-memory index. The core never blocks here (it returns
    nothing while the knowledge base is not loaded yet), so autocomplete answers well within 3 s."""
    try:
        return bot.service.suggest_debates((current or "")[:200], limit)
    except Exception as exc:  # noqa: BLE001 - an autocomplete failure only means no suggestions
        log_failure("debate suggestions", exc)
        return []


async def prepare_answer(bot: Any, answer: Answer, question: str, history: Sequence[str] = ()):
    """(messages, view) for an answer: page 1 is shown; the rest is behind "other viewpoints"."""
    rendered = render_answer(answer)
    view = None
    if answer.kind != "no_answer":
        payload = {"q": question, "lang": answer.lang, "history": list(history), "debate_id": answer.debate_id}
        key = await remember(bot, "ask", payload, answer)
        view = answer_view(key, answer.lang, more=rendered.paged or bool(answer.debate_id))
    return [[rendered.pages[0]]], view
