"""/poll: native Discord polls on debates, for moderators.

Subcommands: create, debate, results, end. Polls are recorded in the SQLite PollStore
(`bot.polls`); final counts are captured when Discord posts its poll-result message, and
again at start-up for polls that ended while the bot was offline.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.i18n import pick
from bot.core.models import Lang
from bot.core.polls import (
    MAX_HOURS,
    MAX_QUESTION,
    MIN_HOURS,
    PollError,
    PollRecord,
    PollSpec,
    PollStoreError,
    build_poll_spec,
    compare_shift,
    format_results,
    poll_spec_for_debate,
    results_chart_png,
    shift_chart_png,
)
from bot.discord_app.permissions import is_moderator
from bot.discord_app.poll_render import (
    MessageRef,
    build_poll,
    choice_label,
    community_lang,
    message_link,
    parse_message_ref,
    poll_answers,
    poll_counts,
    results_embeds,
    user_lang,
)

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
AUTOCOMPLETE_LIMIT = 25


class _Refusal(Exception):
    """A user-facing refusal: the message is shown ephemerally and nothing else happens."""


# -- small helpers -------------------------------------------------------------------------

CATCH_UP_INTERVAL_S = 300.0


def _now() -> datetime:
    return datetime.now(timezone.utc)


async def reply(interaction: discord.Interaction, content: str | None = None, *, ephemeral: bool = True, **kwargs: Any) -> None:
    """Send (or follow up) with mentions disabled."""
    kwargs["allowed_mentions"] = NO_MENTIONS
    if interaction.response.is_done():
        await interaction.followup.send(content, ephemeral=ephemeral, **kwargs)
    else:
        await interaction.response.send_message(content, ephemeral=ephemeral, **kwargs)


async def _defer(interaction: discord.Interaction, *, ephemeral: bool = True) -> None:
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)


def _store(bot: Any):
    store = getattr(bot, "polls", None)
    if store is None:
        raise _Refusal("store")
    return store


async def _db(bot: Any, fn, *args: Any, **kwargs: Any) -> Any:
    """Run a PollStore call in a worker thread (SQLite is blocking)."""
    return await bot.run_core(fn, *args, **kwargs)


def _store_unavailable(lang: Lang) -> str:
    return pick(lang, fr="La base des sondages est indisponible ; consultez les journaux du bot puis réessayez.",
                en="The poll database is unavailable; check the bot's logs, then try again.")


async def check_moderator(bot: Any, interaction: discord.Interaction) -> bool:
    """Server-side moderator check; replies with a polite ephemeral refusal when it fails."""
    lang = user_lang(interaction, bot.settings)
    if interaction.guild is None:
        await reply(interaction, pick(lang, fr="Les sondages ne se lancent que dans un salon du serveur.",
                                      en="Polls can only be run in a server channel."))
        return False
    if is_moderator(interaction.user, bot.settings):
        return True
    log.info("poll command refused to non-moderator %s in guild %s", getattr(interaction.user, "id", "?"), interaction.guild.id)
    if bot.settings.discord.moderator_role_ids:
        text = pick(lang, fr="Désolé, les sondages sont réservés à l'équipe de modération (rôle de modérateur requis).",
                    en="Sorry, polls are reserved for the moderation team (moderator role required).")
    else:
        text = pick(lang, fr="Désolé, les sondages sont réservés à la modération (permission « Gérer les messages » requise).",
                    en="Sorry, polls are reserved for moderators (the Manage Messages permission is required).")
    await reply(interaction, text)
    return False


def _bot_permissions(interaction: discord.Interaction) -> discord.Permissions | None:
    """The bot's permissions in the interaction channel, or None when they cannot be known.

    Discord sends them with every interaction (`app_permissions`); otherwise they are
    computed from the cached channel and the bot's member (`channel.permissions_for(guild.me)`)."""
    perms = getattr(interaction, "app_permissions", None)
    if isinstance(perms, discord.Permissions):
        return perms
    guild, channel = interaction.guild, interaction.channel
    me = guild.me if guild is not None else None
    if isinstance(me, discord.Member) and isinstance(channel, (discord.abc.GuildChannel, discord.Thread)):
        return channel.permissions_for(me)
    return None


