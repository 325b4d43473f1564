"""Embedding vectors compared as this machine's CPU can give them."""

from pathlib import Path

import numpy as np


def _cpu_has_amx() -> bool:
    try:
        return "amx_bf16" in Path("/proc/cpuinfo").read_text(encoding="ascii").split()
    except OSError:
        return False


# On the Intel Xeon with AMX, oneDNN's bfloat16 kernels give a text's vector in the last bits
# by the shape of its batch and the threads (seen 2026-12-03: up to 5e-4 apart beside a longer
# text, or on one thread instead of two); on the AMD EPYC with avx512_bf16 they do not, and
# padding every text to a multiple of 32 tokens (topics.embed) makes vectors exact there.
SHAPE_DEPENDENT_BFLOAT16 = _cpu_has_amx()


def assert_same_vectors(actual: np.ndarray, expected: np.ndarray) -> None:
    """Bit for bit, or within rounding (each row's cosine above 0.9999) on a CPU whose
    bfloat16 kernels depend on the batch's shape (SHAPE_DEPENDENT_BFLOAT16)."""
    if not SHAPE_DEPENDENT_BFLOAT16:
        np.testing.assert_array_equal(actual, expected)
        return
    assert actual.shape == expected.shape
    cosines = np.sum(actual * expected, axis=1) / (
        np.linalg.norm(actual, axis=1) * np.linalg.norm(expected, axis=1)
    )
    assert cosines.min() > 0.9999, cosines.min()
