"""Typed, validated configuration.

Sources, lowest to highest priority: defaults < config.yaml < environment
(`CONTREPOINT__SECTION__KEY=value`, also read from `.env`). Secrets come only from
the environment / `.env` and are `SecretStr`, so they never print.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

ENV_PREFIX = "CONTREPOINT__"


class ConfigError(Exception):
    """A configuration problem, with a message that names the offending key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KnowledgeSettings(_Section):
    dir: Path = Path("knowledge")
    watch: bool = False
    watch_interval_s: float = Field(2.0, ge=0.5, le=3600)
    fetch_timeout_s: float = Field(20.0, ge=1, le=300)  # `knowledge add URL`: seconds before giving up
    fetch_max_mb: float = Field(20.0, gt=0, le=500)  # `knowledge add URL`: largest page or PDF downloaded


class StoreSettings(_Section):
    data_dir: Path = Path(".contrepoint")
    collection_prefix: str = Field("contrepoint", pattern=r"^[a-zA-Z0-9][a-zA-Z0-9_-]{1,40}$")
    chroma_host: str | None = None
    chroma_port: int = Field(8000, ge=1, le=65535)
    chroma_ssl: bool = False
    chroma_timeout_s: float = Field(10.0, gt=0, le=300)  # per request to the Chroma server
    ingest_lock_ttl_s: float = Field(300.0, ge=10, le=3600)  # shared server: a silent writer's lock expires after this


class EmbeddingSettings(_Section):
    backend: Literal["e5", "use", "hashing", "openai", "ollama", "huggingface", "fastembed"] = "e5"
    model: str | None = None  # provider model name for hosted/hub backends
    dimensions: int = Field(512, ge=16, le=8192)  # hashing backend only
    batch_size: int = Field(64, ge=1, le=4096)
    cache_dir: Path | None = None  # vectors keyed by (model, text), reused across rebuilds; null = <store.data_dir>


class ChunkingSettings(_Section):
    max_chars: int = Field(480, ge=120, le=4000)
    overlap_sentences: int = Field(1, ge=0, le=3)


class RetrievalWeights(_Section):
    bm25: float = Field(1.0, ge=0)
    ngram: float = Field(0.6, ge=0)
    dense: float = Field(1.5, ge=0)


class RetrievalSettings(_Section):
    k: int = Field(5, ge=1, le=50)  # passages a plain search returns (`contrepoint search`); answers use answering.passages
    candidates: int = Field(40, ge=5, le=500)
    rrf_k: int = Field(30, ge=1, le=1000)
    weights: RetrievalWeights = RetrievalWeights()
    max_per_article: int = Field(3, ge=1, le=50)
    # References to an article ("in the piece about…"), fitted on the dev split by bench/calibrate_routing.py
    ref_probability: float = Field(0.5, ge=0, le=1)  # classifier probability above which a question names an article
    ref_min: float = Field(0.78, ge=0, le=1)  # metadata similarity below which the referenced article is missing


class RoutingSettings(_Section):
    # Fitted on the dev split (tests/eval/answers.yaml, tests/eval/heldout/dev.yaml) by
    # bench/calibrate_routing.py for the default e5 model; never on the test split.
    debate_probability: float = Field(0.65, ge=0, le=1)  # classifier probability above which a question is a debate
    debate_match: float = Field(0.96, ge=0, le=1)  # similarity to a debate map that makes any question that debate
    debate_match_debate_question: float = Field(0.935, ge=0, le=1)  # same, for a question already judged a debate (one map only)
    debate_map_probability: float = Field(0.5, ge=0, le=1)  # map-selector probability needed to present a map's sides
    min_evidence: float = Field(0.74, ge=0, le=1)  # best passage similarity below which nothing covers a question
    min_evidence_debate: float = Field(0.74, ge=0, le=1)  # same, for debate questions
    sentence_cover_min: float = Field(0.78, ge=0, le=1)  # best answering-sentence similarity for a factual answer
    premise_min: float = Field(0.84, ge=0, le=1)  # similarity at which a stated relation contradicts an unknown name
    amount_probability: float = Field(0.6, ge=0, le=1)  # classifier probability above which a question asks for an amount


