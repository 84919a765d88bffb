"""Stance of a sentence (favourable / critical / nuanced), learned from the curated debate maps
plus French/English cue words. Used to build sides for questions no debate map covers."""

from __future__ import annotations

import numpy as np

from bot.core.models import Debate
from bot.core.text import fold

STANCES = ("favorable", "critique", "nuance")

_SIDE_HINTS = {
    "favorable": ("favorable", "pour", "optimis", "oui", "realiste", "justifi", "benef", "opportun", "avantage", "pro"),
    "critique": ("critique", "contre", "risque", "danger", "non", "pessim", "irreal", "inquiet", "dystop", "monopol", "sceptique"),
    "nuance": ("nuanc", "condition", "mitige", "depend", "incertain", "prudent", "equilibr", "mixte"),
}

CUES = {
    "favorable": ("potentiel", "ameliorer", "revolutionner", "opportunite", "avantage", "benefici", "aider", "utiles",
                  "moins susceptible", "gagnant", "accelerer", "alternatives", "plus securisees", "fiables", "progres"),
    "critique": ("critique", "inquietudes", "chomage", "dystopique", "monopole", "inegalites", "accaparer", "insense",
                 "risques et perils", "soupcons", "a la rue", "crise existentielle", "controverses", "n'emballe pas",
                 "accusee", "pouvoir de monopole", "antitrust", "surenchere", "faillite"),
    "nuance": ("mais", "cependant", "a la fois", "compromis", "condition", "defi", "pourrait", "suffisant", "si ",
               "souplesse", "lourde de consequences", "en question", "est-ce vraiment", "jusqu'a quand", "reste"),
}


def side_stance(side_id: str, label: str) -> str | None:
    key = fold(f"{side_id} {label}")
    for stance in STANCES:
        if any(h in key for h in _SIDE_HINTS[stance]):
            return stance
    return None


class StanceModel:
    def __init__(self, debates: list[Debate], embedder):
        self._embedder = embedder
        texts: dict[str, list[str]] = {s: [] for s in STANCES}
        for d in debates:
            for side in d.sides:
                stance = side_stance(side.id, side.label)
                if stance:
                    for a in side.arguments:
                        texts[stance].append(a.text)
                        texts[stance].extend(q.text for q in a.quotes)
        self._centroids = {}
        for stance, items in texts.items():
            if items:
                m = embedder.embed_documents(items).mean(axis=0)
                self._centroids[stance] = m / max(np.linalg.norm(m), 1e-9)

    def scores(self, sentence: str, vector: np.ndarray | None = None) -> dict[str, float]:
        low = fold(sentence)
        v = self._embedder.embed_query(sentence) if vector is None else vector
        out = {}
        for stance in STANCES:
            cue = sum(1 for c in CUES[stance] if c in low)
            dense = float(self._centroids[stance] @ v) if stance in self._centroids else 0.0
            out[stance] = dense + 0.15 * min(cue, 3)
        return out

    def classify(self, sentence: str, vector: np.ndarray | None = None) -> tuple[str, float]:
        s = self.scores(sentence, vector)
        best = max(s, key=s.get)
        return best, s[best]
