"""`contrepoint doctor --discord`: log in over HTTP only (no gateway) and check the bot's permissions per guild.

Uses the guild-level permissions Discord reports for the bot in GET /users/@me/guilds; a channel's
overwrites can still remove some, which the bot reports when it meets them.
"""

from __future__ import annotations

import asyncio

import discord

from bot.doctor import Check

# the permissions docs/discord.md asks for in the invite
NEEDED = ("send_messages", "send_messages_in_threads", "embed_links", "attach_files", "send_polls",
          "create_public_threads", "read_message_history")


def _missing(permissions: discord.Permissions) -> list[str]:
    if permissions.administrator:
        return []
    return [name for name in NEEDED if not getattr(permissions, name)]


async def discord_checks(token: str, *, timeout: float = 10.0) -> list[Check]:
    """One check for the login, then one per guild the bot is in."""
    http = discord.http.HTTPClient(asyncio.get_running_loop())
    try:
        try:
            me = await asyncio.wait_for(http.static_login(token), timeout)
        except discord.LoginFailure:
            return [Check("discord", "FAIL", "Discord refused the token", "reset the token in the Developer Portal and update .env")]
        except (discord.HTTPException, OSError, asyncio.TimeoutError) as exc:
            return [Check("discord", "FAIL", f"Discord unreachable ({type(exc).__name__})", "check the network and retry")]
        guilds = await asyncio.wait_for(http.get_guilds(200), timeout)
        checks = [Check("discord", "OK", f"logged in as {me.get('username', '?')}, in {len(guilds)} guild(s)")]
        if not guilds:
            checks.append(Check("discord guilds", "WARN", "the bot is in no guild", "invite it (docs/discord.md)"))
        for g in guilds:
            missing = _missing(discord.Permissions(int(g.get("permissions", 0))))
            name = f"guild {g.get('name', '?')} ({g['id']})"
            if missing:
                checks.append(Check(name, "FAIL", "missing " + ", ".join(missing),
                                    "grant them to the bot's role (Server settings > Roles)"))
            else:
                checks.append(Check(name, "OK", "all needed permissions"))
        return checks
    finally:
        await http.close()
