"""Articles parsed before, by content hash (sha256 of the file's bytes and path), kept in one JSON file so a
new process does not parse 5,000 front matters again: a file whose bytes did not change gets its metadata
from here and its body from its own text. It is a cache: a missing or damaged file is ignored."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from bot.core.models import Article

log = logging.getLogger(__name__)
VERSION = 1


@dataclass(frozen=True)
class Parsed:
    article: Article  # body left empty
    body_len: int  # the body is the last body_len characters of the file's text


class ParsedArticles:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._saved: frozenset[str] = frozenset()
        self._entries: dict[str, Parsed] = {}

    def load(self) -> dict[str, Parsed]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("version") != VERSION:
                return {}
            out = {h: Parsed(Article(**{**e["article"], "tags": tuple(e["article"]["tags"])}), int(e["body_len"]))
                   for h, e in data["articles"].items()}
        except FileNotFoundError:
            return {}
        except Exception as exc:  # noqa: BLE001 - damaged: parse the files again
            log.warning("parsed-article cache %s unusable (%s); parsing the files again", self.path, type(exc).__name__)
            return {}
        self._saved, self._entries = frozenset(out), out
        return out

    def save(self, articles: list[Article]) -> dict[str, Parsed]:
        """Record these articles (and only these); writes only when the set changed. Never raises."""
        if frozenset(a.content_hash for a in articles) == self._saved:
            return self._entries
        entries = {a.content_hash: Parsed(replace(a, body=""), len(a.body)) for a in articles}
        data = {"version": VERSION, "articles": {h: {"article": asdict(p.article), "body_len": p.body_len}
                                                 for h, p in entries.items()}}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False)
            os.replace(tmp, self.path)
            self._saved, self._entries = frozenset(entries), entries
        except OSError as exc:
            log.warning("cannot write %s (%s); the next process parses the files again", self.path, exc)
        return entries
