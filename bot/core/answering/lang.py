"""Question language detection (French / English) by function words."""

from __future__ import annotations

from bot.core.models import Lang
from bot.core.retrieval.analysis import raw_words
from bot.core.text import fold

_FR = frozenset(fold(w) for w in "le la les des du de un une est sont que qui quoi quel quelle quels pourquoi comment combien "
                "ce cette ces il elle ils pas pour dans avec sur et ou au aux projet faut penser pensez vous nous "
                "cb ds pr pk bcp qd tt koi kel ki c est-il est-elle a-t-il a-t-elle".split())
_EN = frozenset("the a an is are was were what which who why how much many does did do of to in on and or for with "
                "this that these those it its think should would could invest invested project about".split())


def detect_lang(text: str, default: Lang = "fr") -> Lang:
    fr = en = 0
    for w in raw_words(text):
        f = fold(w)
        fr += f in _FR
        en += f in _EN
    if en > fr:
        return "en"
    if fr > en:
        return "fr"
    return default
