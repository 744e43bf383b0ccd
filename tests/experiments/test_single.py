"""A single run saved to a folder (aiadopt.experiments.single.run_and_save) and the parameter
listing and file (aiadopt.experiments.params_file)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
import pytest

from aiadopt import __version__
from aiadopt.calibration.report import FIT_STAMP_FILE, FIT_TABLE_FILE, load_fit_table
from aiadopt.experiments.params_file import format_parameters, write_params_file
from aiadopt.experiments.single import (
    OUTPUT_FILES,
    STAGE_METRICS,
    RunError,
    read_parquet_metadata,
    run_and_save,
)
from aiadopt.model import AdoptionModel, Params
from aiadopt.model.params import shipped_params

SMALL = {"seed": 3, "until": "2023-06", "progress": False, "n_firms": 60}


def test_outputs_carry_the_provenance_and_match_the_model(tmp_path: Path) -> None:
    seen = {}

    def figures(tidy: pd.DataFrame, meta: dict[str, str]) -> dict[str, bytes]:
        seen.update(meta, rows=len(tidy))
        return {"stage_shares.png": b"png"}

    result = run_and_save(out_dir=tmp_path, figures=figures, **SMALL)
    params = shipped_params()[0].replace(n_firms=60)
    assert result.params == params and result.param_hash == params.hash()
    assert set(result.paths) == {"parquet", "csv", "toml", "png"}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*OUTPUT_FILES.values(), "stage_shares.png"]
    )
    meta = read_parquet_metadata(result.paths["parquet"])
    assert meta["version"] == __version__ and meta["param_hash"] == params.hash()
    shipped_source = shipped_params()[1]  # a fit or hand-set values, as the file says
    assert meta["seed"] == "3" and meta["params_source"].startswith(shipped_source)
    assert Params.from_toml(result.paths["toml"]) == params
    toml_meta = tomllib.loads(result.paths["toml"].read_text())["meta"]
    assert toml_meta["param_hash"] == params.hash() and toml_meta["seed"] == 3
    assert toml_meta["outputs"] == [*OUTPUT_FILES.values(), "stage_shares.png"]
    # the hook got the tidy frame and the metadata as text
    assert seen["rows"] == len(result.tidy) and seen["param_hash"] == params.hash()
    assert seen["seed"] == "3" and seen["until"] == "2023-06"
    # the same trajectories as the model run directly
    with AdoptionModel(params, seed=3) as model:
        model.run(until="2023-06")
        direct = model.tidy()
    pd.testing.assert_frame_equal(result.tidy, direct)
    assert set(result.tidy["metric"]) >= set(STAGE_METRICS)
    assert "stage" in result.summary().lower() and "stage_shares.png" in result.summary()


def test_a_failing_figure_leaves_no_output(tmp_path: Path) -> None:
    def figures(tidy, meta):
        raise RuntimeError("cannot draw")

    with pytest.raises(RuntimeError, match="cannot draw"):
        run_and_save(out_dir=tmp_path / "out", figures=figures, **SMALL)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_fit_saves_the_fit_table_with_the_run(tmp_path: Path) -> None:
    result = run_and_save(out_dir=tmp_path, fit=True, **{**SMALL, "until": "2025-03"})
    assert result.paths["fit"] == tmp_path / FIT_TABLE_FILE
    table = pd.read_csv(result.paths["fit"])
    assert {"calibration", "validation"} == set(table["section"])
    assert table["replicates"].max() == 20
    assert load_fit_table(tmp_path, param_hash=result.param_hash) is not None
    # a second run into the folder, without fit: the old fit table (other parameters) goes
    run_and_save(out_dir=tmp_path, **{**SMALL, "n_firms": 61})
    assert not (tmp_path / FIT_TABLE_FILE).exists() and not (tmp_path / FIT_STAMP_FILE).exists()


def test_bad_requests_are_run_errors(tmp_path: Path) -> None:
    with pytest.raises(RunError, match="before the start"):
        run_and_save(out_dir=tmp_path, **{**SMALL, "until": "2020-01"})
    with pytest.raises(RunError, match="YYYY-MM"):
        run_and_save(out_dir=tmp_path, **{**SMALL, "until": "2023-6"})
    (tmp_path / "file").write_text("")
    with pytest.raises(RunError, match="not a folder"):
        run_and_save(out_dir=tmp_path / "file", **SMALL)


def test_parameter_listing_and_file(tmp_path: Path) -> None:
    text = format_parameters()
    assert text.splitlines()[0].endswith(f"aiadopt run uses: {shipped_params()[1]}.")
    assert "bass_q = " in text
    path, source = write_params_file(tmp_path / "p.toml")
    assert source == shipped_params()[1]
    assert Params.from_toml(path) == shipped_params()[0]
    assert [p.name for p in tmp_path.iterdir()] == ["p.toml"]
    with pytest.raises(FileExistsError):
        write_params_file(path)
    write_params_file(path, force=True)
