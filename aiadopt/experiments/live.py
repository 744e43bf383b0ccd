"""Live runs: the model the dashboard steps, built from its levers, and the same run without
levers to compare with.

The dashboard (:mod:`aiadopt.views.dashboard`) only draws: everything it shows comes from a
:class:`Snapshot` of a :class:`LiveModel` (its trajectories so far, the whole run without levers,
the provenance stamp), taken here.

- :class:`Levers`: the policy levers (shares of engaged firms reached, cuts of an obstacle), as
  :mod:`interventions <aiadopt.model.interventions>` acting from :data:`LEVER_START` (April
  2025, the month after the survey) on top of the shipped fit
  (:func:`aiadopt.model.params.shipped_params`);
- :class:`LiveModel`: the adoption model built from the page's inputs (population, seed,
  levers), stepped month by month;
- :func:`run_frame`, :func:`baseline_frame`, :func:`baseline_tidy`: the series shown;
- :meth:`LiveModel.snapshot`: all of it at the current month, for drawing;
- :func:`scenario_toml`: the levers as a scenario file that ``aiadopt experiment`` runs.

Usable without a browser::

    from aiadopt.experiments.live import LiveModel
    model = LiveModel(n_firms=2_000, seed=1, tripartite_share=1.0)
    model.run()
    snap = model.snapshot()   # snap.run, snap.baseline: tidy tables
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
import tomli_w

from ..files import __version__, provenance
from ..model import AdoptionModel, Params
from ..model.clock import step_to_timestamp
from ..model.interventions import Intervention
from ..model.params import shipped_params
from ..model.reporters import MODEL_REPORTERS
from ..model.stages import Stage, label
from .scenarios import Scenario

__all__ = [
    "COLUMNS",
    "DEFAULT_FIRMS",
    "DEFAULT_SEED",
    "LEVER_START",
    "Levers",
    "LiveError",
    "LiveModel",
    "Snapshot",
    "baseline_frame",
    "baseline_tidy",
    "parse_seed",
    "run_frame",
    "scenario_toml",
]

LEVER_START = "2025-04"
"""First month the levers act (the month after the study's fieldwork)."""

DEFAULT_FIRMS = 5_000
"""Population of the first live run: small enough to step at interactive speed."""

DEFAULT_SEED = 42
"""Seed of the first live run (the same default as ``aiadopt run``)."""


class LiveError(ValueError):
    """A live run cannot be built as asked (a lever out of range, a bad seed)."""


# --- the levers -------------------------------------------------------------------------------
_SHARE_LEVERS = {
    "tripartite_share": ("tripartite_strategy", "tripartite strategy"),
    "training_share": ("training", "training programme"),
    "co_managed_share": ("co_managed_outsourcing", "co-managed outsourcing"),
}
_REDUCTION_LEVERS = {
    "regulation_reduction": ("regulatory_clarity", "regulatory uncertainty"),
    "cost_reduction": ("cost_support", "financial constraint"),
    "security_reduction": ("security_framework", "security concern"),
}


@dataclass(frozen=True)
class Levers:
    """The levers, each 0 (off) to 1, acting from ``start``.

    Shares are the share of engaged firms that the policy reaches (firms that engage later are
    reached when they engage); reductions cut an obstacle's severity of every firm by that
    fraction.
    """

    tripartite_share: float = 0.0
    training_share: float = 0.0
    co_managed_share: float = 0.0
    regulation_reduction: float = 0.0
    cost_reduction: float = 0.0
    security_reduction: float = 0.0
    start: str = LEVER_START

    def __post_init__(self) -> None:
        for f in fields(self):
            if f.name == "start":
                continue
            value = float(getattr(self, f.name))
            if not 0.0 <= value <= 1.0:
                raise LiveError(f"{f.name} must be between 0 and 1, got {value}")
            object.__setattr__(self, f.name, round(value, 6))

    @property
    def active(self) -> bool:
        """Whether any lever is set."""
        return bool(self.interventions())

    def interventions(self) -> list[Intervention]:
        """The interventions the levers stand for (none for a lever at 0)."""
        out = []
        for name, (kind, text) in _SHARE_LEVERS.items():
            share = getattr(self, name)
            if share > 0:
                out.append(Intervention(kind, self.start, share=share, name=text))
        for name, (kind, text) in _REDUCTION_LEVERS.items():
            cut = getattr(self, name)
            if cut > 0:
                out.append(Intervention(kind, self.start, reduction=cut, name=text))
        return out

    def describe(self) -> list[str]:
        """One phrase per lever set, e.g. ``"tripartite strategy: 100% of engaged firms"``."""
        out = []
        for name, (_, text) in _SHARE_LEVERS.items():
            if getattr(self, name) > 0:
                out.append(f"{text}: {getattr(self, name):.0%} of engaged firms")
        for name, (_, text) in _REDUCTION_LEVERS.items():
            if getattr(self, name) > 0:
                out.append(f"{text}: cut by {getattr(self, name):.0%}")
        return out


def parse_seed(seed: int | str) -> int:
    """A seed typed as text (surrounding blanks allowed); :class:`LiveError` if it is not an
    integer >= 0."""
    try:
        value = int(str(seed).strip())
    except ValueError:
        raise LiveError(f"the seed must be an integer >= 0, got {seed!r}") from None
    if value < 0:
        raise LiveError(f"the seed must be an integer >= 0, got {value}")
    return value


@functools.cache
def _defaults() -> tuple[Params, str]:
    """The shipped fit and where it comes from (read once per process)."""
    return shipped_params()


# --- the model ----------------------------------------------------------------------------------
class LiveModel(AdoptionModel):
    """The adoption model built from a page's inputs.

    The shipped fit (:func:`aiadopt.model.params.shipped_params`) with ``n_firms`` firms,
    ``seed``, and the levers as interventions from :data:`LEVER_START`.  The firms' Mesa
    agents are not built (nobody looks at a single firm here; the rules run on the arrays
    either way, with identical results), and stepping past the horizon does nothing.

    The dashboard builds it on Reset from what was typed: a seed that is not an integer >= 0
    does not stop the page (Mesa would swallow the error and leave the old run on screen); the
    default seed is used instead and :attr:`warnings` says so.
    """

    def __init__(
        self,
        n_firms: int = DEFAULT_FIRMS,
        seed: int | str = DEFAULT_SEED,
        tripartite_share: float = 0.0,
        training_share: float = 0.0,
        co_managed_share: float = 0.0,
        regulation_reduction: float = 0.0,
        cost_reduction: float = 0.0,
        security_reduction: float = 0.0,
        *,
        params: Params | None = None,
    ) -> None:
        levers = Levers(
            tripartite_share=tripartite_share,
            training_share=training_share,
            co_managed_share=co_managed_share,
            regulation_reduction=regulation_reduction,
            cost_reduction=cost_reduction,
            security_reduction=security_reduction,
        )
        base, source = (params, "given parameters") if params is not None else _defaults()
        warnings_ = []
        try:
            seed = parse_seed(seed)
        except LiveError as exc:
            warnings_.append(f"{exc}: seed {DEFAULT_SEED} used instead")
            seed = DEFAULT_SEED
        super().__init__(
            base,
            seed=seed,
            firm_agents=False,
            interventions=levers.interventions(),
            n_firms=int(n_firms),
        )
        self.levers = levers
        self.params_source = source
        self.warnings: list[str] = warnings_
        self._snapshot: Snapshot | None = None
        # Mesa wraps step() in the instance (the wrapper counts the step); past the horizon,
        # neither count nor step: the page's Step button may ask for more months than are left
        self._mesa_step = self.step
        self.step = self._step_until_horizon

    def _step_until_horizon(self) -> None:
        if self.running:
            self._mesa_step()

    def snapshot(self) -> Snapshot:
        """Everything the dashboard shows at the current month (computed once per month: the
        page's panels share it)."""
        if self._snapshot is None or self._snapshot.steps != self.steps:
            self._snapshot = _snapshot_of(self)
        return self._snapshot


# --- the series ---------------------------------------------------------------------------------
_STAGES = [label(s) for s in Stage]

COLUMNS = [*_STAGES, "engaged", "active", "in_place", "technique", "business"]
"""Columns of :func:`run_frame`: the stage shares, then engaged (planned or beyond), active
(experimenting or beyond), in place (deployed or scaled: the study's "en place", "a
l'echelle"), and the share of firms whose Technique / Business respondent would say AI is
deployed."""


def _table(model: AdoptionModel, reporter: str, keys: Sequence[tuple[str, str]]) -> np.ndarray:
    """(months, len(keys)) values of a table reporter, as recorded by the DataCollector."""
    index = [MODEL_REPORTERS[reporter].keys.index(k) for k in keys]
    rows = model.datacollector.model_vars.get(reporter, [])
    if not rows:
        return np.empty((0, len(keys)))
    return np.vstack(rows)[:, index]


def run_frame(model: AdoptionModel) -> pd.DataFrame:
    """The series of a model so far: one row per recorded month (index ``date``, the first day
    of the month), columns :data:`COLUMNS`, shares in [0, 1]."""
    stages = _table(model, "stage_shares", [(f"stage_share.{s}", "all") for s in _STAGES])
    views = _table(
        model,
        "deployed_views",
        [("deployed_view.technique", "all"), ("deployed_view.business", "all")],
    )
    dates = pd.DatetimeIndex(
        [step_to_timestamp(model.params.start, k) for k in model._collected_steps], name="date"
    )
    frame = pd.DataFrame(stages, index=dates, columns=_STAGES)
    # summed from the stage shares: the reporters record no active or in-place share, and their
    # engaged_share (a ratio of counts) differs from this sum in the last bit or two
    frame["engaged"] = frame[_STAGES[Stage.PLANNED :]].sum(axis=1)
    frame["active"] = frame[_STAGES[Stage.EXPERIMENTING :]].sum(axis=1)
    frame["in_place"] = frame[_STAGES[Stage.DEPLOYED :]].sum(axis=1)
    frame["technique"] = views[:, 0]
    frame["business"] = views[:, 1]
    return frame[COLUMNS]


@functools.lru_cache(maxsize=16)
def _baseline(params: Params, n_firms: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    model = LiveModel(n_firms=n_firms, seed=seed, params=params)
    model.run()
    return run_frame(model), model.tidy()


def baseline_frame(n_firms: int, seed: int, params: Params | None = None) -> pd.DataFrame:
    """:func:`run_frame` of the whole run without levers (same parameters, population and seed;
    cached).  The levers draw from their own random streams, so a run with levers is the same
    as this one until they start."""
    return _baseline(params if params is not None else _defaults()[0], int(n_firms), int(seed))[0]


def baseline_tidy(n_firms: int, seed: int, params: Params | None = None) -> pd.DataFrame:
    """The tidy trajectories of the same run without levers as :func:`baseline_frame` (cached)."""
    return _baseline(params if params is not None else _defaults()[0], int(n_firms), int(seed))[1]


# --- the snapshot -------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Snapshot:
    """A live run at its current month, as tables: what the dashboard draws.

    ``run``/``frame``: this run's tidy trajectories and :func:`run_frame` so far;
    ``baseline``/``baseline_frame``: the whole run without levers (None when no lever is set);
    ``meta``: the provenance stamp (:func:`aiadopt.files.provenance`) and ``firms``.
    """

    run: pd.DataFrame
    frame: pd.DataFrame
    baseline: pd.DataFrame | None
    baseline_frame: pd.DataFrame | None
    meta: dict[str, str]
    levers: Levers
    start: str  # first month of the run
    horizon: str  # last month of the run
    month: str  # current month
    steps: int
    n_months: int
    n_firms: int
    seed: int
    params_source: str
    warnings: tuple[str, ...]


def _snapshot_of(model: LiveModel) -> Snapshot:
    params = model.params
    base = base_frame = None
    if model.levers.active:
        base = baseline_tidy(params.n_firms, model.seed, params)
        base_frame = baseline_frame(params.n_firms, model.seed, params)
    meta = {
        **provenance(params, model.seed, model.params_source),
        "firms": str(params.n_firms),
    }
    return Snapshot(
        run=model.tidy(),
        frame=run_frame(model),
        baseline=base,
        baseline_frame=base_frame,
        meta=meta,
        levers=model.levers,
        start=params.start,
        horizon=params.horizon,
        month=model.month,
        steps=model.steps,
        n_months=model.n_months,
        n_firms=params.n_firms,
        seed=model.seed,
        params_source=model.params_source,
        warnings=tuple(model.warnings),
    )


# --- export -------------------------------------------------------------------------------------
EXPORT_NAME = "dashboard_levers"
"""Name of the scenario the dashboard exports."""


def scenario_toml(levers: Levers, *, n_firms: int, seed: int, name: str = EXPORT_NAME) -> str:
    """The levers as a scenario file (the format of :mod:`aiadopt.experiments.scenarios`:
    ``name``, ``description``, ``[[interventions]]``), which ``aiadopt experiment`` runs; the
    population and seed of the page, which a scenario cannot set, are in its comments.
    Without a lever the scenario is the baseline (no intervention)."""
    described = "; ".join(levers.describe()) or "no lever (the baseline)"
    scenario = Scenario(
        name,
        description=f"Dashboard levers from {levers.start}: {described}",
        interventions=tuple(levers.interventions()),
        source=f"aiadopt {__version__} dashboard",
    )
    data = scenario.to_dict()
    if not data["overrides"]:
        del data["overrides"]
    head = (
        f"# Scenario exported from the aiadopt dashboard ({n_firms:,} firms, seed {seed}).\n"
        "# Compare it with the baseline on the dashboard's parameters (the shipped point) and\n"
        "# population, or drop --param-set none to draw the parameters from the posterior:\n"
        f"#   aiadopt experiment baseline {name}.toml --firms {n_firms} --param-set none\n"
    )
    return head + tomli_w.dumps(data)
