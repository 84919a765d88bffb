from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """A bad knowledge file (or entry): where, and what to do about it."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"
