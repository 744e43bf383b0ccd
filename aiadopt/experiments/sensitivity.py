"""Global sensitivity analysis of the calibrated model (Morris or Sobol', with SALib).

Which calibrated parameters move the answers that matter?  :func:`run_sensitivity` (and
``aiadopt sensitivity``) samples the calibration's free parameters over their plausible
ranges, runs the model for every sample row through the experiments' executor (local process
pool, this process, or a Dask cluster; resumable), averages replicates run with common random
numbers, and lets SALib compute the indices.

The problem.  The parameters are the ``[[free]]`` entries of the calibration spec
(:func:`aiadopt.calibration.spec.load_spec`; ``parameters=`` keeps a subset).  Their ranges
are the min and max over the calibration's plausible set (``aiadopt/calibration/
fitted_set.csv``, when the package ships one; a degenerate range is widened by 5% of the spec
bounds on each side, within the bounds), else (and for a parameter the set lacks) the spec's
``[low, high]`` search bounds; the result says which
(:attr:`SensitivityResult.ranges_source`).  Parameters searched on the log scale (``log =
true``) are sampled uniformly on the log scale too: SALib samples the calibration's search
vector and :func:`aiadopt.calibration.free.to_params` maps each row to
:class:`~aiadopt.model.Params` (freed elements of share vectors renormalise the others, as in
the fit).  The other parameters keep the shipped values (the shipped fit,
:func:`aiadopt.model.params.shipped_params`).

The outputs (:data:`OUTPUTS`), each the mean over the replicates of one sample row:

- ``scaled_2027_12``: share of firms at scale in December 2027, % (only when the runs reach it);
- ``scaled_end``: share of firms at scale at the last month, %;
- ``productivity_end``: realised productivity gain at the last month, %, averaged over ALL
  firms (``gain_realised.productivity``, group ``all``; a firm without a deployed use case
  counts as 0, so the output moves with both adoption and the gain per adopter);
- ``deployed_gap_2025_03``: Technique minus Business view of "deployed" in March 2025 (the
  survey month), percentage points (the study: 10% vs 21%).

Common random numbers.  Replicate ``k`` has the same seed (child ``k`` of
``SeedSequence(seed)``, :func:`aiadopt.experiments.seeds.replicate_seed`) in every sample row,
and the model gives every decision its own random stream: a parameter that feeds nothing an
output depends on leaves that output exactly unchanged, so its Morris index is exactly 0.

The folder ``out``::

    out/manifest.json             the problem (parameters, ranges, method, samples, seed,
                                  replicates, firms, last month); checked on resume
    out/sample.csv                the SALib sample, one row per parameter vector (search scale)
    out/runs/sNNNNN/RRRR.parquet  one run (sample row NNNNN, replicate RRRR), written atomically
    out/outputs.csv               the outputs of every sample row (replicate means)
    out/indices.csv               output, parameter, index, value, conf (95% half-width)
    out/<output>.png, .svg        the files of the ``figures`` hook, if given (``aiadopt
                                  sensitivity`` draws a bar plot of each output's indices)

Interrupted, the same call resumes: finished runs are kept, only the missing ones run.
This module computes tables only; figures come from the views layer through ``figures=``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..calibration import plausible
from ..calibration.errors import SpecError
from ..calibration.free import FreeParameter, to_params
from ..calibration.spec import CalibrationSpec, resolve_spec
from ..files import provenance, staged
from ..model import Params
from ..model.clock import SURVEY_MONTH, check_last_month, month_index
from ..model.params import shipped_params
from ..progress import progress as progress_bar
from .executors import make_executor
from .runner import RunSpec, decode_parquet
from .seeds import replicate_seed
from .store import FORMAT, ExperimentError, Store

__all__ = [
    "INDEX_NAMES",
    "METHODS",
    "OUTPUTS",
    "Figures",
    "Output",
    "SensitivityError",
    "SensitivityResult",
    "define_problem",
    "run_sensitivity",
]

METHODS = ("morris", "sobol")
DEFAULT_SEED = 42
DEFAULT_REPLICATES = 2
MORRIS_LEVELS = 4
WIDEN = 0.05
"""A degenerate plausible range is widened by this share of the spec bounds on each side."""
MID_MONTH = "2027-12"
_METRICS = ("stage_share.scaled", "deployed_view", "gain_realised.productivity")


class SensitivityError(ValueError):
    """Bad arguments, or the analysis cannot be completed (failed runs, a foreign folder)."""


@dataclass(frozen=True)
class Output:
    """One output of the analysis."""

    name: str
    label: str
    unit: str
    month: str | None
    """The month it is read at (None: the last month)."""


OUTPUTS: tuple[Output, ...] = (
    Output("scaled_2027_12", "Share of firms at scale, 2027-12", "% of firms", MID_MONTH),
    Output("scaled_end", "Share of firms at scale, last month", "% of firms", None),
    Output(
        "productivity_end",
        "Realised productivity gain (all firms), last month",
        "% productivity",
        None,
    ),
    Output(
        "deployed_gap_2025_03",
        'Technique - Business view of "deployed", 2025-03',
        "percentage points",
        SURVEY_MONTH,
    ),
)
"""Every output; those whose month the runs do not reach are left out."""

INDEX_NAMES = {
    "morris": ("mu_star", "sigma"),
    "sobol": ("ST", "S1"),
}
"""The main and the second index of each method (what a figure of the indices shows)."""

Figures = Callable[[pd.DataFrame, Mapping[str, str]], Mapping[str, bytes]]
"""The figures hook, called once per output with that output's rows of the indices table
(output, parameter, index, value, conf) and, as text: ``method``, ``main`` and ``second``
(index names, :data:`INDEX_NAMES`), ``vectors`` (sample rows), ``output``, ``label`` and
``unit``; returns file name -> bytes (e.g. ``{"scaled_end.png": ..., "scaled_end.svg":
...}``).  Every output's files are written together, atomically."""


