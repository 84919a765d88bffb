"""Fixtures for core tests: real Chroma stores in temporary directories, no network."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from bot.core.knowledge_base import KnowledgeBase
from bot.core.service import Contrepoint
from bot.settings import load_settings

REPO = Path(__file__).resolve().parents[2]


# One vector cache for the whole test session: e5 vectors are keyed by (model, text), so every store built
# over the same articles reuses them instead of re-embedding (the cache itself is tested on its own).
VECTOR_CACHE = Path(tempfile.gettempdir()) / f"contrepoint-test-vectors-{os.getuid()}"


def make_settings(root: Path, data_dir: Path, *, knowledge_dir: Path | None = None, backend: str = "e5", **sections):
    s = load_settings(root=REPO, env={})
    upd = {
        "embeddings": s.embeddings.model_copy(update={"backend": backend, "cache_dir": VECTOR_CACHE}),
        "store": s.store.model_copy(update={"data_dir": data_dir}),
        "knowledge": s.knowledge.model_copy(update={"dir": knowledge_dir or (REPO / "knowledge")}),
        "polls": s.polls.model_copy(update={"db_path": data_dir / "polls.sqlite3"}),
    }
    for name, values in sections.items():
        upd[name] = upd.get(name, getattr(s, name)).model_copy(update=values)
    return s.model_copy(update=upd)


@pytest.fixture(scope="session")
def shared_service(tmp_path_factory) -> Contrepoint:
    """The real knowledge folder, the default (e5) embedder, a real Chroma store; built once."""
    data = tmp_path_factory.mktemp("store")
    svc = Contrepoint(make_settings(REPO, data), root=REPO)
    svc.ensure_ready()
    return svc


@pytest.fixture(scope="session")
def shared_kb(shared_service) -> KnowledgeBase:
    return shared_service.kb


@pytest.fixture
def knowledge_copy(tmp_path) -> Path:
    """A writable copy of knowledge/ (articles, debates, facts)."""
    dst = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", dst)
    return dst


@pytest.fixture
def hashing_kb_factory(tmp_path):
    """Build a KnowledgeBase over any folder with the fast hashing embedder."""

    def build(folder: Path, data_dir: Path | None = None, backend: str = "hashing", **kw) -> KnowledgeBase:
        settings = make_settings(tmp_path, data_dir or (tmp_path / "data"), knowledge_dir=folder, backend=backend, **kw)
        return KnowledgeBase(settings, root=folder.parent)

    return build
