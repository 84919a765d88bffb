"""Load benchmark of the Discord layer (not a test).

N concurrent /ask interactions go through the real AskCog callback with fake interactions
(no network) on top of the real Contrepoint service and the real knowledge folder. Reports:
- time to acknowledge: from dispatch to `response.defer` (Discord requires < 3 s);
- time to answer: from dispatch to the follow-up;
- event-loop lag: lateness of a 5 ms ticker while the load runs (blocking work must stay off the
  loop: the cog runs the core through bot.run_core, i.e. worker threads).

    python bench/discord_load.py [--n 200] [--in-flight N] [--llm-delay SECONDS] [--embeddings hashing]
                                 [--fake-service SECONDS]

Prints a Markdown table. --fake-service replaces the core by a stub that blocks for SECONDS
per question (to measure the Discord layer alone). --llm-delay gives the real core a fake chat
model (LangChain GenericFakeChatModel, no network) that answers a grounded JSON draft after
SECONDS, like a slow provider; --in-flight N dispatches at most N interactions at once (N users
waiting), the others arrive as earlier ones are answered. Issue 9's run:

    python bench/discord_load.py --n 500 --in-flight 50 --llm-delay 2
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from unittest.mock import AsyncMock, MagicMock

import discord

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.core.models import Answer, Citation, Point, Side  # noqa: E402
from bot.discord_app.client import ContrepointBot  # noqa: E402
from bot.exts.ask import AskCog  # noqa: E402
from bot.settings import load_settings  # noqa: E402

QUESTIONS = [
    "Faut-il laisser Anthropic automatiser l'économie ?",
    "L'IA d'Anthropic va-t-elle détruire des emplois ?",
    "Les milliards investis dans Anthropic sont-ils justifiés ?",
    "Amazon contrôle-t-il Anthropic grâce à ses puces ?",
    "Google mène-t-il une guerre par procuration contre Microsoft ?",
    "Is Anthropic's plan to automate the economy a good idea?",
    "Who invested 2 billion in Anthropic?",
    "Pourquoi Amazon exige-t-il l'usage de ses puces ?",
]


def slow_chat_model(delay: float):
    """A provider that takes `delay` seconds, then returns a well-formed two-sided draft citing [1] and [2]."""
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    draft = json.dumps({"kind": "debate", "intro": "Deux lectures s'opposent.", "sides": [
        {"label": "Pour", "points": [{"text": "Un premier argument.", "citations": [1]}]},
        {"label": "Contre", "points": [{"text": "Un second argument.", "citations": [2]}]}]}, ensure_ascii=False)

    class SlowModel(GenericFakeChatModel):
        def _generate(self, messages, stop=None, run_manager=None, **kwargs):
            time.sleep(delay)
            return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)

    return SlowModel(messages=itertools.repeat(AIMessage(content=draft)))


class StubService:
    """Blocks like a real core call would, then returns a small valid answer."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def ensure_ready(self):
        return SimpleNamespace(changed=False, problems=[])

    def ask(self, question, *, lang=None, history=()):
        time.sleep(self.seconds)
        c = Citation(1, "a", "Article", "knowledge/articles/a.md", "passage", 0, 7)
        return Answer(question, "debate", lang or "fr", "md", [Side("Pour", [Point("p", [1])]), Side("Contre", [Point("q", [1])])],
                      [c], True, "extractive", debate_id=None)


def fake_interaction(bot, user_id: int, marks: dict) -> MagicMock:
    it = MagicMock(spec=discord.Interaction)
    it.client, it.locale, it.type = bot, discord.Locale.french, discord.InteractionType.application_command
    it.user = MagicMock(spec=discord.Member)
    it.user.id = user_id
    done = {"v": False}

    async def defer(**kwargs):
        marks["ack"] = time.perf_counter()
        done["v"] = True

    async def send(**kwargs):
        marks["answer"] = time.perf_counter()

    it.response = MagicMock(spec=discord.InteractionResponse)
    it.response.is_done = MagicMock(side_effect=lambda: done["v"])
    it.response.defer = AsyncMock(side_effect=defer)
    it.response.send_message = AsyncMock(side_effect=send)
    it.followup = MagicMock(spec=discord.Webhook)
    it.followup.send = AsyncMock(side_effect=send)
    return it


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def ticker(stop: asyncio.Event, lags: list[float], period: float = 0.005) -> None:
    while not stop.is_set():
        t0 = time.perf_counter()
        await asyncio.sleep(period)
        lags.append(max(0.0, time.perf_counter() - t0 - period))


