"""KnowledgeWatcher on real files in tmp_path."""

from __future__ import annotations

import os

from bot.core.watch import KnowledgeWatcher


def write(path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def touch_later(path, seconds: int = 10) -> None:
    """Move mtime forward without waiting (file systems may have coarse timestamps)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 1_000_000_000))


def test_snapshot_lists_knowledge_files_only(tmp_path):
    write(tmp_path / "articles" / "a.md", "alpha")
    write(tmp_path / "articles" / "b.txt", "beta!")
    write(tmp_path / "debates.yaml", "x: 1")
    write(tmp_path / "notes.pdf", "no")
    write(tmp_path / "articles" / ".a.md.swp", "swap")
    write(tmp_path / ".git" / "HEAD.md", "hidden")
    (tmp_path / "folder.md").mkdir()

    snap = KnowledgeWatcher(tmp_path).snapshot()
    assert set(snap) == {"articles/a.md", "articles/b.txt", "debates.yaml"}
    st = (tmp_path / "articles" / "b.txt").stat()
    assert snap["articles/b.txt"] == (st.st_mtime_ns, 5)


def test_missing_folder_is_an_empty_snapshot(tmp_path):
    w = KnowledgeWatcher(tmp_path / "absent")
    assert w.snapshot() == {}
    assert w.changed() is False and w.changed() is False


def test_first_call_sets_the_baseline(tmp_path):
    write(tmp_path / "a.md", "alpha")
    w = KnowledgeWatcher(tmp_path)
    assert w.changed() is False
    assert w.changed() is False


def test_change_is_reported_once_it_is_stable_across_two_polls(tmp_path):
    a = tmp_path / "a.md"
    write(a, "alpha")
    w = KnowledgeWatcher(tmp_path)
    w.changed()

    write(a, "alpha, longer")
    assert w.settling is False
    assert w.changed() is False  # seen once: maybe still being written
    assert w.settling is True  # the caller polls again soon
    assert w.changed() is True  # same state again: settled
    assert w.settling is False
    assert w.changed() is False  # reported once


def test_a_file_still_changing_is_not_reported(tmp_path):
    a = tmp_path / "a.md"
    write(a, "v1")
    w = KnowledgeWatcher(tmp_path)
    w.changed()
    write(a, "v2 ...")
    assert w.changed() is False
    write(a, "v3 ......")
    assert w.changed() is False  # still moving
    assert w.changed() is True


def test_mtime_only_change_additions_and_removals(tmp_path):
    a, b = tmp_path / "a.md", tmp_path / "sub" / "b.yaml"
    write(a, "alpha")
    w = KnowledgeWatcher(tmp_path)
    w.changed()

    touch_later(a)
    assert (w.changed(), w.changed()) == (False, True)

    write(b, "k: v")
    assert (w.changed(), w.changed()) == (False, True)

    b.unlink()
    assert (w.changed(), w.changed()) == (False, True)


def test_change_reverted_before_settling_is_ignored(tmp_path):
    a = tmp_path / "a.md"
    write(a, "alpha")
    w = KnowledgeWatcher(tmp_path)
    w.changed()
    tmp = tmp_path / "draft.md"
    write(tmp, "draft")
    assert w.changed() is False
    tmp.unlink()
    assert w.changed() is False
    assert w.changed() is False


def test_accept_takes_the_current_state_as_synced(tmp_path):
    a = tmp_path / "a.md"
    write(a, "alpha")
    w = KnowledgeWatcher(tmp_path)
    w.changed()
    write(a, "alpha beta")
    assert w.changed() is False
    w.accept()  # e.g. /reload synced it meanwhile
    assert w.changed() is False and w.changed() is False


def test_ignored_suffixes_do_not_trigger(tmp_path):
    write(tmp_path / "a.md", "alpha")
    w = KnowledgeWatcher(tmp_path)
    w.changed()
    write(tmp_path / "image.png", "png")
    assert (w.changed(), w.changed()) == (False, False)
