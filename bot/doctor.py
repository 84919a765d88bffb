"""`contrepoint doctor`: one line per check (OK / WARN / FAIL + what to do); healthy only when nothing fails.

Checks the config, the token's presence (never its value), the store (local folder usable or Chroma server
reachable), the knowledge folder (`knowledge check`), and the LLM's endpoint when one is configured.
The Discord permission check lives in bot/discord_app/doctor_discord.py (it needs discord.py).
"""

from __future__ import annotations

import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bot.settings import ConfigError, Secrets, Settings, load_settings

PROBE_TIMEOUT_S = 3.0


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # "OK", "WARN" or "FAIL"
    detail: str
    fix: str = ""

    def line(self) -> str:
        return f"{self.status:<4} {self.name}: {self.detail}" + (f" -> {self.fix}" if self.fix else "")


def healthy(checks: list[Check]) -> bool:
    return all(c.status != "FAIL" for c in checks)


def probe_http(url: str, timeout: float = PROBE_TIMEOUT_S) -> str | None:
    """None when something answers HTTP at `url` (any status); else why not, in a few words."""
    try:
        urllib.request.urlopen(url, timeout=timeout).read(1)
    except urllib.error.HTTPError:
        return None  # it answered: reachable (401/404 are the server's business)
    except Exception as exc:  # noqa: BLE001 - refused, timed out, DNS, TLS: all mean unreachable
        return f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"
    return None


def check_config(config: str | None, root: Path, env: dict[str, str]) -> tuple[Check, Settings | None]:
    try:
        settings = load_settings(config, root=root, env=env)
    except ConfigError as exc:
        detail = " ".join(line.strip() for line in str(exc).splitlines())
        return Check("config", "FAIL", detail, "fix the keys named above (see config.example.yaml)"), None
    return Check("config", "OK", "valid"), settings


def check_token(env: dict[str, str]) -> Check:
    if Secrets.from_env(env).discord_token is None:
        return Check("token", "WARN", "DISCORD_TOKEN is not set", "put DISCORD_TOKEN=... in .env to run the bot")
    return Check("token", "OK", "DISCORD_TOKEN is set (value not shown)")


def check_store(settings: Settings) -> Check:
    s = settings.store
    if s.chroma_host:
        scheme = "https" if s.chroma_ssl else "http"
        where = f"{s.chroma_host}:{s.chroma_port}"
        why = probe_http(f"{scheme}://{where}/api/v2/heartbeat", min(PROBE_TIMEOUT_S, s.chroma_timeout_s))
        if why:
            return Check("store", "FAIL", f"Chroma server {where} unreachable ({why})",
                         f"start it (`chroma run --host {s.chroma_host} --port {s.chroma_port}`) or fix store.chroma_host/chroma_port")
        return _server_locks(settings, where)
    try:
        s.data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=s.data_dir):
            pass
    except OSError as exc:
        return Check("store", "FAIL", f"local store {s.data_dir} not writable ({exc.strerror or exc})",
                     "fix its permissions or set store.data_dir")
    return Check("store", "OK", f"local store {s.data_dir} writable")


def _server_locks(settings: Settings, where: str) -> Check:
    """The server answers: which ingest locks other processes hold (a held lock is normal during an ingest:
    the other processes serve what the store holds and catch up once it is released)."""
    import time

    from bot.core.retrieval.ingest_lock import held_locks
    from bot.core.retrieval.store import ChromaStore

    try:
        held = held_locks(ChromaStore(settings.store, "doctor", {}).locks(), time.time())
    except Exception as exc:  # noqa: BLE001 - answers the heartbeat, fails the API: wrong version, auth
        return Check("store", "FAIL", f"Chroma server {where} answers its heartbeat but not its API ({type(exc).__name__})",
                     "check that the server runs a Chroma version this bot supports and needs no credentials")
    if not held:
        return Check("store", "OK", f"Chroma server {where} answers; no ingest lock is held")
    now = time.time()
    locks = "; ".join(f"{name} by {holder.describe(now)}" for name, holder in held.items())
    return Check("store", "OK", f"Chroma server {where} answers; ingest lock held: {locks}")


def check_knowledge_folder(settings: Settings, root: Path) -> Check:
    from bot.core.knowledge.check import check_knowledge

    report = check_knowledge(settings.knowledge.dir, root=root)
    if report.problems:
        first = report.problems[0]
        return Check("knowledge", "FAIL", f"{report.summary()}; first: {first.path}: {first.reason}",
                     "run `contrepoint knowledge check` and fix each file listed")
    status = "WARN" if report.warnings else "OK"
    return Check("knowledge", status, report.summary(), "see `contrepoint knowledge check`" if report.warnings else "")


def check_llm(settings: Settings) -> Check:
    llm = settings.llm
    if not llm.model:
        return Check("llm", "OK", "not configured: extractive answers only")
    if not llm.base_url:
        return Check("llm", "OK", f"{llm.model} on its provider's endpoint (not probed; its API key comes from the environment)")
    why = probe_http(llm.base_url.rstrip("/") + "/models", min(PROBE_TIMEOUT_S, llm.timeout_s))
    if why:
        return Check("llm", "FAIL", f"{llm.base_url} unreachable ({why})",
                     "start the server or fix llm.base_url (answers fall back to extractive meanwhile)")
    return Check("llm", "OK", f"{llm.model} at {llm.base_url} answers")


def run_checks(config: str | None, root: Path, env: dict[str, str]) -> list[Check]:
    """Every local check, in order; later checks are skipped (not failed twice) when the config is invalid."""
    config_check, settings = check_config(config, root, env)
    checks = [config_check, check_token(env)]
    if settings is not None:
        checks += [check_store(settings), check_knowledge_folder(settings, root), check_llm(settings)]
    return checks
