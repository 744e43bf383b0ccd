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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .clock import month_index
from .stages import Choice, Outsourcing, ProviderManager, Sector, SizeClass, Stage, Strategy, label
from .state import FirmState
from .streams import Streams

KINDS = (
    "tripartite_strategy",
    "training",
    "co_managed_outsourcing",
    "dedicated_staff",
    "regulatory_clarity",
    "cost_support",
    "security_framework",
)
REDUCING = ("regulatory_clarity", "cost_support", "security_framework")
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
    ``end``, inclusive); reducing kinds lower an obstacle's severity by ``reduction``."""

    kind: str
    start: str
    end: str | None = None
    share: float = 1.0
    reduction: float = 0.0
    eligible: Eligibility = field(default_factory=Eligibility)
    name: str = ""

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

    @property
    def label(self) -> str:
        """Name shown on plots and tables."""
        return self.name or self.kind

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Intervention:
        """Build from a TOML table (``type`` names the kind); unknown keys raise."""
        allowed = {"type", "start", "end", "share", "reduction", "eligible", "name"}
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
            )
        except (TypeError, ValueError) as exc:
            if isinstance(exc, InterventionError):
                raise
            raise InterventionError(f"bad value in intervention: {exc}") from None


class ActiveIntervention:
    """An intervention bound to one model run: its per-firm draws and who it has treated."""

    def __init__(self, intervention: Intervention, stream: str, state: FirmState,
                 streams: Streams, start: str) -> None:  # fmt: skip
        self.spec = intervention
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
        if spec.kind not in REDUCING:  # Direction's investments: engaged firms only
            new &= state.stage >= Stage.PLANNED
        if not new.any():
            return 0
        self.treated |= new
        _EFFECTS[spec.kind](state, new, spec)
        return int(new.sum())


def _hold(state: FirmState, firms: np.ndarray, *choices: Choice) -> None:
    """Mark ``choices`` as held by the policy in ``firms``: Direction no longer revises them
    (``rules.direction.decide``), so the treated firms keep what the policy gave them, for
    the rest of the run (``end`` only stops treating new firms)."""
    bits = np.uint8(sum(1 << int(c) for c in choices))
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


def bind(interventions: Sequence[Intervention], state: FirmState, streams: Streams,
         start: str) -> list[ActiveIntervention]:  # fmt: skip
    """Bind interventions to a model run.  Each draws from a stream named after its label
    (and its rank among interventions of the same label), not its position in the list, so
    the training intervention of a combined scenario treats the same firms as the training
    scenario's (common random numbers across scenarios)."""
    seen: dict[str, int] = {}
    bound = []
    for iv in interventions:
        rank = seen.get(iv.label, 0)
        seen[iv.label] = rank + 1
        stream = f"intervention:{iv.label}:{rank}"
        bound.append(ActiveIntervention(iv, stream, state, streams, start))
    return bound
