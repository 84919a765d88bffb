"""is_moderator / is_admin on real discord.Member objects (real Guild, roles and Permissions)."""

from __future__ import annotations

import discord
import pytest
from discord.state import ConnectionState

from bot.discord_app.permissions import is_admin, is_moderator
from bot.settings import Settings

GUILD_ID = 111111111111111111
OWNER_ID = 1
ROLES = {
    "modo": (2000, discord.Permissions(manage_messages=True)),
    "team": (2100, discord.Permissions.none()),
    "admin": (2200, discord.Permissions(administrator=True)),
    "manager": (2300, discord.Permissions(manage_guild=True)),
    "chatter": (2400, discord.Permissions(send_messages=True, kick_members=True)),
}


def user_payload(uid: int) -> dict:
    return {"id": str(uid), "username": f"u{uid}", "discriminator": "0", "avatar": None, "global_name": None}


@pytest.fixture(scope="module")
def guild() -> discord.Guild:
    state = ConnectionState(dispatch=lambda *a, **k: None, handlers={}, hooks={}, http=None,
                            intents=discord.Intents.default(), chunk_guilds_at_startup=False)
    roles = [{"id": str(GUILD_ID), "name": "@everyone", "permissions": str(discord.Permissions(view_channel=True).value),
              "position": 0, "color": 0, "hoist": False, "managed": False, "mentionable": False}]
    for pos, (name, (rid, perms)) in enumerate(ROLES.items(), start=1):
        roles.append({"id": str(rid), "name": name, "permissions": str(perms.value), "position": pos, "color": 0,
                      "hoist": False, "managed": False, "mentionable": False})
    g = discord.Guild(state=state, data={"id": str(GUILD_ID), "name": "G", "owner_id": str(OWNER_ID), "roles": roles,
                                         "channels": [], "members": [], "emojis": [], "stickers": [], "features": []})
    state._add_guild(g)
    return g


def member(guild: discord.Guild, uid: int, *role_names: str, permissions: discord.Permissions | None = None) -> discord.Member:
    data = {"user": user_payload(uid), "roles": [str(ROLES[r][0]) for r in role_names],
            "joined_at": "2024-01-01T00:00:00+00:00", "deaf": False, "mute": False, "flags": 0}
    if permissions is not None:  # as in an interaction payload: resolved channel permissions
        data["permissions"] = str(permissions.value)
    return discord.Member(state=guild._state, guild=guild, data=data)


DEFAULT = Settings()
TEAM_ONLY = Settings.model_validate({"discord": {"moderator_role_ids": [ROLES["team"][0]]}})


@pytest.mark.parametrize(
    "roles, settings, expected",
    [
        (("modo",), DEFAULT, True),
        (("admin",), DEFAULT, True),
        ((), DEFAULT, False),
        (("chatter",), DEFAULT, False),
        (("team",), DEFAULT, False),
        (("team",), TEAM_ONLY, True),
        (("modo",), TEAM_ONLY, False),  # configured roles replace Manage Messages
        (("admin",), TEAM_ONLY, True),  # administrators always qualify
        (("chatter", "team"), TEAM_ONLY, True),
    ],
)
def test_is_moderator(guild, roles, settings, expected):
    assert is_moderator(member(guild, 50, *roles), settings) is expected


def test_guild_owner_is_moderator_and_admin(guild):
    owner = member(guild, OWNER_ID)
    assert is_moderator(owner, DEFAULT) and is_moderator(owner, TEAM_ONLY) and is_admin(owner)


def test_channel_resolved_permissions_count(guild):
    # Manage Messages granted by a channel overwrite, as Discord resolves it in the interaction payload.
    m = member(guild, 51, permissions=discord.Permissions(view_channel=True, manage_messages=True))
    assert is_moderator(m, DEFAULT) is True
    assert is_moderator(m, TEAM_ONLY) is False
    plain = member(guild, 52, permissions=discord.Permissions(view_channel=True, send_messages=True))
    assert is_moderator(plain, DEFAULT) is False


def test_users_outside_a_guild_are_never_moderators_or_admins(guild):
    state = guild._state
    user = discord.User(state=state, data=user_payload(60))
    assert is_moderator(user, DEFAULT) is False and is_moderator(None, DEFAULT) is False
    assert is_admin(user) is False and is_admin(None) is False


@pytest.mark.parametrize(
    "roles, expected",
    [(("admin",), True), (("manager",), True), (("modo",), False), (("chatter",), False), ((), False)],
)
def test_is_admin(guild, roles, expected):
    assert is_admin(member(guild, 70, *roles)) is expected
