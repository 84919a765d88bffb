"""Polling watcher for the knowledge folder: tells when its files changed and settled.

No threads, no inotify: the caller polls `changed()` at its own pace (the bot every
`knowledge.watch_interval_s` seconds) and re-syncs when it returns True.
"""

from __future__ import annotations

from pathlib import Path

Snapshot = dict[str, tuple[int, int]]  # relative posix path -> (mtime_ns, size)

WATCHED_SUFFIXES: tuple[str, ...] = (".md", ".txt", ".yaml")
SETTLE_S = 0.5  # a change seen once is looked at again this soon, not a whole polling interval later


class KnowledgeWatcher:
    """Detects added, modified and removed knowledge files.

    Debounced: a change is reported only once the folder looks the same on two polls in a
    row, so a file being written (or an editor saving several files) triggers one sync,
    after it is complete.
    """

    def __init__(self, folder: Path | str, suffixes: tuple[str, ...] = WATCHED_SUFFIXES):
        self.folder = Path(folder)
        self.suffixes = tuple(s.lower() for s in suffixes)
        self._baseline: Snapshot | None = None  # the state last reported (or first seen)
        self._pending: Snapshot | None = None  # a new state seen once, waiting to settle

    def snapshot(self) -> Snapshot:
        """Current state of the watched files. A missing folder is an empty snapshot;
        hidden files and folders (editor swap files, .git) are ignored."""
        out: Snapshot = {}
        if not self.folder.is_dir():
            return out
        for path in self.folder.rglob("*"):
            rel = path.relative_to(self.folder)
            if any(part.startswith(".") for part in rel.parts):
                continue
            if path.suffix.lower() not in self.suffixes:
                continue
            try:
                if not path.is_file():
                    continue
                st = path.stat()
            except OSError:  # vanished between listing and stat: it is simply not there
                continue
            out[rel.as_posix()] = (st.st_mtime_ns, st.st_size)
        return out

    @property
    def settling(self) -> bool:
        """A change was seen once and waits for the next poll to confirm it (poll again soon)."""
        return self._pending is not None

    def accept(self) -> None:
        """Take the current state as synced (call after a manual sync)."""
        self._baseline = self.snapshot()
        self._pending = None

    def changed(self) -> bool:
        """True once per settled change since the last reported state.

        The first call only records the baseline and returns False."""
        current = self.snapshot()
        if self._baseline is None:
            self._baseline = current
            return False
        if current == self._baseline:
            self._pending = None  # changed and changed back: nothing to do
            return False
        if current != self._pending:
            self._pending = current  # first sight of this state: wait one more poll
            return False
        self._baseline = current
        self._pending = None
        return True
