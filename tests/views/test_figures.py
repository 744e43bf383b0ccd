"""Every figure of a results folder, drawn and saved (``aiadopt plot``): none runs a model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from aiadopt.calibration import report as calibration_report
from aiadopt.experiments.single import read_parquet_metadata
from aiadopt.model import AdoptionModel
from aiadopt.views.figures import FIGURES, plot_results
from aiadopt.views.report import write_report


def _refuse(*_args, **_kwargs):
    raise AssertionError("a view ran a model")


def refuse_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """Building a model or computing a fit table raises from here on."""
    monkeypatch.setattr(AdoptionModel, "__init__", _refuse)
    monkeypatch.setattr(calibration_report, "fit_report", _refuse)
    monkeypatch.setattr(calibration_report, "save_fit_table", _refuse)


def test_plot_a_run_folder_without_a_fit(run_dir: Path, tmp_path: Path) -> None:
    out = plot_results(run_dir, tmp_path / "figs")
    left_out = {"effects", "effect_distribution", "dose_response", "dose_heatmap", "fit"}
    expected = set(FIGURES) - left_out
    assert set(out.paths) == expected
    for name in expected:
        assert (tmp_path / "figs" / f"{name}.png").is_file()
        assert (tmp_path / "figs" / f"{name}.svg").is_file()
    assert set(out.skipped) == left_out
    assert "one scenario" in out.skipped["effects"]
    assert "one scenario" in out.skipped["effect_distribution"]
    assert "no one-lever sweep" in out.skipped["dose_response"]
    assert "fit_report.csv is not in the results folder" in out.skipped["fit"]
    assert "Left out:" in out.summary()
    with Image.open(tmp_path / "figs" / "gains.png") as png:
        chunks = dict(png.text)
    stamp = read_parquet_metadata(run_dir / "trajectories.parquet")
    for key in ("version", "param_hash", "seed", "params_source"):  # aiadopt.files.provenance
        assert chunks[f"aiadopt.{key}"] == stamp[key]
    assert chunks["aiadopt.results"] == str(run_dir)


def test_plot_draws_the_fit_saved_in_the_folder(run_dir_with_fit: Path, tmp_path: Path) -> None:
    folder = tmp_path / "with_fit"
    shutil.copytree(run_dir_with_fit, folder)
    out = plot_results(folder, folder / "plot", formats=("png",))
    assert "fit" in out.paths and "fit" not in out.skipped
    assert sorted(p.name for p in (folder / "plot").iterdir()) == sorted(
        f"{name}.png" for name in out.paths
    )


def test_plot_an_experiment_folder(experiment_dir: Path, tmp_path: Path) -> None:
    out = plot_results(experiment_dir, tmp_path / "f", formats=("png",))
    assert set(out.paths) == set(FIGURES) - {"fit", "dose_response", "dose_heatmap"}
    assert out.kind == "experiment"


def test_drawing_a_folder_runs_no_model(
    run_dir_with_fit: Path, experiment_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    """Every figure and the report of a run's folder (with its fit table) and of an
    experiment's folder are drawn from the saved tables alone."""
    folder = run_dir_with_fit
    refuse_models(monkeypatch)
    with pytest.raises(AssertionError, match="a view ran a model"):
        AdoptionModel()  # the guard is on
    for source in (folder, experiment_dir):
        out = plot_results(source, tmp_path / source.name / "plot", formats=("png",))
        assert out.paths
        assert write_report(source, tmp_path / source.name / "report").path.is_file()
    assert "fit" in plot_results(folder, tmp_path / "again", formats=("png",)).paths


def test_the_dashboards_charts_run_no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """The dashboard draws a live run's snapshot: once taken (the runs made by
    aiadopt.experiments.live), its charts and table build no model."""
    pytest.importorskip("solara", reason="solara is not installed (extra 'dashboard')")
    from aiadopt.experiments.live import LiveModel
    from aiadopt.views import dashboard

    model = LiveModel(n_firms=300, seed=1, tripartite_share=1.0)
    model.run(until="2025-06")
    snap = model.snapshot()
    refuse_models(monkeypatch)
    for kind in ("stages", "scale", "views"):
        assert dashboard.chart(snap, kind).axes
    assert "without levers" in dashboard.readout_html(snap)
