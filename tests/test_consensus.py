"""Consensus topics: what most throws agree on, on the neighbour graph."""

import numpy as np

from topics.consensus import agreement_share, consensus_topics


def chain_neighbours(groups: list[int]) -> np.ndarray:
    """Each paper's neighbours: the previous and next paper (a path through the papers)."""
    n = sum(groups)
    previous = np.r_[-1, np.arange(n - 1)]
    following = np.r_[np.arange(1, n), -1]
    return np.stack([np.arange(n), previous, following], axis=1)


def test_throws_that_agree_give_their_topics_whatever_their_ids():
    neighbours = chain_neighbours([6, 4])
    one = np.array([0] * 6 + [1] * 4)
    # The same topics under other ids, and an outlier the others place.
    two = np.array([7] * 6 + [3] * 3 + [-1])
    three = np.array([2] * 6 + [5] * 4)
    topics = consensus_topics([one, two, three], neighbours, need=2, min_size=3)
    assert topics.tolist() == [0] * 6 + [1] * 4
    share = agreement_share(topics, [one, two, three])
    assert share[:9].tolist() == [1.0] * 9
    assert share[9] == 2 / 3


def test_paper_the_throws_disagree_on_is_an_outlier():
    neighbours = chain_neighbours([9])
    # Paper 4 sits with the left group in one throw, with the right one in another,
    # alone in the third: no edge of it keeps two votes of three.
    one = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1])
    two = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1])
    three = np.array([0, 0, 0, 0, -1, 1, 1, 1, 1])
    topics = consensus_topics([one, two, three], neighbours, need=2, min_size=3)
    assert topics[4] == -1
    assert len(set(topics[:4].tolist())) == 1 and len(set(topics[5:].tolist())) == 1
    assert topics[0] != topics[5] and min(topics[:4].min(), topics[5:].min()) >= 0
    assert np.isnan(agreement_share(topics, [one, two, three])[4])


def test_one_throw_cannot_merge_what_the_others_keep_apart():
    neighbours = chain_neighbours([10])
    apart = np.array([0] * 5 + [1] * 5)
    merged = np.zeros(10, dtype=int)
    topics = consensus_topics([apart, merged, apart], neighbours, need=2, min_size=3)
    assert topics.tolist() == [0] * 5 + [1] * 5
    # The merging throw puts papers 5-9 with the bulk of their topic (its only topic).
    assert agreement_share(topics, [apart, merged, apart]).tolist() == [1.0] * 10


def test_groups_under_min_size_are_outliers_and_ids_go_by_size():
    neighbours = chain_neighbours([2, 5])
    labels = np.array([0, 0, 1, 1, 1, 1, 1])
    topics = consensus_topics([labels, labels], neighbours, need=2, min_size=3)
    assert topics.tolist() == [-1, -1, 0, 0, 0, 0, 0]
