"""Plain data types shared by the core, the CLI, the console and the Discord layer.

Nothing here imports discord, chromadb or langchain.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Lang = Literal["fr", "en"]
AnswerKind = Literal["debate", "factual", "no_answer"]
AnswerMode = Literal["extractive", "llm", "fallback"]


@dataclass(frozen=True)
class Article:
    """One knowledge file. `body` is the verbatim article text (front matter removed)."""

    id: str
    title: str
    body: str
    source: str  # path relative to the project root, e.g. knowledge/articles/x.md
    language: str = "fr"
    outlet: str | None = None
    published: str | None = None
    tags: tuple[str, ...] = ()
    content_hash: str = ""
    url: str | None = None  # where the article was imported from (`knowledge add`)


@dataclass(frozen=True)
class Chunk:
    """A passage of an article: `text == article.body[start:end]`."""

    id: str
    article_id: str
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Passage:
    """A retrieval result."""

    rank: int
    score: float
    article_id: str
    title: str
    source: str
    text: str
    start: int
    end: int
    chunk_id: str = ""

    def to_json(self) -> dict:
        return {
            "rank": self.rank,
            "score": round(float(self.score), 6),
            "article_id": self.article_id,
            "title": self.title,
            "source": self.source,
            "text": self.text,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True)
class Quote:
    """A verbatim quote of an article, located by offsets."""

    article_id: str
    text: str
    start: int = -1
    end: int = -1


@dataclass(frozen=True)
class Argument:
    id: str
    text: str  # the claim, one sentence, written by maintainers (French)
    quotes: tuple[Quote, ...]
    text_en: str = ""


STANCES = ("favorable", "critique", "nuance")  # a debate side's stance (debates.yaml `stance:`)


@dataclass(frozen=True)
class DebateSide:
    id: str
    label: str  # <= 55 chars (poll answer)
    label_en: str
    arguments: tuple[Argument, ...]
    summary: str = ""
    summary_en: str = ""
    stance: str = ""  # one of STANCES, set in debates.yaml


@dataclass(frozen=True)
class Debate:
    id: str
    question: str
    question_en: str
    sides: tuple[DebateSide, ...]
    aliases: tuple[str, ...] = ()  # other phrasings used for routing / autocomplete
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fact:
    id: str
    text: str
    text_en: str
    quote: Quote
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Citation:
    id: int  # 1-based, as in [1]
    article_id: str
    title: str
    source: str
    quote: str  # == article.body[start:end]
    start: int
    end: int

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Point:
    text: str
    citations: list[int] = field(default_factory=list)


@dataclass
class Side:
    label: str
    points: list[Point] = field(default_factory=list)
    side_id: str = ""  # DebateSide.id when it comes from a debate map


@dataclass
class Answer:
    question: str
    kind: AnswerKind
    lang: Lang
    answer_markdown: str
    sides: list[Side]
    citations: list[Citation]
    grounded: bool
    mode: AnswerMode
    debate_id: str | None = None
    notice: str = ""  # e.g. "les sources divergent", fallback reason (never secrets)
    reason_code: str | None = None  # why it is not a plain answer: not_covered, premise_name, … (texts: bot/core/messages/answers.py)
    premise: str | None = None  # "contradicted" when the question's premise conflicts with a cited source
    question_lang: str | None = None  # ISO code of the question when it is neither French nor English
    article_ref: str | None = None  # id of the article the question refers to ("in the piece about …")
    # mode == "fallback": why the LLM draft was not used (timeout, error, rate_limited, malformed,
    # ungrounded, config, circuit_open); the answer is the extractive one (messages.fallback_text)
    fallback_reason: str | None = None

    def to_json(self) -> dict:
        extra = {k: v for k, v in (("reason_code", self.reason_code), ("premise", self.premise),
                                   ("question_lang", self.question_lang), ("article_ref", self.article_ref),
                                   ("fallback_reason", self.fallback_reason)) if v}
        return {
            "question": self.question,
            "kind": self.kind,
            "answer_markdown": self.answer_markdown,
            "sides": [
                {"label": s.label, "points": [{"text": p.text, "citations": list(p.citations)} for p in s.points]}
                for s in self.sides
            ],
            "citations": [c.to_json() for c in self.citations],
            "grounded": self.grounded,
            "mode": self.mode,
            **extra,
        }


@dataclass
class FactResult:
    fact: Fact
    lang: Lang
    text: str  # fact sentence in the requested language
    citation: Citation


@dataclass
class CounterResult:
    """Reply to /counter: the side closest to the claim and the strongest other sides."""

    claim: str
    lang: Lang
    debate: Debate | None
    matched_side: DebateSide | None
    others: list[Side]
    citations: list[Citation]
    answer_markdown: str


@dataclass
class SyncReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    chunks: int = 0
    embedded: int = 0
    seconds: float = 0.0
    rebuilt: bool = False
    problems: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # invalid files whose last good version is still served
    waiting_for: str = ""  # shared server: the process holding the ingest lock; nothing was written

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.rebuilt)

    def summary(self) -> str:
        return (
            f"added={self.added} updated={self.updated} removed={self.removed} "
            f"unchanged={self.unchanged} chunks={self.chunks} embedded={self.embedded} "
            f"seconds={self.seconds:.2f}"
            + (f" kept={len(self.kept)} (invalid: {', '.join(self.kept)})" if self.kept else "")
            + (f" waiting-for-ingest-lock={self.waiting_for}" if self.waiting_for else "")
        )
