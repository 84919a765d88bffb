"""Near-identical article texts: word-shingle containment (no model, a few ms per article).

Two copies of one article extracted from different pages (another site's boilerplate, a paragraph
more or less, curly or straight apostrophes) share most of their 5-word sequences; two different
articles on the same story share few (measured in bench/import_bench.py, docs/benchmarks.md).
"""

from __future__ import annotations

import urllib.parse

from bot.core.text import words

SHINGLE_WORDS = 5
# Share of the shorter text's shingles also found in the other text, above which they are one article.
# Measured (bench/import_bench.py): copies of an article (re-extracted from HTML, a paragraph dropped,
# cut in half, apostrophes changed) score >= 0.946; the five corpus articles, all on Amazon and Anthropic,
# score <= 0.010 between each other; synthetic rewrites (entity swaps, spliced sentences) <= 0.599.
# Whole-article e5 cosine separates less: 0.924-0.950 for distinct articles against >= 0.981 for copies.
NEAR_DUPLICATE_MIN = 0.8
_TRACKING = ("utm_", "fbclid", "gclid", "xtor", "at_medium", "at_campaign")


def shingles(text: str, n: int = SHINGLE_WORDS) -> frozenset[int]:
    toks = words(text)
    if len(toks) < n:
        return frozenset({hash(tuple(toks))}) if toks else frozenset()
    return frozenset(hash(tuple(toks[i:i + n])) for i in range(len(toks) - n + 1))


def containment(a: frozenset[int], b: frozenset[int]) -> float:
    """|a ∩ b| / min(|a|, |b|): 1.0 when one text is contained in the other."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def canonical_url(url: str | None) -> str | None:
    """Same page, same key: scheme and host lowercased, no 'www.', no fragment, no tracking parameters,
    no trailing slash."""
    if not url:
        return None
    parts = urllib.parse.urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(_TRACKING)]
    path = parts.path.rstrip("/") or "/"
    return urllib.parse.urlunsplit(("https" if parts.scheme in ("http", "https") else parts.scheme, host, path,
                                    urllib.parse.urlencode(query), ""))
