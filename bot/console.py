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

from bot.core.i18n import normalize_lang
from bot.core.messages import fallback_text, input_error_text, t
from bot.core.models import Article, Debate, Lang
from bot.core.polls.spec import MAX_HOURS, MIN_HOURS, PollError, PollSpec, build_poll_spec, poll_spec_for_debate
from bot.core.quotes import quoted
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

    def error(self, message: str) -> None:
        self.say(t(self.lang, "console.error", m=message))

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
            self.say(t(self.lang, "console.welcome"))
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
                self.say(t(self.lang, "console.interrupted"))
        return 0

    def handle(self, raw: str) -> bool:
        """Run one input line; False means quit."""
        try:
            line = clean_user_text(raw, max_chars=LINE_LIMIT)
        except InputError as exc:
            if getattr(exc, "code", "") != "empty":
                self.error(input_error_text(self.lang, exc))
            return True  # blank lines are ignored
        if not line.startswith("/"):
            line = "/ask " + line
        name, _, rest = line[1:].partition(" ")
        name = name.lower()
        if name in ("quit", "exit", "q", "quitter"):
            self.say(t(self.lang, "console.goodbye"))
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
            self.error(input_error_text(self.lang, exc))
        except PollError as exc:
            self.say(t(self.lang, "console.poll_refused", m=str(exc)))
        except Exception as exc:  # noqa: BLE001 - the console never dies on one command
            # One line at ERROR (the terminal stays readable); the traceback at DEBUG (`contrepoint -v console`).
            log.error("console command /%s failed: %s: %s", name, type(exc).__name__, exc)
            log.debug("traceback of /%s", name, exc_info=True)
            self.error(t(self.lang, "console.command_failed", c=name, e=type(exc).__name__))
        return True

    def _unknown(self, name: str) -> None:
        close = difflib.get_close_matches(name, list(self._commands) + ["quit"], n=1)
        hint = t(self.lang, "console.did_you_mean", c=close[0]) if close else ""
        self.error(t(self.lang, "console.unknown_command", n=name, h=hint))

    # -- answers --------------------------------------------------------------------------
    def cmd_ask(self, arg: str) -> None:
        if not arg:
            raise _Usage(t(self.lang, "console.ask_usage"))
        question = clean_user_text(arg)
        answer = self.service.ask(question, lang=self.lang)
        self.say(answer.answer_markdown)
        if answer.fallback_reason:
            self.say("\n" + fallback_text(answer.fallback_reason, answer.lang))
        self.say()

    def cmd_counter(self, arg: str) -> None:
        if not arg:
            raise _Usage(t(self.lang, "console.counter_usage"))
        claim = clean_user_text(arg)
        result = self.service.counter(claim, lang=self.lang)
        self.say(result.answer_markdown)
        self.say()

    def cmd_fact(self, arg: str) -> None:
        topic = clean_user_text(arg, max_chars=TOPIC_LIMIT) if arg else None
        result = self.service.fact(topic, lang=self.lang)
        if result is None:
            self.say(t(self.lang, "console.no_fact"))
            return
        c = result.citation
        self.say(result.text)
        self.say(f"> {quoted(c.quote, self.lang)}")
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
            raise _Usage(t(self.lang, "console.debate_not_found", t=topic))
        return debate, others

    def cmd_debate(self, arg: str) -> None:
        if not arg:
            debates = self.service.debates()
            if not debates:
                self.say(t(self.lang, "console.no_debate"))
                return
            self.say(t(self.lang, "console.available_debates", n=len(debates)))
            for i, d in enumerate(debates, 1):
                self.say(f"{i}. [{d.id}] {self._question(d)}")
            self.say(t(self.lang, "console.debates_hint"))
            return
        debate, others = self._debate_or_fail(arg)
        self.say(self.render_debate(debate))
        if others:
            self.say(t(self.lang, "console.other_close_debates", l=", ".join(f"[{d.id}]" for d in others)))
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
                    lines.append(f"  > {quoted(' '.join(q.text.split()), self.lang)}")
                    lines.append(f"  — {self._source_label(q.article_id)}")
        lines.append("")
        lines.append(t(self.lang, "console.debate_poll_hint", id=d.id))
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
            self.say(t(self.lang, "console.no_article"))
            return
        self.say(t(self.lang, "console.sources", n=len(articles)))
        for number, a in enumerate(articles, 1):
            meta = " · ".join(x for x in (a.outlet, a.published) if x)
            self.say(f"{number}. [{a.id}] {a.title}" + (f" ({meta})" if meta else ""))
        self.say(t(self.lang, "console.sources_hint"))

    def cmd_source(self, arg: str) -> None:
        if not arg:
            raise _Usage(t(self.lang, "console.source_usage"))
        article_id = clean_user_text(arg, max_chars=ID_LIMIT)
        art = self.service.article(article_id)
        if art is None:
            ids = [a.id for a in self.service.articles()]
            close = difflib.get_close_matches(article_id, ids, n=1, cutoff=0.4)
            hint = t(self.lang, "console.did_you_mean_article", c=close[0]) if close else ""
            raise _Usage(t(self.lang, "console.unknown_article", i=article_id, h=hint))
        self.say(self.render_article_header(art))
        chunks = self.service.article_chunks(art.id)
        self._pager = [f"[{c.index + 1}] ({c.start}-{c.end}) {c.text}" for c in chunks]
        self._pager_total = len(self._pager)
        self._pager_shown = 0
        if not chunks:
            self.say(t(self.lang, "console.no_passage"))
            return
        self.say(t(self.lang, "console.passages", n=len(chunks)))
        self._show_page()

    def render_article_header(self, a: Article) -> str:
        lines = [f"# {a.title}", f"id : {a.id}" if self.lang == "fr" else f"id: {a.id}"]
        meta = [
            (t(self.lang, "console.outlet"), a.outlet),
            (t(self.lang, "console.published"), a.published),
            (t(self.lang, "console.language"), a.language),
            (t(self.lang, "console.file"), a.source),
            (t(self.lang, "console.tags"), ", ".join(a.tags)),
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
            self.say(t(self.lang, "console.passages_more", s=self._pager_shown, n=self._pager_total))
        else:
            self.say(t(self.lang, "console.passages_end", n=self._pager_total))

    def cmd_more(self, arg: str) -> None:
        if not self._pager:
            self.say(t(self.lang, "console.nothing_more"))
            return
        self._show_page()

    # -- polls ---------------------------------------------------------------------------------
    def _poll_usage(self) -> str:
        return t(self.lang, "console.poll_usage")

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
            raise _Usage(t(self.lang, "console.unknown_poll_option", f=parts[3]))
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
            t(self.lang, "console.poll_preview"),
            f"📊 {spec.question}",
        ]
        lines += [f"  {i}. {a}" for i, a in enumerate(spec.answers, 1)]
        days = ""
        if spec.duration_hours >= 48 and spec.duration_hours % 24 == 0:
            days = t(self.lang, "console.days", n=spec.duration_hours // 24)
        lines.append(t(self.lang, "console.duration", h=spec.duration_hours, d=days))
        lines.append(t(self.lang, "console.multiple_choice" if spec.multiple else "console.single_choice"))
        if spec.debate_id:
            lines.append(t(self.lang, "console.debate", d=spec.debate_id))
        return "\n".join(lines)

    # -- settings and help -----------------------------------------------------------------------
    def cmd_lang(self, arg: str) -> None:
        if not arg:
            self.say(t(self.lang, "console.language_current"))
            return
        value = _LANGS.get(arg.strip().lower())
        if value is None:
            raise _Usage(t(self.lang, "console.unknown_language", v=arg))
        self.lang = value  # type: ignore[assignment]
        self.say(t(self.lang, "console.language_set"))

    def cmd_help(self, arg: str) -> None:
        self.say(t(self.lang, "console.help", lo=MIN_HOURS, hi=MAX_HOURS, d=self._default_hours()))


def _is_tty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return False


def run_console(service, settings, *, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Read commands until /quit or end of input; returns the exit code (0)."""
    return Console(service, settings, stdin or sys.stdin, stdout or sys.stdout).run()
