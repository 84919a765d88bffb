"""The ingest lock of a shared Chroma server: of several bot processes (shards, hosts) that use one server,
one writes (ingest, reconcile, deletions) and the others read.

The lock is a record in a small collection of the same server (`<prefix>-locks`, one record per collection),
so every process that can reach the store sees it; nothing else has to be shared. Chroma has no
compare-and-swap, but `add` keeps the first record of an id and `delete(where=...)` removes a record only
while it still has that owner: a process writes its record, reads it back, and holds the lock only if the
record is its own. The record expires unless renewed (`ttl_s`, renewed after every group of articles), so a
crashed holder blocks the others for at most `ttl_s`. Expiry compares wall clocks: keep the hosts on NTP.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.retrieval.store import StoreError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LockHolder:
    owner: str  # host:pid:random
    expires_at: float  # wall-clock seconds

    def describe(self, now: float) -> str:
        return f"{self.owner} (for {max(0.0, self.expires_at - now):.0f} s more unless renewed)"


def locked_message(where: str, holder: str, outcome: str) -> str:
    """The one-line error of a command refused while another process holds the lock."""
    return f"Another process holds the ingest lock of the Chroma server at {where}: {holder}. {outcome}; run again when it is done."


def held_locks(locks, now: float) -> dict[str, LockHolder]:
    """Collection name -> the process holding its ingest lock, for every lock of a server that has not
    expired (`locks`: the server's locks collection)."""
    got = locks.get(include=["metadatas"])
    holders = {name: LockHolder(str((meta or {}).get("owner", "?")), float((meta or {}).get("expires_at", 0.0)))
               for name, meta in zip(got["ids"], got["metadatas"])}
    return {name: h for name, h in sorted(holders.items()) if h.expires_at > now}


def new_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class IngestLock:
    def __init__(self, collection: Callable[[], object], name: str, *, ttl_s: float = 300.0,
                 owner: str | None = None, clock: Callable[[], float] = time.time):
        """`collection()`: the locks collection (created on first use); `name`: what is locked."""
        self._collection = collection
        self.name, self.ttl_s = name, ttl_s
        self.owner = owner or new_owner()
        self.clock = clock
        self.held = False
        self.blocked_by: LockHolder | None = None  # who held it at the last refused acquire()

    def holder(self) -> LockHolder | None:
        got = self._collection().get(ids=[self.name], include=["metadatas"])
        if not got["ids"]:
            return None
        meta = got["metadatas"][0] or {}
        return LockHolder(str(meta.get("owner", "?")), float(meta.get("expires_at", 0.0)))

    def acquire(self) -> LockHolder | None:
        """Take the lock if it is free, expired or already ours. Returns None when held by this process,
        else who holds it."""
        col = self._collection()
        current = self.holder()
        now = self.clock()
        if current is not None and current.owner != self.owner and current.expires_at > now:
            self.blocked_by = current
            return current
        if current is not None and current.owner == self.owner:
            self.held = True
            self.renew()
            return None
        if current is not None:  # expired: remove that record only, if it is still that one
            col.delete(ids=[self.name], where={"owner": current.owner})
            log.warning("ingest lock %s of %s expired; taking it over", self.name, current.owner)
        col.add(ids=[self.name], embeddings=[[1.0]], documents=["contrepoint ingest lock"],
                metadatas=[{"owner": self.owner, "expires_at": now + self.ttl_s}])
        winner = self.holder()
        self.held = winner is not None and winner.owner == self.owner
        if self.held:
            self.blocked_by = None
        else:  # another owner, or the record vanished meanwhile (removed by someone): not ours either way
            self.blocked_by = winner or LockHolder("unknown (the lock record was removed meanwhile)", now)
        return self.blocked_by

    def renew(self) -> None:
        """Push the expiry back while a long ingest runs. Raises LockLost when another process took it."""
        if not self.held:
            return
        current = self.holder()
        if current is None or current.owner != self.owner:
            self.held = False
            taker = current.owner if current else "nobody (it was removed)"
            raise LockLost(f"the ingest lock {self.name} was taken over by {taker}; stopping this ingest")
        # in place, not delete + add: no moment where the lock is free
        self._collection().update(ids=[self.name], metadatas=[{"owner": self.owner, "expires_at": self.clock() + self.ttl_s}])

    def release(self) -> None:
        if self.held:
            try:
                self._collection().delete(ids=[self.name], where={"owner": self.owner})
            finally:
                self.held = False


class LockLost(StoreError):
    """This process held the ingest lock for too long without renewing it, and another took it."""
