"""/help: a short guide, in French or English by the user's Discord language."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app.rendering import COLOR_DEBATE
from bot.discord_app.replies import NO_MENTIONS
from bot.discord_app.strings import HELP, interaction_lang


def help_embed(lang: str) -> discord.Embed:
    title, rows, footer = HELP["en" if lang == "en" else "fr"]
    embed = discord.Embed(title=title, color=COLOR_DEBATE)
    for name, value in rows:
        embed.add_field(name=name, value=value, inline=False)
    embed.set_footer(text=footer)
    return embed


class HelpCog(commands.Cog, name="Help"):
    def __init__(self, bot: Any):
        self.bot = bot

    @app_commands.command(name="help")
    async def help(self, interaction: discord.Interaction) -> None:
        """How to use Contrepoint"""
        lang = interaction_lang(interaction.locale, self.bot.settings.language)
        await interaction.response.send_message(embed=help_embed(lang), ephemeral=True, allowed_mentions=NO_MENTIONS)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(HelpCog(bot))
