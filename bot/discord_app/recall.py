"""Remembering answers for persistent buttons: in memory first, else recomputed from the
SQLite answer cache (question + language), so buttons keep working after a restart."""

from __future__ import annotations

import asyncio
import re
from collections import OrderedDict
from typing import Any

from bot.core.models import Answer, CounterResult

SAFE_REF = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
REF_PATTERN = r"[A-Za-z0-9_-]{1,80}|~[0-9a-f]{12}"


class LRU(OrderedDict):
    """A small bounded mapping (most recently used kept)."""

    def __init__(self, maxsize: int = 512):
        super().__init__()
        self.maxsize = maxsize

    def get(self, key, default=None):  # type: ignore[override]
        if key in self:
            self.move_to_end(key)
            return self[key]
        return default

    def put(self, key, value) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.maxsize:
            self.popitem(last=False)


async def remember(bot: Any, kind: str, payload: dict, result: Any) -> str:
    """Store what is needed to rebuild `result` and return the key for custom_ids."""
    key = await asyncio.to_thread(bot.answer_cache.put, kind, payload)
    bot.answers.put(key, result)
    return key


async def lookup(bot: Any, key: str) -> tuple[str, dict] | None:
    return await asyncio.to_thread(bot.answer_cache.get, key)


async def recall(bot: Any, key: str) -> Answer | CounterResult | None:
    """The result behind a key: from memory, else recomputed with the core (None if unknown)."""
    result = bot.answers.get(key)
    if result is not None:
        return result
    entry = await lookup(bot, key)
    if entry is None:
        return None
    kind, payload = entry
    if kind == "ask":
        result = await bot.run_core(
            bot.service.ask, payload["q"], lang=payload.get("lang"), history=tuple(payload.get("history") or ())
        )
    elif kind == "counter":
        result = await bot.run_core(bot.service.counter, payload["claim"], lang=payload.get("lang"))
    else:
        return None
    bot.answers.put(key, result)
    return result


async def make_ref(bot: Any, value: str) -> str:
    """A custom_id-safe reference to an id: the id itself when short and plain, else a cache key."""
    if SAFE_REF.match(value):
        return value
    key = await asyncio.to_thread(bot.answer_cache.put, "ref", {"value": value})
    return "~" + key


async def resolve_ref(bot: Any, ref: str) -> str | None:
    if not ref.startswith("~"):
        return ref
    entry = await lookup(bot, ref[1:])
    if entry is None or entry[0] != "ref":
        return None
    return entry[1].get("value")
