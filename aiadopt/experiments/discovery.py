"""Scenario discovery: in which conditions (levers and uncertain parameters) does an outcome
exceed a threshold?

Design.  ``runs`` runs sample the levers and the uncertain parameters together:

- the levers: each intervention kind's ``share`` of treated firms (:data:`LEVER_KINDS`: the
  four success factors of the study, text p.6 and Figures 9-12, and the three obstacle
  reducers of Figure 4), from a fixed start month (default 2025-06, after the survey), on a
  Latin hypercube (``scipy.stats.qmc.LatinHypercube``, seeded from the root seed) over
  ``[0, 1]``; with ``reductions=True`` the obstacle reducers' ``reduction`` too (else it is
  fixed at :data:`DEFAULT_REDUCTION`);
- the uncertain parameters: run ``k`` uses posterior draw ``perm[k mod m]`` and seed
  ``replicate_seed(root, k)``, as replicate ``k`` of an experiment
  (:mod:`aiadopt.experiments.seeds`).  Without a posterior sample, every run uses the
  shipped point: only the levers (and the model's noise) vary.

Each run stops at the outcome month (default 2028-12) and keeps only the metrics of the
outcomes (share at scale, share in place, realised productivity).  Runs go through the
experiments' machinery (:mod:`aiadopt.experiments.store` and executors): one Parquet file per
run written atomically, resumable, the same on a process pool or a Dask cluster.

Analysis.  PRIM (Friedman and Fisher's patient rule induction, as in the EMA Workbench) finds
boxes over the inputs where the outcome exceeds the threshold: its peeling trajectory gives
each candidate box's *coverage* (the share of all the runs above the threshold that fall in
the box) and *density* (the share of the runs in the box that are above it).  The box
reported (:func:`choose_box`) is the densest one that still covers at least
``min_coverage`` (default 0.5) of the cases of interest.  Each limit of the box has a
*quasi-p-value* (Bryant and Lempert 2010, EMA Workbench's ``PrimBox.qp``): a one-sided binomial
test of whether the box's density could be reached without that limit (the box with the
input's lower, or upper, limit put back at its sampled range).  A limit with a quasi-p-value
of :data:`SIGNIFICANCE` (0.05) or more is not significant: it may be PRIM fitting noise (PRIM
often nibbles the far side of a one-sided condition), and the summary and the report say so.
An input's restriction is significant when one of its limits is (``qp``: the smaller).

Feature scoring ranks the inputs by an extra-trees ensemble's impurity importance (EMA
Workbench's ``get_ex_feature_scores``), for the continuous outcome and for the "above the
threshold" class.

Why the EMA Workbench (``ema_workbench``, :mod:`ema_workbench.analysis`).  It is the reference
implementation of PRIM for scenario discovery (Kwakkel 2017), kept up (2.5, 2024-2025),
pure Python on numpy, pandas, scikit-learn and SALib, which the package already uses; it adds
seaborn, statsmodels and platypus-opt (about 8 packages, ``pip check`` clean on Python 3.11).
Its ``Prim`` gives the peeling trajectory, the box limits and their quasi-p-values; the
package only picks the box and draws it.  Its import warns that ipyparallel is not installed
(its optional cluster evaluator, unused here): the warning is silenced at import.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from ..files import __version__, provenance, staged
from ..model.clock import check_last_month, months_between
from ..model.interventions import KINDS, REDUCING, REMOVE_ONLY, Intervention
from ..model.params import shipped_params
from ..progress import progress as progress_bar
from .executors import make_executor
from .runner import RunSpec, decode_parquet
from .seeds import ParameterSource, parameter_source, replicate_seed
from .store import MANIFEST, ExperimentError, Store

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)  # "ipyparallel not installed": unused here
    from ema_workbench.analysis import feature_scoring, prim
    from ema_workbench.analysis.scenario_discovery_util import RuleInductionType

__all__ = [
    "DISCOVERY_SCENARIO",
    "LEVER_KINDS",
    "OUTCOMES",
    "OUTCOME_METRICS",
    "SIGNIFICANCE",
    "Discovery",
    "DiscoveryPlan",
    "choose_box",
    "execute_discovery",
    "feature_scores",
    "plan_discovery",
    "prim_analysis",
]

LEVER_KINDS = tuple(k for k in KINDS if k not in REMOVE_ONLY)
"""The intervention kinds whose ``share`` is a lever (every kind that can be given)."""
DEFAULT_START = "2025-06"
DEFAULT_MONTH = "2028-12"
DEFAULT_REDUCTION = 0.5
"""The obstacle reducers' ``reduction`` when it is not sampled: half the severity."""
DEFAULT_THRESHOLD = 0.4
DEFAULT_MIN_COVERAGE = 0.5
DEFAULT_MIN_DENSITY = 0.5
SIGNIFICANCE = 0.05
"""A restriction of the box is significant when its quasi-p-value is below this."""
DISCOVERY_SCENARIO = "discovery"
"""The scenario name of every run in the folder: run k is ``runs/discovery/k.parquet``."""

