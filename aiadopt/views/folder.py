"""Loading a results folder: a run's (``aiadopt run``) or an experiment's (``aiadopt
experiment``), with the calibration fit table saved beside the results when there is one; and
telling the kinds of folder the commands write apart (:func:`folder_kind`: also a scenario
discovery's and a lever portfolio's, read by :mod:`aiadopt.views.discovery`).

The fit table (``fit_report.csv``, :data:`aiadopt.calibration.report.FIT_TABLE_FILE`) is
computed once, by whatever made the folder (``--fit``), and only read here: nothing in this
module runs a model.  It is read with its stamp (:func:`aiadopt.calibration.report.
load_fit_table`): a table of other parameters than the folder's (left by an earlier run into
the same folder, say) is not used, and :attr:`Results.fit_problem` says why.
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

from ..calibration.report import FIT_TABLE_FILE, FitTableError, load_fit_table
from ..experiments import ExperimentError, load_manifest, load_results, summarise
from ..experiments.single import read_parquet_metadata
from ..experiments.store import load_point
from ..experiments.summary import INDICATORS
from ..model import ParameterError, Params
from .series import as_results, reference_of, scenarios_of

__all__ = [
    "FOLDER_KINDS",
    "Results",
    "ResultsError",
    "folder_kind",
    "intervention_starts",
    "load_results_folder",
    "read_fit",
    "run_results",
]


class ResultsError(ValueError):
    """A results folder cannot be read (the message names the folder and what was expected)."""


FOLDER_KINDS: dict[str, str] = {
    "experiment": "an experiment's (manifest.json and runs/, from 'aiadopt experiment --out DIR')",
    "run": "a run's (trajectories.parquet, from 'aiadopt run --out DIR')",
    "discovery": "a scenario discovery's (manifest.json of kind discovery, prim_box.csv, from "
    "'aiadopt discover --out DIR')",
    "portfolio": "a lever portfolio's (front.csv and evaluated.csv, from 'aiadopt portfolio "
    "FILE --out DIR')",
}
"""The folders ``aiadopt plot`` and ``aiadopt report`` read, by kind, with the files that tell
them apart and the command that writes them."""
_ALLOWED = "; ".join(FOLDER_KINDS.values())


def folder_kind(folder: str | os.PathLike[str]) -> str:
    """The kind of results folder ``folder`` is (a key of :data:`FOLDER_KINDS`), told by its
    files: a manifest's ``kind`` (none: an experiment), ``trajectories.parquet`` (a run),
    ``front.csv`` (a portfolio).

    Raises:
        ResultsError: the folder does not exist, is a file, is a sensitivity analysis's, or is
            of no known kind (one line naming the folder and the kinds allowed).
    """
    path = Path(folder)
    if not path.exists():
        raise ResultsError(f"{path}: no such folder")
    if not path.is_dir():
        raise ResultsError(f"{path} is a file, not a results folder")
    if (path / "manifest.json").is_file():
        kind = _manifest_kind(path)
        if kind in (None, "experiment", "discovery"):
            return kind or "experiment"
        if kind == "sensitivity":
            raise ResultsError(
                f"{path} is a sensitivity analysis's folder, whose tables and figures "
                "'aiadopt sensitivity' writes itself (indices.csv, <output>.png); plot and "
                f"report read a results folder: {_ALLOWED}"
            )
        raise ResultsError(
            f"{path}/manifest.json names an unknown kind of folder, {kind!r}; plot and report "
            f"read a results folder: {_ALLOWED}"
        )
    if (path / "trajectories.parquet").is_file():
        return "run"
    if (path / "front.csv").is_file():
        return "portfolio"
    raise ResultsError(f"{path} is not a results folder: expected {_ALLOWED}")


def _manifest_kind(path: Path) -> str | None:
    """The ``kind`` a folder's manifest names (None: none, or the manifest is unreadable; then
    the folder is read as an experiment's, whose reader says what is wrong)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        kind = json.loads((path / "manifest.json").read_text(encoding="utf-8")).get("kind")
        return None if kind is None else str(kind)
    return None


@dataclass(eq=False)
class Results:
    """What a results folder holds: a run's (``kind == "run"``) or an experiment's results."""

    folder: Path | None
    kind: str  # "run" | "experiment"
    results: pd.DataFrame  # scenario, replicate, (seed,) date, metric, group, value
    summary: pd.DataFrame | None = None  # experiments: paired differences
    meta: dict[str, Any] = field(default_factory=dict)
    # the folder's Params: a run's run.toml, an experiment's point estimate (parameters.toml);
    # None when the folder does not hold them (then: the shipped fit)
    params: Params | None = None
    fit_table: pd.DataFrame | None = None  # fit_report.csv of the folder, if any and usable
    fit_problem: str | None = None  # why the folder's fit_report.csv is not used, if it is not

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

    @property
    def param_hash(self) -> str | None:
        """The hash of the folder's parameters, which its fit table's stamp must name (None: not
        known, e.g. an experiment written before its parameters were saved with it)."""
        if self.params is not None:
            return self.params.hash()
        return self.meta.get("param_hash") if self.kind == "run" else None

    def fit_source(self) -> str:
        """Where the fit table comes from, as a phrase (the figure's subtitle, the report)."""
        if self.fit_problem is not None:
            return f"no fit ({self.fit_problem})"
        if self.fit_table is None:
            return f"no fit ({FIT_TABLE_FILE} is not in the results folder)"
        reps = self.fit_table.get("replicates")
        n = f", {int(reps.max())} replicates" if reps is not None and reps.notna().any() else ""
        return f"the fit report {self.fit_file}{n}"


