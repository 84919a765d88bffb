"""The stance model learns from the explicit `stance:` of every debate side, never from words in side ids or labels."""

from __future__ import annotations

from bot.core.answering.stance import STANCES, StanceModel


def side_of(kb, debate_id: str, side_id: str):
    return next(s for d in kb.debates if d.id == debate_id for s in d.sides if s.id == side_id)


def test_sides_take_the_stance_written_in_the_data(shared_kb):
    # "pro" is inside "projet" and "real" inside "irréaliste": neither makes these sides favourable
    assert side_of(shared_kb, "automatiser-economie", "critique").label.startswith("Un projet dystopique")
    assert side_of(shared_kb, "automatiser-economie", "critique").stance == "critique"
    assert side_of(shared_kb, "projet-realiste", "irrealiste").label.startswith("Irréaliste")
    assert side_of(shared_kb, "projet-realiste", "irrealiste").stance == "critique"
    assert all(s.stance in STANCES for d in shared_kb.debates for s in d.sides)


def test_curated_arguments_are_classified_with_their_side_stance(shared_kb):
    model = StanceModel(shared_kb.debates, shared_kb.vectors)
    dystopian = side_of(shared_kb, "automatiser-economie", "critique").arguments[0]
    unrealistic = side_of(shared_kb, "projet-realiste", "irrealiste").arguments[0]
    for arg in (dystopian, unrealistic):
        stance, share = model.classify(arg.quotes[0].text)
        assert stance == "critique" and share > 0.5, (arg.id, stance, share)


def test_sides_without_a_stance_teach_nothing(shared_kb):
    from dataclasses import replace

    unlabelled = [replace(d, sides=tuple(replace(s, stance="") for s in d.sides)) for d in shared_kb.debates]
    model = StanceModel(unlabelled, shared_kb.vectors)
    assert model.scores("Un projet dystopique.") == {s: 0.0 for s in STANCES}
