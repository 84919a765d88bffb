from pathlib import Path

from click.testing import CliRunner

from bot.cli import cli

REPO = Path(__file__).resolve().parents[1]


def invoke(tmp_path, *args, env=None):
    cfg = tmp_path / "config.yaml"
    cfg.write_text(f"store:\n  data_dir: {tmp_path / 'data'}\nembeddings:\n  backend: hashing\n", encoding="utf-8")
    return CliRunner().invoke(cli, ["--root", str(tmp_path), "--config", str(cfg), *args], env=env or {})


def test_run_without_token_explains_how_to_get_one(tmp_path, monkeypatch):
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    res = invoke(tmp_path, "run")
    assert res.exit_code == 1
    assert "DISCORD_TOKEN is not set" in res.output and "discord.com/developers/applications" in res.output
    assert "contrepoint console" in res.output


def test_sync_without_token(tmp_path, monkeypatch):
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    res = invoke(tmp_path, "sync", "--guild", "123")
    assert res.exit_code == 1 and "DISCORD_TOKEN is not set" in res.output


def test_bad_config_names_the_key(tmp_path):
    cfg = tmp_path / "config.yaml"
    cfg.write_text("retrieval:\n  weigths: {}\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["--root", str(tmp_path), "--config", str(cfg), "search", "x"])
    assert res.exit_code == 1 and "retrieval.weigths: unknown key" in res.output


def test_ingest_is_incremental_and_prints_a_summary(tmp_path):
    import shutil

    shutil.copytree(REPO / "knowledge", tmp_path / "knowledge")
    first = invoke(tmp_path, "ingest")
    assert first.exit_code == 0, first.output
    assert "added=5" in first.stdout and "embedded=" in first.stdout
    second = invoke(tmp_path, "ingest")
    assert "added=0 updated=0 removed=0 unchanged=5" in second.stdout and "embedded=0" in second.stdout
