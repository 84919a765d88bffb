"""Article text and metadata out of an HTML page (trafilatura), a PDF (pypdf) or plain text.

The text extracted here becomes the verbatim article body: it is never rewritten afterwards,
only its line breaks are normalised (and PDF lines re-joined into paragraphs).
"""

from __future__ import annotations

import io
import re
import urllib.parse
from dataclasses import dataclass

MIN_TEXT_CHARS = 200  # less than this is a paywall, a cookie wall or a page built by JavaScript
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
_SENTENCE_END = (".", "!", "?", "…", ":", "»", '"', "”")


class ExtractError(ValueError):
    """The source has no usable article text; the message says why."""


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    url: str | None = None  # canonical URL when the page gives one


def host_of(url: str | None) -> str | None:
    if not url:
        return None
    host = urllib.parse.urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def normalise_date(value: object) -> str | None:
    """'2024-03-05T10:00:00+01:00' -> '2024-03-05'; None when it does not start with a year."""
    if value is None:
        return None
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    m = _DATE.match(text.strip())
    return "-".join(g for g in m.groups() if g) if m else None


def detect_language(text: str) -> str:
    """ISO 639-1 code of an article's language (py3langid over its first 5,000 characters)."""
    from py3langid.langid import classify

    code, _ = classify(text[:5000])
    return code


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0\n", "\n")
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def _check_length(text: str, what: str) -> str:
    if len(text) < MIN_TEXT_CHARS:
        raise ExtractError(f"only {len(text)} characters of article text found in {what} (at least {MIN_TEXT_CHARS} needed): "
                           "a paywall, a cookie wall or a page drawn by JavaScript? Save the article text to a .txt file and add that")
    return text


def from_html(data: bytes | str, *, url: str | None = None, charset: str | None = None) -> Extracted:
    """Main text without navigation, footers, cookie banners or comments; title, site name, date."""
    import trafilatura
    from trafilatura.metadata import extract_metadata

    html = data
    if isinstance(data, bytes) and charset:
        try:
            html = data.decode(charset, errors="replace")
        except LookupError:  # unknown charset name: let trafilatura guess
            html = data
    body = trafilatura.extract(html, url=url, include_comments=False, include_tables=True, favor_precision=True,
                               output_format="txt")  # no `deduplicate`: it is a process-wide cache across documents
    text = _check_length(_tidy((body or "").replace("\n", "\n\n")), "the page")
    meta = extract_metadata(html, default_url=url, extensive=False)
    title = sitename = date = canonical = None
    if meta is not None:
        title, sitename, date = (meta.title or "").strip() or None, (meta.sitename or "").strip() or None, meta.date
        canonical = meta.url if (meta.url or "").startswith(("http://", "https://")) else None
    canonical = canonical or url
    netloc = urllib.parse.urlsplit(canonical or "").netloc.lower()
    if sitename and sitename.lower() in (netloc, netloc.removeprefix("www.")):  # trafilatura's fallback: the URL's host
        sitename = None
    return Extracted(text=text, title=title, outlet=sitename or host_of(canonical), published=normalise_date(date), url=canonical)


def reflow_pdf_text(page_texts: list[str]) -> str:
    """Join the layout lines of PDF pages back into paragraphs.

    A line break stays a paragraph break after a sentence end followed by a capital (or a bullet)
    and at blank lines; otherwise the lines are joined with a space, and a word hyphenated at the end
    of a line ("écono-" + "mie") is re-joined."""
    paragraphs: list[str] = []
    current = ""
    for page in page_texts:
        for raw in page.replace("\r", "\n").split("\n"):
            line = " ".join(raw.split())
            if not line:
                if current:
                    paragraphs.append(current)
                current = ""
                continue
            if not current:
                current = line
            elif current.endswith(_SENTENCE_END) and (line[0].isupper() or line[0] in "-•–—«"):
                paragraphs.append(current)
                current = line
            elif current.endswith("-") and len(current) > 1 and current[-2].isalpha() and line[0].islower():
                current = current[:-1] + line
            else:
                current = f"{current} {line}"
        if current.endswith(_SENTENCE_END):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return "\n\n".join(paragraphs)


def from_pdf(data: bytes) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractError("the PDF is password-protected; remove the password first")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except ExtractError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise ExtractError(f"not a readable PDF ({type(exc).__name__}: {exc})") from None
    text = reflow_pdf_text(pages)
    if not text.strip():
        raise ExtractError("the PDF has no text layer (a scan?): run it through OCR, or save its text to a .txt file")
    title = (info.title or "").strip() if info else ""
    created = None
    if info is not None:
        try:
            created = info.creation_date
        except (ValueError, TypeError):  # malformed date string in the PDF
            created = None
    return Extracted(text=_check_length(_tidy(text), "the PDF"), title=title or None, published=normalise_date(created))


def from_text(text: str) -> Extracted:
    return Extracted(text=_check_length(_tidy(text), "the file"))
