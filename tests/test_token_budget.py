"""embedding.max_tokens: the word pieces the model reads reach the model and key the cache."""

import types

import numpy as np
import pytest
from defaults import DEFAULTS, EMBEDDING

from topics import embed as embed_module
from topics.embed import EmbeddingCache, embed_texts, model_max_tokens, resolve_model

TEXTS = [f"Paper {i}. An abstract about topic {i % 3} with some words." for i in range(12)]
MODEL = "all-MiniLM-L6-v2"


def embed(texts, **changes):
    """embed_texts with config.yaml's defaults, no cache unless asked, torch's threads."""
    return embed_texts(texts, **{**EMBEDDING, "cache_dir": None, "threads": None, **changes})


@pytest.fixture
def recording_model(monkeypatch):
    """A stand-in model (no torch): records each text it embeds and the max_seq_length it
    had when it did."""
    seen: list[tuple[str, int]] = []

    def fake_encode(model, texts, batch_size, precision, threads=None):
        seen.extend((text, model.max_seq_length) for text in texts)
        return np.ones((len(texts), 3), dtype=np.float32) / np.sqrt(3)

    def fake_load(name, device):
        return types.SimpleNamespace(max_seq_length=model_max_tokens(resolve_model(name)))

    monkeypatch.setattr(embed_module, "load_model", fake_load)
    monkeypatch.setattr(embed_module, "encode", fake_encode)
    return seen


def test_the_default_is_the_models_own_maximum():
    assert DEFAULTS["embedding"]["max_tokens"] is None
    assert model_max_tokens(resolve_model(MODEL)) == 256


def test_a_budget_reaches_the_model(recording_model):
    embed(TEXTS[:2], model=MODEL, device="cpu", max_tokens=128)
    assert {length for _, length in recording_model} == {128}
    recording_model.clear()
    embed(TEXTS[:2], model=MODEL, device="cpu", max_tokens=None)
    assert {length for _, length in recording_model} == {256}


def test_a_changed_budget_embeds_again_and_a_budget_used_before_reads_the_cache(
    tmp_path, recording_model
):
    settings = dict(model=MODEL, device="cpu", precision="float32", cache_dir=tmp_path)
    embed(TEXTS, **settings)
    assert len(recording_model) == 12
    recording_model.clear()
    embed(TEXTS, **settings, max_tokens=128)  # truncated texts give other vectors
    assert len(recording_model) == 12
    recording_model.clear()
    embed([*TEXTS, "A new paper. Never seen."], **settings, max_tokens=128)
    embed(TEXTS, **settings, max_tokens=None)
    # The model's maximum or more reads every text whole: the vectors of null.
    embed(TEXTS, **settings, max_tokens=512)
    assert recording_model == [("A new paper. Never seen.", 128)]
    assert EmbeddingCache(tmp_path, "m", "float32", max_tokens=128).folder.name == (
        "m-float32-max128-v3"
    )


@pytest.mark.slow
def test_a_budget_cuts_long_texts_and_leaves_short_ones_as_they_were():
    long_text = "Masked image modeling. " + " ".join(
        f"Vision transformers learn by predicting hidden image patches number {i}."
        for i in range(20)
    )
    short_text = "Masked autoencoders. Hiding patches trains ViTs."
    whole = embed([long_text, short_text], model=MODEL, precision="float32")
    cut = embed([long_text, short_text], model=MODEL, precision="float32", max_tokens=64)
    assert not np.allclose(whole[0], cut[0], atol=1e-4)
    np.testing.assert_allclose(whole[1], cut[1], atol=1e-6)
