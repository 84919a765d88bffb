"""`knowledge coverage` on a copy of the real knowledge folder (real e5 vectors from the shared cache)."""

from __future__ import annotations

import io

import pytest
import yaml
from click.testing import CliRunner
from conftest import VECTOR_CACHE, make_settings

from bot.cli import cli
from bot.core.knowledge.coverage import coverage
from bot.core.knowledge.coverage_chart import coverage_chart_png
from bot.core.knowledge.side_similarity import open_folder, open_vectors

CAKE = ("La tarte Tatin se prépare avec des pommes caramélisées au beurre et au sucre. On la cuit à l'envers, la pâte posée "
        "sur les fruits, puis on la retourne à la sortie du four.\n")
CAKE_2 = ("Pour réussir une tarte Tatin, il faut faire caraméliser les pommes dans le beurre et le sucre avant de poser la pâte. "
          "Le match de football de samedi a été reporté à cause de la pluie.\n")


@pytest.fixture
def kdir(knowledge_copy):
    for name, body in (("tatin", CAKE), ("tatin-2", CAKE_2)):
        (knowledge_copy / "articles" / f"{name}.md").write_text(f'---\ntitle: "{name}"\n---\n{body}', encoding="utf-8")
    return knowledge_copy


@pytest.fixture
def report(kdir, tmp_path):
    vectors = open_vectors(make_settings(tmp_path, tmp_path / "data", knowledge_dir=kdir))
    return coverage(open_folder(kdir, tmp_path), vectors)


def test_quotes_and_articles_per_side_match_debates_yaml(kdir, report):
    raw = yaml.safe_load((kdir / "debates.yaml").read_text(encoding="utf-8"))["debates"]
    expected = [(d["id"], s["id"], sum(len(a["quotes"]) for a in s["arguments"]),
                 tuple(sorted({q["article"] for a in s["arguments"] for q in a["quotes"]}))) for d in raw for s in d["sides"]]
    assert [(s.debate_id, s.side_id, s.quotes, s.articles) for s in report.sides] == expected


def test_articles_nothing_covers_and_their_topics(report):
    by_id = {a.article_id: a for a in report.articles}
    assert by_id["tatin"].debate_quotes == 0 and by_id["tatin"].uncovered == by_id["tatin"].sentences == 2
    assert by_id["anthropic-automatiser-economie"].debate_quotes > 20 and by_id["anthropic-automatiser-economie"].fact_quotes > 5
    assert by_id["anthropic-automatiser-economie"].uncovered <= 2
    cake = [t for t in report.topics if any("Tatin" in s.text for s in t.sentences)]
    assert len(cake) == 1 and set(cake[0].articles) == {"tatin", "tatin-2"}  # one topic across the two articles
    assert all(t.best_similarity < report.uncovered_max for t in report.topics)
    football = [t for t in report.topics if any("football" in s.text for s in t.sentences)]
    assert football and football[0] is not cake[0]


def test_chart_is_a_png(report):
    import matplotlib.image as mpimg

    png = coverage_chart_png(report)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    height, width, _ = mpimg.imread(io.BytesIO(png)).shape
    assert height > width > 500  # one bar per side: a tall chart


def test_cli_table_and_png(kdir):
    root = kdir.parent
    cfg = root / "config.yaml"
    cfg.write_text(f"store:\n  data_dir: {root / 'data'}\nembeddings:\n  cache_dir: {VECTOR_CACHE}\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["--root", str(root), "--config", str(cfg), "knowledge", "coverage", "--png", str(root / "out" / "cov.png"), "--topics", "1"])
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "[automatiser-economie] Que pensez-vous du projet d'Anthropic" in out
    assert "tatin " in out and "Topics no debate covers (no side closer than 0.88):" in out
    assert "  1. [" in out and "more (--topics N)" in out
    assert (root / "out" / "cov.png").read_bytes()[:4] == b"\x89PNG" and "wrote out/cov.png" in res.stderr
