"""Run an experiment: scenarios x replicates, on local processes or a Dask cluster, resumable.

From Python (a notebook)::

    from aiadopt.experiments import run_experiment
    results = run_experiment(["baseline", "strategy"], replicates=20, firms=2_000)
    results.query("metric == 'stage_share.scaled' and group == 'all'")

or, for the summary table and everything the command prints::

    from aiadopt.experiments import execute_experiment
    exp = execute_experiment(["baseline", "strategy"], replicates=20, out="exp-out")
    exp.summary                # the summary table (see aiadopt.experiments.summary)
    print(exp.format_summary())

``aiadopt experiment`` (see :mod:`aiadopt.cli`) calls :func:`execute_experiment`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..calibration.report import save_fit_table
from ..files import __version__, provenance
from ..model import Params
from ..model.clock import LAST_MONTH, check_last_month, months_between
from ..model.params import shipped_params
from ..progress import progress as progress_bar
from .executors import make_executor
from .runner import RunSpec, check_indicator_metrics, resolve_metrics
from .scenarios import BUILTIN_SCENARIOS, Scenario, ScenarioError, load_scenarios
from .seeds import ParameterSource, parameter_source, replicate_seed
from .store import (
    FORMAT,
    RESULTS_FILE,
    RUNS_INDEX,
    SUMMARY_FILE,
    ExperimentError,
    Store,
    read_runs,
)
from .summary import (
    INDICATORS,
    NAMED_INDICATORS,
    Indicator,
    format_summary,
    parse_indicators,
    parse_months,
    summarise,
)

__all__ = ["ExperimentResult", "execute_experiment", "plan_experiment", "run_experiment"]

DEFAULT_REPLICATES = 20
DEFAULT_SEED = 42

ScenarioSpec = str | os.PathLike[str] | Scenario


@dataclass(frozen=True)
class Plan:
    """An experiment resolved into its runs (before anything runs)."""

    scenarios: list[Scenario]
    replicates: int
    root_seed: int
    firms: int
    start: str
    until: str
    metrics: tuple[str, ...] | None
    source: ParameterSource
    specs: list[RunSpec]
    notes: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.scenarios]

    @property
    def point(self) -> Params:
        """The experiment's point estimate with its number of firms: the parameters of its
        fit table (saved as ``parameters.toml``, :func:`aiadopt.experiments.store.load_point`)."""
        return self.source.point.replace(n_firms=self.firms)

    def manifest(self) -> dict[str, Any]:
        """What the experiment is (checked when it resumes; see aiadopt.experiments.store)."""
        return {
            "format": FORMAT,
            **self.stamp(),
            "root_seed": self.root_seed,
            "replicates": self.replicates,
            "firms": self.firms,
            "until": self.until,
            "metrics": "all" if self.metrics is None else list(self.metrics),
            "scenarios": [s.to_dict() for s in self.scenarios],
        }

    def stamp(self) -> dict[str, str]:
        """The experiment's provenance (:func:`aiadopt.files.provenance` of its point estimate
        and root seed) with, for a posterior sample, the sample's hash
        (:meth:`ParameterSource.digest`) as ``param_hash``."""
        stamp = provenance(self.source.point, self.root_seed, self.source.description)
        return {**stamp, "param_hash": self.source.digest()}


def plan_experiment(
    scenarios: ScenarioSpec | Iterable[ScenarioSpec] | None = None,
    replicates: int = DEFAULT_REPLICATES,
    seed: int = DEFAULT_SEED,
    firms: int | None = None,
    until: str | None = None,
    *,
    metrics: str | Iterable[str] | None = "default",
    parameter_set: Any = "shipped",
) -> Plan:
    """Resolve an experiment into its runs; every error is raised here, before any run.

    Replicate ``k`` has the same seed and parameter vector in every scenario (see
    :mod:`aiadopt.experiments.seeds`); each scenario's overrides apply on top.
    """
    points = load_scenarios(list(BUILTIN_SCENARIOS) if scenarios is None else scenarios)
    if isinstance(replicates, bool) or not isinstance(replicates, int) or replicates < 1:
        raise ExperimentError(f"replicates must be an integer >= 1, got {replicates!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ExperimentError(f"seed must be an integer >= 0, got {seed!r}")
    if firms is not None and (isinstance(firms, bool) or not isinstance(firms, int) or firms < 1):
        raise ExperimentError(f"firms must be an integer >= 1, got {firms!r}")
    try:
        selected = resolve_metrics(metrics)
        source = parameter_source(parameter_set)
    except ValueError as exc:
        raise ExperimentError(str(exc)) from None
    defaults = shipped_params()[0]
    firms = defaults.n_firms if firms is None else firms
    until = defaults.horizon if until is None else until
    try:
        check_last_month(until)
    except ValueError as exc:
        raise ExperimentError(f"until must be a month YYYY-MM up to {LAST_MONTH}: {exc}") from None
    start = source.vectors[0].start
    if months_between(start, until) < 1:
        raise ExperimentError(f"until {until} is not after the start of the model ({start})")

    notes = []
    for point in points:
        for iv in point.interventions:
            if iv.start < start:
                where = point.origin or f"scenario {point.name}"
                raise ScenarioError(
                    f"{where}: {iv.label} starts {iv.start}, before the model starts ({start}); "
                    f"an intervention must start within the run, {start} to {until}"
                )
            if iv.start > until:
                notes.append(
                    f"scenario {point.name}: {iv.label} starts {iv.start}, after the last "
                    f"month {until}: it never acts"
                )
    bases: dict[int | None, Params] = {}
    draws = []
    for k in range(replicates):
        params, index = source.draw(seed, k)
        if index not in bases:
            bases[index] = params.replace(n_firms=firms, horizon=until)
        draws.append((bases[index], index))
    specs = []
    for point in points:
        hashes: dict[int | None, tuple[Params, str]] = {}
        for k, (base, index) in enumerate(draws):
            if index not in hashes:
                try:
                    params = point.apply(base)
                except ValueError as exc:
                    where = point.origin or f"scenario {point.name}"
                    raise ScenarioError(f"{where}: {exc}") from None
                hashes[index] = (params, params.hash())
            params, digest = hashes[index]
            specs.append(
                RunSpec(
                    scenario=point.name,
                    replicate=k,
                    seed=replicate_seed(seed, k),
                    params=params,
                    interventions=point.interventions,
                    until=until,
                    metrics=selected,
                    param_draw=index,
                    param_hash=digest,
                    meta=_run_meta(params, source, seed, firms, until, point.name, k, index),
                )
            )
    return Plan(points, replicates, seed, firms, start, until, selected, source, specs, notes)


@dataclass(eq=False)
class ExperimentResult:
    """What :func:`execute_experiment` did and found."""

    results: pd.DataFrame
    summary: pd.DataFrame
    plan: Plan
    out: Path | None
    ran: int
    resumed: int
    failures: list[dict[str, Any]]
    elapsed: float
    executor: str
    paths: dict[str, Path] = field(default_factory=dict)
    run_cpu: float = 0.0
    """CPU seconds the runs of this call used in their workers (their sum)."""
    indicators: tuple[Indicator, ...] = INDICATORS
    """The summary's indicators."""

    @property
    def complete(self) -> bool:
        return not self.failures and self.ran + self.resumed == len(self.plan.specs)

    def format_summary(self) -> str:
        """What each scenario changes, the summary tables, the failures and the files
        written, as text."""
        lines = ["", describe_scenarios(self.plan.scenarios), "",
                 format_summary(self.summary, self.indicators)]  # fmt: skip
        if self.failures:
            lines += ["", f"{len(self.failures)} run(s) failed (not in the results):"]
            for f in self.failures[:10]:
                lines.append(
                    f"  {f.get('scenario')} replicate {f.get('replicate')}: {f.get('error')}"
                )
            if len(self.failures) > 10:
                lines.append(f"  ... and {len(self.failures) - 10} more")
            if self.out is not None:
                lines.append(
                    f"Their tracebacks are in {self.out / 'failures'}/; run the same command "
                    "again to retry them."
                )
        if self.paths:
            lines += ["", f"Wrote to {self.out}/:"]
            lines += [f"  {p.relative_to(self.out)}" for p in self.paths.values()]
        return "\n".join(lines)