OUTCOMES: dict[str, tuple[str, ...]] = {
    "share_scaled": ("stage_share.scaled",),
    "share_in_place": ("stage_share.deployed", "stage_share.scaled"),
    "productivity_realised": ("gain_realised.productivity",),
}
"""The outcomes a discovery records (metric sums, group ``all``), as the summary's named
indicators (:data:`aiadopt.experiments.summary.NAMED_INDICATORS`)."""
OUTCOME_METRICS = (
    "stage_share.scaled",
    "stage_share.deployed",
    "gain_realised.productivity",
)
"""The metrics the runs keep: those of :data:`OUTCOMES`."""

OUTCOMES_FILE = "outcomes.csv"
TRAJECTORY_FILE = "prim_trajectory.csv"
BOX_FILE = "prim_box.csv"
SCORES_FILE = "feature_scores.csv"
BOX_COLUMNS = ("input", "low", "high", "range_low", "range_high", "qp_low", "qp_high", "qp")
"""The columns of the box's table (``prim_box.csv`` adds the box's coverage and density)."""


@dataclass(frozen=True)
class DiscoveryPlan:
    """A discovery resolved into its runs: the design (one row per run: levers, parameter
    draw) and the run specifications."""

    runs: int
    root_seed: int
    firms: int
    start: str
    month: str
    reductions: bool
    source: ParameterSource
    design: pd.DataFrame
    specs: list[RunSpec] = field(repr=False)

    @property
    def levers(self) -> list[str]:
        return [c for c in self.design.columns if "." in c]

    def manifest(self) -> dict[str, Any]:
        """What the discovery is (checked when it resumes: the same command continues it,
        another one into the same folder is an error)."""
        design = self.design.to_csv(index=False, float_format="%.17g").encode()
        stamp = provenance(self.source.point, self.root_seed, self.source.description)
        return {
            "format": 1,
            "kind": "discovery",
            **stamp,
            "param_hash": self.source.digest(),
            "root_seed": self.root_seed,
            "replicates": self.runs,
            "firms": self.firms,
            "until": self.month,
            "metrics": list(OUTCOME_METRICS),
            "scenarios": [
                {
                    "name": DISCOVERY_SCENARIO,
                    "start": self.start,
                    "levers": self.levers,
                    "design_sha256": hashlib.sha256(design).hexdigest(),
                }
            ],
        }


