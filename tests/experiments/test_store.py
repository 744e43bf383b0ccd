"""The experiment's folder (aiadopt.experiments.store): the manifest and its older keys, the
checks before resuming, filing outcomes, the lock, the point estimate."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from aiadopt.experiments.runner import RunOutcome, RunSpec, decode_parquet, encode_parquet
from aiadopt.experiments.store import (
    MANIFEST,
    ExperimentError,
    Store,
    load_manifest,
    load_point,
    manifest_differences,
)
from aiadopt.model import Params

MANIFEST_DOC = {"format": 1, "version": "1.0", "param_hash": "abc", "root_seed": 42,
                "replicates": 2, "scenarios": [{"name": "baseline"}]}  # fmt: skip


def _spec(replicate: int) -> RunSpec:
    return RunSpec("baseline", replicate, seed=replicate, params=Params(), interventions=(),
                   until="2024-01", metrics=None, meta={"replicate": replicate})  # fmt: skip


def test_an_older_manifest_is_read_under_the_provenance_keys(tmp_path: Path) -> None:
    old = {"aiadopt_version": "0.9", "parameters": {"source": "shipped", "hash": "abc"}}
    (tmp_path / MANIFEST).write_text(json.dumps(old))
    assert load_manifest(tmp_path) == {"version": "0.9", "params_source": "shipped",
                                       "param_hash": "abc"}  # fmt: skip
    with pytest.raises(ExperimentError, match="no experiment there"):
        load_manifest(tmp_path / "nope")


def test_manifest_differences_name_each_changed_key() -> None:
    new = {**MANIFEST_DOC, "replicates": 1, "scenarios": [{"name": "baseline", "x": 1}]}
    assert manifest_differences(MANIFEST_DOC, new) == [
        "replicates: 2 there, 1 now (an experiment's replicates can be extended, not reduced: "
        "ask for as many or more)",
        "scenarios: the definition of baseline changed",
    ]
    assert manifest_differences(MANIFEST_DOC, {**MANIFEST_DOC, "replicates": 3}) == []
    assert manifest_differences(MANIFEST_DOC, dict(MANIFEST_DOC)) == []


def test_a_folder_of_something_else_or_another_experiment_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ExperimentError, match="not empty and holds no experiment"):
        Store(tmp_path).open(MANIFEST_DOC)
    out = tmp_path / "exp"
    with Store(out) as store:
        assert store.open(MANIFEST_DOC) is False  # new
    with Store(out) as store:
        assert store.open(MANIFEST_DOC) is True  # resumed
    with pytest.raises(ExperimentError, match="replicates: 2 there, 1 now"), Store(out) as store:
        store.open({**MANIFEST_DOC, "replicates": 1})
    with Store(out) as store:  # more replicates: extended in place
        assert store.open({**MANIFEST_DOC, "replicates": 5}) is True
        assert store.extended_from == 2


def test_a_locked_folder_is_refused(tmp_path: Path) -> None:
    with Store(tmp_path) as first:
        first.open(MANIFEST_DOC)
        with pytest.raises(ExperimentError, match="locked"):
            Store(tmp_path).open(MANIFEST_DOC)


def test_outcomes_are_filed_as_runs_or_failures(tmp_path: Path) -> None:
    frame = pd.DataFrame({"value": [0.5, 0.25]})
    good = RunOutcome("baseline", 0, 0, encode_parquet(frame, {"seed": 0}))
    bad = RunOutcome("baseline", 1, 1, None, error="boom", traceback="Traceback ...")
    with Store(tmp_path) as store:
        store.open(MANIFEST_DOC)
        filed = list(store.file_outcomes([good, bad], [_spec(0), _spec(1)]))
        assert filed == [good, bad]
        assert store.completed([("baseline", 0), ("baseline", 1)]) == {("baseline", 0)}
        pd.testing.assert_frame_equal(
            decode_parquet(store.run_path("baseline", 0).read_bytes()), frame
        )
        [failure] = store.failures()
        assert failure["error"] == "boom" and failure["replicate"] == 1  # the spec's meta
        # the run succeeds on resume: its failure record goes
        again = RunOutcome("baseline", 1, 1, encode_parquet(frame, {}))
        list(store.file_outcomes([again], [_spec(1)]))
        assert store.failures() == []


def test_the_point_estimate_is_saved_and_read_back(tmp_path: Path) -> None:
    assert load_point(tmp_path) is None  # a folder from before it was saved
    point = Params(n_firms=123)
    with Store(tmp_path) as store:
        store.open(MANIFEST_DOC)
        store.write_point(point)
    assert load_point(tmp_path) == point
