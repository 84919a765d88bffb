"""`contrepoint ask|search|fact --json`: the JSON Lines contracts, run in-process with click's CliRunner.

The store lives in a temporary folder and uses the fast hashing embedder (no model download, no network).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from bot.cli import cli
from bot.core.knowledge.articles import load_articles

REPO = Path(__file__).resolve().parents[1]
ANSWER_KEYS = {"question", "kind", "answer_markdown", "sides", "citations", "grounded", "mode"}
OPTIONAL_ANSWER_KEYS = {"reason_code", "premise", "question_lang", "fallback_reason", "article_ref"}
CITATION_KEYS = {"id", "article_id", "title", "source", "quote", "start", "end"}
RESULT_KEYS = {"rank", "score", "article_id", "title", "source", "text", "start", "end"}

FR_FRAMING = ("**Question débattue.**", "**Réponse factuelle**", "Aucune source de la base")
EN_FRAMING = ("**This question is debated.**", "**Factual answer**", "No source in the knowledge base")

DEBATE_Q = "Que pensez-vous du projet d'Anthropic visant à automatiser des pans de l'économie avec l'IA ?"
FACT_Q = "Combien Google a-t-il investi dans Anthropic ?"
EN_Q = "How much did Google invest in Anthropic?"
OFF_Q = "Quelle est la recette de la tarte tatin ?"


@pytest.fixture(scope="module")
def config(tmp_path_factory, vector_cache) -> Path:
    tmp = tmp_path_factory.mktemp("cli")
    path = tmp / "config.yaml"
    path.write_text(yaml.safe_dump({"store": {"data_dir": str(tmp / "data")},
                                    "embeddings": {"backend": "e5", "cache_dir": str(vector_cache)}}), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def bodies() -> dict[str, str]:
    loaded = load_articles(REPO / "knowledge" / "articles", REPO)
    return {a.id: a.body for a in loaded.articles}


def run(config: Path, *args: str, stdin: str | None = None):
    runner = CliRunner()
    result = runner.invoke(cli, ["--root", str(REPO), "--config", str(config), *args], input=stdin, env={"CONTREPOINT__LLM__MODEL": None})
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def assert_citation(c: dict, bodies: dict[str, str]) -> None:
    assert set(c) == CITATION_KEYS
    assert c["source"] == f"knowledge/articles/{c['article_id']}.md"
    assert bodies[c["article_id"]][c["start"]:c["end"]] == c["quote"]


# --------------------------------------------------------------------------- ask


def test_ask_reads_questions_from_stdin_and_answers_in_order(config, bodies):
    bad = {
        "empty": "",
        "too long": "x" * 5000,
        "control": "\x01\x02\x07\x1b",
        "zero-width": "\u200b\u200c\ufeff",
    }
    lines = [DEBATE_Q, bad["empty"], FACT_Q, bad["too long"], EN_Q, bad["control"], OFF_Q, bad["zero-width"]]
    result = run(config, "ask", "-", "--json", stdin="\n".join(lines) + "\n")
    out = json_lines(result.stdout)
    assert len(out) == len(lines)  # one object per input line, nothing lost

    answered = [o for o in out if "error" not in o]
    errors = [o for o in out if "error" in o]
    assert [o["question"] for o in answered] == [DEBATE_Q, FACT_Q, EN_Q, OFF_Q]
    assert [i for i, o in enumerate(out) if "error" in o] == [1, 3, 5, 7]

    for o in answered:
        assert ANSWER_KEYS <= set(o) <= ANSWER_KEYS | OPTIONAL_ANSWER_KEYS
        assert o["kind"] in {"debate", "factual", "no_answer"} and o["mode"] == "extractive"
        assert isinstance(o["grounded"], bool) and isinstance(o["answer_markdown"], str)
        ids = [c["id"] for c in o["citations"]]
        assert ids == list(range(1, len(ids) + 1))
        for c in o["citations"]:
            assert_citation(c, bodies)
        for s in o["sides"]:
            assert set(s) == {"label", "points"}
            for p in s["points"]:
                assert set(p) == {"text", "citations"} and set(p["citations"]) <= set(ids)
    debate, fact, english, off = answered
    assert debate["kind"] == "debate" and len(debate["sides"]) >= 2
    assert fact["kind"] == "factual" and fact["citations"]
    assert any(f in english["answer_markdown"] for f in EN_FRAMING)
    assert not any(f in english["answer_markdown"] for f in FR_FRAMING)
    assert any(f in debate["answer_markdown"] for f in FR_FRAMING)
    assert off["kind"] == "no_answer" and off["citations"] == [] and off["sides"] == []

    for o in errors:
        assert set(o) == {"question", "error"}
        assert o["error"] and len(o["question"]) <= 200
    assert "empty input" in errors[0]["error"]
    assert "too long" in errors[1]["error"] and "5000" in errors[1]["error"]
    assert "empty input" in errors[2]["error"] and "empty input" in errors[3]["error"]


def test_ask_one_question_as_an_argument(config, bodies):
    result = run(config, "ask", FACT_Q, "--json")
    (o,) = json_lines(result.stdout)
    assert o["question"] == FACT_Q and o["kind"] == "factual"
    for c in o["citations"]:
        assert_citation(c, bodies)


def test_ask_stdout_is_pure_json_lines(config):
    result = run(config, "ask", "-", "--json", stdin=f"{FACT_Q}\n{OFF_Q}\n")
    for line in result.stdout.splitlines():
        json.loads(line)  # store/sync messages go to stderr, never to stdout
    assert "[store]" not in result.stdout


def test_ask_lang_option_forces_the_answer_language(config):
    result = run(config, "ask", FACT_Q, "--json", "--lang", "en")
    (o,) = json_lines(result.stdout)
    assert any(f in o["answer_markdown"] for f in EN_FRAMING)
    assert not any(f in o["answer_markdown"] for f in FR_FRAMING)


def test_ask_without_json_prints_markdown_and_errors_on_stderr(config):
    result = run(config, "ask", "-", stdin=f"{FACT_Q}\n\n")
    assert "**Sources**" in result.stdout
    assert "error: empty input" in result.stderr


# --------------------------------------------------------------------------- search


def test_search_json_contract(config, bodies):
    queries = [FACT_Q, "", "valorisation d'Anthropic"]
    result = run(config, "search", "-", "--json", stdin="\n".join(queries) + "\n")
    out = json_lines(result.stdout)
    assert len(out) == 3
    first, error, last = out
    assert error["results"] == [] and "empty input" in error["error"]
    for o, query in ((first, FACT_Q), (last, "valorisation d'Anthropic")):
        assert set(o) == {"query", "results"} and o["query"] == query
        assert [r["rank"] for r in o["results"]] == list(range(1, 6))  # retrieval.k = 5
        scores = [r["score"] for r in o["results"]]
        assert scores == sorted(scores, reverse=True)
        for r in o["results"]:
            assert set(r) == RESULT_KEYS
            assert r["source"].startswith("knowledge/articles/")
            assert bodies[r["article_id"]][r["start"]:r["end"]] == r["text"]


def test_search_k_option(config):
    result = run(config, "search", FACT_Q, "--json", "--k", "3")
    (o,) = json_lines(result.stdout)
    assert len(o["results"]) == 3


# --------------------------------------------------------------------------- fact


def test_fact_json_contract(config, bodies):
    result = run(config, "fact", "valorisation", "--json")
    (o,) = json_lines(result.stdout)
    assert set(o) == {"id", "text", "citation"}
    assert o["id"] == "valorisation-40-milliards"
    assert "40 milliards" in o["text"]
    assert_citation(o["citation"], bodies)


def test_random_fact_json_in_english(config, bodies):
    result = run(config, "fact", "--json", "--lang", "en")
    (o,) = json_lines(result.stdout)
    assert set(o) == {"id", "text", "citation"}
    facts = yaml.safe_load((REPO / "knowledge" / "facts.yaml").read_text(encoding="utf-8"))["facts"]
    assert o["text"] == next(f["text_en"] for f in facts if f["id"] == o["id"])
    assert_citation(o["citation"], bodies)
