"""Which themes and topics are growing and which fading: papers per period, and each one's
trend in share of the period's papers with an uncertainty that respects small counts.

A topic's trend is the slope of a binomial regression (logit link) of its papers per period
on the period, each period weighted by all the papers it has: a topic growing from 2% to
6% of the papers rises whether the corpus grew or shrank. Where the papers have venues, the
slope is fitted within each venue (a level per venue, one slope for all): in a corpus whose
venues come and go from year to year, a vision conference joining in 2020 would otherwise
pass for a surge of vision topics. Where counts vary more than binomial ones do, the
standard error takes that extra spread, measured in the residuals of all the level's
groups together (quasi-binomial, with statsmodels; a group alone has too few cells to
measure its own), and p-values come with the Benjamini-Hochberg false discovery rate over all
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


def binomial_trend(
    counts: np.ndarray, totals: np.ndarray, steps: np.ndarray, strata: np.ndarray
) -> tuple[float, float, float, float]:
    """(slope, its binomial standard error, Pearson chi-square, residual degrees of freedom)
    of the logit of a group's share per period step, from cells of (stratum, period): each
    stratum (a venue, say) has its own level and all share one slope, so a venue present in
    some years only cannot pass for a trend."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    levels = pd.get_dummies(pd.Series(strata, dtype=str), drop_first=True, dtype=float)
    design = np.column_stack([np.ones(len(counts)), steps - steps.mean(), levels.to_numpy()])
    model = sm.GLM(counts / totals, design, family=sm.families.Binomial(), var_weights=totals)
    with warnings.catch_warnings():
        # A group absent from all but a period or two: the slope runs off, and its error
        # with it, which is what the p-value should then say.
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        fit = model.fit()
    return float(fit.params[1]), float(fit.bse[1]), float(fit.pearson_chi2), float(fit.df_resid)


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
    counts: pd.DataFrame,
    totals: pd.Series,
    cells: pd.DataFrame,
    cell_totals: pd.Series,
    *,
    min_papers: int,
    max_q: float,
) -> pd.DataFrame:
    """One row per group of `counts` (groups x periods): its papers, shares in the first and
    last period, slope per period with a 95% interval, p and q and what the trend says.
    `cells` (rows: (stratum, period); columns: groups) and `cell_totals` are what the slope
    is fitted on."""
    from scipy import stats

    rows = []
    enough_periods = counts.shape[1] >= 3
    step = {period: k for k, period in enumerate(counts.columns)}
    kept = cell_totals[cell_totals.index.get_level_values(1).isin(counts.columns)]
    steps = np.array([step[period] for _, period in kept.index], dtype=float)
    strata = np.array([stratum for stratum, _ in kept.index], dtype=object)
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
            in_cells = cells[group].reindex(kept.index, fill_value=0).to_numpy(float)
            slope, se, chi2, df = binomial_trend(in_cells, kept.to_numpy(float), steps, strata)
            entry |= {"slope": slope, "se": se, "chi2": chi2, "df": df}
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
            "se",
            "chi2",
            "df",
        ],
    )
    fitted = table["slope"].notna()
    if fitted.any():
        # Spread beyond binomial, pooled over the level's groups (each has few cells to
        # measure its own from); never below binomial.
        df = max(float(table.loc[fitted, "df"].sum()), 1.0)
        dispersion = max(1.0, float(table.loc[fitted, "chi2"].sum()) / df)
        se = table["se"] * np.sqrt(dispersion)
        table["slope_low"] = table["slope"] - 1.96 * se
        table["slope_high"] = table["slope"] + 1.96 * se
        table["p_value"] = 2 * stats.t.sf(np.abs(table["slope"] / se), df)
    else:
        table["slope_low"] = table["slope_high"] = table["p_value"] = np.nan
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
    adjust_for: str | None,
    min_papers: int,
    min_period_papers: int,
    max_q: float,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(counts, trends): papers per (level, id, period) with the share of the period's
    papers, and one trend row per theme and per topic, its slope fitted within each value
    of `adjust_for` (a paper without one in a stratum of its own) when the papers have
    that field. Both empty when the corpus has no periods (no years or dates)."""
    paper_periods = periods(papers, period)
    strata = pd.Series("all", index=papers.index, dtype=object)
    if adjust_for and papers[adjust_for].notna().any():
        strata = papers[adjust_for].astype(object).where(papers[adjust_for].notna(), "(none)")
    known = paper_periods.notna()
    cell_totals = (
        pd.Series(1, index=papers.index)[known].groupby([strata[known], paper_periods[known]]).sum()
    )
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
        grouped = known & (groups != -1)
        cells = pd.crosstab([strata[grouped], paper_periods[grouped]], groups[grouped])
        trend_rows.append(
            level_trends(
                counts, totals, cells, cell_totals, min_papers=min_papers, max_q=max_q
            ).assign(level=level)
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