def plan_discovery(
    runs: int = 1000,
    seed: int = 42,
    firms: int | None = None,
    month: str = DEFAULT_MONTH,
    *,
    start: str = DEFAULT_START,
    reductions: bool = False,
    parameter_set: Any = "shipped",
) -> DiscoveryPlan:
    """Resolve a discovery into its runs; every error (an ExperimentError naming the argument
    and what is allowed) is raised here, before any run."""
    if isinstance(runs, bool) or not isinstance(runs, int) or runs < 2:
        raise ExperimentError(f"runs must be an integer >= 2, got {runs!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ExperimentError(f"seed must be an integer >= 0, got {seed!r}")
    if firms is not None and (isinstance(firms, bool) or not isinstance(firms, int) or firms < 1):
        raise ExperimentError(f"firms must be an integer >= 1, got {firms!r}")
    try:
        check_last_month(month)
        source = parameter_source(parameter_set)
    except ValueError as exc:
        raise ExperimentError(f"month/parameter set: {exc}") from None
    firms = shipped_params()[0].n_firms if firms is None else firms
    model_start = source.vectors[0].start
    if not model_start <= start <= month:
        raise ExperimentError(
            f"start: {start} must lie between the model's start {model_start} and the outcome "
            f"month {month}"
        )
    if months_between(model_start, month) < 1:
        raise ExperimentError(f"month: {month} is not after the model's start {model_start}")
    design = lever_design(runs, seed, reductions)
    draws, specs = [], []
    for k, row in enumerate(design.to_dict("records")):
        params, index = source.draw(seed, k)
        params = params.replace(n_firms=firms, horizon=month)
        draws.append(-1 if index is None else index)
        specs.append(
            RunSpec(
                scenario=DISCOVERY_SCENARIO,
                replicate=k,
                seed=replicate_seed(seed, k),
                params=params,
                interventions=interventions_of(row, start),
                until=month,
                metrics=OUTCOME_METRICS,
                param_draw=index,
                param_hash=params.hash(),
                meta={"discovery_run": k, "root_seed": seed, "firms": firms, "until": month},
            )
        )
    design.insert(0, "run", np.arange(runs))
    design["param_draw"] = draws
    return DiscoveryPlan(runs, seed, firms, start, month, reductions, source, design, specs)


def lever_design(runs: int, seed: int, reductions: bool) -> pd.DataFrame:
    """The levers of ``runs`` runs: a Latin hypercube over ``[0, 1]`` (one column per lever,
    ``<kind>.share`` and, with ``reductions``, ``<kind>.reduction``), from the root seed's own
    stream (the model's draws are untouched)."""
    columns = [f"{k}.share" for k in LEVER_KINDS]
    if reductions:
        columns += [f"{k}.reduction" for k in REDUCING]
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0xD15C0]))
    sample = qmc.LatinHypercube(d=len(columns), seed=rng).random(runs)
    return pd.DataFrame(sample, columns=columns)


def interventions_of(levers: dict[str, float], start: str) -> tuple[Intervention, ...]:
    """One run's interventions: each kind on its share of the firms from ``start`` (the
    reducers with their reduction); a share of 0 is no intervention."""
    out = []
    for kind in LEVER_KINDS:
        share = float(levers[f"{kind}.share"])
        if share <= 0.0:
            continue
        reduction = float(levers.get(f"{kind}.reduction", DEFAULT_REDUCTION))
        if kind in REDUCING and reduction <= 0.0:
            continue
        out.append(
            Intervention(kind, start, share=share, reduction=reduction if kind in REDUCING else 0.0)
        )
    return tuple(out)


def uncertain_parameters(plan: DiscoveryPlan) -> pd.DataFrame:
    """One row per run: each parameter entry that differs between runs (a vector's entries as
    ``name[i]``): the uncertain parameters of the posterior draws."""
    rows = []
    for spec in plan.specs:
        flat: dict[str, Any] = {}
        for name, value in spec.params.to_dict().items():
            if name in ("n_firms", "horizon", "start"):
                continue
            if isinstance(value, list):
                flat.update({f"{name}[{i}]": v for i, v in enumerate(value)})
            elif isinstance(value, int | float) and not isinstance(value, bool):
                flat[name] = value
        rows.append(flat)
    frame = pd.DataFrame(rows)
    return frame[[c for c in frame.columns if frame[c].nunique(dropna=False) > 1]]


# --- the analysis --------------------------------------------------------------------------------
def prim_analysis(
    x: pd.DataFrame,
    y: np.ndarray,
    *,
    min_density: float = DEFAULT_MIN_DENSITY,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
) -> tuple[pd.DataFrame, list[pd.DataFrame], pd.DataFrame, list[dict[str, float]]]:
    """PRIM (EMA Workbench) on inputs ``x`` and the boolean ``y`` (the case of interest):
    returns the peeling trajectory (one row per box: coverage, density, mass, number of
    restricted dimensions ``res_dim``), each box's limits (rows min and max, one column per
    input), the initial box (the inputs' ranges) and each box's quasi-p-values (per restricted
    input, of its lower and upper limit: :func:`quasi_p_values`).  PRIM keeps a box only if its last
    (densest) box reaches ``min_density`` (EMA's ``threshold``); otherwise ExperimentError."""
    y = np.asarray(y, dtype=bool)
    if not y.any():
        raise ExperimentError(
            "threshold: no run exceeds it (choose a lower --threshold; see outcomes.csv)"
        )
    if y.all():
        raise ExperimentError(
            "threshold: every run exceeds it (choose a higher --threshold; see outcomes.csv)"
        )
    with warnings.catch_warnings():  # ema_workbench's own pandas deprecation (drop inplace)
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", getattr(pd.errors, "Pandas4Warning", FutureWarning))
        finder = prim.Prim(
            x.reset_index(drop=True),
            y.astype(int),
            threshold=min_density,  # the cases of interest are y >= it: y == 1
            peel_alpha=peel_alpha,
            mass_min=mass_min,
        )
        box = finder.find_box()
    trajectory = box.peeling_trajectory[["coverage", "density", "mass", "res_dim"]].astype(float)
    if len(trajectory) == 1:
        raise ExperimentError(
            f"min_density: no PRIM box reaches a density of {min_density:g} (the share of the "
            "runs in the box above the threshold); lower it or the threshold"
        )
    trajectory["res_dim"] = trajectory["res_dim"].astype(int)
    trajectory.insert(0, "box", np.arange(len(trajectory)))
    limits = [lims.copy() for lims in box.box_lims]
    return trajectory, limits, finder.box_init.copy(), [quasi_p_values(qp) for qp in box.qp]


