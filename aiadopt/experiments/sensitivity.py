"""Global sensitivity analysis of the model over its priors (Morris or Sobol', with SALib).

Which parameters move the answers that matter?  :func:`run_sensitivity` (and ``aiadopt
sensitivity``) samples every uncertain parameter, runs the model for every sample row through
the experiments' executor (local process pool, this process, or a Dask cluster; resumable),
averages replicates run with common random numbers, and lets SALib compute the indices.

The parameters (issue 13, point 8).  Every scalar parameter element with an uncertain prior
(:func:`aiadopt.calibration.priors.load_priors`: 235 in the packaged priors), the levers'
effects (``strategy_effect[3]``, ``training_effect`` ...) included; ``parameters=`` keeps a
subset.  Share vectors (Dirichlet priors: ``size_shares``, ``sector_shares``,
``ad_hoc_shares``) are left out: their elements cannot move one at a time, and they describe
the population, not a mechanism; they keep their base values.

The ranges.  ``ranges="prior"`` (the default, whether or not a posterior ships): each
parameter over the central 90% of its prior (its 5% and 95% quantiles, within its allowed
range).  ``ranges="posterior"``: over the 5% and 95% quantiles of its column in a posterior
sample (the shipped ``aiadopt/calibration/posterior.csv`` or ``posterior=``; a parameter the
sample lacks keeps its prior range).  The prior is the default because it asks which
parameters COULD move the answers over what is believed before the data, it is the same
whether or not a calibration ships, and the identifiability report compares it with the
posterior; the posterior ranges ask which still do.  SALib samples each parameter's
cumulative probability ``u`` in [0.05, 0.95] and the parameter is set to the ``u``-quantile of
its prior (or posterior) distribution: a log-normal prior is sampled on the log scale, a
Morris step is a step in probability, and a Morris index is "the output's change over 2/3
of the range" in the output's unit.  The one constraint between parameters,
``no_collaboration_threshold < balanced_threshold``, is kept by lowering a conflicting
``no_collaboration_threshold`` to 0.01 below ``balanced_threshold`` (the number of sample rows
adjusted is in the notes).  The other parameters keep the base values (the shipped point,
:func:`aiadopt.model.params.shipped_params`; with posterior ranges from a file, its median).

Cost.  Morris with ``r`` trajectories costs ``r x (D + 1)`` parameter vectors for D
parameters (2,360 for r = 10 and all 235), each run ``replicates`` times; Sobol' ``N x (D +
2)``.  The defaults (Morris, r = 10, 1 replicate, 3,000 firms to 2030-12) make 2,360 runs:
about 2-3 minutes on 2 cores.

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
    out/sample.csv                the sample, one row per parameter vector (parameter units)
    out/runs/sNNNNN/RRRR.parquet  one run (sample row NNNNN, replicate RRRR), written atomically
    out/outputs.csv               the outputs of every sample row (replicate means)
    out/indices.csv               output, parameter, index, value, conf (95% half-width)
    out/ranges.csv                parameter, low, high (5% and 95% quantiles), source
    out/<output>.png, .svg        the files of the ``figures`` hook, if given (``aiadopt
                                  sensitivity`` draws a bar plot of each output's indices)

Interrupted, the same call resumes: finished runs are kept, only the missing ones run.
This module computes tables only; figures come from the views layer through ``figures=``.
"""

from __future__ import annotations

import contextlib
import dataclasses
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

from ..calibration.draws import load_posterior, packaged_posterior, posterior_median
from ..calibration.errors import CalibrationError, SpecError
from ..calibration.free import apply_values
from ..calibration.priors import Prior, load_priors
from ..files import provenance, staged
from ..model import ParameterError, Params
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
    "RANGES",
    "Figures",
    "Output",
    "Problem",
    "Ranged",
    "SensitivityError",
    "SensitivityResult",
    "define_problem",
    "run_sensitivity",
    "sensitivity_parameters",
]

