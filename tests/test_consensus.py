"""Consensus topics: what most throws agree on, on the neighbour graph."""

import numpy as np
import pytest

from topics.consensus import agreement_share, consensus_topics, stacked_layouts
from topics.themes import cut, theme_tree, topic_centres


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


def test_stacked_layouts_puts_throws_side_by_side_and_refuses_mismatched_papers():
    a, b = np.zeros((4, 5)), np.ones((4, 5))
    stacked = stacked_layouts([a, b])
    assert stacked.shape == (4, 10) and (stacked[:, 5:] == 1).all()
    with pytest.raises(ValueError, match="different numbers of papers"):
        stacked_layouts([a, np.ones((3, 5))])


def test_themes_cut_in_the_stacked_layouts_follow_most_seeds_not_one():
    topics = np.repeat([0, 1, 2, 3], 5)
    rng = np.random.default_rng(0)

    def layout(places):
        """Papers around their topic's place (2-D)."""
        return np.asarray(places, dtype=float)[topics] + rng.normal(0, 0.1, (len(topics), 2))

    # Two seeds put topics 0 and 1 side by side (and 2 and 3); one seed pairs 0 with 2.
    most = [layout([(0, 0), (1, 0), (10, 0), (11, 0)]) for _ in range(2)]
    odd = layout([(0, 0), (10, 0), (1, 0), (11, 0)])
    alone = cut(theme_tree(topic_centres(odd, topics, range(4))), 2, 4)
    assert alone[0] == alone[2] != alone[1]
    themes = cut(theme_tree(topic_centres(stacked_layouts([odd, *most]), topics, range(4))), 2, 4)
    assert themes[0] == themes[1] != themes[2] == themes[3]