def execute_experiment(
    scenarios: ScenarioSpec | Iterable[ScenarioSpec] | None = None,
    replicates: int = DEFAULT_REPLICATES,
    workers: int | None = None,
    seed: int = DEFAULT_SEED,
    firms: int | None = None,
    until: str | None = None,
    out: str | os.PathLike[str] | None = None,
    scheduler: Any = None,
    progress: bool = True,
    *,
    metrics: str | Iterable[str] | None = "default",
    reference: str | None = None,
    parameter_set: Any = "shipped",
    echo: Callable[[str], None] | None = None,
    fit: bool = False,
    indicators: str | Sequence[str | Indicator] | None = None,
    months: str | Sequence[str] | None = None,
) -> ExperimentResult:
    """Run every scenario point for every replicate; return the results and their summary.

    Args:
        scenarios: built-in names (:data:`~aiadopt.experiments.scenarios.BUILTIN_SCENARIOS`),
            TOML files or :class:`Scenario` objects; ``None``: every built-in scenario.
        replicates: replicates per scenario point (replicate k: the same seed and parameter
            vector in every scenario).
        workers: local worker processes (default: the CPUs available; 1 runs in this process).
        seed: the root seed replicate seeds are spawned from.
        firms: number of firms (default: the shipped parameters' ``n_firms``).
        until: last month ``YYYY-MM`` (default: the shipped parameters' horizon).
        out: the experiment's folder (see :mod:`aiadopt.experiments.store`): runs are written
            there as they finish, and the same call resumes an interrupted experiment.
            ``None``: a temporary folder, removed at the end.
        scheduler: a Dask scheduler address (or ``distributed.Client``) to run on instead of
            local processes.
        progress: show a progress bar (on a terminal).
        metrics: what to keep: ``"default"``, ``"all"``, or categories / metric names.
        reference: the scenario differences are taken to (default ``baseline`` if present,
            else the first scenario).
        parameter_set: ``"shipped"`` (the posterior sample ``aiadopt/calibration/
            posterior.csv`` if shipped, one draw per replicate, else the shipped point),
            ``"none"`` (the shipped point only), a ``posterior.csv`` path, or ``Params``
            objects (see :func:`aiadopt.experiments.seeds.parameter_source`).
        echo: called with lines of text saying what happens (e.g. ``print``).
        fit: also compute the calibration fit table of the experiment's point estimate (the
            shipped fit by default; with ``firms`` firms) and save it in ``out`` as
            ``fit_report.csv``
            (:func:`aiadopt.calibration.report.save_fit_table`), for ``aiadopt plot`` and
            ``aiadopt report``; needs ``out``.
        indicators: the summary's indicators (names of
            :data:`~aiadopt.experiments.summary.NAMED_INDICATORS`, ``METRIC@GROUP`` or
            :class:`~aiadopt.experiments.summary.Indicator`; default share at scale and
            realised productivity).
        months: the summary's months ``YYYY-MM`` (default 2027-12 and the last month).

    Raises:
        ScenarioError: a scenario file is wrong (the message names the file and key).
        ExperimentError: bad arguments, or ``out`` holds another experiment.
        ExecutorError: the Dask cluster cannot be used.
        KeyboardInterrupt: interrupted; the finished runs are kept in ``out``.
    """
    say = echo or (lambda _line: None)
    if fit and out is None:
        raise ExperimentError("fit=True needs an output folder (out=) to save the fit table in")
    t0 = time.perf_counter()
    plan = plan_experiment(
        scenarios, replicates, seed, firms, until, metrics=metrics, parameter_set=parameter_set
    )
    if reference is not None and reference not in plan.names:
        raise ExperimentError(
            f"reference scenario {reference!r} is not among {', '.join(plan.names)}"
        )
    chosen, months = _summary_choices(plan, indicators, months)
    with contextlib.ExitStack() as stack:
        # the executor first (a Dask scheduler is reached here): nothing is written before
        # every input is known to be good; a local pool starts its workers only when used
        executor = stack.enter_context(make_executor(workers, scheduler))
        if out is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="aiadopt-exp-")))
        else:
            folder = Path(out)
        store = stack.enter_context(Store(folder))
        resuming = store.open(plan.manifest())
        if out is not None:
            store.write_point(plan.point)
        keys = [s.key for s in plan.specs]
        done = store.completed(keys)
        todo = [s for s in plan.specs if s.key not in done]

        n_runs = len(plan.specs)
        say(
            f"aiadopt {__version__}: {len(plan.scenarios)} scenario(s) x {plan.replicates} "
            f"replicate(s) = {n_runs} runs; {plan.firms:,} firms, {plan.start} to {plan.until}; "
            f"root seed {plan.root_seed}"
        )
        say(f"Scenarios: {', '.join(plan.names)}")
        say(f"Parameters: {plan.source.description}")
        for note in plan.notes:
            say(f"Note: {note}.")
        if store.extended_from is not None:
            say(
                f"Extending {folder} from {store.extended_from} to {plan.replicates} replicates "
                "per scenario: the runs there are kept, the new replicates pair with them"
            )
        if resuming:
            say(
                f"Resuming {folder}: {len(done)} of {n_runs} runs already there, {len(todo)} to run"
            )
        if todo:
            say(f"Running {len(todo)} runs on {executor.description}")
        ran, run_cpu = _run_all(store, plan, todo, executor, len(done), progress, say)

        results = read_runs(folder, plan.names, plan.replicates)
        summary = summarise(results, reference=reference, months=months, indicators=chosen)
        failures = store.failures()
        paths: dict[str, Path] = {}
        if out is not None:
            meta = _experiment_meta(plan)
            paths["results"] = store.write_table(results, RESULTS_FILE, meta)
            paths["summary"] = store.write_table(summary, SUMMARY_FILE)
            paths["runs"] = store.write_table(_runs_index(store, plan), RUNS_INDEX)
        if fit:
            say("Computing the calibration fit table of the parameters (fit_report.csv)")
            paths["fit"] = save_fit_table(folder, plan.point, progress=progress)
        return ExperimentResult(
            indicators=chosen or INDICATORS,
            results=results,
            summary=summary,
            plan=plan,
            out=None if out is None else folder,
            ran=ran,
            resumed=len(done),
            failures=failures,
            elapsed=time.perf_counter() - t0,
            executor=executor.description if todo else "none (all runs done)",
            paths=paths,
            run_cpu=run_cpu,
        )


