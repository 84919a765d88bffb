"""Layering rules: the core never imports discord; the Discord layer never touches Chroma or LangChain;
importing any module does no I/O."""

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_never_imports_discord():
    for path in (REPO / "bot" / "core").rglob("*.py"):
        assert "discord" not in imported_modules(path), path


def test_discord_layer_never_talks_to_chroma_or_langchain():
    files = list((REPO / "bot" / "exts").rglob("*.py")) + list((REPO / "bot" / "discord_app").rglob("*.py"))
    for path in files:
        bad = imported_modules(path) & {"chromadb", "langchain", "langchain_core", "langchain_community"}
        assert not bad, (path, bad)


def test_importing_every_module_does_no_io(tmp_path):
    modules = sorted(
        ".".join(p.relative_to(REPO).with_suffix("").parts)
        for p in (REPO / "bot").rglob("*.py")
    )
    script = (
        "import builtins, socket, sys\n"
        "def refuse(*a, **k): raise AssertionError(f'I/O at import time: {a[:1]}')\n"
        "socket.socket.connect = refuse\n"
        "real_open = builtins.open\n"
        "def guarded(file, mode='r', *a, **k):\n"
        "    if any(c in mode for c in 'wax+'): refuse(file)\n"
        "    return real_open(file, mode, *a, **k)\n"
        "builtins.open = guarded\n"
        f"for m in {modules!r}:\n"
        "    __import__(m)\n"
        "print('ok', len(sys.modules))\n"
    )
    res = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                         env={"PATH": "", "PYTHONPATH": str(REPO), "HOME": str(tmp_path)})
    assert res.returncode == 0, res.stderr[-2000:]
    assert list(tmp_path.iterdir()) == []  # nothing written in the working directory
