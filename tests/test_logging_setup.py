import logging

from bot.logging_setup import RedactingFormatter, redact

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789"


def test_redact_env_secrets_and_known_shapes():
    env = {"DISCORD_TOKEN": "supersecretvalue123", "HOME": "/root"}
    text = redact("token=supersecretvalue123 home=/root key sk-abcdefghijklmnopqrstuv " + TOKEN, env)
    assert "supersecretvalue123" not in text and "sk-abcdefghijklmnopqrstuv" not in text and TOKEN not in text
    assert "/root" in text
    assert redact("Authorization: Bot abc.def.ghi", {}) == "Authorization: Bot [redacted]"


def test_formatter_masks_messages_and_tracebacks_without_touching_the_record(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789abcdef")
    fmt = RedactingFormatter("%(message)s")
    try:
        raise RuntimeError(f"bad key sk-test-0123456789abcdef and {TOKEN}")
    except RuntimeError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "login with %s", (TOKEN,), sys.exc_info())
    out = fmt.format(record)
    assert TOKEN not in out and "sk-test-0123456789abcdef" not in out
    assert "RuntimeError" in out
    assert record.exc_info is not None and record.args == (TOKEN,)  # other handlers see the original record