def run_experiment(
    scenarios: ScenarioSpec | Iterable[ScenarioSpec] | None = None,
    replicates: int = DEFAULT_REPLICATES,
    workers: int | None = None,
    seed: int = DEFAULT_SEED,
    firms: int | None = None,
    until: str | None = None,
    out: str | os.PathLike[str] | None = None,
    scheduler: Any = None,
    progress: bool = True,
    *,
    fit: bool = False,
    **options: Any,
) -> pd.DataFrame:
    """Like ``aiadopt experiment``: run the experiment (see :func:`execute_experiment` for the
    arguments; ``fit=True`` saves the fit table in ``out``) and return its tidy results:
    scenario, replicate, seed, date, metric, group, value."""
    return execute_experiment(
        scenarios,
        replicates,
        workers,
        seed,
        firms,
        until,
        out,
        scheduler,
        progress,
        fit=fit,
        **options,
    ).results


def _summary_choices(
    plan: Plan,
    indicators: str | Sequence[str | Indicator] | None,
    months: str | Sequence[str] | None,
) -> tuple[tuple[Indicator, ...] | None, list[str] | None]:
    """The summary's indicators and months, checked before any run: each indicator's metrics
    are recorded and kept, each month lies in the runs (ExperimentError naming it)."""
    chosen = None
    if indicators is not None:
        items = [indicators] if isinstance(indicators, str) else list(indicators)
        found: list[Indicator] = []
        try:
            for item in items:
                found += [item] if isinstance(item, Indicator) else parse_indicators(item)
        except ValueError as exc:
            raise ExperimentError(f"indicators: {exc}") from None
        chosen = tuple(dict.fromkeys(found))
        for ind in chosen:
            why = check_indicator_metrics(ind.metrics, ind.group, plan.metrics)
            if why:
                named = f"; named indicators: {', '.join(NAMED_INDICATORS)}"
                raise ExperimentError(f"indicators: {ind.name}: {why}{named}")
    if months is not None:
        try:
            months = parse_months(months)
        except ValueError as exc:
            raise ExperimentError(str(exc)) from None
        bad = [m for m in months if not plan.start <= m <= plan.until]
        if bad:
            raise ExperimentError(
                f"months: {bad[0]} is not in the runs, {plan.start} to {plan.until}"
            )
    return chosen, (list(months) if months is not None else None)


