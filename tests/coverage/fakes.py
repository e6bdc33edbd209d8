"""A tiny deterministic embedder for engine tests that do not need the real model: hashed bags of stems."""

import zlib

import numpy as np

from claims.coverage.lexical import tokenize


class BagOfWordsEmbedder:
    dimensions = 64

    def __init__(self):
        self.calls = 0

    def embed(self, texts):
        self.calls += 1
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in tokenize(text):
                out[row, zlib.crc32(token.encode()) % self.dimensions] += 1.0
            norm = np.linalg.norm(out[row])
            out[row] = out[row] / norm if norm else out[row]
        return out
