"""The calibration's report (aiadopt/views/calibration.py): from a small synthetic calibration
folder, made here (no calibration is run), every file is written, the headline is counted from
the checks' rows, misses come first, and a missing file is named on one line."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aiadopt.views import calibration as vc
from aiadopt.views.style import PALETTE, axes_of

# calibration: 9 rows, 7 inside (two misses: a mean and a statement); validation: 3 rows,
# all outside, so that a headline mixing the two uses would be wrong
_CHECKS = [
    # id, kind, use, observed, ppi_05, ppi_95, median, p_true, percentile, inside
    ("engaged_share", "proportion", "calibration", 0.48, 0.40, 0.60, 0.50, None, 0.40, True),
    ("a_share|engaged_share", "conditional", "calibration", 0.60, 0.50, 0.80, 0.66, None, 0.2,
     True),
    ("obstacle_x", "proportion", "calibration", 0.58, 0.30, 0.70, 0.50, None, 0.70, True),
    ("obstacle_y", "proportion", "calibration", 0.20, 0.10, 0.40, 0.25, None, 0.35, True),
    ("series:insee", "series", "calibration", 0.21, 0.17, 0.29, 0.22, None, 0.34, True),
    ("gain_expected", "mean", "calibration", 7.6, 2.7, 23.0, 7.6, None, 0.50, True),
    ("gain_realised", "mean", "calibration", 5.4, 0.5, 3.3, 1.3, None, 0.997, False),
    ("sme_lower", "bound", "calibration", 1, None, None, None, 0.58, None, True),
    ("mostly_in_progress", "bound", "calibration", 1, None, None, None, 0.02, None, False),
    ("view_technique", "proportion", "validation", 0.10, 0.20, 0.75, 0.40, None, 0.01, False),
    ("action_planned", "proportion", "validation", 0.91, 0.20, 0.80, 0.5, None, 0.99, False),
    ("roles_lower", "bound", "validation", 1, None, None, None, 0.01, None, False),
]  # fmt: skip
_PARAMS = ["bass_p", "skills_mean", "training_effect", "complementarity", "idf_share"]


def _write_folder(folder: Path) -> Path:
    """A calibration folder as aiadopt.calibration.pipeline writes it, small."""
    folder.mkdir(parents=True, exist_ok=True)
    cols = ["id", "kind", "use", "observed", "ppi_05", "ppi_95", "median", "p_statement_true",
            "percentile", "inside_90"]  # fmt: skip
    checks = pd.DataFrame(_CHECKS, columns=cols)
    checks["log_score"] = -2.0
    checks["log_score_prior"] = -3.0
    checks["log_score_naive"] = np.where(checks["use"] == "validation", -2.5, np.nan)
    checks.to_csv(folder / "fit_checks.csv", index=False)
    summary = {  # the share inside deliberately not the rows': the headline counts rows
        "calibration_figures": 9.0, "calibration_inside_90": 0.123,
        "calibration_log_score": -18.0, "calibration_log_score_prior": -27.0,
        "validation_figures": 3.0, "validation_inside_90": 0.0,
        "validation_log_score": -6.0, "validation_log_score_prior": -9.0,
        "validation_naive_figures": 2.0, "validation_log_score_on_naive_figures": -4.0,
        "validation_log_score_naive": -5.0,
    }  # fmt: skip
    (folder / "fit_summary.json").write_text(json.dumps(summary))
    ident = pd.DataFrame({
        "parameter": _PARAMS, "sampled": [True, True, True, True, False],
        "screen_score": [17.0, 5.0, 0.1, 0.1, 2.0],
        "prior_median": [0.0025, 0.4, 0.3, 0.0, 0.29],
        "prior_05": [0.0025 * math.exp(-1.5 * 1.645), 0.23, 0.1, -0.25, 0.15],
        "prior_95": [0.0025 * math.exp(1.5 * 1.645), 0.58, 0.5, 0.25, 0.48],
        "posterior_median": [0.005, 0.39, 0.31, 0.0, 0.29],
        "posterior_05": [0.001, 0.30, 0.12, -0.2, 0.15],
        "posterior_95": [0.02, 0.48, 0.49, 0.2, 0.48],
        "contraction": [0.45, 0.30, 0.02, 0.1, 0.0],
        "label": ["data-informed", "data-informed", "prior-driven", "prior-driven",
                  "prior-driven"],
        "source": "test",
    })  # fmt: skip
    ident.to_csv(folder / "identifiability.csv", index=False)
    pd.DataFrame({"a": ["bass_p", "skills_mean"], "b": ["skills_mean", "complementarity"],
                  "correlation": [-0.4, 0.3]}).to_csv(folder / "correlations.csv",
                                                      index=False)  # fmt: skip
    pd.DataFrame({"lever": ["training"], "drivers": ["training_effect, complementarity"],
                  "contractions": ["0.02, 0.10"], "label": ["prior-driven"]}).to_csv(
        folder / "levers.csv", index=False)  # fmt: skip
    rng = np.random.default_rng(7)
    draws = pd.DataFrame(rng.normal(size=(40, len(_PARAMS))), columns=_PARAMS)
    draws["bass_p"] = np.exp(draws["bass_p"]) * 0.003
    draws.insert(0, "draw", range(40))
    draws["nuisance:design_effect"] = 1.5
    draws.to_csv(folder / "posterior.csv", index=False)
    per = {p: {"rhat": 1.0 + 0.01 * i, "ess_bulk": 900.0 + 100 * i, "ess_tail": 1100.0,
               "tau": 20.0} for i, p in enumerate(_PARAMS[:4])}  # fmt: skip
    sampler = {
        "settings": {"n_firms": 500, "seed": 11},
        "active": _PARAMS[:2], "nuisance": ["design_effect"],
        "diagnostics": {"max_rhat": 1.03, "min_ess_bulk": 900.0, "min_ess_tail": 1100.0,
                        "max_tau": 20.0, "per_dimension": per},
        "runs": 120, "emulator_train": 100,
    }  # fmt: skip
    (folder / "sampler.json").write_text(json.dumps(sampler))
    return folder


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, vc.CalibrationReport]:
    folder = _write_folder(tmp_path_factory.mktemp("cal") / "fit")
    return folder, vc.write_calibration_report(folder, seconds=90.0)


def test_the_report_writes_every_file(written) -> None:
    folder, report = written
    expected = {vc.REPORT_FILE} | {f"{n}.{f}" for n in vc.CALIBRATION_FIGURES
                                   for f in ("png", "svg")}  # fmt: skip
    assert {p.name for p in report.paths} == expected
    for name in expected:
        assert (folder / name).stat().st_size > 0, name
    for name in vc.CALIBRATION_FIGURES:
        assert (folder / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert b"<svg" in (folder / f"{name}.svg").read_bytes()[:2000]
    assert not list(folder.glob("*.tmp*")), "a temporary file was left"


def test_the_headline_is_the_share_inside_among_calibration_rows(written) -> None:
    folder, report = written
    checks = pd.read_csv(folder / "fit_checks.csv")
    cal = checks[checks["use"] == "calibration"]
    share = cal["inside_90"].mean()
    assert report.headline == pytest.approx(share) == pytest.approx(7 / 9)
    text = (folder / vc.REPORT_FILE).read_text()
    first = text.splitlines()[2]
    assert first.startswith(f"**{share:.0%} of calibration figures inside")
    assert f"({int(cal['inside_90'].sum())} of {len(cal)})" in first
    assert "falls short of" in first  # 78% < 90%
    assert "12%" not in first  # not fit_summary.json's share


def test_the_report_lists_misses_first_and_validation_apart(written) -> None:
    folder, _ = written
    text = (folder / vc.REPORT_FILE).read_text()
    table = [line for line in text.splitlines() if line.startswith("| ")][2:]
    rows = [line for line in table if line.split(" | ")[1] in ("calibration", "validation")]
    inside = [line.rstrip(" |").split(" | ")[-2] for line in rows]
    n_miss = sum(1 for _, *rest in _CHECKS if not rest[-1])
    assert inside[:n_miss] == ["**NO**"] * n_miss and set(inside[n_miss:]) == {"yes"}
    assert len(rows) == len(_CHECKS)  # a "|" in an id does not break its row
    validation = text.split("## Validation")[1].split("##")[0]
    assert "0% of the 3 validation figures" in validation
    assert "-4.0 against -5.0 for the naive copy: the model does better" in validation
    misses = text.split("## Misses")[1].split("##")[0]
    assert "`gain_realised` (calibration, mean): study 5.4" in misses
    assert "the model is below the study (percentile 99.7)" in misses
    assert "`view_technique`" in misses and "the model is above the study" in misses
    assert "**below** the 1000 effective draws" in text and "Time: 1.5 min" in text


def test_fit_checks_figure_marks_exactly_the_misses(written) -> None:
    data = vc.load_calibration(written[0])
    fig = vc.plot_fit_checks(data)
    red = set()
    seen = []
    for ax in axes_of(fig):
        for tick in ax.get_yticklabels():
            seen.append(tick.get_text())
            if tick.get_color() == PALETTE["miss_text"]:
                red.add(tick.get_text())
    assert sorted(seen) == sorted(c[0] for c in _CHECKS)
    assert red == {c[0] for c in _CHECKS if not c[-1]}


def test_prior_scale_is_exact_for_normal_and_lognormal_priors() -> None:
    row = {"prior_05": 0.0025 * math.exp(-1.5 * 1.645), "prior_median": 0.0025,
           "prior_95": 0.0025 * math.exp(1.5 * 1.645)}  # fmt: skip
    z = vc.prior_scale(row, [0.0025 * math.exp(0.5 * 1.5 * 1.645), row["prior_05"], 0.0025])
    np.testing.assert_allclose(z, [0.5, -1.0, 0.0], atol=1e-9)
    normal = {"prior_05": -2.0, "prior_median": 1.0, "prior_95": 4.0}
    np.testing.assert_allclose(vc.prior_scale(normal, [-0.5, 7.0]), [-0.5, 2.0])


@pytest.mark.parametrize("name", ["fit_checks.csv", "fit_summary.json", "identifiability.csv",
                                  "correlations.csv", "levers.csv", "sampler.json",
                                  "posterior.csv"])  # fmt: skip
def test_a_missing_file_is_named_on_one_line(tmp_path: Path, name: str) -> None:
    folder = _write_folder(tmp_path / "fit")
    (folder / name).unlink()
    with pytest.raises(vc.CalibrationViewError) as info:
        vc.write_calibration_report(folder)
    message = str(info.value)
    assert name in message and str(folder) in message and "\n" not in message
    assert not (folder / vc.REPORT_FILE).exists() and not list(folder.glob("*.png"))


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    folder = _write_folder(tmp_path / "fit")
    checks = pd.read_csv(folder / "fit_checks.csv").drop(columns="inside_90")
    checks.to_csv(folder / "fit_checks.csv", index=False)
    pattern = r"fit_checks\.csv: missing column.*inside_90"
    with pytest.raises(vc.CalibrationViewError, match=pattern):
        vc.load_calibration(folder)


def test_the_cli_step_reports_a_broken_folder_in_one_line(tmp_path: Path, capsys) -> None:
    from aiadopt.cli.calibrate import _fit_report

    folder = _write_folder(tmp_path / "fit")
    (folder / "levers.csv").unlink()
    assert _fit_report(str(folder), 10.0) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "levers.csv" in err


def test_prior_scales_are_exact_for_the_packaged_priors() -> None:
    from aiadopt.calibration.priors import load_priors

    prior = load_priors().priors["bass_p"]
    lo, hi = prior.interval(0.9)
    mid = prior.interval(0.0)[0]  # the median of the prior, truncated to the range
    packaged = {"parameter": "bass_p", "prior_05": lo, "prior_median": mid, "prior_95": hi}
    edited = {**packaged, "parameter": "bass_q"}  # an interval that is not bass_q's prior
    scales, approximate = vc.prior_scales(pd.DataFrame([packaged, edited]))
    assert approximate == 1
    np.testing.assert_allclose(scales["bass_p"]([lo, mid, hi]), [-1.0, 0.0, 1.0], atol=1e-6)
    q = prior.interval(0.5)[1]  # the 75th percentile
    np.testing.assert_allclose(scales["bass_p"]([q]), [0.6744897501960817 / 1.6448536269514722],
                               atol=1e-6)  # fmt: skip