def missing_poll_permissions(interaction: discord.Interaction, lang: Lang) -> list[str]:
    """Names (in `lang`) of the permissions the bot lacks to post a poll here."""
    perms = _bot_permissions(interaction)
    if perms is None:
        return []
    in_thread = isinstance(interaction.channel, discord.Thread)
    needed = [
        ("view_channel", pick(lang, fr="Voir le salon", en="View Channel")),
        ("send_messages_in_threads" if in_thread else "send_messages",
         pick(lang, fr="Envoyer des messages dans les fils", en="Send Messages in Threads") if in_thread
         else pick(lang, fr="Envoyer des messages", en="Send Messages")),
        ("send_polls", pick(lang, fr="Créer des sondages", en="Create Polls")),
    ]
    return [label for attr, label in needed if not getattr(perms, attr)]


# -- publishing ------------------------------------------------------------------------------

async def publish_poll(bot: Any, interaction: discord.Interaction, spec: PollSpec) -> discord.Message | None:
    """Post `spec` as a native poll in the interaction channel and record it.
    Replies to the moderator in every case. Assumes the moderator check passed."""
    lang = user_lang(interaction, bot.settings)
    missing = missing_poll_permissions(interaction, lang)
    if missing:
        await reply(interaction, pick(
            lang,
            fr="Je ne peux pas publier de sondage dans ce salon : il me manque {p}. "
               "Demandez à un administrateur d'accorder ces permissions au rôle du bot (ou dans les réglages du salon).",
            en="I cannot post a poll in this channel: I lack {p}. "
               "Ask an administrator to grant these permissions to the bot's role (or in the channel settings).",
            p=", ".join(f"« {m} »" if lang == "fr" else f"\"{m}\"" for m in missing)))
        return None
    try:
        store = _store(bot)
    except _Refusal:
        await reply(interaction, _store_unavailable(lang))
        return None

    await _defer(interaction)
    channel = interaction.channel
    try:
        message = await channel.send(poll=build_poll(spec), allowed_mentions=NO_MENTIONS)  # type: ignore[union-attr]
    except discord.Forbidden:
        await reply(interaction, pick(lang, fr="Discord a refusé le sondage : vérifiez que je peux envoyer des messages et créer des sondages dans ce salon.",
                                      en="Discord refused the poll: check that I can send messages and create polls in this channel."))
        return None
    except discord.HTTPException as exc:
        log.warning("poll send failed in channel %s: %s %s", getattr(channel, "id", "?"), exc.status, exc.text)
        await reply(interaction, pick(lang, fr="Discord a refusé le sondage (erreur {s}). Réessayez dans un instant.",
                                      en="Discord refused the poll (error {s}). Try again in a moment.", s=exc.status))
        return None

    created = message.created_at if isinstance(getattr(message, "created_at", None), datetime) else _now()
    expires = message.poll.expires_at if getattr(message, "poll", None) is not None else None
    ends = expires if isinstance(expires, datetime) else created + timedelta(hours=spec.duration_hours)
    record = PollRecord(
        message_id=message.id,
        channel_id=channel.id,  # type: ignore[union-attr]
        guild_id=interaction.guild.id if interaction.guild else None,
        debate_id=spec.debate_id,
        question=spec.question,
        answers=list(spec.answers),
        multiple=spec.multiple,
        created_by=interaction.user.id,
        created_at=created,
        ends_at=ends,
    )
    link = message_link(record.guild_id, record.channel_id, record.message_id)
    try:
        await _db(bot, store.add, record)
    except PollStoreError as exc:
        log.error("poll %s posted but not recorded: %s", record.message_id, exc)
        await reply(interaction, pick(lang, fr="Sondage publié ({l}), mais il n'a pas pu être enregistré : la comparaison avant/après ne le prendra pas en compte. Consultez les journaux du bot.",
                                      en="Poll posted ({l}), but it could not be recorded: before/after comparisons will not include it. Check the bot's logs.", l=link))
        return message
    log.info("poll %s posted in channel %s by %s (debate=%s, %dh)", record.message_id, record.channel_id,
             record.created_by, record.debate_id, spec.duration_hours)
    await reply(interaction, pick(lang, fr="Sondage publié : {l} (fin <t:{t}:R>). Résultats : `/poll results` avec ce lien.",
                                  en="Poll posted: {l} (ends <t:{t}:R>). Results: `/poll results` with this link.",
                                  l=link, t=int(ends.timestamp())))
    return message


