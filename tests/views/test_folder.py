"""Loading a results folder: a run's, an experiment's, and the fit table saved beside them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from aiadopt.calibration.report import FIT_STAMP_FILE, FIT_TABLE_FILE, fit_report
from aiadopt.experiments.store import load_point
from aiadopt.model import Params
from aiadopt.views.figures import draw_figures
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
    assert data.meta["version"]  # the provenance key, as the footers read it
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
    assert data.params == load_point(experiment_dir) and data.params is not None
    assert data.param_hash == data.params.hash()  # what its fit table must be stamped with


def test_the_fit_table_of_the_folder_is_read_exactly(run_dir_with_fit: Path) -> None:
    """The folder's fit_report.csv (written by save_fit_table with exact floats) reads back as
    the table computed, and the figures say where it comes from."""
    folder = run_dir_with_fit
    data = load_results_folder(folder)
    assert data.fit_table is not None and len(data.fit_table) and data.fit_problem is None
    params = Params.from_toml(folder / "run.toml")
    computed = fit_report(params, replicates=2, seeds=[0, 1], n_firms=400, progress=False).table
    for column in ("study_value", "model_median", "model_p05", "model_p95"):
        assert data.fit_table[column].equals(computed[column].astype(float)), column
    assert str(folder / FIT_TABLE_FILE) in data.fit_source()


def test_a_fit_table_of_other_parameters_is_not_used(run_dir_with_fit: Path, tmp_path: Path):
    """A stale fit table (stamped with other parameters than the folder's, or not stamped) is
    neither read nor drawn, and the reason names it and the fix."""
    folder = tmp_path / "stale"
    shutil.copytree(run_dir_with_fit, folder)
    stamp_file = folder / FIT_STAMP_FILE
    stamp = json.loads(stamp_file.read_text())
    stamp["param_hash"] = "0123456789ab"
    stamp_file.write_text(json.dumps(stamp))
    for _ in range(2):  # a stamp of other parameters, then no stamp at all
        data = load_results_folder(folder)
        assert data.fit_table is None
        assert str(folder / FIT_TABLE_FILE) in data.fit_problem
        assert data.param_hash in data.fit_problem and "--fit" in data.fit_problem
        assert data.fit_problem in data.fit_source()
        figures, skipped = draw_figures(data)
        assert "fit" not in figures and data.fit_problem in skipped["fit"]
        stamp_file.unlink(missing_ok=True)
    assert "no stamp" in data.fit_problem


def test_an_experiment_folder_knows_when_its_interventions_start(experiment_dir) -> None:
    data = load_results_folder(experiment_dir)
    # the built-in strategy scenario acts from June 2025; the baseline has no intervention
    assert data.meta["intervention_starts"] == {"strategy": "2025-06"}
