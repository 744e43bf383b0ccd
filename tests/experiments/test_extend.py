"""Research ergonomics of an experiment's folder (issue 14, point 6): more replicates extend it
in place, and its runs table carries the parameters that vary, to join in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from aiadopt.experiments import ExperimentError, execute_experiment, load_results
from aiadopt.model.params import shipped_params

from .conftest import SMALL

SCENARIOS = ["baseline", "training"]


def _files(out: Path) -> dict[str, tuple[bytes, int]]:
    """Every run file's bytes and modification time."""
    return {
        str(p.relative_to(out)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted((out / "runs").rglob("*.parquet"))
    }


def test_more_replicates_extend_the_experiment_in_place(tmp_path: Path) -> None:
    """Asking for 3 where 2 exist runs only replicate 2 of each scenario; replicates 0-1 are
    left as they were, bit for bit, and replicate 2 is the one a 3-replicate experiment has
    (its seed and parameters do not depend on how many replicates there are)."""
    out = tmp_path / "exp"
    first = execute_experiment(SCENARIOS, replicates=2, workers=1, out=out, **SMALL)
    before = _files(out)
    extended = execute_experiment(SCENARIOS, replicates=3, workers=1, out=out, **SMALL)
    assert (extended.ran, extended.resumed) == (2, 4) and extended.complete
    after = _files(out)
    assert {k: v for k, v in after.items() if k in before} == before
    assert sorted(set(after) - set(before)) == ["runs/baseline/0002.parquet",
                                               "runs/training/0002.parquet"]  # fmt: skip
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["replicates"] == 3
    assert [(e["from"], e["to"]) for e in manifest["extended"]] == [(2, 3)]
    results = load_results(out)
    old = results[results["replicate"] < 2].reset_index(drop=True)
    pd.testing.assert_frame_equal(old, first.results)
    fresh = execute_experiment(SCENARIOS, replicates=3, workers=1, out=tmp_path / "fresh",
                               **SMALL)  # fmt: skip
    pd.testing.assert_frame_equal(results, fresh.results)
    assert set(extended.summary["n_pairs"]) >= {3}
    again = execute_experiment(SCENARIOS, replicates=3, workers=1, out=out, **SMALL)
    assert again.ran == 0 and again.resumed == 6


def test_fewer_replicates_or_another_change_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "exp"
    execute_experiment(["baseline"], replicates=2, workers=1, out=out, **SMALL)
    with pytest.raises(ExperimentError, match="replicates: 2 there, 1 now"):
        execute_experiment(["baseline"], replicates=1, workers=1, out=out, **SMALL)
    with pytest.raises(ExperimentError, match="root_seed: 42 there, 7 now"):
        execute_experiment(["baseline"], replicates=3, seed=7, workers=1, out=out, **SMALL)
    assert json.loads((out / "manifest.json").read_text())["replicates"] == 2


def test_the_runs_table_joins_the_parameters_in_one_line(tmp_path: Path) -> None:
    """runs.csv: one line per run with every swept lever and every parameter that differs
    between runs; the README's line joins it to the results."""
    sweep = tmp_path / "sweep.toml"
    sweep.write_text(
        'name = "s"\ndescription = "d"\n'
        '[[interventions]]\ntype = "training"\nstart = "2025-06"\nshare = 0.5\n'
        '[[sweep]]\nlever = "intervention.training.share"\nvalues = [0.2, 0.8]\n'
        '[[sweep]]\nlever = "bass_q"\nvalues = [0.3, 0.5]\n'
    )
    out = tmp_path / "exp"
    exp = execute_experiment(["baseline", sweep], replicates=2, workers=1, out=out,
                             parameter_set="none", **SMALL)  # fmt: skip
    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 10
    assert list(runs.columns[-2:]) == ["intervention.training.share", "bass_q"]
    point = runs.set_index(["scenario", "replicate"])
    assert point.loc[("s[share=0.8,bass_q=0.3]", 1), "intervention.training.share"] == 0.8
    assert point.loc[("s[share=0.8,bass_q=0.3]", 1), "bass_q"] == 0.3
    assert pd.isna(point.loc[("baseline", 0), "intervention.training.share"])
    assert point.loc[("baseline", 0), "bass_q"] == shipped_params()[0].bass_q
    # the one line of the README
    joined = pd.read_parquet(out / "results.parquet").merge(
        pd.read_csv(out / "runs.csv"), on=["scenario", "replicate", "seed"])
    assert len(joined) == len(exp.results)
    scaled = joined[(joined["metric"] == "stage_share.scaled") & (joined["group"] == "all")]
    assert scaled.groupby("bass_q")["value"].mean().is_monotonic_increasing
