"""Keep serving when the Chroma store fails: report it once, repair it in the background, with backoff.

While the store is unusable (`store.available` is False) search is lexical-only, re-scored in memory
(HybridRetriever._dense). A local store that is deleted or corrupted is rebuilt from the knowledge folder;
a server that is down is retried at growing intervals until it answers.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Literal

log = logging.getLogger(__name__)

Status = Literal["ok", "rebuilding", "unreachable"]


class StoreRecovery:
    def __init__(self, store, resync: Callable[[], object], *, first_delay_s: float = 1.0, max_delay_s: float = 60.0):
        """`resync`: re-syncs the knowledge base (repairs or reconnects the store); raises while it cannot."""
        self.store, self.resync = store, resync
        self.first_delay_s, self.max_delay_s = first_delay_s, max_delay_s
        self.last_error = ""
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def status(self) -> Status:
        if self.store.available:
            return "ok"
        return "unreachable" if self.store.s.chroma_host else "rebuilding"

    def failed(self, exc: BaseException) -> None:
        """A store call failed: switch to lexical-only search and start repairing (once)."""
        with self._lock:
            self.store.available = False
            if self._thread is not None and self._thread.is_alive():
                return
            self.last_error = str(self.store.unreachable(exc))
            log.warning("%s Serving lexical-only search until it is back.", self.last_error)
            self._thread = threading.Thread(target=self._run, name="contrepoint-store-recovery", daemon=True)
            self._thread.start()

    def retry(self, reason: str) -> None:
        """The store works but a sync could not write (another process holds the shared server's ingest
        lock): re-sync in the background, with backoff, until it has written (once; search keeps working)."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self.last_error = reason
            log.info("%s; re-syncing in the background once it is released", reason)
            self._thread = threading.Thread(target=self._run, name="contrepoint-ingest-wait", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        was_down = not self.store.available
        delay = self.first_delay_s
        while not self._stop.is_set():
            try:
                self.resync()
            except Exception as exc:  # noqa: BLE001 - logged in one line; retried
                self.last_error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                # waiting for another process's ingest is expected (it can last hours): not a warning
                level = logging.INFO if getattr(exc, "expected", False) else logging.WARNING
                log.log(level, "%s Retrying in %g s.", self.last_error, delay)
                self._stop.wait(delay)
                delay = min(delay * 2, self.max_delay_s)
                continue
            self.store.available = True
            self.last_error = ""
            if was_down:
                log.info("Chroma store usable again (%s): dense search is back", self.store.where)
            else:
                log.info("knowledge re-synced into %s", self.store.where)
            return

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a running repair to end; True when none is running any more."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return thread is None or not thread.is_alive()

    def close(self) -> None:
        self._stop.set()
        self.wait(5)
