"""Maintainers' `contrepoint knowledge …` commands: add, draft-debates, merge-draft, coverage.

Attached to the `knowledge` group of bot/cli.py; `ctx.obj` is its AppContext."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("add")
@click.argument("sources", nargs=-1, required=True)
@click.option("--title", default=None, help="Title (default: the page's or file's own).")
@click.option("--outlet", default=None, help="Outlet (default: og:site_name, else the host).")
@click.option("--date", "date", default=None, help="Publication date YYYY[-MM[-DD]] (default: from the page).")
@click.option("--lang", default=None, help="Language code, e.g. fr (default: detected).")
@click.option("--tag", "tags", multiple=True, help="A tag (repeat for several).")
@click.option("--dry-run", is_flag=True, help="Show what would be written, write nothing.")
@click.pass_obj
def add_command(app, sources: tuple[str, ...], title, outlet, date, lang, tags, dry_run: bool) -> None:
    """Add articles from local .html/.pdf/.md/.txt files or http(s) URLs to knowledge/articles/."""
    from bot.core.knowledge.importer import FetchLimits, ImportRefused, Overrides, add_article

    if title and len(sources) > 1:
        raise click.UsageError("--title applies to one source; add the sources one at a time to give each a title")
    k = app.settings.knowledge
    limits = FetchLimits(timeout_s=k.fetch_timeout_s, max_bytes=int(k.fetch_max_mb * 1_000_000))
    overrides = Overrides(title=title, outlet=outlet, date=date, lang=lang, tags=tuple(tags))
    failed = 0
    for source in sources:
        try:
            done = add_article(source, Path(k.dir), app.root, overrides=overrides, limits=limits, dry_run=dry_run)
        except ImportRefused as exc:
            failed += 1
            click.echo(f"not added: {exc}", err=True)
            continue
        click.echo(done.describe())
    if failed < len(sources) and not dry_run:
        click.echo("next: `contrepoint knowledge check`, then `contrepoint knowledge draft-debates` for its debate map", err=True)
    if failed:
        sys.exit(1)


def knowledge_commands() -> list[click.Command]:
    return [add_command]
