"""The maintainers' `contrepoint knowledge …` commands, run in-process with click's CliRunner over a copy
of the real knowledge folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli

REPO = Path(__file__).resolve().parents[1]
STORY = (
    "La Banque centrale européenne a publié une note sur la productivité des entreprises qui adoptent des robots industriels. "
    "Elle observe des gains concentrés dans l'automobile et la chimie, et des effets modestes sur les salaires. "
    "Les auteurs recommandent de mesurer plus finement la diffusion de ces technologies dans les petites entreprises."
)


@pytest.fixture
def root(tmp_path, vector_cache) -> Path:
    shutil.copytree(REPO / "knowledge", tmp_path / "knowledge")
    (tmp_path / "config.yaml").write_text(
        f"store:\n  data_dir: {tmp_path / 'data'}\nembeddings:\n  backend: e5\n  cache_dir: {vector_cache}\n", encoding="utf-8")
    return tmp_path


def invoke(root: Path, *args: str):
    return CliRunner().invoke(cli, ["--root", str(root), "--config", str(root / "config.yaml"), *args])


def test_add_writes_each_good_source_and_exits_1_for_a_bad_one(root):
    note = root / "robots.txt"
    note.write_text("Robots et productivité\n\n" + STORY + "\n", encoding="utf-8")
    res = invoke(root, "knowledge", "add", str(note), str(root / "absent.pdf"), "--outlet", "BCE", "--date", "2023-10")
    assert res.exit_code == 1
    assert "wrote knowledge/articles/robots-et-productivite.md" in res.stdout and "outlet: BCE" in res.stdout
    assert "not added:" in res.stderr and "absent.pdf: no such file" in res.stderr
    assert (root / "knowledge" / "articles" / "robots-et-productivite.md").exists()
    again = invoke(root, "knowledge", "add", str(note))
    assert again.exit_code == 1 and "already has the title" in again.stderr
    check = invoke(root, "knowledge", "check")
    assert check.exit_code == 0, check.output


def test_add_dry_run_and_title_for_several_sources(root):
    note = root / "robots.txt"
    note.write_text(STORY, encoding="utf-8")
    dry = invoke(root, "knowledge", "add", "--dry-run", str(note))
    assert dry.exit_code == 0 and dry.stdout.startswith("would write knowledge/articles/")
    assert len(list((root / "knowledge" / "articles").iterdir())) == 5
    res = invoke(root, "knowledge", "add", "--title", "X", str(note), str(note))
    assert res.exit_code == 2 and "--title applies to one source" in res.output