async def _find_debate(bot: Any, topic: str, lang: Lang):
    service = bot.service
    debate = await bot.run_core(service.debate, topic.strip())
    if debate is not None:
        return debate
    suggestions = await bot.run_core(service.suggest_debates, topic, 3)
    hint = ", ".join(f"`{d.id}`" for d in suggestions[:3])
    raise _Refusal(pick(
        lang,
        fr="Débat introuvable : « {t} ». Choisissez-le dans la liste proposée par Discord" + (" (par exemple {h})." if hint else "."),
        en="Debate not found: \"{t}\". Pick it from the list Discord suggests" + (" (for example {h})." if hint else "."),
        t=topic[:100], h=hint))


async def start_debate_poll(bot: Any, interaction: discord.Interaction, debate_id: str, duration_hours: int | None = None) -> None:
    """Post a native poll whose answers are the sides of `debate_id` (moderators only).
    Used by /poll debate and by the "Sondage" button under /ask answers."""
    if not await check_moderator(bot, interaction):
        return
    lang = user_lang(interaction, bot.settings)
    hours = duration_hours if duration_hours is not None else bot.settings.polls.default_duration_hours
    try:
        debate = await _find_debate(bot, debate_id or "", lang)
        spec = poll_spec_for_debate(debate, hours, lang=community_lang(bot.settings))
    except _Refusal as refusal:
        await reply(interaction, str(refusal))
        return
    except PollError as err:
        await reply(interaction, str(err))
        return
    await publish_poll(bot, interaction, spec)


# -- reading polls back ---------------------------------------------------------------------

async def _resolve_channel(interaction: discord.Interaction, channel_id: int, lang: Lang):
    channel = interaction.channel
    if channel is not None and getattr(channel, "id", None) == channel_id:
        return channel
    guild = interaction.guild
    found = guild.get_channel_or_thread(channel_id) if guild else None
    if found is None and guild is not None:
        try:
            found = await guild.fetch_channel(channel_id)
        except discord.HTTPException:
            found = None
    if found is None or getattr(found, "guild", guild) != guild:
        raise _Refusal(pick(lang, fr="Salon introuvable sur ce serveur : vérifiez le lien du message.",
                            en="Channel not found on this server: check the message link."))
    # Never reveal a channel the moderator cannot read.
    if isinstance(interaction.user, discord.Member) and hasattr(found, "permissions_for"):
        perms = found.permissions_for(interaction.user)
        if not (perms.view_channel and perms.read_message_history):
            raise _Refusal(pick(lang, fr="Vous n'avez pas accès à ce salon.", en="You do not have access to this channel."))
    return found


async def _fetch_poll_message(bot: Any, interaction: discord.Interaction, raw: str, lang: Lang) -> discord.Message:
    ref: MessageRef | None = parse_message_ref(raw)
    if ref is None:
        raise _Refusal(pick(
            lang,
            fr="« {r} » n'est ni un lien de message ni un identifiant. Copiez le lien du sondage (clic droit ou appui long → « Copier le lien du message ») ou son identifiant.",
            en="\"{r}\" is neither a message link nor a message ID. Copy the poll's link (right-click or long press → \"Copy Message Link\") or its ID.",
            r=(raw or "").strip()[:80]))
    if ref.guild_id is not None and interaction.guild is not None and ref.guild_id != interaction.guild.id:
        raise _Refusal(pick(lang, fr="Ce lien pointe vers un autre serveur : utilisez la commande sur le serveur du sondage.",
                            en="This link points to another server: run the command on the poll's server."))
    channel_id = ref.channel_id
    if channel_id is None:
        store = getattr(bot, "polls", None)
        rec = await _db(bot, store.get, ref.message_id) if store is not None else None
        channel_id = rec.channel_id if rec is not None else interaction.channel_id
    channel = await _resolve_channel(interaction, int(channel_id), lang)  # type: ignore[arg-type]
    try:
        message = await channel.fetch_message(ref.message_id)
    except discord.NotFound:
        raise _Refusal(pick(lang, fr="Message introuvable dans <#{c}> : vérifiez le lien ou l'identifiant (un identifiant seul désigne un message de ce salon).",
                            en="Message not found in <#{c}>: check the link or ID (a bare ID means a message of this channel).",
                            c=channel.id)) from None
    except discord.Forbidden:
        raise _Refusal(pick(lang, fr="Je n'ai pas accès à <#{c}> (il me faut « Voir le salon » et « Voir les anciens messages »).",
                            en="I cannot read <#{c}> (I need \"View Channel\" and \"Read Message History\").",
                            c=channel.id)) from None
    if message.poll is None:
        raise _Refusal(pick(lang, fr="Ce message ne contient pas de sondage.", en="This message has no poll."))
    return message


