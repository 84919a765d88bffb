"""Exit codes, quiet output and a wrong folder, through the real CLI (click's CliRunner, real store)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from bot.cli import cli

REPO = Path(__file__).resolve().parents[1]
FACT_Q = "Combien Google a-t-il investi dans Anthropic ?"


def _config(tmp: Path, vector_cache: Path) -> Path:
    path = tmp / "config.yaml"
    path.write_text(yaml.safe_dump({"store": {"data_dir": str(tmp / "data")},
                                    "embeddings": {"backend": "e5", "cache_dir": str(vector_cache)}}), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def config(tmp_path_factory, vector_cache) -> Path:
    return _config(tmp_path_factory.mktemp("exit"), vector_cache)


def invoke(config: Path, *args: str, root: Path = REPO, stdin: str | None = None):
    return CliRunner().invoke(cli, ["--root", str(root), "--config", str(config), *args], input=stdin,
                              env={"CONTREPOINT__LLM__MODEL": None})


@pytest.mark.parametrize("args", [("ask", ""), ("ask", "   "), ("search", "x" * 1001), ("fact", "\u200b")])
def test_a_single_argument_that_cannot_be_processed_exits_2(config, args):
    result = invoke(config, *args)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1].startswith("error: ") and result.stdout == ""


def test_with_json_a_single_bad_argument_still_gives_its_error_line_and_exits_2(config):
    result = invoke(config, "ask", "", "--json")
    assert result.exit_code == 2
    (line,) = [json.loads(x) for x in result.stdout.splitlines()]
    assert line["error"] and line["question"] == ""


def test_batch_mode_answers_every_line_and_exits_0(config):
    result = invoke(config, "search", "-", "--json", stdin=f"{FACT_Q}\n\n{FACT_Q}\n")
    assert result.exit_code == 0
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert len(lines) == 3 and "error" in lines[1] and lines[0]["results"]


def test_quiet_by_default_one_progress_line_on_a_build_and_info_with_v(tmp_path, vector_cache):
    config = _config(tmp_path, vector_cache)
    first = invoke(config, "search", FACT_Q, "--json")
    assert first.exit_code == 0
    assert [line for line in first.stderr.splitlines() if line.strip()] == ["[store] embedding 5/5 articles"]
    assert json.loads(first.stdout)["results"]  # stdout: only the JSON
    again = invoke(config, "search", FACT_Q, "--json")
    assert again.stderr == ""  # nothing changed: nothing on stderr
    verbose = invoke(config, "-v", "search", FACT_Q, "--json")
    assert "INFO" in verbose.stderr and "knowledge sync:" in verbose.stderr
    debug = invoke(config, "-vv", "search", FACT_Q, "--json")
    assert "DEBUG" in debug.stderr or "INFO" in debug.stderr


def test_a_wrong_folder_is_an_error_and_empties_nothing(tmp_path, vector_cache):
    config = _config(tmp_path, vector_cache)
    assert invoke(config, "ingest").exit_code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = invoke(config, "ask", FACT_Q, root=elsewhere)
    assert result.exit_code == 1
    assert "knowledge" in result.stderr and "--root" in result.stderr and "knowledge.dir" in result.stderr
    assert "Traceback" not in result.output
    again = invoke(config, "ingest")
    assert "removed=0" in again.stdout and "unchanged=5" in again.stdout


def test_run_from_outside_the_repository_leaves_no_stray_store(tmp_path):
    env = {**os.environ, "CONTREPOINT__LLM__MODEL": ""}
    env.pop("CONTREPOINT__LLM__MODEL")
    proc = subprocess.run([sys.executable, "-m", "bot", "ask", FACT_Q], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "knowledge folder" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / ".contrepoint").exists()
