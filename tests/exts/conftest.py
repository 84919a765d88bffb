"""Fixtures for the cog tests on top of the real Contrepoint service: the real knowledge folder, a real
Chroma store in a temporary data dir, the default (e5) embedder with the session's vector cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.service import Contrepoint
from bot.discord_app.client import ContrepointBot
from bot.settings import load_settings

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def real_service(tmp_path_factory, vector_cache) -> Contrepoint:
    s = load_settings(root=REPO, env={})
    data = tmp_path_factory.mktemp("discord-real")
    s = s.model_copy(update={
        "store": s.store.model_copy(update={"data_dir": data}),
        "polls": s.polls.model_copy(update={"db_path": data / "polls.sqlite3"}),
        "knowledge": s.knowledge.model_copy(update={"dir": REPO / "knowledge"}),
        "embeddings": s.embeddings.model_copy(update={"backend": "e5", "cache_dir": vector_cache}),
        "llm": s.llm.model_copy(update={"model": None}),
    })
    service = Contrepoint(s, root=REPO)
    service.ensure_ready()
    return service


@pytest.fixture
def real_bot(real_service):
    bot = ContrepointBot(real_service, real_service.settings, prepare_core=False)
    yield bot
    bot.answer_cache.close()
