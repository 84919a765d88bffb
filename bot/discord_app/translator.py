"""French localizations of application commands (English is the default, in code).

Lookup order for a string being translated to French:
1. `locale_str("English text", fr="Texte français")` extras on the string itself;
2. the tables below, keyed by the English text (names and descriptions), merged with the
   tables other modules export (`bot.discord_app.poll_render.FR_LOCALIZATIONS`).
Names must be lowercase and match ^[-_\\w]{1,32}$; descriptions are 1..100 characters.
"""

from __future__ import annotations

import logging
import re

import discord
from discord import app_commands

log = logging.getLogger(__name__)

NAME_PATTERN = re.compile(r"^[-_\w]{1,32}$")
DESCRIPTION_MAX = 100

# English -> French, for the commands of the member-facing extensions.
FR: dict[str, str] = {
    # /ask
    "ask": "demander",
    "Ask a debate question: sourced answers from several sides": "Pose une question de débat : des réponses sourcées, de plusieurs points de vue",
    "question": "question",
    "Your question about AI and the economy": "Ta question sur l'IA et l'économie",
    # /debate
    "debate": "debat",
    "Show a debate map: the sides and their sourced arguments": "Afficher la carte d'un débat : les camps et leurs arguments sourcés",
    "topic": "sujet",
    "The debate topic (pick from the list or type words)": "Le sujet du débat (choisis dans la liste ou tape des mots)",
    # /counter
    "counter": "contrer",
    "The strongest sourced arguments against a claim": "Les arguments sourcés les plus solides contre une affirmation",
    "claim": "affirmation",
    "The claim to challenge": "L'affirmation à contredire",
    # /fact
    "fact": "fait",
    "A sourced fact, random or about a topic": "Un fait sourcé, au hasard ou sur un sujet",
    "Optional topic, e.g. chips, investment, jobs": "Sujet facultatif, par ex. puces, investissement, emplois",
    # /sources, /source
    "sources": "sources",
    "List the articles in the knowledge base": "Lister les articles de la base de connaissances",
    "source": "source",
    "Read an article's metadata and passages": "Lire les métadonnées et les passages d'un article",
    "article": "article",
    "The article (pick one from the list)": "L'article (choisis-le dans la liste)",
    # /help
    "help": "aide",
    "How to use Contrepoint": "Comment utiliser Contrepoint",
}


def _external_tables() -> dict[str, str]:
    """Tables from other extensions' modules (optional: a missing module is not an error)."""
    merged: dict[str, str] = {}
    try:
        from bot.discord_app import poll_render

        merged.update(getattr(poll_render, "FR_LOCALIZATIONS", {}))
    except Exception as exc:  # noqa: BLE001 - a broken optional table must not stop the bot
        log.warning("French localizations of the poll commands are unavailable: %s", exc)
    return merged


_NAME_LOCATIONS = {
    app_commands.TranslationContextLocation.command_name,
    app_commands.TranslationContextLocation.group_name,
    app_commands.TranslationContextLocation.parameter_name,
    app_commands.TranslationContextLocation.choice_name,
}


class ContrepointTranslator(app_commands.Translator):
    """Provides `fr` localizations; every other locale falls back to the English default."""

    def __init__(self, extra: dict[str, str] | None = None):
        self._table: dict[str, str] = {}
        self._extra = dict(extra or {})

    async def load(self) -> None:
        self._table = {**_external_tables(), **FR, **self._extra}

    def table(self) -> dict[str, str]:
        if not self._table:
            self._table = {**_external_tables(), **FR, **self._extra}
        return self._table

    def lookup(self, string: app_commands.locale_str, location) -> str | None:
        french = string.extras.get("fr") or self.table().get(string.message)
        if not french:
            return None
        if location in _NAME_LOCATIONS and location is not app_commands.TranslationContextLocation.choice_name:
            french = french.lower()
            if not NAME_PATTERN.match(french):
                log.warning("ignoring invalid French command name %r for %r", french, string.message)
                return None
        elif len(french) > DESCRIPTION_MAX:
            log.warning("ignoring French text over %d characters for %r", DESCRIPTION_MAX, string.message)
            return None
        return french

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if locale is not discord.Locale.french:
            return None
        return self.lookup(string, context.location)
