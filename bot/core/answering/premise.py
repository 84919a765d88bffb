"""Coverage and premise checks for a factual question, by comparing its names and numbers with the
sentences that answer it best (scored by the embedding model, not by word overlap).

- not covered: no sentence is close enough, or none that is close names what the question names;
- contradicted: the relation asked about is stated, but with another actor than the one the question
  names (a name no article mentions), or with another amount or year;
- answer: the best sentence that names every name of the question the sources know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.core.text import fold

# Scale words of amounts (closed-class number grammar, not topic vocabulary).
_SCALES = {"milliard": 1e9, "milliards": 1e9, "md": 1e9, "mds": 1e9, "mrd": 1e9, "mrds": 1e9, "billion": 1e9,
           "billions": 1e9, "bn": 1e9, "b": 1e9, "million": 1e6, "millions": 1e6, "m": 1e6, "k": 1e3}
_AMOUNT = re.compile(r"(\d+(?:[.,]\d+)?)\s*(milliards?|mds?|mrds?|billions?|bn|b|millions?|m|k)?\b", re.I)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_WORDS = re.compile(r"[^\W\d_][\w-]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class Quantity:
    value: float
    kind: str  # "year" | "amount" | "count"


@dataclass
class Verdict:
    status: str  # answer | not_covered | contradicted
    lead: int | None = None  # index of the answering / contradicting sentence
    names: list[str] = field(default_factory=list)  # names the sources do not mention
    quantities: list[str] = field(default_factory=list)  # the question's amounts/years the sources contradict
    reason: str | None = None  # reason code of a contradiction: premise_name | premise_link | premise_quantity


def quantities(text: str) -> set[Quantity]:
    out: set[Quantity] = set()
    years = {m.start() for m in _YEAR.finditer(text)}
    for m in _YEAR.finditer(text):
        out.add(Quantity(float(m.group(1)), "year"))
    for m in _AMOUNT.finditer(text):
        if m.start() in years:
            continue
        value = float(m.group(1).replace(",", "."))
        scale = (m.group(2) or "").lower()
        if scale:
            out.add(Quantity(value * _SCALES[scale], "amount"))
    return out


def states_number(text: str) -> bool:
    """A number other than a year ("4 milliards", "300 employés", "20 %")."""
    years = {m.span(1) for m in _YEAR.finditer(text)}
    return any(m.span() not in years for m in _NUMBER.finditer(text))


def names_in(name: str, text: str) -> bool:
    return fold(name) in fold(text)


def check(sentences: list[str], sims: list[float], names: list[tuple[str, bool]], question: str, *,
          cover_min: float, premise_min: float, contexts: list[str] | None = None, is_name=None,
          margin: float = 0.02, needs_number: bool = False) -> Verdict:
    """`names`: (name, known to the corpus). A sentence can answer when it names what the question names, or
    when its passage does (`contexts`: "the WSJ says…" is often the sentence before the figures) and the
    sentence itself names no other actor (`is_name`: a corpus name test), which would make it about someone
    else. `needs_number`: the question asks for an amount, so only a sentence that states a number answers
    it. Thresholds are fitted on the dev split (routing settings)."""
    if not sentences:
        return Verdict("not_covered")
    contexts = contexts or sentences
    unknown = [n for n, known in names if not known]
    known = [n for n, known in names if known]
    asked = {fold(n) for n, _ in names}

    def about_others(text: str) -> bool:
        return bool(is_name) and any(is_name(w) and fold(w) not in asked for w in _WORDS.findall(text))

    consistent = [i for i, (s, c) in enumerate(zip(sentences, contexts))
                  if all(names_in(n, s) for n in known) or (all(names_in(n, c) for n in known) and not about_others(s))]
    if not consistent:
        return _unlinked(sentences, sims, known, unknown, cover_min, premise_min)
    lead = max(consistent, key=lambda i: sims[i])
    if sims[lead] < cover_min:
        return Verdict("not_covered", names=unknown)
    if needs_number and not unknown:
        numbered = [i for i in consistent if sims[i] >= cover_min and states_number(sentences[i])]
        if not numbered:  # "what is X's salary?": close sentences about X, none with a figure
            return Verdict("not_covered")
        lead = max(numbered, key=lambda i: sims[i])
    if unknown:  # "Why did Jeff Doe found Anthropic?": the relation is stated, with someone else
        if sims[lead] >= premise_min:
            return Verdict("contradicted", lead=lead, names=unknown, reason="premise_name")
        return Verdict("not_covered", names=unknown)
    wanted = quantities(question)
    if wanted:
        close = [i for i in consistent if sims[i] >= sims[lead] - margin * 3]
        stated = set().union(*(quantities(sentences[i]) for i in close))
        for kind in sorted({q.kind for q in wanted}):  # "27 milliards en 2024": the year may agree, the amount not
            asked_k = {q for q in wanted if q.kind == kind}
            if any(q.kind == kind for q in stated) and not (asked_k & stated):
                with_numbers = [i for i in close if any(q.kind == kind for q in quantities(sentences[i]))]
                lead = max(with_numbers, key=lambda i: sims[i])
                return Verdict("contradicted", lead=lead, quantities=sorted(_show(q) for q in asked_k), reason="premise_quantity")
        owner = _owned_by_others(wanted, sentences, sims, known, about_others, cover_min)
        if owner is not None:  # "the 21.9 billion Anthropic raised": that figure is OpenAI's
            return Verdict("contradicted", lead=owner, quantities=sorted(_show(q) for q in wanted if q.kind == "amount"),
                           reason="premise_quantity")
    return Verdict("answer", lead=lead)


def _unlinked(sentences, sims, known, unknown, cover_min, premise_min) -> Verdict:
    """No close sentence names everything the question names. When the sources know a name but never
    with the rest ("Why did Elon Musk found Anthropic?": Musk is mentioned, as someone else's rival),
    and the relation is stated without it, that is a premise to correct, citing what is stated."""
    close = [i for i, sim in enumerate(sims) if sim >= cover_min]
    linked = [n for n in known if any(names_in(n, sentences[i]) for i in close)]
    unlinked = [n for n in known if n not in linked]
    if not (unlinked and linked) or unknown:
        return Verdict("not_covered", names=unknown)
    stated = [i for i in close if all(names_in(n, sentences[i]) for n in linked)]
    if stated:
        lead = max(stated, key=lambda i: sims[i])
        if sims[lead] >= premise_min:
            return Verdict("contradicted", lead=lead, names=unlinked, reason="premise_link")
    return Verdict("not_covered", names=unknown)


def _owned_by_others(wanted, sentences, sims, known, about_others, cover_min) -> int | None:
    """The best close sentence that states the question's amount about another actor, when no sentence
    states it with the question's own names."""
    amounts = {q for q in wanted if q.kind == "amount"}
    if not amounts or not known:
        return None
    holders = [i for i, s in enumerate(sentences) if amounts & quantities(s)]
    if not holders or any(all(names_in(n, sentences[i]) for n in known) for i in holders):
        return None
    others = [i for i in holders if about_others(sentences[i]) and sims[i] >= cover_min]
    return max(others, key=lambda i: sims[i]) if others else None


def _show(q: Quantity) -> str:
    if q.kind == "year":
        return str(int(q.value))
    for unit, scale in (("milliard(s)", 1e9), ("million(s)", 1e6)):
        if q.value >= scale:
            return f"{q.value / scale:g} {unit}"
    return f"{q.value:g}"
