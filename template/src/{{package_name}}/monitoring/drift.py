"""Drift statistics: is today's data still like the data the model learned from?

Every feature is checked two ways, because each catches what the other misses:

- PSI (Population Stability Index) measures *how much* a distribution moved,
  on a scale that does not depend on how many rows you have:
  sum over bins of (current% - reference%) * ln(current% / reference%).
  Rule of thumb from credit scoring: < 0.1 stable, 0.1-0.2 some change,
  > 0.2 a real shift.
- A statistical test says whether the difference is larger than chance
  alone would explain: Kolmogorov-Smirnov (KS) for numbers (the largest gap
  between the two cumulative distributions), chi-square for categories
  (observed counts against the counts the reference shares predict).
  A small p-value means "unlikely to be chance".

Checking 30 features at a 5% significance level would flag one of them by
pure chance most days, so the level is divided by the number of checks
(the Bonferroni correction).

A feature drifts when its PSI reaches the threshold *or* its test is
significant. The thresholds live in params.yaml (`monitoring:`).

An optional feature (one with gaps in the training data) may be logged as
null. Such missing values are counted and shown beside the training data's
share of missing values; the checks compare the values that are there.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from ..training.reference import bin_shares

EPSILON = 1e-4  # stands in for an empty bin, so ln(0) never happens


@dataclass
class ColumnCheck:
    """The outcome of comparing one column (a feature or the predictions) with training."""

    name: str
    kind: str  # "numeric" or "categorical"
    test: str  # "KS" or "chi-square"
    rows: int
    psi: float
    statistic: float
    p_value: float
    drifted: bool
    reason: str  # one sentence a person can read, e.g. "PSI 0.31 >= 0.2"
    reference_mean: float | None = None
    current_mean: float | None = None
    # Shares per category (categorical) or per bin (numeric), for the plots.
    reference_shares: dict[str, float] = field(default_factory=dict)
    current_shares: dict[str, float] = field(default_factory=dict)
    # Logged rows with no value (not part of `rows`), and the shares of rows
    # without a value in the log and in the training data.
    missing: int = 0
    missing_share: float = 0.0
    reference_missing_share: float = 0.0

    def count_missing(self, missing: int, reference_share: float) -> None:
        """Record how many logged rows had no value, beside the training data's share."""
        self.missing = missing
        self.missing_share = round(missing / max(missing + self.rows, 1), 4)
        self.reference_missing_share = round(reference_share, 4)

    def to_dict(self) -> dict[str, Any]:
        """Plain values, ready for summary.json and the report."""
        return asdict(self)


def psi(reference: list[float] | np.ndarray, current: list[float] | np.ndarray) -> float:
    """Population Stability Index between two lists of shares (each sums to 1)."""
    ref = np.clip(np.asarray(reference, dtype=float), EPSILON, None)
    cur = np.clip(np.asarray(current, dtype=float), EPSILON, None)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def drift_verdict(
    psi_value: float, p_value: float, settings: dict[str, Any], alpha: float
) -> tuple[bool, str]:
    """Apply the two thresholds; return (drifted, a sentence saying why)."""
    reasons = []
    if psi_value >= settings["psi_threshold"]:
        reasons.append(f"PSI {psi_value:.3f} >= {settings['psi_threshold']}")
    if p_value < alpha:
        reasons.append(f"p-value {p_value:.2g} < {alpha:.2g}")
    if reasons:
        return True, " and ".join(reasons)
    return False, f"PSI {psi_value:.3f}, p-value {p_value:.2g}: within limits"


def check_numeric(
    name: str, summary: dict[str, Any], values: np.ndarray, settings: dict, alpha: float
) -> ColumnCheck:
    """Compare logged numbers with the reference summary: PSI on deciles + KS test."""
    values = np.asarray(values, dtype=float)
    cuts = summary["cut_points"]
    current = bin_shares(values, cuts)
    psi_value = psi(summary["bin_shares"], current)
    ks = stats.ks_2samp(np.asarray(summary["sample"], dtype=float), values)
    drifted, reason = drift_verdict(psi_value, float(ks.pvalue), settings, alpha)
    labels = bin_labels(cuts)
    return ColumnCheck(
        name=name,
        kind="numeric",
        test="KS",
        rows=len(values),
        psi=round(psi_value, 4),
        statistic=round(float(ks.statistic), 4),
        p_value=float(ks.pvalue),
        drifted=drifted,
        reason=reason,
        reference_mean=round(summary["mean"], 4),
        current_mean=round(float(values.mean()), 4),
        reference_shares=dict(zip(labels, summary["bin_shares"], strict=True)),
        current_shares=dict(zip(labels, current, strict=True)),
    )


def check_categorical(
    name: str, summary: dict[str, Any], values: list[Any], settings: dict, alpha: float
) -> ColumnCheck:
    """Compare logged categories with the reference shares: PSI + chi-square test."""
    names = list(summary["shares"])
    counted: dict[str, int] = dict.fromkeys(names, 0)
    for value in values:
        key = str(value)
        counted[key] = counted.get(key, 0) + 1  # a category unseen in training counts too
    total = max(len(values), 1)
    reference = [summary["shares"].get(key, 0.0) for key in counted]
    current = [count / total for count in counted.values()]
    psi_value = psi(reference, current)
    # Expected counts if nothing changed; EPSILON keeps unseen categories testable.
    expected = np.clip(np.asarray(reference), EPSILON, None)
    expected = expected / expected.sum() * total
    chi = stats.chisquare(list(counted.values()), expected)
    drifted, reason = drift_verdict(psi_value, float(chi.pvalue), settings, alpha)
    return ColumnCheck(
        name=name,
        kind="categorical",
        test="chi-square",
        rows=len(values),
        psi=round(psi_value, 4),
        statistic=round(float(chi.statistic), 4),
        p_value=float(chi.pvalue),
        drifted=drifted,
        reason=reason,
        reference_shares=dict(zip(counted, reference, strict=True)),
        current_shares=dict(zip(counted, current, strict=True)),
    )


def check_column(
    name: str, summary: dict[str, Any], values: list[Any], settings: dict, alpha: float
) -> ColumnCheck:
    """Pick the numeric or categorical check from the reference summary."""
    if summary["kind"] == "numeric":
        return check_numeric(name, summary, np.asarray(values, dtype=float), settings, alpha)
    return check_categorical(name, summary, values, settings, alpha)


def bin_labels(cuts: list[float]) -> list[str]:
    """Readable names for the bins between cut points, e.g. '<= 12', '12-24', '> 60'."""
    if not cuts:
        return ["all"]
    labels = [f"<= {cuts[0]:g}"]
    labels += [f"{low:g}-{high:g}" for low, high in zip(cuts, cuts[1:], strict=False)]
    labels.append(f"> {cuts[-1]:g}")
    return labels


def missing_text(check: dict[str, Any]) -> str:
    """The share of missing values, training -> logged, e.g. "0.6% -> 1.0%".

    Empty for a column that had no gaps in either: most columns, so the
    report only mentions missing values where there are some.
    """
    if not check.get("missing_share") and not check.get("reference_missing_share"):
        return ""
    return f"{check['reference_missing_share']:.1%} -> {check['missing_share']:.1%}"


def checked_columns(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """A drift summary's checks in report order: the features, then the predictions."""
    return summary["features"] + ([summary["prediction"]] if summary["prediction"] else [])
