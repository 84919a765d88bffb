"""Live: with the bot running and `knowledge.watch` on, an article added with `knowledge add` is cited in
/ask answers without a restart. Real service (e5, real Chroma store in tmp), real cogs and watcher task,
fake Discord interactions. The delay is measured by bench/live_add_bench.py (docs/benchmarks.md); here
the test only polls until the article is cited, with a generous timeout."""

from __future__ import annotations

import asyncio
import itertools
import shutil
import time
from pathlib import Path

from bot.core.knowledge.importer import add_article
from bot.core.service import Contrepoint
from bot.discord_app.client import ContrepointBot
from bot.exts.admin import AdminCog
from bot.exts.ask import AskCog
from bot.settings import load_settings

REPO = Path(__file__).resolve().parents[2]
QUESTION = "Combien d'emplois l'IA pourrait-elle supprimer en France d'ici 2030 selon la Banque de France ?"
ARTICLE = """La Banque de France s'inquiète de l'automatisation

Dans une note publiée mardi, la Banque de France estime que l'intelligence artificielle pourrait supprimer 300 000 emplois en France d'ici 2030, surtout dans les services administratifs et la comptabilité. Ses économistes prévoient aussi la création de 200 000 postes dans l'analyse de données et la maintenance des systèmes. L'institution appelle les entreprises à former leurs salariés avant que ces tâches ne soient automatisées.
"""
NEW_ID = "la-banque-de-france-s-inquiete-de-l-automatisation"
TIMEOUT_S = 60.0
_users = itertools.count(10_000)


def live_settings(root: Path, vector_cache: Path):
    s = load_settings(root=REPO, env={})
    return s.model_copy(update={
        "store": s.store.model_copy(update={"data_dir": root / "data"}),
        "polls": s.polls.model_copy(update={"db_path": root / "data" / "polls.sqlite3"}),
        "knowledge": s.knowledge.model_copy(update={"dir": root / "knowledge", "watch": True}),  # default interval
        "embeddings": s.embeddings.model_copy(update={"backend": "e5", "cache_dir": vector_cache}),
        "llm": s.llm.model_copy(update={"model": None}),
    })


async def cited(bot, cog, make_interaction) -> set[str]:
    """Ask QUESTION through the /ask cog (a new member each time: no cooldown) and return the cited article ids."""
    it = make_interaction(bot, user_id=next(_users))
    await cog.ask.callback(cog, it, question=QUESTION)
    [kw] = [kw for name, _, kw in it.events if name == "followup.send"]
    view = kw.get("view")
    if view is None:
        return set()
    answer = bot.answers.get(view.children[0].key)
    return {c.article_id for c in answer.citations}


async def test_an_added_article_is_cited_by_ask_without_a_restart(tmp_path, vector_cache, make_interaction):
    shutil.copytree(REPO / "knowledge", tmp_path / "knowledge")
    settings = live_settings(tmp_path, vector_cache)
    service = Contrepoint(settings, root=tmp_path)
    await asyncio.to_thread(service.ensure_ready)
    bot = ContrepointBot(service, settings, prepare_core=False)
    admin, ask = AdminCog(bot), AskCog(bot)
    await admin.cog_load()  # starts the watcher task, as when the bot loads its extensions
    try:
        assert admin._watch_task is not None and not admin._watch_task.done()
        await asyncio.sleep(0.2)  # the watcher records its baseline
        assert NEW_ID not in await cited(bot, ask, make_interaction)
        source = tmp_path / "bdf.txt"
        source.write_text(ARTICLE, encoding="utf-8")
        synced_at: list[float] = []
        real_sync = service.sync

        def timed_sync(*args, **kwargs):  # what the watcher calls; records when each sync is done
            report = real_sync(*args, **kwargs)
            synced_at.append(time.monotonic())
            return report

        service.sync = timed_sync
        start = time.monotonic()
        done = await asyncio.to_thread(add_article, str(source), tmp_path / "knowledge", tmp_path)
        assert done.article_id == NEW_ID
        while NEW_ID not in await cited(bot, ask, make_interaction):
            assert time.monotonic() - start < TIMEOUT_S, "the added article was never cited"
            await asyncio.sleep(0.05)
        total = time.monotonic() - start
        while not synced_at and time.monotonic() - start < TIMEOUT_S:  # the new view is installed inside the
            await asyncio.sleep(0.01)  # sync, which the watcher's thread returns from just after: let it record
        assert len(synced_at) == 1  # one sync, by the watcher
        synced = synced_at[0] - start
        print(f"\nLIVE-ADD interval={settings.knowledge.watch_interval_s}s synced={synced:.2f}s cited={total:.2f}s")
        assert not admin._watch_task.done()  # still watching
    finally:
        await admin.cog_unload()
        bot.answer_cache.close()
