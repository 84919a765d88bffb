"""Pure helpers of bot.discord_app.limits: lengths, splitting, thread names, the cooldown."""

from __future__ import annotations

import re

import discord
import pytest

from bot.discord_app.limits import (
    Cooldown,
    choice_text,
    dlen,
    enforce_cooldown,
    split_exact,
    split_sentences,
    thread_name,
    truncate,
    wait_seconds,
)

MARKER = re.compile(r"\[\d+\]")


def test_dlen_counts_astral_characters_twice():
    assert dlen("abc") == 3
    assert dlen("😀") == 2
    assert dlen("") == 0 and dlen(None) == 0


@pytest.mark.parametrize("limit", [1, 5, 40, 256])
def test_truncate_respects_the_limit_and_marks_the_cut(limit):
    text = "mot " * 200 + "😀" * 50
    out = truncate(text, limit)
    assert dlen(out) <= limit
    assert out.endswith("…")
    assert truncate("court", limit + 10) == "court"


@pytest.mark.parametrize("limit", [7, 50, 1024])
def test_split_exact_keeps_every_character(limit):
    text = ("Anthropic « cite » [12] des passages   longs\n\tet\u00a0variés. " * 80) + "x" * 3000 + " 😀" * 30
    chunks = split_exact(text, limit)
    assert "".join(chunks) == text
    assert all(0 < dlen(c) <= limit for c in chunks)


def test_split_exact_cuts_after_whitespace_when_possible():
    chunks = split_exact("aaaa bbbb cccc dddd", 10)
    assert chunks == ["aaaa bbbb ", "cccc dddd"]


def test_split_exact_never_cuts_inside_a_marker_even_without_spaces():
    text = "x" * 8 + "[123]" + "y" * 20
    chunks = split_exact(text, 10)
    assert "".join(chunks) == text
    assert any("[123]" in c for c in chunks)


def test_split_exact_rejects_a_useless_limit():
    with pytest.raises(ValueError):
        split_exact("abc", 0)


def test_split_sentences_cuts_at_sentence_ends_and_keeps_markers_whole():
    sentence = "Cette phrase est assez longue pour compter [1]. "
    text = (sentence * 60).strip() + " Fin [2][3]."
    chunks = split_sentences(text, 300)
    assert all(dlen(c) <= 300 for c in chunks)
    assert len(chunks) > 1
    for c in chunks:
        assert c.endswith(".") or c.endswith("]")
        # every "[" opens a complete marker
        assert c.count("[") == len(MARKER.findall(c))
    assert " ".join(chunks).split() == text.split()


def test_split_sentences_falls_back_to_whitespace_for_a_huge_sentence():
    text = "mot " * 600
    chunks = split_sentences(text, 100)
    assert all(dlen(c) <= 100 for c in chunks)
    assert " ".join(chunks).split() == text.split()


def test_thread_name_is_one_bounded_line_never_empty():
    name = thread_name("  Faut-il\n\n automatiser " + "l'économie ? " * 30)
    assert "\n" not in name and dlen(name) <= 100 and name.startswith("Faut-il automatiser")
    assert thread_name("   ") == "Question"


def test_choice_text_is_bounded_and_never_empty():
    assert dlen(choice_text("q " * 200)) <= 100
    assert choice_text("") == "?"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_cooldown_is_a_sliding_window_per_user():
    clock = Clock()
    cd = Cooldown(2, 60, clock=clock)
    assert cd.hit(1) == 0  # t=0
    clock.now += 20
    assert cd.hit(1) == 0  # t=20
    assert cd.hit(1) == pytest.approx(40)  # the t=0 hit leaves the window at t=60
    assert cd.hit(2) == 0  # other users are independent
    clock.now += 41  # t=61: one slot freed, not two
    assert cd.retry_after(1) == 0
    assert cd.hit(1) == 0
    assert cd.hit(1) == pytest.approx(19)


def test_refused_hits_are_not_recorded():
    clock = Clock()
    cd = Cooldown(1, 10, clock=clock)
    cd.hit(1)
    for _ in range(5):
        clock.now += 1
        cd.hit(1)
    clock.now = 1010.01
    assert cd.hit(1) == 0


def test_cooldown_sweeps_quiet_users():
    clock = Clock()
    cd = Cooldown(1, 5, clock=clock, max_keys=10)
    for uid in range(10):
        cd.hit(uid)
    clock.now += 6
    cd.hit(99)
    cd.hit(100)
    assert len(cd) <= 3


def test_wait_seconds_rounds_up_and_is_never_zero():
    assert wait_seconds(0.01) == 1
    assert wait_seconds(12.2) == 13


async def test_enforce_cooldown_refuses_politely_and_privately(make_interaction):
    cd = Cooldown(1, 60, clock=Clock())
    first = make_interaction()
    assert await enforce_cooldown(first, cd, "fr") is True
    assert first.events == []
    second = make_interaction()
    assert await enforce_cooldown(second, cd, "fr") is False
    name, _, kwargs = second.events[0]
    assert name == "send_message" and kwargs["ephemeral"] is True
    assert "60 s" in kwargs["content"]
    assert kwargs["allowed_mentions"].to_dict() == discord.AllowedMentions.none().to_dict()