async def _record_for(bot: Any, message: discord.Message) -> PollRecord:
    """The stored record of a poll message; polls posted by others are adopted so their counts are kept."""
    store = _store(bot)
    rec = await _db(bot, store.get, message.id)
    if rec is not None:
        return rec
    poll = message.poll
    assert poll is not None
    created = message.created_at
    rec = PollRecord(
        message_id=message.id,
        channel_id=message.channel.id,
        guild_id=message.guild.id if message.guild else None,
        debate_id=None,
        question=poll.question,
        answers=poll_answers(poll),
        multiple=poll.multiple,
        created_by=message.author.id,
        created_at=created,
        ends_at=poll.expires_at or (created + poll.duration),
    )
    await _db(bot, store.add, rec)
    return rec


async def capture_counts(bot: Any, message: discord.Message) -> PollRecord | None:
    """Store the poll's current counts (final when Discord finalized it); mark it ended then.
    Returns the refreshed record, or None when the message's answers do not match the record."""
    store = _store(bot)
    poll = message.poll
    if poll is None:
        return None
    rec = await _record_for(bot, message)
    counts = poll_counts(poll)
    final = poll.is_finalized()
    if len(counts) != len(rec.answers):
        log.warning("poll %s: %d answers on Discord, %d recorded; counts not stored", message.id, len(counts), len(rec.answers))
        return None
    await _db(bot, store.set_counts, message.id, counts, final=final)
    if final:
        await _db(bot, store.mark_ended, message.id)
    return await _db(bot, store.get, message.id)


async def _chart(bot: Any, fn, *args: Any, **kwargs: Any) -> bytes | None:
    try:
        return await bot.run_core(fn, *args, **kwargs)
    except Exception:  # a chart is a bonus: the text results still go out
        log.exception("poll chart rendering failed")
        return None


async def _previous_with_counts(bot: Any, rec: PollRecord) -> PollRecord | None:
    """The previous poll on the same debate in the same channel, with counts (fetched when missing)."""
    if not rec.debate_id:
        return None
    store = _store(bot)
    prev = await _db(bot, store.previous_for_debate, rec.channel_id, rec.debate_id, rec.message_id)
    if prev is None or prev.counts is not None:
        return prev
    channel = bot.get_channel(prev.channel_id)
    if channel is None:
        return None
    try:
        message = await channel.fetch_message(prev.message_id)
    except discord.HTTPException:
        return None
    return await capture_counts(bot, message)


# -- the cog ---------------------------------------------------------------------------------