def describe_scenarios(scenarios: Sequence[Scenario]) -> str:
    """What each scenario changes (its ``description``: which firms, which state, from when),
    one line each; the points of a sweep share one line (``name[...]``)."""
    lines = ["What each scenario changes:"]
    seen: set[str] = set()
    for s in scenarios:
        name = s.name.split("[", 1)[0] + ("[...]" if s.coordinates else "")
        if name in seen:
            continue
        seen.add(name)
        lines.append(f"  {name}: {s.description or '(no description)'}")
    return "\n".join(lines)


# --- internals ------------------------------------------------------------------------------------
def _run_meta(
    params: Params,
    source: ParameterSource,
    root_seed: int,
    firms: int,
    until: str,
    scenario: str,
    replicate: int,
    param_draw: int | None,
) -> dict[str, Any]:
    """Metadata of one run's file: its provenance (:func:`aiadopt.files.provenance`) and
    place in the experiment (deterministic: the same bytes whatever the executor)."""
    return {
        **provenance(params, replicate_seed(root_seed, replicate), source.description),
        "scenario": scenario,
        "replicate": replicate,
        "param_draw": param_draw,
        "root_seed": root_seed,
        "firms": firms,
        "until": until,
    }


def _experiment_meta(plan: Plan) -> dict[str, Any]:
    """Metadata of the experiment's tables: its stamp (:meth:`Plan.stamp`) and shape."""
    return {
        **plan.stamp(),
        "replicates": plan.replicates,
        "firms": plan.firms,
        "until": plan.until,
        "scenarios": plan.names,
    }


