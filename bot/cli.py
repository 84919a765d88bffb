"""Command-line launcher: `contrepoint …` / `python -m bot …`."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from bot.cli_knowledge import knowledge_commands
from bot.logging_setup import setup_logging
from bot.settings import ConfigError, Secrets, Settings, load_settings

log = logging.getLogger("contrepoint")


class AppContext:
    def __init__(self, config: str | None, root: str | None, verbose: int):
        self.config_path = config
        self.root = Path(root).resolve() if root else Path.cwd()
        self.verbose = verbose
        self._settings: Settings | None = None
        self._service = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from dotenv import load_dotenv

            load_dotenv(self.root / ".env", override=False)
            try:
                self._settings = load_settings(self.config_path, root=self.root)
            except ConfigError as exc:
                raise click.ClickException(str(exc)) from None
            setup_logging(self.log_level())
        return self._settings

    def log_level(self, default: str = "WARNING") -> str:
        """Quiet by default (warnings and errors); -v INFO, -vv DEBUG."""
        return {0: default, 1: "INFO"}.get(self.verbose, "DEBUG")

    def secrets(self) -> Secrets:
        _ = self.settings  # loads .env
        return Secrets.from_env()

    def service(self, *, ready: bool = True):
        if self._service is None:
            from bot.core.service import Contrepoint

            self._service = Contrepoint(self.settings, root=self.root)
        if ready:
            from bot.core.knowledge.problems import KnowledgeFolderError
            from bot.core.progress import LineProgress
            from bot.core.retrieval.store import StoreError

            try:
                report = self._service.ensure_ready(progress=LineProgress(sys.stderr))
            except (StoreError, KnowledgeFolderError) as exc:  # one line, exit 1, no traceback, nothing removed
                raise click.ClickException(str(exc)) from None
            for problem in report.problems:
                click.echo(f"[knowledge] skipped: {problem}", err=True)
        return self._service


pass_app = click.make_pass_decorator(AppContext)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config", type=click.Path(dir_okay=False), default=None, help="config.yaml to use (default: ./config.yaml if present).")
@click.option("--root", type=click.Path(file_okay=False), default=None, help="Project root (default: current directory).")
@click.option("-v", "--verbose", count=True, help="More logging: -v INFO, -vv DEBUG (default: warnings and errors only).")
@click.pass_context
def cli(ctx: click.Context, config: str | None, root: str | None, verbose: int) -> None:
    """Contrepoint: sourced, multi-sided answers about AI and the economy."""
    ctx.obj = AppContext(config, root, verbose)


def _read_inputs(arg: str) -> list[str]:
    if arg == "-":
        return [line.rstrip("\r\n") for line in sys.stdin]
    return [arg]


def _emit(obj: dict) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False))


EXIT_BAD_INPUT = 2  # a single question or query that cannot be processed (README: exit codes)


def _input_error(obj: dict, as_json: bool, *, batch: bool) -> None:
    """Batch mode: one error line per bad input line, and the run goes on. A single argument: the error on
    stderr (and its JSON line on stdout with --json), exit 2."""
    if as_json:
        _emit(obj)
    if not (as_json and batch):
        click.echo(f"error: {obj['error']}", err=True)
    if not batch:
        raise SystemExit(EXIT_BAD_INPUT)


@cli.command()
@click.argument("query")
@click.option("--k", "k", type=click.IntRange(1, 50), default=None, help="Number of passages (default: retrieval.k).")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines output, one object per query.")
@pass_app
def search(app: AppContext, query: str, k: int | None, as_json: bool) -> None:
    """Search the knowledge base. QUERY '-' reads one query per line from stdin."""
    from bot.core.text_guard import InputError, clean_user_text

    service = app.service()
    for raw in _read_inputs(query):
        try:
            q = clean_user_text(raw, max_chars=1000)
            results, ref = service.search_resolved(q, k=k)
        except InputError as exc:
            _input_error({"query": raw[:200], "error": str(exc), "results": []}, as_json, batch=query == "-")
            continue
        if as_json:
            _emit({"query": q, **({"article_ref": ref.article_id} if ref and ref.article_id else {}),
                   **({"article_missing": True} if ref and ref.missing else {}), "results": [r.to_json() for r in results]})
            continue
        click.echo(f"# {q}")
        if ref is not None:
            click.echo(f"   (article: {ref.article_id})" if ref.article_id else "   (the article referred to is not in the knowledge base)")
        for r in results:
            click.echo(f"{r.rank}. [{r.score:.3f}] {r.title} ({r.source} {r.start}-{r.end})")
            click.echo(f"   {r.text}")
        if not results:
            click.echo("   (no result)")


@cli.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines output, one object per question.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None, help="Answer language (default: the question's).")
@pass_app
def ask(app: AppContext, question: str, as_json: bool, lang: str | None) -> None:
    """Answer a question with sourced sides. QUESTION '-' reads one per line from stdin."""
    from bot.core.text_guard import InputError, clean_user_text

    service = app.service()
    for raw in _read_inputs(question):
        try:
            q = clean_user_text(raw)
            answer = service.ask(q, lang=lang)
        except InputError as exc:
            _input_error({"question": raw[:200], "error": str(exc)}, as_json, batch=question == "-")
            continue
        if as_json:
            _emit(answer.to_json())
        else:
            click.echo(answer.answer_markdown)
            if answer.fallback_reason:
                from bot.core.messages import fallback_text

                click.echo(f"\n{fallback_text(answer.fallback_reason, answer.lang)}")
            click.echo("")


@cli.command()
@click.argument("topic", required=False)
@click.option("--json", "as_json", is_flag=True)
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None)
@pass_app
def fact(app: AppContext, topic: str | None, as_json: bool, lang: str | None) -> None:
    """A sourced fact: random, or the best match for TOPIC."""
    from bot.core.text_guard import InputError, clean_user_text

    service = app.service()
    try:
        topic = clean_user_text(topic, max_chars=300) if topic else None
    except InputError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(EXIT_BAD_INPUT) from None
    result = service.fact(topic, lang=lang)
    if result is None:
        raise click.ClickException("No fact available: knowledge/facts.yaml is empty or invalid (run `contrepoint knowledge check`).")
    if as_json:
        _emit({"id": result.fact.id, "text": result.text, "citation": result.citation.to_json()})
    else:
        c = result.citation
        from bot.core.quotes import quoted

        click.echo(f"{result.text}\n> {quoted(c.quote, lang or 'fr')}\n— {c.title} ({c.source})")


@cli.command()
@click.option("--rebuild", is_flag=True, help="Drop the collection and re-embed everything.")
@pass_app
def ingest(app: AppContext, rebuild: bool) -> None:
    """Sync knowledge/ into the Chroma store (incremental, safe to re-run)."""
    from bot.core.knowledge.problems import KnowledgeFolderError
    from bot.core.progress import ProgressPrinter
    from bot.core.retrieval.store import StoreError

    service = app.service(ready=False)
    service.kb.retry_when_locked = False  # a command reports it and exits; the bot waits in the background
    try:
        if rebuild:
            service.kb.drop_store()
        report = service.sync(progress=ProgressPrinter(sys.stderr), allow_empty=rebuild)
    except (StoreError, KnowledgeFolderError) as exc:  # one line, exit 1, no traceback
        raise click.ClickException(str(exc)) from None
    for problem in report.problems:
        click.echo(f"skipped: {problem}", err=True)
    click.echo(report.summary())
    if report.waiting_for:
        from bot.core.retrieval.ingest_lock import locked_message

        click.echo(f"Error: {locked_message(service.kb.store.where, report.waiting_for, 'Nothing was written')}", err=True)
        sys.exit(3)


@cli.group()
def knowledge() -> None:
    """Knowledge folder tools."""


for _command in knowledge_commands():
    knowledge.add_command(_command)


@knowledge.command("check")
@pass_app
def knowledge_check(app: AppContext) -> None:
    """Validate knowledge/: articles, debates.yaml, facts.yaml. Exits 1 on any problem (warnings alone: 0)."""
    from bot.core.knowledge.check import check_knowledge

    report = check_knowledge(app.settings.knowledge.dir, root=app.root)
    for problem in report.problems:
        click.echo(f"{problem.path}: {problem.reason}")
    for warning in report.warnings:
        click.echo(f"warning: {warning.path}: {warning.reason}")
    click.echo(report.summary(), err=True)
    if report.problems:
        sys.exit(1)


@cli.command()
@pass_app
def run(app: AppContext) -> None:
    """Run the Discord bot (needs DISCORD_TOKEN)."""
    from bot.discord_app.launcher import run_bot

    secrets = app.secrets()
    setup_logging(app.log_level(default=app.settings.logging.level))  # the bot logs at logging.level
    if secrets.discord_token is None:
        raise click.ClickException(
            "DISCORD_TOKEN is not set. Create an application at https://discord.com/developers/applications, "
            "open Bot > Reset Token, then put DISCORD_TOKEN=... in .env (step by step: docs/discord.md). "
            "To try the bot without Discord: contrepoint console"
        )
    run_bot(app.service(ready=False), app.settings, secrets)  # the bot syncs the store itself, retrying while it is down


@cli.command()
@click.option("--guild", "guild_id", type=int, default=None, help="Sync to one guild (instant) instead of globally.")
@pass_app
def sync(app: AppContext, guild_id: int | None) -> None:
    """Sync application commands with Discord, explicitly (never done on start-up)."""
    from bot.discord_app.launcher import sync_commands

    secrets = app.secrets()
    if secrets.discord_token is None:
        raise click.ClickException("DISCORD_TOKEN is not set: put DISCORD_TOKEN=... in .env (step by step: docs/discord.md).")
    count = sync_commands(app.service(ready=False), app.settings, secrets, guild_id=guild_id)
    click.echo(f"synced {count} commands " + (f"to guild {guild_id}" if guild_id else "globally"))


@cli.command("commands")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON payload that sync would send.")
@pass_app
def commands_cmd(app: AppContext, as_json: bool) -> None:
    """Show the application-command payload (with localizations)."""
    from bot.discord_app.payload import command_payload

    payload = command_payload(app.service(ready=False), app.settings)
    if as_json:
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for cmd in payload:
            click.echo(f"/{cmd['name']}: {cmd.get('description', '')}")


@cli.command()
@pass_app
def console(app: AppContext) -> None:
    """Local terminal chat with the same commands as Discord (/ask, /debate, …)."""
    from bot.console import run_console

    run_console(app.service(), app.settings)


def main() -> None:
    cli(prog_name="contrepoint")


@cli.command()
@click.option("--discord", "with_discord", is_flag=True, help="Also log in to Discord (HTTP only) and check the bot's permissions.")
@pass_app
def doctor(app: AppContext, with_discord: bool) -> None:
    """Check config, token, store, knowledge, LLM (and Discord); exit 0 only when nothing fails."""
    import asyncio
    import os

    from dotenv import load_dotenv

    from bot.doctor import Check, healthy, run_checks

    load_dotenv(app.root / ".env", override=False)
    checks = run_checks(app.config_path, app.root, dict(os.environ))
    token = Secrets.from_env().discord_token
    if with_discord and token is not None:
        from bot.discord_app.doctor_discord import discord_checks

        checks += asyncio.run(discord_checks(token.get_secret_value()))
    elif with_discord:
        checks.append(Check("discord", "FAIL", "cannot log in: DISCORD_TOKEN is not set", "put DISCORD_TOKEN=... in .env"))
    for check in checks:
        click.echo(check.line())
    sys.exit(0 if healthy(checks) else 1)