@dataclass
class SensitivityResult:
    """What :func:`run_sensitivity` computed and wrote."""

    method: str
    parameters: list[str]
    bounds: list[tuple[float, float]]
    """Ranges in parameter units (not the log scale)."""
    ranges_source: str
    outputs: list[Output]
    indices: pd.DataFrame
    """Columns: output, parameter, index, value, conf."""
    sample: np.ndarray
    values: pd.DataFrame
    """One row per sample row: the outputs (replicate means)."""
    out: Path
    paths: dict[str, Path] = field(default_factory=dict)
    n_runs: int = 0
    n_ran: int = 0
    notes: list[str] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)
    """Version, parameter hash (of the base), root seed, replicates and firms (figure footers)."""

    def top(self, output: str, k: int = 5) -> pd.DataFrame:
        """The ``k`` most influential parameters on ``output`` (by mu_star or ST)."""
        main = INDEX_NAMES[self.method][0]
        rows = self.indices[(self.indices["output"] == output) & (self.indices["index"] == main)]
        return rows.sort_values("value", ascending=False, kind="stable").head(k)

    def format_top(self, k: int = 5) -> str:
        """The top ``k`` parameters per output, as text."""
        main = INDEX_NAMES[self.method][0]
        lines = [
            f"Sensitivity ({self.method}, {len(self.sample)} parameter vectors, "
            f"{len(self.parameters)} parameters; ranges: {self.ranges_source}). "
            f"Top {k} by {main} (95% interval half-width):"
        ]
        for o in self.outputs:
            lines.append(f"  {o.label} [{o.unit}]:")
            for i, row in enumerate(self.top(o.name, k).itertuples(), start=1):
                lines.append(f"    {i}. {row.parameter:<32} {row.value:9.2f} ± {row.conf:.2f}")
        lines.extend(f"Note: {n}" for n in self.notes)
        lines.append(f"Indices: {self.paths.get('indices', self.out / 'indices.csv')}")
        return "\n".join(lines)


