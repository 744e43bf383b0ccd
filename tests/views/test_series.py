"""Series out of a tidy results table (``aiadopt/views/series.py``), on tables small enough
to check by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aiadopt.views import series
from aiadopt.views.series import MissingDataError
from aiadopt.views.style import PALETTE, SCENARIO_COLOURS


def run_table() -> pd.DataFrame:
    """A single run's trajectories: two months, two metrics, two groups."""
    return pd.DataFrame(
        {
            "date": ["2024-01-01", "2024-02-01", "2024-01-01", "2024-02-01", "2024-01-01"],
            "metric": ["adopted", "adopted", "adopted", "adopted", "enthusiasm"],
            "group": ["all", "all", "size:large", "size:large", "all"],
            "value": [0.1, 0.2, 0.3, 0.4, 0.5],
        }
    )


def experiment_table() -> pd.DataFrame:
    """An experiment's results: scenarios ``b_second`` then ``a_first`` (not alphabetical),
    ``b_second`` with 3 replicates of one metric over two months, ``a_first`` with one."""
    rows = []
    for r, (jan, feb) in enumerate(((0.0, 1.0), (0.2, 2.0), (0.4, 6.0))):
        rows += [("b_second", r, "2024-01-01", jan), ("b_second", r, "2024-02-01", feb)]
    rows += [("a_first", 0, "2024-01-01", 9.0)]
    out = pd.DataFrame(rows, columns=["scenario", "replicate", "date", "value"])
    return out.assign(seed=out["replicate"] + 10, metric="adopted", group="all")


def test_a_runs_trajectories_become_scenario_run_replicate_0() -> None:
    tidy = run_table()
    out = series.as_results(tidy)
    assert (out["scenario"] == series.RUN_SCENARIO).all() and (out["replicate"] == 0).all()
    pd.testing.assert_frame_equal(out[list(tidy.columns)], tidy)
    assert "scenario" not in tidy.columns  # the input is left alone


def test_an_experiments_results_are_kept_as_they_are() -> None:
    results = experiment_table()
    pd.testing.assert_frame_equal(series.as_results(results), results)


def test_a_table_without_the_tidy_columns_is_refused_naming_them() -> None:
    with pytest.raises(ValueError, match="no column metric, value"):
        series.as_results(pd.DataFrame({"date": [], "group": []}))


def test_scenarios_come_in_first_appearance_or_categorical_order() -> None:
    results = experiment_table()
    assert series.scenarios_of(results) == ["b_second", "a_first"]
    assert series.scenarios_of(run_table()) == ["run"]
    order = ["z_absent", "a_first", "b_second"]
    categorical = results.assign(scenario=pd.Categorical(results["scenario"], categories=order))
    assert series.scenarios_of(categorical) == ["a_first", "b_second"]  # present ones only


def test_the_reference_is_the_one_named_else_baseline_else_the_first() -> None:
    results = experiment_table()
    assert series.reference_of(results) == "b_second"
    assert series.reference_of(results, "a_first") == "a_first"
    with pytest.raises(ValueError, match="'nope' is not among b_second, a_first"):
        series.reference_of(results, "nope")
    with_baseline = pd.concat([results, results.assign(scenario="baseline")])
    assert series.reference_of(with_baseline) == "baseline"
    with pytest.raises(ValueError, match="empty"):
        series.reference_of(results.iloc[:0])


def test_scenario_labels_and_colours() -> None:
    assert series.scenario_label("no_success_factors") == "no success factors"
    colours = series.scenario_colours(["a", "ref", "b"], reference="ref")
    assert colours == {"a": SCENARIO_COLOURS[0], "ref": PALETTE["reference"],
                       "b": SCENARIO_COLOURS[1]}  # fmt: skip
    many = [f"s{k}" for k in range(len(SCENARIO_COLOURS) + 1)]
    assert series.scenario_colours(many, None)[many[-1]] == SCENARIO_COLOURS[0]  # cycles


def test_metrics_are_the_ones_present() -> None:
    tidy = run_table()
    assert series.metrics_of(tidy) == {"adopted", "enthusiasm"}
    categorical = tidy.assign(
        metric=pd.Categorical(tidy["metric"], categories=["adopted", "enthusiasm", "unused"])
    ).iloc[:4]
    assert series.metrics_of(categorical) == {"adopted"}


def test_rows_are_selected_by_metric_group_and_scenario() -> None:
    results = series.as_results(run_table())
    rows = series.select_rows(results, "adopted", group="size:large")
    assert rows["value"].tolist() == [0.3, 0.4]
    assert list(rows.columns) == ["scenario", "replicate", "date", "metric", "group", "value"]
    assert rows["date"].tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01")]
    assert len(series.select_rows(results, ["adopted", "enthusiasm"])) == 5
    assert series.select_rows(results, "adopted", scenario="other").empty
    experiment = experiment_table()
    assert series.select_rows(experiment, "adopted", scenario="a_first")["value"].tolist() == [9.0]


def test_the_replicate_band_is_mean_and_5th_95th_percentiles_per_date() -> None:
    rows = series.select_rows(experiment_table(), "adopted", scenario="b_second")
    band = series.replicate_band(rows, scale=100.0)
    assert list(band.index) == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01")]
    np.testing.assert_allclose(band["mean"], [20.0, 300.0])
    # linear interpolation between the sorted replicates: (0, 20, 40) and (100, 200, 600)
    np.testing.assert_allclose(band["low"], [2.0, 110.0])
    np.testing.assert_allclose(band["high"], [38.0, 560.0])
    assert band["n"].tolist() == [3, 3]


def test_replicates_are_counted_per_scenario() -> None:
    results = experiment_table()
    assert series.n_replicates(results) == 3
    assert series.n_replicates_of(results, "b_second") == 3
    assert series.n_replicates_of(results, "a_first") == 1
    assert series.n_replicates(results.iloc[:0]) == 0


def test_band_text_says_whether_there_is_a_band() -> None:
    assert series.band_text(1) == "one run (no replicate band)"
    assert "mean of 4 replicates" in series.band_text(4)


def test_the_date_range_is_the_first_and_last_month() -> None:
    shuffled = run_table().iloc[[3, 0, 2]]
    assert series.date_range(shuffled) == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01"))


def test_require_names_only_the_missing_metrics() -> None:
    series.require(run_table(), ["adopted"], "a figure")
    with pytest.raises(MissingDataError, match=r"^a figure: the results have no gains, costs \("):
        series.require(run_table(), ["gains", "adopted", "costs"], "a figure")


def test_month_text() -> None:
    assert series.month_text("2027-12") == "Dec 2027"
    assert series.month_text("not a month") == "not a month"
