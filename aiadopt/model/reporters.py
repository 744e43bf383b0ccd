"""Model reporters for Mesa's DataCollector, computed from the state arrays.

Each reporter is a module-level function (lambdas do not pickle) of the model.  Scalar
reporters return a float; table reporters return a float array whose entries are named by the
reporter's ``keys`` list of ``(metric, group)`` pairs (an array, because Mesa deep-copies what
a reporter returns, and a dict of tuples is slow to copy).  ``AdoptionModel.tidy()`` flattens
them into the long table ``date, metric, group, value``.

All reporters read one ``Tally`` of the month, shared by all reporters during one
``model.collect()`` (outside a collect each reporter takes a fresh tally): every count they
need, gathered in a single compiled pass over the firms (``_tally_kernel``), and every
reporter's values computed from these counts in another (``_report_kernel``), so that a
reporter only hands its slice of them to the DataCollector.  Each reporter's function
documents what its values mean; the section of ``_report_kernel`` named after it computes
them, in the order of its keys.
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

from .codes import (
    BALANCED,
    COLLABORATION_OFFSET,
    COMMUNICATION,
    DEPLOYED,
    EXPERIMENTING,
    MANAGER_OFFSET,
    MISESTIMATES,
    N_COLLABORATION_CODES,
    N_DIFFICULTIES,
    N_MANAGER_CODES,
    N_OBSTACLES,
    N_OUTSOURCING,
    N_SIZES,
    N_STAGES,
    N_STRATEGIES,
    N_USE_CASE_STAGES,
    N_USE_CASES,
    NO_COLLABORATION,
    NOT_ENGAGED,
    ORGANISATION,
    OUTSOURCE_ALL,
    OUTSOURCE_NONE,
    PLANNED,
    SCALED,
    UC_PLANNED,
)
from .rules.compiled import call_by_name
from .rules.interest import interest_sums
from .rules.obstacles import cited_flags
from .rules.views import business_sees_deployed_firm
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
N_ACTIONS = len(ACTIONS)
N_MODES = N_COLLABORATION_CODES - 1
"""Collaboration modes (every code but UNSET, from BALANCED on)."""

# Sizes of the histograms of flags packed into one code (one bit per flag, first flag highest).
_VIEW_FLAGS = 1 << 4  # shadow AI, Business's view of deployed, Technique / Business agentic
_ACTION_FLAGS = 1 << N_ACTIONS  # ACTIONS
_DIFFICULTY_FLAGS = 1 << N_DIFFICULTIES  # Difficulty
_OBSTACLE_FLAGS = 1 << N_OBSTACLES  # Obstacle: cited or not


@dataclass
class Tally:
    """Counts and sums of one month, gathered in one pass over the firms, and the values of
    every reporter computed from them (``_report_kernel``)."""

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
    interest_sums: np.ndarray  # (2, 12) sums of interest (Technique's 6, Business's 6) over
    # all firms (row 0) and over deployed or scaled firms (row 1)
    values: np.ndarray  # every reporter's values, in the order of MODEL_REPORTERS


@njit(cache=True)
def _tally_kernel(stage, size, strategy, outsourcing, manager, training, dedicated,
                  roles_internal, roles_external, collaboration, difficulties, shadow_ai,
                  loose_view, demand, skills, security, regulation, finance, cite_threshold,
                  uc_stage, expected, realised, enthusiasm, technique_agentic,
                  business_agentic):  # fmt: skip
    """The month's counts, in one pass over the firms without data-dependent branches (a
    firm's stage, strategy, collaboration ... vary from one firm to the next, so branches on
    them are mispredicted half the time): each firm adds 1 to one cell of four histograms of
    codes packing its categories and flags, and its gains and enthusiasm to sums weighted
    0 or 1.  The counts by group are then read off the histograms (a few thousand cells)."""
    n_firms = stage.shape[0]
    by_firm = np.zeros((N_STAGES, N_SIZES, _VIEW_FLAGS), dtype=np.int64)
    by_direction = np.zeros(
        (N_STAGES, N_STRATEGIES, N_OUTSOURCING, N_MANAGER_CODES, _ACTION_FLAGS), dtype=np.int64
    )  # by stage, strategy, outsourcing, manager + MANAGER_OFFSET, ACTIONS flags
    by_collaboration = np.zeros(
        (N_STAGES, N_COLLABORATION_CODES, _DIFFICULTY_FLAGS), dtype=np.int64
    )  # by stage, collaboration + COLLABORATION_OFFSET, difficulty flags
    by_obstacles = np.zeros((2, _OBSTACLE_FLAGS), dtype=np.int64)  # engaged, cited flags
    usecases = np.zeros((N_USE_CASES, N_USE_CASE_STAGES), dtype=np.int64)  # engaged firms
    e0 = e1 = e2 = 0.0  # expected gains, all firms
    a0 = a1 = a2 = 0.0  # realised gains, all firms
    r0 = r1 = r2 = 0.0  # realised gains, active firms
    enthusiasm_all = enthusiasm_engaged = 0.0
    for i in range(n_firms):
        st = stage[i]
        engaged = 1 if st >= PLANNED else 0
        active = 1.0 if st >= EXPERIMENTING else 0.0
        business_view = business_sees_deployed_firm(i, stage, shadow_ai, loose_view, uc_stage)
        view = (8 * shadow_ai[i] + 4 * business_view + 2 * technique_agentic[i]
                + business_agentic[i])  # fmt: skip
        by_firm[st, size[i], view] += 1
        acts = 8 * training[i] + 4 * dedicated[i] + 2 * roles_internal[i] + roles_external[i]
        by_direction[st, strategy[i], outsourcing[i], manager[i] + MANAGER_OFFSET, acts] += 1
        flags = (4 * difficulties[i, MISESTIMATES] + 2 * difficulties[i, COMMUNICATION]
                 + difficulties[i, ORGANISATION])  # fmt: skip
        by_collaboration[st, collaboration[i] + COLLABORATION_OFFSET, flags] += 1
        cited = cited_flags(i, cite_threshold, demand, skills, security, regulation, finance)
        by_obstacles[engaged, cited] += 1
        for j in range(N_USE_CASES):
            usecases[j, uc_stage[i, j]] += engaged
        e0 += expected[i, 0]
        e1 += expected[i, 1]
        e2 += expected[i, 2]
        a0 += realised[i, 0]
        a1 += realised[i, 1]
        a2 += realised[i, 2]
        r0 += realised[i, 0] * active
        r1 += realised[i, 1] * active
        r2 += realised[i, 2] * active
        enthusiasm_all += enthusiasm[i]
        enthusiasm_engaged += enthusiasm[i] * engaged
    # --- counts by group, from the histograms
    stage_by_size = np.zeros((N_SIZES, N_STAGES))
    views = np.zeros(2)
    shadow = np.zeros(1)
    agentic = np.zeros(2)
    for st in range(N_STAGES):
        for g in range(N_SIZES):
            for view in range(_VIEW_FLAGS):
                c = by_firm[st, g, view]
                stage_by_size[g, st] += c
                views[0] += c * (st >= DEPLOYED)
                views[1] += c * ((view & 4) > 0)  # Business's view
                shadow[0] += c * (view >= 8)
                agentic[0] += c * ((st >= PLANNED) & ((view & 2) > 0))
                agentic[1] += c * ((st >= PLANNED) & ((view & 1) > 0))
    strat = np.zeros((2, N_STRATEGIES))
    outs = np.zeros((2, N_OUTSOURCING))
    actions = np.zeros((2, N_ACTIONS))
    managers = np.zeros(N_MANAGER_CODES - 1)  # every manager but NOBODY
    planned_training = np.zeros(2)
    for st in range(PLANNED, N_STAGES):
        for s_ in range(N_STRATEGIES):
            for o in range(N_OUTSOURCING):
                for m in range(N_MANAGER_CODES):  # manager + MANAGER_OFFSET: 0 is NOBODY
                    for acts in range(_ACTION_FLAGS):
                        c = by_direction[st, s_, o, m, acts]
                        if c == 0:
                            continue
                        for g in range(2 if st >= EXPERIMENTING else 1):  # engaged; active
                            strat[g, s_] += c
                            outs[g, o] += c
                            for a in range(N_ACTIONS):
                                actions[g, a] += c * ((acts >> (N_ACTIONS - 1 - a)) & 1)
                        if o != OUTSOURCE_NONE and m >= 1:
                            managers[m - 1] += c
                        if st == PLANNED:
                            planned_training[0] += c * (acts >> 3)
                            planned_training[1] += c
    collab = np.zeros((len(COLLABORATION_GROUPS), N_MODES))
    diffs = np.zeros(N_DIFFICULTIES + 1)  # by Difficulty, then the collaborating active firms
    for st in range(PLANNED, N_STAGES):
        for mode in range(BALANCED, BALANCED + N_MODES):
            for flags in range(_DIFFICULTY_FLAGS):
                c = by_collaboration[st, mode + COLLABORATION_OFFSET, flags]
                collab[0, mode - BALANCED] += c * (st <= EXPERIMENTING)  # setting up
                collab[1, mode - BALANCED] += c * (st >= DEPLOYED)  # deployed
                collab[2, mode - BALANCED] += c * (st >= EXPERIMENTING)  # active
                if st >= EXPERIMENTING and mode != NO_COLLABORATION:  # collaborating active
                    for d in range(N_DIFFICULTIES):
                        diffs[d] += c * ((flags >> (N_DIFFICULTIES - 1 - d)) & 1)
                    diffs[N_DIFFICULTIES] += c
    obstacles = np.zeros((2, N_OBSTACLES))
    for e in range(2):
        for cited in range(_OBSTACLE_FLAGS):
            for o in range(N_OBSTACLES):
                obstacles[1 - e, o] += (
                    by_obstacles[e, cited] * ((cited >> (N_OBSTACLES - 1 - o)) & 1)
                )
    return (stage_by_size, views, strat, outs, actions, managers, planned_training, collab,
            diffs, shadow, obstacles, usecases.astype(np.float64), np.array([e0, e1, e2]),
            np.array([r0, r1, r2]), np.array([a0, a1, a2]),
            np.array([enthusiasm_all, enthusiasm_engaged]), agentic)  # fmt: skip


def tally(model: AdoptionModel) -> Tally:
    """Every count the reporters need, for the model's current state (one compiled pass, plus
    the vectorised use-case interest), and every reporter's values from them (another)."""
    s, p = model.state, model.params
    parts = call_by_name(_tally_kernel, s, p)  # the state's arrays, and cite_threshold
    sums = interest_sums(s.enthusiasm, s.uc_experience, s.stage, p)
    values = np.empty(_N_VALUES)
    written = _report_kernel(*parts, sums, values)
    if written != _N_VALUES:  # pragma: no cover - a reporter's keys and its section disagree
        raise RuntimeError(f"_report_kernel wrote {written} values, the reporters have {_N_VALUES}")
    return Tally(*parts, interest_sums=sums, values=values)


