"""End to end: the real discord.py client against a small fake Discord (gateway + REST) on
127.0.0.1. An INTERACTION_CREATE for /ask must produce the defer callback (type 5) and then the
follow-up webhook with mentions disabled; `sync_commands` must PUT the translated tree."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import aiohttp
import discord
import discord.gateway
import discord.http
import pytest
import yarl
from aiohttp import web
from pydantic import SecretStr

from bot.discord_app.client import ContrepointBot
from bot.discord_app.launcher import extension_names, sync_commands_async
from bot.discord_app.payload import command_payload_async
from bot.discord_app.rendering import message_problems
from bot.settings import Secrets

TOKEN = "fake-token-for-tests"
APP_ID = 1100000000000000001
BOT_ID = 1100000000000000002
GUILD_ID = 1100000000000000003
CHANNEL_ID = 1100000000000000004
USER_ID = 1100000000000000005
INTERACTION_ID = 1100000000000000006
TIMEOUT_S = 20


def reply(data: Any, status: int = 200) -> web.Response:
    """JSON with the exact content type discord.py expects ("application/json", no charset)."""
    return web.Response(body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"})


def user(uid: int, name: str, bot: bool = False) -> dict:
    return {"id": str(uid), "username": name, "discriminator": "0", "global_name": name, "avatar": None, "bot": bot}


class FakeDiscord:
    """Just enough of Discord's REST API and gateway for one bot session."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, Any]] = []
        self.callbacks: list[dict] = []
        self.followups: list[dict] = []
        self.synced: dict[str, list] = {}
        self.by_token: dict[str, list[tuple[str, Any]]] = {}
        self.identify: dict | None = None
        self.followup_seen = asyncio.Event()
        self.ws: web.WebSocketResponse | None = None
        self.port = 0
        self.runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self.gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self.rest)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- REST ------------------------------------------------------------------------------
    async def rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.can_read_body:
            if request.content_type == "multipart/form-data":
                form = await request.post()
                body = json.loads(form["payload_json"])  # type: ignore[arg-type]
            else:
                body = await request.json()
        self.requests.append((request.method, path, body))
        if request.headers.get("Authorization") not in (f"Bot {TOKEN}", None):
            return reply({"message": "401: Unauthorized", "code": 0}, status=401)
        if path == "/users/@me":
            return reply(user(BOT_ID, "contrepoint", bot=True))
        if path == "/oauth2/applications/@me":
            return reply({
                "id": str(APP_ID), "name": "Contrepoint", "description": "", "icon": None, "bot_public": True,
                "bot_require_code_grant": False, "owner": user(USER_ID, "owner"), "verify_key": "k", "flags": 0,
            })
        if path in ("/gateway", "/gateway/bot"):
            return reply({"url": f"ws://127.0.0.1:{self.port}/gateway", "shards": 1,
                                      "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}})
        m = re.fullmatch(r"/interactions/(\d+)/([\w-]+)/callback", path)
        if m:
            self.callbacks.append(body)
            self.by_token.setdefault(m[2], []).append(("callback", body))
            return reply({"interaction": {"id": m[1], "type": 2,
                                          "response_message_loading": body.get("type") == 5,
                                          "response_message_ephemeral": bool((body.get("data") or {}).get("flags", 0) & 64)}})
        m = re.fullmatch(rf"/webhooks/{APP_ID}/([\w-]+)", path)
        if m:
            self.followups.append(body)
            self.by_token.setdefault(m[1], []).append(("followup", body))
            self.followup_seen.set()
            return reply(self.message(body))
        if request.method == "PUT" and path.startswith(f"/applications/{APP_ID}/"):
            self.synced[path] = body
            return reply([{**cmd, "id": str(2000 + i), "application_id": str(APP_ID), "version": "1",
                                       "default_member_permissions": cmd.get("default_member_permissions")}
                                      for i, cmd in enumerate(body)])
        return reply({"message": f"unexpected {request.method} {path}", "code": 0}, status=404)

    def message(self, body: dict) -> dict:
        return {
            "id": "1200000000000000001", "channel_id": str(CHANNEL_ID), "type": 0, "content": body.get("content") or "",
            "author": user(BOT_ID, "contrepoint", bot=True), "timestamp": "2024-01-01T00:00:00+00:00",
            "edited_timestamp": None, "tts": False, "mention_everyone": False, "mentions": [], "mention_roles": [],
            "attachments": [], "embeds": body.get("embeds") or [], "pinned": False, "flags": 0,
            "components": body.get("components") or [], "webhook_id": str(APP_ID),
        }

    # -- gateway -------------------------------------------------------------------------
    async def gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.ws = ws
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 45000}})
        async for msg in ws:
            if msg.type is not aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(msg.data)
            if data["op"] == 1:
                await ws.send_json({"op": 11})
            elif data["op"] == 2:
                self.identify = data["d"]
                await ws.send_json({"op": 0, "t": "READY", "s": 1, "d": {
                    "v": 10, "user": user(BOT_ID, "contrepoint", bot=True), "guilds": [], "private_channels": [],
                    "session_id": "session", "resume_gateway_url": f"ws://127.0.0.1:{self.port}/gateway",
                    "application": {"id": str(APP_ID), "flags": 0},
                }})
        return ws

    async def dispatch(self, event: str, data: dict, seq: int = 2) -> None:
        assert self.ws is not None
        await self.ws.send_json({"op": 0, "t": event, "s": seq, "d": data})


