"""`contrepoint console`: a local terminal chat with the same commands as Discord.

It calls the same `Contrepoint` facade and prints the same content as text, so the bot can be
tried without Discord. Nothing is published: polls are shown as previews.
"""

from __future__ import annotations

import difflib
import logging
import re
import sys
from typing import Callable, TextIO

from bot.core.answering.reasons import fallback_text
from bot.core.i18n import normalize_lang, pick
from bot.core.models import Article, Debate, Lang
from bot.core.polls.spec import MAX_HOURS, MIN_HOURS, PollError, PollSpec, build_poll_spec, poll_spec_for_debate
from bot.core.text_guard import InputError, clean_user_text

log = logging.getLogger(__name__)

PROMPT = "contrepoint> "
PAGE_SIZE = 5
LINE_LIMIT = 4000  # whole command line; each argument has its own limit below
TOPIC_LIMIT = 300
ID_LIMIT = 200

_MULTIPLE_ON = {"multiple", "multi", "plusieurs", "choix multiple", "oui", "yes", "true", "1"}
_MULTIPLE_OFF = {"", "single", "unique", "simple", "non", "no", "false", "0"}
_LANGS = {"fr": "fr", "français": "fr", "francais": "fr", "en": "en", "english": "en", "anglais": "en"}
_HOURS_TOKEN = re.compile(r"^\d{1,6}\s*h?$", re.I)


class _Usage(Exception):
    """Bad command syntax; the message says how to write it."""


