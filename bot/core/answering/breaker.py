"""Circuit breaker for the LLM provider: stop calling a provider that keeps failing, retry it later.

closed: every call goes through; `failures` consecutive failures open the circuit.
open: no call for `cooldown_s`; answers fall back to the extractive composer at once.
half-open: after the cooldown one trial call goes through (others still skip); success closes, failure re-opens.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Literal

log = logging.getLogger(__name__)

State = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    def __init__(self, failures: int, cooldown_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.failures, self.cooldown_s, self._clock = failures, cooldown_s, clock
        self._lock = threading.Lock()
        self._consecutive = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> State:
        with self._lock:
            return self._state()

    def _state(self) -> State:
        if self._opened_at is None:
            return "closed"
        return "half_open" if self._clock() - self._opened_at >= self.cooldown_s else "open"

    def allow(self) -> bool:
        """True when a call may go to the provider now (in half-open, only the one trial call)."""
        with self._lock:
            state = self._state()
            if state == "closed":
                return True
            if state == "half_open" and not self._trial_running:
                self._trial_running = True
                log.info("LLM circuit half-open: trying the provider again")
                return True
            return False

    def record_success(self) -> None:
        with self._lock:
            if self._opened_at is not None:
                log.info("LLM circuit closed: the provider answers again")
            self._consecutive, self._opened_at, self._trial_running = 0, None, False

    def record_failure(self) -> None:
        with self._lock:
            self._consecutive += 1
            trial, self._trial_running = self._trial_running, False
            if trial or (self._opened_at is None and self._consecutive >= self.failures):
                self._opened_at = self._clock()
                log.warning("LLM circuit open after %d consecutive failures: extractive answers for %g s",
                            self._consecutive, self.cooldown_s)
