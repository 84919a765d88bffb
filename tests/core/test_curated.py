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
        assert {s.stance for s in d.sides} >= {"favorable", "critique"}, d.id  # every debate shows both sides
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
        stance: {stance}
        arguments:
          - id: arg-{sid}
            text: "Un argument."
            quotes: [{{article: a, text: "{quote}"}}]"""


def good_side(sid, label, quote, stance="favorable"):
    return GOOD_SIDE.format(sid=sid, label=label, quote=quote, stance=stance)


def debate(sides):
    return "debates:\n  - id: d1\n    question: Q ?\n    sides:" + "".join(sides)


def test_valid_debate(tmp_path):
    debates, problems = load(tmp_path, debate([good_side(sid="pour", label="Pour", quote="Amazon investit 4 milliards."),
                                              good_side(sid="contre", label="Contre", quote="Google aussi.")]))
    assert not problems and debates[0].sides[0].arguments[0].quotes[0].start == 0


def test_quote_not_verbatim_is_reported(tmp_path):
    _, problems = load(tmp_path, debate([good_side(sid="pour", label="Pour", quote="Amazon investit 4 milliards !"),
                                         good_side(sid="contre", label="Contre", quote="Google aussi.")]))
    assert "not an exact substring" in problems[0].reason


def test_label_too_long_is_reported(tmp_path):
    _, problems = load(tmp_path, debate([good_side(sid="pour", label="x" * 56, quote="Google aussi."),
                                         good_side(sid="contre", label="Contre", quote="Google aussi.")]))
    assert "56 characters" in problems[0].reason


def test_side_without_argument_and_duplicate_ids(tmp_path):
    text = debate(["\n      - id: pour\n        label: Pour\n        stance: critique\n        arguments: []", good_side(sid="contre", label="C", quote="Google aussi.")])
    _, problems = load(tmp_path, text)
    assert "at least one argument" in problems[0].reason
    dup = debate([good_side(sid="pour", label="P", quote="Google aussi."), good_side(sid="pour", label="C", quote="Google aussi.")])
    _, problems = load(tmp_path, dup)
    assert "duplicate id" in problems[0].reason


def test_bad_yaml_and_bad_fact(tmp_path):
    _, problems = load(tmp_path, "debates: [oops", "debates")
    assert "invalid YAML" in problems[0].reason
    facts, problems = load(tmp_path, "facts:\n  - id: f1\n    text: T\n    quote: {article: zz, text: x}\n  - id: f2\n    text: T\n    quote: {article: a, text: Google aussi.}\n", "facts")
    assert [f.id for f in facts] == ["f2"] and "unknown article" in problems[0].reason


def test_every_side_needs_a_known_stance(tmp_path):
    _, problems = load(tmp_path, debate([good_side("pour", "Pour", "Google aussi.", stance="pro"),
                                         good_side("contre", "Contre", "Google aussi.", stance="critique")]))
    assert len(problems) == 1
    assert "debate 'd1' side 'pour': unknown stance 'pro' (one of: favorable, critique, nuance)" in problems[0].reason
    text = debate([good_side("pour", "Pour", "Google aussi."), good_side("contre", "Contre", "Google aussi.")]).replace("        stance: favorable\n", "", 1)
    debates, problems = load(tmp_path, text)
    assert not debates and "side 'pour': missing 'stance'" in problems[0].reason


def test_stances_are_read_from_the_data(tmp_path):
    debates, problems = load(tmp_path, debate([good_side("projet-dystopique", "Un projet dystopique", "Amazon investit 4 milliards.", stance="critique"),
                                              good_side("irrealiste", "Irréaliste", "Google aussi.", stance="nuance")]))
    assert not problems and [s.stance for s in debates[0].sides] == ["critique", "nuance"]


def test_knowledge_check_reports_a_missing_stance(knowledge_copy, tmp_path):
    from bot.core.knowledge.check import check_knowledge

    path = knowledge_copy / "debates.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("        stance: critique\n", "", 1), encoding="utf-8")
    report = check_knowledge(knowledge_copy, tmp_path)
    assert any("side 'critique': missing 'stance'" in p.reason for p in report.problems), report.problems
    assert check_knowledge(REPO / "knowledge", REPO).problems == []