@njit(inline="always")
def _share(num, den):
    """num / den, NaN where the group is empty."""
    return num / den if den > 0 else np.nan


@njit(inline="always")
def _put_shares(out, k, nums, den):
    """Write nums / den at out[k:]; returns the next position."""
    for c in range(nums.shape[0]):
        out[k + c] = _share(nums[c], den)
    return k + nums.shape[0]


@njit(cache=True)
def _report_kernel(stage_by_size, views, strategy, outsourcing, actions, managers,
                   planned_training, collaboration, difficulties, shadow, obstacles, usecases,
                   expected, realised_active, realised_all, enthusiasm, agentic, interest_sums,
                   out):  # fmt: skip
    """Every reporter's values from the month's counts, into ``out``, reporter after
    reporter in the order of ``MODEL_REPORTERS`` and, within a reporter, in the order of its
    keys; returns how many were written.  Shares are NaN where their group is empty."""
    stage_counts = stage_by_size.sum(axis=0)
    n = stage_counts.sum()
    n_engaged = n - stage_counts[NOT_ENGAGED]
    n_active = stage_counts[EXPERIMENTING:].sum()
    n_mature = stage_counts[DEPLOYED:].sum()
    # engaged_share, scaled_share
    out[0] = _share(n_engaged, n)
    out[1] = _share(stage_counts[SCALED], n)
    k = 2
    # stage_shares: all firms, then each size class
    k = _put_shares(out, k, stage_counts, n)
    for g in range(stage_by_size.shape[0]):
        k = _put_shares(out, k, stage_by_size[g], stage_by_size[g].sum())
    # deployed_views
    k = _put_shares(out, k, views, n)
    # direction_mix: engaged firms, then active firms; managers; training when planned
    for g in range(strategy.shape[0]):
        n_g = strategy[g].sum()
        k = _put_shares(out, k, strategy[g], n_g)
        k = _put_shares(out, k, outsourcing[g], n_g)
        out[k] = _share(n_g - outsourcing[g, OUTSOURCE_NONE], n_g)
        out[k + 1] = _share(outsourcing[g, OUTSOURCE_ALL], n_g)
        k = _put_shares(out, k + 2, actions[g], n_g)
    k = _put_shares(out, k, managers, managers.sum())
    out[k] = _share(planned_training[0], planned_training[1])
    k += 1
    # collaboration_mix: modes by group, difficulties, shadow AI
    for g in range(collaboration.shape[0]):
        k = _put_shares(out, k, collaboration[g], collaboration[g].sum())
    k = _put_shares(out, k, difficulties[:N_DIFFICULTIES], difficulties[N_DIFFICULTIES])
    out[k] = _share(shadow[0], n)
    k += 1
    # obstacle_prevalence: engaged, then not engaged
    k = _put_shares(out, k, obstacles[0], n_engaged)
    k = _put_shares(out, k, obstacles[1], n - n_engaged)
    # usecases: stages (planned, in development, in place) of each use case among engaged
    # firms; mean interest of Technique and of Business over all firms; mean firm interest
    # among mature firms
    for j in range(usecases.shape[0]):
        k = _put_shares(out, k, usecases[j, UC_PLANNED:], n_engaged)
    m = interest_sums.shape[1] // 2
    for c in range(2 * m):
        out[k + c] = interest_sums[0, c] / max(n, 1)
    k += 2 * m
    for j in range(m):
        out[k + j] = _share(0.5 * (interest_sums[1, j] + interest_sums[1, m + j]), n_mature)
    k += m
    # gains: expected (all), realised (active, all), enthusiasm (all, engaged), agentic
    k = _put_shares(out, k, expected, n)
    k = _put_shares(out, k, realised_active, n_active)
    k = _put_shares(out, k, realised_all, n)
    out[k] = _share(enthusiasm[0], n)
    out[k + 1] = _share(enthusiasm[1], n_engaged)
    k = _put_shares(out, k + 2, agentic, n_engaged)
    return k


