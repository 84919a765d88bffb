"""Downloading one web page or PDF for `contrepoint knowledge add URL` (standard library only).

Guards: http(s) only, redirects followed only to http(s) (never file:, ftp:, data:), a timeout,
a size limit, and a clear error for HTTP errors and content that is neither a page nor a PDF.
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

USER_AGENT = "Contrepoint/0.1 (knowledge import; +https://github.com/)"
MAX_REDIRECTS = 5
# content type -> kind of document the importer extracts
CONTENT_KINDS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/pdf": "pdf",
    "text/plain": "text",
    "text/markdown": "text",
    "text/x-markdown": "text",
}
_SCHEMES = ("http", "https")


class FetchError(RuntimeError):
    """A download that cannot give an article; the message says why and what to do."""


@dataclass(frozen=True)
class Fetched:
    url: str  # the URL asked for
    final_url: str  # after redirects
    kind: str  # html | pdf | text
    content_type: str
    charset: str | None
    data: bytes


def check_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme.lower() not in _SCHEMES or not parts.netloc:
        raise FetchError(f"{url!r} is not an http(s) URL; give a web address (https://…) or a local file")
    return urllib.parse.urlunsplit(parts)


def _check_redirect(req, newurl: str) -> str:
    target = urllib.parse.urljoin(req.full_url, newurl)
    scheme = urllib.parse.urlsplit(target).scheme.lower()
    if scheme not in _SCHEMES:
        raise FetchError(f"{req.full_url} redirects to a {scheme}: address ({target[:120]}); only http(s) redirects "
                         "are followed. Download the file yourself and add it as a local file")
    return target


class _SafeRedirects(urllib.request.HTTPRedirectHandler):
    """Follows at most MAX_REDIRECTS redirects, to http(s) only (urllib alone would follow ftp:)."""

    max_redirections = MAX_REDIRECTS

    def http_error_302(self, req, fp, code, msg, headers):
        location = headers.get("location") or headers.get("uri")
        if location:
            _check_redirect(req, location)
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return super().redirect_request(req, fp, code, msg, headers, _check_redirect(req, newurl))


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(_SafeRedirects())


def _kind(content_type: str, url: str) -> str:
    kind = CONTENT_KINDS.get(content_type)
    if kind is None:
        shown = content_type or "none given"
        raise FetchError(f"{url} is not a web page, a PDF or plain text (content type: {shown}); "
                         "add an HTML page, a PDF, or save the text to a .txt file")
    return kind


def _read_limited(response, limit: int, url: str) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise FetchError(f"{url} is {int(declared) / 1e6:.1f} MB, more than the {limit / 1e6:.1f} MB limit "
                         "(knowledge.fetch_max_mb); download it yourself and add the file if it really is an article")
    data = response.read(limit + 1)
    if len(data) > limit:
        raise FetchError(f"{url} is larger than the {limit / 1e6:.1f} MB limit (knowledge.fetch_max_mb)")
    return data


def fetch(url: str, *, timeout_s: float = 20.0, max_bytes: int = 20_000_000) -> Fetched:
    """GET `url`. Raises FetchError (never a bare urllib/socket error) on any failure."""
    url = check_url(url)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8"})
    try:
        with _opener().open(request, timeout=timeout_s) as response:
            final_url = response.geturl()
            check_url(final_url)
            content_type = response.headers.get_content_type() if response.headers.get("Content-Type") else ""
            kind = _kind(content_type, final_url)
            data = _read_limited(response, max_bytes, final_url)
            charset = response.headers.get_content_charset()
    except FetchError:
        raise
    except urllib.error.HTTPError as exc:
        hint = "check the address" if 400 <= exc.code < 500 else "the site failed; try again later"
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason} ({hint})") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            raise FetchError(f"{url}: no answer within {timeout_s:g} s (knowledge.fetch_timeout_s)") from None
        raise FetchError(f"{url}: cannot connect ({reason})") from None
    except (socket.timeout, TimeoutError):
        raise FetchError(f"{url}: no answer within {timeout_s:g} s (knowledge.fetch_timeout_s)") from None
    except (OSError, ValueError) as exc:  # reset connection, malformed response
        raise FetchError(f"{url}: download failed ({type(exc).__name__}: {exc})") from None
    if not data.strip():
        raise FetchError(f"{final_url}: the server sent an empty document")
    return Fetched(url=url, final_url=final_url, kind=kind, content_type=content_type, charset=charset, data=data)
