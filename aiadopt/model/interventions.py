"""Interventions: policies that act on eligible firms from a start month (to an optional end).

An intervention is a typed object with a start (and optional end) month, an eligibility
(size classes, sectors, stages) and an effect on some share of the eligible firms. It acts
at the start of every month of its window on the eligible firms it has not treated yet, so
firms that become eligible later are treated then. The investment kinds (strategy, training,
outsourcing, staff) act on engaged firms only: Direction invests once the firm has engaged
(a firm engaging during the window is treated the month after). Which firms are in the
treated share is decided by one uniform per firm drawn at the model's birth from the
intervention's own random stream: two runs with the same seed treat the same firms, and the
model's other draws are untouched (common random numbers: a scenario differs from the
baseline only where its interventions act).

Kinds (the levers of the study's success factors and obstacles):

- ``tripartite_strategy``: Direction adopts one strategy shared with Technique and Business
  (Figure 9; text p.6: most firms with it have scaled);
- ``training``: a training programme for employees (Figure 12: 61-70%);
- ``co_managed_outsourcing``: the Technique-Business pair manages the providers (Figure 11:
  co-management works better than Technique alone); firms that do not outsource start to;
- ``dedicated_staff``: dedicated staff and new AI roles (Figure 12);
- ``regulatory_clarity``: lowers regulatory uncertainty by ``reduction`` (Figure 4);
- ``cost_support``: lowers the financial constraint by ``reduction`` (Figure 4);
- ``security_framework``: lowers the security/confidentiality concern by ``reduction``
  (Figure 4).

Counterfactuals by state: with ``remove = true``, a success-factor kind takes the factor
away instead of giving it (``FACTOR_KINDS``).  The treated firms do not have it, and Direction
cannot choose it again, from the start month to the end of the run: no tripartite strategy
(the firm's ad hoc kind instead, its own draw, as Direction picks without it), no providers
managed by the pair (Technique or Business alone, with the firm's own draw), no training, no
dedicated staff nor new roles, and, with the kind ``balanced_collaboration`` (which can only
be removed: the mode follows the roles' alignment), no balanced collaboration (the led mode
instead).  Everything else follows as the rules make it.  A removal acts on the eligible
firms whatever their stage, so that firms engaging later set up without the factor.  Such a
counterfactual answers "what if no firm had the factors" by changing who has what, never a
coefficient: its answer does not depend on which category the effects are measured from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .clock import month_index
from .codes import WITHHELD_BALANCED, WITHHELD_PAIR
from .params import Params
from .stages import (
    Choice,
    Collaboration,
    Outsourcing,
    ProviderManager,
    Sector,
    SizeClass,
    Stage,
    Strategy,
    label,
)
from .state import FirmState, SetUpDraw
from .streams import Streams

KINDS = (
    "tripartite_strategy",
    "training",
    "co_managed_outsourcing",
    "dedicated_staff",
    "regulatory_clarity",
    "cost_support",
    "security_framework",
    "balanced_collaboration",
)
REDUCING = ("regulatory_clarity", "cost_support", "security_framework")
FACTOR_KINDS = (
    "tripartite_strategy",
    "co_managed_outsourcing",
    "training",
    "dedicated_staff",
    "balanced_collaboration",
)
"""The kinds that give (or, with ``remove``, take away) one of the success factors of the
study (text p.6): every one of them removed is "no firm has the factors"."""
REMOVE_ONLY = ("balanced_collaboration",)
SIZE_NAMES = {label(s).removeprefix("s"): s for s in SizeClass}  # "100_249" ...
SECTOR_NAMES = {label(s): s for s in Sector}
STAGE_NAMES = {label(s): s for s in Stage}


class InterventionError(ValueError):
    """An intervention is ill-defined: unknown kind or key, value out of range."""


@dataclass(frozen=True)
class Eligibility:
    """Which firms an intervention may treat (empty tuple = all)."""

    sizes: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for key, allowed in (("sizes", SIZE_NAMES), ("sectors", SECTOR_NAMES),
                             ("stages", STAGE_NAMES)):  # fmt: skip
            bad = [v for v in getattr(self, key) if v not in allowed]
            if bad:
                raise InterventionError(
                    f"eligible.{key}: unknown value(s) {', '.join(map(str, bad))}; "
                    f"allowed: {', '.join(allowed)}"
                )

    def mask(self, state: FirmState) -> np.ndarray:
        """Firms eligible now."""
        ok = np.ones(state.n, dtype=bool)
        if self.sizes:
            ok &= np.isin(state.size, [SIZE_NAMES[s] for s in self.sizes])
        if self.sectors:
            ok &= np.isin(state.sector, [SECTOR_NAMES[s] for s in self.sectors])
        if self.stages:
            ok &= np.isin(state.stage, [STAGE_NAMES[s] for s in self.stages])
        return ok


@dataclass(frozen=True)
class Intervention:
    """A policy: ``kind`` acting on ``share`` of the eligible firms from ``start`` (to
    ``end``, inclusive); reducing kinds lower an obstacle's severity by ``reduction``; a
    success-factor kind with ``remove`` takes the factor away (a counterfactual by state)."""

    kind: str
    start: str
    end: str | None = None
    share: float = 1.0
    reduction: float = 0.0
    eligible: Eligibility = field(default_factory=Eligibility)
    name: str = ""
    remove: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InterventionError(
                f"unknown intervention type {self.kind!r}; allowed: {', '.join(KINDS)}"
            )
        for key in ("start", "end"):
            value = getattr(self, key)
            if key == "end" and value is None:
                continue  # open-ended
            try:
                month_index(value)
            except ValueError:
                raise InterventionError(f"{key} must be a month YYYY-MM, got {value!r}") from None
        if self.end is not None and self.end < self.start:
            raise InterventionError(f"end ({self.end}) is before start ({self.start})")
        if not 0.0 <= self.share <= 1.0:
            raise InterventionError(f"share must be in [0, 1], got {self.share}")
        if not 0.0 <= self.reduction <= 1.0:
            raise InterventionError(f"reduction must be in [0, 1], got {self.reduction}")
        if self.kind in REDUCING and self.reduction == 0.0:
            raise InterventionError(f"{self.kind} needs a reduction in (0, 1]")
        if not isinstance(self.remove, bool):
            raise InterventionError(f"remove must be true or false, got {self.remove!r}")
        if self.remove and self.kind not in FACTOR_KINDS:
            raise InterventionError(
                f"remove: {self.kind} is no success factor; only {', '.join(FACTOR_KINDS)} "
                "can be removed"
            )
        if self.kind in REMOVE_ONLY and not self.remove:
            raise InterventionError(
                f"{self.kind} can only be removed (remove = true): the collaboration mode "
                "follows the roles' alignment"
            )

    @property
    def label(self) -> str:
        """Name shown on plots and tables."""
        return self.name or (f"no_{self.kind}" if self.remove else self.kind)

    @property
    def engaged_only(self) -> bool:
        """Whether it treats engaged firms only: Direction's investments do; reductions and
        removals act on every eligible firm."""
        return self.kind not in REDUCING and not self.remove

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Intervention:
        """Build from a TOML table (``type`` names the kind); unknown keys raise."""
        allowed = {"type", "start", "end", "share", "reduction", "eligible", "name", "remove"}
        unknown = sorted(set(raw) - allowed)
        if unknown:
            raise InterventionError(
                f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
            )
        if "type" not in raw or "start" not in raw:
            raise InterventionError("an intervention needs 'type' and 'start'")
        eligible = raw.get("eligible", {})
        if not isinstance(eligible, Mapping):
            raise InterventionError("eligible must be a table with sizes, sectors, stages")
        unknown = sorted(set(eligible) - {"sizes", "sectors", "stages"})
        if unknown:
            names = ", ".join(f"eligible.{k}" for k in unknown)
            raise InterventionError(f"unknown key(s) {names}; allowed: sizes, sectors, stages")
        try:
            return cls(
                kind=raw["type"],
                start=raw["start"],
                end=raw.get("end"),
                share=float(raw.get("share", 1.0)),
                reduction=float(raw.get("reduction", 0.0)),
                eligible=Eligibility(**{k: tuple(v) for k, v in eligible.items()}),
                name=str(raw.get("name", "")),
                remove=raw.get("remove", False),
            )
        except (TypeError, ValueError) as exc:
            if isinstance(exc, InterventionError):
                raise
            raise InterventionError(f"bad value in intervention: {exc}") from None


class ActiveIntervention:
    """An intervention bound to one model run: its per-firm draws and who it has treated."""

    def __init__(self, intervention: Intervention, stream: str, state: FirmState,
                 streams: Streams, start: str, params: Params) -> None:  # fmt: skip
        self.spec = intervention
        self.params = params
        self.first = month_index(intervention.start) - month_index(start)
        self.last = (
            None if intervention.end is None else month_index(intervention.end) - month_index(start)
        )
        self.draw = streams[stream].random(state.n, dtype=np.float32)
        self.treated = np.zeros(state.n, dtype=bool)

    def active(self, step: int) -> bool:
        return step >= self.first and (self.last is None or step <= self.last)

    def apply(self, state: FirmState, step: int) -> int:
        """Treat the eligible firms in the share not treated yet; returns how many."""
        if not self.active(step):
            return 0
        spec = self.spec
        new = spec.eligible.mask(state) & ~self.treated & (self.draw < spec.share)
        if spec.engaged_only:  # Direction's investments: engaged firms only
            new &= state.stage >= Stage.PLANNED
        if not new.any():
            return 0
        self.treated |= new
        if spec.remove:
            _REMOVALS[spec.kind](state, new, self.params)
        else:
            _EFFECTS[spec.kind](state, new, spec)
        return int(new.sum())


def _hold(state: FirmState, firms: np.ndarray, *choices: Choice) -> None:
    """Mark ``choices`` as held by the policy in ``firms``: Direction no longer revises them
    (``rules.direction.decide``), so the treated firms keep what the policy gave them, for
    the rest of the run (``end`` only stops treating new firms)."""
    bits = np.uint16(sum(1 << int(c) for c in choices))
    state.held[firms] |= bits


def _tripartite(state: FirmState, firms: np.ndarray, spec: Intervention) -> None:
    state.strategy[firms] = Strategy.TRIPARTITE
    _hold(state, firms, Choice.TRIPARTITE)


def _training(state: FirmState, firms: np.ndarray, spec: Intervention) -> None:
    state.training[firms] = True
    _hold(state, firms, Choice.TRAINING)


def _co_managed(state: FirmState, firms: np.ndarray, spec: Intervention) -> None:
    state.outsourcing[firms & (state.outsourcing == Outsourcing.NONE)] = Outsourcing.PARTIAL
    state.manager[firms] = ProviderManager.PAIR
    _hold(state, firms, Choice.OUTSOURCE)


def _dedicated(state: FirmState, firms: np.ndarray, spec: Intervention) -> None:
    state.dedicated[firms] = True
    state.roles_internal[firms] = True
    _hold(state, firms, Choice.DEDICATED, Choice.ROLES_INTERNAL)


def _reduce(array_name: str):
    def effect(state: FirmState, firms: np.ndarray, spec: Intervention) -> None:
        values = getattr(state, array_name)
        values[firms] *= np.float32(1.0 - spec.reduction)

    return effect


_EFFECTS = {
    "tripartite_strategy": _tripartite,
    "training": _training,
    "co_managed_outsourcing": _co_managed,
    "dedicated_staff": _dedicated,
    "regulatory_clarity": _reduce("regulation"),
    "cost_support": _reduce("finance"),
    "security_framework": _reduce("security"),
}


def _draw(state: FirmState, column: SetUpDraw) -> np.ndarray:
    """A column of the firms' set-up draws as float64, compared as the compiled rules do."""
    return state.setup_draws[:, column].astype(np.float64)


