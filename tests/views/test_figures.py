"""Every figure of a results folder, drawn and saved (``aiadopt plot``): none runs a model."""

from __future__ import annotations

import shutil
from pathlib import Path

from aiadopt.views.figures import FIGURES, plot_results


def test_plot_a_run_folder_without_a_fit(run_dir: Path, tmp_path: Path) -> None:
    out = plot_results(run_dir, tmp_path / "figs")
    expected = set(FIGURES) - {"effects", "fit"}
    assert set(out.paths) == expected
    for name in expected:
        assert (tmp_path / "figs" / f"{name}.png").is_file()
        assert (tmp_path / "figs" / f"{name}.svg").is_file()
    assert set(out.skipped) == {"effects", "fit"}
    assert "one scenario" in out.skipped["effects"]
    assert "fit_report.csv is not in the results folder" in out.skipped["fit"]
    assert "Left out:" in out.summary()


def test_plot_draws_the_fit_saved_in_the_folder(run_dir: Path, tmp_path: Path, fit_table) -> None:
    folder = tmp_path / "with_fit"
    shutil.copytree(run_dir, folder)
    fit_table.to_csv(folder / "fit_report.csv", index=False)
    out = plot_results(folder, folder / "plot", formats=("png",))
    assert "fit" in out.paths and "fit" not in out.skipped
    assert sorted(p.name for p in (folder / "plot").iterdir()) == sorted(
        f"{name}.png" for name in out.paths
    )


def test_plot_an_experiment_folder(experiment_dir: Path, tmp_path: Path) -> None:
    out = plot_results(experiment_dir, tmp_path / "f", formats=("png",))
    assert set(out.paths) == set(FIGURES) - {"fit"}
    assert out.kind == "experiment"
