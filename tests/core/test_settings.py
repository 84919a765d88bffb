from pathlib import Path

import pytest

from bot.settings import ConfigError, Secrets, load_settings


def test_defaults_work_without_a_config_file(tmp_path):
    s = load_settings(root=tmp_path, env={})
    assert s.language == "fr"
    assert s.embeddings.backend == "e5"
    assert s.store.data_dir == tmp_path / ".contrepoint"
    assert s.polls.db_path == tmp_path / ".contrepoint" / "polls.sqlite3"


def test_example_config_is_valid_and_documents_every_setting():
    repo = Path(__file__).resolve().parents[2]
    example = repo / "config.example.yaml"
    s = load_settings(example, root=repo, env={})
    assert s.retrieval.k >= 1
    text = example.read_text(encoding="utf-8")
    for section, model in s:
        assert f"{section}:" in text, section
        if hasattr(type(model), "model_fields"):
            for key in type(model).model_fields:
                assert f"{key}:" in text, f"{section}.{key} is not documented in config.example.yaml"


def test_unknown_key_is_named(tmp_path):
    cfg = tmp_path / "config.yaml"
    cfg.write_text("retrieval:\n  kk: 3\n", encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_settings(cfg, root=tmp_path, env={})
    assert "retrieval.kk" in str(exc.value) and "unknown key" in str(exc.value)


def test_bad_value_is_named(tmp_path):
    cfg = tmp_path / "config.yaml"
    cfg.write_text("retrieval:\n  k: 0\nlanguage: de\n", encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_settings(cfg, root=tmp_path, env={})
    msg = str(exc.value)
    assert "retrieval.k" in msg and "language" in msg


def test_unparsable_and_non_mapping_configs(tmp_path):
    cfg = tmp_path / "config.yaml"
    cfg.write_text("retrieval: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="Cannot parse"):
        load_settings(cfg, root=tmp_path, env={})
    cfg.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="mapping"):
        load_settings(cfg, root=tmp_path, env={})


def test_missing_explicit_config_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.yaml", root=tmp_path, env={})


def test_environment_overrides_yaml(tmp_path):
    cfg = tmp_path / "config.yaml"
    cfg.write_text("retrieval:\n  k: 4\n", encoding="utf-8")
    s = load_settings(cfg, root=tmp_path, env={"CONTREPOINT__RETRIEVAL__K": "7", "CONTREPOINT__LLM__MODEL": "openai:gpt-4o-mini"})
    assert s.retrieval.k == 7
    assert s.llm.model == "openai:gpt-4o-mini"


def test_bad_environment_override_is_named(tmp_path):
    with pytest.raises(ConfigError) as exc:
        load_settings(root=tmp_path, env={"CONTREPOINT__DISCORD__MAX_CONCURRENT_ANSWERS": "lots"})
    assert "discord.max_concurrent_answers" in str(exc.value)


def test_secrets_never_render():
    token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789"
    s = Secrets.from_env({"DISCORD_TOKEN": token})
    assert token not in repr(s) and token not in str(s)
    assert s.discord_token.get_secret_value() == token
    assert Secrets.from_env({}).discord_token is None
