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


def _pick_articles(folder, names: tuple[str, ...]):
    """Articles named by id or path; none named: those no debate map quotes yet."""
    from bot.core.knowledge.side_similarity import quoted_articles

    if not names:
        quoted = quoted_articles(folder.debates)
        return [a for a in folder.articles if a.id not in quoted]
    by_key = {a.id: a for a in folder.articles} | {a.source: a for a in folder.articles}
    picked = []
    for name in names:
        art = by_key.get(name) or by_key.get(Path(name).stem) or next((a for a in folder.articles if Path(name).as_posix().endswith(a.source)), None)
        if art is None:
            raise click.ClickException(f"no article {name!r} in the knowledge folder (give its id or its file; see `contrepoint knowledge check`)")
        picked.append(art)
    return picked


@click.command("draft-debates")
@click.argument("articles", nargs=-1)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Review file to write (default: knowledge/review/debates-draft-<date>.yaml).")
@click.pass_obj
def draft_debates_command(app, articles: tuple[str, ...], out: Path | None) -> None:
    """Propose debates and candidate quotes for new ARTICLES (default: those no debate quotes) in a review file."""
    import datetime

    from bot.core.knowledge.draft_file import write_draft
    from bot.core.knowledge.drafting import draft_article
    from bot.core.knowledge.side_similarity import SideSpace, open_folder, open_vectors

    kdir = Path(app.settings.knowledge.dir)
    folder = open_folder(kdir, app.root)
    picked = _pick_articles(folder, articles)
    if not picked:
        click.echo("Every article is already quoted by a debate map; name articles to draft them anyway.")
        return
    if not folder.debates:
        raise click.ClickException("knowledge/debates.yaml has no valid debate to propose (run `contrepoint knowledge check`)")
    vectors = open_vectors(app.settings)
    space = SideSpace.build(vectors, folder.debates)
    drafts = [draft_article(a, space, folder.debates, vectors) for a in picked]
    vectors.save()
    path = write_draft(drafts, kdir, datetime.date.today().isoformat(), out)
    for d in drafts:
        if d.proposed:
            parts = [f"{f.debate.id} (fit {f.fit:.3f}: " + ", ".join(f"{sid} {len(c)}" for sid, c in f.sides.items() if c) + ")"
                     for f in d.proposed]
            click.echo(f"{d.article.id}: " + "; ".join(parts))
        else:
            best = d.fits[0] if d.fits else None
            click.echo(f"{d.article.id}: fits no debate" + (f" (closest: {best.debate.id}, fit {best.fit:.3f})" if best else "")
                       + "; its main topics are listed under `unmatched` for a new debate")
    click.echo(f"wrote {_shown(path, app.root)}: review it, then `contrepoint knowledge merge-draft {_shown(path, app.root)}`")


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@click.command("merge-draft")
@click.argument("draft", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate only, change nothing.")
@click.pass_obj
def merge_draft_command(app, draft: Path, dry_run: bool) -> None:
    """Validate a reviewed draft and add its arguments to debates.yaml (all or nothing)."""
    from bot.core.knowledge.draft_file import merge_draft
    from bot.core.knowledge.side_similarity import open_folder

    kdir = Path(app.settings.knowledge.dir)
    folder = open_folder(kdir, app.root)
    report = merge_draft(draft, kdir / "debates.yaml", {a.id: a for a in folder.articles}, app.root, dry_run=dry_run)
    for problem in report.problems:
        click.echo(f"{_shown(draft, app.root)}: {problem}", err=True)
    if report.problems:
        click.echo("nothing merged: fix the draft and run merge-draft again", err=True)
        sys.exit(1)
    verb = "would add" if dry_run else "added"
    for did, sid, aid in report.added:
        click.echo(f"{verb} argument {aid!r} to debate {did!r}, side {sid!r}")
    if not dry_run:
        click.echo("debates.yaml updated; a running bot with knowledge.watch picks it up, or use /reload", err=True)


@click.command("coverage")
@click.option("--png", "png", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also draw the coverage chart to FILE.")
@click.option("--topics", "max_topics", type=click.IntRange(0, 500), default=15, show_default=True, help="Uncovered topics listed.")
@click.pass_obj
def coverage_command(app, png: Path | None, max_topics: int) -> None:
    """Quotes and articles behind each side of each debate; topics of the articles no debate covers."""
    from bot.core.knowledge.coverage import coverage
    from bot.core.knowledge.side_similarity import open_folder, open_vectors

    folder = open_folder(Path(app.settings.knowledge.dir), app.root)
    vectors = open_vectors(app.settings)
    report = coverage(folder, vectors)
    vectors.save()
    for line in _coverage_table(report, max_topics):
        click.echo(line)
    if png is not None:
        from bot.core.knowledge.coverage_chart import coverage_chart_png

        png.parent.mkdir(parents=True, exist_ok=True)
        png.write_bytes(coverage_chart_png(report))
        click.echo(f"wrote {_shown(png, app.root)}", err=True)


def _coverage_table(report, max_topics: int) -> list[str]:
    lines, debate = [], None
    width = max([len(s.side_id) for s in report.sides] + [4])
    lines.append(f"{'side':<{width}}  quotes  articles  label")
    for s in report.sides:
        if s.debate_id != debate:
            debate = s.debate_id
            lines.append(f"[{s.debate_id}] {s.question}")
        flag = "  <- no quote" if not s.quotes else ("  <- one article only" if len(s.articles) == 1 else "")
        lines.append(f"{s.side_id:<{width}}  {s.quotes:>6}  {len(s.articles):>8}  {s.label}{flag}")
    lines.append("")
    aw = max([len(a.article_id) for a in report.articles] + [7])
    lines.append(f"{'article':<{aw}}  debate quotes  fact quotes  sentences  uncovered")
    for a in report.articles:
        lines.append(f"{a.article_id:<{aw}}  {a.debate_quotes:>13}  {a.fact_quotes:>11}  {a.sentences:>9}  {a.uncovered:>9}")
    lines.append("")
    lines.append(f"Topics no debate covers (no side closer than {report.uncovered_max:.2f}): {len(report.topics)}")
    for i, t in enumerate(report.topics[:max_topics], 1):
        head = t.sentences[0].text
        head = head if len(head) <= 160 else head[:159] + "…"
        lines.append(f"{i:>3}. [{len(t.sentences)} sentence(s); {', '.join(t.articles)}; best {t.best_similarity:.3f}] {head}")
    if len(report.topics) > max_topics:
        lines.append(f"     … and {len(report.topics) - max_topics} more (--topics N)")
    return lines


def knowledge_commands() -> list[click.Command]:
    return [add_command, draft_debates_command, merge_draft_command, coverage_command]
