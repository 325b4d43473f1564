"""Which themes and topics are growing and which fading: papers per period, and each one's
trend in share of the period's papers with an uncertainty that respects small counts.

A topic's trend is the slope of a binomial regression (logit link) of its papers per period
on the period, each period weighted by all the papers it has: a topic growing from 2% to
6% of the papers rises whether the corpus grew or shrank. Real corpora vary more from
period to period than binomial counts do (a venue missing one year), so the standard
error takes the extra spread measured in the residuals (quasi-binomial, with statsmodels),
and p-values come with the Benjamini-Hochberg false discovery rate over all
topics (and over all themes), so chance variation across hundreds of topics is not
ranked as a trend. Groups or periods with too few papers to say anything are marked, not
ranked.
"""

import logging
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from topics.files import read_table, write_table

log = logging.getLogger("topics")

TREND_COLUMNS = [
    "level",
    "id",
    "papers",
    "periods",
    "first_share",
    "last_share",
    "slope",
    "slope_low",
    "slope_high",
    "p_value",
    "q_value",
    "trend",
]
# What the trend column says.
RISING, FADING, STEADY, TOO_SMALL = "rising", "fading", "steady", "too few papers"


def periods(papers: pd.DataFrame, period: str) -> pd.Series:
    """Each paper's period as sortable text ("2019", "2019-Q2" or "2019-05"), None where its
    inputs say nothing that precise. A year comes from `year`, else from `date`."""
    dates = papers["date"].astype(object).where(papers["date"].notna(), None)
    years = papers["year"].astype("Int64").astype(object).where(papers["year"].notna(), None)
    labels = []
    for year, date in zip(years, dates, strict=True):
        year = year if year is not None else (int(date[:4]) if date else None)
        if period == "year":
            labels.append(None if year is None else f"{year:04d}")
        elif date is None or len(date) < 7:
            labels.append(None)
        elif period == "quarter":
            labels.append(f"{date[:4]}-Q{(int(date[5:7]) - 1) // 3 + 1}")
        else:
            labels.append(date[:7])
    return pd.Series(labels, index=papers.index, dtype=object)


def period_counts(
    paper_periods: pd.Series, groups: pd.Series, min_period_papers: int
) -> pd.DataFrame:
    """Papers per group (rows) and period (columns, in order), for the periods with at least
    `min_period_papers` papers in all: a period with fewer says nothing about shares."""
    known = paper_periods.notna() & (groups != -1)
    counts = pd.crosstab(groups[known], paper_periods[known])
    totals = paper_periods.value_counts()
    kept = [p for p in sorted(counts.columns) if totals.get(p, 0) >= min_period_papers]
    return counts[kept]