METHODS = ("morris", "sobol")
DEFAULT_SEED = 42
DEFAULT_REPLICATES = 1
DEFAULT_FIRMS = 3_000
"""Firms per run by default: 2,360 runs of 3,000 firms take minutes, of 10,000 a quarter of an
hour (the indices rank parameters; a smaller population adds noise the replicates average)."""
MORRIS_LEVELS = 4
RANGES = ("prior", "posterior")
QUANTILES = (0.05, 0.95)
"""Each parameter ranges between these quantiles of its prior (or posterior)."""
ORDERED = (("no_collaboration_threshold", "balanced_threshold"),)
"""Pairs of parameters whose values must stay in this order (Params checks it)."""
ORDER_MARGIN = 0.01
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
(index names, :data:`INDEX_NAMES`), ``vectors`` (sample rows), ``output``, ``label``,
``unit`` and ``ranges`` (where the ranges come from); returns file name -> bytes (e.g.
``{"scaled_end.png": ..., "scaled_end.svg": ...}``).  Every output's files are written
together, atomically."""


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


@dataclass(frozen=True)
class Ranged:
    """One parameter of the analysis: its range (the 5% and 95% quantiles of its prior or
    posterior, in parameter units) and its quantile function (cumulative probability ->
    value)."""

    name: str
    low: float
    high: float
    quantile: Callable[[np.ndarray], np.ndarray]
    source: str  # "prior" or "posterior"


@dataclass(frozen=True)
class Problem:
    """The parameters, SALib's problem (every parameter's probability in [0.05, 0.95]), the
    base parameters and where the ranges come from."""

    parameters: list[Ranged]
    salib: dict[str, Any]
    base: Params
    base_source: str
    ranges_source: str

    def values(self, x: np.ndarray) -> list[dict[str, float]]:
        """The parameter values (units) of every row of a sample on the probability scale."""
        columns = np.column_stack([p.quantile(x[:, j]) for j, p in enumerate(self.parameters)])
        names = [p.name for p in self.parameters]
        return [dict(zip(names, map(float, row), strict=True)) for row in columns]


def sensitivity_parameters(priors: str | os.PathLike[str] | None = None) -> list[Prior]:
    """The priors the analysis ranges over: every uncertain scalar prior (share vectors, as
    Dirichlet priors, left out; see the module docstring)."""
    try:
        prior_set = load_priors(priors)
    except (SpecError, OSError) as exc:
        raise SensitivityError(str(exc)) from None
    return [p for p in prior_set.uncertain if p.family != "dirichlet"]


def _select(candidates: Sequence[Prior], parameters: Sequence[str] | None) -> list[Prior]:
    if parameters is None:
        return list(candidates)
    by_name = {p.name: p for p in candidates}
    unknown = [n for n in parameters if n not in by_name]
    if unknown:
        raise SensitivityError(
            f"not an uncertain scalar parameter with a prior: {', '.join(unknown)} "
            f"({len(by_name)} are: the scalar elements of 'aiadopt params' whose prior is not "
            "fixed, e.g. bass_p, strategy_effect[3]; share vectors are left out)"
        )
    if not parameters:
        raise SensitivityError("no parameter selected")
    return [by_name[n] for n in dict.fromkeys(parameters)]


def _prior_quantile(prior: Prior) -> Callable[[np.ndarray], np.ndarray]:
    """The quantile function of a prior truncated to the parameter's allowed range (as
    :meth:`Prior.sample` and :meth:`Prior.interval` truncate it)."""
    dist = prior.frozen()
    lo = 0.0 if prior.low is None else float(dist.cdf(prior.low))
    hi = 1.0 if prior.high is None else float(dist.cdf(prior.high))
    low = -np.inf if prior.low is None else prior.low
    high = np.inf if prior.high is None else prior.high

    def quantile(u: np.ndarray) -> np.ndarray:
        return np.clip(dist.ppf(lo + (hi - lo) * np.asarray(u, dtype=float)), low, high)

    return quantile


def _sample_quantile(column: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """The empirical quantile function of a posterior sample's column."""
    values = np.sort(np.asarray(column, dtype=float))

    def quantile(u: np.ndarray) -> np.ndarray:
        return np.quantile(values, np.asarray(u, dtype=float))

    return quantile


def _ranged(prior: Prior, posterior: pd.DataFrame | None) -> Ranged:
    if posterior is not None and prior.name in posterior.columns:
        q, source = _sample_quantile(posterior[prior.name].to_numpy()), "posterior"
    else:
        q, source = _prior_quantile(prior), "prior"
    low, high = (float(v) for v in q(np.array(QUANTILES)))
    return Ranged(prior.name, low, high, q, source)