def interaction(iid: int, token: str, kind: int, data: dict, **extra) -> dict:
    """An INTERACTION_CREATE payload with the fields Discord sends for a guild text channel."""
    return {
        "id": str(iid), "application_id": str(APP_ID), "type": kind, "token": token, "version": 1, "data": data,
        "guild_id": str(GUILD_ID), "channel_id": str(CHANNEL_ID),
        "channel": {"id": str(CHANNEL_ID), "type": 0, "guild_id": str(GUILD_ID), "name": "debats", "position": 0,
                    "permission_overwrites": [], "nsfw": False, "parent_id": None, "topic": None,
                    "last_message_id": None, "rate_limit_per_user": 0, "flags": 0},
        "member": {"user": user(USER_ID, "membre"), "roles": [], "joined_at": "2024-01-01T00:00:00+00:00",
                   "deaf": False, "mute": False, "flags": 0, "permissions": "2248473465835073", "nick": None,
                   "avatar": None, "pending": False},
        "locale": "fr", "guild_locale": "fr", "app_permissions": "2248473465835073", "entitlements": [],
        "authorizing_integration_owners": {"0": str(GUILD_ID)}, "context": 0, "attachment_size_limit": 8388608,
        **extra,
    }


def ask_interaction(question: str, *, focused: bool = False, iid: int = INTERACTION_ID, token: str = "interaction-token") -> dict:
    option = {"name": "question", "type": 3, "value": question, **({"focused": True} if focused else {})}
    data = {"id": "1300000000000000001", "name": "ask", "type": 1, "options": [option]}
    return interaction(iid, token, 4 if focused else 2, data)


async def until(predicate) -> None:
    while not predicate():
        await asyncio.sleep(0.01)


@pytest.fixture
async def fake_discord(monkeypatch):
    server = FakeDiscord()
    await server.start()
    monkeypatch.setattr(discord.http.Route, "BASE", f"{server.base}/api/v10")
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(f"ws://127.0.0.1:{server.port}/gateway"))
    yield server
    await server.stop()