# --- the problem ----------------------------------------------------------------------------------


def _select(free: Sequence[FreeParameter], parameters: Sequence[str] | None) -> list[FreeParameter]:
    if parameters is None:
        return list(free)
    by_name = {p.name: p for p in free}
    unknown = [n for n in parameters if n not in by_name]
    if unknown:
        raise SensitivityError(
            f"not a free parameter of the calibration spec: {', '.join(unknown)} "
            f"(free: {', '.join(by_name)})"
        )
    if not parameters:
        raise SensitivityError("no parameter selected")
    return [by_name[n] for n in dict.fromkeys(parameters)]


def _plausible_ranges(
    free: Sequence[FreeParameter], set_path: str | os.PathLike[str] | None
) -> dict[str, tuple[float, float]] | None:
    """Min and max over the plausible set of each free parameter it holds, or None if no
    set ships."""
    path = Path(set_path) if set_path is not None else plausible.packaged_set()
    if not path.is_file():
        if set_path is not None:
            raise SensitivityError(f"{path}: no such plausible-set file")
        return None
    try:
        frame = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise SensitivityError(f"{path}: unreadable plausible set ({exc})") from None
    out = {}
    for p in free:
        if p.name not in frame.columns:  # not fitted in that calibration: the spec's bounds
            continue
        lo, hi = float(frame[p.name].min()), float(frame[p.name].max())
        if not hi > lo:
            pad = WIDEN * (p.high - p.low)
            lo, hi = max(p.low, lo - pad), min(p.high, hi + pad)
        out[p.name] = (lo, hi)
    return out


def _path_name(path: str | os.PathLike[str] | None) -> str:
    return str(path) if path is not None else plausible.SET_FILE


def _clip(x: float, lo: float, hi: float) -> float:
    return min(max(x, lo), hi)


def define_problem(
    spec: CalibrationSpec | str | os.PathLike[str] | None = None,
    parameters: Sequence[str] | None = None,
    plausible_set: str | os.PathLike[str] | None = None,
) -> tuple[list[FreeParameter], dict[str, Any], str]:
    """The free parameters (with their sampled ranges as ``low``/``high``), SALib's problem
    (bounds on the search scale: log for log parameters) and where the ranges come from."""
    try:
        spec = resolve_spec(spec)
    except (SpecError, OSError) as exc:
        raise SensitivityError(f"calibration spec: {exc}") from None
    free = _select(spec.free, parameters)
    ranges = _plausible_ranges(free, plausible_set)
    if ranges is None:
        source = f"the calibration spec's search bounds ({spec.source}; no plausible set shipped)"
    else:
        source = f"min-max of the calibration's plausible set ({_path_name(plausible_set)})"
        missing = [p.name for p in free if p.name not in ranges]
        if missing:
            source += f"; the spec's bounds for {', '.join(missing)} (not in the set)"
        free = [
            p
            if p.name not in ranges
            else FreeParameter(p.name, *ranges[p.name], _clip(p.guess, *ranges[p.name]), p.log)
            for p in free
        ]
    problem = {
        "num_vars": len(free),
        "names": [p.name for p in free],
        "bounds": [[p.to_search(p.low), p.to_search(p.high)] for p in free],
    }
    return free, problem, source


def _sample(method: str, problem: dict[str, Any], samples: int, seed: int) -> np.ndarray:
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, samples, num_levels=MORRIS_LEVELS, seed=seed)
    from SALib.sample import sobol

    return sobol.sample(problem, samples, calc_second_order=False, seed=seed)