def define_problem(
    parameters: Sequence[str] | None = None,
    *,
    priors: str | os.PathLike[str] | None = None,
    ranges: str = "prior",
    posterior: str | os.PathLike[str] | None = None,
    base: Params | None = None,
) -> Problem:
    """The analysis's parameters with their ranges, SALib's problem and the base parameters
    (see the module docstring).  ``ranges="posterior"`` reads ``posterior`` (default: the
    packaged ``posterior.csv``; an error if there is none)."""
    if ranges not in RANGES:
        raise SensitivityError(f"unknown ranges {ranges!r}; choose one of {', '.join(RANGES)}")
    chosen = _select(sensitivity_parameters(priors), parameters)
    frame = None
    given = base is not None
    if base is None:
        base, base_source = shipped_params()
    else:
        base_source = "parameters given by the caller"
    qlo, qhi = (f"{100 * q:g}%" for q in QUANTILES)
    if ranges == "posterior":
        path = packaged_posterior() if posterior is None else Path(posterior)
        if posterior is None and not path.is_file():
            raise SensitivityError(
                f"ranges 'posterior': no posterior sample shipped ({path}); give one "
                "(--posterior FILE) or use the prior ranges"
            )
        try:
            sample = load_posterior(path, base=base)
        except CalibrationError as exc:
            raise SensitivityError(str(exc)) from None
        frame = sample.frame
        if posterior is not None and not given:
            base, base_source = posterior_median(sample, base), f"the median of {path}"
        where = "aiadopt/calibration/posterior.csv" if posterior is None else str(path)
        source = f"{qlo}-{qhi} quantiles of the posterior sample {where} ({len(sample)} draws)"
    else:
        source = f"central 90% of each prior ({_priors_name(priors)})"
    ranged = [_ranged(p, frame) for p in chosen]
    fallback = [r.name for r in ranged if frame is not None and r.source == "prior"]
    if fallback:
        source += f"; prior ranges for {len(fallback)} parameter(s) the sample lacks"
    salib = {
        "num_vars": len(ranged),
        "names": [r.name for r in ranged],
        "bounds": [list(QUANTILES)] * len(ranged),
    }
    return Problem(ranged, salib, base, base_source, source)


def _priors_name(priors: str | os.PathLike[str] | None) -> str:
    return "aiadopt/calibration/priors.toml" if priors is None else str(priors)


def _keep_order(values: dict[str, float], base: Params) -> bool:
    """Lower the first of each :data:`ORDERED` pair below the second where a row puts it
    above; returns whether the row was adjusted."""
    adjusted = False
    for first, second in ORDERED:
        a = values.get(first, getattr(base, first))
        b = values.get(second, getattr(base, second))
        if a >= b:
            values[first] = max(b - ORDER_MARGIN, 0.0)
            adjusted = True
    return adjusted


