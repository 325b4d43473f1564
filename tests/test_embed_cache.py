"""Embedding: the cache embeds only new texts, and precision auto falls back to float32."""

import logging

import numpy as np
import pytest
from defaults import EMBEDDING

from topics import embed as embed_module
from topics.embed import EmbeddingCache, choose_precision, cpu_supports_bf16, embed_texts


def embed(texts, **changes):
    """embed_texts with config.yaml's defaults, no cache unless asked, torch's threads."""
    return embed_texts(texts, **{**EMBEDDING, "cache_dir": None, "threads": None, **changes})


TEXTS = [f"Paper {i}. An abstract about topic {i % 3} with some words." for i in range(20)]


def test_second_run_embeds_nothing_and_new_texts_only_them(tmp_path, counting_model):
    first = embed(
        TEXTS, model="all-MiniLM-L6-v2", device="cpu", precision="float32", cache_dir=tmp_path
    )
    assert len(counting_model) == 20
    counting_model.clear()
    again = embed(
        TEXTS, model="all-MiniLM-L6-v2", device="cpu", precision="float32", cache_dir=tmp_path
    )
    assert counting_model == []
    np.testing.assert_array_equal(again, first)

    new = [f"A new paper {i}. Its abstract, never seen before." for i in range(10)]
    grown = embed(
        TEXTS[:7] + new + TEXTS[7:],
        model="all-MiniLM-L6-v2",
        device="cpu",
        precision="float32",
        cache_dir=tmp_path,
    )
    assert sorted(counting_model) == sorted(new)
    np.testing.assert_array_equal(grown[:7], first[:7])
    np.testing.assert_array_equal(grown[17:], first[7:])


def test_cache_is_per_precision(tmp_path, counting_model):
    embed(TEXTS, model="m", device="cpu", precision="float32", cache_dir=tmp_path)
    counting_model.clear()
    embed(TEXTS, model="m", device="cpu", precision="bfloat16", cache_dir=tmp_path)
    assert len(counting_model) == 20  # bfloat16 vectors are not float32 ones
    assert (
        EmbeddingCache(tmp_path, "m", "float32").folder
        != EmbeddingCache(tmp_path, "m", "bfloat16").folder
    )


def test_unreadable_cache_parts_are_passed_over(tmp_path, counting_model):
    embed(TEXTS[:2], model="m", device="cpu", precision="float32", cache_dir=tmp_path)
    cache = EmbeddingCache(tmp_path, "m", "float32")
    (part,) = cache.folder.glob("*.vectors.npy")
    part.write_bytes(b"not an npy")
    cache.single_file.write_bytes(b"not an npz")
    counting_model.clear()
    vectors = embed(TEXTS[:3], model="m", device="cpu", precision="float32", cache_dir=tmp_path)
    assert vectors.shape == (3, 3) and len(counting_model) == 3


def test_jobs_side_by_side_each_add_a_part_and_lose_nothing(tmp_path, counting_model):
    # Two shards' jobs that read the cache before either wrote: both parts are kept.
    first, second = (
        EmbeddingCache(tmp_path, "m", "float32"),
        EmbeddingCache(tmp_path, "m", "float32"),
    )
    assert first.lookup(["a" * 40]) == {} and second.lookup(["b" * 40]) == {}
    first.add({"a" * 40: np.ones(3, dtype=np.float32)})
    second.add({"b" * 40: np.zeros(3, dtype=np.float32)})
    found = EmbeddingCache(tmp_path, "m", "float32").lookup(["a" * 40, "b" * 40, "c" * 40])
    assert sorted(found) == ["a" * 40, "b" * 40]
    np.testing.assert_array_equal(found["a" * 40], np.ones(3))


