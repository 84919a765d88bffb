"""Answer quality over tests/eval/answers.yaml (dev): the invariants on the real answers; routing per kind and
side recall are reported by bench/eval_understanding.py.

The evaluation is a plain function, tested on hand-made answers first so that each threshold is known to fire.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from answer_checks import ask_once

from bot.core.models import Answer, Article, Citation, Point, Side

REPO = Path(__file__).resolve().parents[3]
CASES = yaml.safe_load((REPO / "tests" / "eval" / "answers.yaml").read_text(encoding="utf-8"))["questions"]

MIN_ROUTING_ACCURACY = 0.9  # per kind
MIN_SIDE_RECALL = 0.8  # expected sides present in the answers, over all mapped debate questions
MIN_CITED_SIDES = 2  # for every debate answer


@dataclass
class QualityReport:
    routed: Counter = field(default_factory=Counter)  # kind -> correctly routed
    total: Counter = field(default_factory=Counter)  # kind -> cases
    side_hits: int = 0
    side_expected: int = 0
    misrouted: list[str] = field(default_factory=list)
    one_sided: list[str] = field(default_factory=list)
    not_verbatim: list[str] = field(default_factory=list)
    missing_sides: list[str] = field(default_factory=list)

    def routing_accuracy(self, kind: str) -> float:
        return self.routed[kind] / self.total[kind] if self.total[kind] else 1.0

    @property
    def side_recall(self) -> float:
        return self.side_hits / self.side_expected if self.side_expected else 1.0

    def problems(self) -> list[str]:
        out = []
        for kind in sorted(self.total):
            acc = self.routing_accuracy(kind)
            if acc < MIN_ROUTING_ACCURACY:
                out.append(f"routing accuracy for {kind}: {acc:.2f} < {MIN_ROUTING_ACCURACY} ({self.misrouted})")
        if self.side_recall < MIN_SIDE_RECALL:
            out.append(f"side recall {self.side_recall:.2f} < {MIN_SIDE_RECALL} (missing: {self.missing_sides})")
        if self.one_sided:
            out.append(f"debate answers citing fewer than {MIN_CITED_SIDES} sides: {self.one_sided}")
        if self.not_verbatim:
            out.append(f"citations that are not verbatim: {self.not_verbatim}")
        return out

    def summary(self) -> str:
        kinds = ", ".join(f"{k} {self.routed[k]}/{self.total[k]}" for k in sorted(self.total))
        return f"routing: {kinds}; side recall {self.side_hits}/{self.side_expected}; problems: {self.problems()}"


def cited_sides(answer: Answer) -> int:
    ids = {c.id for c in answer.citations}
    return sum(1 for s in answer.sides if any(set(p.citations) & ids for p in s.points))


def evaluate(cases: list[dict], answer_for, article_for) -> QualityReport:
    """`answer_for(case) -> Answer`; `article_for(article_id) -> Article | None`."""
    report = QualityReport()
    for case in cases:
        answer = answer_for(case)
        kind = case["kind"]
        report.total[kind] += 1
        expected_debate = case.get("debate") if kind == "debate" else None
        if answer.kind == kind and (expected_debate is None or answer.debate_id == expected_debate):
            report.routed[kind] += 1
        else:
            report.misrouted.append(f"{case['id']}: {answer.kind}/{answer.debate_id}")
        if answer.kind == "debate" and cited_sides(answer) < MIN_CITED_SIDES:
            report.one_sided.append(case["id"])
        expected_sides = case.get("expected_sides") or []
        got = {s.side_id for s in answer.sides}
        report.side_expected += len(expected_sides)
        report.side_hits += sum(1 for s in expected_sides if s in got)
        report.missing_sides += [f"{case['id']}:{s}" for s in expected_sides if s not in got]
        for c in answer.citations:
            article = article_for(c.article_id)
            if article is None or article.body[c.start:c.end] != c.quote or not c.quote:
                report.not_verbatim.append(f"{case['id']}[{c.id}]")
    return report


# --------------------------------------------------------------------------- the real evaluation


def test_answer_invariants_on_the_dev_set(shared_service):
    """Invariants, not scores (those are in docs/benchmarks.md): every debate answer cites at least two
    sides, every citation is verbatim, and an abstention cites nothing."""
    answers = {}
    report = evaluate(CASES, lambda c: answers.setdefault(c["id"], ask_once(shared_service, c["question"])), shared_service.article)
    assert sum(report.total.values()) == len(CASES)
    assert report.one_sided == [], report.summary()
    assert report.not_verbatim == [], report.summary()
    assert [i for i, a in answers.items() if a.kind == "no_answer" and a.citations] == []


def test_eval_set_is_consistent_with_the_knowledge(shared_service):
    debates = {d.id: d for d in shared_service.debates()}
    for case in CASES:
        if case["kind"] == "debate" and case.get("debate"):
            side_ids = {s.id for s in debates[case["debate"]].sides}
            assert set(case["expected_sides"]) <= side_ids, case["id"]
        if case["kind"] == "factual":
            body = shared_service.article(case["expect_quote"]["article"]).body
            assert case["expect_quote"]["text"] in body, case["id"]


# --------------------------------------------------------------------------- the evaluation can fail

BODY = "Amazon investit 4 milliards. Des critiques parlent d'un projet dystopique. Google a mis 300 millions."
ARTICLE = Article(id="a", title="A", body=BODY, source="knowledge/articles/a.md")


def cite(i: int, text: str, quote: str | None = None) -> Citation:
    start = BODY.index(text)
    return Citation(i, "a", "A", ARTICLE.source, text if quote is None else quote, start, start + len(text))


def debate_answer(sides: list[Side], citations: list[Citation], debate_id: str | None = "d") -> Answer:
    return Answer("q", "debate", "fr", "…", sides, citations, True, "extractive", debate_id=debate_id)


GOOD_SIDES = [
    Side("Pour", [Point("x", [1])], "pour"),
    Side("Contre", [Point("y", [2])], "contre"),
]
GOOD_CITES = [cite(1, "Amazon investit 4 milliards."), cite(2, "projet dystopique")]
DEBATE_CASE = {"id": "d", "kind": "debate", "question": "q", "debate": "d", "expected_sides": ["pour", "contre"]}


def run(cases, answers):
    by_id = dict(zip([c["id"] for c in cases], answers))
    return evaluate(cases, lambda c: by_id[c["id"]], {"a": ARTICLE}.get)


def test_a_good_answer_passes():
    assert run([DEBATE_CASE], [debate_answer(GOOD_SIDES, GOOD_CITES)]).problems() == []


def test_a_one_sided_debate_answer_fails():
    one = [GOOD_SIDES[0], Side("Contre", [Point("y", [])], "contre")]
    report = run([DEBATE_CASE], [debate_answer(one, GOOD_CITES[:1])])
    assert report.one_sided == ["d"]
    assert any("fewer than 2 sides" in p for p in report.problems())


def test_a_forged_quote_fails():
    forged = [GOOD_CITES[0], cite(2, "projet dystopique", quote="projet formidable")]
    report = run([DEBATE_CASE], [debate_answer(GOOD_SIDES, forged)])
    assert report.not_verbatim == ["d[2]"]
    assert any("not verbatim" in p for p in report.problems())


def test_low_side_recall_fails():
    cases = [dict(DEBATE_CASE, id=f"d{i}", expected_sides=["pour", "contre", "nuance"]) for i in range(3)]
    report = run(cases, [debate_answer(GOOD_SIDES, GOOD_CITES)] * 3)
    assert report.side_recall == 6 / 9
    assert any("side recall" in p for p in report.problems())


def test_wrong_routing_fails():
    cases = [dict(DEBATE_CASE, id=f"d{i}") for i in range(10)]
    answers = [debate_answer(GOOD_SIDES, GOOD_CITES)] * 9 + [debate_answer(GOOD_SIDES, GOOD_CITES, debate_id="other")]
    report = run(cases, answers)
    assert report.routing_accuracy("debate") == 0.9 and report.problems() == []
    answers[0] = Answer("q", "no_answer", "fr", "…", [], [], True, "extractive")
    report = run(cases, answers)
    assert report.routing_accuracy("debate") == 0.8
    assert any("routing accuracy for debate" in p for p in report.problems())
