"""The one message table (bot/core/messages): every text in French and English, no key defined twice,
and every key the code asks for exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from bot.core import messages
from bot.core.messages import TEXTS, input_error_text, t
from bot.core.text_guard import InputError, clean_user_text

REPO = Path(__file__).resolve().parents[2]
LITERAL_KEY = re.compile(r"""\bt\([^,()]+, f?["']([a-z_]+(?:\.[a-z_]+)?)(\.?\{)?""")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_no_key_is_defined_in_two_areas():
    assert len(TEXTS) == sum(len(area.TEXTS) for area in messages._AREAS)


def test_every_text_has_french_and_english_with_the_same_placeholders():
    bad = [k for k, (fr, en) in TEXTS.items() if not (fr.strip() and en.strip()) or placeholders(fr) != placeholders(en)]
    assert len(TEXTS) > 150 and bad == []


def test_every_key_the_code_asks_for_exists():
    asked = {}
    for path in (REPO / "bot").rglob("*.py"):
        for m in LITERAL_KEY.finditer(path.read_text(encoding="utf-8")):
            if m.group(2):  # f"reason.{code}", f"stance.{stance}": every member of these families is checked below
                continue
            asked.setdefault(m.group(1), str(path.relative_to(REPO)))
    assert len(asked) > 150
    assert {k: p for k, p in asked.items() if k not in TEXTS} == {}


@pytest.mark.parametrize("code", ["out_of_scope", "not_covered", "not_mentioned", "premise_name", "premise_link",
                                  "premise_quantity", "article_missing", "covered_topics", "other_language"])
def test_every_reason_code_has_a_text(code):
    assert f"reason.{code}" in TEXTS


def test_every_stance_has_a_heading():
    from bot.core.models import STANCES

    assert all(f"stance.{s}" in TEXTS for s in STANCES)


def test_input_errors_are_rendered_from_their_code_and_params():
    with pytest.raises(InputError) as too_long:
        clean_user_text("x" * 1200, max_chars=1000)
    assert (too_long.value.code, too_long.value.params) == ("too_long", {"length": 1200, "limit": 1000})
    assert input_error_text("fr", too_long.value) == "Texte trop long (1200 caractères, 1000 au plus) : il faut le raccourcir."
    assert input_error_text("en", too_long.value).startswith("Text too long (1200 characters, 1000 at most)")
    with pytest.raises(InputError) as empty:
        clean_user_text(" \u200b ")
    assert empty.value.code == "empty" and input_error_text("fr", empty.value).startswith("Texte vide")
    assert str(empty.value) == "empty input: write a question"  # logs and JSON output stay in English


def test_french_unless_english():
    assert t("en-GB", "poll.before") == "Before" and t("fr", "poll.before") == t("de", "poll.before") == "Avant"
