"""``aiadopt plot`` and ``--plot``: the figures of a folder; ``--fit``: its calibration fit
table, computed visibly once and saved in the folder, then read."""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import pytest

from aiadopt.cli import main


def _cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def test_cli_plot_into_the_folder_says_the_fit_is_missing(run_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "r"
    shutil.copytree(run_dir, folder)
    code, stdout, stderr = _cli(["plot", str(folder)])
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
    code, stdout, stderr = _cli([*argv, "--fit", "--fit-replicates", "2"])
    assert code == 0, stderr
    assert "Computing the calibration fit: 2 sampled surveys" in stdout
    assert (folder / "fit_report.csv").is_file()
    assert (tmp_path / "p" / "fit.png").is_file()
    saved = (folder / "fit_report.csv").read_bytes()
    code, stdout, stderr = _cli(argv)  # no --fit: the saved table is read, not computed
    assert code == 0, stderr
    assert "Computing" not in stdout and "fit.png" in stdout
    assert (folder / "fit_report.csv").read_bytes() == saved


def test_cli_plot_names_a_folder_that_is_not_results(tmp_path: Path) -> None:
    code, _, err = _cli(["plot", str(tmp_path)])
    assert code == 2
    assert err.startswith("aiadopt: error: ")
    assert str(tmp_path) in err and "trajectories.parquet" in err


def test_cli_run_with_plot(tmp_path: Path) -> None:
    out = tmp_path / "r"
    code, stdout, stderr = _cli(["run", "--firms", "300", "--until", "2025-04", "--out",
                                 str(out), "--quiet", "--plot"])  # fmt: skip
    assert code == 0, stderr
    names = {p.name for p in (out / "plot").iterdir()}
    assert {"deployed_views.png", "stage_shares.svg"} <= names
    assert "Wrote 5 figures" in stdout


def test_cli_experiment_with_plot(tmp_path: Path) -> None:
    out = tmp_path / "e"
    code, _, stderr = _cli(["experiment", "baseline", "training", "--replicates", "2",
                            "--workers", "1", "--firms", "150", "--until", "2025-06", "--out",
                            str(out), "--quiet", "--plot"])  # fmt: skip
    assert code == 0, stderr
    names = {p.stem for p in (out / "plot").iterdir()}
    # the experiments' default metrics keep enthusiasm and use-case interest: every figure
    assert {"stage_shares", "share_at_scale", "effects", "gains", "deployed_views",
            "hype_cycle"} <= names  # fmt: skip
