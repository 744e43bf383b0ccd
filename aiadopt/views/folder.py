"""Loading a results folder: a run's (``aiadopt run``) or an experiment's (``aiadopt
experiment``), with the calibration fit table saved beside the results when there is one.

The fit table (``fit_report.csv``, :data:`aiadopt.calibration.report.FIT_TABLE_FILE`) is
computed once, by whatever made the folder (``--fit``), and only read here: nothing in this
module runs a model.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..calibration.report import FIT_TABLE_FILE
from ..experiments import ExperimentError, load_manifest, load_results, summarise
from ..experiments.single import read_parquet_metadata
from ..model import ParameterError, Params
from .series import as_results, reference_of, scenarios_of

__all__ = [
    "Results",
    "ResultsError",
    "load_results_folder",
    "read_fit_table",
    "run_results",
]


class ResultsError(ValueError):
    """A results folder cannot be read (the message names the folder and what was expected)."""


@dataclass(eq=False)
class Results:
    """What a results folder holds: a run's (``kind == "run"``) or an experiment's results."""

    folder: Path | None
    kind: str  # "run" | "experiment"
    results: pd.DataFrame  # scenario, replicate, (seed,) date, metric, group, value
    summary: pd.DataFrame | None = None  # experiments: paired differences
    meta: dict[str, Any] = field(default_factory=dict)
    params: Params | None = None  # a run's Params (run.toml); None: the shipped parameters
    fit_table: pd.DataFrame | None = None  # fit_report.csv of the folder, if any

    @property
    def scenarios(self) -> list[str]:
        """The scenarios, in the experiment's order (a run: ``["run"]``)."""
        return scenarios_of(self.results)

    @property
    def reference(self) -> str:
        """The scenario the others are compared with: the summary's, else ``baseline`` if
        present, else the first."""
        if self.summary is not None and len(self.summary) and "reference" in self.summary:
            ref = str(self.summary["reference"].iloc[0])
            if ref in self.scenarios:
                return ref
        return reference_of(self.results)

    @property
    def fit_file(self) -> Path:
        """Where the folder's fit table is (or would be)."""
        return (self.folder or Path(".")) / FIT_TABLE_FILE

    def fit_source(self) -> str:
        """Where the fit table comes from, as a phrase (the figure's subtitle, the report)."""
        if self.fit_table is None:
            return f"no fit ({FIT_TABLE_FILE} is not in the results folder)"
        reps = self.fit_table.get("replicates")
        n = f", {int(reps.max())} replicates" if reps is not None and reps.notna().any() else ""
        return f"the fit report {self.fit_file}{n}"


def load_results_folder(folder: str | os.PathLike[str]) -> Results:
    """Read a results folder: an experiment's (``manifest.json``, ``runs/``: read with
    :func:`aiadopt.experiments.load_results`; its ``summary.csv`` or, if missing, the summary
    computed again) or a run's (``trajectories.parquet`` of ``aiadopt run``).  The folder's
    ``fit_report.csv`` is read too when present.

    Raises:
        ResultsError: the folder does not exist, is neither kind, or holds no finished run.
    """
    path = Path(folder)
    if not path.exists():
        raise ResultsError(f"{path}: no such folder")
    if not path.is_dir():
        raise ResultsError(f"{path} is a file, not a results folder")
    if (path / "manifest.json").is_file():
        data = _load_experiment(path)
    elif (path / "trajectories.parquet").is_file():
        data = _load_run(path)
    else:
        raise ResultsError(
            f"{path} is not a results folder: expected an experiment's folder (manifest.json "
            "and runs/, written by 'aiadopt experiment --out DIR') or a run's folder "
            "(trajectories.parquet, written by 'aiadopt run --out DIR')"
        )
    data.fit_table = read_fit_table(path)
    return data


def read_fit_table(folder: Path) -> pd.DataFrame | None:
    """The fit table saved in ``folder`` (``fit_report.csv``), or None when there is none."""
    csv = folder / FIT_TABLE_FILE
    if not csv.is_file():
        return None
    try:
        return pd.read_csv(csv, keep_default_na=False, na_values=[""])
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise ResultsError(f"{csv}: unreadable fit report ({exc})") from None


def _load_experiment(path: Path) -> Results:
    try:
        manifest = load_manifest(path)
        results = load_results(path)
    except ExperimentError as exc:
        raise ResultsError(str(exc)) from None
    if results.empty:
        raise ResultsError(f"{path}: the experiment has no finished run yet (runs/ is empty)")
    summary = None
    csv = path / "summary.csv"
    if csv.is_file():
        with contextlib.suppress(OSError, ValueError, pd.errors.ParserError):
            summary = pd.read_csv(csv, dtype={"month": str, "scenario": str, "reference": str})
    if (
        summary is None
        or summary.empty
        or not set(summary["scenario"]) <= set(scenarios_of(results))
    ):
        summary = summarise(results)
    params = manifest.get("parameters") or {}
    meta = {
        "aiadopt_version": manifest.get("aiadopt_version"),
        "root_seed": manifest.get("root_seed"),
        "replicates": manifest.get("replicates"),
        "firms": manifest.get("firms"),
        "param_hash": params.get("hash"),
        "params_source": params.get("source"),
        "until": manifest.get("until"),
        "created": manifest.get("created"),
        "scenarios": [s.get("name") for s in manifest.get("scenarios", [])],
        "scenario_descriptions": {
            s.get("name"): s.get("description", "") for s in manifest.get("scenarios", [])
        },
        "metrics": manifest.get("metrics"),
    }
    return Results(path, "experiment", results, summary, meta)


def run_results(
    tidy: pd.DataFrame,
    meta: Mapping[str, Any],
    params: Params | None = None,
    folder: Path | None = None,
) -> Results:
    """One run's trajectories as :class:`Results`: ``meta`` (its provenance, as written in the
    Parquet file or by :func:`aiadopt.files.provenance`) with text decoded from JSON where it is
    JSON and ``version`` named ``aiadopt_version`` as the figures' footers read it."""
    decoded: dict[str, Any] = {}
    for key, value in meta.items():
        if key == "params":
            continue
        try:
            decoded[key] = json.loads(value) if isinstance(value, str) else value
        except json.JSONDecodeError:
            decoded[key] = value
    if "version" in decoded:
        decoded["aiadopt_version"] = decoded.pop("version")
    return Results(folder, "run", as_results(tidy), None, decoded, params)


def _load_run(path: Path) -> Results:
    file = path / "trajectories.parquet"
    try:
        tidy = pd.read_parquet(file)
        raw = read_parquet_metadata(file)
    except Exception as exc:  # pyarrow raises several kinds
        raise ResultsError(f"{file}: unreadable ({type(exc).__name__}: {exc})") from None
    params = None
    toml = path / "run.toml"
    if toml.is_file():
        with contextlib.suppress(ParameterError, OSError, ValueError):
            params = Params.from_toml(toml)
    return run_results(tidy, raw, params, path)
