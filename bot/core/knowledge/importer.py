"""`contrepoint knowledge add SOURCE`: one article file (front matter + verbatim text) from a local
.html/.pdf/.md/.txt file or an http(s) URL."""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.knowledge import extract
from bot.core.knowledge.articles import ArticleError, load_articles, parse_article, slugify, split_front_matter
from bot.core.knowledge.curated import _rel
from bot.core.knowledge.extract import Extracted, ExtractError
from bot.core.knowledge.fetch import FetchError, fetch
from bot.core.knowledge.near_duplicates import NEAR_DUPLICATE_MIN, canonical_url, containment, shingles
from bot.core.models import Article

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
TEXT_SUFFIXES = (".md", ".markdown", ".txt")
SLUG_MAX = 60
TITLE_MAX = 200
_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
_LANG = re.compile(r"^[a-z]{2,3}$")


class ImportRefused(ValueError):
    """The source is not added: unreadable, empty, a duplicate, bad option. The message says why."""


@dataclass(frozen=True)
class Overrides:
    title: str | None = None
    outlet: str | None = None
    date: str | None = None
    lang: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class FetchLimits:
    timeout_s: float = 20.0
    max_bytes: int = 20_000_000


@dataclass
class Imported:
    path: Path
    source: str  # relative path, as in `knowledge check`
    article_id: str
    front_matter: dict = field(default_factory=dict)
    chars: int = 0
    written: bool = True  # False for a dry run

    def describe(self) -> str:
        fm = self.front_matter
        shown = ", ".join(f"{k}: {fm[k]}" for k in ("title", "outlet", "published", "language", "url") if fm.get(k))
        verb = "wrote" if self.written else "would write"
        return f"{verb} {self.source} (id {self.article_id}, {self.chars} characters; {shown})"


def is_url(source: str) -> bool:
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", source.strip()))


def _read_local(path: Path) -> Extracted:
    if not path.is_file():
        raise ImportRefused(f"{path}: no such file")
    suffix = path.suffix.lower()
    data = path.read_bytes()
    if suffix in HTML_SUFFIXES:
        return extract.from_html(data)
    if suffix == ".pdf":
        return extract.from_pdf(data)
    if suffix in TEXT_SUFFIXES:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportRefused(f"{path}: not UTF-8 (invalid byte at offset {exc.start}); re-save it as UTF-8") from None
        return _from_text_file(text)
    raise ImportRefused(f"{path}: unsupported file type {suffix or '(none)'}; use .html, .pdf, .md or .txt")


def _from_text_file(text: str) -> Extracted:
    """Plain text or Markdown as is; an existing front matter gives the metadata."""
    try:
        meta, body = split_front_matter(text)
    except ArticleError as exc:
        raise ImportRefused(str(exc)) from None
    doc = extract.from_text(body)
    meta = meta or {}
    return Extracted(text=doc.text, title=_meta_str(meta, "title"), outlet=_meta_str(meta, "outlet"),
                     published=extract.normalise_date(meta.get("published")), url=_meta_str(meta, "url"))


def _meta_str(meta: dict, key: str) -> str | None:
    value = meta.get(key)
    return str(value).strip() or None if value is not None else None


def load_source(source: str, limits: FetchLimits = FetchLimits()) -> Extracted:
    """Text and metadata of a URL or a local file. Raises ImportRefused."""
    try:
        if is_url(source):
            got = fetch(source, timeout_s=limits.timeout_s, max_bytes=limits.max_bytes)
            if got.kind == "html":
                doc = extract.from_html(got.data, url=got.final_url, charset=got.charset)
            elif got.kind == "pdf":
                doc = extract.from_pdf(got.data)
            else:
                doc = _from_text_file(got.data.decode(got.charset or "utf-8", errors="replace"))
            return Extracted(text=doc.text, title=doc.title, published=doc.published,
                             outlet=doc.outlet or extract.host_of(got.final_url), url=doc.url or got.final_url)
        return _read_local(Path(source).expanduser())
    except FetchError as exc:  # its message names the URL
        raise ImportRefused(str(exc)) from None
    except ExtractError as exc:
        raise ImportRefused(f"{source}: {exc}") from None