class AnsweringSettings(_Section):
    passages: int = Field(6, ge=1, le=30)  # passages retrieved to answer a question
    debate_passages: int = Field(14, ge=6, le=60)  # passages searched for the sides of an unmapped debate
    counter_side_min: float = Field(0.86, ge=0, le=2)  # claim-to-side match for /counter (e5 similarity + 0.4 x word overlap)
    precompute_sentences_max: int = Field(5000, ge=0, le=200_000)  # embed every sentence up front below this count


class ScoringSettings(_Section):
    # Weights and cut-offs of the extractive composer and of /counter, /fact and autocomplete. passage_prior is
    # fitted on the dev split by bench/calibrate_routing.py; the others were set by hand on the dev split.
    passage_prior: float = Field(0.01, ge=0, le=0.2)  # subtracted from a sentence's similarity per retrieval rank
    passage_prior_ranks: int = Field(8, ge=0, le=50)  # ranks past this one are not penalised further
    stance_neighbours: int = Field(7, ge=1, le=100)  # curated texts a sentence's stance is read from
    stance_sharpness: float = Field(50.0, gt=0, le=1000)  # how much more the closest neighbours weigh
    stance_floor: float = Field(0.5, ge=0, le=1)  # share of the neighbours that must agree on a sentence's stance
    enrich_margin: float = Field(0.04, ge=0, le=1)  # sentences this close to the best one may enrich a mapped side
    max_enrich: int = Field(2, ge=0, le=10)  # retrieved sentences added to the sides of a mapped debate
    fact_margin: float = Field(0.03, ge=0, le=1)  # factual answers also show sentences this close to the best one
    max_fact_sentences: int = Field(3, ge=1, le=10)
    counter_lexical_weight: float = Field(0.4, ge=0, le=5)  # /counter: weight of shared words next to similarity
    counter_args_per_side: int = Field(2, ge=1, le=10)  # /counter: strongest arguments shown per other side
    fact_lexical_weight: float = Field(1.0, ge=0, le=5)  # /fact topic: weight of shared words next to similarity
    autocomplete_phrase_bonus: float = Field(3.0, ge=0, le=100)  # autocomplete: typed text found as a whole


class CircuitBreakerSettings(_Section):
    failures: int = Field(3, ge=1, le=100)  # consecutive provider failures that open the circuit
    cooldown_s: float = Field(60.0, gt=0, le=86400)  # seconds without calls before one trial call


class LLMSettings(_Section):
    model: str | None = None  # e.g. "openai:gpt-4o-mini", "anthropic:claude-...", "ollama:llama3.1"
    base_url: str | None = Field(None, pattern=r"^https?://\S+$")  # an OpenAI-compatible server (vLLM, LM Studio…)
    temperature: float = Field(0.2, ge=0, le=2)
    timeout_s: float = Field(30.0, gt=0, le=600)
    max_retries: int = Field(1, ge=0, le=10)  # provider SDK retries (429, 5xx), all within timeout_s
    max_passages: int = Field(8, ge=1, le=30)
    max_concurrent_requests: int = Field(8, ge=1, le=64)  # provider calls at once (your tier's concurrency limit)
    circuit_breaker: CircuitBreakerSettings = CircuitBreakerSettings()


class CooldownSettings(_Section):
    rate: int = Field(3, ge=1, le=100)
    per_s: float = Field(60.0, gt=0, le=86400)


class DiscordSettings(_Section):
    guild_ids: tuple[int, ...] = ()
    allowed_channel_ids: tuple[int, ...] = ()  # empty = every channel
    moderator_role_ids: tuple[int, ...] = ()  # empty = Manage Messages permission suffices
    cooldown: CooldownSettings = CooldownSettings()
    max_concurrent_answers: int = Field(4, ge=1, le=64)
    thread_history: int = Field(4, ge=0, le=20)
    thread_auto_archive_minutes: Literal[60, 1440, 4320, 10080] = 1440
    # null = one unsharded connection; "auto" = AutoShardedBot with Discord's recommended count; N = N shards
    shards: Literal["auto"] | Annotated[int, Field(ge=1, le=1024)] | None = None


class PollSettings(_Section):
    db_path: Path | None = None  # default: <data_dir>/polls.sqlite3
    default_duration_hours: int = Field(24, ge=1, le=768)


