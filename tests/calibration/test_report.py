"""The fit report: table from a survey frame, inside flags, not-modelled targets, files."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from aiadopt.calibration import report as rp
from aiadopt.calibration import survey as sv
from aiadopt.calibration.targets import load_targets, study_interval
from aiadopt.model import Params

TARGETS = load_targets()
BY_ID = {t.id: t for t in TARGETS}


@pytest.fixture(scope="module")
def small_report() -> rp.FitReport:
    """A fast report: 2,000 firms, 3 model runs x 2 sampled surveys."""
    return rp.fit_report(Params(n_firms=2_000), replicates=6, seeds=3, progress=False)


def fake_frame(
    values: dict[str, list[float]], sides: dict[str, tuple[float, float]] | None = None
) -> pd.DataFrame:
    """A survey frame as run_survey returns it, one row per replicate and target."""
    sides = sides or {}
    rows = []
    for tid, vals in values.items():
        for k, v in enumerate(vals):
            g, lo = sides.get(tid, (np.nan, np.nan))
            rows.append(
                {"replicate": k, "id": tid, "value": v, "n": 100, "greater": g, "lesser": lo}
            )
    return pd.DataFrame(rows)


def renamed(target_id: str, new_id: str, **changes):
    return dataclasses.replace(BY_ID[target_id], id=new_id, **changes)


# --- the whole report ------------------------------------------------------------------------


def test_every_target_exactly_once_in_two_sections(small_report):
    table = small_report.table
    assert sorted(table["id"]) == sorted(t.id for t in TARGETS)
    assert table["id"].is_unique
    assert list(table.columns) == rp.TABLE_COLUMNS
    assert list(dict.fromkeys(table["section"])) == ["calibration", "validation"]
    for t in TARGETS:
        assert table.set_index("id").loc[t.id, "section"] == t.use
    # 3 runs x 2 surveys: every target answered by 6 replicates
    assert small_report.plan == ((0, 2), (1, 2), (2, 2))
    assert (table["replicates"] == 6).all()
    assert small_report.survey.groupby("id").size().eq(6).all()
    # the model's band holds its median
    m = table[table["model_median"].notna()]
    assert (m["model_p05"] <= m["model_median"] + 1e-12).all()
    assert (m["model_median"] <= m["model_p95"] + 1e-12).all()


def test_shares_count_only_modelled_targets(small_report):
    table, summary = small_report.table, small_report.summary
    for section in rp.SECTIONS:
        rows = table[table["section"] == section]
        s = summary[section]
        assert s["targets"] == len(rows)
        assert s["modelled"] + s["not_modelled"] == len(rows)
        assert s["inside"] + s["outside"] == s["modelled"]
        assert s["share_inside"] == pytest.approx(s["inside"] / s["modelled"])
    assert small_report.share_calibration_inside == summary["calibration"]["share_inside"]
    text = small_report.summary_text()
    assert f"{100 * summary['calibration']['share_inside']:.1f}%" in text
    assert f"{100 * summary['validation']['share_inside']:.1f}%" in text
    for tid in table.loc[table["status"] == "outside", "id"]:
        assert tid in text


def test_not_modelled_targets_are_flagged(small_report):
    table = small_report.table.set_index("id")
    expected = {
        t.id for t in TARGETS if any(f"{t.metric}:{c}" in sv.NOT_MODELLED for c in t.categories)
    }
    assert expected  # the model does not speak to Figure 10's complexity / provider quality
    flagged = set(table.index[~table["modelled"]])
    assert flagged == expected
    for tid in expected:
        assert table.loc[tid, "status"] == "not modelled"
        assert pd.isna(table.loc[tid, "inside"])
        assert math.isnan(table.loc[tid, "model_median"])
        assert table.loc[tid, "reason"] in sv.NOT_MODELLED.values()
    assert table.loc[list(set(table.index) - expected), "inside"].notna().all()


# --- the pure computation ----------------------------------------------------------------------


def test_inside_flags_on_a_hand_made_frame():
    prop = BY_ID["engaged_share"]  # 48%, n = 231
    low, high = study_interval(prop)
    mean = BY_ID["gain_expected_productivity"]  # +7.6%
    m_low, m_high = study_interval(mean)
    targets = [
        prop,
        renamed("engaged_share", "prop_out"),
        renamed("engaged_share", "prop_at_low"),
        mean,
        renamed("gain_expected_productivity", "mean_out"),
        BY_ID["sme_engaged_lower"],  # >= 50%
        renamed("sme_engaged_lower", "lower_out"),
        BY_ID["sme_experimenting_upper"],  # <= 38%
        renamed("sme_experimenting_upper", "upper_out"),
        BY_ID["large_firms_in_place_more"],
        renamed("large_firms_in_place_more", "ordering_tie"),
        renamed("large_firms_in_place_more", "ordering_out"),
        renamed("engaged_share", "empty_group"),
        BY_ID["outsourcing_reason_complexity_planned"],
        BY_ID["deployed_view_technique"],  # validation, 10%
    ]
    frame = fake_frame(
        {
            "engaged_share": [0.40, 0.47, 0.60],  # median 0.47: inside
            "prop_out": [0.30, 0.35, 0.60],  # median 0.35: outside
            "prop_at_low": [low, low, low],  # on the edge: inside
            "gain_expected_productivity": [5.0, 7.0, 9.0],
            "mean_out": [m_high + 0.5] * 3,
            "sme_engaged_lower": [0.50] * 3,  # exactly the bound: satisfied
            "lower_out": [0.49] * 3,
            "sme_experimenting_upper": [0.38] * 3,
            "upper_out": [0.40] * 3,
            "large_firms_in_place_more": [-0.05, 0.02, 0.04],  # median +0.02
            "ordering_tie": [0.0] * 3,  # not strictly greater
            "ordering_out": [-0.03, -0.01, 0.2],
            "empty_group": [np.nan] * 3,
            "outsourcing_reason_complexity_planned": [np.nan] * 3,
            "deployed_view_technique": [0.02, 0.03, 0.04],  # below [5%, ...]: outside
        },
        sides={"large_firms_in_place_more": (0.20, 0.18)},
    )
    table = rp.build_table(frame, targets).set_index("id")
    inside = table["inside"]
    assert (
        inside["engaged_share"] and inside["prop_at_low"] and inside["gain_expected_productivity"]
    )
    assert not inside["prop_out"] and not inside["mean_out"]
    assert inside["sme_engaged_lower"] and not inside["lower_out"]
    assert inside["sme_experimenting_upper"] and not inside["upper_out"]
    assert inside["large_firms_in_place_more"]
    assert not inside["ordering_tie"] and not inside["ordering_out"]
    assert not inside["empty_group"] and table.loc["empty_group", "modelled"]
    assert "never had a respondent" in table.loc["empty_group", "reason"]
    assert pd.isna(inside["outsourcing_reason_complexity_planned"])
    assert not inside["deployed_view_technique"]

    # study columns
    row = table.loc["engaged_share"]
    assert (row["study_value"], row["study_low"], row["study_high"]) == (0.48, low, high)
    assert row["model_median"] == pytest.approx(0.47)
    assert table.loc["gain_expected_productivity", "study_low"] == pytest.approx(m_low)
    assert table.loc["sme_engaged_lower", "study_low"] == 0.5
    assert math.isnan(table.loc["sme_engaged_lower", "study_high"])
    assert table.loc["sme_experimenting_upper", "study_high"] == 0.38
    assert math.isnan(table.loc["sme_experimenting_upper", "study_low"])
    assert table.loc["large_firms_in_place_more", "study"] == "greater > lesser"
    assert table.loc["large_firms_in_place_more", "study_low"] == 0.0
    assert table.loc["large_firms_in_place_more", "model_greater_median"] == 0.20
    assert table.loc["large_firms_in_place_more", "model_lesser_median"] == 0.18

    # sections: calibration rows first, then validation; shares over modelled targets only
    assert list(table["section"]).index("validation") == len(targets) - 1
    summary = rp.summarise(table.reset_index())
    cal = summary["calibration"]
    assert (cal["targets"], cal["modelled"], cal["not_modelled"]) == (14, 13, 1)
    assert cal["inside"] == 6  # engaged, at_low, mean, lower, upper, ordering
    assert cal["share_inside"] == pytest.approx(6 / 13)
    val = summary["validation"]
    assert (val["inside"], val["modelled"], val["share_inside"]) == (0, 1, 0.0)


def test_band_is_the_5th_to_95th_percentile():
    t = BY_ID["engaged_share"]
    frame = fake_frame({t.id: list(np.linspace(0.0, 1.0, 101))})
    row = rp.build_table(frame, [t]).iloc[0]
    assert (row["model_p05"], row["model_median"], row["model_p95"]) == pytest.approx(
        (0.05, 0.5, 0.95)
    )
    # a replicate without an answer (empty group) is left out, and counted
    frame = fake_frame({t.id: [0.4, np.nan, 0.5]})
    row = rp.build_table(frame, [t]).iloc[0]
    assert row["model_median"] == pytest.approx(0.45)
    assert (row["replicates"], row["replicates_missing"]) == (3, 1)


def test_build_table_rejects_unknown_ids():
    with pytest.raises(ValueError, match="not targets"):
        rp.build_table(fake_frame({"no_such_target": [0.1]}), TARGETS)
    with pytest.raises(ValueError, match="lacks"):
        rp.build_table(pd.DataFrame({"id": ["engaged_share"]}), TARGETS)


def test_not_modelled_reason_reads_the_survey_list():
    reasons = {t.id: rp.not_modelled_reason(t, BY_ID) for t in TARGETS}
    flagged = {tid for tid, r in reasons.items() if r}
    assert flagged == {
        f"outsourcing_reason_{what}_{stage}"
        for what in ("complexity", "provider_quality")
        for stage in ("planned", "in_progress", "in_place")
    }
    assert reasons["outsourcing_reason_skills_planned"] is None


def test_replicate_plan_splits_runs_and_surveys():
    assert rp.replicate_plan(100, 10) == [(s, 10) for s in range(10)]
    assert rp.replicate_plan(7, [3, 4]) == [(3, 4), (4, 3)]
    assert rp.replicate_plan(3, 10) == [(0, 1), (1, 1), (2, 1)]
    for bad in ((0, 10), (10, 0), (10, []), (10, [1, 1])):
        with pytest.raises(ValueError):
            rp.replicate_plan(*bad)


def test_labels_are_readable():
    assert rp.target_label("obstacle_security_not_engaged", "Figure 4") == (
        "Obstacle security not engaged · Fig. 4"
    )
    assert rp.target_label("sme_engaged_lower", "text p.2") == "SME engaged lower · text p.2"
    assert rp.target_label("usecase_interest_content_in_place", "Figure 8") == (
        "Use case interest content in place · Fig. 8"
    )


# --- files ----------------------------------------------------------------------------------------


def test_write_creates_the_tables_and_no_temp(small_report, tmp_path):
    out = tmp_path / "fit"
    paths = small_report.write(out)
    assert set(paths) == set(rp.REPORT_FILES) == {"csv", "md"}
    assert sorted(p.name for p in out.iterdir()) == sorted(rp.REPORT_FILES.values())
    csv = pd.read_csv(paths["csv"])
    assert sorted(csv["id"]) == sorted(t.id for t in TARGETS)
    md = paths["md"].read_text(encoding="utf-8")
    assert "## Calibration targets" in md and "## Validation targets" in md
    assert md.count("| `") == len(TARGETS)
    assert f"hash {small_report.params.hash()}" in md
    assert "Wrote to" in small_report.summary_text()
    # writing again replaces the files, still no temp left
    small_report.write(out)
    assert sorted(p.name for p in out.iterdir()) == sorted(rp.REPORT_FILES.values())


def test_write_adds_the_figures_of_the_hook(small_report, tmp_path):
    seen = {}

    def figures(table, meta):
        seen.update(meta, rows=len(table))
        return {"fit_report.png": b"png bytes", "fit_report.svg": b"<svg/>"}

    paths = small_report.write(tmp_path, figures=figures)
    assert set(paths) == {"csv", "md", "png", "svg"}
    assert paths["png"].read_bytes() == b"png bytes"
    assert seen["rows"] == len(small_report.table)
    assert seen["param_hash"] == small_report.params.hash() and seen["seed"] == "0 1 2"
    assert seen["subtitle"].startswith("Model: sampled survey mode, 3 model runs")


def test_a_failing_figure_hook_writes_nothing(small_report, tmp_path):
    def figures(table, meta):
        raise RuntimeError("no figure")

    with pytest.raises(RuntimeError, match="no figure"):
        small_report.write(tmp_path / "fit", figures=figures)
    assert not (tmp_path / "fit").exists() or list((tmp_path / "fit").iterdir()) == []


def test_save_fit_table_writes_the_exact_table_for_a_folder(tmp_path):
    small = Params(n_firms=300)
    path = rp.save_fit_table(tmp_path, small, replicates=2, progress=False)
    assert path == tmp_path / rp.FIT_TABLE_FILE
    # a table and its stamp, no figure
    assert sorted(p.name for p in tmp_path.iterdir()) == [rp.FIT_TABLE_FILE, rp.FIT_STAMP_FILE]
    # the same table as the fit report it stands for: 2 runs (seeds 0, 1) of 2,000 firms
    want = rp.fit_report(small, replicates=2, seeds=[0, 1], n_firms=rp.FIT_MIN_FIRMS,
                         progress=False).table  # fmt: skip
    got = pd.read_csv(path, keep_default_na=False, na_values=[""])
    for column in ("model_median", "model_p05", "model_p95", "study_low", "study_high"):
        np.testing.assert_array_equal(got[column].to_numpy(), want[column].to_numpy())
    assert list(got["status"]) == list(want["status"])
    assert rp.fit_table_runs(2) == 2 and rp.fit_table_runs(20) == rp.FIT_TABLE_RUNS


def test_the_fit_table_is_stamped_and_refused_for_other_parameters(tmp_path):
    small = Params(n_firms=300)
    assert rp.load_fit_table(tmp_path, param_hash=small.hash()) is None  # none saved yet
    rp.save_fit_table(tmp_path, small, seed=5, replicates=2, progress=False)
    saved = rp.load_fit_table(tmp_path, param_hash=small.hash())
    assert saved is not None and saved.path == tmp_path / rp.FIT_TABLE_FILE
    # the stamp: the parameters as given (300 firms), surveyed with FIT_MIN_FIRMS firms
    assert saved.meta["param_hash"] == small.hash() and saved.meta["seed"] == "5 6"
    assert saved.meta["n_firms"] == str(rp.FIT_MIN_FIRMS) and saved.meta["replicates"] == "2"
    assert set(saved.meta) >= {"version", "params_source"}
    assert set(saved.table["section"]) == set(rp.SECTIONS)
    other = small.replace(n_firms=301).hash()
    with pytest.raises(rp.FitTableError, match=f"parameters {small.hash()}.*are {other}"):
        rp.load_fit_table(tmp_path, param_hash=other)
    assert rp.load_fit_table(tmp_path, param_hash=None) is not None  # no check asked
    (tmp_path / rp.FIT_STAMP_FILE).unlink()  # an unstamped table: of unknown parameters
    with pytest.raises(rp.FitTableError, match=r"no stamp.*recompute it with --fit"):
        rp.load_fit_table(tmp_path, param_hash=small.hash())
    assert rp.load_fit_table(tmp_path, param_hash=None).meta == {}


def test_fit_counts_says_how_many_modelled_targets_are_inside(small_report):
    table = small_report.table
    counts = rp.summarise(table)["calibration"]
    text = rp.fit_counts(table, "calibration")
    assert text.startswith(f"{counts['inside']} of {counts['modelled']} modelled targets")
    assert ("not modelled" in text) == (counts["not_modelled"] > 0)
    fake = pd.DataFrame({"section": ["validation"] * 3, "modelled": [True, True, False],
                         "inside": [True, False, None]})  # fmt: skip
    assert rp.fit_counts(fake, "validation") == (
        "1 of 2 modelled targets inside the study's interval (50%); 1 not modelled, not counted"
    )


def test_write_error_leaves_no_partial_file(small_report, tmp_path, monkeypatch):
    def boom(self):
        raise RuntimeError("markdown failed")

    monkeypatch.setattr(rp.FitReport, "to_markdown", boom)
    out = tmp_path / "fit"
    with pytest.raises(RuntimeError, match="markdown failed"):
        small_report.write(out)
    assert not out.exists()  # the folder it made is gone too
