"""Parameter sweeps: every combination of config's `sweep:` values, each run into its own
folder, compared in one table so settings are chosen from evidence."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas and numpy load only in the summary job, not in Snakemake's DAG
    import pandas as pd

# Metrics a combination is judged on, and whether larger is better.
CRITERIA = {"npmi": True, "diversity": True, "stability_ari": True}
# Bounds a usable clustering keeps, past which its topics are not worth reading (a fifth of
# the papers in one topic is a catch-all): (metric, larger is better, bound).
GATES = [("outlier_share", False, 0.05), ("largest_topic_share", False, 0.20)]
TARGETS = [("npmi", True, 0.05), ("diversity", True, 0.85), *GATES]


def format_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, list | tuple):
        return "-".join(format_value(item) for item in value)
    return str(value)


def combinations(sweep: Mapping[str, Sequence[Any]]) -> dict[str, dict[str, Any]]:
    """Folder name -> {"section.key": value} for every combination of the sweep's values.

    {"hdbscan.min_cluster_size": [5, 10]} -> {"hdbscan.min_cluster_size=5": {...: 5}, ...}.
    """
    keys = sorted(sweep)
    if not keys:
        return {}
    combos = {}
    for values in itertools.product(*(sweep[key] for key in keys)):
        name = ",".join(
            f"{key}={format_value(value)}" for key, value in zip(keys, values, strict=True)
        )
        combos[name] = dict(zip(keys, values, strict=True))
    return combos


def section_params(
    config: Mapping[str, Any], overrides: Mapping[str, Any], section: str
) -> dict[str, Any]:
    """config[section] with the combination's values for that section put in."""
    params = dict(config[section])
    for key, value in overrides.items():
        owner, _, name = key.partition(".")
        if owner == section:
            params[name] = value
    return params


def reduction_name(overrides: Mapping[str, Any]) -> str:
    """Name of the UMAP reduction a combination needs: combinations that differ only in
    hdbscan or vectorizer values share it."""
    umap = {key: value for key, value in overrides.items() if key.startswith("umap.")}
    return (
        ",".join(f"{key}={format_value(value)}" for key, value in sorted(umap.items())) or "default"
    )


def _passes(table: pd.DataFrame, bounds) -> pd.Series:
    import pandas as pd

    ok = pd.Series(True, index=table.index)
    for metric, larger, bound in bounds:
        if metric in table:
            values = table[metric].astype(float)
            ok &= values >= bound if larger else values <= bound
    return ok


def meets_targets(table: pd.DataFrame) -> pd.Series:
    """True where NPMI, diversity, outlier share and largest-topic share all meet the targets."""
    return _passes(table, TARGETS)


def balanced(table: pd.DataFrame) -> pd.Series:
    """True for the combinations that balance coherence, diversity and stability: among
    those whose outliers and largest topic stay within bounds (a catch-all topic is a
    failure, however coherent), the ones no other beats on all three at once (Pareto).
    When no combination is within bounds, the Pareto set of all of them."""
    import numpy as np
    import pandas as pd

    usable = _passes(table, GATES)
    if not usable.any():
        usable = pd.Series(True, index=table.index)
    criteria = [c for c in CRITERIA if c in table and table[c].notna().any()]
    signed = np.column_stack(
        [
            table[c].astype(float).fillna(-np.inf if CRITERIA[c] else np.inf)
            * (1 if CRITERIA[c] else -1)
            for c in criteria
        ]
    )
    pool = signed[usable.to_numpy()]
    optimal = []
    for row, ok in zip(signed, usable, strict=True):
        dominated = ((pool >= row).all(axis=1) & (pool > row).any(axis=1)).any()
        optimal.append(bool(ok) and not dominated)
    return pd.Series(optimal, index=table.index)


def summary_table(
    combos: Mapping[str, Mapping[str, Any]], metrics: Sequence[Mapping[str, Any]]
) -> pd.DataFrame:
    """One row per combination: its parameter values, metrics and whether it is balanced."""
    import pandas as pd

    rows = []
    for (name, overrides), values in zip(combos.items(), metrics, strict=True):
        rows.append(
            {
                "name": name,
                **{k: format_value(v) for k, v in overrides.items()},
                **{k: v for k, v in values.items() if not isinstance(v, list | dict)},
            }
        )
    table = pd.DataFrame(rows)
    table["meets_targets"] = meets_targets(table) if len(table) else []
    table["balanced"] = balanced(table) if len(table) else []
    return table
