"""Optional LLM composer: asks a LangChain chat model for a neutral, cited draft.

The model only writes the wording and says which passages support each point
(by their 1-based id). Everything it returns is validated here; quotes are never
taken from the model: the caller builds them from the passages it cited.
Failures raise `LLMFailure` so the caller can fall back to the extractive composer.
"""

from __future__ import annotations

import html
import json
import logging
import re
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ValidationError

from bot.core.answering.llm_schema import ContrepointAnswer
from bot.core.models import Debate, Lang, Passage
from bot.core.text_guard import ZERO_WIDTH
from bot.logging_setup import redact
from bot.settings import ConfigError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

    from bot.settings import LLMSettings

log = logging.getLogger(__name__)

FailureReason = Literal["timeout", "error", "rate_limited", "malformed", "ungrounded"]
KINDS = ("debate", "factual", "no_answer")

SYSTEM_PROMPT_FILE = "answer_system.md"
USER_PROMPT_FILE = "answer_user.md"
REQUIRED_USER_PLACEHOLDERS = ("{question}", "{passages}")

MAX_LABEL_CHARS = 80
MAX_POINT_CHARS = 600
MAX_INTRO_CHARS = 800

# Provider prefix of `llm.model` -> the contrepoint extra that installs its package.
PROVIDER_EXTRAS = {"openai": "openai", "azure_openai": "openai", "anthropic": "anthropic", "ollama": "ollama"}

LANGUAGE_NAMES = {"fr": "French (français)", "en": "English"}

# Model calls run here so a stuck call can be abandoned after `timeout_s`.
# Never shut down with `with`: that would wait for a stuck call.


@lru_cache(maxsize=4)
def _executor(workers: int) -> ThreadPoolExecutor:
    """The provider calls' worker threads (llm.max_concurrent_requests), created on first use."""
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="contrepoint-llm")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
_CITE_MARKERS = re.compile(r"\s*\[\s*\d{1,3}(?:\s*[,;-]\s*\d{1,3})*\s*\]")
_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.S)
_THINK = re.compile(r"<think>.*?</think>", re.S | re.I)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class LLMFailure(Exception):
    """The LLM draft cannot be used; `reason` is one of FailureReason. Never carries secrets."""

    def __init__(self, reason: FailureReason, detail: str = "") -> None:
        self.reason: FailureReason = reason
        super().__init__(f"{reason}: {detail}" if detail else reason)


@dataclass
class DraftPoint:
    text: str
    passage_ids: list[int]  # 1-based indexes into the passages given to draft_with_llm


@dataclass
class DraftSide:
    label: str
    points: list[DraftPoint] = field(default_factory=list)


@dataclass
class LLMDraft:
    kind: str  # "debate" | "factual" | "no_answer"
    intro: str
    sides: list[DraftSide]
    dropped_points: int = 0


# --------------------------------------------------------------------------- model


def build_chat_model(llm_settings: LLMSettings) -> BaseChatModel:
    """Build the chat model named by `llm.model` ("provider:model").

    Raises ConfigError with an actionable message (missing extra, unknown provider, bad setup).
    """
    spec = (llm_settings.model or "").strip()
    if not spec:
        raise ConfigError("llm.model is not set: use e.g. 'openai:gpt-4o-mini' or 'ollama:llama3.1'")
    provider = spec.split(":", 1)[0].strip().lower().replace("-", "_") if ":" in spec else ""
    timeout = float(llm_settings.timeout_s)
    kwargs: dict[str, Any] = {"temperature": llm_settings.temperature}
    if provider == "ollama":
        kwargs["client_kwargs"] = {"timeout": timeout}  # ChatOllama has no `timeout` or `max_retries` field
    else:
        kwargs["timeout"] = timeout
        kwargs["max_retries"] = llm_settings.max_retries
    if llm_settings.base_url:
        kwargs["base_url"] = llm_settings.base_url
    try:
        from langchain.chat_models import init_chat_model

        model = init_chat_model(spec, **kwargs)
    except ImportError as exc:
        raise ConfigError(_missing_package_message(spec, provider, exc)) from None
    except ValueError as exc:
        if "provider" in str(exc).lower():
            raise ConfigError(
                f"llm.model={spec!r}: unknown or missing provider. Write it as 'provider:model', "
                "e.g. 'openai:gpt-4o-mini', 'anthropic:claude-3-5-haiku-latest' or 'ollama:llama3.1'."
            ) from None
        raise ConfigError(f"llm.model={spec!r}: cannot create the chat model: {_describe(exc)}") from None
    except Exception as exc:  # noqa: BLE001 - e.g. a provider SDK complaining about a missing API key
        raise ConfigError(
            f"llm.model={spec!r}: cannot create the chat model: {_describe(exc)} "
            "(check the provider's API key environment variable)"
        ) from None
    log.info("LLM composer enabled: %s", redact(spec))
    return model


