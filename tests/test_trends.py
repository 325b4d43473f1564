"""Trends over time: counts per period, and rising or fading only where the counts say so."""

import numpy as np
import pandas as pd
import pytest

from topics.trends import (
    FADING,
    RISING,
    STEADY,
    TOO_SMALL,
    benjamini_hochberg,
    binomial_trend,
    periods,
    topic_trends,
)

PARAMS = {"period": "year", "adjust_for": "venue", "min_papers": 20, "min_period_papers": 30,
          "max_q": 0.05}  # fmt: skip


def corpus(shares_by_year: dict[int, list[float]], per_year: int, seed: int = 0):
    """Papers drawn per year with the given topic shares (the rest in topic 99)."""
    rng = np.random.default_rng(seed)
    years, topics = [], []
    for year, shares in shares_by_year.items():
        drawn = rng.choice(len(shares) + 1, size=per_year, p=[*shares, 1 - sum(shares)])
        years += [year] * per_year
        topics += [t if t < len(shares) else 99 for t in drawn]
    papers = pd.DataFrame({"year": pd.array(years, dtype="Int64"), "date": [None] * len(years),
                           "venue": [None] * len(years)})  # fmt: skip
    return papers, np.array(topics)


def test_a_planted_rise_and_fall_are_found_and_noise_is_not_ranked():
    years = range(2016, 2025)
    # topic 0 rises 2% -> 10%, topic 1 falls 10% -> 2%, topics 2-21 hold a steady 3%
    # each (pure binomial noise, 20 of them: chance alone would "find" one at p < 0.05).
    shares = {y: [0.02 + 0.01 * i, 0.10 - 0.01 * i, *[0.03] * 20]
              for i, y in enumerate(years)}  # fmt: skip
    papers, topics = corpus(shares, per_year=1500)
    _, trends = topic_trends(papers, topics, np.where(topics == 99, -1, 0), **PARAMS)
    by_topic = trends[trends["level"] == "topic"].set_index("id")
    assert by_topic.loc[0, "trend"] == RISING and by_topic.loc[0, "slope_low"] > 0
    assert by_topic.loc[1, "trend"] == FADING and by_topic.loc[1, "slope_high"] < 0
    assert (by_topic.loc[2:21, "trend"] == STEADY).all()
    assert by_topic.loc[0, "first_share"] == pytest.approx(0.02, abs=0.01)
    assert by_topic.loc[0, "last_share"] == pytest.approx(0.10, abs=0.02)


def test_a_venue_joining_the_corpus_is_not_taken_for_a_trend():
    # Topic 0 holds 5% of VENUE-A's papers and 40% of VENUE-B's every year, but VENUE-B
    # only joins in 2020 and grows: topic 0's share of all papers rises, within each venue
    # it does not.
    a, _ = corpus({y: [0.05] for y in range(2016, 2025)}, per_year=800, seed=1)
    b, _ = corpus({y: [0.40] for y in range(2020, 2025)}, per_year=600, seed=2)
    rng = np.random.default_rng(3)
    topics = np.concatenate([np.where(rng.random(len(a)) < 0.05, 0, 99),
                             np.where(rng.random(len(b)) < 0.40, 0, 99)])  # fmt: skip
    papers = pd.concat([a.assign(venue="VENUE-A"), b.assign(venue="VENUE-B")], ignore_index=True)
    themes = np.where(topics == 99, -1, 0)
    _, adjusted = topic_trends(papers, topics, themes, **PARAMS)
    _, raw = topic_trends(papers, topics, themes, **{**PARAMS, "adjust_for": None})
    assert raw.set_index(["level", "id"]).loc[("topic", 0), "trend"] == RISING
    assert adjusted.set_index(["level", "id"]).loc[("topic", 0), "trend"] == STEADY


def test_small_topics_and_thin_years_are_marked_not_ranked():
    shares = {2019: [0.001, 0.3], 2020: [0.001, 0.3], 2021: [0.01, 0.3], 2022: [0.02, 0.3]}
    papers, topics = corpus(shares, per_year=400)
    papers.loc[:9, "year"] = 2015  # ten papers alone in 2015: too few to say anything
    counts, trends = topic_trends(papers, topics, np.zeros(len(topics), int), **PARAMS)
    assert "2015" not in set(counts["period"])
    by_topic = trends[trends["level"] == "topic"].set_index("id")
    assert by_topic.loc[0, "trend"] == TOO_SMALL and pd.isna(by_topic.loc[0, "slope"])
    assert by_topic.loc[1, "trend"] == STEADY


def test_counts_give_each_period_and_its_share():
    papers, topics = corpus({2020: [0.5], 2021: [0.5], 2022: [0.5]}, per_year=100, seed=1)
    counts, _ = topic_trends(papers, topics, np.where(topics == 99, -1, 0), **PARAMS)
    theme = counts[counts["level"] == "theme"].set_index("period")
    topic = counts[(counts["level"] == "topic") & (counts["id"] == 0)].set_index("period")
    assert (theme["period_papers"] == 100).all()
    assert (topic["share"] == topic["papers"] / 100).all()
    assert list(theme.index) == ["2020", "2021", "2022"]


def test_a_corpus_without_years_has_no_trends():
    papers = pd.DataFrame({"year": pd.array([None] * 50, dtype="Int64"), "date": [None] * 50,
                           "venue": [None] * 50})  # fmt: skip
    counts, trends = topic_trends(papers, np.zeros(50, int), np.zeros(50, int), **PARAMS)
    assert counts.empty and trends.empty


def test_periods_come_from_years_or_dates_as_precise_as_asked():
    papers = pd.DataFrame({"year": pd.array([2019, None, 2020], dtype="Int64"),
                           "date": ["2019-05-02", "2021-11", None]})  # fmt: skip
    assert periods(papers, "year").tolist() == ["2019", "2021", "2020"]
    assert periods(papers, "quarter").tolist() == ["2019-Q2", "2021-Q4", None]
    assert periods(papers, "month").tolist() == ["2019-05", "2021-11", None]


def test_binomial_trend_is_zero_for_a_constant_share_and_signed_otherwise():
    totals, steps, one = np.full(6, 1000.0), np.arange(6.0), np.zeros(6)
    slope, se, chi2, df = binomial_trend(np.full(6, 100.0), totals, steps, one)
    assert abs(slope) < 1e-9 and se > 0 and chi2 < 1e-9 and df == 4
    assert binomial_trend(np.array([10, 20, 40, 80, 160, 320.0]), totals, steps, one)[0] > 0


def test_benjamini_hochberg_matches_its_definition():
    q = benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.5]))
    assert q.tolist() == pytest.approx([0.04, 0.0533333, 0.0533333, 0.5])
