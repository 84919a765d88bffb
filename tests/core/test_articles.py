from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.core.knowledge.articles import load_articles
from bot.core.knowledge.check import check_knowledge

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO.parent / "shared" / "seeds"


def test_articles_bodies_are_the_seeds_verbatim():
    loaded = load_articles(REPO / "knowledge", REPO)
    assert not loaded.problems
    assert len(loaded.articles) >= 5
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not present")
    bodies = {a.body for a in loaded.articles}
    for seed in sorted(SEEDS.glob("*.txt")):
        assert seed.read_bytes().decode("utf-8") in bodies, f"{seed.name} is not copied verbatim"


def test_front_matter_fields():
    loaded = load_articles(REPO / "knowledge", REPO)
    for a in loaded.articles:
        assert a.title and a.language == "fr"
        assert a.source.startswith("knowledge/articles/") and a.source.endswith(".md")
        assert "http" not in (a.outlet or "")


def write(folder: Path, name: str, data: bytes | str) -> Path:
    p = folder / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return p


def test_plain_files_without_front_matter(tmp_path):
    k = tmp_path / "knowledge"
    write(k, "articles/note-libre.txt", "Un titre simple\nLe corps du texte. Deuxième phrase.")
    write(k, "articles/sans-titre.md", "# Titre markdown\n\nTexte.")
    loaded = load_articles(k, tmp_path)
    assert not loaded.problems
    titles = {a.id: a.title for a in loaded.articles}
    assert titles == {"note-libre": "Un titre simple", "sans-titre": "Titre markdown"}
    body = next(a.body for a in loaded.articles if a.id == "note-libre")
    assert body == "Un titre simple\nLe corps du texte. Deuxième phrase."


BAD_FILES = {
    "articles/empty.md": (b"", "empty file"),
    "articles/blank.txt": (b"  \n\n", "empty file"),
    "articles/latin1.txt": ("Économie".encode("latin-1"), "not UTF-8"),
    "articles/unclosed.md": (b"---\ntitle: x\nno closing fence\n", "without a closing"),
    "articles/badyaml.md": (b"---\ntitle: [oops\n---\nBody.", "invalid YAML"),
    "articles/list.md": (b"---\n- a\n- b\n---\nBody.", "mapping"),
    "articles/unknown-key.md": (b"---\ntitel: Typo\n---\nBody.", "unknown front matter key"),
    "articles/no-body.md": (b"---\ntitle: Seul\n---\n\n", "no article text"),
    "articles/bad-id.md": (b"---\nid: Bad Id!\ntitle: T\n---\nBody.", "invalid id"),
}


def test_every_kind_of_bad_file_is_reported_and_good_files_still_load(tmp_path):
    k = tmp_path / "knowledge"
    write(k, "articles/good.md", "---\ntitle: Bon article\n---\nTexte valable.")
    for name, (data, _) in BAD_FILES.items():
        write(k, name, data)
    write(k, "articles/zz-dup-id.md", "---\nid: good\ntitle: Autre titre\n---\nTexte.")
    write(k, "articles/zz-dup-title.md", "---\ntitle: Bon article\n---\nAutre texte.")
    loaded = load_articles(k, tmp_path)
    assert [a.id for a in loaded.articles] == ["good"]
    reasons = {p.path.split("/")[-1]: p.reason for p in loaded.problems}
    for name, (_, expected) in BAD_FILES.items():
        assert expected in reasons[name.split("/")[-1]], (name, reasons.get(name))
    assert "duplicate id" in reasons["zz-dup-id.md"]
    assert "duplicate title" in reasons["zz-dup-title.md"]


def test_knowledge_check_command(tmp_path):
    runner = CliRunner()
    ok = runner.invoke(cli, ["--root", str(REPO), "knowledge", "check"])
    assert ok.exit_code == 0, ok.output
    k = tmp_path / "knowledge"
    write(k, "articles/good.md", "---\ntitle: Bon\n---\nTexte.")
    write(k, "articles/empty.md", b"")
    res = runner.invoke(cli, ["--root", str(tmp_path), "knowledge", "check"])
    assert res.exit_code == 1
    assert "knowledge/articles/empty.md: empty file" in res.output


def test_check_report_counts_real_knowledge():
    report = check_knowledge(REPO / "knowledge", REPO)
    assert report.problems == []
    assert report.articles >= 5 and report.debates >= 8 and report.facts >= 20


def test_listing_skips_hidden_readmes_links_to_folders_and_broken_links(tmp_path):
    import os

    from bot.core.knowledge.articles import article_files

    (tmp_path / "a" / "deep").mkdir(parents=True)
    (tmp_path / "_drafts").mkdir()
    (tmp_path / "outside").mkdir()
    for rel in ("b.md", "a/a.txt", "a/deep/c.md", "README.md", ".hidden.md", "_draft.md", "_drafts/d.md",
                "notes.pdf", "outside/o.md"):
        (tmp_path / rel).write_text("Texte.", encoding="utf-8")
    os.symlink(tmp_path / "outside", tmp_path / "a" / "linked")  # like os.walk: not followed
    os.symlink(tmp_path / "missing.md", tmp_path / "broken.md")
    os.symlink(tmp_path / "b.md", tmp_path / "alias.md")  # a link to a file is a file
    names = [p.relative_to(tmp_path).as_posix() for p in article_files(tmp_path)]
    assert names == ["a/a.txt", "a/deep/c.md", "alias.md", "b.md", "outside/o.md"]
