"""LangChain fake chat models shared by the LLM composer tests (no network, ever), and the service using one."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from pydantic import Field

from bot.core.answering.llm_schema import ContrepointAnswer
from bot.core.answering.pipeline import engine_for
from bot.core.service import Contrepoint

REPO = Path(__file__).resolve().parents[3]


class RecordingModel(GenericFakeChatModel):
    """GenericFakeChatModel that remembers the messages (and kwargs) of each call."""

    calls: list[list[BaseMessage]] = Field(default_factory=list)
    call_kwargs: list[dict[str, Any]] = Field(default_factory=list)

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        self.calls.append(list(messages))
        self.call_kwargs.append(dict(kwargs))
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)


class ToolCallingModel(RecordingModel):
    """Supports with_structured_output through bind_tools, like real provider models."""

    def bind_tools(self, tools, *, tool_choice=None, **kwargs):
        return self.bind(tools=list(tools), tool_choice=tool_choice)


class BlockingModel(RecordingModel):
    """A stuck provider: answers only once `gate` is set (or after 10 s)."""

    gate: Any = None

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        self.gate.wait(10)
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)


class FailingModel(RecordingModel):
    error: Any = None

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        self.calls.append(list(messages))
        raise self.error


def text_model(payload: Any) -> RecordingModel:
    content = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    return RecordingModel(messages=iter([AIMessage(content=content)]))


def tool_model(payload: dict) -> ToolCallingModel:
    call = {"name": ContrepointAnswer.__name__, "args": payload, "id": "call_1", "type": "tool_call"}
    return ToolCallingModel(messages=iter([AIMessage(content="", tool_calls=[call])]))


def llm_service(shared_service, chat_model, answering: dict | None = None, **llm) -> Contrepoint:
    base = shared_service.settings
    settings = base.model_copy(update={"llm": base.llm.model_copy(update=llm),
                                       "answering": base.answering.model_copy(update=answering or {})})
    svc = Contrepoint(settings, root=REPO, chat_model=chat_model)
    svc._kb = shared_service.kb  # same synced knowledge base: no second store, no re-embedding
    # Reuse the session engine's embedded debate index, stance model and sentence cache (slow to build);
    # only the settings and the chat model differ.
    engine = copy.copy(engine_for(shared_service))
    engine.settings, engine._chat_model = settings, chat_model
    engine.breaker = svc.llm_breaker  # each test its own circuit breaker
    svc._answer_engine, svc._answer_engine_key = engine, shared_service.kb.generation
    assert engine_for(svc) is engine
    return svc