def _missing_package_message(spec: str, provider: str, exc: ImportError) -> str:
    extra = PROVIDER_EXTRAS.get(provider)
    if extra:
        how = f"pip install 'contrepoint[{extra}]'"
    else:
        m = re.search(r"pip install ([\w.\-\[\]\"']+)", str(exc))
        how = f"pip install {m.group(1)}" if m else f"the LangChain integration package for {provider or 'this provider'}"
    return f"llm.model={spec!r} needs a provider package that is not installed. Install it with: {how}"


def _describe(exc: BaseException) -> str:
    """Exception class + short redacted message: safe for logs and user-facing notices."""
    text = _SPACES.sub(" ", redact(str(exc))).strip()
    if len(text) > 200:
        text = text[:199] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# --------------------------------------------------------------------------- prompts


def load_prompts(prompts_dir: Path) -> tuple[str, str]:
    """Return (system prompt, user template). `<!-- comments -->` are removed.

    Raises ConfigError when a file is missing, empty or lacks a required placeholder."""
    prompts_dir = Path(prompts_dir)
    texts = []
    for name in (SYSTEM_PROMPT_FILE, USER_PROMPT_FILE):
        path = prompts_dir / name
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(f"Prompt file not found: {path} (restore it from the repository's prompts/ folder)") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"Cannot read prompt file {path}: {exc}") from None
        text = _COMMENT.sub("", text).strip()
        if not text:
            raise ConfigError(f"Prompt file is empty: {path}")
        texts.append(text)
    system, user = texts
    missing = [p for p in REQUIRED_USER_PLACEHOLDERS if p not in user]
    if missing:
        raise ConfigError(f"{prompts_dir / USER_PROMPT_FILE} must contain the placeholders {', '.join(missing)}")
    return system, user


