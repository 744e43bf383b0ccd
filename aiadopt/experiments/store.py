"""The experiment's folder: one Parquet file per run, written atomically; resumable.

Layout of ``OUT``::

    OUT/manifest.json                         what the experiment is (checked on resume)
    OUT/parameters.toml                       its point estimate (the parameters of its fit
                                              table, ``aiadopt plot/report --fit``)
    OUT/runs/<scenario>/<replicate>.parquet   one run's tidy rows (scenario, replicate, seed,
                                              date, metric, group, value) + metadata
    OUT/failures/<scenario>__<replicate>.json a failed run: its error and traceback
    OUT/results.parquet                       every run's rows together (written at the end)
    OUT/summary.csv                           the summary table (written at the end)
    OUT/runs.csv                              one line per run: seed, parameter draw, status

A run's file is written atomically (:func:`aiadopt.files.write_atomic`: a hidden temporary
name in the same folder, flushed to disk, renamed): it is there whole or not at all, so an
experiment interrupted at any point (Ctrl-C, a killed worker, a killed process) and started
again with the same command finds every finished run and runs only the missing ones; none is
lost or run twice.  A failed run is recorded under ``failures/`` and tried again when the
experiment is resumed (its record is removed once it succeeds).

The manifest says what the experiment is: its provenance (:func:`aiadopt.files.provenance`:
``version``, ``param_hash``, ``seed``, ``params_source``), scenarios and their full
definitions, replicates, root seed, firms, last month and metrics kept.
Resuming into a folder whose manifest differs is an :class:`ExperimentError` naming each
difference, but for more replicates: asking for 25 where 20 were asked extends the experiment
in place (the manifest is rewritten with 25, and an ``extended`` entry says when), and only
the 5 new replicates run.  Replicate k's seed and parameter vector do not depend on how many
replicates there are (:mod:`aiadopt.experiments.seeds`), so replicates 0-19 stay as they
are, bit for bit, and the new ones are paired with them (common random numbers).
How the runs execute (workers, pool or Dask) is not part of it: results are the
same either way, so an experiment started on a pool can be finished on a cluster.

A lock (:func:`aiadopt.files.locked`) stops two experiments writing the same folder; a lock
left by a killed experiment is taken over.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..files import LOCK_NAME, TEMP_GLOB, FolderLocked, locked, write_atomic
from ..model import Params
from .runner import RESULT_COLUMNS, RunOutcome, RunSpec, encode_parquet

__all__ = ["POINT_FILE", "ExperimentError", "Store", "load_manifest", "load_point", "load_results"]

MANIFEST = "manifest.json"
RUNS_DIR = "runs"
FAILURES_DIR = "failures"
RESULTS_FILE = "results.parquet"
SUMMARY_FILE = "summary.csv"
RUNS_INDEX = "runs.csv"
LOCK_FILES = (LOCK_NAME, ".lock")
"""The lock file, and the one of earlier versions (left in their folders)."""
POINT_FILE = "parameters.toml"
"""The experiment's point estimate with its number of firms: the parameters its fit table
(:func:`aiadopt.calibration.report.save_fit_table`) surveys."""
FORMAT = 1

CHECKED_KEYS = (
    "format",
    "version",
    "param_hash",
    "params_source",
    "root_seed",
    "replicates",
    "firms",
    "until",
    "metrics",
    "parameters",
    "scenarios",
)
"""Manifest keys that must match for an experiment to resume into a folder."""


class ExperimentError(ValueError):
    """An experiment cannot run as asked (e.g. its folder holds another experiment)."""


def load_manifest(out: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest of the experiment in folder ``out``, its stamp under the provenance keys
    (:data:`aiadopt.files.PROVENANCE_KEYS`) even when written before they were used there."""
    path = Path(out) / MANIFEST
    try:
        return _current_keys(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise ExperimentError(f"{path}: no experiment there (no {MANIFEST})") from None
    except json.JSONDecodeError as exc:
        raise ExperimentError(f"{path}: unreadable manifest ({exc})") from None


def _current_keys(manifest: dict[str, Any]) -> dict[str, Any]:
    """An older manifest's ``aiadopt_version`` and ``parameters: {source, hash}`` under the
    provenance keys ``version``, ``params_source`` and ``param_hash``."""
    if "aiadopt_version" in manifest:
        manifest["version"] = manifest.pop("aiadopt_version")
    old = manifest.get("parameters")
    if isinstance(old, dict) and set(old) == {"source", "hash"}:
        del manifest["parameters"]
        manifest.update(params_source=old["source"], param_hash=old["hash"])
    return manifest


def load_point(out: str | os.PathLike[str]) -> Params | None:
    """The point estimate of the experiment in folder ``out`` (:data:`POINT_FILE`), or None
    for a folder written before it was saved there."""
    path = Path(out) / POINT_FILE
    if not path.is_file():
        return None
    try:
        return Params.from_toml(path)
    except (OSError, ValueError) as exc:  # a ParameterError is a ValueError
        raise ExperimentError(f"{path}: unreadable parameters ({exc})") from None


def _describe(value: Any) -> str:
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 80 else text[:77] + "..."


def extends(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Whether ``new`` asks for more replicates than ``old`` (an extension in place)."""
    a, b = old.get("replicates"), new.get("replicates")
    return isinstance(a, int) and isinstance(b, int) and b > a


def manifest_differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """One line per checked key whose value differs between two manifests; more replicates
    is no difference (:func:`extends`), fewer is."""
    lines = []
    for key in CHECKED_KEYS:
        a, b = old.get(key), new.get(key)
        if a == b or (key == "replicates" and extends(old, new)):
            continue
        if key == "replicates":
            lines.append(
                f"replicates: {a} there, {b} now (an experiment's replicates can be extended, "
                "not reduced: ask for as many or more)"
            )
            continue
        if key == "scenarios" and isinstance(a, list) and isinstance(b, list):
            names_a = [s.get("name") for s in a]
            names_b = [s.get("name") for s in b]
            if names_a != names_b:
                lines.append(f"scenarios: {', '.join(names_a)} there, {', '.join(names_b)} now")
            else:
                changed = [sa["name"] for sa, sb in zip(a, b, strict=True) if sa != sb]
                lines.append(f"scenarios: the definition of {', '.join(changed)} changed")
            continue
        lines.append(f"{key}: {_describe(a)} there, {_describe(b)} now")
    return lines


class Store:
    """The folder of one experiment (see the module docstring)."""

    def __init__(self, out: str | os.PathLike[str]) -> None:
        self.out = Path(out)
        self.runs_dir = self.out / RUNS_DIR
        self.failures_dir = self.out / FAILURES_DIR
        self._lock: contextlib.ExitStack | None = None
        self.manifest: dict[str, Any] = {}
        self.extended_from: int | None = None
        """The replicates the folder held before :meth:`open` extended it (else None)."""

    # --- opening ------------------------------------------------------------------------------
    def open(self, manifest: Mapping[str, Any]) -> bool:
        """Create the folder or check that it holds this experiment; lock it.  Returns True
        when resuming an existing experiment."""
        if self.out.exists() and not self.out.is_dir():
            raise ExperimentError(f"output folder {self.out} exists and is not a folder")
        self._lock = contextlib.ExitStack()
        try:
            self._lock.enter_context(locked(self.out))
        except FolderLocked as exc:
            self._lock = None
            raise ExperimentError(str(exc)) from None
        try:
            path = self.out / MANIFEST
            resuming = path.exists()
            if resuming:
                old = load_manifest(self.out)
                diffs = manifest_differences(old, manifest)
                if diffs:
                    raise ExperimentError(
                        f"{self.out} holds another experiment; it differs in:\n  "
                        + "\n  ".join(diffs)
                        + "\nRun the same command to resume it, or choose another --out."
                    )
            elif {p.name for p in self.out.iterdir()} - set(LOCK_FILES):
                raise ExperimentError(
                    f"output folder {self.out} is not empty and holds no experiment "
                    f"({MANIFEST}); choose an empty or new folder"
                )
            self.manifest = dict(manifest)
            now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            if not resuming:
                doc = {**manifest, "created": now}
                write_atomic(path, json.dumps(doc, indent=2).encode("utf-8"))
            elif extends(old, manifest):
                self.extended_from = int(old["replicates"])
                step = {"from": old["replicates"], "to": manifest["replicates"], "at": now}
                done = [*old.get("extended", []), step]
                doc = {**old, "replicates": manifest["replicates"], "extended": done}
                write_atomic(path, json.dumps(doc, indent=2).encode("utf-8"))
            self.runs_dir.mkdir(exist_ok=True)
            self.failures_dir.mkdir(exist_ok=True)
            self._clean_temporaries()
        except BaseException:
            self.close()
            raise
        return resuming

    def close(self) -> None:
        """Release the folder's lock."""
        lock, self._lock = self._lock, None
        if lock is not None:
            lock.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _clean_temporaries(self) -> None:
        """Remove temporary files left by an interrupted write (never a finished file)."""
        for tmp in self.out.rglob(TEMP_GLOB):
            tmp.unlink(missing_ok=True)

    def write_point(self, params: Params) -> Path:
        """Save the experiment's point estimate (:data:`POINT_FILE`, read by :func:`load_point`)."""
        path = self.out / POINT_FILE
        params.to_toml(path)
        return path

    # --- runs ---------------------------------------------------------------------------------
    def run_path(self, scenario: str, replicate: int) -> Path:
        return self.runs_dir / scenario / f"{replicate:04d}.parquet"

    def failure_path(self, scenario: str, replicate: int) -> Path:
        return self.failures_dir / f"{scenario}__{replicate:04d}.json"

    def completed(self, keys: Iterable[tuple[str, int]]) -> set[tuple[str, int]]:
        """Which of ``keys`` have their run's file."""
        return {key for key in keys if self.run_path(*key).is_file()}

    def write_run(self, outcome: RunOutcome) -> Path:
        """File a successful run (its Parquet bytes) atomically; forget an earlier failure."""
        assert outcome.data is not None
        path = self.run_path(outcome.scenario, outcome.replicate)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, outcome.data)
        self.failure_path(outcome.scenario, outcome.replicate).unlink(missing_ok=True)
        return path

    def write_failure(self, outcome: RunOutcome, meta: Mapping[str, Any]) -> Path:
        """Record a failed run: its error and traceback, as JSON."""
        path = self.failure_path(outcome.scenario, outcome.replicate)
        doc = {
            **meta,
            "error": outcome.error,
            "traceback": outcome.traceback,
            "failed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        write_atomic(path, json.dumps(doc, indent=2, default=str).encode("utf-8"))
        return path

    def file_outcomes(
        self, outcomes: Iterable[RunOutcome], specs: Sequence[RunSpec]
    ) -> Iterator[RunOutcome]:
        """File each executor outcome as it arrives: a successful run's file
        (:meth:`write_run`), else its failure record with the metadata of its spec
        (:meth:`write_failure`); yields the outcome once filed (for a progress bar)."""
        metas = {spec.key: spec.meta for spec in specs}
        for outcome in outcomes:
            if outcome.ok:
                self.write_run(outcome)
            else:
                self.write_failure(outcome, metas[outcome.key])
            yield outcome

    def failures(self) -> list[dict[str, Any]]:
        """Every failure record (runs that failed and have not succeeded since)."""
        out = []
        for path in sorted(self.failures_dir.glob("*.json")):
            with contextlib.suppress(OSError, json.JSONDecodeError):
                out.append(json.loads(path.read_text(encoding="utf-8")))
        return out

    def write_table(
        self, frame: pd.DataFrame, name: str, meta: Mapping[str, Any] | None = None
    ) -> Path:
        """Write a result table into the folder atomically (``.parquet`` or ``.csv``)."""
        path = self.out / name
        if name.endswith(".parquet"):
            write_atomic(path, encode_parquet(frame, meta or {}))
        else:
            write_atomic(path, frame.to_csv(index=False))
        return path


def read_runs(
    out: str | os.PathLike[str], scenarios: Sequence[str], replicates: int
) -> pd.DataFrame:
    """Every run file of ``scenarios`` x ``range(replicates)`` present in ``out``, as one
    frame in scenario order, then replicate, then the model's row order."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    store = Store(out)
    tables = []
    for name in scenarios:
        for k in range(replicates):
            path = store.run_path(name, k)
            if path.is_file():
                try:  # string columns as dictionaries: categoricals, read fast
                    tables.append(pq.ParquetFile(path, read_dictionary=_CATEGORICAL).read())
                except Exception as exc:
                    raise ExperimentError(
                        f"{path}: unreadable run file ({type(exc).__name__}: {exc}); delete it "
                        "and resume the experiment to run it again"
                    ) from None
    if not tables:
        return empty_results(scenarios)
    table = pa.concat_tables(tables).replace_schema_metadata(None)
    return _typed(table.to_pandas(), scenarios)


def empty_results(scenarios: Sequence[str] = ()) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "scenario": pd.Series([], dtype="str"),
            "replicate": pd.Series([], dtype="int32"),
            "seed": pd.Series([], dtype="int64"),
            "date": pd.Series([], dtype="datetime64[s]"),
            "metric": pd.Series([], dtype="str"),
            "group": pd.Series([], dtype="str"),
            "value": pd.Series([], dtype="float64"),
        }
    )
    return _typed(frame, scenarios)


_CATEGORICAL = ("scenario", "metric", "group")


def _typed(frame: pd.DataFrame, scenarios: Sequence[str]) -> pd.DataFrame:
    """Scenario as an ordered categorical (experiment order), metric and group as
    categoricals (compact: a few dozen distinct names over millions of rows)."""
    frame = frame[list(RESULT_COLUMNS)]
    scenario = frame["scenario"].astype("category").cat.set_categories(list(scenarios))
    return frame.assign(
        scenario=scenario.cat.as_ordered(),
        metric=frame["metric"].astype("category"),
        group=frame["group"].astype("category"),
    ).reset_index(drop=True)


def load_results(out: str | os.PathLike[str]) -> pd.DataFrame:
    """The tidy results of the experiment in folder ``out``: every finished run (scenario,
    replicate, seed, date, metric, group, value), scenarios in the experiment's order."""
    manifest = load_manifest(out)
    names = [s["name"] for s in manifest["scenarios"]]
    return read_runs(out, names, int(manifest["replicates"]))