def quasi_p_values(qp: dict[str, list[float]]) -> dict[str, tuple[float, float]]:
    """A box's quasi-p-values per restricted input, of its lower and upper limit, from EMA
    Workbench's ``PrimBox.qp`` entry (``{input: [lower, upper]}``, -1 for a limit the box
    leaves at the sampled range: NaN here)."""
    return {
        name: tuple(float(v) if v >= 0 else float("nan") for v in values[:2])
        for name, values in qp.items()
    }


def restriction_qp(low: float, high: float) -> dict[str, float]:
    """The quasi-p-values of a restriction's limits and of the restriction (the smaller: it
    is a finding when one of its limits is)."""
    sides = [v for v in (low, high) if np.isfinite(v)]
    return {"qp_low": low, "qp_high": high, "qp": min(sides) if sides else float("nan")}


def significant(qp: float) -> bool:
    """Whether a quasi-p-value is significant (below :data:`SIGNIFICANCE`); a missing one
    (NaN) is not."""
    return bool(qp < SIGNIFICANCE)


def significance_text(qp_low: float, qp_high: float) -> str:
    """A restriction's limits' quasi-p-values in words: "quasi-p of the lower limit 1.3e-08
    (significant), of the upper 0.41 (not significant: may be noise)"."""
    parts = [
        f"of the {side} limit {qp:.2g} ("
        + ("significant" if significant(qp) else "not significant: may be noise")
        + ")"
        for side, qp in (("lower", qp_low), ("upper", qp_high))
        if np.isfinite(qp)
    ]
    return ("quasi-p " + ", ".join(parts)) if parts else "quasi-p not recorded"


def choose_box(trajectory: pd.DataFrame, min_coverage: float = DEFAULT_MIN_COVERAGE) -> int:
    """The box reported: the densest of the trajectory that covers at least ``min_coverage``
    of the cases of interest (ties: the larger coverage)."""
    ok = trajectory[trajectory["coverage"] >= min_coverage]
    if ok.empty:
        ok = trajectory.iloc[:1]
    best = ok.sort_values(["density", "coverage"], ascending=False).iloc[0]
    return int(best["box"])


