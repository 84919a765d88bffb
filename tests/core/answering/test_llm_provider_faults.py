"""Provider faults through the real `ask` pipeline and the real langchain-openai client.

A real OpenAI-compatible HTTP server on 127.0.0.1 (openai_server.py) is slow, fails, rate-limits or returns
garbage; `llm.model = "openai:…"` with `llm.base_url` pointing at it builds a real ChatOpenAI.
The user always gets the extractive answer, marked as a fallback, within `llm.timeout_s`.
"""

from __future__ import annotations

import json
import logging
import time

import pytest
from answer_checks import ask_once, assert_well_formed
from fake_models import llm_service
from openai_server import FakeOpenAIServer

from bot.core.answering.breaker import CircuitBreaker
from bot.core.messages import fallback_text

pytest.importorskip("langchain_openai")

DEBATE_Q = "Que pensez-vous du projet d'Anthropic visant à automatiser des pans de l'économie avec l'IA ?"
FAKE_KEY = "sk-test-provider-faults-0123456789abcdefghij"
GOOD_DRAFT = {
    "kind": "debate",
    "intro": "Les articles présentent ce projet sous plusieurs angles.",
    "sides": [
        {"label": "Favorable", "points": [{"text": "Les sources évoquent des bénéfices économiques.", "citations": [1]}]},
        {"label": "Critique", "points": [{"text": "Des critiques redoutent des pertes d'emplois.", "citations": [2, 3]}]},
    ],
}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def server():
    srv = FakeOpenAIServer()
    srv.content = json.dumps(GOOD_DRAFT, ensure_ascii=False)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def provider(shared_service, server, monkeypatch):
    """A service whose LLM is a real ChatOpenAI talking to `server`; returns a factory taking llm settings."""
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)

    def make(**llm):
        values = {"model": "openai:gpt-4o-mini", "base_url": server.base_url, "timeout_s": 5.0, "max_retries": 0} | llm
        return llm_service(shared_service, None, **values)

    return make


def assert_extractive_fallback(shared_service, answer, reason: str) -> None:
    extractive = ask_once(shared_service, DEBATE_Q)
    assert answer.mode == "fallback" and answer.fallback_reason == reason
    assert answer.to_json() | {"mode": "extractive", "fallback_reason": None} == extractive.to_json() | {"fallback_reason": None}
    assert answer.to_json()["fallback_reason"] == reason
    assert_well_formed(shared_service, answer, "fr")
    assert "Je pense" not in answer.answer_markdown


def test_a_healthy_server_gives_an_llm_answer_through_chatopenai(provider, server, shared_service):
    answer = provider().ask(DEBATE_Q)
    assert answer.mode == "llm" and answer.fallback_reason is None
    assert "fallback_reason" not in answer.to_json()
    assert_well_formed(shared_service, answer, "fr")
    assert len(server.requests) == 1
    request = server.requests[0]
    assert request["model"] == "gpt-4o-mini" and request["response_format"]["type"] == "json_schema"


@pytest.mark.parametrize(
    "behaviour, reason",
    [("http_500", "error"), ("http_429", "rate_limited"), ("garbage", "error"), ("prose", "malformed")],
)
def test_provider_faults_give_the_extractive_answer_marked_as_fallback(provider, server, shared_service, behaviour, reason,
                                                                      caplog):
    caplog.set_level(logging.DEBUG)
    server.behaviour = behaviour
    answer = provider().ask(DEBATE_Q)
    assert_extractive_fallback(shared_service, answer, reason)
    assert len(server.requests) == 1  # max_retries=0: one call
    assert all(FAKE_KEY not in r.getMessage() for r in caplog.records)
    assert FAKE_KEY not in json.dumps(answer.to_json())


def test_a_slow_server_gives_the_fallback_within_the_timeout(provider, server, shared_service):
    server.behaviour, server.delay_s = "slow", 30.0
    svc = provider(timeout_s=1.0)
    started = time.monotonic()
    answer = svc.ask(DEBATE_Q)
    elapsed = time.monotonic() - started
    assert_extractive_fallback(shared_service, answer, "timeout")
    assert elapsed < 10.0, f"the answer waited {elapsed:.1f} s on a server stuck for 30 s (timeout_s=1)"


def test_sdk_retries_a_429_within_the_timeout(provider, server, shared_service):
    server.behaviour = ["http_429", "ok"]
    answer = provider(max_retries=1).ask(DEBATE_Q)
    assert answer.mode == "llm"
    assert len(server.requests) == 2


def test_circuit_breaker_stops_calling_a_failing_provider_and_retries_after_the_cooldown(provider, server, shared_service):
    server.behaviour = "http_500"
    svc = provider()
    clock = Clock()
    svc.llm_breaker = CircuitBreaker(failures=2, cooldown_s=60, clock=clock)
    svc._answer_engine.breaker = svc.llm_breaker

    for _ in range(2):
        assert svc.ask(DEBATE_Q).fallback_reason == "error"
    assert len(server.requests) == 2 and svc.llm_breaker.state == "open"

    answer = svc.ask(DEBATE_Q)  # open: the provider is not called at all
    assert_extractive_fallback(shared_service, answer, "circuit_open")
    assert len(server.requests) == 2

    clock.now += 61  # half-open: one trial call, still failing -> open again
    assert svc.ask(DEBATE_Q).fallback_reason == "error"
    assert len(server.requests) == 3 and svc.llm_breaker.state == "open"
    assert svc.ask(DEBATE_Q).fallback_reason == "circuit_open"
    assert len(server.requests) == 3

    server.behaviour = "ok"
    clock.now += 61  # the provider is back: the trial succeeds and the circuit closes
    assert svc.ask(DEBATE_Q).mode == "llm"
    assert svc.llm_breaker.state == "closed" and len(server.requests) == 4
    assert svc.ask(DEBATE_Q).mode == "llm"


def test_the_fallback_note_is_french_by_default_and_english_available():
    fr, en = fallback_text("timeout", "fr"), fallback_text("timeout", "en")
    assert "secours" in fr and "à temps" in fr
    assert "Fallback" in en and "in time" in en
    assert fallback_text("unknown-reason", "en") == fallback_text("error", "en")