def load_results_folder(folder: str | os.PathLike[str]) -> Results:
    """Read a results folder: an experiment's (``manifest.json``, ``runs/``: read with
    :func:`aiadopt.experiments.load_results`; its ``summary.csv`` or, if missing, the summary
    computed again) or a run's (``trajectories.parquet`` of ``aiadopt run``).  The folder's
    ``fit_report.csv`` is read too when present (:func:`read_fit`).

    Raises:
        ResultsError: the folder does not exist, is neither kind (:func:`folder_kind`), or
            holds no finished run.
    """
    path = Path(folder)
    kind = folder_kind(path)
    if kind == "experiment":
        data = _load_experiment(path)
    elif kind == "run":
        data = _load_run(path)
    else:
        raise ResultsError(
            f"{path} is {FOLDER_KINDS[kind].split(' (')[0]} folder, not a run's or an "
            f"experiment's: 'aiadopt plot {path}' and 'aiadopt report {path}' draw it; in "
            f"Python, aiadopt.views.discovery.read_{kind}"
        )
    read_fit(data)
    return data


def read_fit(data: Results) -> None:
    """Attach the fit table saved in ``data``'s folder to ``data`` (:attr:`Results.fit_table`),
    if there is one and it is the fit of the folder's parameters; otherwise say why it is not
    used (:attr:`Results.fit_problem`: unreadable, or stale - of other parameters)."""
    data.fit_table = data.fit_problem = None
    if data.folder is None:
        return
    try:
        saved = load_fit_table(data.folder, param_hash=data.param_hash)
    except FitTableError as exc:
        data.fit_problem = str(exc)
        return
    if saved is not None:
        data.fit_table = saved.table


def _load_experiment(path: Path) -> Results:
    try:
        manifest = load_manifest(path)
        results = load_results(path)
        params = load_point(path)
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
        or set(summary["indicator"]) != {i.name for i in INDICATORS}
    ):  # the figures and the report show the headline indicators, whatever summary.csv holds
        summary = summarise(results)
    meta = {  # the provenance keys (aiadopt.files.provenance), the root seed for the seed
        "version": manifest.get("version"),
        "param_hash": manifest.get("param_hash"),
        "params_source": manifest.get("params_source"),
        "root_seed": manifest.get("root_seed"),
        "replicates": manifest.get("replicates"),
        "firms": manifest.get("firms"),
        "until": manifest.get("until"),
        "created": manifest.get("created"),
        "scenarios": [s.get("name") for s in manifest.get("scenarios", [])],
        "scenario_descriptions": {
            s.get("name"): s.get("description", "") for s in manifest.get("scenarios", [])
        },
        "metrics": manifest.get("metrics"),
        "intervention_starts": intervention_starts(manifest.get("scenarios", [])),
        "scenario_coordinates": {  # sweep points: each lever's value
            s.get("name"): s["coordinates"]
            for s in manifest.get("scenarios", [])
            if s.get("coordinates")
        },
    }
    return Results(path, "experiment", results, summary, meta, params)


def intervention_starts(scenarios: list[Mapping[str, Any]]) -> dict[str, str]:
    """The first month (``YYYY-MM``) of each scenario's interventions, from the scenario
    definitions of a manifest (scenarios without an intervention are left out)."""
    out = {}
    for s in scenarios:
        months = sorted(
            str(iv.get("start"))[:7] for iv in s.get("interventions") or () if iv.get("start")
        )
        if months and s.get("name"):
            out[str(s["name"])] = months[0]
    return out


def run_results(
    tidy: pd.DataFrame,
    meta: Mapping[str, Any],
    params: Params | None = None,
    folder: Path | None = None,
) -> Results:
    """One run's trajectories as :class:`Results`: ``meta`` (its provenance, as written in the
    Parquet file or by :func:`aiadopt.files.provenance`) with text decoded from JSON where it is
    JSON."""
    decoded: dict[str, Any] = {}
    for key, value in meta.items():
        if key == "params":
            continue
        try:
            decoded[key] = json.loads(value) if isinstance(value, str) else value
        except json.JSONDecodeError:
            decoded[key] = value
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
    try:
        return run_results(tidy, raw, params, path)
    except ValueError as exc:  # not the table 'aiadopt run' writes
        raise ResultsError(f"{file}: {exc}") from None
