"""Checks shared by the `ask` tests: verbatim citations, consistent [n] markers, language framing, neutrality.

Plain functions (no fixtures) so each test states which checks it runs.
"""

from __future__ import annotations

import copy
import re

from bot.core.models import Answer, Citation

MARKER = re.compile(r"\[(\d+)\]")

# Words the composer itself writes, per language and kind (bot/core/answering/render.py and extractive.py).
FRAMING = {
    "fr": {
        "debate": "**Question débattue.**",
        "factual": "**Réponse factuelle**",
        "no_answer": "Aucune source de la base ne couvre cette question",
    },
    "en": {
        "debate": "**This question is debated.**",
        "factual": "**Factual answer**",
        "no_answer": "No source in the knowledge base covers this question",
    },
}
EXCERPT_PREFIX = {"fr": "Selon « ", "en": "According to “"}

# First-person opinions: Contrepoint presents sides, it never takes one.
OPINION = re.compile(
    r"\b(je pense|je crois|à mon avis|selon moi|personnellement|j'estime|nous pensons|je suis d'accord|"
    r"i think|i believe|in my opinion|personally|we believe|i agree|the right answer is|la bonne réponse est)\b",
    re.IGNORECASE,
)


def assert_citations_verbatim(service, citations: list[Citation]) -> None:
    """Every quote is exactly article.body[start:end] of a known article, with its real title and source."""
    for c in citations:
        article = service.article(c.article_id)
        assert article is not None, f"[{c.id}] cites an unknown article {c.article_id!r}"
        assert 0 <= c.start < c.end <= len(article.body), f"[{c.id}] span {c.start}:{c.end} outside {c.article_id}"
        assert c.quote == article.body[c.start:c.end], f"[{c.id}] is not verbatim: {c.quote[:80]!r}"
        assert c.title == article.title and c.source == article.source
        assert c.source.startswith("knowledge/articles/")


def assert_markers_consistent(answer: Answer) -> None:
    """Ids are 1..n; every [n] and every point citation refers to a citation; no citation is orphaned."""
    ids = [c.id for c in answer.citations]
    assert ids == list(range(1, len(ids) + 1)), ids
    known = set(ids)
    in_text = {int(m) for m in MARKER.findall(answer.answer_markdown)}
    assert in_text <= known, f"markers {sorted(in_text - known)} have no citation"
    in_points = {i for s in answer.sides for p in s.points for i in p.citations}
    assert in_points <= known, f"points cite {sorted(in_points - known)} that do not exist"
    assert in_points == known, f"citations {sorted(known - in_points)} are cited by no point"
    for s in answer.sides:
        for p in s.points:
            assert "".join(f"[{i}]" for i in p.citations) in answer.answer_markdown


def assert_sides_not_empty(answer: Answer) -> None:
    for s in answer.sides:
        assert s.label.strip(), "a side has no label"
        assert s.points, f"side {s.label!r} is empty"
        for p in s.points:
            assert p.text.strip(), f"empty point in {s.label!r}"
            assert p.citations, f"uncited point in {s.label!r}: {p.text[:60]!r}"


def assert_framing(answer: Answer, lang: str) -> None:
    """The composer's own words are in the question's language, and only in it."""
    assert answer.lang == lang, (answer.lang, answer.question)
    other = "en" if lang == "fr" else "fr"
    assert FRAMING[lang][answer.kind] in answer.answer_markdown, answer.answer_markdown[:200]
    for kind in FRAMING[other]:
        assert FRAMING[other][kind] not in answer.answer_markdown
    for s in answer.sides:
        for p in s.points:
            assert not p.text.startswith(EXCERPT_PREFIX[other]), p.text[:60]


def authored_text(answer: Answer) -> str:
    """What Contrepoint says in its own words: intro, labels and summaries; not the article excerpts or quotes."""
    md = answer.answer_markdown
    for s in answer.sides:
        for p in s.points:
            if p.text.startswith(EXCERPT_PREFIX[answer.lang]):
                md = md.replace(p.text, " ")
    from bot.core.quotes import nest

    for c in answer.citations:
        md = md.replace(c.quote, " ").replace(nest(c.quote, answer.lang), " ")  # rendered with nested marks
    return md


def assert_takes_no_side(answer: Answer) -> None:
    found = OPINION.search(authored_text(answer))
    assert found is None, f"the answer gives an opinion: {found.group(0)!r}"


def assert_well_formed(service, answer: Answer, lang: str) -> None:
    """All structural checks of an answer."""
    assert_citations_verbatim(service, answer.citations)
    assert_markers_consistent(answer)
    assert_sides_not_empty(answer)
    assert_framing(answer, lang)
    assert_takes_no_side(answer)
    if answer.kind == "no_answer":
        assert answer.citations == [] and answer.sides == []
        assert not MARKER.search(answer.answer_markdown)
    else:
        assert answer.citations and answer.grounded


_ANSWERS: dict[tuple, Answer] = {}


def ask_once(service, question: str, lang: str | None = None) -> Answer:
    """`service.ask`, memoised per service and knowledge generation (tests share the session service).
    Returns a deep copy: a test may alter its answer without affecting the others."""
    key = (id(service), service.kb.generation, question, lang)
    if key not in _ANSWERS:
        _ANSWERS[key] = service.ask(question, lang=lang)
    return copy.deepcopy(_ANSWERS[key])
