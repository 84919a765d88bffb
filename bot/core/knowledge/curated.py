"""Maintainer-curated YAML: debate maps (debates.yaml) and facts (facts.yaml).

Every quote must be an exact substring of its article; entries that fail are reported
and skipped, never blocking the valid ones.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.core.knowledge.problems import Problem
from bot.core.models import STANCES, Argument, Article, Debate, DebateSide, Fact, Quote
from bot.core.text import utf16_len
from bot.core.yaml_load import safe_load

MAX_LABEL = 55  # Discord's limit for a poll answer (a side label becomes one), in UTF-16 code units
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class EntryError(ValueError):
    pass


def _read_yaml(path: Path, key: str, root: Path) -> tuple[list, list[Problem]]:
    rel = _rel(path, root)
    if not path.exists():
        return [], []
    try:
        data = safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return [], [Problem(rel, "not UTF-8; re-save the file as UTF-8")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        return [], [Problem(rel, f"invalid YAML{where}: {getattr(exc, 'problem', exc)}")]
    if data is None:
        return [], []
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        return [], [Problem(rel, f"expected a top-level '{key}:' list")]
    return data[key], []


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _text(entry: dict, key: str, where: str, required: bool = True) -> str:
    value = entry.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise EntryError(f"{where}: missing '{key}'")
        return ""
    if not isinstance(value, str):
        raise EntryError(f"{where}: '{key}' must be text")
    return value.strip()


def locate_quote(raw: object, articles: dict[str, Article], where: str) -> Quote:
    if raw is None:
        raise EntryError(f"{where}: no source: add quote: {{article: <article id>, text: \"<a sentence copied verbatim from it>\"}}")
    if not isinstance(raw, dict):
        raise EntryError(f"{where}: a quote needs 'article' and 'text'")
    art_id = raw.get("article")
    text = raw.get("text")
    if art_id not in articles:
        raise EntryError(f"{where}: unknown article {art_id!r} (known: {', '.join(sorted(articles))})")
    if not isinstance(text, str) or not text:
        raise EntryError(f"{where}: quote 'text' is empty")
    start = articles[art_id].body.find(text)
    if start < 0:
        from bot.core.knowledge.lint import quote_hint

        raise EntryError(f"{where}: quote is not an exact substring of {art_id!r}: {text[:80]!r}… (copy it verbatim, apostrophes and spaces "
                         f"included); {quote_hint(articles[art_id].body, text)}")
    return Quote(article_id=art_id, text=text, start=start, end=start + len(text))


def _check_id(value: object, where: str, seen: set[str]) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise EntryError(f"{where}: invalid id {value!r} (lowercase letters, digits, '-' or '_')")
    if value in seen:
        raise EntryError(f"{where}: duplicate id {value!r}")
    seen.add(value)
    return value


def _parse_debate(raw: object, articles: dict[str, Article], seen: set[str]) -> Debate:
    if not isinstance(raw, dict):
        raise EntryError("a debate must be a mapping")
    did = _check_id(raw.get("id"), f"debate {raw.get('id')!r}", seen)
    where = f"debate {did!r}"
    question = _text(raw, "question", where)
    sides_raw = raw.get("sides")
    if not isinstance(sides_raw, list) or not 2 <= len(sides_raw) <= 10:
        raise EntryError(f"{where}: needs a 'sides' list of 2 to 10 sides (a poll has at most 10 answers)")
    sides, side_ids, arg_ids = [], set(), set()
    for s in sides_raw:
        if not isinstance(s, dict):
            raise EntryError(f"{where}: each side must be a mapping")
        sid = _check_id(s.get("id"), f"{where} side {s.get('id')!r}", side_ids)
        swhere = f"{where} side {sid!r}"
        label = _text(s, "label", swhere)
        label_en = _text(s, "label_en", swhere, required=False) or label
        for name, lab in (("label", label), ("label_en", label_en)):
            if utf16_len(lab) > MAX_LABEL:
                raise EntryError(f"{swhere}: {name} is {utf16_len(lab)} characters (emoji count 2), Discord's limit for a poll answer "
                                 f"is {MAX_LABEL}: shorten it by {utf16_len(lab) - MAX_LABEL}")
        stance = s.get("stance")
        if stance not in STANCES:
            raise EntryError(f"{swhere}: " + (f"unknown stance {stance!r}" if stance is not None else "missing 'stance'")
                             + f" (one of: {', '.join(STANCES)})")
        args_raw = s.get("arguments")
        if not isinstance(args_raw, list) or not args_raw:
            raise EntryError(f"{swhere}: every side needs at least one argument")
        args = []
        for a in args_raw:
            if not isinstance(a, dict):
                raise EntryError(f"{swhere}: each argument must be a mapping")
            aid = _check_id(a.get("id"), f"{swhere} argument {a.get('id')!r}", arg_ids)
            awhere = f"{swhere} argument {aid!r}"
            quotes_raw = a.get("quotes")
            if not isinstance(quotes_raw, list) or not quotes_raw:
                raise EntryError(f"{awhere}: needs at least one verbatim quote")
            quotes = tuple(locate_quote(q, articles, awhere) for q in quotes_raw)
            args.append(Argument(id=aid, text=_text(a, "text", awhere), text_en=_text(a, "text_en", awhere, required=False), quotes=quotes))
        sides.append(DebateSide(id=sid, label=label, label_en=label_en, arguments=tuple(args),
                                summary=_text(s, "summary", swhere, required=False), summary_en=_text(s, "summary_en", swhere, required=False), stance=stance))
    return Debate(id=did, question=question, question_en=_text(raw, "question_en", where, required=False) or question,
                  sides=tuple(sides), aliases=tuple(str(x) for x in raw.get("aliases") or ()), tags=tuple(str(x) for x in raw.get("tags") or ()))


def load_debates(path: Path, articles: dict[str, Article], root: Path) -> tuple[list[Debate], list[Problem]]:
    entries, problems = _read_yaml(path, "debates", root)
    rel = _rel(path, root)
    out, seen = [], set()
    for i, raw in enumerate(entries, 1):
        try:
            out.append(_parse_debate(raw, articles, seen))
        except EntryError as exc:
            problems.append(Problem(rel, f"entry {i}: {exc}"))
    return out, problems


def load_facts(path: Path, articles: dict[str, Article], root: Path) -> tuple[list[Fact], list[Problem]]:
    entries, problems = _read_yaml(path, "facts", root)
    rel = _rel(path, root)
    out, seen = [], set()
    for i, raw in enumerate(entries, 1):
        try:
            if not isinstance(raw, dict):
                raise EntryError("a fact must be a mapping")
            fid = _check_id(raw.get("id"), f"fact {raw.get('id')!r}", seen)
            where = f"fact {fid!r}"
            out.append(Fact(id=fid, text=_text(raw, "text", where), text_en=_text(raw, "text_en", where, required=False) or _text(raw, "text", where),
                            quote=locate_quote(raw.get("quote"), articles, where), topics=tuple(str(t) for t in raw.get("topics") or ())))
        except EntryError as exc:
            problems.append(Problem(rel, f"entry {i}: {exc}"))
    return out, problems
