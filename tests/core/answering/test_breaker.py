"""The LLM circuit breaker on its own, with a controlled clock."""

from __future__ import annotations

from bot.core.answering.breaker import CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_opens_after_consecutive_failures_only():
    breaker = CircuitBreaker(failures=3, cooldown_s=10, clock=Clock())
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()  # a success resets the count
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state == "closed" and breaker.allow()
    breaker.record_failure()
    assert breaker.state == "open" and not breaker.allow()


def test_half_open_lets_exactly_one_trial_call_through():
    clock = Clock()
    breaker = CircuitBreaker(failures=1, cooldown_s=10, clock=clock)
    breaker.record_failure()
    clock.now = 9.9
    assert not breaker.allow()
    clock.now = 10
    assert breaker.state == "half_open"
    assert breaker.allow()
    assert not breaker.allow()  # a second caller during the trial still skips the provider
    breaker.record_success()
    assert breaker.state == "closed" and breaker.allow() and breaker.allow()


def test_a_failed_trial_reopens_for_a_full_cooldown():
    clock = Clock()
    breaker = CircuitBreaker(failures=2, cooldown_s=10, clock=clock)
    breaker.record_failure()
    breaker.record_failure()
    clock.now = 15
    assert breaker.allow()
    breaker.record_failure()  # one failed trial is enough, whatever `failures` says
    assert breaker.state == "open"
    clock.now = 24.9
    assert not breaker.allow()
    clock.now = 25
    assert breaker.allow()