def test_the_single_file_cache_of_before_is_still_read(tmp_path, counting_model):
    vectors = embed(TEXTS[:4], model="m", device="cpu", precision="float32", cache_dir=None)
    cache = EmbeddingCache(tmp_path, "m", "float32")
    keys = [embed_module.text_key(text) for text in TEXTS[:4]]
    np.savez(cache.single_file, keys=np.array(keys, dtype=str), vectors=vectors)
    counting_model.clear()
    again = embed(TEXTS[:4], model="m", device="cpu", precision="float32", cache_dir=tmp_path)
    assert counting_model == []
    np.testing.assert_array_equal(again, vectors)


def test_precision_auto_falls_back_to_float32_without_bf16():
    assert choose_precision("auto", "cpu", cpu_has_bf16=False) == "float32"
    assert choose_precision("auto", "cpu", cpu_has_bf16=True) == "bfloat16"
    assert choose_precision("float32", "cpu", cpu_has_bf16=True) == "float32"
    assert choose_precision("bfloat16", "cpu", cpu_has_bf16=False) == "bfloat16"


def test_bf16_flags_read_from_cpuinfo(tmp_path):
    plain = tmp_path / "plain"
    plain.write_text("flags\t\t: fpu sse avx2 avx512f avx512bw\n")
    bf16 = tmp_path / "bf16"
    bf16.write_text("flags\t\t: fpu sse avx2 avx512f avx512_bf16\n")
    amx = tmp_path / "amx"
    amx.write_text("flags\t\t: fpu amx_bf16 amx_tile\n")
    assert not cpu_supports_bf16(str(plain))
    assert cpu_supports_bf16(str(bf16)) and cpu_supports_bf16(str(amx))
    assert not cpu_supports_bf16(str(tmp_path / "missing"))


@pytest.mark.parametrize(("flags", "chosen"), [((), "float32"), (("avx512_bf16",), "bfloat16")])
def test_log_says_what_auto_chose(tmp_path, monkeypatch, caplog, counting_model, flags, chosen):
    monkeypatch.setattr(embed_module, "cpu_flags", lambda *args: frozenset(flags))
    with caplog.at_level(logging.INFO, logger="topics"):
        embed(TEXTS[:2], model="m", device="cpu", precision="auto", cache_dir=tmp_path)
    assert f"embedding auto chose torch {chosen}" in caplog.text
    assert list(EmbeddingCache(tmp_path, "m", chosen).folder.glob("*.keys.npy"))


@pytest.mark.slow
def test_real_model_cache_round_trip(tmp_path, caplog):
    """The bundled MiniLM: a rerun embeds 0 texts, two added texts embed exactly 2."""
    texts = TEXTS[:6]
    with caplog.at_level(logging.INFO, logger="topics"):
        first = embed(
            texts,
            model="all-MiniLM-L6-v2",
            device="cpu",
            precision="float32",
            cache_dir=tmp_path,
            batch_size=4,
        )
        assert "6 texts: 0 from the cache, 6 to embed" in caplog.text
        caplog.clear()
        again = embed(
            texts, model="all-MiniLM-L6-v2", device="cpu", precision="float32", cache_dir=tmp_path
        )
        assert "6 texts: 6 from the cache, 0 to embed" in caplog.text
        caplog.clear()
        added = [
            "Graph neural networks. Message passing on graphs.",
            "Diffusion models. Denoising generates images.",
        ]
        grown = embed(
            [*texts, *added],
            model="all-MiniLM-L6-v2",
            device="cpu",
            precision="float32",
            cache_dir=tmp_path,
        )
        assert "8 texts: 6 from the cache, 2 to embed" in caplog.text
    assert first.shape == (6, 384)
    np.testing.assert_array_equal(again, first)
    np.testing.assert_allclose(np.linalg.norm(grown, axis=1), 1.0, atol=1e-5)
    # Length-sorted batching gives each text the vector it gets on its own.
    alone = embed(
        texts[:1], model="all-MiniLM-L6-v2", device="cpu", precision="float32", cache_dir=None
    )
    assert float(alone[0] @ first[0]) > 0.9999