def _fill(template: str, values: dict[str, str]) -> str:
    """Single-pass `{name}` substitution: inserted text is never scanned again."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def _data(text: str) -> str:
    """User or article text made safe inside a data block: no control chars, no markup."""
    text = ZERO_WIDTH.sub("", unicodedata.normalize("NFC", text))
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n"))
    return html.escape(text, quote=False)


def _attr(text: str) -> str:
    return html.escape(_SPACES.sub(" ", _CONTROL.sub(" ", text)).strip(), quote=True)


def _passages_block(passages: list[Passage]) -> str:
    return "\n".join(
        f'<passage id="{i}" article="{_attr(p.article_id)}" title="{_attr(p.title)}">\n{_data(p.text).strip()}\n</passage>'
        for i, p in enumerate(passages, start=1)
    )


def _sides_block(debate: Debate | None, lang: Lang) -> str:
    if debate is None or not debate.sides:
        return ""
    lines = []
    for side in debate.sides:
        label = (side.label_en if lang == "en" and side.label_en else side.label).strip()
        summary = (side.summary_en if lang == "en" and side.summary_en else side.summary).strip()
        text = f"{label}: {summary}" if summary else label
        lines.append(f"<side>{_data(_SPACES.sub(' ', text))}</side>")
    return "\n".join(lines)


def render_messages(
    system: str,
    user_template: str,
    *,
    question: str,
    lang: Lang,
    passages: list[Passage],
    debate: Debate | None = None,
) -> list[BaseMessage]:
    """[SystemMessage(instructions), HumanMessage(data blocks)]; all user/article text is escaped."""
    from langchain_core.messages import HumanMessage, SystemMessage

    values = {
        "language": LANGUAGE_NAMES.get(lang, LANGUAGE_NAMES["fr"]),
        "lang": lang if lang in LANGUAGE_NAMES else "fr",
        "question": _data(question).strip(),
        "passages": _passages_block(passages),
        "passage_count": str(len(passages)),
        "suggested_sides": _sides_block(debate, lang),
    }
    return [SystemMessage(content=_fill(system, values)), HumanMessage(content=_fill(user_template, values))]


# --------------------------------------------------------------------------- call


def draft_with_llm(
    model: BaseChatModel,
    *,
    question: str,
    lang: Lang,
    passages: list[Passage],
    debate: Debate | None,
    timeout_s: float,
    prompts_dir: Path,
    max_concurrent: int = 8,
) -> LLMDraft:
    """Ask `model` for a draft grounded in `passages` and validate it.

    Returns a draft whose every point cites ids in 1..len(passages).
    Raises LLMFailure("timeout" | "error" | "malformed" | "ungrounded")."""
    if not passages:
        return LLMDraft(kind="no_answer", intro="", sides=[], dropped_points=0)
    try:
        system, user_template = load_prompts(prompts_dir)
    except ConfigError as exc:
        raise _failure("error", str(exc)) from None
    messages = render_messages(system, user_template, question=question, lang=lang, passages=passages, debate=debate)
    mode, raw = _call_with_timeout(lambda: _request(model, messages), timeout_s, max_concurrent)
    answer = _parse(mode, raw)
    return _validate(answer, len(passages))


def _failure(reason: FailureReason, detail: str = "") -> LLMFailure:
    log.warning("LLM composer failed: %s", reason)
    if detail:
        log.debug("LLM composer failure detail: %s", redact(detail))
    return LLMFailure(reason, detail)


def _request(model: BaseChatModel, messages: list[BaseMessage]) -> tuple[str, Any]:
    """Runs in the worker thread: structured output when supported, else plain text."""
    try:
        structured = model.with_structured_output(ContrepointAnswer, include_raw=True)
    except NotImplementedError:
        return "text", model.invoke(messages)
    return "structured", structured.invoke(messages)


def _call_with_timeout(fn: Callable[[], tuple[str, Any]], timeout_s: float, workers: int = 8) -> tuple[str, Any]:
    """At most `workers` provider calls at once; a call still queued when `timeout_s` is up is a timeout."""
    future = _executor(workers).submit(fn)
    try:
        return future.result(timeout=max(0.01, float(timeout_s)))
    except TimeoutError:  # concurrent.futures.TimeoutError is TimeoutError on 3.11
        if not future.done():
            future.cancel()  # drops it if still queued; a running call is abandoned, not awaited
            failure = _failure("timeout", f"no answer within {timeout_s:g} s")
        elif future.exception() is None:  # finished just after the deadline
            return future.result()
        else:  # the call itself raised TimeoutError
            failure = _failure("timeout", _describe(future.exception()))
    except Exception as exc:  # noqa: BLE001 - any provider error becomes a clean failure
        failure = _failure(_error_reason(exc), _describe(exc))
    # Raised outside the except blocks: no __context__ chaining to the original
    # exception, whose message or traceback may hold secrets.
    raise failure


def _error_reason(exc: BaseException) -> FailureReason:
    """timeout / rate_limited (HTTP 429, e.g. openai.RateLimitError) / malformed / error, from any provider SDK."""
    name = type(exc).__name__.lower()
    if "timeout" in name:
        return "timeout"
    if isinstance(exc, (ValidationError, json.JSONDecodeError)):  # an SDK parsing the reply against the schema
        return "malformed"
    status = getattr(exc, "status_code", None) or getattr(getattr(exc, "response", None), "status_code", None)
    return "rate_limited" if status == 429 or "ratelimit" in name else "error"


# --------------------------------------------------------------------------- parsing


def _parse(mode: str, raw: Any) -> ContrepointAnswer:
    if mode == "structured":
        if isinstance(raw, dict):
            parsed, error, message = raw.get("parsed"), raw.get("parsing_error"), raw.get("raw")
        else:  # a provider that ignores include_raw
            parsed, error, message = raw, None, None
        if isinstance(parsed, ContrepointAnswer):
            return parsed
        if isinstance(parsed, dict):
            return _from_obj(parsed)
        if error is not None:
            raise _failure("malformed", _describe(error)) from None
        if message is None:
            raise _failure("malformed", "empty structured output")
        return _from_text(_message_text(message))
    return _from_text(_message_text(raw))


def _message_text(message: Any) -> str:
    text = getattr(message, "text", None)
    if isinstance(text, str):
        return text
    content = getattr(message, "content", message)
    return content if isinstance(content, str) else str(content)


def _from_text(text: str) -> ContrepointAnswer:
    text = _THINK.sub("", text or "").strip()
    fenced = _FENCE.search(text)
    if fenced:
        text = fenced.group(1).strip()
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise _failure("malformed", "no JSON object in the model output")
    try:
        obj = json.loads(text[start : end + 1])
    except json.JSONDecodeError as exc:
        raise _failure("malformed", f"invalid JSON: {exc.msg}") from None
    return _from_obj(obj)


def _from_obj(obj: Any) -> ContrepointAnswer:
    if not isinstance(obj, dict):
        raise _failure("malformed", "the JSON is not an object")
    try:
        return ContrepointAnswer.model_validate(obj)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '<root>'}: {e['msg']}" for e in exc.errors()[:5])
        raise _failure("malformed", f"schema mismatch: {problems}") from None


# --------------------------------------------------------------------------- validation


def _clean(text: str, limit: int) -> str:
    """One line of plain text: no control/invisible chars, no [n] markers, at most `limit` chars."""
    text = unicodedata.normalize("NFC", text or "")
    text = ZERO_WIDTH.sub("", text)
    text = _CONTROL.sub(" ", text)
    text = _CITE_MARKERS.sub("", text)
    text = _SPACES.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    head = cut.rsplit(" ", 1)[0]
    return (head if len(head) >= limit * 0.6 else cut).rstrip(" ,;:") + "…"


def _validate(answer: ContrepointAnswer, n_passages: int) -> LLMDraft:
    kind = answer.kind
    if kind not in KINDS:  # the schema already refuses it; kept for hand-built objects
        raise _failure("malformed", f"unknown kind {kind!r}")
    dropped = 0
    sides: list[DraftSide] = []
    by_label: dict[str, DraftSide] = {}
    for side in answer.sides:
        label = _clean(side.label, MAX_LABEL_CHARS)
        points: list[DraftPoint] = []
        for point in side.points:
            text = _clean(point.text, MAX_POINT_CHARS)
            ids = list(dict.fromkeys(point.citations))
            if not text or not ids or any(not 1 <= i <= n_passages for i in ids):
                dropped += 1
                continue
            points.append(DraftPoint(text=text, passage_ids=ids))
        if not points:
            continue
        if kind == "debate" and not label:  # an unnamed side cannot be presented as a side
            dropped += len(points)
            continue
        key = label.casefold()
        if key in by_label:  # the same side twice: merge
            by_label[key].points.extend(points)
            continue
        by_label[key] = DraftSide(label=label, points=points)
        sides.append(by_label[key])
    kept = sum(len(s.points) for s in sides)
    log.debug("LLM draft: kind=%s sides=%d points=%d dropped_points=%d", kind, len(sides), kept, dropped)
    if kept == 0 and kind != "no_answer":
        raise _failure("ungrounded", f"no point cites a valid passage (dropped {dropped})")
    if kind == "debate" and len(sides) < 2:
        raise _failure("ungrounded", f"a debate needs at least 2 grounded sides, got {len(sides)}")
    return LLMDraft(kind=kind, intro=_clean(answer.intro, MAX_INTRO_CHARS), sides=sides, dropped_points=dropped)
