"""The Discord layer's access to the one message table (bot/core/messages), the /help embed's
content, and the reply language of an interaction."""

from __future__ import annotations

from bot.core.i18n import normalize_lang
from bot.core.messages import input_error_text, t
from bot.core.models import Lang

__all__ = ["HELP", "input_error_text", "interaction_lang", "t"]

HELP: dict[str, tuple[str, list[tuple[str, str]], str]] = {
    "fr": (
        "Contrepoint : mode d'emploi",
        [
            ("/ask question", "Une question de débat → plusieurs points de vue, chacun appuyé sur des passages cités. Boutons : Sources, Autres points de vue."),
            ("/debate sujet", "La carte d'un débat : les camps, leurs résumés, puis les arguments d'un camp avec citations."),
            ("/counter affirmation", "Les arguments sourcés les plus solides des autres camps."),
            ("/fact [sujet]", "Un fait sourcé, au hasard ou sur un sujet."),
            ("/sources · /source article", "Les articles de la base, puis les passages d'un article."),
            ("@Contrepoint question", "Mentionne-moi : j'ouvre un fil et je réponds ; tes questions suivantes dans le fil gardent le contexte."),
        ],
        "Je ne donne pas mon avis : je montre ce que disent les sources, de plusieurs côtés.",
    ),
    "en": (
        "Contrepoint: how it works",
        [
            ("/ask question", "A debate question → several viewpoints, each backed by quoted passages. Buttons: Sources, Counter-arguments."),
            ("/debate topic", "A debate map: the sides, their summaries, then one side's arguments with quotes."),
            ("/counter claim", "The strongest sourced arguments of the other sides."),
            ("/fact [topic]", "A sourced fact, random or on a topic."),
            ("/sources · /source article", "The articles in the knowledge base, then one article's passages."),
            ("@Contrepoint question", "Mention me: I open a thread and answer; your next questions in the thread keep the context."),
        ],
        "I don't give my opinion: I show what the sources say, from several sides.",
    ),
}


def interaction_lang(locale: object, default: Lang = "fr") -> Lang:
    """'fr' / 'en' from a Discord locale (discord.Locale or str); anything else -> `default`."""
    value = getattr(locale, "value", locale)
    return normalize_lang(str(value) if value else None, default=default)
