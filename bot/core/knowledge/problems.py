from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """A bad knowledge file (or entry): where, and what to do about it."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class KnowledgeFolderError(ValueError):
    """The knowledge folder is missing or empty while the store holds articles (or nothing exists at all):
    syncing would empty the store, so nothing is removed and nothing is created."""

    def __init__(self, folder, held: int):
        self.folder, self.held = folder, held
        state = "is missing" if not folder.is_dir() else "has no article"
        what = f"the store holds {held} article(s); nothing was removed" if held else "nothing to serve"
        super().__init__(f"knowledge folder {folder} {state} ({what}). Run from the project root, pass --root DIR, "
                         "or set knowledge.dir in config.yaml; to remove every article, run `contrepoint ingest --rebuild`.")