def binomial_trend(counts: np.ndarray, totals: np.ndarray) -> tuple[float, float, float]:
    """(slope, standard error, p-value) of the logit of the group's share per period,
    periods numbered 0, 1, ...: quasi-binomial (the error widened by the spread of the
    residuals beyond binomial, never narrowed), t-distributed on the periods left over."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    steps = np.arange(len(counts), dtype=float)
    design = sm.add_constant(steps - steps.mean())
    model = sm.GLM(counts / totals, design, family=sm.families.Binomial(), var_weights=totals)
    with warnings.catch_warnings():
        # A group absent from all but a period or two: the slope runs off, and its error
        # with it, which is what the p-value should then say.
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        plain = model.fit()
        dispersion = max(1.0, float(plain.pearson_chi2 / max(plain.df_resid, 1)))
        fit = model.fit(scale=dispersion, use_t=True)
    return float(fit.params[1]), float(fit.bse[1]), float(fit.pvalues[1])


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """q-values: the false discovery rate at which each p-value would be called significant."""
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p)
    ranked = p[order] * len(p) / np.arange(1, len(p) + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty_like(p)
    out[order] = np.minimum(q, 1.0)
    return out


def level_trends(
    counts: pd.DataFrame, totals: pd.Series, *, min_papers: int, max_q: float
) -> pd.DataFrame:
    """One row per group of `counts`: its papers, shares in the first and last period,
    slope per period with a 95% interval, p and q and what the trend says."""
    rows = []
    enough_periods = counts.shape[1] >= 3
    for group, row in counts.iterrows():
        n = int(row.sum())
        shares = row / totals[counts.columns]
        entry = {
            "id": int(group),
            "papers": n,
            "periods": int((row > 0).sum()),
            "first_share": float(shares.iloc[0]) if len(shares) else np.nan,
            "last_share": float(shares.iloc[-1]) if len(shares) else np.nan,
        }
        if enough_periods and n >= min_papers:
            slope, se, p = binomial_trend(
                row.to_numpy(float), totals[counts.columns].to_numpy(float)
            )
            entry |= {
                "slope": slope,
                "slope_low": slope - 1.96 * se,
                "slope_high": slope + 1.96 * se,
                "p_value": p,
            }
        rows.append(entry)
    table = pd.DataFrame(
        rows,
        columns=[
            "id",
            "papers",
            "periods",
            "first_share",
            "last_share",
            "slope",
            "slope_low",
            "slope_high",
            "p_value",
        ],
    )
    tested = table["p_value"].notna()
    table["q_value"] = np.nan
    if tested.any():
        table.loc[tested, "q_value"] = benjamini_hochberg(table.loc[tested, "p_value"].to_numpy())
    table["trend"] = np.select(
        [
            ~tested,
            (table["q_value"] <= max_q) & (table["slope"] > 0),
            (table["q_value"] <= max_q) & (table["slope"] < 0),
        ],
        [TOO_SMALL, RISING, FADING],
        STEADY,
    )
    return table


def topic_trends(
    papers: pd.DataFrame,
    topic_ids: np.ndarray,
    theme_ids: np.ndarray,
    *,
    period: str,
    min_papers: int,
    min_period_papers: int,
    max_q: float,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(counts, trends): papers per (level, id, period) with the share of the period's
    papers, and one trend row per theme and per topic. Both empty when the corpus has no
    periods (no years or dates)."""
    paper_periods = periods(papers, period)
    count_rows, trend_rows = [], []
    for level, ids in [("theme", theme_ids), ("topic", topic_ids)]:
        groups = pd.Series(np.asarray(ids), index=papers.index)
        counts = period_counts(paper_periods, groups, min_period_papers)
        if counts.shape[1] == 0:
            continue
        totals = paper_periods.value_counts()
        long = counts.stack().rename("papers").reset_index()
        long.columns = ["id", "period", "papers"]
        long["period_papers"] = long["period"].map(totals).astype(int)
        long["share"] = (long["papers"] / long["period_papers"]).round(5)
        count_rows.append(long.assign(level=level))
        trend_rows.append(
            level_trends(counts, totals, min_papers=min_papers, max_q=max_q).assign(level=level)
        )
    if not count_rows:
        return (
            pd.DataFrame(columns=["level", "id", "period", "papers", "period_papers", "share"]),
            pd.DataFrame(columns=TREND_COLUMNS),
        )
    counts = pd.concat(count_rows)[["level", "id", "period", "papers", "period_papers", "share"]]
    return counts.reset_index(drop=True), pd.concat(trend_rows)[TREND_COLUMNS].reset_index(
        drop=True
    )


def run_trends(
    papers_path: str | Path,
    assignments_path: str | Path,
    themes_path: str | Path,
    counts_path: str | Path,
    trends_path: str | Path,
    **params: Any,
) -> pd.DataFrame:
    """Period counts and trends of one run's themes and topics (intermediate Parquet)."""
    papers = read_table(papers_path)
    topic_ids = read_table(assignments_path)["topic_id"].to_numpy()
    themes = read_table(themes_path)
    theme_of = {int(t): int(row.theme_id) for row in themes.itertuples() for t in row.topics}
    theme_ids = np.array([theme_of.get(int(t), -1) for t in topic_ids])
    counts, trends = topic_trends(papers, topic_ids, theme_ids, **params)
    if trends.empty:
        log.info(
            "no %s in the inputs: no trends",
            "years" if params["period"] == "year" else f"dates precise to the {params['period']}",
        )
    else:
        for direction in (RISING, FADING):
            found = trends[(trends["trend"] == direction) & (trends["level"] == "topic")]
            log.info("%d topics %s (q <= %s)", len(found), direction, params["max_q"])
    write_table(counts, counts_path)
    write_table(trends, trends_path)
    return trends