_LAYOUT: dict[str, slice] = {}  # each reporter's slice of Tally.values, in declaration order


def _declare(name: str, size: int) -> slice:
    start = sum(s.stop - s.start for s in _LAYOUT.values())
    _LAYOUT[name] = slice(start, start + size)
    return _LAYOUT[name]


def scalar_reporter(func: Callable[[], None]) -> Callable[[AdoptionModel], float]:
    """Make a model reporter of one value from a declaration (a documented function whose
    value ``_report_kernel`` computes)."""
    where = _declare(func.__name__, 1).start

    @functools.wraps(func)
    def reporter(model: AdoptionModel) -> float:
        return float(model.tally().values[where])

    return reporter


def table_reporter(
    keys: list[tuple[str, str]],
) -> Callable[[Callable[[], None]], Callable[[AdoptionModel], np.ndarray]]:
    """Make a model reporter of one value per ``(metric, group)`` pair of ``keys`` (fixed at
    import: no per-month string work) from a declaration (a documented function whose values
    ``_report_kernel`` computes, in the order of ``keys``)."""

    def decorate(func: Callable[[], None]) -> Callable[[AdoptionModel], np.ndarray]:
        where = _declare(func.__name__, len(keys))

        @functools.wraps(func)
        def reporter(model: AdoptionModel) -> np.ndarray:
            return model.tally().values[where]

        reporter.keys = keys  # type: ignore[attr-defined]
        return reporter

    return decorate