def _analyze(
    method: str, problem: dict[str, Any], x: np.ndarray, y: np.ndarray, seed: int
) -> list[tuple[str, str, float, float]]:
    """(parameter, index, value, conf) for one output."""
    rows = []
    if method == "morris":
        from SALib.analyze import morris

        res = morris.analyze(problem, x, y, num_levels=MORRIS_LEVELS, seed=seed)
        for i, name in enumerate(problem["names"]):
            rows.append((name, "mu_star", float(res["mu_star"][i]), float(res["mu_star_conf"][i])))
            rows.append((name, "sigma", float(res["sigma"][i]), math.nan))
            rows.append((name, "mu", float(res["mu"][i]), math.nan))
        return rows
    from SALib.analyze import sobol

    if np.ptp(y) == 0:  # a constant output: no variance to share out
        for name in problem["names"]:
            rows.extend([(name, "ST", 0.0, 0.0), (name, "S1", 0.0, 0.0)])
        return rows
    res = sobol.analyze(problem, y, calc_second_order=False, seed=seed)
    for i, name in enumerate(problem["names"]):
        rows.append((name, "ST", float(res["ST"][i]), float(res["ST_conf"][i])))
        rows.append((name, "S1", float(res["S1"][i]), float(res["S1_conf"][i])))
    return rows


# --- the runs -------------------------------------------------------------------------------------


def _row_name(i: int) -> str:
    return f"s{i:05d}"


def _read_outputs(frame: pd.DataFrame, outputs: Sequence[Output], until: str) -> dict[str, float]:
    dates = pd.to_datetime(frame["date"]).dt.strftime("%Y-%m").to_numpy()
    series = frame.assign(month=dates).set_index(["metric", "group", "month"])["value"]

    def at(metric: str, group: str, month: str) -> float:
        return float(series.loc[(metric, group, month)])

    values = {}
    for o in outputs:
        month = o.month or until
        if o.name.startswith("scaled"):
            values[o.name] = 100.0 * at("stage_share.scaled", "all", month)
        elif o.name == "productivity_end":
            values[o.name] = at("gain_realised.productivity", "all", month)
        else:
            values[o.name] = 100.0 * (
                at("deployed_view.technique", "all", month)
                - at("deployed_view.business", "all", month)
            )
    return values


