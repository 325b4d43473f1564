"""Embedding backends: what auto chooses on which CPU, falling back when a backend cannot
load, vectors of different backends kept apart, and the real ONNX / OpenVINO exports."""

import logging

import numpy as np
import pytest
from defaults import EMBEDDING

from topics import backends
from topics import embed as embed_module
from topics.backends import Choice, candidates, check_combination, cpu_flags
from topics.embed import EmbeddingCache, embed_texts, encode, load_model, resolve_model
from topics.errors import UserError

TEXTS = [f"Paper {i}. An abstract about topic {i % 3} with some words." for i in range(6)]
EVERYTHING = lambda package: True  # noqa: E731
NOTHING = lambda package: False  # noqa: E731


def embed(texts, **changes):
    return embed_texts(texts, **{**EMBEDDING, "cache_dir": None, "threads": None, **changes})


def first(backend, precision, flags=(), have=EVERYTHING):
    choices, _ = candidates(backend, precision, frozenset(flags), have)
    return choices[0].backend, choices[0].precision


def test_cpu_flags_are_read_from_cpuinfo(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nflags\t\t: fpu avx512f avx512_vnni avx512_bf16\n")
    assert {"avx512_vnni", "avx512_bf16"} <= cpu_flags(str(info))
    assert cpu_flags(str(tmp_path / "missing")) == frozenset()


@pytest.mark.parametrize(
    ("flags", "chosen"),
    [
        (("avx512f", "avx512_vnni", "avx512_bf16"), ("torch", "bfloat16")),
        (("amx_bf16", "amx_tile"), ("torch", "bfloat16")),
        (("avx512f", "avx512_vnni"), ("torch", "float32")),
        ((), ("torch", "float32")),
    ],
)
def test_auto_follows_the_cpu_flags(flags, chosen):
    assert first("auto", "auto", flags) == chosen


def test_auto_never_picks_int8_which_moves_the_vectors_too_far():
    for flags in [(), ("avx512_vnni",), ("avx512_vnni", "avx512_bf16"), ("amx_int8",)]:
        choices, _ = candidates("auto", "auto", frozenset(flags), EVERYTHING)
        assert all(choice.precision != "int8" for choice in choices)


def test_one_key_auto_completes_the_other():
    assert first("onnx", "auto") == ("onnx", "float32")
    assert first("openvino", "auto", ("avx512_bf16",)) == ("openvino", "bfloat16")
    assert first("openvino", "auto") == ("openvino", "float32")
    assert first("onnx", "auto", ("avx512_bf16",)) == ("onnx", "float32")
    assert first("auto", "int8") == ("onnx", "int8")
    assert first("auto", "bfloat16", ("avx512_bf16",)) == ("torch", "bfloat16")
    assert first("auto", "float32", ("avx512_bf16",)) == ("torch", "float32")
    assert candidates("onnx", "int8", frozenset(), NOTHING) == (
        [Choice("onnx", "int8")],
        "as configured",
    )


def test_a_combination_no_backend_runs_names_both_keys():
    with pytest.raises(UserError, match=r"embedding.precision 'int8' .* embedding.backend 'torch'"):
        check_combination("torch", "int8")
    with pytest.raises(UserError, match=r"embedding.precision 'bfloat16'"):
        embed(TEXTS, device="cpu", backend="onnx", precision="bfloat16")


def test_auto_passes_over_a_backend_whose_package_is_missing(monkeypatch, caplog):
    order = (Choice("onnx", "float32", ("avx512_vnni",)), Choice("torch", "float32"))
    monkeypatch.setattr(backends, "AUTO_ORDER", order)
    assert first("auto", "auto", ("avx512_vnni",)) == ("onnx", "float32")
    with caplog.at_level(logging.WARNING, logger="topics"):
        assert first("auto", "auto", ("avx512_vnni",), have=NOTHING) == ("torch", "float32")
    assert "passes over onnx float32: onnxruntime and onnx not installed" in caplog.text


def test_auto_falls_back_when_the_export_fails(tmp_path, monkeypatch, caplog, counting_model):
    order = (Choice("onnx", "float32"), Choice("torch", "float32"))
    monkeypatch.setattr(backends, "AUTO_ORDER", order)
    monkeypatch.setattr(embed_module, "load_encoder", raise_value_error)
    with caplog.at_level(logging.INFO, logger="topics"):
        vectors = embed(TEXTS, device="cpu", backend="auto", precision="auto", cache_dir=tmp_path)
    assert "embedding auto chose onnx float32" in caplog.text
    assert "embedding falls back to torch float32: onnx float32 cannot load (no export)" in (
        caplog.text
    )
    assert len(counting_model) == len(TEXTS) and vectors.shape == (len(TEXTS), 3)
    # The vectors are torch's, so they are cached as torch's, not as the ONNX ones.
    model = resolve_model("all-MiniLM-L6-v2")
    assert list(EmbeddingCache(tmp_path, model, "float32").folder.glob("*.keys.npy"))
    onnx_cache = EmbeddingCache(tmp_path, model, "float32", "onnx")
    assert not onnx_cache.folder.exists()


def raise_value_error(*args, **kwargs):
    raise ValueError("no export")


def test_an_explicit_backend_without_its_package_says_what_to_install(monkeypatch):
    monkeypatch.setattr(embed_module, "load_model", lambda name, device: object())
    monkeypatch.setattr(backends, "installed", lambda package: package != "onnxruntime")
    with pytest.raises(UserError, match=r"needs onnxruntime: pip install 'topics\[onnx\]'"):
        embed(TEXTS, device="cpu", backend="onnx", precision="float32")


def test_a_gpu_runs_torch_only():
    with pytest.raises(UserError, match=r"embedding.backend 'onnx' runs on the CPU only"):
        embed(TEXTS, device="cuda", backend="onnx", precision="float32")


def test_vectors_of_different_backends_never_share_a_cache(tmp_path):
    folders = {
        EmbeddingCache(tmp_path, "m", precision, backend).folder
        for backend, precision in [
            ("torch", "float32"),
            ("onnx", "float32"),
            ("openvino", "float32"),
            ("onnx", "int8"),
        ]
    }
    assert len(folders) == 4
    # torch's folder keeps its name from before backends, so existing caches stay valid.
    assert EmbeddingCache(tmp_path, "m", "bfloat16").folder.name == "m-bfloat16-v3"


SEED_TEXTS = [
    "Masked image modeling. Vision transformers learn by predicting hidden image patches "
    "of an image, which lets them pre-train on unlabelled data at scale. " * 3,
    "Protein structure prediction. Deep networks predict how amino acid chains fold.",
    "Robot grasping. A policy trained in simulation picks up unseen objects from clutter.",
    "Low-resource translation. Back-translation and multilingual pre-training help "
    "languages with little parallel text.",
]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("backend", "precision"),
    [("onnx", "float32"), ("openvino", "float32"), ("openvino", "bfloat16")],
)
def test_real_export_is_offline_cached_and_close_to_torch(
    tmp_path, monkeypatch, caplog, backend, precision
):
    pytest.importorskip("onnxruntime" if backend == "onnx" else "openvino")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    reference = encode(load_model("all-MiniLM-L6-v2", "cpu"), SEED_TEXTS, 16, "float32", 2)
    settings = {
        "model": "all-MiniLM-L6-v2",
        "device": "cpu",
        "backend": backend,
        "precision": precision,
        "export_dir": tmp_path / "models",
        "threads": 2,
    }
    with caplog.at_level(logging.INFO, logger="topics"):
        vectors = embed(SEED_TEXTS, **settings)
    assert "exporting" in caplog.text
    (exported,) = (tmp_path / "models").glob("*/model.onnx")
    assert resolve_model("all-MiniLM-L6-v2") not in str(exported)  # never in site-packages
    assert ((vectors * reference).sum(axis=1) >= 0.995).all()
    caplog.clear()
    stamp = exported.stat().st_mtime_ns
    with caplog.at_level(logging.INFO, logger="topics"):
        again = embed(SEED_TEXTS, **settings)
    assert "exporting" not in caplog.text and exported.stat().st_mtime_ns == stamp
    np.testing.assert_allclose(again, vectors, atol=1e-6)
