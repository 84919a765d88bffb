"""Question language: a character n-gram language identifier (`py3langid`) with a prior for the
community's language. Replies are in French or English; other languages get English, said so."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from bot.core.models import Lang

# Languages the identifier chooses among: the reply languages plus the community's likely others.
CANDIDATES = ("fr", "en", "es", "de", "it", "pt", "nl")
# Below this posterior the configured default language wins (short chat lines are ambiguous).
MIN_CONFIDENCE = 0.6
# Languages whose spelling capitalises every noun: there, a capital says nothing about a name ("Gründer").
NOUNS_CAPITALISED = frozenset({"de", "lb"})
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_identifier = None
_lock = threading.Lock()


@dataclass(frozen=True)
class Detected:
    code: str  # ISO 639-1 of the question
    reply: Lang  # language of the answer
    confidence: float


def _get_identifier():
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import _load_identifier

            _identifier = _load_identifier(norm_probs=True, langs=list(CANDIDATES))
        return _identifier


def detect(text: str, default: Lang = "fr", *, is_name=None) -> Detected:
    """`is_name(word)`: True for names the corpus knows ("Anthropic", "Amazon"): they say nothing about
    the language and are left out. The default language gets half the prior mass."""
    words = [w for w in _WORD.findall(text) if not (is_name and is_name(w))]
    if not words:
        return Detected(default, default, 0.0)
    ranked = dict(_get_identifier().rank(" ".join(words)))
    rest = (1.0 - 0.5) / (len(CANDIDATES) - 1)
    posterior = {code: ranked.get(code, 0.0) * (0.5 if code == default else rest * (3 if code in ("fr", "en") else 1))
                 for code in CANDIDATES}
    total = sum(posterior.values()) or 1.0
    code = max(posterior, key=posterior.get)
    conf = posterior[code] / total
    if conf < MIN_CONFIDENCE:
        return Detected(default, default, conf)
    reply: Lang = code if code in ("fr", "en") else "en"  # type: ignore[assignment]
    return Detected(code, reply, conf)


def detect_lang(text: str, default: Lang = "fr", *, is_name=None) -> Lang:
    return detect(text, default, is_name=is_name).reply
