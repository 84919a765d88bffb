"""Pure helpers for the moderator commands: native Poll objects, results embeds, message
references, languages, and the French localizations of /poll and /reload. No network."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import timedelta

import discord

from bot.core.i18n import normalize_lang
from bot.core.messages import t
from bot.core.models import Lang
from bot.core.polls.spec import PollSpec
from bot.settings import Settings

RESULTS_PNG = "poll_results.png"
SHIFT_PNG = "poll_shift.png"
EMBED_DESCRIPTION_MAX = 2900  # two embeds stay under Discord's 6000-character total
CHOICE_NAME_MAX = 100  # Discord autocomplete choice name/value limit
COLOR = 0x5865F2

# English command names / descriptions -> French. Imported by bot/discord_app/translator.py.
# Names: lowercase, no spaces, <= 32 chars; descriptions <= 100 chars.
FR_LOCALIZATIONS: dict[str, str] = {
    # /poll group and subcommands
    "poll": "sondage",
    "Native Discord polls on debates (moderators)": "Sondages Discord natifs sur les débats (modération)",
    "create": "creer",
    "Publish a native poll in this channel": "Publier un sondage natif dans ce salon",
    "question": "question",
    "The poll question (at most 300 characters)": "La question du sondage (300 caractères au plus)",
    "answers": "reponses",
    "2 to 10 answers separated by ';' (55 characters each at most)": "De 2 à 10 réponses séparées par « ; » (55 caractères au plus chacune)",
    "duration": "duree",
    "Duration in hours, 1 to 768 (32 days)": "Durée en heures, de 1 à 768 (32 jours)",
    "multiple": "multiple",
    "Allow several answers per person": "Autoriser plusieurs réponses par personne",
    "debate": "debat",
    "Publish a poll whose answers are the sides of a debate": "Publier un sondage dont les réponses sont les positions d'un débat",
    "topic": "sujet",
    "The debate (pick one from the list)": "Le débat (choisissez-le dans la liste)",
    "results": "resultats",
    "Show a poll's results and the opinion shift since the previous poll": "Afficher les résultats d'un sondage et l'évolution depuis le précédent",
    "message": "message",
    "Link or ID of the poll message": "Lien ou identifiant du message du sondage",
    "public": "public",
    "Post in the channel (default: only once the poll has ended)": "Publier dans le salon (par défaut : seulement une fois le sondage terminé)",
    "end": "terminer",
    "End a poll now": "Terminer un sondage maintenant",
    # /reload
    "reload": "recharger",
    "Re-sync the knowledge folder without restarting (administrators)": "Resynchroniser le dossier des connaissances sans redémarrer (administration)",
}

_LINK = re.compile(
    r"^<?https?://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/channels/(?P<guild>\d+|@me)/(?P<channel>\d+)/(?P<message>\d+)/?>?$"
)
_ID = re.compile(r"^\d{15,22}$")


@dataclass(frozen=True)
class MessageRef:
    message_id: int
    channel_id: int | None = None
    guild_id: int | None = None  # None for a bare id or a DM link


def parse_message_ref(text: str | None) -> MessageRef | None:
    """Parse a message link (discord.com / ptb / canary / discordapp.com) or a bare message id.
    Returns None when the text is neither."""
    value = (text or "").strip()
    if _ID.match(value):
        return MessageRef(message_id=int(value))
    m = _LINK.match(value)
    if not m:
        return None
    guild = m.group("guild")
    return MessageRef(
        message_id=int(m.group("message")),
        channel_id=int(m.group("channel")),
        guild_id=None if guild == "@me" else int(guild),
    )


def community_lang(settings: Settings) -> Lang:
    """Language of public content (polls, results): the server's configured language."""
    return normalize_lang(settings.language)


def user_lang(interaction: discord.Interaction, settings: Settings) -> Lang:
    """Language of ephemeral replies: the user's Discord locale when French or English,
    else the configured language."""
    locale = getattr(interaction, "locale", None)
    value = locale.value if isinstance(locale, discord.Locale) else None
    return normalize_lang(value, default=community_lang(settings))


def build_poll(spec: PollSpec) -> discord.Poll:
    """A native, stateless discord.Poll from a validated spec."""
    poll = discord.Poll(question=spec.question, duration=timedelta(hours=spec.duration_hours), multiple=spec.multiple)
    for answer in spec.answers:
        poll.add_answer(text=answer)
    return poll


def poll_counts(poll: discord.Poll) -> list[int]:
    """Vote counts in answer order (approximate until the poll is finalized)."""
    return [a.vote_count for a in sorted(poll.answers, key=lambda a: a.id)]


def poll_answers(poll: discord.Poll) -> list[str]:
    return [a.text for a in sorted(poll.answers, key=lambda a: a.id)]


def message_link(guild_id: int | None, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id or '@me'}/{channel_id}/{message_id}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def choice_label(text: str) -> str:
    """An autocomplete choice name within Discord's 100 characters."""
    return _clip(" ".join(text.split()), CHOICE_NAME_MAX)


def results_embeds(
    results_text: str,
    results_png: bytes | None,
    *,
    link: str,
    shift_text: str | None = None,
    shift_png: bytes | None = None,
    lang: Lang = "fr",
) -> tuple[list[discord.Embed], list[discord.File]]:
    """Embeds and files for /poll results: the results with their chart, then the opinion
    shift with its chart when there is one."""
    main = discord.Embed(description=_clip(results_text, EMBED_DESCRIPTION_MAX), color=COLOR, url=link)
    main.title = t(lang, "poll.poll_results")
    embeds = [main]
    files: list[discord.File] = []
    if results_png:
        main.set_image(url=f"attachment://{RESULTS_PNG}")
        files.append(discord.File(io.BytesIO(results_png), filename=RESULTS_PNG))
    if shift_text:
        shift = discord.Embed(
            title=t(lang, "poll.opinion_shift"),
            description=_clip(shift_text, EMBED_DESCRIPTION_MAX),
            color=COLOR,
        )
        if shift_png:
            shift.set_image(url=f"attachment://{SHIFT_PNG}")
            files.append(discord.File(io.BytesIO(shift_png), filename=SHIFT_PNG))
        embeds.append(shift)
    return embeds, files