def _first_line_title(text: str) -> str | None:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line if len(line) <= 120 else None
    return None


def front_matter(doc: Extracted, overrides: Overrides, fallback_title: str) -> dict:
    title = overrides.title or doc.title or _first_line_title(doc.text) or fallback_title
    title = " ".join(title.split())[:TITLE_MAX]
    date = overrides.date or doc.published
    if date and not _DATE.match(date):
        raise ImportRefused(f"--date {date!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    lang = (overrides.lang or extract.detect_language(doc.text)).lower()
    if not _LANG.match(lang):
        raise ImportRefused(f"--lang {lang!r}: use a two-letter language code such as fr or en")
    meta = {"title": title, "language": lang, "outlet": overrides.outlet or doc.outlet, "published": date,
            "url": doc.url, "tags": list(overrides.tags) or None}
    return {k: v for k, v in meta.items() if v}


def _refuse_known_url(url: str | None, existing: list[Article]) -> None:
    key = canonical_url(url)
    for art in existing:
        if key and canonical_url(art.url) == key:
            raise ImportRefused(f"already in the knowledge base: {art.source} has the same URL ({art.url}); nothing written")


def _refuse_duplicates(doc: Extracted, title: str, existing: list[Article]) -> None:
    _refuse_known_url(doc.url, existing)
    mine = shingles(doc.text)
    for art in existing:
        if art.title.strip().casefold() == title.casefold():
            raise ImportRefused(f"{art.source} already has the title {title!r}; if it is another article, give it one with --title")
        share = containment(mine, shingles(art.body))
        if share >= NEAR_DUPLICATE_MIN:
            raise ImportRefused(f"near-identical to {art.source} ({share:.0%} of the shorter text's 5-word sequences are shared); "
                                "nothing written. Edit that file instead if this version is better")


def _slug(title: str, doc: Extracted, articles_dir: Path, taken: set[str]) -> str:
    base = slugify(title)[:SLUG_MAX].strip("-") or "article"
    if base not in taken and not (articles_dir / f"{base}.md").exists():
        return base
    digest = hashlib.sha1((canonical_url(doc.url) or doc.text).encode("utf-8")).hexdigest()[:6]
    return f"{base[:SLUG_MAX - 7].strip('-')}-{digest}"


def render_article(meta: dict, text: str) -> str:
    """Front matter in the style of the hand-written articles (one `key: "value"` line each), then the text."""
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()]  # JSON is valid YAML
    return "---\n" + "\n".join(lines) + "\n---\n" + text + "\n"


def add_article(source: str, knowledge_dir: Path, root: Path, *, overrides: Overrides = Overrides(),
                limits: FetchLimits = FetchLimits(), dry_run: bool = False) -> Imported:
    """Import one source into `knowledge_dir/articles/`. Raises ImportRefused (nothing written)."""
    existing = load_articles(knowledge_dir, root).articles
    if is_url(source):
        _refuse_known_url(source, existing)  # before downloading anything
    doc = load_source(source, limits)
    fallback = Path(source).stem if not is_url(source) else (extract.host_of(source) or "article")
    meta = front_matter(doc, overrides, fallback)
    _refuse_duplicates(doc, meta["title"], existing)
    articles_dir = knowledge_dir / "articles"
    taken = {a.id for a in existing}
    slug = _slug(meta["title"], doc, articles_dir, taken)
    meta = {"id": slug, **meta}
    content = render_article(meta, doc.text)
    path = articles_dir / f"{slug}.md"
    rel = _rel(path, root)
    try:
        parse_article(path, content.encode("utf-8"), rel)  # what is written must load
    except ArticleError as exc:  # pragma: no cover - a bug here, not bad input
        raise ImportRefused(f"{source}: the article file would not load ({exc})") from None
    if not dry_run:
        articles_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")  # hidden: neither loaded nor watched while written
        tmp.write_text(content, encoding="utf-8")
        os.replace(tmp, path)
    return Imported(path=path, source=rel, article_id=slug, front_matter=meta, chars=len(doc.text), written=not dry_run)