def _sha(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def run_sensitivity(
    method: str = "morris",
    samples: int = 10,
    *,
    out: str | os.PathLike[str] = "aiadopt-out/sensitivity",
    firms: int | None = None,
    until: str | None = None,
    workers: int | None = None,
    scheduler: Any = None,
    replicates: int = DEFAULT_REPLICATES,
    seed: int = DEFAULT_SEED,
    parameters: Sequence[str] | None = None,
    spec: CalibrationSpec | str | os.PathLike[str] | None = None,
    plausible_set: str | os.PathLike[str] | None = None,
    base: Params | None = None,
    progress: bool = False,
    echo: Callable[[str], None] | None = None,
    figures: Figures | None = None,
) -> SensitivityResult:
    """Global sensitivity analysis of the calibrated parameters (see the module docstring).

    Args:
        method: ``"morris"`` (elementary effects: mu_star, sigma; cheap screening) or
            ``"sobol"`` (Saltelli: total ST and first-order S1 indices, no second order).
        samples: Morris: trajectories (``samples x (D + 1)`` vectors for D parameters);
            Sobol': base samples N, a power of 2 (``N x (D + 2)`` vectors).
        out: the folder (created; the same call resumes it; default as ``aiadopt
            sensitivity``'s, ``aiadopt-out/sensitivity``).
        firms, until: number of firms and last month (default: the shipped parameters').
        workers, scheduler: local processes (1: this process) or a Dask scheduler address.
        replicates: seeds per vector (the same for every vector), averaged.
        seed: root seed of the SALib sample and of the replicate seeds.
        parameters: a subset of the spec's free parameters (default: all).
        spec: the calibration spec (default: the packaged one).
        plausible_set: a ``fitted_set.csv`` for the ranges (default: the packaged one, if any).
        base: the parameters the sampled ones are set on (default: the shipped ones).
        echo: where to say what is happening (e.g. ``print``).
        figures: the figures hook (:data:`Figures`), e.g. a bar plot of each output's
            indices (``<output>.png`` and ``.svg``); ``None``: tables only.
    """
    say = echo or (lambda _msg: None)
    if method not in METHODS:
        raise SensitivityError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if not isinstance(samples, int) or samples < 2:
        raise SensitivityError(
            f"samples must be an integer of at least 2 (the intervals need 2), got {samples!r}"
        )
    if method == "sobol" and samples & (samples - 1):
        raise SensitivityError(f"sobol needs samples = a power of 2 (Saltelli), got {samples}")
    if replicates < 1:
        raise SensitivityError(f"replicates must be at least 1, got {replicates}")
    if base is None:
        base, base_source = shipped_params()
    else:
        base_source = "parameters given by the caller"
    firms = base.n_firms if firms is None else int(firms)
    until = base.horizon if until is None else until
    try:
        check_last_month(until)
        base = base.replace(n_firms=firms, horizon=until)
    except (ValueError, TypeError) as exc:
        raise SensitivityError(f"until: {exc}") from None
    notes = []
    outputs = []
    for o in OUTPUTS:
        if o.month is not None and month_index(o.month) > month_index(until):
            notes.append(f"{o.name} left out: the runs stop at {until}, before {o.month}")
        else:
            outputs.append(o)
    if not outputs:
        raise SensitivityError(f"no output: the runs stop at {until}")

    free, problem, source = define_problem(spec, parameters, plausible_set)
    if method == "morris" and len(free) < 2:
        raise SensitivityError("morris needs at least 2 parameters")
    x = _sample(method, problem, samples, seed)
    seeds = [replicate_seed(seed, k) for k in range(replicates)]
    rows_params = [to_params(row, free, base) for row in x]

    manifest = {
        "format": FORMAT,
        "kind": "sensitivity",
        **provenance(base, seed, f"{base_source} (the base of the sample)"),
        "root_seed": seed,
        "replicates": replicates,
        "firms": firms,
        "until": until,
        "metrics": list(_METRICS),
        "parameters": {
            "names": problem["names"],
            "bounds": problem["bounds"],
            "log": [p.log for p in free],
            "ranges": source,
        },
        "scenarios": {"method": method, "samples": samples, "rows": len(x), "x": _sha(x.tolist())},
    }
    out = Path(out)
    specs = [
        RunSpec(
            scenario=_row_name(i),
            replicate=k,
            seed=s,
            params=p,
            interventions=(),
            until=until,
            metrics=_METRICS,
            meta={
                **provenance(p, s, f"row {i} of the {method} sample; ranges: {source}"),
                "sensitivity_row": i,
                "replicate": k,
            },
        )
        for i, p in enumerate(rows_params)
        for k, s in enumerate(seeds)
    ]
    with contextlib.ExitStack() as stack:
        # the executor first (a Dask scheduler is reached here): nothing is written before
        # every input is known to be good; a local pool starts its workers only when used
        executor = stack.enter_context(make_executor(workers, scheduler))
        store = stack.enter_context(Store(out))
        try:
            resuming = store.open(manifest)
        except ExperimentError as exc:
            raise SensitivityError(str(exc)) from None
        cols = {"row": np.arange(len(x))} | {n: x[:, j] for j, n in enumerate(problem["names"])}
        store.write_table(pd.DataFrame(cols), "sample.csv")
        done = store.completed(s.key for s in specs)
        todo = [s for s in specs if s.key not in done]
        say(
            f"Sensitivity ({method}): {len(free)} parameters, {len(x)} vectors x {replicates} "
            f"replicate(s) = {len(specs)} runs of {firms:,} firms to {until}; ranges: {source}"
            + (f"; resuming, {len(done)} done" if resuming else "")
        )
        if todo:
            say(f"Running {len(todo)} runs on {executor.description}")
            _execute(executor, todo, store, len(specs), len(done), progress)
        failures = store.failures()
        if failures:
            raise SensitivityError(
                f"{len(failures)} run(s) failed (see {store.failures_dir}); the finished runs "
                "are kept: run the same command again to retry them. First error: "
                f"{failures[0].get('error')}"
            )
        values = _collect(store, specs, outputs, until, len(x), replicates)
        store.write_table(values, "outputs.csv")
        records = []
        for o in outputs:
            y = values[o.name].to_numpy(dtype=np.float64)
            with warnings.catch_warnings():  # a constant output: numpy's 0/0 warnings
                warnings.simplefilter("ignore", RuntimeWarning)
                analysed = _analyze(method, problem, x, y, seed)
            for name, index, value, conf in analysed:
                records.append((o.name, name, index, value, conf))
        indices = pd.DataFrame(records, columns=["output", "parameter", "index", "value", "conf"])
        paths = {"indices": store.write_table(indices, "indices.csv")}
    result = SensitivityResult(
        method=method,
        parameters=problem["names"],
        bounds=[(p.low, p.high) for p in free],
        ranges_source=source,
        outputs=outputs,
        indices=indices,
        sample=x,
        values=values,
        out=out,
        paths=paths,
        n_runs=len(specs),
        n_ran=len(todo),
        notes=notes,
        provenance={
            k: manifest.get(k)
            for k in ("version", "param_hash", "root_seed", "replicates", "firms")
        },
    )
    if figures is not None:
        paths.update(_write_figures(result, figures))
    return result


def _write_figures(result: SensitivityResult, figures: Figures) -> dict[str, Path]:
    """The files of the figures hook for every output, written together; by output name
    (its first file, e.g. the PNG)."""
    main, second = INDEX_NAMES[result.method]
    drawn: dict[str, dict[str, bytes]] = {}
    for o in result.outputs:
        meta = {
            "method": result.method,
            "main": main,
            "second": second,
            "vectors": str(len(result.sample)),
            "output": o.name,
            "label": o.label,
            "unit": o.unit,
            **{k: str(v) for k, v in result.provenance.items() if v is not None},
        }
        drawn[o.name] = dict(figures(result.indices[result.indices["output"] == o.name], meta))
    paths = {}
    with staged(result.out) as stage:
        for name, files in drawn.items():
            for i, (file, data) in enumerate(files.items()):
                final = stage.write(file, data)
                if i == 0:
                    paths[name] = final
    return paths


def _execute(executor, todo, store: Store, total: int, n_done: int, progress: bool) -> None:
    bar = progress_bar(total, initial=n_done, unit="run", desc="Sensitivity", enabled=progress)
    with bar, contextlib.closing(executor.run(todo)) as outcomes:
        for _ in store.file_outcomes(outcomes, todo):
            bar.update()


def _collect(
    store: Store,
    specs: Sequence[RunSpec],
    outputs: Sequence[Output],
    until: str,
    n_rows: int,
    replicates: int,
) -> pd.DataFrame:
    """Outputs per sample row, averaged over the replicates."""
    sums = np.zeros((n_rows, len(outputs)))
    for spec in specs:
        path = store.run_path(*spec.key)
        try:
            frame = decode_parquet(path.read_bytes())
            got = _read_outputs(frame, outputs, until)
        except (OSError, KeyError, ValueError) as exc:
            raise SensitivityError(
                f"{path}: unreadable run ({type(exc).__name__}: {exc}); delete it and resume"
            ) from None
        row = int(spec.scenario[1:])
        sums[row] += [got[o.name] for o in outputs]
    means = sums / replicates
    frame = pd.DataFrame(means, columns=[o.name for o in outputs])
    frame.insert(0, "row", np.arange(n_rows))
    return frame
