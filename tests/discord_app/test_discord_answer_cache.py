"""The SQLite answer cache behind persistent buttons and thread memory (a real file)."""

from __future__ import annotations

import sqlite3
import threading

from bot.discord_app.answer_cache import AnswerCache, entry_key


def test_put_is_idempotent_and_survives_reopening(tmp_path):
    path = tmp_path / "sub" / "discord.sqlite3"
    cache = AnswerCache(path)
    key = cache.put("ask", {"q": "Faut-il automatiser ?", "lang": "fr"})
    assert key == cache.put("ask", {"lang": "fr", "q": "Faut-il automatiser ?"}) == entry_key("ask", {"q": "Faut-il automatiser ?", "lang": "fr"})
    assert len(key) == 12
    other = cache.put("ask", {"q": "Faut-il automatiser ?", "lang": "en"})
    assert other != key
    cache.close()
    again = AnswerCache(path)
    assert again.get(key) == ("ask", {"q": "Faut-il automatiser ?", "lang": "fr"})
    assert again.get("000000000000") is None
    again.close()
    rows = sqlite3.connect(path).execute("SELECT COUNT(*) FROM entries").fetchone()[0]
    assert rows == 2


def test_thread_questions_are_ordered_bounded_and_persistent(tmp_path):
    path = tmp_path / "c.sqlite3"
    cache = AnswerCache(path)
    assert cache.thread_questions(5) is None
    for q in ["un", "deux", "trois"]:
        cache.add_thread_question(5, q)
    assert cache.thread_questions(5) == ["un", "deux", "trois"]
    assert cache.thread_questions(5, limit=2) == ["deux", "trois"]
    assert cache.thread_questions(5, limit=0) == []
    cache.close()
    assert AnswerCache(path).thread_questions(5) == ["un", "deux", "trois"]


def test_concurrent_writers_share_one_lock(tmp_path):
    cache = AnswerCache(tmp_path / "c.sqlite3")
    errors = []

    def work(n):
        try:
            for i in range(50):
                cache.put("ask", {"q": f"{n}-{i}"})
                cache.add_thread_question(n, f"q{i}")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(len(cache.thread_questions(n)) == 50 for n in range(8))
    cache.close()
