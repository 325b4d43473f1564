"""Synthetic corpora for benchmarks: deterministic, parseable, clustered."""

import numpy as np
from synthetic_corpus import (
    clustered_embeddings,
    corpus_vocabulary,
    listing_text,
    pseudo_papers,
    recombined_papers,
)

from topics.parse import parse_seeds

VOCAB = [f"word{chr(97 + i % 26)}{chr(97 + i // 26)}" for i in range(300)]


def test_same_seed_same_corpus_and_ids_unique():
    first = pseudo_papers(200, VOCAB, n_topics=10, seed=3)
    again = pseudo_papers(200, VOCAB, n_topics=10, seed=3)
    assert first.equals(again)
    assert first["paper_id"].is_unique
    assert not first.equals(pseudo_papers(200, VOCAB, n_topics=10, seed=4))


def test_pseudo_papers_read_back_as_listings():
    papers = pseudo_papers(50, VOCAB, n_topics=5, seed=1)
    parsed, reports = parse_seeds([("synthetic.txt", listing_text(papers).encode())])
    assert len(parsed) == 50 and not reports[0].skipped
    # The parser orders papers by id, whatever order the file gives them in.
    assert sorted(parsed["title"]) == sorted(papers["title"])


def test_recombined_papers_are_new_and_parseable():
    base = pseudo_papers(40, VOCAB, n_topics=4, seed=2)
    new = recombined_papers(base, 10, seed=5)
    assert len(new) == 10 and set(new["paper_id"]).isdisjoint(base["paper_id"])
    assert new.equals(recombined_papers(base, 10, seed=5))
    both, _ = parse_seeds(
        [("a.txt", listing_text(base).encode()), ("b.txt", listing_text(new).encode())]
    )
    assert len(both) == 50


def test_embeddings_cluster_by_topic():
    topics = np.repeat(np.arange(5), 40)
    vectors = clustered_embeddings(topics, dim=64, seed=0)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    similarity = vectors @ vectors.T
    same = topics[:, None] == topics[None, :]
    assert similarity[same].mean() > similarity[~same].mean() + 0.3


def test_vocabulary_is_frequent_content_words():
    vocab = corpus_vocabulary(
        ["Graph networks learn graph structure.", "The graph of this paper with networks."]
    )
    assert vocab[:2] == ["graph", "networks"] and "this" not in vocab and "the" not in vocab
