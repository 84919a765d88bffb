"""The JSON shape the LLM composer asks the model for (validated with pydantic).

The model's output is untrusted: this schema only checks the shape. Grounding
(citation ids, lengths, empty sides) is checked afterwards in `llm.py`.
Unknown keys (e.g. a "quote" the model made up) are ignored.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Citation ids the model wrote in a form we cannot read become this id, which is never valid.
INVALID_ID = 0
_ID_TEXT = re.compile(r"^\s*\[?\s*#?(\d{1,4})\s*\]?\s*$")


def _as_id(value: Any) -> int:
    """3, "3", "[3]" -> 3; {"id": 3, ...} -> 3; anything else -> INVALID_ID."""
    if isinstance(value, dict):
        value = value.get("id", value.get("passage_id"))
    if isinstance(value, bool):
        return INVALID_ID
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        m = _ID_TEXT.match(value)
        if m:
            return int(m.group(1))
    return INVALID_ID


def _none_to_empty(value: Any) -> Any:
    return "" if value is None else value


class AnswerPoint(BaseModel):
    """One argument or fact, supported by the passages it cites."""

    model_config = ConfigDict(extra="ignore")

    text: str = Field(description="One or two sentences, in the requested language, without quotes or [n] markers.")
    citations: list[int] = Field(
        default_factory=list,
        description="Numeric ids of the passages that support this point (at least one).",
    )

    @field_validator("text", mode="before")
    @classmethod
    def _text(cls, v: Any) -> Any:
        return _none_to_empty(v)

    @field_validator("citations", mode="before")
    @classmethod
    def _citations(cls, v: Any) -> Any:
        if v is None:
            return []
        if not isinstance(v, (list, tuple)):
            v = [v]
        return [_as_id(item) for item in v]


class AnswerSide(BaseModel):
    """One side of the debate (or, for a factual answer, the answer itself)."""

    model_config = ConfigDict(extra="ignore")

    label: str = Field(description="Short neutral label of this side (at most 80 characters).")
    points: list[AnswerPoint] = Field(default_factory=list)

    @field_validator("label", mode="before")
    @classmethod
    def _label(cls, v: Any) -> Any:
        return _none_to_empty(v)

    @field_validator("points", mode="before")
    @classmethod
    def _points(cls, v: Any) -> Any:
        return [] if v is None else v


class ContrepointAnswer(BaseModel):
    """A neutral answer grounded in the numbered passages: several sides for a debate,
    a direct answer for a factual question, or no_answer when the passages do not cover it."""

    model_config = ConfigDict(extra="ignore")

    kind: Literal["debate", "factual", "no_answer"]
    intro: str = Field(default="", description="One or two neutral sentences framing the answer.")
    sides: list[AnswerSide] = Field(default_factory=list)

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, v: Any) -> Any:
        return v.strip().lower().replace("-", "_") if isinstance(v, str) else v

    @field_validator("intro", mode="before")
    @classmethod
    def _intro(cls, v: Any) -> Any:
        return _none_to_empty(v)

    @field_validator("sides", mode="before")
    @classmethod
    def _sides(cls, v: Any) -> Any:
        return [] if v is None else v
