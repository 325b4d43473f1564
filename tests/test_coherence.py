"""topics.coherence gives gensim's c_npmi and c_v, so metrics.json stays comparable with gensim."""

import random
from pathlib import Path

import numpy as np
import pytest

from topics.coherence import WINDOW, topic_coherence, window_counts
from topics.embed import paper_texts
from topics.metrics import tokenize
from topics.parse import list_seed_files, parse_seeds

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def gensim_coherence(topic_words, tokens, measure):
    from gensim.corpora import Dictionary
    from gensim.models.coherencemodel import CoherenceModel

    return CoherenceModel(
        topics=topic_words,
        texts=tokens,
        dictionary=Dictionary(tokens),
        coherence=measure,
        processes=1,
    ).get_coherence()


def made_up_corpus(rng: random.Random):
    """Texts from a few words, so words repeat inside windows; lengths around both windows."""
    vocabulary = [f"w{i}" for i in range(rng.randint(3, 12))]
    lengths = [0, 1, 3, 9, 10, 11, 25, 109, 110, 111, 300]
    texts = [
        [rng.choice(vocabulary) for _ in range(rng.choice(lengths))]
        for _ in range(rng.randint(1, 30))
    ]
    used = sorted({word for text in texts for word in text})
    topics = [rng.sample(used, rng.randint(2, len(used))) for _ in range(rng.randint(1, 4))]
    return topics, texts


@pytest.mark.parametrize("measure", sorted(WINDOW))
def test_coherence_equals_gensims_on_made_up_texts(measure):
    rng = random.Random(7)
    compared = 0
    while compared < 40:
        topics, texts = made_up_corpus(rng)
        if len({word for text in texts for word in text}) < 2:
            continue
        expected = gensim_coherence(topics, texts, measure)
        assert topic_coherence(topics, texts, measure) == pytest.approx(
            expected, rel=1e-9, abs=1e-12, nan_ok=True
        )
        compared += 1


@pytest.mark.parametrize("measure", sorted(WINDOW))
def test_coherence_equals_gensims_on_the_seed_papers(measure):
    papers, _ = parse_seeds([(path.name, path.read_bytes()) for path in list_seed_files(SEEDS)])
    tokens = tokenize(paper_texts(papers))
    counts: dict[str, int] = {}
    for text in tokens:
        for word in text:
            counts[word] = counts.get(word, 0) + 1
    frequent = sorted(counts, key=lambda word: (-counts[word], word))[:60]
    topics = [frequent[start::6] for start in range(6)]  # 6 topics of 10 words
    assert topic_coherence(topics, tokens, measure) == pytest.approx(
        gensim_coherence(topics, tokens, measure), rel=1e-9
    )


def test_a_word_that_leaves_the_window_is_not_counted_while_its_twin_stays_as_in_gensim():
    # Windows of 3: [a b a] holds a and b; sliding on, gensim drops the leaving "a" though
    # the other "a" is still inside, so [b a c] counts b and c only.
    together, n_windows = window_counts([["a", "b", "a", "c"]], ["a", "b", "c"], window=3)
    assert n_windows == 2
    assert np.diag(together).tolist() == [1, 2, 1]
    assert together[0, 1] == 1 and together[1, 2] == 1 and together[0, 2] == 0


def test_every_text_counts_as_at_least_one_window():
    _, n_windows = window_counts([[], ["a"], ["a", "b", "c", "d"]], ["a"], window=3)
    assert n_windows == 1 + 1 + 2


def test_an_unknown_measure_is_refused_by_name():
    with pytest.raises(ValueError, match="c_npmi, c_v"):
        topic_coherence([["a", "b"]], [["a", "b"]], "u_mass")
