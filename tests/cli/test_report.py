"""``aiadopt report``: from a results folder, or from a run made on the spot."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aiadopt.model import Params

from .helpers import run_cli


def test_cli_report_of_a_run_folder(run_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "r"
    shutil.copytree(run_dir, folder)
    code, stdout, stderr = run_cli(["report", str(folder)])
    assert code == 0, stderr
    assert (folder / "report" / "report.html").is_file()  # the default: RESULTS_DIR/report/
    assert "report.html" in stdout
    assert f"aiadopt report {folder} --fit" in stdout


def test_cli_report_errors(tmp_path: Path) -> None:
    code, _, err = run_cli(["report", str(tmp_path / "missing"), "--out", str(tmp_path / "rep")])
    assert code == 2
    assert err.startswith("aiadopt: error: ") and "no such folder" in err


def test_cli_report_without_results_runs_the_model_into_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aiadopt.experiments import single

    small = Params(n_firms=150, horizon="2025-06")
    monkeypatch.setattr(single, "shipped_params", lambda: (small, "test parameters"))
    out = tmp_path / "rep"
    code, stdout, stderr = run_cli(["report", "--out", str(out), "--seed", "4", "--quiet", "--fit",
                                 "--fit-replicates", "2"])  # fmt: skip
    assert code == 0, stderr
    assert "No results folder given" in stdout
    assert (out / "trajectories.parquet").is_file() and (out / "fit_report.csv").is_file()
    text = (out / "report.html").read_text(encoding="utf-8")
    assert "test parameters" in text
    assert "No calibration fit" not in text


def test_cli_report_of_a_discovery_and_of_a_portfolio(discovery, portfolio, tmp_path: Path):
    for folder, title, said in (
        (discovery.out, "Scenario discovery", "coverage"),
        (portfolio.paths["figure"].parent, "Lever portfolios", "Pareto front"),
    ):
        out = tmp_path / folder.name
        code, stdout, stderr = run_cli(["report", str(folder), "--out", str(out)])
        assert code == 0, stderr
        text = (out / "report.html").read_text(encoding="utf-8")
        assert f"<title>{title}" in text and said in text
        assert "Calibration fit" not in stdout and "--fit" not in stdout
