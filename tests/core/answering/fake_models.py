"""LangChain fake chat models shared by the LLM composer tests (no network, ever)."""

from __future__ import annotations

import json
from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from pydantic import Field

from bot.core.answering.llm_schema import ContrepointAnswer


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