def box_table(
    limits: pd.DataFrame,
    initial: pd.DataFrame,
    qp: dict[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """The restricted inputs of a box: one row each with its lower and upper limit, the
    input's full range and the quasi-p-values of its limits (``qp_low``, ``qp_high``: NaN for
    a limit at the range or when not given) and of the restriction (``qp``: the smaller;
    inputs the box does not restrict are left out)."""
    qp = qp or {}
    nan = float("nan")
    rows = []
    for column in initial.columns:
        low, high = float(limits.at[0, column]), float(limits.at[1, column])
        lo0, hi0 = float(initial.at[0, column]), float(initial.at[1, column])
        if (low, high) != (lo0, hi0):
            rows.append(
                {"input": column, "low": low, "high": high, "range_low": lo0, "range_high": hi0}
                | restriction_qp(*qp.get(column, (nan, nan)))
            )
    return pd.DataFrame(rows, columns=list(BOX_COLUMNS))


def feature_scores(x: pd.DataFrame, y: np.ndarray, above: np.ndarray, seed: int) -> pd.DataFrame:
    """Each input's extra-trees importance (EMA Workbench's ``get_ex_feature_scores``, 250
    trees, seeded from ``seed``) for the outcome ``y`` (regression) and for ``above`` (the
    case of interest, classification); sorted by the first."""
    state = int(np.random.SeedSequence([seed, 0xFEA7]).generate_state(1)[0] >> 1)
    x = x.reset_index(drop=True)
    reg, *_ = feature_scoring.get_ex_feature_scores(
        x,
        np.asarray(y, dtype=float),
        mode=RuleInductionType.REGRESSION,
        nr_trees=250,
        random_state=state,
    )
    cls, *_ = feature_scoring.get_ex_feature_scores(
        x,
        np.asarray(above, dtype=int),
        mode=RuleInductionType.CLASSIFICATION,
        nr_trees=250,
        random_state=state,
    )
    frame = pd.DataFrame({"score_outcome": reg.iloc[:, 0], "score_above": cls.iloc[:, 0]})
    frame.index.name = "input"
    return frame.sort_values("score_outcome", ascending=False).reset_index()


# --- running ------------------------------------------------------------------------------------
@dataclass(eq=False)
class Discovery:
    """What :func:`execute_discovery` found: the runs' inputs and outcomes, the PRIM
    trajectory and the box reported, the feature scores."""

    plan: DiscoveryPlan
    outcomes: pd.DataFrame
    """One row per run: ``run``, the levers, ``param_draw``, the uncertain parameters, the
    outcomes (:data:`OUTCOMES`) at the month and ``above`` (the case of interest)."""
    inputs: list[str]
    outcome: str
    threshold: float
    trajectory: pd.DataFrame
    box_limits: list[pd.DataFrame]
    initial_box: pd.DataFrame
    chosen: int
    box: pd.DataFrame
    scores: pd.DataFrame
    elapsed: float
    ran: int
    resumed: int
    out: Path | None = None
    paths: dict[str, Path] = field(default_factory=dict)
    min_coverage: float = DEFAULT_MIN_COVERAGE
    """The smallest coverage of the box reported (:func:`choose_box`)."""
    quasi_p: list[dict[str, tuple[float, float]]] = field(default_factory=list)
    """Each box's quasi-p-values per restricted input, of its lower and upper limit (the
    reported box's in ``box``: ``qp_low``, ``qp_high``, ``qp``)."""
    min_density: float = DEFAULT_MIN_DENSITY
    """The density PRIM's last box had to reach (:func:`prim_analysis`)."""

    def question_record(self) -> dict[str, Any]:
        """The question the folder's tables answer, as its manifest records it (key
        ``question``): outcome, threshold, month, the box's rules and the significance
        level, so that the views read them rather than parse ``prim_box.csv``."""
        return {
            "outcome": self.outcome,
            "threshold": float(self.threshold),
            "month": self.plan.month,
            "min_coverage": float(self.min_coverage),
            "min_density": float(self.min_density),
            "significance": SIGNIFICANCE,
            "runs_above": int(self.outcomes["above"].sum()),
        }

    @property
    def question(self) -> str:
        return f"{self.outcome} at {self.plan.month} > {self.threshold:g}"

    def ask(
        self,
        threshold: float | None,
        outcome: str | None = None,
        *,
        min_coverage: float | None = None,
        min_density: float = DEFAULT_MIN_DENSITY,
    ) -> Discovery:
        """The same runs, another question: PRIM and the feature scores for ``outcome``
        (default: this one) above ``threshold`` (None: its median); nothing is written."""
        outcome = outcome or self.outcome
        if outcome not in OUTCOMES:
            raise ExperimentError(
                f"outcome: {outcome!r} is unknown; allowed: {', '.join(OUTCOMES)}"
            )
        values = self.outcomes[list(OUTCOMES)].reset_index(drop=True)
        coverage = self.min_coverage if min_coverage is None else min_coverage
        return analyse(self.plan, values, outcome, threshold, coverage, min_density)

    def format_report(self) -> str:
        """The question, the box reported with its coverage and density, the restricted
        inputs and the top feature scores, as text."""
        stats = self.trajectory.iloc[self.chosen]
        n_above = int(self.outcomes["above"].sum())
        lines = [
            f"Question: in which conditions is {self.question}? "
            f"({n_above} of {len(self.outcomes)} runs)",
            f"PRIM box {self.chosen} of {len(self.trajectory)} on the peeling trajectory: "
            f"coverage {stats['coverage']:.2f}, density {stats['density']:.2f}, mass "
            f"{stats['mass']:.2f}, {int(stats['res_dim'])} restricted input(s)",
        ]
        lines += [
            f"  {r.input}: {r.low:.3g} to {r.high:.3g} (range {r.range_low:.3g} to "
            f"{r.range_high:.3g}); {significance_text(r.qp_low, r.qp_high)}"
            for r in self.box.itertuples()
        ]
        noise = [r.input for r in self.box.itertuples() if not significant(r.qp)]
        if noise:
            lines.append(
                f"  Not significant (no limit with quasi-p < {SIGNIFICANCE:g}; may be noise, "
                "not a finding): " + ", ".join(noise)
            )
        lines.append("Feature scores (extra trees; outcome / above the threshold):")
        lines += [
            f"  {r.input:<40s} {r.score_outcome:.3f}  {r.score_above:.3f}"
            for r in self.scores.head(10).itertuples()
        ]
        if self.paths:
            lines += ["", f"Wrote to {self.out}/:"]
            lines += [f"  {p.relative_to(self.out)}" for p in self.paths.values()]
        return "\n".join(lines)


def execute_discovery(
    runs: int = 1000,
    threshold: float | None = DEFAULT_THRESHOLD,
    month: str = DEFAULT_MONTH,
    *,
    outcome: str = "share_scaled",
    seed: int = 42,
    firms: int | None = None,
    start: str = DEFAULT_START,
    reductions: bool = False,
    parameter_set: Any = "shipped",
    min_coverage: float = DEFAULT_MIN_COVERAGE,
    min_density: float = DEFAULT_MIN_DENSITY,
    out: str | os.PathLike[str] | None = None,
    workers: int | None = None,
    scheduler: Any = None,
    progress: bool = True,
    echo: Callable[[str], None] | None = None,
) -> Discovery:
    """Run a discovery (see the module docstring) and analyse it.

    ``out``: the folder (runs written as they finish; the same call resumes); ``None``: a
    temporary folder.  ``figures``: called with the result, returns ``{name: Figure}`` to save
    with the tables (the views layer draws them: :func:`aiadopt.views.discovery.figures`).
    Raises ExperimentError (bad argument, another experiment in ``out``, a threshold that no
    run or every run exceeds).
    """
    say = echo or (lambda _line: None)
    if outcome not in OUTCOMES:
        raise ExperimentError(f"outcome: {outcome!r} is unknown; allowed: {', '.join(OUTCOMES)}")
    for key, value in (("min_coverage", min_coverage), ("min_density", min_density)):
        if not 0.0 < value <= 1.0:
            raise ExperimentError(f"{key} must be in (0, 1], got {value}")
    t0 = time.perf_counter()
    plan = plan_discovery(
        runs, seed, firms, month, start=start, reductions=reductions, parameter_set=parameter_set
    )
    with tempfile.TemporaryDirectory(prefix="aiadopt-disc-") as tmp:
        folder = Path(tmp if out is None else out)
        with make_executor(workers, scheduler) as executor, Store(folder) as store:
            resuming = store.open(plan.manifest())
            done = store.completed([s.key for s in plan.specs])
            todo = [s for s in plan.specs if s.key not in done]
            say(
                f"aiadopt {__version__}: discovery of {runs} runs; {plan.firms:,} firms, "
                f"{plan.start} levers to {plan.month}; root seed {seed}"
            )
            say(f"Parameters: {plan.source.description}")
            if resuming:
                say(f"Resuming {folder}: {len(done)} of {runs} runs there, {len(todo)} to run")
            _run(store, todo, executor, len(done), runs, progress, say)
            failures = store.failures()
            if failures:
                raise ExperimentError(
                    f"{len(failures)} run(s) failed (see {folder / 'failures'}); run the same "
                    "command again to retry them"
                )
            values = read_outcomes(store, plan)
        result = analyse(plan, values, outcome, threshold, min_coverage, min_density)
        result.elapsed = time.perf_counter() - t0
        result.ran, result.resumed = len(todo), len(done)
        if out is not None:
            result.out = folder
            result.paths = write_discovery(result, folder)
    return result


def _run(
    store: Store,
    todo: Sequence[RunSpec],
    executor: Any,
    n_done: int,
    total: int,
    progress: bool,
    say: Callable[[str], None],
) -> None:
    """Run ``todo``, each run's file written as it arrives (an interrupted discovery keeps
    them: the same call resumes)."""
    if not todo:
        return
    say(f"Running {len(todo)} runs on {executor.description}")
    bar = progress_bar(total, initial=n_done, unit="run", desc="Discovery", enabled=progress)
    try:
        with bar, contextlib.closing(executor.run(todo)) as outcomes:
            for _outcome in store.file_outcomes(outcomes, todo):
                bar.update()
    except KeyboardInterrupt:
        say(
            f"Interrupted: the finished runs are kept in {store.out}; run the same command to "
            "run the rest."
        )
        raise


def read_outcomes(store: Store, plan: DiscoveryPlan) -> pd.DataFrame:
    """Each run's outcomes (:data:`OUTCOMES`) at the outcome month, one row per run."""
    rows = [
        outcomes_of_run(decode_parquet(store.run_path(*spec.key).read_bytes()))
        for spec in plan.specs
    ]
    return pd.DataFrame(rows)


def outcomes_of_run(frame: pd.DataFrame) -> dict[str, float]:
    """The outcomes (:data:`OUTCOMES`) of one run's tidy frame at its last month."""
    frame = frame[frame["group"] == "all"]
    last = frame[frame["date"] == frame["date"].max()]
    by_metric = dict(zip(last["metric"], last["value"], strict=True))
    return {name: float(sum(by_metric[m] for m in metrics)) for name, metrics in OUTCOMES.items()}


def analyse(
    plan: DiscoveryPlan,
    values: pd.DataFrame,
    outcome: str,
    threshold: float | None,
    min_coverage: float = DEFAULT_MIN_COVERAGE,
    min_density: float = DEFAULT_MIN_DENSITY,
) -> Discovery:
    """PRIM and feature scores of a discovery's outcomes (one row per run of ``plan``);
    ``threshold`` None: the outcome's median over the runs (half of them above it)."""
    params = uncertain_parameters(plan)
    inputs = plan.levers + list(params.columns)
    table = pd.concat([plan.design.reset_index(drop=True), params, values], axis=1)
    if threshold is None:
        threshold = float(table[outcome].median())
    table["above"] = table[outcome] > threshold
    x = table[inputs]
    trajectory, limits, initial, quasi_p = prim_analysis(
        x, table["above"].to_numpy(), min_density=min_density
    )
    chosen = choose_box(trajectory, min_coverage)
    scores = feature_scores(x, table[outcome].to_numpy(), table["above"].to_numpy(), plan.root_seed)
    return Discovery(
        plan=plan,
        outcomes=table,
        inputs=inputs,
        outcome=outcome,
        threshold=threshold,
        trajectory=trajectory,
        box_limits=limits,
        initial_box=initial,
        chosen=chosen,
        box=box_table(limits[chosen], initial, quasi_p[chosen]),
        scores=scores,
        elapsed=0.0,
        ran=0,
        resumed=0,
        min_coverage=min_coverage,
        quasi_p=quasi_p,
        min_density=min_density,
    )


def write_discovery(result: Discovery, folder: Path) -> dict[str, Path]:
    """Write the tables of a discovery into ``folder`` together (staged: all or none):
    the runs' inputs and outcomes, the PRIM trajectory, the box reported and the feature
    scores, and the question they answer into its ``manifest.json`` (key ``question``:
    :meth:`Discovery.question_record`; the runs' keys kept, a new question on the same runs
    replaces it).  The figures are drawn by the views (:mod:`aiadopt.views.discovery`)."""
    manifest = folder / MANIFEST
    doc = json.loads(manifest.read_text(encoding="utf-8")) if manifest.is_file() else None
    doc = {**(doc or result.plan.manifest()), "question": result.question_record()}
    chosen = result.trajectory["box"] == result.chosen
    trajectory = result.trajectory.assign(reported=chosen)
    box = result.box.assign(
        coverage=result.trajectory.at[result.chosen, "coverage"],
        density=result.trajectory.at[result.chosen, "density"],
        question=result.question,
    )
    with staged(folder) as staging:
        staging.write(OUTCOMES_FILE, result.outcomes.to_csv(index=False))
        staging.write(TRAJECTORY_FILE, trajectory.to_csv(index=False))
        staging.write(BOX_FILE, box.to_csv(index=False))
        staging.write(SCORES_FILE, result.scores.to_csv(index=False))
        staging.write(MANIFEST, json.dumps(doc, indent=2))
        written = [final for _, final in staging.pending]
    return {p.name: p for p in written}
