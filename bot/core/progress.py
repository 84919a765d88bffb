"""Progress reporting for long runs (ingest)."""

from __future__ import annotations

import time
from typing import TextIO


class NullProgress:
    def start(self, total: int, label: str) -> None: ...

    def advance(self, n: int = 1) -> None: ...

    def done(self) -> None: ...


class ProgressPrinter(NullProgress):
    """Prints 'embedding 120/5000 (2%) 35.1/s' at most every `interval` seconds, on a TTY or not."""

    def __init__(self, stream: TextIO, interval: float = 1.0):
        self.stream, self.interval = stream, interval
        self.total = self.count = 0
        self.label = ""
        self._t0 = self._last = 0.0

    def start(self, total: int, label: str) -> None:
        self.total, self.count, self.label = total, 0, label
        self._t0 = self._last = time.perf_counter()

    def advance(self, n: int = 1) -> None:
        self.count += n
        now = time.perf_counter()
        if now - self._last >= self.interval:
            self._last = now
            self._print(now)

    def _print(self, now: float) -> None:
        rate = self.count / max(now - self._t0, 1e-9)
        pct = 100 * self.count / max(self.total, 1)
        self.stream.write(f"{self.label} {self.count}/{self.total} articles ({pct:.0f}%) {rate:.1f}/s\n")
        self.stream.flush()

    def done(self) -> None:
        if self.total:
            self._print(time.perf_counter())


class LineProgress(NullProgress):
    """One progress line on stderr while the store is built or re-synced, and only when there is work:
    rewritten in place on a terminal, printed once when done elsewhere (logs stay one line per build)."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.total = self.count = 0
        self.label = ""
        self._tty = bool(getattr(stream, "isatty", lambda: False)())

    def start(self, total: int, label: str) -> None:
        self.total, self.count, self.label = total, 0, label
        if total and self._tty:
            self._write("\r")

    def advance(self, n: int = 1) -> None:
        self.count += n
        if self.total and self._tty:
            self._write("\r")

    def done(self) -> None:
        if self.total:
            self._write("\r" if self._tty else "")
            self.stream.write("\n")
            self.stream.flush()

    def _write(self, prefix: str) -> None:
        self.stream.write(f"{prefix}[store] {self.label} {self.count}/{self.total} articles")
        self.stream.flush()