class PollsCog(commands.Cog, name="Polls"):
    poll = app_commands.Group(
        name="poll",
        description="Native Discord polls on debates (moderators)",
        guild_only=True,
        default_permissions=discord.Permissions(manage_messages=True),
    )

    def __init__(self, bot: Any):
        self.bot = bot
        self._catch_up_task: asyncio.Task | None = None

    async def cog_load(self) -> None:
        self._catch_up_task = asyncio.create_task(self._catch_up_when_ready(), name="polls-catch-up")

    async def cog_unload(self) -> None:
        if self._catch_up_task is not None:
            self._catch_up_task.cancel()

    # /poll create
    @poll.command(name="create", description="Publish a native poll in this channel")
    @app_commands.describe(
        question="The poll question (at most 300 characters)",
        answers="2 to 10 answers separated by ';' (55 characters each at most)",
        duration="Duration in hours, 1 to 768 (32 days)",
        multiple="Allow several answers per person",
    )
    async def poll_create(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, MAX_QUESTION],
        answers: str,
        duration: Optional[app_commands.Range[int, MIN_HOURS, MAX_HOURS]] = None,
        multiple: bool = False,
    ) -> None:
        if not await check_moderator(self.bot, interaction):
            return
        lang = user_lang(interaction, self.bot.settings)
        hours = duration if duration is not None else self.bot.settings.polls.default_duration_hours
        try:
            spec = build_poll_spec(question, answers, hours, multiple, lang=lang)
        except PollError as err:
            await reply(interaction, str(err))
            return
        await publish_poll(self.bot, interaction, spec)

    # /poll debate
    @poll.command(name="debate", description="Publish a poll whose answers are the sides of a debate")
    @app_commands.describe(topic="The debate (pick one from the list)", duration="Duration in hours, 1 to 768 (32 days)")
    async def poll_debate(
        self,
        interaction: discord.Interaction,
        topic: str,
        duration: Optional[app_commands.Range[int, MIN_HOURS, MAX_HOURS]] = None,
    ) -> None:
        await start_debate_poll(self.bot, interaction, topic, duration)

    @poll_debate.autocomplete("topic")
    async def topic_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        service = self.bot.service
        try:
            # In memory and never blocking: autocomplete must answer within 3 s, even during long answers.
            debates = service.suggest_debates(current[:200], AUTOCOMPLETE_LIMIT)
        except Exception:
            log.exception("debate autocomplete failed")
            return []
        lang = user_lang(interaction, self.bot.settings)
        return [
            app_commands.Choice(name=choice_label((d.question_en or d.question) if lang == "en" else d.question), value=d.id[:100])
            for d in debates[:AUTOCOMPLETE_LIMIT]
        ]

    # /poll results
    @poll.command(name="results", description="Show a poll's results and the opinion shift since the previous poll")
    @app_commands.describe(message="Link or ID of the poll message",
                           public="Post in the channel (default: only once the poll has ended)")
    async def poll_results(self, interaction: discord.Interaction, message: str, public: Optional[bool] = None) -> None:
        bot = self.bot
        if not await check_moderator(bot, interaction):
            return
        lang = user_lang(interaction, bot.settings)
        out_lang = community_lang(bot.settings)
        try:
            _store(bot)
            poll_message = await _fetch_poll_message(bot, interaction, message, lang)
            show_public = poll_message.poll.is_finalized() if public is None else public  # type: ignore[union-attr]
            await _defer(interaction, ephemeral=not show_public)
            rec = await capture_counts(bot, poll_message)
            if rec is None or rec.counts is None:
                raise _Refusal(pick(lang, fr="Les réponses de ce sondage ne correspondent pas à celles enregistrées : résultats non comparables.",
                                    en="This poll's answers differ from the recorded ones: results cannot be compared."))
            text = format_results(rec, rec.counts, lang=out_lang)
            png = await _chart(bot, results_chart_png, rec.question, rec.answers, rec.counts, lang=out_lang)
            shift_text = shift_png = None
            prev = await _previous_with_counts(bot, rec)
            if prev is not None and prev.counts is not None:
                try:
                    rows, shift_text = compare_shift(prev, rec, lang=out_lang)
                    shift_png = await _chart(bot, shift_chart_png, rec.question, rows, lang=out_lang)
                except PollError as err:
                    shift_text = str(err)
        except _Refusal as refusal:
            text_ = _store_unavailable(lang) if str(refusal) == "store" else str(refusal)
            await reply(interaction, text_)
            return
        except PollStoreError as exc:
            log.error("poll results: store error: %s", exc)
            await reply(interaction, _store_unavailable(lang))
            return
        link = message_link(rec.guild_id, rec.channel_id, rec.message_id)
        embeds, files = results_embeds(text, png, link=link, shift_text=shift_text, shift_png=shift_png, lang=out_lang)
        await reply(interaction, None, ephemeral=not show_public, embeds=embeds, files=files)

    # /poll end
    @poll.command(name="end", description="End a poll now")
    @app_commands.describe(message="Link or ID of the poll message")
    async def poll_end(self, interaction: discord.Interaction, message: str) -> None:
        bot = self.bot
        if not await check_moderator(bot, interaction):
            return
        lang = user_lang(interaction, bot.settings)
        try:
            store = _store(bot)
            poll_message = await _fetch_poll_message(bot, interaction, message, lang)
            poll = poll_message.poll
            assert poll is not None
            link = message_link(poll_message.guild.id if poll_message.guild else None, poll_message.channel.id, poll_message.id)
            expires = poll.expires_at
            if poll.is_finalized() or (expires is not None and expires <= _now()):
                await capture_counts(bot, poll_message)
                await _db(bot, store.mark_ended, poll_message.id)
                raise _Refusal(pick(lang, fr="Ce sondage est déjà terminé. Ses résultats : `/poll results` {l}",
                                    en="This poll has already ended. Its results: `/poll results` {l}", l=link))
            me = bot.user
            if me is None or poll_message.author.id != me.id:
                raise _Refusal(pick(lang, fr="Je ne peux terminer que les sondages que j'ai publiés. Pour celui-ci, utilisez le menu du message dans Discord.",
                                    en="I can only end polls I posted. For this one, use the message menu in Discord."))
            await _defer(interaction)
            try:
                ended = await poll_message.end_poll()
            except discord.HTTPException as exc:
                log.warning("end_poll failed for %s: %s %s", poll_message.id, exc.status, exc.text)
                raise _Refusal(pick(lang, fr="Discord n'a pas pu terminer le sondage (erreur {s}). Réessayez dans un instant.",
                                    en="Discord could not end the poll (error {s}). Try again in a moment.", s=exc.status)) from None
            await capture_counts(bot, ended if ended.poll is not None else poll_message)
            await _db(bot, store.mark_ended, poll_message.id)
        except _Refusal as refusal:
            await reply(interaction, _store_unavailable(lang) if str(refusal) == "store" else str(refusal))
            return
        except PollStoreError as exc:
            log.error("poll end: store error: %s", exc)
            await reply(interaction, _store_unavailable(lang))
            return
        log.info("poll %s ended by %s", poll_message.id, interaction.user.id)
        await reply(interaction, pick(lang, fr="Sondage terminé : {l}. Discord publie le décompte final dans quelques instants ; il sera enregistré automatiquement. Affichez-le avec `/poll results`.",
                                      en="Poll ended: {l}. Discord posts the final count in a few moments; it will be recorded automatically. Show it with `/poll results`.", l=link))

    # Discord posts a poll_result message (type 46) referencing the poll when it ends.
    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.type is not discord.MessageType.poll_result:
            return
        ref = message.reference
        if ref is None or ref.message_id is None:
            return
        try:
            await self.capture_final(ref.message_id, ref.channel_id or message.channel.id, fallback_channel=message.channel)
        except Exception:  # a listener must never crash the bot
            log.exception("could not capture the final counts of poll %s", ref.message_id)

    async def capture_final(self, message_id: int, channel_id: int, *, fallback_channel: Any = None) -> PollRecord | None:
        """Fetch a recorded poll message and store its counts; unknown polls are ignored."""
        bot = self.bot
        store = getattr(bot, "polls", None)
        if store is None:
            return None
        rec = await _db(bot, store.get, message_id)
        if rec is None:
            return None
        channel = bot.get_channel(channel_id)
        if channel is None and fallback_channel is not None and getattr(fallback_channel, "id", None) == channel_id:
            channel = fallback_channel
        if channel is None:
            log.warning("poll %s: channel %s is gone; marked ended without final counts", message_id, channel_id)
            await _db(bot, store.mark_ended, message_id)
            return await _db(bot, store.get, message_id)
        try:
            poll_message = await channel.fetch_message(message_id)
        except (discord.NotFound, discord.Forbidden) as exc:
            reason = "was deleted" if isinstance(exc, discord.NotFound) else "cannot be read (View Channel / Read Message History missing)"
            log.warning("poll %s %s; marked ended without final counts", message_id, reason)
            await _db(bot, store.mark_ended, message_id)
            return await _db(bot, store.get, message_id)
        updated = await capture_counts(bot, poll_message)
        await _db(bot, store.mark_ended, message_id)
        if updated is not None:
            log.info("poll %s ended: counts %s (final=%s)", message_id, updated.counts, updated.counts_final)
        return await _db(bot, store.get, message_id)

    async def catch_up_expired(self) -> int:
        """Capture counts of recorded polls whose end passed while the bot was offline. Returns how many."""
        store = getattr(self.bot, "polls", None)
        if store is None:
            return 0
        done = 0
        for rec in await _db(self.bot, store.list_open):
            if rec.ends_at > _now():
                break  # list_open is sorted by end time
            try:
                await self.capture_final(rec.message_id, rec.channel_id)
                done += 1
            except discord.HTTPException as exc:
                log.warning("catch-up of poll %s failed: %s", rec.message_id, exc)
        return done

    async def _catch_up_when_ready(self, interval_s: float = CATCH_UP_INTERVAL_S) -> None:
        """At start-up, then every `interval_s`: the open polls of the database (kept across restarts) whose
        end has passed get their final counts, even when Discord's poll-result message was missed."""
        await self.bot.wait_until_ready()
        while True:
            try:
                n = await self.catch_up_expired()
                if n:
                    log.info("captured the results of %d poll(s) that had ended", n)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("poll catch-up failed")
            await asyncio.sleep(interval_s)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(PollsCog(bot))