async def test_ask_through_a_real_client_defers_then_follows_up(fake_discord, fake_service, discord_settings, discord_schema):
    bot = ContrepointBot(fake_service, discord_settings, extensions=extension_names(), guild_ready_timeout=0.1)

    async def scenario() -> None:
        runner = None
        try:
            await bot.login(TOKEN)
            runner = asyncio.create_task(bot.connect(reconnect=False))
            await bot.wait_until_ready()
            await fake_discord.dispatch("INTERACTION_CREATE", ask_interaction("Faut-il automatiser l'économie ? @everyone"))
            await fake_discord.followup_seen.wait()
            # a click on the persistent "Sources" button of the message just sent
            answer = fake_discord.followups[0]
            src = answer["components"][0]["components"][0]["custom_id"]
            click = interaction(INTERACTION_ID + 1, "tok-click", 3, {"custom_id": src, "component_type": 2},
                                message=fake_discord.message(answer))
            await fake_discord.dispatch("INTERACTION_CREATE", click, seq=3)
            await until(lambda: [k for k, _ in fake_discord.by_token.get("tok-click", [])] == ["callback", "followup"])
            # autocomplete of /ask
            await fake_discord.dispatch("INTERACTION_CREATE", ask_interaction("automatiser", focused=True, iid=INTERACTION_ID + 2, token="tok-auto"), seq=4)
            await until(lambda: "tok-auto" in fake_discord.by_token)
        finally:
            await bot.close()
            if runner is not None:
                await asyncio.wait([runner], timeout=5)

    await asyncio.wait_for(scenario(), TIMEOUT_S)

    assert fake_discord.identify["token"] == TOKEN
    assert fake_discord.identify["intents"] & discord.Intents(message_content=True).value
    assert fake_discord.by_token["interaction-token"][0] == ("callback", {"type": 5})  # deferred "thinking", public
    followup = fake_discord.by_token["interaction-token"][1][1]
    assert followup["allowed_mentions"] == {"parse": []}
    discord_schema("IncomingWebhookRequestPartial", followup)
    embed = discord.Embed.from_dict(followup["embeds"][0])
    assert embed.title == "Faut-il automatiser l'économie ? @everyone" and message_problems([embed]) == []
    ids = [c["custom_id"] for row in followup["components"] for c in row["components"]]
    assert [i.split(":")[1] for i in ids] == ["src", "more", "poll"]
    # order on the wire: the defer callback came before the follow-up
    paths = [p for _, p, _ in fake_discord.requests]
    assert paths.index(f"/interactions/{INTERACTION_ID}/interaction-token/callback") < paths.index(f"/webhooks/{APP_ID}/interaction-token")
    assert not any(method == "PUT" for method, _, _ in fake_discord.requests)  # never syncs on start-up
    assert ("ask", "Faut-il automatiser l'économie ? @everyone", "fr", ()) in fake_service.calls
    # the button click: private "thinking" defer, then the verbatim quotes, privately
    (_, defer), (_, sources) = fake_discord.by_token["tok-click"]
    assert defer == {"type": 5, "data": {"flags": 64}}
    assert sources["flags"] & 64 and sources["allowed_mentions"] == {"parse": []}
    assert [f["value"] for f in sources["embeds"][0]["fields"]] == ["automatiser de larges pans de l'économie", "ce projet dystopique"]
    discord_schema("IncomingWebhookRequestPartial", sources)
    # autocomplete: choices from the debates in memory
    [(_, auto)] = fake_discord.by_token["tok-auto"]
    assert auto == {"type": 8, "data": {"choices": [{"name": "Faut-il automatiser l'économie ?", "value": "Faut-il automatiser l'économie ?"}]}}


async def test_sync_commands_puts_the_translated_tree_to_one_guild(fake_discord, fake_service, discord_settings, discord_schema):
    secrets = Secrets(discord_token=SecretStr(TOKEN))
    count = await asyncio.wait_for(sync_commands_async(fake_service, discord_settings, secrets, guild_id=GUILD_ID), TIMEOUT_S)
    [(path, body)] = fake_discord.synced.items()
    assert path == f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"
    assert count == len(body) == len(await command_payload_async(fake_service, discord_settings))
    for cmd in body:
        discord_schema("ApplicationCommandUpdateRequest", cmd)
    assert next(c for c in body if c["name"] == "ask")["name_localizations"] == {"fr": "demander"}
    assert ("ensure_ready",) not in fake_service.calls  # syncing never builds the store
