"""The experiment summary (aiadopt.experiments.summary): intervals, dates, paired differences
to the reference, the text table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from aiadopt.experiments.summary import (
    SUMMARY_MONTH,
    beats_matrix,
    format_beats,
    format_summary,
    mean_interval,
    paired_differences,
    probability_positive,
    summarise,
    summary_months,
    welch_interval,
)


def _results(values: dict[str, list[float]], month: str = "2026-12") -> pd.DataFrame:
    """Tidy results: one share-at-scale value per scenario and replicate at ``month``."""
    rows = [
        {"scenario": name, "replicate": k, "seed": k, "date": pd.Timestamp(f"{month}-01"),
         "metric": "stage_share.scaled", "group": "all", "value": v}
        for name, vs in values.items()
        for k, v in enumerate(vs)
    ]  # fmt: skip
    return pd.DataFrame(rows)


def test_mean_interval_is_the_t_interval() -> None:
    mean, lo, hi = mean_interval(np.array([1.0, 2.0, 3.0]))
    half = stats.t.ppf(0.975, 2) * 1.0 / math.sqrt(3)
    assert mean == 2.0 and lo == pytest.approx(2 - half) and hi == pytest.approx(2 + half)
    assert mean_interval(np.array([4.0]))[0] == 4.0 and math.isnan(mean_interval([4.0])[1])
    assert all(math.isnan(v) for v in mean_interval(np.array([])))


def test_welch_interval_matches_scipy() -> None:
    x, y = np.array([1.0, 2.0, 4.0]), np.array([0.0, 0.5, 1.0, 0.5])
    d, lo, hi = welch_interval(x, y)
    want = stats.ttest_ind(x, y, equal_var=False).confidence_interval(0.95)
    assert d == pytest.approx(np.mean(x) - np.mean(y))
    assert (lo, hi) == pytest.approx((want.low, want.high))
    assert welch_interval(np.array([1.0, 1.0]), np.array([0.0, 0.0])) == (1.0, 1.0, 1.0)


def test_summary_months_are_december_2027_and_the_last() -> None:
    assert summary_months(_results({"a": [0.1]}, "2026-12")) == ["2026-12"]
    assert summary_months(_results({"a": [0.1]}, "2030-12")) == [SUMMARY_MONTH, "2030-12"]


def test_paired_differences_to_the_reference() -> None:
    res = _results({"strategy": [0.2, 0.35, 0.4], "baseline": [0.1, 0.2, 0.3]})
    table = summarise(res)
    scaled = table[table["indicator"] == "share_scaled"].set_index("scenario")
    assert (scaled["reference"] == "baseline").all()  # baseline, though listed second
    row = scaled.loc["strategy"]
    assert row["n_pairs"] == 3 and row["diff"] == pytest.approx((0.1 + 0.15 + 0.1) / 3)
    # common random numbers: the paired interval is narrower than the unpaired one
    paired = row["diff_ci_high"] - row["diff_ci_low"]
    assert paired < row["unpaired_ci_high"] - row["unpaired_ci_low"]
    assert math.isnan(scaled.loc["baseline", "diff"]) and scaled.loc["baseline", "n_pairs"] == 0
    with pytest.raises(ValueError, match="'other' is not among strategy, baseline"):
        summarise(res, reference="other")
    text = format_summary(table)
    assert "difference to baseline in points" in text and "+11.67" in text
    assert format_summary(table.iloc[:0]) == "(no finished run to summarise)"


def test_the_predictive_interval_is_the_5_95_quantiles_of_the_paired_differences() -> None:
    rng = np.random.default_rng(3)
    base = rng.normal(0.3, 0.05, 41)
    lever = base + rng.normal(0.02, 0.03, 41)
    res = _results({"baseline": list(base), "lever": list(lever[:40])})  # 40 pairs only
    row = summarise(res).set_index(["indicator", "scenario"]).loc[("share_scaled", "lever")]
    d = lever[:40] - base[:40]
    ordered = np.sort(d)  # linear interpolation between order statistics, by hand
    pos = 0.05 * 39, 0.95 * 39
    want = [ordered[int(p)] + (p - int(p)) * (ordered[int(p) + 1] - ordered[int(p)]) for p in pos]
    assert (row["effect_ppi_05"], row["effect_ppi_95"]) == pytest.approx(want)
    # the predictive interval holds 90% of the replicates' effects; the CI is of their mean
    inside = np.mean((d >= row["effect_ppi_05"]) & (d <= row["effect_ppi_95"]))
    assert inside == pytest.approx(0.9, abs=0.03)
    assert row["effect_ppi_05"] < row["diff_ci_low"] < row["diff_ci_high"] < row["effect_ppi_95"]
    text = format_summary(summarise(res))
    assert f"[{100 * want[0]:+.2f}, {100 * want[1]:+.2f}]" in text and "predictive 5-95%" in text


def test_p_effect_positive_is_the_share_of_replicates_raised_ties_not_counted() -> None:
    base = [0.10, 0.20, 0.30, 0.40, 0.50]
    lever = [0.15, 0.20, 0.25, 0.45, 0.55]  # raised 3, tie 1, lowered 1
    table = summarise(_results({"baseline": base, "lever": lever}))
    row = table.set_index(["indicator", "scenario"]).loc[("share_scaled", "lever")]
    assert row["p_effect_positive"] == pytest.approx(3 / 5)
    assert math.isnan(table.set_index("scenario").loc["baseline", "p_effect_positive"].iloc[0])
    assert "P(raises)" in format_summary(table) and " 60%" in format_summary(table)
    assert probability_positive(np.array([])) != probability_positive(np.array([]))  # NaN


def test_beats_matrix_pairs_the_replicates() -> None:
    rng = np.random.default_rng(5)
    base = rng.normal(0.3, 0.1, 30)
    a = base + rng.normal(0.02, 0.01, 30)
    b = base + rng.normal(0.01, 0.03, 30)
    res = _results({"baseline": list(base), "a": list(a), "b": list(b)})
    m = beats_matrix(res, "share_scaled", "2026-12")
    assert m.loc["a", "b"] == pytest.approx(np.mean(a > b))
    assert m.loc["b", "a"] == pytest.approx(np.mean(b > a))
    assert m.loc["a", "baseline"] == pytest.approx(np.mean(a > base))
    assert np.isnan(np.diag(m.to_numpy())).all()
    # paired on the replicate: shuffling b's replicates changes the answer
    shuffled = _results({"baseline": list(base), "a": list(a), "b": list(b[::-1])})
    assert beats_matrix(shuffled).loc["a", "b"] == pytest.approx(np.mean(a > b[::-1]))
    text = format_beats(m)
    assert text.splitlines()[0].startswith("Probability that the row's scenario beats")
    with pytest.raises(ValueError, match="unknown scenario 'c'"):
        beats_matrix(res, scenarios=["a", "c"])


def test_paired_differences_are_the_replicates_own_effects() -> None:
    res = _results({"strategy": [0.2, 0.35, 0.4], "baseline": [0.1, 0.2, 0.3, 0.9]})
    d = paired_differences(res)
    assert list(d["replicate"]) == [0, 1, 2]  # replicate 3 has no pair
    assert list(d["diff"]) == pytest.approx([0.1, 0.15, 0.1])
    row = summarise(res).set_index(["indicator", "scenario"]).loc[("share_scaled", "strategy")]
    assert d["diff"].mean() == pytest.approx(row["diff"])
    with pytest.raises(ValueError, match="month 2030-12 is not in the results"):
        paired_differences(res, months="2030-12")
