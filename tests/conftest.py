import numpy as np
import pytest


@pytest.fixture
def blobs():
    """Three well-separated Gaussian blobs in 20-D, 30 points each, with their true labels."""
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 20)) * 10
    points = np.vstack([centre + rng.normal(size=(30, 20)) for centre in centres])
    return points.astype(np.float32), np.repeat(np.arange(3), 30)
