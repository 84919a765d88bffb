"""Layering rules: the core never imports discord; the Discord layer never touches Chroma or LangChain;
cogs never import each other and the rest of the Discord layer never imports a cog; importing any module
does no I/O."""

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


def full_imports(path: Path) -> set[str]:
    """Every absolute module a file imports, in full (`from a.b import c` gives a.b and a.b.c)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def exts_imports(path: Path) -> set[str]:
    return {n for n in full_imports(path) if n == "bot.exts" or n.startswith("bot.exts.")}


def test_no_cog_imports_another_cog():
    cogs = sorted((REPO / "bot" / "exts").glob("*.py"))
    assert len(cogs) >= 9
    for path in cogs:
        assert exts_imports(path) == set(), path


def test_the_discord_layer_imports_no_cog_only_the_launchers_extension_list():
    for path in sorted((REPO / "bot" / "discord_app").rglob("*.py")):
        allowed = {"bot.exts", "bot.exts.EXTENSIONS"} if path.name == "launcher.py" else set()
        assert exts_imports(path) <= allowed, path
    assert exts_imports(REPO / "bot" / "discord_app" / "launcher.py") == {"bot.exts", "bot.exts.EXTENSIONS"}


def test_poll_records_are_reached_through_the_facade_only():
    for path in list((REPO / "bot" / "exts").rglob("*.py")) + list((REPO / "bot" / "discord_app").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert "PollStore(" not in source and "bot.core.polls.store" not in full_imports(path), path


def test_the_rules_above_see_imports_inside_functions(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from bot.exts.polls import start_debate_poll\n    import bot.exts.ask\n", encoding="utf-8")
    assert exts_imports(probe) == {"bot.exts.polls", "bot.exts.polls.start_debate_poll", "bot.exts.ask"}


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
