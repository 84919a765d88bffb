"""The `scoring:` settings reach the composer, /counter and autocomplete (real knowledge folder, shared store)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.answering.pipeline import engine_for
from bot.core.service import Contrepoint
from bot.settings import ConfigError, load_settings

REPO = Path(__file__).resolve().parents[3]
FACT_Q = "Combien Google a-t-il investi dans Anthropic ?"
JOBS_CLAIM = "L'IA va détruire des centaines de millions d'emplois"


def scored_service(shared_service, **scoring) -> Contrepoint:
    base = shared_service.settings
    svc = Contrepoint(base.model_copy(update={"scoring": base.scoring.model_copy(update=scoring)}), root=REPO)
    svc._kb = shared_service.kb  # same synced knowledge base; the engine is built with these settings
    return svc


def test_engine_is_built_from_the_scoring_settings(shared_service):
    eng = engine_for(scored_service(shared_service, passage_prior=0.02, passage_prior_ranks=3, stance_neighbours=5))
    assert (eng.scorer.prior, eng.scorer.prior_ranks, eng.stance._k) == (0.02, 3, 5)
    assert eng.composer.s.passage_prior == 0.02


def test_factual_answers_show_at_most_max_fact_sentences(shared_service):
    default = shared_service.ask(FACT_Q)
    assert default.kind == "factual" and len(default.sides[0].points) > 1  # Google's amounts differ between articles
    one = scored_service(shared_service, max_fact_sentences=1).ask(FACT_Q)
    assert one.kind == "factual" and len(one.sides[0].points) == 1
    assert one.sides[0].points[0].text == default.sides[0].points[0].text


def test_counter_shows_counter_args_per_side(shared_service):
    default = shared_service.counter(JOBS_CLAIM)
    assert max(len(s.points) for s in default.others) == 2
    one = scored_service(shared_service, counter_args_per_side=1).counter(JOBS_CLAIM)
    assert one.matched_side == default.matched_side and all(len(s.points) == 1 for s in one.others)


def test_out_of_range_scoring_setting_is_named(tmp_path):
    cfg = tmp_path / "config.yaml"
    cfg.write_text("scoring:\n  stance_floor: 1.5\n", encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_settings(cfg, root=tmp_path, env={})
    assert "scoring.stance_floor" in str(exc.value)
