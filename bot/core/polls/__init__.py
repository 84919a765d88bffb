"""Native-poll core: specification and validation, SQLite store, results text and charts.

No discord import here; the Discord cog renders what these functions return.
"""

from bot.core.polls.charts import results_chart_png, shift_chart_png
from bot.core.polls.results import ShiftRow, compare_shift, format_results
from bot.core.polls.spec import (
    MAX_ANSWER_CHARS,
    MAX_ANSWERS,
    MAX_HOURS,
    MAX_QUESTION,
    MIN_HOURS,
    PollError,
    PollSpec,
    build_poll_spec,
    parse_answers,
    poll_spec_for_debate,
)
from bot.core.polls.store import PollRecord, PollStore, PollStoreError

__all__ = [
    "MAX_ANSWER_CHARS",
    "MAX_ANSWERS",
    "MAX_HOURS",
    "MAX_QUESTION",
    "MIN_HOURS",
    "PollError",
    "PollRecord",
    "PollSpec",
    "PollStore",
    "PollStoreError",
    "ShiftRow",
    "build_poll_spec",
    "compare_shift",
    "format_results",
    "parse_answers",
    "poll_spec_for_debate",
    "results_chart_png",
    "shift_chart_png",
]