def _row_params(problem: Problem, x: np.ndarray) -> tuple[list[Params], int]:
    """Every sample row as parameters, and how many rows :func:`_keep_order` adjusted."""
    rows, adjusted = [], 0
    for values in problem.values(x):
        adjusted += _keep_order(values, problem.base)
        try:
            rows.append(apply_values(values, problem.base))
        except (ValueError, ParameterError) as exc:
            raise SensitivityError(f"sample row {len(rows)}: {exc}") from None
    return rows, adjusted


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
    firms: int | None = DEFAULT_FIRMS,
    until: str | None = None,
    workers: int | None = None,
    scheduler: Any = None,
    replicates: int = DEFAULT_REPLICATES,
    seed: int = DEFAULT_SEED,
    parameters: Sequence[str] | None = None,
    priors: str | os.PathLike[str] | None = None,
    ranges: str = "prior",
    posterior: str | os.PathLike[str] | None = None,
    base: Params | None = None,
    progress: bool = False,
    echo: Callable[[str], None] | None = None,
    figures: Figures | None = None,
) -> SensitivityResult:
    """Global sensitivity analysis over the parameters' priors (see the module docstring).

    Args:
        method: ``"morris"`` (elementary effects: mu_star, sigma; cheap screening) or
            ``"sobol"`` (Saltelli: total ST and first-order S1 indices, no second order).
        samples: Morris: trajectories (``samples x (D + 1)`` vectors for D parameters);
            Sobol': base samples N, a power of 2 (``N x (D + 2)`` vectors).
        out: the folder (created; the same call resumes it; default as ``aiadopt
            sensitivity``'s, ``aiadopt-out/sensitivity``).
        firms: number of firms (default :data:`DEFAULT_FIRMS`; None: the base parameters').
        until: last month (default: the base parameters' horizon).
        workers, scheduler: local processes (1: this process) or a Dask scheduler address.
        replicates: seeds per vector (the same for every vector), averaged.
        seed: root seed of the SALib sample and of the replicate seeds.
        parameters: a subset of the uncertain scalar parameters (default: all of them).
        priors: a priors file (default: the packaged ``priors.toml``).
        ranges: ``"prior"`` (central 90% of each prior) or ``"posterior"`` (5-95% quantiles
            of the posterior sample).
        posterior: the posterior sample for ``ranges="posterior"`` (default: the packaged
            one).
        base: the parameters the sampled ones are set on (default: the shipped ones; with a
            ``posterior`` file, its median).
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
    problem = define_problem(
        parameters, priors=priors, ranges=ranges, posterior=posterior, base=base
    )
    base, base_source = problem.base, problem.base_source
    firms = base.n_firms if firms is None else int(firms)
    until = base.horizon if until is None else until
    try:
        check_last_month(until)
        base = base.replace(n_firms=firms, horizon=until)
    except (ValueError, TypeError) as exc:
        raise SensitivityError(f"until: {exc}") from None
    problem = dataclasses.replace(problem, base=base)
    notes = []
    outputs = []
    for o in OUTPUTS:
        if o.month is not None and month_index(o.month) > month_index(until):
            notes.append(f"{o.name} left out: the runs stop at {until}, before {o.month}")
        else:
            outputs.append(o)
    if not outputs:
        raise SensitivityError(f"no output: the runs stop at {until}")

    source = problem.ranges_source
    if method == "morris" and len(problem.parameters) < 2:
        raise SensitivityError("morris needs at least 2 parameters")
    x = _sample(method, problem.salib, samples, seed)
    seeds = [replicate_seed(seed, k) for k in range(replicates)]
    rows_params, adjusted = _row_params(problem, x)
    if adjusted:
        first, second = ORDERED[0]
        notes.append(
            f"{adjusted} of {len(x)} sample rows put {first} at or above {second}: it was "
            f"lowered to {ORDER_MARGIN} below"
        )

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
            "names": problem.salib["names"],
            "low": [p.low for p in problem.parameters],
            "high": [p.high for p in problem.parameters],
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
        store.write_table(_sample_table(problem, rows_params), "sample.csv")
        store.write_table(_ranges_table(problem), "ranges.csv")
        done = store.completed(s.key for s in specs)
        todo = [s for s in specs if s.key not in done]
        say(
            f"Sensitivity ({method}): {len(problem.parameters)} parameters, {len(x)} vectors x "
            f"{replicates} "
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
                analysed = _analyze(method, problem.salib, x, y, seed)
            for name, index, value, conf in analysed:
                records.append((o.name, name, index, value, conf))
        indices = pd.DataFrame(records, columns=["output", "parameter", "index", "value", "conf"])
        paths = {"indices": store.write_table(indices, "indices.csv")}
    result = SensitivityResult(
        method=method,
        parameters=problem.salib["names"],
        bounds=[(p.low, p.high) for p in problem.parameters],
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
            "ranges": result.ranges_source,
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


def _sample_table(problem: Problem, rows: Sequence[Params]) -> pd.DataFrame:
    """The sample in parameter units: one row per vector, one column per parameter."""
    columns: dict[str, Any] = {"row": np.arange(len(rows))}
    for p in problem.parameters:
        field_name, _, index = p.name.partition("[")
        values = [getattr(r, field_name) for r in rows]
        columns[p.name] = [v[int(index[:-1])] for v in values] if index else values
    return pd.DataFrame(columns)


def _ranges_table(problem: Problem) -> pd.DataFrame:
    """Each parameter's range (5% and 95% quantiles) and whether it is the prior's or the
    posterior's."""
    return pd.DataFrame(
        {
            "parameter": [p.name for p in problem.parameters],
            "low": [p.low for p in problem.parameters],
            "high": [p.high for p in problem.parameters],
            "source": [p.source for p in problem.parameters],
        }
    )
