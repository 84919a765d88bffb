"""`knowledge check`'s maintainer checks on a copy of the real knowledge folder: broken quotes with the
closest passage, Discord limits, facts without a source, articles nothing uses (a warning)."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from bot.cli import cli
from bot.core.knowledge.check import check_knowledge
from bot.core.knowledge.lint import closest_passage, first_difference

QUOTE = "Elle explique que grâce à l'IA constitutionnelle, son chatbot Claude est beaucoup moins susceptible"
FULL_QUOTE = QUOTE + " de produire des résultats nuisibles et est plus facile à diriger."
NEW_ARTICLE = """---
title: "Robots et productivité"
---
La Banque centrale européenne a publié une note sur la productivité des entreprises qui adoptent des robots industriels.
"""


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def check(folder: Path):
    return check_knowledge(folder, folder.parent)


def test_the_real_folder_is_clean(knowledge_copy):
    report = check(knowledge_copy)
    assert report.problems == [] and report.warnings == []


def test_a_quote_that_is_not_verbatim_shows_the_closest_passage_and_the_difference(knowledge_copy):
    edit(knowledge_copy / "debates.yaml", QUOTE, QUOTE.replace("l'IA", "l’IA").replace("beaucoup", "bien"))
    [problem] = check(knowledge_copy).problems
    assert problem.path == "knowledge/debates.yaml" and "argument 'ia-constitutionnelle-sure'" in problem.reason
    assert "closest passage (" in problem.reason and f"«{QUOTE}" in problem.reason
    assert """the quote has '’' where the article has "'\"""" in problem.reason


def test_a_quote_from_the_wrong_article_says_so(knowledge_copy):
    edit(knowledge_copy / "debates.yaml", FULL_QUOTE, "Le chocolat suisse est exporté vers le Japon depuis 1950 par bateau")
    [problem] = check(knowledge_copy).problems
    assert "no passage of the article is close to it: is it the right article?" in problem.reason


def test_closest_passage_inside_a_long_sentence():
    body = "Premier point. " + "Les économistes débattent depuis des années des effets de l'intelligence artificielle sur l'emploi des jeunes. Fin."
    found = closest_passage(body, "débattent depuis des ans des effets de l'intelligence artificielle")
    assert found.text == "débattent depuis des années des effets de l'intelligence artificielle"
    assert body[found.start:found.end] == found.text and found.similarity > 0.9
    assert first_difference("des ans des", "des années des") == "after «…des an» the article has 'née', missing from the quote"


def test_side_label_and_question_too_long_for_a_discord_poll(knowledge_copy):
    path = knowledge_copy / "debates.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    label = data["debates"][0]["sides"][0]["label"]
    edit(path, f'label: "{label}"', 'label: "' + "x" * 54 + '🤖"')  # 55 characters, 56 UTF-16 code units
    question = data["debates"][1]["question"]
    edit(path, f'question: "{question}"', 'question: "' + ("Une question bien trop longue ? " * 10).strip() + '"')
    problems = check(knowledge_copy).problems
    reasons = " | ".join(p.reason for p in problems)
    assert "label is 56 characters (emoji count 2), Discord's limit for a poll answer is 55: shorten it by 1" in reasons
    assert f"debate {data['debates'][1]['id']!r}: question is 319 characters, Discord's poll limit is 300; shorten it by 19" in reasons


def test_a_fact_without_a_source(knowledge_copy):
    path = knowledge_copy / "facts.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["facts"][0]["quote"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    [problem] = check(knowledge_copy).problems
    assert problem.path == "knowledge/facts.yaml"
    assert f"fact {data['facts'][0]['id']!r}: no source: add quote: {{article: <article id>" in problem.reason


def invoke_check(folder: Path):
    cfg = folder.parent / "config.yaml"
    cfg.write_text(f"store:\n  data_dir: {folder.parent / 'data'}\n", encoding="utf-8")
    return CliRunner().invoke(cli, ["--root", str(folder.parent), "--config", str(cfg), "knowledge", "check"])


def test_an_unused_article_is_a_warning_and_errors_still_exit_1(knowledge_copy):
    (knowledge_copy / "articles" / "robots.md").write_text(NEW_ARTICLE, encoding="utf-8")
    report = check(knowledge_copy)
    assert report.problems == []
    [warning] = report.warnings
    assert warning.path == "knowledge/articles/robots.md" and "knowledge draft-debates robots" in warning.reason
    res = invoke_check(knowledge_copy)
    assert res.exit_code == 0 and "warning: knowledge/articles/robots.md: no debate or fact quotes 'robots'" in res.stdout
    assert "OK, 1 warning(s)" in res.stderr
    edit(knowledge_copy / "debates.yaml", QUOTE, QUOTE + " !")
    res = invoke_check(knowledge_copy)
    assert res.exit_code == 1 and "1 problem(s), 1 warning(s)" in res.stderr
