"""Server-side permission checks for moderator and administrator commands.

Discord's `default_permissions` only hides commands and can be overridden by a server's
integration settings, so every moderator/admin command re-checks here.
"""

from __future__ import annotations

import discord

from bot.settings import Settings


def _permission_sets(member: discord.Member) -> list[discord.Permissions]:
    """Guild-level permissions, plus the channel-resolved ones of an interaction when present."""
    perms = [member.guild_permissions]
    resolved = getattr(member, "resolved_permissions", None)
    if isinstance(resolved, discord.Permissions):
        perms.append(resolved)
    return perms


def is_admin(member: discord.abc.User | None) -> bool:
    """True for a guild member with Administrator or Manage Server. Users in DMs: False."""
    if not isinstance(member, discord.Member):
        return False
    return any(p.administrator or p.manage_guild for p in _permission_sets(member))


def is_moderator(member: discord.abc.User | None, settings: Settings) -> bool:
    """True for a guild member who may run polls.

    With `discord.moderator_role_ids` set: members holding one of those roles.
    With the list empty: members with Manage Messages.
    Administrators always qualify (they could grant themselves the role anyway).
    Users outside a guild (DMs): False.
    """
    if not isinstance(member, discord.Member):
        return False
    perm_sets = _permission_sets(member)
    if any(p.administrator for p in perm_sets):
        return True
    role_ids = set(settings.discord.moderator_role_ids)
    if role_ids:
        return any(role.id in role_ids for role in member.roles)
    return any(p.manage_messages for p in perm_sets)
