"""`knowledge draft-debates` and `knowledge merge-draft` on a copy of the real knowledge folder, with the
real e5 embedder (shared vector cache) and real files."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner
from conftest import VECTOR_CACHE, make_settings  # at import time: tests/exts has a conftest too

from bot.cli import cli
from bot.core.knowledge.check import check_knowledge
from bot.core.knowledge.draft_file import merge_draft, write_draft
from bot.core.knowledge.drafting import FIT_MIN, draft_article
from bot.core.knowledge.side_similarity import SideSpace, open_folder, open_vectors

UNIONS = (
    "Des syndicats européens dénoncent un projet dystopique : confier l'économie à des machines pilotées par l'IA supprimerait "
    "des centaines de millions d'emplois. Pour eux, la startup creuse les inégalités sociales au profit de quelques actionnaires. "
    "Les défenseurs du projet répondent que l'IA constitutionnelle d'Anthropic rend les assistants plus sûrs et plus utiles pour "
    "les entreprises. Ils citent des assistants virtuels capables de répondre aux courriels et d'effectuer des recherches à la place "
    "des salariés. D'autres observateurs jugent que tout dépendra de la régulation et du partage des gains de productivité.\n"
)
CAKE = (
    "La tarte Tatin se prépare avec des pommes caramélisées au beurre et au sucre. On la cuit à l'envers, la pâte posée sur "
    "les fruits, puis on la retourne à la sortie du four. Servie tiède, elle s'accompagne volontiers de crème fraîche.\n"
)


def write_article(folder, art_id: str, title: str, body: str) -> None:
    (folder / "articles" / f"{art_id}.md").write_text(f'---\ntitle: "{title}"\n---\n{body}', encoding="utf-8")


@pytest.fixture
def setup(knowledge_copy, tmp_path):
    write_article(knowledge_copy, "syndicats", "Les syndicats contre l'automatisation", UNIONS)
    write_article(knowledge_copy, "tatin", "La tarte Tatin", CAKE)
    settings = make_settings(tmp_path, tmp_path / "data", knowledge_dir=knowledge_copy)
    folder = open_folder(knowledge_copy, tmp_path)
    vectors = open_vectors(settings)
    return knowledge_copy, folder, vectors


def drafts_for(folder, vectors, *ids):
    space = SideSpace.build(vectors, folder.debates)
    return [draft_article(folder.article(i), space, folder.debates, vectors) for i in ids]


def test_an_article_on_a_debate_gets_that_debate_and_quotes_on_the_right_sides(setup):
    _, folder, vectors = setup
    [draft] = drafts_for(folder, vectors, "syndicats")
    assert draft.proposed[0].debate.id == "automatiser-economie" and draft.proposed[0].fit >= FIT_MIN
    sides = {sid: [c.sentence.text for c in cs] for sid, cs in draft.proposed[0].sides.items()}
    assert any(t.startswith("Des syndicats européens dénoncent un projet dystopique") for t in sides["critique"])
    assert any(t.startswith("Les défenseurs du projet répondent") for t in sides["favorable"])
    for fit in draft.proposed:
        for cs in fit.sides.values():
            for c in cs:
                assert UNIONS[c.sentence.start:c.sentence.end] == c.sentence.text  # verbatim, with offsets


def test_an_unrelated_article_fits_no_debate_and_its_topics_are_listed(setup):
    _, folder, vectors = setup
    [draft] = drafts_for(folder, vectors, "tatin")
    assert draft.proposed == [] and draft.fits[0].fit < FIT_MIN
    assert [s.text for s in draft.topics()][0].startswith("La tarte Tatin se prépare")


def test_sentences_already_quoted_are_not_proposed_again(setup):
    _, folder, vectors = setup
    [draft] = drafts_for(folder, vectors, "anthropic-automatiser-economie")
    for fit in draft.proposed:
        quoted = [q for s in fit.debate.sides for a in s.arguments for q in a.quotes if q.article_id == "anthropic-automatiser-economie"]
        for cs in fit.sides.values():
            for c in cs:
                assert not any(q.start < c.sentence.end and c.sentence.start < q.end for q in quoted)


def reviewed(path, text: str = "Des syndicats jugent le projet dystopique et destructeur d'emplois.") -> dict:
    """Keep the first critique argument of automatiser-economie, with its TODO replaced."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    debate = next(d for d in doc["debates"] if d["id"] == "automatiser-economie")
    side = next(s for s in debate["sides"] if s["id"] == "critique")
    arg = dict(side["arguments"][0], text=text)
    doc["debates"] = [{**debate, "sides": [{**side, "arguments": [arg]}]}]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")
    return arg


