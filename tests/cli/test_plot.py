"""``aiadopt plot`` and ``--plot``: the figures of a folder; ``--fit``: its calibration fit
table, computed visibly once and saved in the folder, then read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from aiadopt.calibration.report import FIT_STAMP_FILE
from aiadopt.experiments.store import load_point

from .helpers import run_cli


def test_cli_plot_into_the_folder_says_the_fit_is_missing(run_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "r"
    shutil.copytree(run_dir, folder)
    code, stdout, stderr = run_cli(["plot", str(folder)])
    assert code == 0, stderr
    assert (folder / "plot" / "gains.svg").is_file()  # the default: RESULTS_DIR/plot/
    assert "stage_shares.png" in stdout
    assert f"aiadopt plot {folder} --fit" in stdout  # how to compute the missing fit
    assert not (folder / "fit_report.csv").exists()


@pytest.mark.slow
def test_cli_plot_fit_computes_saves_then_reuses_the_table(run_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "r"
    shutil.copytree(run_dir, folder)
    argv = ["plot", str(folder), "--out", str(tmp_path / "p"), "--quiet"]
    code, stdout, stderr = run_cli([*argv, "--fit", "--fit-replicates", "2"])
    assert code == 0, stderr
    assert "Computing the calibration fit: 2 sampled surveys" in stdout
    assert (folder / "fit_report.csv").is_file()
    assert (tmp_path / "p" / "fit.png").is_file()
    saved = (folder / "fit_report.csv").read_bytes()
    code, stdout, stderr = run_cli(argv)  # no --fit: the saved table is read, not computed
    assert code == 0, stderr
    assert "Computing" not in stdout and "fit.png" in stdout
    assert (folder / "fit_report.csv").read_bytes() == saved


def test_cli_plot_says_a_stale_fit_table_is_not_drawn(run_dir_with_fit: Path, tmp_path: Path):
    """A fit table of other parameters than the folder's (here: another run's table copied in)
    is not drawn, and plot says why and how to recompute it."""
    folder = tmp_path / "r"
    shutil.copytree(run_dir_with_fit, folder)
    stamp = folder / FIT_STAMP_FILE
    stamp.write_text(stamp.read_text().replace(json.loads(stamp.read_text())["param_hash"],
                                               "0123456789ab"))  # fmt: skip
    code, stdout, stderr = run_cli(["plot", str(folder), "--out", str(tmp_path / "p")])
    assert code == 0, stderr
    assert not (tmp_path / "p" / "fit.png").exists()
    assert "Calibration fit not drawn" in stdout and "0123456789ab" in stdout
    assert f"aiadopt plot {folder} --fit" in stdout


@pytest.mark.slow
def test_cli_plot_fit_of_an_experiment_fits_its_parameters(experiment_dir: Path, tmp_path: Path):
    """--fit on an experiment's folder fits the experiment's point estimate (parameters.toml),
    not the shipped fit: the table's stamp names the folder's parameters and it is drawn."""
    folder = tmp_path / "e"
    shutil.copytree(experiment_dir, folder)
    argv = ["plot", str(folder), "--out", str(tmp_path / "p"), "--quiet", "--fit",
            "--fit-replicates", "2"]  # fmt: skip
    code, stdout, stderr = run_cli(argv)
    assert code == 0, stderr
    assert "model runs of the experiment's parameters (parameters.toml)" in stdout
    stamp = json.loads((folder / FIT_STAMP_FILE).read_text())
    assert stamp["param_hash"] == load_point(folder).hash()
    assert (tmp_path / "p" / "fit.png").is_file()


def test_cli_plot_names_a_folder_that_is_not_results(tmp_path: Path) -> None:
    code, _, err = run_cli(["plot", str(tmp_path)])
    assert code == 2
    assert err.startswith("aiadopt: error: ")
    assert str(tmp_path) in err and "trajectories.parquet" in err


def test_cli_run_with_plot(tmp_path: Path) -> None:
    out = tmp_path / "r"
    code, stdout, stderr = run_cli(["run", "--firms", "300", "--until", "2025-04", "--out",
                                 str(out), "--quiet", "--plot"])  # fmt: skip
    assert code == 0, stderr
    names = {p.name for p in (out / "plot").iterdir()}
    assert {"deployed_views.png", "stage_shares.svg"} <= names
    assert "Wrote 5 figures" in stdout


def test_cli_experiment_with_plot(tmp_path: Path) -> None:
    out = tmp_path / "e"
    code, _, stderr = run_cli(["experiment", "baseline", "training", "--replicates", "2",
                            "--workers", "1", "--firms", "150", "--until", "2025-06", "--out",
                            str(out), "--quiet", "--plot"])  # fmt: skip
    assert code == 0, stderr
    names = {p.stem for p in (out / "plot").iterdir()}
    # the experiments' default metrics keep enthusiasm and use-case interest: every figure
    assert {"stage_shares", "share_at_scale", "effects", "gains", "deployed_views",
            "hype_cycle"} <= names  # fmt: skip
