import numpy as np
import pytest

from topics import embed as embed_module


@pytest.fixture
def blobs():
    """Three well-separated Gaussian blobs in 20-D, 30 points each, with their true labels."""
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 20)) * 10
    points = np.vstack([centre + rng.normal(size=(30, 20)) for centre in centres])
    return points.astype(np.float32), np.repeat(np.arange(3), 30)


@pytest.fixture
def counting_model(monkeypatch):
    """A stand-in encoder that records every text it is asked to embed (no torch)."""
    seen: list[str] = []

    def fake_encode(model, texts, batch_size, precision, threads=None):
        seen.extend(texts)
        vectors = np.array([[len(t), sum(map(ord, t)) % 97, 1.0] for t in texts], dtype=np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    monkeypatch.setattr(embed_module, "load_model", lambda name, device: object())
    monkeypatch.setattr(embed_module, "encode", fake_encode)
    return seen