def _keys(metric: str, categories: list[str], groups: tuple[str, ...] | list[str]) -> list:
    """Keys for a (group x category) block of shares, group-major."""
    return [(f"{metric}.{c}", g) for g in groups for c in categories]


def _labels(enum: type, skip: tuple = ()) -> list[str]:
    return [label(m) for m in sorted(enum, key=int) if m not in skip]


@scalar_reporter
def engaged_share() -> None:
    """Share of firms engaged: planned or beyond (Figure 1: 48% in March 2025)."""


@scalar_reporter
def scaled_share() -> None:
    """Share of firms that have scaled their deployment."""


@table_reporter(_keys("stage_share", _labels(Stage), ("all", *SIZE_GROUPS)))
def stage_shares() -> None:
    """Share of firms in each stage, over all firms and by size class (Figure 1, text p.2)."""


@table_reporter([("deployed_view.technique", "all"), ("deployed_view.business", "all")])
def deployed_views() -> None:
    """Share of firms whose Technique / Business respondent would say AI is deployed
    (text p.2: 10% vs 21%)."""


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
def direction_mix() -> None:
    """Strategy, outsourcing, provider management and actions among engaged and active firms
    (Figures 9, 11, 12); training among planned firms."""


_MODES = _labels(Collaboration, skip=(Collaboration.UNSET,))