def _no_tripartite(state: FirmState, firms: np.ndarray, params: Params) -> None:
    """No tripartite strategy: the ad hoc kind of the firm's own draw (``ad_hoc_shares``),
    the strategy ``rules.direction.decide`` gives a firm without it."""
    cdf = np.cumsum(np.asarray(params.ad_hoc_shares, dtype=np.float64))
    kind = np.searchsorted(cdf[:-1], _draw(state, SetUpDraw.AD_HOC), side="right")
    state.strategy[firms] = kind[firms].astype(state.strategy.dtype)
    _hold(state, firms, Choice.TRIPARTITE)


def _no_pair(state: FirmState, firms: np.ndarray, params: Params) -> None:
    """No providers managed by the pair: the firm still decides whether to outsource, and
    Technique or Business alone manages them (``rules.direction.providers`` with the pair
    withheld; the firms managed by the pair now switch the same way)."""
    state.held[firms] |= np.uint16(WITHHELD_PAIR)
    switch = firms & (state.manager == ProviderManager.PAIR)
    technique = _draw(state, SetUpDraw.MANAGER) < params.manager_technique_share
    state.manager[switch & technique] = ProviderManager.TECHNIQUE
    state.manager[switch & ~technique] = ProviderManager.BUSINESS


def _no_training(state: FirmState, firms: np.ndarray, params: Params) -> None:
    state.training[firms] = False
    _hold(state, firms, Choice.TRAINING)


