"""Poll specification: validated question, answers and duration, within Discord's limits.

User-facing error messages are French or English (`lang`); each names the limit and the
offending value so the author knows what to change.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.i18n import normalize_lang
from bot.core.messages import t
from bot.core.models import Debate, Lang
from bot.core.text_guard import InputError, clean_user_text

# Discord native poll limits.
MAX_QUESTION = 300
MAX_ANSWERS = 10
MAX_ANSWER_CHARS = 55
MIN_ANSWERS = 2
MIN_HOURS = 1
MAX_HOURS = 768  # 32 days

_SEPARATOR = ";"
_NO_LIMIT = 100_000  # cleaning only; the real limits are checked below with our own messages


class PollError(ValueError):
    """A poll that cannot be created as asked. `str(err)` is user-facing; `code` is stable."""

    def __init__(self, code: str, message: str | None = None):
        if message is None:  # PollError("message") also works
            code, message = "invalid", code
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class PollSpec:
    question: str
    answers: tuple[str, ...]
    duration_hours: int
    multiple: bool
    debate_id: str | None = None


def _clean(text: object) -> str:
    """Strip control / zero-width characters and collapse spaces; '' when nothing is left."""
    try:
        return clean_user_text("" if text is None else str(text), max_chars=_NO_LIMIT)
    except InputError:
        return ""


def parse_answers(raw: str) -> list[str]:
    """Split 'a; b; c' on ';', strip each answer, drop the empty ones."""
    if not raw:
        return []
    return [a for a in (_clean(part) for part in str(raw).split(_SEPARATOR)) if a]


def _parse_hours(value: object, lang: Lang) -> int:
    def invalid() -> PollError:
        return PollError(
            "duration_invalid",
            t(lang, "poll.duration_invalid", v=str(value)[:40], lo=MIN_HOURS, hi=MAX_HOURS),
        )

    if isinstance(value, bool):
        raise invalid()
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise invalid()
    if isinstance(value, str):
        text = value.strip().lower().removesuffix("h").strip()
        try:
            return int(text)
        except ValueError:
            raise invalid() from None
    raise invalid()


def build_poll_spec(
    question: str,
    answers: list[str] | tuple[str, ...] | str,
    duration_hours: int,
    multiple: bool = False,
    *,
    debate_id: str | None = None,
    lang: str = "fr",
) -> PollSpec:
    """Clean and validate a poll; raise PollError with a message naming the broken limit."""
    lg = normalize_lang(lang)

    q = _clean(question)
    if not q:
        raise PollError(
            "question_empty",
            t(lg, "poll.question_empty", n=MAX_QUESTION),
        )
    if len(q) > MAX_QUESTION:
        raise PollError(
            "question_too_long",
            t(lg, "poll.question_too_long", k=len(q), n=MAX_QUESTION, d=len(q) - MAX_QUESTION),
        )

    if isinstance(answers, str):
        items = parse_answers(answers)
    else:
        items = [a for a in (_clean(x) for x in (answers or ())) if a]

    if len(items) < MIN_ANSWERS:
        raise PollError(
            "too_few_answers",
            t(lg, "poll.too_few_answers", m=MIN_ANSWERS, k=len(items)),
        )
    if len(items) > MAX_ANSWERS:
        raise PollError(
            "too_many_answers",
            t(lg, "poll.too_many_answers", k=len(items), n=MAX_ANSWERS),
        )
    for a in items:
        if len(a) > MAX_ANSWER_CHARS:
            raise PollError(
                "answer_too_long",
                t(lg, "poll.answer_too_long", a=a, k=len(a), n=MAX_ANSWER_CHARS),
            )
    seen: dict[str, str] = {}
    for a in items:
        key = a.casefold()
        if key in seen:
            raise PollError(
                "duplicate_answer",
                t(lg, "poll.duplicate_answer", a=a),
            )
        seen[key] = a

    hours = _parse_hours(duration_hours, lg)
    if not MIN_HOURS <= hours <= MAX_HOURS:
        raise PollError(
            "duration_out_of_range",
            t(lg, "poll.duration_out_of_range", h=hours, lo=MIN_HOURS, hi=MAX_HOURS, d=MAX_HOURS // 24),
        )

    did = str(debate_id).strip() if debate_id is not None else None
    return PollSpec(question=q, answers=tuple(items), duration_hours=hours, multiple=bool(multiple), debate_id=did or None)


def poll_spec_for_debate(debate: Debate, duration_hours: int, *, lang: str = "fr") -> PollSpec:
    """A poll on a debate: its question and one answer per side (English labels when lang='en')."""
    lg = normalize_lang(lang)
    question = (debate.question_en or debate.question) if lg == "en" else debate.question
    answers = [((s.label_en or s.label) if lg == "en" else s.label) for s in debate.sides]
    try:
        return build_poll_spec(question, answers, duration_hours, False, debate_id=debate.id, lang=lg)
    except PollError as err:
        if err.code in ("duration_invalid", "duration_out_of_range"):
            raise
        # The debate map itself breaks a limit: say which debate to fix.
        raise PollError(
            err.code,
            t(lg, "poll.debate_breaks_a_limit", id=debate.id, msg=str(err)),
        ) from None