async def run(args) -> str:
    settings = load_settings(root=REPO, env={})
    data = Path(tempfile.mkdtemp(prefix="cp-bench-"))
    update = {
        "store": settings.store.model_copy(update={"data_dir": data}),
        "polls": settings.polls.model_copy(update={"db_path": data / "polls.sqlite3"}),
        "knowledge": settings.knowledge.model_copy(update={"dir": REPO / "knowledge"}),
    }
    if args.embeddings:
        update["embeddings"] = settings.embeddings.model_copy(update={"backend": args.embeddings})
    if args.concurrency:
        update["discord"] = settings.discord.model_copy(update={"max_concurrent_answers": args.concurrency})
    settings = settings.model_copy(update=update)

    if args.fake_service is not None:
        service = StubService(args.fake_service)
        label = f"stub core ({args.fake_service * 1000:.0f} ms blocking per question)"
    else:
        from bot.core.service import Contrepoint

        chat_model = slow_chat_model(args.llm_delay) if args.llm_delay is not None else None
        if chat_model is not None:
            llm = {"timeout_s": args.llm_timeout, "max_concurrent_requests": args.llm_concurrency or settings.llm.max_concurrent_requests}
            settings = settings.model_copy(update={"llm": settings.llm.model_copy(update=llm)})
        service = Contrepoint(settings, root=REPO, chat_model=chat_model)
        t0 = time.perf_counter()
        service.ensure_ready()
        label = f"real core, knowledge/ ({settings.embeddings.backend} embeddings; store built in {time.perf_counter() - t0:.1f} s)"
        if chat_model is not None:
            label += (f"; fake chat model answering after {args.llm_delay:g} s (llm.timeout_s {args.llm_timeout:g}, "
                      f"llm.max_concurrent_requests {settings.llm.max_concurrent_requests})")
        service.ask(QUESTIONS[0], lang="fr")  # warm-up outside the measure
        answers: list = []
        real_ask = service.ask

        def recording_ask(*a, **k):
            answer = real_ask(*a, **k)
            answers.append(answer)
            return answer

        service.ask = recording_ask

    bot = ContrepointBot(service, settings, prepare_core=False)
    cog = AskCog(bot)
    marks = [dict() for _ in range(args.n)]
    interactions = [fake_interaction(bot, 10_000 + i, marks[i]) for i in range(args.n)]

    lags: list[float] = []
    stop = asyncio.Event()
    tick = asyncio.create_task(ticker(stop, lags))
    await asyncio.sleep(0.05)
    slots = asyncio.Semaphore(args.in_flight or args.n)
    dispatched = [0.0] * args.n

    async def one(i: int, it):
        async with slots:  # a user sends the command once an earlier one has been answered
            dispatched[i] = time.perf_counter()
            return await cog.ask.callback(cog, it, question=QUESTIONS[i % len(QUESTIONS)])

    start = time.perf_counter()
    results = await asyncio.gather(*(one(i, it) for i, it in enumerate(interactions)), return_exceptions=True)
    elapsed = time.perf_counter() - start
    stop.set()
    await tick
    bot.answer_cache.close()

    errors = [r for r in results if isinstance(r, BaseException)]
    ack = [(m["ack"] - dispatched[i]) * 1000 for i, m in enumerate(marks) if "ack" in m]
    answer = [(m["answer"] - dispatched[i]) * 1000 for i, m in enumerate(marks) if "answer" in m]
    lag = [x * 1000 for x in lags]
    rows = [
        ("time to acknowledge (defer)", ack),
        ("time to answer (follow-up)", answer),
        ("event-loop lag (5 ms ticker)", lag),
    ]
    out = [
        f"### Discord load: {args.n} /ask, {args.in_flight or args.n} in flight",
        "",
        f"- core: {label}",
        f"- max_concurrent_answers: {settings.discord.max_concurrent_answers}; in flight: {args.in_flight or args.n}; "
        f"wall time {elapsed:.2f} s; {len(answer) / elapsed:.1f} answers/s; errors: {len(errors)}",
        f"- peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB; load average at the end "
        f"{os.getloadavg()[0]:.2f}",
        "",
        "| metric | n | p50 (ms) | p95 (ms) | max (ms) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, values in rows:
        out.append(f"| {name} | {len(values)} | {pct(values, 0.5):.1f} | {pct(values, 0.95):.1f} | {max(values, default=float('nan')):.1f} |")
    if args.fake_service is None:
        modes = statistics.multimode([a.mode for a in answers]) if answers else []
        reasons = {r: sum(a.fallback_reason == r for a in answers) for r in {a.fallback_reason for a in answers} if r}
        counts = {m: sum(a.mode == m for a in answers) for m in ("llm", "extractive", "fallback")}
        out.insert(5, f"- answers by mode: {counts} (most: {modes}); fallback reasons: {reasons or 'none'}")
    if errors:
        out.append("")
        out.append(f"first error: {errors[0]!r}")
    if lag:
        out.append("")
        out.append(f"mean loop lag {statistics.fmean(lag):.2f} ms over {len(lag)} ticks")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200, help="concurrent interactions (default 200)")
    parser.add_argument("--embeddings", default=None, help="override embeddings.backend (e.g. hashing)")
    parser.add_argument("--concurrency", type=int, default=None, help="override discord.max_concurrent_answers")
    parser.add_argument("--in-flight", type=int, default=None, help="interactions in flight at once (default: all)")
    parser.add_argument("--llm-delay", type=float, default=None, metavar="SECONDS", help="fake chat model answering after SECONDS")
    parser.add_argument("--llm-timeout", type=float, default=30.0, help="llm.timeout_s for --llm-delay (default 30)")
    parser.add_argument("--llm-concurrency", type=int, default=None, help="llm.max_concurrent_requests for --llm-delay")
    parser.add_argument("--fake-service", type=float, default=None, metavar="SECONDS", help="stub core blocking this long per question")
    args = parser.parse_args()
    print(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
