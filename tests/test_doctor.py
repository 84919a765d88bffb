"""`contrepoint doctor`: real config files, a real knowledge folder, loopback HTTP servers for the Chroma
heartbeat, the LLM endpoint and Discord's REST API (discord.http.Route.BASE pointed at it)."""

from __future__ import annotations

import http.server
import json
import shutil
import socket
import threading
from pathlib import Path

import discord
import pytest
import yaml
from aiohttp import web
from click.testing import CliRunner

from bot.cli import cli
from bot.discord_app.doctor_discord import discord_checks
from bot.doctor import healthy, run_checks

REPO = Path(__file__).resolve().parents[1]
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GAbCdE.doctor-fake-token-0123456789abcdef"


@pytest.fixture
def root(tmp_path) -> Path:
    shutil.copytree(REPO / "knowledge", tmp_path / "knowledge")
    return tmp_path


def write_config(root: Path, data: dict) -> None:
    (root / "config.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")


def by_name(checks) -> dict:
    return {c.name: c for c in checks}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def http_server():
    """A stdlib HTTP server on 127.0.0.1 answering 200 {} to every GET; yields its port."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - stdlib name
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_a_healthy_setup_exits_0_and_never_prints_the_token(root, monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    result = CliRunner().invoke(cli, ["--root", str(root), "doctor"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split()[1] for line in lines] == ["config:", "token:", "store:", "knowledge:", "llm:"]
    assert all(line.split()[0] in {"OK", "WARN"} for line in lines)
    assert any(line.startswith("OK   token:") for line in lines)
    assert TOKEN not in result.output and TOKEN[:10] not in result.output


def test_unknown_key_and_bad_value_fail_with_the_key_names(root):
    write_config(root, {"store": {"chroma_prot": 8000}, "llm": {"temperature": 9}})
    result = CliRunner().invoke(cli, ["--root", str(root), "doctor"], env={"DISCORD_TOKEN": ""})
    assert result.exit_code == 1
    config_line = next(line for line in result.output.splitlines() if " config:" in line)
    assert config_line.startswith("FAIL") and "store.chroma_prot: unknown key" in config_line and "llm.temperature" in config_line
    assert "WARN token: DISCORD_TOKEN is not set" in result.output


def test_missing_token_is_a_warning_with_the_fix(root):
    checks = by_name(run_checks(None, root, {}))
    assert checks["token"].status == "WARN" and ".env" in checks["token"].fix
    assert healthy(list(checks.values()))


def test_chroma_server_down_fails_fast_naming_host_and_port(root):
    port = free_port()
    write_config(root, {"store": {"chroma_host": "127.0.0.1", "chroma_port": port}})
    store = by_name(run_checks(None, root, {}))["store"]
    assert store.status == "FAIL" and f"127.0.0.1:{port}" in store.detail and "chroma run" in store.fix


def test_a_server_that_only_answers_the_heartbeat_fails(root, http_server):
    write_config(root, {"store": {"chroma_host": "127.0.0.1", "chroma_port": http_server}})
    store = by_name(run_checks(None, root, {}))["store"]
    assert store.status == "FAIL" and "not its API" in store.detail and "Chroma version" in store.fix


def test_unwritable_local_store_fails(root):
    (root / "blocker").write_text("a file, not a folder", encoding="utf-8")
    write_config(root, {"store": {"data_dir": "blocker/store"}})
    store = by_name(run_checks(None, root, {}))["store"]
    assert store.status == "FAIL" and "store.data_dir" in store.fix


def test_broken_article_fails_the_knowledge_check(root):
    (root / "knowledge" / "articles" / "broken.md").write_text("---\nid: [oops\n---\nbody", encoding="utf-8")
    knowledge = by_name(run_checks(None, root, {}))["knowledge"]
    assert knowledge.status == "FAIL" and "broken.md" in knowledge.detail and "knowledge check" in knowledge.fix


def test_llm_endpoint_reachable_or_not(root, http_server):
    write_config(root, {"llm": {"model": "openai:gpt-4o-mini", "base_url": f"http://127.0.0.1:{http_server}/v1"}})
    assert by_name(run_checks(None, root, {}))["llm"].status == "OK"
    down = f"http://127.0.0.1:{free_port()}/v1"
    write_config(root, {"llm": {"model": "openai:gpt-4o-mini", "base_url": down}})
    llm = by_name(run_checks(None, root, {}))["llm"]
    assert llm.status == "FAIL" and down in llm.detail and "llm.base_url" in llm.fix


def test_no_llm_is_fine(root):
    assert by_name(run_checks(None, root, {}))["llm"].status == "OK"


# --------------------------------------------------------------------------- Discord, against a fake REST API

ALL_NEEDED = discord.Permissions(send_messages=True, send_messages_in_threads=True, embed_links=True, attach_files=True,
                                 send_polls=True, create_public_threads=True, read_message_history=True)


def reply(data, status: int = 200) -> web.Response:
    """JSON with the exact content type discord.py parses ("application/json", no charset)."""
    return web.Response(body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"})


@pytest.fixture
async def fake_discord(monkeypatch):
    guilds = [
        {"id": "1", "name": "Débats", "permissions": str(ALL_NEEDED.value)},
        {"id": "2", "name": "Sans sondages", "permissions": str(discord.Permissions(send_messages=True, embed_links=True).value)},
        {"id": "3", "name": "Admin", "permissions": str(discord.Permissions(administrator=True).value)},
    ]
    seen: list[str] = []

    async def me(request):
        seen.append(request.headers.get("Authorization", ""))
        if request.headers.get("Authorization") != f"Bot {TOKEN}":
            return reply({"message": "401: Unauthorized", "code": 0}, status=401)
        return reply({"id": "42", "username": "contrepoint", "discriminator": "0", "avatar": None, "bot": True})

    async def my_guilds(request):
        return reply(guilds)

    app = web.Application()
    app.router.add_get("/api/v10/users/@me", me)
    app.router.add_get("/api/v10/users/@me/guilds", my_guilds)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{port}/api/v10")
    yield seen
    await runner.cleanup()


async def test_discord_permissions_per_guild(fake_discord):
    checks = await discord_checks(TOKEN)
    lines = [c.line() for c in checks]
    assert checks[0].status == "OK" and "contrepoint" in checks[0].detail and "3 guild(s)" in checks[0].detail
    status = {c.name: c for c in checks[1:]}
    assert status["guild Débats (1)"].status == "OK" and status["guild Admin (3)"].status == "OK"
    missing = status["guild Sans sondages (2)"]
    assert missing.status == "FAIL" and missing.detail == "missing send_messages_in_threads, attach_files, send_polls, create_public_threads, read_message_history"
    assert not healthy(checks)
    assert all(TOKEN not in line for line in lines)


async def test_discord_refuses_a_bad_token(fake_discord):
    [check] = await discord_checks("not-the-token")
    assert check.status == "FAIL" and "refused the token" in check.detail and "not-the-token" not in check.line()


def test_cli_discord_flag_without_token_fails(root):
    result = CliRunner().invoke(cli, ["--root", str(root), "doctor", "--discord"], env={"DISCORD_TOKEN": ""})
    assert result.exit_code == 1 and "FAIL discord: cannot log in: DISCORD_TOKEN is not set" in result.output