def _run_all(
    store: Store,
    plan: Plan,
    todo: Sequence[RunSpec],
    executor: Any,
    n_done: int,
    progress: bool,
    say: Callable[[str], None],
) -> tuple[int, float]:
    """Run ``todo``, filing each outcome as it arrives; returns how many were filed and the
    CPU seconds they used."""
    if not todo:
        return 0, 0.0
    filed = failed = 0
    cpu = 0.0
    bar = progress_bar(len(plan.specs), initial=n_done, unit="run", desc="Experiment",
                       enabled=progress, smoothing=0.05)  # fmt: skip
    try:
        with bar, contextlib.closing(executor.run(todo)) as outcomes:
            for outcome in store.file_outcomes(outcomes, todo):
                if not outcome.ok:
                    failed += 1
                    bar.set_postfix_str(f"{failed} failed", refresh=False)
                filed += 1
                cpu += outcome.cpu
                bar.update()
    except KeyboardInterrupt:
        say(
            f"Interrupted: {n_done + filed - failed} of {len(plan.specs)} runs are kept in "
            f"{store.out}; run the same command to run the rest."
        )
        raise
    return filed, cpu


def _runs_index(store: Store, plan: Plan) -> pd.DataFrame:
    """One line per run: its seed, parameter draw and hash, and status."""
    failed: Mapping[tuple[str, int], str] = {
        (f["scenario"], int(f["replicate"])): str(f.get("error")) for f in store.failures()
    }
    rows = []
    for spec in plan.specs:
        if store.run_path(*spec.key).is_file():
            status, error = "done", ""
        elif spec.key in failed:
            status, error = "failed", failed[spec.key]
        else:
            status, error = "missing", ""
        rows.append(
            {
                "scenario": spec.scenario,
                "replicate": spec.replicate,
                "seed": spec.seed,
                "param_draw": -1 if spec.param_draw is None else spec.param_draw,
                "param_hash": spec.param_hash,
                "status": status,
                "error": error,
            }
        )
    return pd.concat([pd.DataFrame(rows), run_parameters(plan)], axis=1)


RUN_KEYS = ("scenario", "replicate")
"""The columns that name a run, in the results and in ``runs.csv``: the join keys."""


def run_parameters(plan: Plan) -> pd.DataFrame:
    """One row per run of ``plan`` (in its order): the value of each swept intervention field
    (``intervention.<name>.<field>``, empty for scenarios without it) and of each parameter
    that differs between runs (a vector's entries as ``name[i]``): the columns ``runs.csv``
    adds, so that results and parameters join in one line (see the README).  The parameters
    that are the same in every run are in ``parameters.toml``."""
    levers = [
        {path: value for path, value in s.coordinates if path.startswith("intervention.")}
        for s in plan.scenarios
    ]
    by_name = dict(zip(plan.names, levers, strict=True))
    lever_rows = pd.DataFrame([by_name[spec.scenario] for spec in plan.specs])
    flat = pd.DataFrame([_flat(spec.params) for spec in plan.specs])
    varying = [c for c in flat.columns if flat[c].nunique(dropna=False) > 1]
    return pd.concat([lever_rows, flat[varying]], axis=1)


def _flat(params: Params) -> dict[str, Any]:
    """Every parameter as a scalar column: a vector's entries as ``name[i]``."""
    out: dict[str, Any] = {}
    for name, value in params.to_dict().items():
        if isinstance(value, list):
            out.update({f"{name}[{i}]": v for i, v in enumerate(value)})
        else:
            out[name] = value
    return out
