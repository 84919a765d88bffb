import struct
import subprocess
import sys
import zlib

import pytest

from bot.core.polls.charts import results_chart_png, shift_chart_png
from bot.core.polls.results import ShiftRow

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_size(data: bytes) -> tuple[int, int]:
    """Check the signature and the IHDR chunk (length, type, CRC); return (width, height)."""
    assert data[:8] == PNG_SIGNATURE
    length, ctype = struct.unpack(">I4s", data[8:16])
    assert ctype == b"IHDR" and length == 13
    body = data[16:16 + length]
    (crc,) = struct.unpack(">I", data[16 + length:20 + length])
    assert crc == zlib.crc32(ctype + body)
    width, height = struct.unpack(">II", body[:8])
    assert data.endswith(b"IEND\xaeB`\x82")
    return width, height


def test_results_chart_is_png():
    answers = ["Oui", "Non, l'emploi s'adaptera avec de nouveaux métiers", "Ça dépend 🤔", "Coût $5 et $10"]
    data = results_chart_png("L'IA va-t-elle automatiser l'économie ?", answers, [12, 7, 3, 0])
    width, height = _png_size(data)
    assert width > 300 and height > 200


def test_results_chart_grows_with_answers_and_handles_zero_votes():
    small = _png_size(results_chart_png("Q ?", ["a", "b"], [0, 0], lang="en"))
    big = _png_size(results_chart_png("Q ?", [f"réponse {i}" for i in range(10)], list(range(10))))
    assert big[1] > small[1]


def test_results_chart_rejects_bad_input():
    with pytest.raises(ValueError):
        results_chart_png("Q ?", [], [])
    with pytest.raises(ValueError):
        results_chart_png("Q ?", ["a", "b"], [1])


def test_shift_chart_is_png():
    rows = [
        ShiftRow("Oui", 6, 15, 60.0, 75.0, 15.0),
        ShiftRow("Non", 3, 2, 30.0, 10.0, -20.0),
        ShiftRow("Ça dépend", 1, 3, 10.0, 15.0, 5.0),
    ]
    width, height = _png_size(shift_chart_png("Une question " * 20, rows, lang="en"))
    assert width > 300 and height > 200
    with pytest.raises(ValueError):
        shift_chart_png("Q ?", [])


def test_importing_charts_does_not_import_pyplot():
    code = "import sys, bot.core.polls, bot.core.polls.charts; print('matplotlib.pyplot' in sys.modules, 'matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