class LoggingSettings(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class Settings(_Section):
    language: Literal["fr", "en"] = "fr"
    knowledge: KnowledgeSettings = KnowledgeSettings()
    store: StoreSettings = StoreSettings()
    embeddings: EmbeddingSettings = EmbeddingSettings()
    chunking: ChunkingSettings = ChunkingSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    routing: RoutingSettings = RoutingSettings()
    answering: AnsweringSettings = AnsweringSettings()
    scoring: ScoringSettings = ScoringSettings()
    llm: LLMSettings = LLMSettings()
    discord: DiscordSettings = DiscordSettings()
    polls: PollSettings = PollSettings()
    logging: LoggingSettings = LoggingSettings()

    @field_validator("language", mode="before")
    @classmethod
    def _lower(cls, v: Any) -> Any:
        return v.lower() if isinstance(v, str) else v

    def resolve(self, root: Path) -> "Settings":
        """Return a copy whose relative paths are anchored at `root`."""
        def anchor(p: Path) -> Path:
            return p if p.is_absolute() else (root / p)

        data_dir = anchor(self.store.data_dir)
        poll_db = anchor(self.polls.db_path) if self.polls.db_path else data_dir / "polls.sqlite3"
        return self.model_copy(
            update={
                "knowledge": self.knowledge.model_copy(update={"dir": anchor(self.knowledge.dir)}),
                "store": self.store.model_copy(update={"data_dir": data_dir}),
                "polls": self.polls.model_copy(update={"db_path": poll_db}),
                "embeddings": self.embeddings.model_copy(
                    update={"cache_dir": anchor(self.embeddings.cache_dir) if self.embeddings.cache_dir else data_dir}),
            }
        )


class Secrets(BaseModel):
    """Secrets from the environment. Never logged: SecretStr renders as '**********'."""

    model_config = ConfigDict(frozen=True)
    discord_token: SecretStr | None = None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Secrets":
        env = os.environ if env is None else env
        token = (env.get("DISCORD_TOKEN") or "").strip()
        return cls(discord_token=SecretStr(token) if token else None)


def _set_path(tree: dict, path: list[str], value: Any) -> None:
    for part in path[:-1]:
        node = tree.get(part)
        if not isinstance(node, dict):
            node = {}
            tree[part] = node
        tree = node
    tree[path[-1]] = value


def _env_overrides(env: dict[str, str]) -> dict:
    out: dict = {}
    for key, raw in env.items():
        if not key.startswith(ENV_PREFIX) or len(key) <= len(ENV_PREFIX):
            continue
        path = [p.lower() for p in key[len(ENV_PREFIX):].split("__") if p]
        try:
            value = yaml.safe_load(raw) if raw.strip() else None
        except yaml.YAMLError:
            value = raw
        _set_path(out, path, value)
    return out


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _format_errors(err: ValidationError, origin: str) -> str:
    lines = [f"Invalid configuration ({origin}):"]
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"]) or "<root>"
        if e["type"] == "extra_forbidden":
            lines.append(f"  - {key}: unknown key (check spelling; see config.example.yaml)")
        else:
            lines.append(f"  - {key}: {e['msg']} (got {e.get('input')!r})")
    return "\n".join(lines)


def load_settings(
    path: Path | str | None = None,
    *,
    root: Path | None = None,
    env: dict[str, str] | None = None,
) -> Settings:
    """Load `config.yaml` (optional) + env overrides, validate, anchor paths at `root`.

    `path=None` uses `<root>/config.yaml` when it exists, else defaults.
    Raises ConfigError with a message naming every bad key.
    """
    root = Path(root) if root else Path.cwd()
    env = dict(os.environ) if env is None else env
    data: dict = {}
    origin = "defaults"
    cfg = Path(path) if path else (root / "config.yaml")
    if path is not None and not cfg.exists():
        raise ConfigError(f"Config file not found: {cfg}. Copy config.example.yaml to config.yaml or omit --config.")
    if cfg.exists():
        origin = str(cfg)
        try:
            loaded = yaml.safe_load(cfg.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ConfigError(f"Cannot parse {cfg}: {exc}") from None
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise ConfigError(f"{cfg}: the top level must be a mapping of sections, got {type(loaded).__name__}")
        data = loaded
    overrides = _env_overrides(env)
    if overrides:
        origin += " + environment"
        data = _merge(data, overrides)
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_errors(exc, origin)) from None
    return settings.resolve(root)