def _no_staff(state: FirmState, firms: np.ndarray, params: Params) -> None:
    """No dedicated staff and no new AI roles, from inside or outside (the roles factor)."""
    state.dedicated[firms] = False
    state.roles_internal[firms] = False
    state.roles_external[firms] = False
    _hold(state, firms, Choice.DEDICATED, Choice.ROLES_INTERNAL, Choice.ROLES_EXTERNAL)


def _no_balanced(state: FirmState, firms: np.ndarray, params: Params) -> None:
    """No balanced collaboration: the led mode where the alignment would make it balanced
    (``rules.collaboration.collaboration_mode`` with it withheld), from now on."""
    state.held[firms] |= np.uint16(WITHHELD_BALANCED)
    switch = firms & (state.collaboration == Collaboration.BALANCED)
    gap = (state.demand - state.skills).astype(np.float64) > params.business_lead_gap
    state.collaboration[switch & gap] = Collaboration.BUSINESS_LED
    state.collaboration[switch & ~gap] = Collaboration.TECHNIQUE_LED


_REMOVALS = {
    "tripartite_strategy": _no_tripartite,
    "co_managed_outsourcing": _no_pair,
    "training": _no_training,
    "dedicated_staff": _no_staff,
    "balanced_collaboration": _no_balanced,
}


def bind(interventions: Sequence[Intervention], state: FirmState, streams: Streams,
         start: str, params: Params | None = None) -> list[ActiveIntervention]:  # fmt: skip
    """Bind interventions to a model run.  Each draws from a stream named after its label
    (and its rank among interventions of the same label), not its position in the list, so
    the training intervention of a combined scenario treats the same firms as the training
    scenario's (common random numbers across scenarios).  ``params``: the run's parameters,
    which a removal reads to give the firm what Direction would choose without the factor
    (the defaults if not given; the model gives its own)."""
    params = Params() if params is None else params
    seen: dict[str, int] = {}
    bound = []
    for iv in interventions:
        rank = seen.get(iv.label, 0)
        seen[iv.label] = rank + 1
        stream = f"intervention:{iv.label}:{rank}"
        bound.append(ActiveIntervention(iv, stream, state, streams, start, params))
    return bound
