from pathlib import Path

from bot.core.knowledge.curated import load_debates, load_facts
from bot.core.models import Article

REPO = Path(__file__).resolve().parents[2]
CLOSING = [
    "Que pensez-vous du projet d'Anthropic visant à automatiser des pans de l'économie avec l'IA ?",
    "Quels impacts ce projet pourrait-il avoir sur l'économie mondiale et sur les travailleurs humains ?",
    "Ce projet est-il conforme à l'éthique ? Que pensez-vous des controverses entourant ce projet ?",
    "Quels sont les risques de ce projet ? L'IA est-elle prête à prendre en charge de grands pans de l'économie ?",
    "Le projet d'Anthropic est-il réaliste ? Pourquoi ?",
]


def test_real_debates_cover_the_required_questions(shared_kb):
    debates = shared_kb.debates
    questions = {d.question for d in debates}
    for q in CLOSING:
        assert q in questions
    ids = {d.id for d in debates}
    assert len(ids) == len(debates) >= 8
    for d in debates:
        assert 3 <= len(d.sides) <= 4
        for side in d.sides:
            assert len(side.label) <= 55 and len(side.label_en) <= 55 and side.arguments
            for arg in side.arguments:
                for q in arg.quotes:
                    assert shared_kb.article(q.article_id).body[q.start:q.end] == q.text


def test_real_facts(shared_kb):
    assert len(shared_kb.facts) >= 20
    for f in shared_kb.facts:
        assert shared_kb.article(f.quote.article_id).body[f.quote.start:f.quote.end] == f.quote.text


ARTS = {"a": Article(id="a", title="A", body="Amazon investit 4 milliards. Google aussi.", source="k/a.md")}


def load(tmp_path, text, kind="debates"):
    p = tmp_path / f"{kind}.yaml"
    p.write_text(text, encoding="utf-8")
    return (load_debates if kind == "debates" else load_facts)(p, ARTS, tmp_path)


GOOD_SIDE = """
      - id: {sid}
        label: "{label}"
        arguments:
          - id: arg-{sid}
            text: "Un argument."
            quotes: [{{article: a, text: "{quote}"}}]"""


def debate(sides):
    return "debates:\n  - id: d1\n    question: Q ?\n    sides:" + "".join(sides)


def test_valid_debate(tmp_path):
    debates, problems = load(tmp_path, debate([GOOD_SIDE.format(sid="pour", label="Pour", quote="Amazon investit 4 milliards."),
                                              GOOD_SIDE.format(sid="contre", label="Contre", quote="Google aussi.")]))
    assert not problems and debates[0].sides[0].arguments[0].quotes[0].start == 0


def test_quote_not_verbatim_is_reported(tmp_path):
    _, problems = load(tmp_path, debate([GOOD_SIDE.format(sid="pour", label="Pour", quote="Amazon investit 4 milliards !"),
                                         GOOD_SIDE.format(sid="contre", label="Contre", quote="Google aussi.")]))
    assert "not an exact substring" in problems[0].reason


def test_label_too_long_is_reported(tmp_path):
    _, problems = load(tmp_path, debate([GOOD_SIDE.format(sid="pour", label="x" * 56, quote="Google aussi."),
                                         GOOD_SIDE.format(sid="contre", label="Contre", quote="Google aussi.")]))
    assert "56 characters" in problems[0].reason


def test_side_without_argument_and_duplicate_ids(tmp_path):
    text = debate(["\n      - id: pour\n        label: Pour\n        arguments: []", GOOD_SIDE.format(sid="contre", label="C", quote="Google aussi.")])
    _, problems = load(tmp_path, text)
    assert "at least one argument" in problems[0].reason
    dup = debate([GOOD_SIDE.format(sid="pour", label="P", quote="Google aussi."), GOOD_SIDE.format(sid="pour", label="C", quote="Google aussi.")])
    _, problems = load(tmp_path, dup)
    assert "duplicate id" in problems[0].reason


def test_bad_yaml_and_bad_fact(tmp_path):
    _, problems = load(tmp_path, "debates: [oops", "debates")
    assert "invalid YAML" in problems[0].reason
    facts, problems = load(tmp_path, "facts:\n  - id: f1\n    text: T\n    quote: {article: zz, text: x}\n  - id: f2\n    text: T\n    quote: {article: a, text: Google aussi.}\n", "facts")
    assert [f.id for f in facts] == ["f2"] and "unknown article" in problems[0].reason
