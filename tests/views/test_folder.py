"""Loading a results folder: a run's, an experiment's, and the fit table saved beside them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aiadopt.calibration.report import FIT_TABLE_FILE
from aiadopt.views.folder import ResultsError, load_results_folder


def test_a_folder_that_holds_no_results_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ResultsError, match="no such folder"):
        load_results_folder(tmp_path / "nope")
    with pytest.raises(ResultsError, match=r"manifest\.json.*trajectories\.parquet") as info:
        load_results_folder(tmp_path)
    assert str(tmp_path) in str(info.value)


def test_a_run_folder(run_dir: Path) -> None:
    data = load_results_folder(run_dir)
    assert data.kind == "run"
    assert data.meta["seed"] == 5 and data.params is not None
    assert data.meta["aiadopt_version"]  # the footers read it under this name
    assert data.scenarios == ["run"]
    assert data.fit_table is None
    assert "not in the results folder" in data.fit_source()


def test_an_experiment_folder(experiment_dir: Path) -> None:
    data = load_results_folder(experiment_dir)
    assert data.kind == "experiment"
    assert data.scenarios == ["baseline", "strategy"]
    assert data.summary is not None and len(data.summary)
    assert data.meta["root_seed"] == 42 and data.meta["replicates"] == 2
    assert len(data.meta["param_hash"]) == 12


def test_the_fit_table_of_the_folder_is_read_exactly(run_dir: Path, tmp_path: Path) -> None:
    """The folder's fit_report.csv (written by save_fit_table with exact floats) reads back as
    the table computed, and the figures say where it comes from."""
    from aiadopt.calibration.report import fit_report, save_fit_table
    from aiadopt.model import Params

    folder = tmp_path / "with_fit"
    shutil.copytree(run_dir, folder)
    save_fit_table(folder, Params(n_firms=400), replicates=2, n_firms=400, progress=False)
    data = load_results_folder(folder)
    assert data.fit_table is not None and len(data.fit_table)
    computed = fit_report(Params(n_firms=400), replicates=2, seeds=[0, 1], progress=False).table
    for column in ("study_value", "model_median", "model_p05", "model_p95"):
        assert data.fit_table[column].equals(computed[column].astype(float)), column
    assert str(folder / FIT_TABLE_FILE) in data.fit_source()
