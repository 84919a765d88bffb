"""Logging with a filter that masks secrets (tokens, API keys) in every record."""

from __future__ import annotations

import logging
import os
import re
import sys

_SECRET_ENV = re.compile(r"(TOKEN|API_KEY|SECRET|PASSWORD)$", re.I)
# Discord bot tokens and common provider keys, in case one ends up in an exception text.
_PATTERNS = [
    re.compile(r"[MNO][A-Za-z\d_-]{23,27}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,40}"),
    re.compile(r"\bsk-[A-Za-z0-9_-]{16,}"),
    re.compile(r"\bsk-ant-[A-Za-z0-9_-]{16,}"),
    re.compile(r"(?i)(authorization:\s*(bot|bearer)\s+)\S+"),
]
MASK = "[redacted]"


def redact(text: str, env: dict[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    for key, value in env.items():
        if value and len(value) >= 8 and _SECRET_ENV.search(key):
            text = text.replace(value, MASK)
    for pat in _PATTERNS:
        text = pat.sub(lambda m: (m.group(1) if m.groups() and m.group(1) else "") + MASK, text)
    return text


class RedactingFormatter(logging.Formatter):
    """Formats the record (message, exception, stack) and masks secrets in the final text.

    Formatting, not filtering: the record itself is left untouched for other handlers."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def setup_logging(level: str = "INFO") -> None:
    root = logging.getLogger()
    ours = [h for h in root.handlers if isinstance(h.formatter, RedactingFormatter)]
    if not ours:
        handler = logging.StreamHandler()
        handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    for h in ours:  # a second CLI run in the same process (tests, console) logs to the current stderr
        if type(h) is logging.StreamHandler:
            h.setStream(sys.stderr)
    root.setLevel(level)
    for noisy in ("chromadb", "httpx", "urllib3", "discord.gateway"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
