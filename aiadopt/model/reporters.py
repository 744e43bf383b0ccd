"""Model reporters for Mesa's DataCollector, computed from the state arrays.

Each reporter is a module-level function (lambdas do not pickle) of the model.  Scalar
reporters return a float; table reporters return a float array whose entries are named by the
reporter's ``keys`` list of ``(metric, group)`` pairs (an array, because Mesa deep-copies what
a reporter returns, and a dict of tuples is slow to copy).  ``AdoptionModel.tidy()`` flattens
them into the long table ``date, metric, group, value``.

All reporters read one ``Tally`` of the month: every count they need, gathered in a single
compiled pass over the firms (``tally``), shared by all reporters during one
``model.collect()`` (outside a collect each reporter takes a fresh tally).
Metric names carry their category after a dot (``stage_share.deployed``); groups say which
firms the share is taken over (``all``, ``size:100_249``, ``engaged`` ...).  Empty groups give
NaN, never a division by zero.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from . import rules
from .stages import (
    Collaboration,
    Difficulty,
    Gain,
    Obstacle,
    Outsourcing,
    ProviderManager,
    Stage,
    Strategy,
    UseCase,
    UseCaseStage,
    label,
)

if TYPE_CHECKING:
    from .model import AdoptionModel

Table = dict[tuple[str, str], float]

SIZE_GROUPS = ("size:100_249", "size:250_499", "size:500_plus")
DIRECTION_GROUPS = ("engaged", "active")  # planned or beyond; experimenting or beyond
COLLABORATION_GROUPS = ("setting_up", "deployed", "active")
ACTIONS = ("training", "dedicated_staff", "new_roles_internal", "new_roles_external")


@dataclass
class Tally:
    """Counts and sums of one month, gathered in one pass over the firms."""

    stage_by_size: np.ndarray  # (3, 5) firms by SizeClass and Stage
    views: np.ndarray  # (2,) firms Technique / Business would call deployed
    strategy: np.ndarray  # (2, 4) by DIRECTION_GROUPS and Strategy
    outsourcing: np.ndarray  # (2, 3) by DIRECTION_GROUPS and Outsourcing
    actions: np.ndarray  # (2, 4) by DIRECTION_GROUPS and ACTIONS
    managers: np.ndarray  # (3,) outsourcing firms by ProviderManager
    planned_training: np.ndarray  # (2,) planned firms that train, planned firms
    collaboration: np.ndarray  # (3, 4) by COLLABORATION_GROUPS and mode (engaged firms)
    difficulties: np.ndarray  # (4,) collaborating active firms by Difficulty, and their count
    shadow: np.ndarray  # (1,) firms with shadow AI
    obstacles: np.ndarray  # (2, 5) engaged / not engaged firms citing each Obstacle
    usecases: np.ndarray  # (6, 4) engaged firms by UseCase and UseCaseStage
    expected: np.ndarray  # (3,) sum of expected gains, all firms
    realised_active: np.ndarray  # (3,) sum of realised gains, active firms
    realised_all: np.ndarray  # (3,) sum of realised gains, all firms
    enthusiasm: np.ndarray  # (2,) sum over all firms, over engaged firms
    agentic: np.ndarray  # (2,) engaged firms whose Technique / Business heard of agentic AI
    interest_technique: np.ndarray  # (6,) mean interest, all firms
    interest_business: np.ndarray  # (6,) mean interest, all firms
    interest_mature: np.ndarray  # (6,) mean firm interest among deployed or scaled firms

    @property
    def n(self) -> int:
        return int(self.stage_by_size.sum())

    @property
    def stage_counts(self) -> np.ndarray:
        return self.stage_by_size.sum(axis=0)

    def n_engaged(self) -> int:
        return int(self.stage_counts[Stage.PLANNED :].sum())

    def n_active(self) -> int:
        return int(self.stage_counts[Stage.EXPERIMENTING :].sum())

    def n_mature(self) -> int:
        return int(self.stage_counts[Stage.DEPLOYED :].sum())


@njit(cache=True)
def _tally_kernel(stage, size, strategy, outsourcing, manager, training, dedicated,
                  roles_internal, roles_external, collaboration, difficulties, shadow_ai,
                  loose_view, demand, skills, security, regulation, finance, cite, uc_stage,
                  expected, realised, enthusiasm, technique_agentic, business_agentic):  # fmt: skip
    stage_by_size = np.zeros((3, 5))
    views = np.zeros(2)
    strat = np.zeros((2, 4))
    outs = np.zeros((2, 3))
    actions = np.zeros((2, 4))
    managers = np.zeros(3)
    planned_training = np.zeros(2)
    collab = np.zeros((3, 4))
    diffs = np.zeros(4)
    shadow = np.zeros(1)
    obstacles = np.zeros((2, 5))
    usecases = np.zeros((6, 4))
    exp_sum = np.zeros(3)
    real_active = np.zeros(3)
    real_all = np.zeros(3)
    enth = np.zeros(2)
    agentic = np.zeros(2)
    for i in range(stage.shape[0]):
        st = stage[i]
        stage_by_size[size[i], st] += 1
        engaged = st >= 1
        active = st >= 2
        deployed = st >= 3
        pilot = uc_stage[i, 0] == 2 or uc_stage[i, 1] == 2  # content or personalisation
        if deployed:
            views[0] += 1
        if deployed or shadow_ai[i] or (loose_view[i] and pilot):
            views[1] += 1
        if shadow_ai[i]:
            shadow[0] += 1
        for k in range(3):
            exp_sum[k] += expected[i, k]
            real_all[k] += realised[i, k]
        enth[0] += enthusiasm[i]
        # obstacles cited (severity above the threshold), engaged vs not
        g = 0 if engaged else 1
        obstacles[g, 0] += (1.0 - demand[i]) > cite
        obstacles[g, 1] += (1.0 - skills[i]) > cite
        obstacles[g, 2] += security[i] > cite
        obstacles[g, 3] += regulation[i] > cite
        obstacles[g, 4] += finance[i] > cite
        if not engaged:
            continue
        enth[1] += enthusiasm[i]
        agentic[0] += technique_agentic[i]
        agentic[1] += business_agentic[i]
        for j in range(6):
            usecases[j, uc_stage[i, j]] += 1
        if st == 1:
            planned_training[0] += training[i]
            planned_training[1] += 1
        for g in range(2):
            if g == 1 and not active:
                continue
            strat[g, strategy[i]] += 1
            outs[g, outsourcing[i]] += 1
            actions[g, 0] += training[i]
            actions[g, 1] += dedicated[i]
            actions[g, 2] += roles_internal[i]
            actions[g, 3] += roles_external[i]
        if outsourcing[i] != 0 and manager[i] >= 0:
            managers[manager[i]] += 1
        c = collaboration[i]
        if c >= 0:
            if st <= 2:
                collab[0, c] += 1
            if deployed:
                collab[1, c] += 1
            if active:
                collab[2, c] += 1
                if c != 3:
                    for k in range(3):
                        diffs[k] += difficulties[i, k]
                    diffs[3] += 1
        if active:
            for k in range(3):
                real_active[k] += realised[i, k]
    return (stage_by_size, views, strat, outs, actions, managers, planned_training, collab,
            diffs, shadow, obstacles, usecases, exp_sum, real_active, real_all, enth,
            agentic)  # fmt: skip


@njit(cache=True)
def _interest_sums(interest, stage):
    """Column sums of the (n, 12) interest, over all firms (row 0) and over deployed or
    scaled firms (row 1), in float64: a compiled loop rather than a BLAS product, whose
    threads cost more to wake up each month than the sum itself."""
    sums = np.zeros((2, interest.shape[1]))
    for i in range(interest.shape[0]):
        mature = stage[i] >= 3
        for k in range(interest.shape[1]):
            x = interest[i, k]
            sums[0, k] += x
            if mature:
                sums[1, k] += x
    return sums


def tally(model: AdoptionModel) -> Tally:
    """Every count the reporters need, for the model's current state (one compiled pass,
    plus the vectorised use-case interest)."""
    s, p = model.state, model.params
    parts = _tally_kernel(
        s.stage, s.size, s.strategy, s.outsourcing, s.manager, s.training, s.dedicated,
        s.roles_internal, s.roles_external, s.collaboration, s.difficulties, s.shadow_ai,
        s.loose_view, s.demand, s.skills, s.security, s.regulation, s.finance, p.cite_threshold,
        s.uc_stage, s.expected, s.realised, s.enthusiasm, s.technique_agentic, s.business_agentic,
    )  # fmt: skip
    interest = rules.interest_both_roles(s.enthusiasm, s.uc_experience, p)  # (n, 12)
    sums = _interest_sums(interest, s.stage)
    n_mature = float(parts[0][:, Stage.DEPLOYED :].sum())
    m = len(UseCase)
    return Tally(
        *parts,
        interest_technique=sums[0, :m] / max(s.n, 1),
        interest_business=sums[0, m:] / max(s.n, 1),
        interest_mature=np.asarray(_ratio(0.5 * (sums[1, :m] + sums[1, m:]), n_mature)),
    )


def _ratio(num: float | np.ndarray, den: float) -> float | np.ndarray:
    """num / den, NaN where the group is empty."""
    if den:
        return num / den
    return np.full_like(np.asarray(num, dtype=float), np.nan) if np.ndim(num) else float("nan")


def table_reporter(
    keys: list[tuple[str, str]],
) -> Callable[[Callable[[Tally], np.ndarray]], Callable[[AdoptionModel], np.ndarray]]:
    """Make a model reporter from a function of the month's Tally returning one value per
    ``(metric, group)`` pair of ``keys`` (fixed at import: no per-month string work)."""

    def decorate(func: Callable[[Tally], np.ndarray]) -> Callable[[AdoptionModel], np.ndarray]:
        @functools.wraps(func)
        def wrapper(model: AdoptionModel) -> np.ndarray:
            return np.asarray(func(model.tally()), dtype=np.float64).ravel()

        wrapper.keys = keys  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _keys(metric: str, categories: list[str], groups: tuple[str, ...] | list[str]) -> list:
    """Keys for a (group x category) block of shares, group-major."""
    return [(f"{metric}.{c}", g) for g in groups for c in categories]


def _labels(enum: type, skip: tuple = ()) -> list[str]:
    return [label(m) for m in sorted(enum, key=int) if m not in skip]


def engaged_share(model: AdoptionModel) -> float:
    """Share of firms engaged: planned or beyond (Figure 1: 48% in March 2025)."""
    t = model.tally()
    return float(_ratio(t.n_engaged(), t.n))


def scaled_share(model: AdoptionModel) -> float:
    """Share of firms that have scaled their deployment."""
    t = model.tally()
    return float(_ratio(t.stage_counts[Stage.SCALED], t.n))


def _row_shares(counts: np.ndarray) -> np.ndarray:
    """Each row of ``counts`` divided by its total (NaN rows where the total is 0)."""
    counts = np.atleast_2d(counts)
    totals = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, counts / np.where(totals > 0, totals, 1), np.nan)


@table_reporter(_keys("stage_share", _labels(Stage), ("all", *SIZE_GROUPS)))
def stage_shares(t: Tally) -> np.ndarray:
    """Share of firms in each stage, over all firms and by size class (Figure 1, text p.2)."""
    return _row_shares(np.vstack([t.stage_counts, t.stage_by_size]))


@table_reporter([("deployed_view.technique", "all"), ("deployed_view.business", "all")])
def deployed_views(t: Tally) -> np.ndarray:
    """Share of firms whose Technique / Business respondent would say AI is deployed
    (text p.2: 10% vs 21%)."""
    return _ratio(t.views, t.n)


_DIRECTION_KEYS = (
    [
        key
        for g in DIRECTION_GROUPS
        for key in (
            _keys("strategy_share", _labels(Strategy), (g,))
            + _keys("outsourcing_share", _labels(Outsourcing), (g,))
            + _keys("action_share", ["outsourcing", "outsource_all", *ACTIONS], (g,))
        )
    ]
    + _keys(
        "manager_share", _labels(ProviderManager, skip=(ProviderManager.NOBODY,)), ("outsourcing",)
    )
    + [("action_share.training", "planned")]
)


@table_reporter(_DIRECTION_KEYS)
def direction_mix(t: Tally) -> np.ndarray:
    """Strategy, outsourcing, provider management and actions among engaged and active firms
    (Figures 9, 11, 12)."""
    blocks = []
    for g in range(len(DIRECTION_GROUPS)):
        n = t.strategy[g].sum()
        outs = t.outsourcing[g]
        blocks += [
            _ratio(t.strategy[g], n),
            _ratio(outs, n),
            _ratio(np.array([n - outs[Outsourcing.NONE], outs[Outsourcing.ALL]]), n),
            _ratio(t.actions[g], n),
        ]
    blocks.append(_ratio(t.managers, t.managers.sum()))
    blocks.append([_ratio(t.planned_training[0], t.planned_training[1])])
    return np.concatenate([np.atleast_1d(b) for b in blocks])


_MODES = _labels(Collaboration, skip=(Collaboration.UNSET,))


@table_reporter(
    _keys("collaboration_share", _MODES, COLLABORATION_GROUPS)
    + _keys("difficulty_share", _labels(Difficulty), ("collaborating",))
    + [("shadow_ai_share", "all")]
)
def collaboration_mix(t: Tally) -> np.ndarray:
    """Collaboration modes while setting up and once deployed, and difficulties among
    collaborating firms (Figures 13-14); share of firms with shadow AI."""
    return np.concatenate(
        [
            _row_shares(t.collaboration).ravel(),
            np.atleast_1d(_ratio(t.difficulties[:3], t.difficulties[3])),
            [_ratio(t.shadow[0], t.n)],
        ]
    )


@table_reporter(_keys("obstacle_prevalence", _labels(Obstacle), ("engaged", "not_engaged")))
def obstacle_prevalence(t: Tally) -> np.ndarray:
    """Share of firms citing each obstacle, engaged and not engaged (Figures 3-4)."""
    n_engaged = t.n_engaged()
    return np.concatenate(
        [np.atleast_1d(_ratio(t.obstacles[0], n_engaged)),
         np.atleast_1d(_ratio(t.obstacles[1], t.n - n_engaged))]
    )  # fmt: skip


_UC_STAGES = (UseCaseStage.PLANNED, UseCaseStage.IN_DEVELOPMENT, UseCaseStage.IN_PLACE)


@table_reporter(
    [(f"usecase_stage.{label(uc)}.{label(st)}", "engaged") for uc in UseCase for st in _UC_STAGES]
    + [
        (f"usecase_interest.{label(uc)}", g)
        for g in ("technique", "business", "mature")
        for uc in UseCase
    ]
)
def usecases(t: Tally) -> np.ndarray:
    """Use-case stages among engaged firms (Figure 6) and interest by role and maturity
    (Figures 5, 8)."""
    stages = np.atleast_1d(_ratio(t.usecases[:, 1:].ravel(), t.n_engaged()))
    return np.concatenate([stages, t.interest_technique, t.interest_business, t.interest_mature])


@table_reporter(
    _keys("gain_expected", _labels(Gain), ("all",))
    + _keys("gain_realised", _labels(Gain), ("active", "all"))
    + [
        ("enthusiasm", "all"),
        ("enthusiasm", "engaged"),
        ("agentic_awareness.technique", "engaged"),
        ("agentic_awareness.business", "engaged"),
    ]
)
def gains(t: Tally) -> np.ndarray:
    """Mean expected gains (all firms) and realised gains (firms deployed or in progress, and
    all firms), percent (Figures 15-16); mean enthusiasm (the hype cycle, Figure 7); agentic
    AI awareness of engaged firms' Technique and Business (Figure 2)."""
    n_active, n_engaged = t.n_active(), t.n_engaged()
    return np.concatenate(
        [
            np.atleast_1d(_ratio(t.expected, t.n)),
            np.atleast_1d(_ratio(t.realised_active, n_active)),
            np.atleast_1d(_ratio(t.realised_all, t.n)),
            [_ratio(t.enthusiasm[0], t.n), _ratio(t.enthusiasm[1], n_engaged)],
            np.atleast_1d(_ratio(t.agentic, n_engaged)),
        ]
    )


MODEL_REPORTERS: dict[str, Callable[[AdoptionModel], float | np.ndarray]] = {
    "engaged_share": engaged_share,
    "scaled_share": scaled_share,
    "stage_shares": stage_shares,
    "deployed_views": deployed_views,
    "direction_mix": direction_mix,
    "collaboration_mix": collaboration_mix,
    "obstacle_prevalence": obstacle_prevalence,
    "usecases": usecases,
    "gains": gains,
}
"""Every reporter the model's DataCollector runs, by name."""