def test_review_file_then_merge_keeps_debates_yaml_as_written(setup):
    kdir, folder, vectors = setup
    drafts = drafts_for(folder, vectors, "syndicats", "tatin")
    path = write_draft(drafts, kdir, "2025-01-31")
    assert path == kdir / "review" / "debates-draft-2025-01-31.yaml"
    assert write_draft(drafts, kdir, "2025-01-31").name == "debates-draft-2025-01-31-2.yaml"  # never overwrites a review
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Draft debate map") and "merge-draft knowledge/review/debates-draft-2025-01-31.yaml" in text
    doc = yaml.safe_load(text)
    assert doc["unmatched"][0]["article"] == "tatin" and doc["unmatched"][0]["topics"]
    for d in doc["debates"]:
        for s in d["sides"]:
            for a in s["arguments"]:
                assert a["text"].startswith("TODO") and a["quotes"][0]["text"] in UNIONS  # verbatim after the YAML round trip

    articles = {a.id: a for a in folder.articles}
    debates_path = kdir / "debates.yaml"
    before = debates_path.read_text(encoding="utf-8")
    refused = merge_draft(path, debates_path, articles, kdir.parent)
    assert refused.added == [] and any("in place of the TODO" in p for p in refused.problems)
    assert debates_path.read_text(encoding="utf-8") == before

    arg = reviewed(path)
    report = merge_draft(path, debates_path, articles, kdir.parent)
    assert report.problems == [] and report.added == [("automatiser-economie", "critique", arg["id"])]
    after = debates_path.read_text(encoding="utf-8")
    kept = iter(after.splitlines())
    assert all(line in kept for line in before.splitlines())  # every original line, comments included, in order
    assert check_knowledge(kdir, kdir.parent).problems == []
    merged = next(d for d in open_folder(kdir, kdir.parent).debates if d.id == "automatiser-economie")
    side = next(s for s in merged.sides if s.id == "critique")
    assert side.arguments[-1].id == arg["id"] and side.arguments[-1].quotes[0].article_id == "syndicats"
    again = merge_draft(path, debates_path, articles, kdir.parent)
    assert any("duplicate id" in p for p in again.problems)


def test_merge_is_all_or_nothing(setup):
    kdir, folder, vectors = setup
    path = write_draft(drafts_for(folder, vectors, "syndicats"), kdir, "2025-02-01")
    arg = reviewed(path)
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    bad = dict(arg, id="changed-quote", quotes=[{"article": "syndicats", "text": arg["quotes"][0]["text"].replace(" ", "  ", 1)}])
    doc["debates"][0]["sides"][0]["arguments"].append(bad)
    doc["debates"].append({"id": "nouveau-debat", "sides": []})
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")
    before = (kdir / "debates.yaml").read_text(encoding="utf-8")
    report = merge_draft(path, kdir / "debates.yaml", {a.id: a for a in folder.articles}, kdir.parent)
    assert report.added == [] and (kdir / "debates.yaml").read_text(encoding="utf-8") == before
    reasons = " | ".join(report.problems)
    assert "not an exact substring of 'syndicats'" in reasons and "closest passage" in reasons
    assert "debate 'nouveau-debat' is not in debates.yaml" in reasons


def test_cli_drafts_new_articles_only_by_default(setup):
    kdir, _, _ = setup
    cfg = kdir.parent / "config.yaml"
    cfg.write_text(f"store:\n  data_dir: {kdir.parent / 'data'}\nembeddings:\n  cache_dir: {VECTOR_CACHE}\n", encoding="utf-8")
    args = ["--root", str(kdir.parent), "--config", str(cfg), "knowledge"]
    res = CliRunner().invoke(cli, [*args, "draft-debates", "--out", str(kdir.parent / "draft.yaml")])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[0].startswith("syndicats: automatiser-economie (fit ")
    assert lines[1].startswith("tatin: fits no debate (closest: ")
    assert lines[2].startswith("wrote draft.yaml: review it")
    missing = CliRunner().invoke(cli, [*args, "draft-debates", "absent"])
    assert missing.exit_code == 1 and "no article 'absent'" in missing.output
    arg = reviewed(kdir.parent / "draft.yaml")
    merged = CliRunner().invoke(cli, [*args, "merge-draft", str(kdir.parent / "draft.yaml")])
    assert merged.exit_code == 0 and f"added argument {arg['id']!r} to debate 'automatiser-economie', side 'critique'" in merged.stdout