class Console:
    def __init__(self, service, settings, stdin: TextIO, stdout: TextIO):
        self.service = service
        self.settings = settings
        self.stdin = stdin
        self.stdout = stdout
        self.lang: Lang = normalize_lang(getattr(settings, "language", "fr"))
        self.interactive = _is_tty(stdin)
        self._pager: list[str] = []
        self._pager_total = 0
        self._pager_shown = 0
        self._commands: dict[str, Callable[[str], None]] = {
            "ask": self.cmd_ask,
            "debate": self.cmd_debate,
            "counter": self.cmd_counter,
            "fact": self.cmd_fact,
            "sources": self.cmd_sources,
            "source": self.cmd_source,
            "more": self.cmd_more,
            "poll": self.cmd_poll,
            "lang": self.cmd_lang,
            "help": self.cmd_help,
            "aide": self.cmd_help,
        }

    # -- I/O ----------------------------------------------------------------------------
    def say(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def t(self, fr: str, en: str, **fmt: object) -> str:
        return pick(self.lang, fr=fr, en=en, **fmt)

    def error(self, message: str) -> None:
        self.say(self.t("Erreur : {m}", "Error: {m}", m=message))

    def _read_line(self) -> str | None:
        """One input line, or None at end of input."""
        if self.interactive and self.stdin is sys.stdin and self.stdout is sys.stdout:
            try:
                import readline  # noqa: F401  (line editing and history when available)
            except ImportError:
                pass
            try:
                return input(PROMPT)
            except EOFError:
                return None
        if self.interactive:
            self.stdout.write(PROMPT)
            self.stdout.flush()
        line = self.stdin.readline()
        return None if line == "" else line.rstrip("\r\n")

    # -- loop ---------------------------------------------------------------------------
    def run(self) -> int:
        if self.interactive:
            self.say(self.t(
                "Contrepoint, console locale. Posez une question, ou tapez /help. /quit pour sortir.",
                "Contrepoint, local console. Ask a question, or type /help. /quit to leave.",
            ))
        while True:
            try:
                raw = self._read_line()
            except KeyboardInterrupt:
                self.say()
                break
            if raw is None:
                if self.interactive:
                    self.say()
                break
            try:
                if not self.handle(raw):
                    break
            except KeyboardInterrupt:
                self.say(self.t("(interrompu)", "(interrupted)"))
        return 0

    def handle(self, raw: str) -> bool:
        """Run one input line; False means quit."""
        try:
            line = clean_user_text(raw, max_chars=LINE_LIMIT)
        except InputError as exc:
            if getattr(exc, "code", "") != "empty":
                self.error(self._input_error_text(exc))
            return True  # blank lines are ignored
        if not line.startswith("/"):
            line = "/ask " + line
        name, _, rest = line[1:].partition(" ")
        name = name.lower()
        if name in ("quit", "exit", "q", "quitter"):
            self.say(self.t("Au revoir.", "Goodbye."))
            return False
        command = self._commands.get(name)
        if command is None:
            self._unknown(name)
            return True
        try:
            command(rest.strip())
        except _Usage as exc:
            self.error(str(exc))
        except InputError as exc:
            self.error(self._input_error_text(exc))
        except PollError as exc:
            self.say(self.t("Sondage impossible : {m}", "Cannot create the poll: {m}", m=str(exc)))
        except Exception as exc:  # noqa: BLE001 - the console never dies on one command
            # One line at ERROR (the terminal stays readable); the traceback at DEBUG (`contrepoint -v console`).
            log.error("console command /%s failed: %s: %s", name, type(exc).__name__, exc)
            log.debug("traceback of /%s", name, exc_info=True)
            self.error(self.t(
                "la commande /{c} a échoué ({e}). Vous pouvez continuer ; `contrepoint -v console` affiche les détails.",
                "the /{c} command failed ({e}). You can go on; `contrepoint -v console` shows the details.",
                c=name, e=type(exc).__name__,
            ))
        return True

    def _unknown(self, name: str) -> None:
        close = difflib.get_close_matches(name, list(self._commands) + ["quit"], n=1)
        hint = self.t(" Vouliez-vous dire /{c} ?", " Did you mean /{c}?", c=close[0]) if close else ""
        self.error(self.t("commande inconnue /{n}.{h} Tapez /help pour la liste.",
                          "unknown command /{n}.{h} Type /help for the list.", n=name, h=hint))

    def _input_error_text(self, exc: InputError) -> str:
        code = getattr(exc, "code", "")
        if code == "empty":
            return self.t("texte vide : écrivez quelque chose.", "empty text: write something.")
        if code == "too_long":
            nums = re.findall(r"\d+", str(exc))
            if len(nums) >= 2:
                return self.t("texte trop long : {n} caractères, la limite est de {m}.",
                              "text too long: {n} characters, the limit is {m}.", n=nums[0], m=nums[1])
        return str(exc)

    # -- answers --------------------------------------------------------------------------
    def cmd_ask(self, arg: str) -> None:
        if not arg:
            raise _Usage(self.t("écrivez une question après /ask, par exemple : /ask L'IA va-t-elle automatiser l'économie ?",
                                "write a question after /ask, e.g. /ask Will AI automate the economy?"))
        question = clean_user_text(arg)
        answer = self.service.ask(question, lang=self.lang)
        self.say(answer.answer_markdown)
        if answer.fallback_reason:
            self.say("\n" + fallback_text(answer.fallback_reason, answer.lang))
        self.say()

    def cmd_counter(self, arg: str) -> None:
        if not arg:
            raise _Usage(self.t("écrivez l'affirmation à contrer après /counter, par exemple : /counter L'IA va créer plus d'emplois qu'elle n'en détruit",
                                "write the claim to counter after /counter, e.g. /counter AI will create more jobs than it destroys"))
        claim = clean_user_text(arg)
        result = self.service.counter(claim, lang=self.lang)
        self.say(result.answer_markdown)
        self.say()

    def cmd_fact(self, arg: str) -> None:
        topic = clean_user_text(arg, max_chars=TOPIC_LIMIT) if arg else None
        result = self.service.fact(topic, lang=self.lang)
        if result is None:
            self.say(self.t(
                "Aucun fait disponible : knowledge/facts.yaml est vide ou invalide (lancez `contrepoint knowledge check`).",
                "No fact available: knowledge/facts.yaml is empty or invalid (run `contrepoint knowledge check`).",
            ))
            return
        c = result.citation
        self.say(result.text)
        self.say(f"> « {c.quote} »")
        self.say(f"— {c.title} ({c.source})")
        self.say()

    # -- debates ----------------------------------------------------------------------------
    def _question(self, d: Debate) -> str:
        return (d.question_en or d.question) if self.lang == "en" else d.question

    def _find_debate(self, topic: str) -> tuple[Debate | None, list[Debate]]:
        """By id, by number in the /debate list, else the best suggestion. Returns (debate, other close ones)."""
        exact = self.service.debate(topic) or self.service.debate(topic.lower())
        if exact is not None:
            return exact, []
        if topic.isdigit():
            debates = self.service.debates()
            index = int(topic)
            if 1 <= index <= len(debates):
                return debates[index - 1], []
        found = list(self.service.suggest_debates(topic))
        return (found[0], found[1:4]) if found else (None, [])

    def _debate_or_fail(self, topic: str) -> tuple[Debate, list[Debate]]:
        debate, others = self._find_debate(clean_user_text(topic, max_chars=TOPIC_LIMIT))
        if debate is None:
            raise _Usage(self.t("aucun débat ne correspond à « {t} ». Tapez /debate pour la liste.",
                                "no debate matches \"{t}\". Type /debate for the list.", t=topic))
        return debate, others

    def cmd_debate(self, arg: str) -> None:
        if not arg:
            debates = self.service.debates()
            if not debates:
                self.say(self.t("Aucun débat : knowledge/debates.yaml est vide ou absent.",
                                "No debate: knowledge/debates.yaml is empty or missing."))
                return
            self.say(self.t("Débats disponibles ({n}) :", "Available debates ({n}):", n=len(debates)))
            for i, d in enumerate(debates, 1):
                self.say(f"{i}. [{d.id}] {self._question(d)}")
            self.say(self.t("Détail : /debate <id, numéro ou sujet>", "Details: /debate <id, number or topic>"))
            return
        debate, others = self._debate_or_fail(arg)
        self.say(self.render_debate(debate))
        if others:
            self.say(self.t("Autres débats proches : {l}", "Other close debates: {l}",
                            l=", ".join(f"[{d.id}]" for d in others)))
        self.say()

    def render_debate(self, d: Debate) -> str:
        en = self.lang == "en"
        lines = [f"## {self._question(d)}", f"[{d.id}]"]
        for side in d.sides:
            lines.append("")
            lines.append(f"### {(side.label_en or side.label) if en else side.label}")
            summary = (side.summary_en or side.summary) if en else side.summary
            if summary:
                lines.append(summary)
            for arg in side.arguments:
                lines.append(f"- {(arg.text_en or arg.text) if en else arg.text}")
                for q in arg.quotes:
                    lines.append(f"  > « {' '.join(q.text.split())} »")
                    lines.append(f"  — {self._source_label(q.article_id)}")
        lines.append("")
        lines.append(self.t("Sondage sur ce débat : /poll debate {id} [heures]",
                            "Poll on this debate: /poll debate {id} [hours]", id=d.id))
        return "\n".join(lines)

    def _source_label(self, article_id: str) -> str:
        art = self.service.article(article_id)
        if art is None:
            return article_id
        return f"{art.title} ({art.source})"

    # -- sources -------------------------------------------------------------------------------
    def cmd_sources(self, arg: str) -> None:
        articles = self.service.articles()
        if not articles:
            self.say(self.t("Aucun article dans knowledge/.", "No article in knowledge/."))
            return
        self.say(self.t("Sources ({n}) :", "Sources ({n}):", n=len(articles)))
        for number, a in enumerate(articles, 1):
            meta = " · ".join(x for x in (a.outlet, a.published) if x)
            self.say(f"{number}. [{a.id}] {a.title}" + (f" ({meta})" if meta else ""))
        self.say(self.t("Détail et passages : /source <id>", "Details and passages: /source <id>"))

    def cmd_source(self, arg: str) -> None:
        if not arg:
            raise _Usage(self.t("indiquez l'id d'un article : /source <id> (liste : /sources).",
                                "give an article id: /source <id> (list: /sources)."))
        article_id = clean_user_text(arg, max_chars=ID_LIMIT)
        art = self.service.article(article_id)
        if art is None:
            ids = [a.id for a in self.service.articles()]
            close = difflib.get_close_matches(article_id, ids, n=1, cutoff=0.4)
            hint = self.t(" Vouliez-vous dire {c} ?", " Did you mean {c}?", c=close[0]) if close else ""
            raise _Usage(self.t("article inconnu « {i} ».{h} Tapez /sources pour la liste.",
                                "unknown article \"{i}\".{h} Type /sources for the list.", i=article_id, h=hint))
        self.say(self.render_article_header(art))
        chunks = self.service.article_chunks(art.id)
        self._pager = [f"[{c.index + 1}] ({c.start}-{c.end}) {c.text}" for c in chunks]
        self._pager_total = len(self._pager)
        self._pager_shown = 0
        if not chunks:
            self.say(self.t("(aucun passage indexé : lancez `contrepoint ingest`)",
                            "(no indexed passage: run `contrepoint ingest`)"))
            return
        self.say(self.t("Passages ({n}) :", "Passages ({n}):", n=len(chunks)))
        self._show_page()

    def render_article_header(self, a: Article) -> str:
        lines = [f"# {a.title}", f"id : {a.id}" if self.lang == "fr" else f"id: {a.id}"]
        meta = [
            (self.t("Média", "Outlet"), a.outlet),
            (self.t("Publié", "Published"), a.published),
            (self.t("Langue", "Language"), a.language),
            (self.t("Fichier", "File"), a.source),
            (self.t("Mots-clés", "Tags"), ", ".join(a.tags)),
        ]
        sep = " : " if self.lang == "fr" else ": "
        lines += [f"{k}{sep}{v}" for k, v in meta if v]
        return "\n".join(lines)

    def _show_page(self) -> None:
        page, self._pager = self._pager[:PAGE_SIZE], self._pager[PAGE_SIZE:]
        for line in page:
            self.say(line)
            self.say()
        self._pager_shown += len(page)
        if self._pager:
            self.say(self.t("({s}/{n} passages affichés, /more pour la suite)",
                            "({s}/{n} passages shown, /more for the next ones)", s=self._pager_shown, n=self._pager_total))
        else:
            self.say(self.t("({n} passages, fin)", "({n} passages, end)", n=self._pager_total))

    def cmd_more(self, arg: str) -> None:
        if not self._pager:
            self.say(self.t("Rien de plus à afficher (utilisez d'abord /source <id>).",
                            "Nothing more to show (use /source <id> first)."))
            return
        self._show_page()

    # -- polls ---------------------------------------------------------------------------------
    def _poll_usage(self) -> str:
        return self.t(
            "usage : /poll create <question> | <réponse 1; réponse 2; …> | <heures> [| multiple]  "
            "ou  /poll debate <sujet> [heures]",
            "usage: /poll create <question> | <answer 1; answer 2; …> | <hours> [| multiple]  "
            "or  /poll debate <topic> [hours]",
        )

    def _default_hours(self) -> int:
        polls = getattr(self.settings, "polls", None)
        return int(getattr(polls, "default_duration_hours", 24))

    def cmd_poll(self, arg: str) -> None:
        sub, _, rest = arg.partition(" ")
        sub = sub.lower()
        rest = rest.strip()
        if sub in ("create", "créer", "creer", "new"):
            spec = self._poll_create(rest)
        elif sub in ("debate", "débat", "debat"):
            spec = self._poll_debate(rest)
        else:
            raise _Usage(self._poll_usage())
        self.say(self.render_poll(spec))
        self.say()

    def _poll_create(self, rest: str) -> PollSpec:
        parts = [p.strip() for p in rest.split("|")]
        if not rest or len(parts) < 2 or len(parts) > 4:
            raise _Usage(self._poll_usage())
        question, answers = parts[0], parts[1]
        hours: object = parts[2] if len(parts) > 2 and parts[2] else self._default_hours()
        flag = parts[3].lower() if len(parts) > 3 else ""
        if flag in _MULTIPLE_ON:
            multiple = True
        elif flag in _MULTIPLE_OFF:
            multiple = False
        else:
            raise _Usage(self.t("option inconnue « {f} » : écrivez « multiple » pour un choix multiple, ou rien.",
                                "unknown option \"{f}\": write \"multiple\" for multiple choice, or nothing.", f=parts[3]))
        return build_poll_spec(question, answers, hours, multiple, lang=self.lang)  # type: ignore[arg-type]

    def _poll_debate(self, rest: str) -> PollSpec:
        if not rest:
            raise _Usage(self._poll_usage())
        tokens = rest.split()
        hours: object = self._default_hours()
        if len(tokens) >= 2 and _HOURS_TOKEN.match(tokens[-1]):
            hours, rest = tokens[-1], " ".join(tokens[:-1])
        debate, _ = self._debate_or_fail(rest)
        return poll_spec_for_debate(debate, hours, lang=self.lang)  # type: ignore[arg-type]

    def render_poll(self, spec: PollSpec) -> str:
        lines = [
            self.t("Aperçu du sondage (la console ne publie rien ; sur Discord il serait créé ainsi) :",
                   "Poll preview (the console publishes nothing; on Discord it would be created like this):"),
            f"📊 {spec.question}",
        ]
        lines += [f"  {i}. {a}" for i, a in enumerate(spec.answers, 1)]
        days = ""
        if spec.duration_hours >= 48 and spec.duration_hours % 24 == 0:
            days = self.t(" ({n} jours)", " ({n} days)", n=spec.duration_hours // 24)
        lines.append(self.t("Durée : {h} h{d}", "Duration: {h} h{d}", h=spec.duration_hours, d=days))
        lines.append(self.t("Choix multiple" if spec.multiple else "Choix unique",
                            "Multiple choice" if spec.multiple else "Single choice"))
        if spec.debate_id:
            lines.append(self.t("Débat : {d}", "Debate: {d}", d=spec.debate_id))
        return "\n".join(lines)

    # -- settings and help -----------------------------------------------------------------------
    def cmd_lang(self, arg: str) -> None:
        if not arg:
            self.say(self.t("Langue actuelle : français. /lang en pour l'anglais.",
                            "Current language: English. /lang fr for French."))
            return
        value = _LANGS.get(arg.strip().lower())
        if value is None:
            raise _Usage(self.t("langue inconnue « {v} » : /lang fr ou /lang en.",
                                "unknown language \"{v}\": /lang fr or /lang en.", v=arg))
        self.lang = value  # type: ignore[assignment]
        self.say(self.t("Langue : français.", "Language: English."))

    def cmd_help(self, arg: str) -> None:
        self.say(self.t(HELP_FR, HELP_EN, lo=MIN_HOURS, hi=MAX_HOURS, d=self._default_hours()))


HELP_FR = """Commandes (comme sur Discord) :
  /ask <question>        réponse sourcée, avec plusieurs points de vue (ou tapez simplement la question)
  /debate [sujet]        liste des débats, ou un débat : camps, arguments et citations
  /counter <affirmation> les meilleurs contre-arguments sourcés
  /fact [sujet]          un fait sourcé (au hasard, ou sur un sujet)
  /sources               les articles de la base
  /source <id>           un article : informations et passages (5 à la fois, /more pour la suite)
  /poll create <question> | <a; b; c> | <heures> [| multiple]
                         aperçu d'un sondage (durée {lo} à {hi} h, {d} h par défaut)
  /poll debate <sujet> [heures]
                         aperçu du sondage d'un débat
  /lang fr|en            langue des réponses
  /help                  cette aide
  /quit                  quitter (ou Ctrl-D)"""

HELP_EN = """Commands (same as on Discord):
  /ask <question>        sourced answer with several viewpoints (or just type the question)
  /debate [topic]        list debates, or show one: sides, arguments and quotes
  /counter <claim>       the strongest sourced counter-arguments
  /fact [topic]          a sourced fact (random, or on a topic)
  /sources               the articles in the knowledge base
  /source <id>           one article: metadata and passages (5 at a time, /more for the next ones)
  /poll create <question> | <a; b; c> | <hours> [| multiple]
                         preview a poll ({lo} to {hi} h, default {d} h)
  /poll debate <topic> [hours]
                         preview the poll of a debate
  /lang fr|en            answer language
  /help                  this help
  /quit                  leave (or Ctrl-D)"""


def _is_tty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return False


def run_console(service, settings, *, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Read commands until /quit or end of input; returns the exit code (0)."""
    return Console(service, settings, stdin or sys.stdin, stdout or sys.stdout).run()