@table_reporter(
    _keys("collaboration_share", _MODES, COLLABORATION_GROUPS)
    + _keys("difficulty_share", _labels(Difficulty), ("collaborating",))
    + [("shadow_ai_share", "all")]
)
def collaboration_mix() -> None:
    """Collaboration modes while setting up and once deployed, and difficulties among
    collaborating active firms, experimenting or beyond (Figures 13-14); share of firms
    with shadow AI."""


@table_reporter(_keys("obstacle_prevalence", _labels(Obstacle), ("engaged", "not_engaged")))
def obstacle_prevalence() -> None:
    """Share of firms citing each obstacle, engaged and not engaged (Figures 3-4)."""


_UC_STAGES = (UseCaseStage.PLANNED, UseCaseStage.IN_DEVELOPMENT, UseCaseStage.IN_PLACE)


@table_reporter(
    [(f"usecase_stage.{label(uc)}.{label(st)}", "engaged") for uc in UseCase for st in _UC_STAGES]
    + [
        (f"usecase_interest.{label(uc)}", g)
        for g in ("technique", "business", "mature")
        for uc in UseCase
    ]
)
def usecases() -> None:
    """Use-case stages among engaged firms (Figure 6) and interest by role (all firms) and
    of the firm as a whole among deployed or scaled firms (Figures 5, 8)."""


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
def gains() -> None:
    """Mean expected gains (all firms) and realised gains (firms deployed or in progress, and
    all firms), percent (Figures 15-16); mean enthusiasm (the hype cycle, Figure 7); agentic
    AI awareness of engaged firms' Technique and Business (Figure 2)."""


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
"""Every reporter the model's DataCollector runs, by name (in the order of Tally.values)."""

if list(MODEL_REPORTERS) != list(_LAYOUT):  # pragma: no cover
    raise RuntimeError("MODEL_REPORTERS must list the reporters in their declaration order")
_N_VALUES = sum(s.stop - s.start for s in _LAYOUT.values())
