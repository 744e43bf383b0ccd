"""The model's rules: pure functions of the firm arrays and the month's random draws.

Each rule cites the figure of the study it rests on (or says it is an assumption).  A rule is
written once, for one firm, as a numba-compiled function (``_<rule>_firm(i, s, k, ...)``: firm
``i`` of the state arrays ``s``, with the constants ``k`` derived from the ``Params``).  It is
then run two ways, with identical results:

- over all firms, one rule at a time: the public functions below (``engage``, ``invest``,
  ``update_enthusiasm`` ...), each a thin Python wrapper around a compiled loop, taking the
  ``FirmState`` and the ``Params``.  The role agents in ``agents.py`` group them by who applies
  them (Direction, Technique, Business);
- over all firms, the whole month at once: ``live_month`` takes each firm through every rule
  of the month in the model's order, in one compiled pass.  This is what ``AdoptionModel.step``
  calls.  Within a month the rules of one firm read no other firm (the peers' engaged share is
  taken at the start of the month), so one pass and one pass per rule give the same state bit
  for bit (tested).  The single pass reads each firm's data once instead of sixteen times;
  at 10,000 firms it saves about 8% of the time the rules take one by one (the rest is the
  rules' own work: exponentials, and branches on stages that differ from firm to firm).

Common random numbers: the model draws, every month, one uniform per firm and decision
(``MonthDraw`` columns) and one per firm and use case, eligible or not; a firm's set-up
choices use draws fixed at its birth (``SetUpDraw``).  Two runs with the same seed therefore
share their draws decision by decision, whatever an intervention changes elsewhere.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import fields
from typing import NamedTuple

import numpy as np
from numba import njit

from .params import Params
from .stages import (
    Difficulty,
    Gain,
    Stage,
    UseCase,
    UseCaseStage,
)
from .state import FirmState, MonthDraw, SetUpDraw

PLANNED, IN_DEV, IN_PLACE = UseCaseStage.PLANNED, UseCaseStage.IN_DEVELOPMENT, UseCaseStage.IN_PLACE
BUSINESS_TOOL_CASES = np.array([UseCase.CONTENT, UseCase.PERSONALISATION])


def hazard_to_probability(rate: np.ndarray | float) -> np.ndarray:
    """Monthly probability of an event with constant hazard ``rate`` per month."""
    return -np.expm1(-np.asarray(rate))


def _p(rate: float) -> float:
    """Monthly probability of a constant monthly hazard ``rate`` (scalar)."""
    return float(-np.expm1(-rate))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


# Stage codes as plain ints for the compiled kernels.
_NOT_ENGAGED, _PLANNED_STAGE, _EXPERIMENTING = 0, 1, 2
_DEPLOYED, _SCALED = 3, 4
_UC_NONE, _UC_PLANNED, _UC_DEV, _UC_PLACE = 0, 1, 2, 3
_COLLAB_BALANCED, _COLLAB_NONE = 0, 3
_TRIPARTITE = 3
_OUT_NONE = 0
_NOBODY = -1
_MISESTIMATES = int(Difficulty.MISESTIMATES)
_COMMUNICATION = int(Difficulty.COMMUNICATION)
_ORGANISATION = int(Difficulty.ORGANISATION)
_PRODUCTIVITY = int(Gain.PRODUCTIVITY)

# Columns of the month's draws (MonthDraw) and of the set-up draws (SetUpDraw), as plain ints.
_U_ENGAGE = int(MonthDraw.ENGAGE)
_U_ABANDON = int(MonthDraw.ABANDON)
_U_TRAINING = int(MonthDraw.TRAINING)
_U_ROLES_INTERNAL = int(MonthDraw.ROLES_INTERNAL)
_U_ROLES_EXTERNAL = int(MonthDraw.ROLES_EXTERNAL)
_U_INSOURCE = int(MonthDraw.INSOURCE)
_U_REVISE_STRATEGY = int(MonthDraw.REVISE_STRATEGY)
_U_SCALE = int(MonthDraw.SCALE)
_U_AGENTIC_TECHNIQUE = int(MonthDraw.AGENTIC_TECHNIQUE)
_U_AGENTIC_BUSINESS = int(MonthDraw.AGENTIC_BUSINESS)
_U_SHADOW = int(MonthDraw.SHADOW)
_U_REBALANCE = int(MonthDraw.REBALANCE)
_U_ORGANISATION = int(MonthDraw.ORGANISATION)
_D_PLAN = int(SetUpDraw.PLAN_CONTENT)  # PLAN_* columns follow in UseCase order
_D_STRATEGY = int(SetUpDraw.STRATEGY)
_D_OUTSOURCE = int(SetUpDraw.OUTSOURCE)
_D_OUTSOURCE_ALL = int(SetUpDraw.OUTSOURCE_ALL)
_D_MANAGER = int(SetUpDraw.MANAGER)
_D_TRAINING = int(SetUpDraw.TRAINING)
_D_DEDICATED = int(SetUpDraw.DEDICATED)
_D_ROLES_INTERNAL = int(SetUpDraw.ROLES_INTERNAL)
_D_ROLES_EXTERNAL = int(SetUpDraw.ROLES_EXTERNAL)
_D_COLLABORATION = int(SetUpDraw.COLLABORATION)
_D_DIFFICULTY = int(SetUpDraw.MISESTIMATES)  # Difficulty columns follow in Difficulty order
_D_SHADOW = int(SetUpDraw.SHADOW)
_D_EXTERNAL_EXPERTS = int(SetUpDraw.EXTERNAL_EXPERTS)
if [SetUpDraw(_D_PLAN + j).name for j in range(len(UseCase))] != [
    f"PLAN_{uc.name}" for uc in UseCase
] or [SetUpDraw(_D_DIFFICULTY + k).name for k in range(len(Difficulty))] != [
    d.name for d in Difficulty
]:  # pragma: no cover
    raise RuntimeError("state.SetUpDraw no longer lists the use cases and difficulties in order")


# --- what the compiled rules receive --------------------------------------------------------------

class Constants(NamedTuple):
    """What the compiled rules need from the ``Params``: the parameters they use, as plain
    floats, and the tables derived from them (monthly probabilities of constant hazards,
    logits, cumulative shares, effects by category)."""

    # engagement (Figures 3-4; text p.2)
    engage_size_effect: np.ndarray
    engage_obstacle_weights: np.ndarray
    p_abandon: float
    # interest (Figure 5)
    logit_technique: np.ndarray
    logit_business: np.ndarray
    interest_enthusiasm_effect: float
    interest_experience_effect: float
    # set-up (Figures 4, 7, 9, 11-14)
    cdf_strategy: np.ndarray
    p_outsource: float
    p_outsource_all: float
    cdf_manager: np.ndarray
    p_training_initial: float
    p_dedicated_initial: float
    p_roles_internal_initial: float
    p_roles_external_initial: float
    p_experts_initial: float
    cdf_collaboration: np.ndarray
    difficulty_initial: np.ndarray
    discovery: np.ndarray
    engage_enthusiasm: float
    # Direction's monthly decisions (Figures 9, 12)
    p_training: float
    p_roles_internal: float
    p_roles_external: float
    insource_hazard: float
    p_tripartite: float
    p_tripartite_balanced: float
    # progress (text p.6; Figure 4)
    strategy_effect: np.ndarray
    manager_effect: np.ndarray
    collaboration_effect: np.ndarray
    training_effect: float
    dedicated_effect: float
    roles_effect: float
    communication_effect: float
    skills_effect: float
    progress_obstacle_weights: np.ndarray
    progress_size_effect: np.ndarray
    # portfolio (Figures 5-8, 14)
    adopt_usecase_hazard: float
    start_development: float
    complete_development: float
    difficulty: np.ndarray
    overrun_hazard: float
    misestimate_overrun_effect: float
    stall_months: int
    stall_progress_factor: float
    p_drop: float
    p_withdraw: float
    experience_in_place: np.ndarray
    overrun_experience_hit: float
    # scaling (Figure 7; text p.2, p.6; Figure 14)
    scale_hazard: float
    organisation_effect: float
    scale_per_usecase_effect: float
    p_unscale: float
    # Technique (assumptions; Figure 2)
    training_skill_gain: float
    practice_skill_gain: float
    p_agentic_technique: float
    p_agentic_business: float
    # Business (Figures 7, 13)
    overrun_enthusiasm_hit: float
    enthusiasm_drift: float
    demand_drift: float
    expected_productivity: float
    shadow_hazard: float
    # collaboration (Figures 13-14)
    p_rebalance: np.ndarray
    p_organisation: float
    # gains (Figures 15-16)
    usecase_values: np.ndarray
    ramp_table: np.ndarray
    pilot_gain_share: float
    expected_gain: np.ndarray


def _log_effect_array(values: tuple[float, ...], *, unset: float | None = None) -> np.ndarray:
    """A tuple of log-effects as float64, with an extra last entry for index -1 if asked."""
    arr = np.asarray(values, dtype=np.float64)
    return np.append(arr, unset) if unset is not None else arr


def _cdf(shares: tuple[float, ...]) -> np.ndarray:
    return np.cumsum(np.asarray(shares, dtype=np.float64))


@functools.lru_cache(maxsize=16)
def _ramp_table(lag_months: float) -> np.ndarray:
    """1 - e^(-months/lag) for 0..1199 months in place."""
    return -np.expm1(-np.arange(1200, dtype=np.float64) / lag_months)


def _f64(values: tuple[float, ...]) -> np.ndarray:
    return np.asarray(values, dtype=np.float64)


def _constants(p: Params) -> Constants:
    """The ``Constants`` of a parameter set (see ``derived``)."""
    return Constants(
        engage_size_effect=_log_effect_array(p.engage_size_effect),
        engage_obstacle_weights=_log_effect_array(p.engage_obstacle_weights),
        p_abandon=float(hazard_to_probability(p.abandon_planned)),
        logit_technique=_logit(_f64(p.interest_technique)),
        logit_business=_logit(_f64(p.interest_business)),
        interest_enthusiasm_effect=float(p.interest_enthusiasm_effect),
        interest_experience_effect=float(p.interest_experience_effect),
        cdf_strategy=_cdf(p.strategy_initial),
        p_outsource=float(p.outsource_initial),
        p_outsource_all=float(p.outsource_all_initial),
        cdf_manager=_cdf(p.manager_shares),
        p_training_initial=float(p.training_initial),
        p_dedicated_initial=float(p.dedicated_initial),
        p_roles_internal_initial=float(p.roles_internal_initial),
        p_roles_external_initial=float(p.roles_external_initial),
        p_experts_initial=float(p.experts_initial),
        cdf_collaboration=_cdf(p.collaboration_initial),
        difficulty_initial=_f64(p.difficulty_initial),
        discovery=_f64(p.discovery),
        engage_enthusiasm=float(p.engage_enthusiasm),
        p_training=_p(p.training_hazard),
        p_roles_internal=_p(p.roles_internal_hazard),
        p_roles_external=_p(p.roles_external_hazard),
        insource_hazard=float(p.insource_hazard),
        p_tripartite=float(hazard_to_probability(p.tripartite_hazard)),
        p_tripartite_balanced=float(hazard_to_probability(2.0 * p.tripartite_hazard)),
        strategy_effect=_log_effect_array(p.strategy_effect),
        manager_effect=_log_effect_array(p.manager_effect, unset=0.0),
        collaboration_effect=_log_effect_array(p.collaboration_effect, unset=0.0),
        training_effect=float(p.training_effect),
        dedicated_effect=float(p.dedicated_effect),
        roles_effect=float(p.roles_effect),
        communication_effect=float(p.communication_effect),
        skills_effect=float(p.skills_effect),
        progress_obstacle_weights=_log_effect_array(p.progress_obstacle_weights),
        progress_size_effect=_log_effect_array(p.progress_size_effect),
        adopt_usecase_hazard=float(p.adopt_usecase_hazard),
        start_development=float(p.start_development),
        complete_development=float(p.complete_development),
        difficulty=_f64(p.difficulty),
        overrun_hazard=float(p.overrun_hazard),
        misestimate_overrun_effect=float(p.misestimate_overrun_effect),
        stall_months=int(p.stall_months),
        stall_progress_factor=float(p.stall_progress_factor),
        p_drop=_p(p.drop_stalled),
        p_withdraw=_p(p.decommission_hazard),
        experience_in_place=np.log(1.0 / _f64(p.usecase_promise)),
        overrun_experience_hit=float(p.overrun_experience_hit),
        scale_hazard=float(p.scale_hazard),
        organisation_effect=float(p.organisation_effect),
        scale_per_usecase_effect=float(p.scale_per_usecase_effect),
        p_unscale=_p(p.unscale_hazard),
        training_skill_gain=float(p.training_skill_gain),
        practice_skill_gain=float(p.practice_skill_gain),
        p_agentic_technique=_p(p.agentic_hazard[0]),
        p_agentic_business=_p(p.agentic_hazard[1]),
        overrun_enthusiasm_hit=float(p.overrun_enthusiasm_hit),
        enthusiasm_drift=float(p.enthusiasm_drift),
        demand_drift=float(p.demand_drift),
        expected_productivity=float(max(p.expected_gain[Gain.PRODUCTIVITY], 1e-6)),
        shadow_hazard=float(p.shadow_hazard),
        p_rebalance=hazard_to_probability(_f64(p.rebalance_hazard)),
        p_organisation=_p(p.organisation_discovery),
        usecase_values=np.array(
            [p.usecase_value_productivity, p.usecase_value_cost, p.usecase_value_revenue],
            dtype=np.float64,
        ),
        ramp_table=_ramp_table(p.gain_lag_months),
        pilot_gain_share=float(p.pilot_gain_share),
        expected_gain=_f64(p.expected_gain),
    )


class Derived:
    """What the rules need from one ``Params``, computed once rather than every month: the
    compiled rules' ``Constants`` (``k``) and the two roles' interest logits side by side."""

    def __init__(self, params: Params) -> None:
        self.k = _constants(params)
        self.logit_both = _logit(np.asarray([params.interest_technique, params.interest_business]))


_DERIVED: dict[int, tuple[Params, Derived]] = {}
_DERIVED_KEEP = 64


def derived(params: Params) -> Derived:
    """The ``Derived`` values of ``params``, cached by identity (a model calls the rules
    with the same ``Params`` object every month; ``Params`` is frozen)."""
    entry = _DERIVED.get(id(params))
    if entry is None or entry[0] is not params:
        if len(_DERIVED) >= _DERIVED_KEEP:
            _DERIVED.pop(next(iter(_DERIVED)))
        entry = (params, Derived(params))
        _DERIVED[id(params)] = entry
    return entry[1]


_STATE_FIELDS = frozenset(f.name for f in fields(FirmState))
if _STATE_FIELDS & set(Constants._fields):  # pragma: no cover
    raise RuntimeError("a Constants field has the name of a FirmState array")


@functools.cache
def _parameter_names(kernel: object) -> tuple[str, ...]:
    return tuple(inspect.signature(kernel.py_func).parameters)  # type: ignore[attr-defined]


def _run(kernel: object, state: FirmState, params: Params, **given: object) -> object:
    """Call a compiled loop with its arguments found by name: in ``given``, then among the
    state's arrays, then among the constants of ``params``.

    The loops take every array as an argument of its own: numba then compiles them as fast
    as hand-written loops, which it does not when they read the arrays from a tuple (LLVM
    reloads them at each firm).  Matching by name keeps each list written once, in the
    loop's signature.
    """
    k = derived(params).k
    args = [
        given[name] if name in given
        else getattr(state, name) if name in _STATE_FIELDS
        else getattr(k, name)
        for name in _parameter_names(kernel)
    ]  # fmt: skip
    return kernel(*args)  # type: ignore[operator]


_per_firm = njit(_nrt=False, forceinline=True, cache=True)
"""Decorator of the rules written for one firm (``_<rule>_firm``).  They only read and write
elements of existing arrays, so they are compiled without numba's reference counting
(``_nrt=False``, as numba does for its own non-allocating helpers), and inlined by LLVM
into the loops that call them (``forceinline``).  Without the first, numba would count
references to every array argument at each call, once per firm and rule: the month took
2.5 times as long."""


@njit(cache=True)
def _event(u, rate):
    """u < 1 - e^-rate, computing the exponential only when it can matter (1 - e^-r <= r)."""
    if u >= rate:
        return False
    return u < -np.expm1(-rate)


# --- engagement: Bass diffusion ------------------------------------------------------------------


def bass_closed_form(t: np.ndarray | float, p: float, q: float) -> np.ndarray:
    """Bass (1969) cumulative adoption F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t})."""
    e = np.exp(-(p + q) * np.asarray(t, dtype=np.float64))
    return (1.0 - e) / (1.0 + (q / p) * e)


def bass_month_probability(share: np.ndarray | float, p: float, q: float) -> np.ndarray:
    """Probability that a non-adopter adopts within one month, given the adopted ``share``.

    Exact one-month flow of the Bass equation dF/dt = (p + qF)(1 - F) started at ``share``:
    a homogeneous population using it follows the Bass closed form in expectation, month by
    month, with no discretisation error (tested against ``bass_closed_form``).
    """
    f = np.clip(np.asarray(share, dtype=np.float64), 0.0, 1.0)
    if p <= 0.0:
        # logistic limit of the Bass flow when p = 0
        e = np.exp(-q)
        f1 = np.divide(f, f + (1.0 - f) * e, out=np.zeros_like(f), where=(f > 0))
    else:
        a = (1.0 - f) / (1.0 + (q / p) * f)
        e = np.exp(-(p + q))
        f1 = (1.0 - a * e) / (1.0 + (q / p) * a * e)
    not_all = f < 1.0
    return np.where(not_all, (f1 - f) / np.where(not_all, 1.0 - f, 1.0), 0.0)


@njit(cache=True)
def _pool_counts(stage, pool):
    counts = np.zeros(9, dtype=np.int64)
    engaged = np.zeros(9, dtype=np.int64)
    for i in range(stage.shape[0]):
        counts[pool[i]] += 1
        if stage[i] >= _PLANNED_STAGE:
            engaged[pool[i]] += 1
    return counts, engaged


def pool_peer_shares(state: FirmState, params: Params) -> np.ndarray:
    """Engaged share seen by a firm of each of the 9 sector-size pools: its own pool's share
    mixed with the whole population's (``peer_own_weight``).  With ``peer_pool =
    "population"`` every pool sees the population-wide share (pure Bass)."""
    counts, pool_engaged = _pool_counts(state.stage, state.pool)
    overall = pool_engaged.sum() / state.n if state.n else 0.0
    if params.peer_pool == "population":
        return np.full(9, overall)
    pool_share = np.divide(pool_engaged, counts, out=np.zeros(9), where=counts > 0)
    w = params.peer_own_weight
    return w * pool_share + (1.0 - w) * overall


@njit(cache=True)
def _log_stay(pool_prob):
    """log(1 - p) of each pool's monthly Bass probability, once per pool and month."""
    out = np.empty(pool_prob.shape[0])
    for g in range(pool_prob.shape[0]):
        out[g] = np.log1p(-pool_prob[g]) if pool_prob[g] < 1.0 else -np.inf
    return out


@_per_firm
def _engage_firm(i, x, pool_prob, log_stay, stage, pool, size, demand, skills, security,
                 regulation, finance, engage_size_effect, engage_obstacle_weights):  # fmt: skip
    """Does not-engaged firm i start planning this month (draw ``x``)?  Its probability is
    the pool's Bass probability raised to the power e^effect (see ``engage``), the effect
    being its size class's (100-249 firms engage more, text p.2) minus its obstacles'
    (Figures 3-4), each centred on a severity of 0.5 so that p and q keep their meaning for a
    firm of average severity."""
    if stage[i] != _NOT_ENGAGED:
        return False
    g = pool[i]
    base = pool_prob[g]
    if base <= 0.0:
        return False
    if base >= 1.0:
        return True
    w = engage_obstacle_weights
    le = engage_size_effect[size[i]] - (
        w[0] * (0.5 - demand[i])  # utility = 1 - demand
        + w[1] * (0.5 - skills[i])  # skills obstacle = 1 - skills
        + w[2] * (security[i] - 0.5)
        + w[3] * (regulation[i] - 0.5)
        + w[4] * (finance[i] - 0.5)
    )
    # the firm's monthly probability: 1 - (1 - base)^(e^le)
    return x < 1.0 - np.exp(log_stay[g] * np.exp(le))


@njit(cache=True)
def _engage_kernel(u, pool_prob, stage, pool, size, demand, skills, security, regulation,
                   finance, engage_size_effect, engage_obstacle_weights):  # fmt: skip
    log_stay = _log_stay(pool_prob)
    entering = np.zeros(stage.shape[0], dtype=np.bool_)
    for i in range(stage.shape[0]):
        entering[i] = _engage_firm(i, u[i], pool_prob, log_stay, stage, pool, size, demand,
                                   skills, security, regulation, finance, engage_size_effect,
                                   engage_obstacle_weights)  # fmt: skip
    return entering


def _pool_probabilities(params: Params, peers_by_pool: np.ndarray) -> np.ndarray:
    return bass_month_probability(peers_by_pool, params.bass_p, params.bass_q)


def engage(
    state: FirmState, params: Params, u: np.ndarray, peers_by_pool: np.ndarray
) -> np.ndarray:
    """Not-engaged firms start planning; returns the mask of new entrants.

    The Bass monthly probability from the peer share (``bass_month_probability``) is raised
    to the power e^effect, the firm's size and obstacle effect (``_engage_firm``):
    an effect of 0 leaves pure Bass diffusion.  ``u``: one draw per firm.
    """
    pool_prob = _pool_probabilities(params, peers_by_pool)
    return _run(_engage_kernel, state, params, u=u, pool_prob=pool_prob)


@_per_firm
def _abandon_firm(i, x, stage, uc_stage, uc_months, p_abandon):
    """Planned-only firm i gives up (draw ``x``): back to not engaged, portfolio cleared."""
    if stage[i] == _PLANNED_STAGE and x < p_abandon:
        stage[i] = _NOT_ENGAGED
        for j in range(uc_stage.shape[1]):
            uc_stage[i, j] = _UC_NONE
            uc_months[i, j] = 0
        return True
    return False


@njit(cache=True)
def _abandon_kernel(u, stage, uc_stage, uc_months, p_abandon):
    leaving = np.zeros(stage.shape[0], dtype=np.bool_)
    for i in range(stage.shape[0]):
        leaving[i] = _abandon_firm(i, u[i], stage, uc_stage, uc_months, p_abandon)
    return leaving


def abandon_plans(state: FirmState, params: Params, u: np.ndarray) -> np.ndarray:
    """Firms whose whole portfolio is still planned may give up (back to not engaged;
    assumption).  ``u``: one draw per firm; returns the mask of firms that gave up."""
    return _run(_abandon_kernel, state, params, u=u)


# --- interest in use cases (hype cycle) ----------------------------------------------------------


def usecase_interest(state: FirmState, params: Params, role_base: tuple[float, ...]) -> np.ndarray:
    """Probability that a role finds each use case interesting, (n, 6) float32.

    Base levels are Figure 5's; interest moves with the firm's enthusiasm (Figure 7, hype
    cycle) and with what each use case delivered where the firm tried it (Figure 8).
    """
    return interest_from(state.enthusiasm, state.uc_experience, params, role_base)


def interest_from(
    enthusiasm: np.ndarray, experience: np.ndarray, params: Params, *role_bases: tuple[float, ...]
) -> np.ndarray:
    """``usecase_interest`` for given enthusiasm (n,) and experience (n, 6) arrays; with
    several role bases, an array (roles, n, 6)."""
    bases = _logit(np.asarray(role_bases, dtype=np.float64))
    x = np.empty((len(role_bases), *experience.shape), dtype=np.float32)
    _interest_logits(
        enthusiasm, experience, bases, params.interest_enthusiasm_effect,
        params.interest_experience_effect, x,
    )  # fmt: skip
    _sigmoid(x)
    return x[0] if len(role_bases) == 1 else x


def interest_sums(
    enthusiasm: np.ndarray, experience: np.ndarray, stage: np.ndarray, params: Params
) -> np.ndarray:
    """Sums of ``usecase_interest`` over all firms (row 0) and over deployed or scaled firms
    (row 1), (2, 12) float64: columns 0-5 Technique's by UseCase, 6-11 Business's.

    For the reporters, every month: the logistic is taken as 1/2 + tanh(x/2)/2, so that one
    vectorised numpy pass (float32 tanh) does the transcendental work and a compiled loop
    adds up; the interest of each firm is never stored.
    """
    half = np.empty((experience.shape[0], 2 * experience.shape[1]), dtype=np.float32)
    _interest_half_logits(
        enthusiasm, experience, derived(params).logit_both, params.interest_enthusiasm_effect,
        params.interest_experience_effect, half,
    )  # fmt: skip
    np.tanh(half, out=half)
    return _logistic_sums(half, stage)


@njit(cache=True)
def _interest_half_logits(enthusiasm, experience, bases, k_enthusiasm, k_experience, out):
    """Half the logit of each role's interest, Technique's then Business's side by side."""
    n, m = experience.shape
    for i in range(n):
        shift = k_enthusiasm * (enthusiasm[i] - 0.5)
        for j in range(m):
            x = shift + k_experience * experience[i, j]
            out[i, j] = 0.5 * (bases[0, j] + x)
            out[i, m + j] = 0.5 * (bases[1, j] + x)


@njit(cache=True)
def _logistic_sums(tanh_half, stage):
    """Column sums of 1/2 + tanh/2 over all firms and over deployed or scaled firms."""
    n, m = tanh_half.shape
    sums = np.zeros((2, m))
    n_mature = 0
    for i in range(n):
        mature = stage[i] >= _DEPLOYED
        n_mature += mature
        for c in range(m):
            t = tanh_half[i, c]
            sums[0, c] += t
            if mature:
                sums[1, c] += t
    for c in range(m):
        sums[0, c] = 0.5 * n + 0.5 * sums[0, c]
        sums[1, c] = 0.5 * n_mature + 0.5 * sums[1, c]
    return sums


@njit(cache=True)
def _interest_logits(enthusiasm, experience, bases, k_enthusiasm, k_experience, out):
    n, m = experience.shape
    for r in range(bases.shape[0]):
        for i in range(n):
            shift = k_enthusiasm * (enthusiasm[i] - 0.5)
            for j in range(m):
                out[r, i, j] = bases[r, j] + shift + k_experience * experience[i, j]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function, in place on ``x`` (numpy's SIMD exp: 7x faster than
    scipy.special.expit on float32 here)."""
    np.negative(x, out=x)
    np.exp(x, out=x)
    x += np.float32(1.0)
    return np.reciprocal(x, out=x)


def firm_interest(state: FirmState, params: Params, idx: np.ndarray | None = None) -> np.ndarray:
    """Interest of the firm as a whole (mean of its Technique and Business), (n, 6); for the
    firms ``idx`` only if given."""
    e = state.enthusiasm if idx is None else state.enthusiasm[idx]
    x = state.uc_experience if idx is None else state.uc_experience[idx]
    both = interest_from(e, x, params, params.interest_technique, params.interest_business)
    return 0.5 * (both[0] + both[1])


@_per_firm
def _firm_interest_one(i, j, enthusiasm, uc_experience, logit_technique, logit_business,
                       interest_enthusiasm_effect, interest_experience_effect):  # fmt: skip
    """Interest of firm i in use case j: the mean of its two roles' (see usecase_interest)."""
    x = interest_enthusiasm_effect * (enthusiasm[i] - 0.5) + (
        interest_experience_effect * uc_experience[i, j]
    )
    return 0.5 * (
        1.0 / (1.0 + np.exp(-(logit_technique[j] + x)))
        + 1.0 / (1.0 + np.exp(-(logit_business[j] + x)))
    )


# --- set-up on engagement -------------------------------------------------------------------------


@njit(cache=True)
def _draw_category(u, cdf):
    """Index of the first cumulative share above ``u`` (inverse CDF of a categorical)."""
    for c in range(cdf.shape[0] - 1):
        if u < cdf[c]:
            return c
    return cdf.shape[0] - 1


@_per_firm
def _set_up_firm(i, step, setup_draws, engaged_month, uc_stage, uc_months, uc_experience,
                 enthusiasm, logit_technique, logit_business, interest_enthusiasm_effect,
                 interest_experience_effect, strategy, cdf_strategy, outsourcing, p_outsource,
                 p_outsource_all, manager, cdf_manager, training, p_training_initial, dedicated,
                 p_dedicated_initial, roles_internal, p_roles_internal_initial, roles_external,
                 p_roles_external_initial, external_experts, p_experts_initial, collaboration,
                 cdf_collaboration, difficulties, difficulty_initial, shadow_ai,
                 shadow_propensity, skills, demand, security, regulation, finance, discovery,
                 engage_enthusiasm):  # fmt: skip
    """Firm i, entering this month, sets itself up with its own draws (see
    ``set_up_engagement``)."""
    u = setup_draws[i]
    first_time = engaged_month[i] < 0
    engaged_month[i] = step
    # portfolio: each use case planned with the firm's interest; at least the favourite
    best, best_interest, planned = 0, -1.0, 0
    for j in range(uc_stage.shape[1]):
        interest = _firm_interest_one(
            i, j, enthusiasm, uc_experience, logit_technique, logit_business,
            interest_enthusiasm_effect, interest_experience_effect,
        )  # fmt: skip
        uc_months[i, j] = 0
        if u[_D_PLAN + j] < interest:
            uc_stage[i, j] = _UC_PLANNED
            planned += 1
        else:
            uc_stage[i, j] = _UC_NONE
        if interest > best_interest:
            best, best_interest = j, interest
    if planned == 0:
        uc_stage[i, best] = _UC_PLANNED
    # peak of inflated expectations (Figure 7, phase 1)
    enthusiasm[i] = max(enthusiasm[i], engage_enthusiasm)
    if not first_time:
        return  # a firm that gave up and comes back keeps its earlier choices
    # Direction's choices (Figures 9, 11, 12)
    strategy[i] = _draw_category(u[_D_STRATEGY], cdf_strategy)
    if u[_D_OUTSOURCE] < p_outsource:
        outsourcing[i] = 2 if u[_D_OUTSOURCE_ALL] < p_outsource_all else 1
        manager[i] = _draw_category(u[_D_MANAGER], cdf_manager)
    else:
        outsourcing[i] = _OUT_NONE
        manager[i] = _NOBODY
    training[i] = u[_D_TRAINING] < p_training_initial
    dedicated[i] = u[_D_DEDICATED] < p_dedicated_initial
    roles_internal[i] = u[_D_ROLES_INTERNAL] < p_roles_internal_initial
    roles_external[i] = u[_D_ROLES_EXTERNAL] < p_roles_external_initial
    external_experts[i] = u[_D_EXTERNAL_EXPERTS] < p_experts_initial
    # collaboration mode and its difficulties (Figures 13, 14)
    collaboration[i] = _draw_category(u[_D_COLLABORATION], cdf_collaboration)
    for d in range(difficulties.shape[1]):
        difficulties[i, d] = u[_D_DIFFICULTY + d] < difficulty_initial[d]
    if collaboration[i] == _COLLAB_NONE and u[_D_SHADOW] < shadow_propensity[i]:
        shadow_ai[i] = True
    # obstacles discovered by trying (Figure 4)
    demand[i] = max(demand[i] - discovery[0], 0.0)
    skills[i] = max(skills[i] - discovery[1], 0.0)
    security[i] = min(security[i] + discovery[2], 1.0)
    regulation[i] = min(regulation[i] + discovery[3], 1.0)
    finance[i] = min(finance[i] + discovery[4], 1.0)


@njit(cache=True)
def _set_up_kernel(entering, step, setup_draws, engaged_month, uc_stage, uc_months,
                   uc_experience, enthusiasm, logit_technique, logit_business,
                   interest_enthusiasm_effect, interest_experience_effect, strategy, cdf_strategy,
                   outsourcing, p_outsource, p_outsource_all, manager, cdf_manager, training,
                   p_training_initial, dedicated, p_dedicated_initial, roles_internal,
                   p_roles_internal_initial, roles_external, p_roles_external_initial,
                   external_experts, p_experts_initial, collaboration, cdf_collaboration,
                   difficulties, difficulty_initial, shadow_ai, shadow_propensity, skills,
                   demand, security, regulation, finance, discovery,
                   engage_enthusiasm):  # fmt: skip
    for i in range(entering.shape[0]):
        if entering[i]:
            _set_up_firm(
                i, step, setup_draws, engaged_month, uc_stage, uc_months, uc_experience,
                enthusiasm, logit_technique, logit_business, interest_enthusiasm_effect,
                interest_experience_effect, strategy, cdf_strategy, outsourcing, p_outsource,
                p_outsource_all, manager, cdf_manager, training, p_training_initial, dedicated,
                p_dedicated_initial, roles_internal, p_roles_internal_initial, roles_external,
                p_roles_external_initial, external_experts, p_experts_initial, collaboration,
                cdf_collaboration, difficulties, difficulty_initial, shadow_ai,
                shadow_propensity, skills, demand, security, regulation, finance, discovery,
                engage_enthusiasm,
            )  # fmt: skip


def set_up_engagement(state: FirmState, params: Params, entering: np.ndarray, step: int) -> None:
    """What happens when a firm engages, with the firm's own set-up draws (fixed at birth,
    ``SetUpDraw`` columns):

    - its portfolio: each use case planned with the firm's interest (Figure 5), at least its
      favourite;
    - Direction's choices: strategy (Figure 9), outsourcing and who manages the providers
      (Figures 11-12), training, external experts, dedicated staff, new roles (Figure 12,
      planned column);
    - the collaboration mode and its difficulties (Figures 13-14); without collaboration,
      Business may turn to shadow AI;
    - obstacles discovered by trying (Figure 4: security, regulation and finance rise);
    - the peak of inflated expectations (Figure 7, phase 1).

    A firm that gave up its plans and engages again only re-plans its portfolio and
    regains enthusiasm: its Direction choices, collaboration and discovered obstacles stand.
    """
    _run(_set_up_kernel, state, params, entering=entering, step=step)


# --- Direction: monthly decisions -----------------------------------------------------------------


@_per_firm
def _invest_firm(i, u, stage, skills, training, roles_internal, roles_external, outsourcing,
                 manager, p_training, p_roles_internal, p_roles_external,
                 insource_hazard):  # fmt: skip
    """Active firm i trains, hires AI roles, brings development in-house (see ``invest``)."""
    if stage[i] < _EXPERIMENTING:
        return
    if u[i, _U_TRAINING] < p_training:
        training[i] = True
    if u[i, _U_ROLES_INTERNAL] < p_roles_internal:
        roles_internal[i] = True
    if u[i, _U_ROLES_EXTERNAL] < p_roles_external:
        roles_external[i] = True
    if outsourcing[i] != _OUT_NONE and _event(u[i, _U_INSOURCE], insource_hazard * skills[i]):
        outsourcing[i] = _OUT_NONE
        manager[i] = _NOBODY


@njit(cache=True)
def _invest_kernel(u, stage, skills, training, roles_internal, roles_external, outsourcing,
                   manager, p_training, p_roles_internal, p_roles_external,
                   insource_hazard):  # fmt: skip
    for i in range(stage.shape[0]):
        _invest_firm(i, u, stage, skills, training, roles_internal, roles_external, outsourcing,
                     manager, p_training, p_roles_internal, p_roles_external,
                     insource_hazard)  # fmt: skip


def invest(state: FirmState, params: Params, u: np.ndarray) -> None:
    """Active firms train, hire AI roles and bring development back in-house over time
    (Figure 12: planned vs in place or in progress columns).  ``u``: the month's draws."""
    _run(_invest_kernel, state, params, u=u)


@_per_firm
def _revise_strategy_firm(i, u, stage, strategy, collaboration, p_tripartite,
                          p_tripartite_balanced):  # fmt: skip
    """Engaged firm i without a shared strategy may adopt the tripartite one."""
    if stage[i] >= _PLANNED_STAGE and strategy[i] != _TRIPARTITE:
        balanced = collaboration[i] == _COLLAB_BALANCED
        p = p_tripartite_balanced if balanced else p_tripartite
        if u[i, _U_REVISE_STRATEGY] < p:
            strategy[i] = _TRIPARTITE


@njit(cache=True)
def _revise_strategy_kernel(u, stage, strategy, collaboration, p_tripartite,
                            p_tripartite_balanced):  # fmt: skip
    for i in range(stage.shape[0]):
        _revise_strategy_firm(i, u, stage, strategy, collaboration, p_tripartite,
                              p_tripartite_balanced)  # fmt: skip


def revise_strategy(state: FirmState, params: Params, u: np.ndarray) -> None:
    """Engaged firms without a shared strategy adopt the tripartite one (Figure 9); balanced
    collaboration doubles the hazard (assumption)."""
    _run(_revise_strategy_kernel, state, params, u=u)


# --- progress of use cases ------------------------------------------------------------------------


@_per_firm
def _progress_firm(i, stage, strategy, manager, training, dedicated, roles_internal,
                   roles_external, collaboration, difficulties, skills, demand, security,
                   regulation, finance, size, strategy_effect, manager_effect, training_effect,
                   dedicated_effect, roles_effect, collaboration_effect, communication_effect,
                   skills_effect, progress_obstacle_weights, progress_size_effect):  # fmt: skip
    """Log-scale effect of firm i's success factors and obstacles on its progress (0 if not
    engaged; see ``progress_log_effect``)."""
    if stage[i] == _NOT_ENGAGED:
        return 0.0
    x = (
        strategy_effect[strategy[i]]
        + manager_effect[manager[i]]
        + collaboration_effect[collaboration[i]]
    )
    if training[i]:
        x += training_effect
    if dedicated[i]:
        x += dedicated_effect
    if roles_internal[i] or roles_external[i]:
        x += roles_effect
    if difficulties[i, _COMMUNICATION]:
        x += communication_effect
    x += skills_effect * (skills[i] - 0.5)
    w = progress_obstacle_weights
    x -= (
        w[0] * (0.5 - demand[i])
        + w[1] * (0.5 - skills[i])
        + w[2] * (security[i] - 0.5)
        + w[3] * (regulation[i] - 0.5)
        + w[4] * (finance[i] - 0.5)
    )
    return x + progress_size_effect[size[i]]


@njit(cache=True)
def _progress_kernel(stage, strategy, manager, training, dedicated, roles_internal,
                     roles_external, collaboration, difficulties, skills, demand, security,
                     regulation, finance, size, strategy_effect, manager_effect, training_effect,
                     dedicated_effect, roles_effect, collaboration_effect, communication_effect,
                     skills_effect, progress_obstacle_weights, progress_size_effect):  # fmt: skip
    out = np.zeros(stage.shape[0], dtype=np.float64)
    for i in range(stage.shape[0]):
        out[i] = _progress_firm(
            i, stage, strategy, manager, training, dedicated, roles_internal, roles_external,
            collaboration, difficulties, skills, demand, security, regulation, finance, size,
            strategy_effect, manager_effect, training_effect, dedicated_effect, roles_effect,
            collaboration_effect, communication_effect, skills_effect,
            progress_obstacle_weights, progress_size_effect,
        )  # fmt: skip
    return out


def progress_log_effect(state: FirmState, params: Params) -> np.ndarray:
    """Success factors and obstacles acting on development and scaling, log scale (text p.6-6,
    Figure 4): strategy, provider management, training, dedicated staff, roles, collaboration,
    communication difficulty, skills, obstacles, size.  Zero for firms not engaged."""
    return _run(_progress_kernel, state, params)


# Stage-indexed 0/1 tables of the portfolio's fast path (by UseCaseStage).
_WHEN_NONE = np.array([1.0, 0.0, 0.0, 0.0])
_WHEN_PLANNED = np.array([0.0, 1.0, 0.0, 0.0])
_WHEN_DEV = np.array([0.0, 0.0, 1.0, 0.0])
_WHEN_PLACE = np.array([0.0, 0.0, 0.0, 1.0])
_STALL_TICK = np.array([0, 0, 1, 0])  # only a use case in development counts its stall down


@njit(cache=True)
def _overrun_probabilities(overrun_hazard, misestimate_overrun_effect):
    """Monthly probability of an overrun, without and with a misestimates difficulty
    (Figure 14), computed once per month rather than once per firm."""
    return np.array(
        [
            -np.expm1(-(overrun_hazard * 1.0)),
            -np.expm1(-(overrun_hazard * np.exp(misestimate_overrun_effect))),
        ]
    )


@_per_firm
def _advance_firm(i, u_cases, progress, p_overruns, stage, uc_stage, uc_months, uc_stall,
                  uc_experience, difficulties, enthusiasm, logit_technique, logit_business,
                  interest_enthusiasm_effect, interest_experience_effect, adopt_usecase_hazard,
                  start_development, complete_development, difficulty, stall_months,
                  stall_progress_factor, p_drop, p_withdraw, experience_in_place,
                  overrun_experience_hit):  # fmt: skip
    """One month of firm i's portfolio (see ``advance_usecases``); returns its overruns.
    ``progress``: the firm's ``_progress_firm``; ``p_overruns``: ``_overrun_probabilities``.

    Most use cases see no event in a month.  A cheap, branch-free upper bound on the
    probability of any event (the rates bound 1 - e^-rate; stage-indexed 0/1 tables pick
    the one that applies) sends those straight to "one more month where it stands"; only
    draws below the bound take the exact rules.  The outcomes are those of the exact rules
    alone: the bound only skips work (a branch on each use case's stage was mispredicted
    often).
    """
    if stage[i] == _NOT_ENGAGED:
        return 0
    overruns = 0
    mult = np.exp(progress)
    p_overrun = p_overruns[1] if difficulties[i, _MISESTIMATES] else p_overruns[0]
    rate_start = start_development * mult
    h_add, stall_factor = adopt_usecase_hazard, stall_progress_factor
    slack = 1.0 + 1e-9  # the bound errs on the safe side of rounding
    for j in range(uc_stage.shape[1]):
        st = uc_stage[i, j]
        x = u_cases[i, j]
        stall = uc_stall[i, j]
        stalled = min(stall, 1)
        rate_done = complete_development / difficulty[j] * mult
        bound_dev = (
            p_overrun * (1 - stalled)
            + p_drop * stalled
            + rate_done * (1.0 + (stall_factor - 1.0) * stalled)
        )
        bound = (_WHEN_NONE[st] * h_add + _WHEN_PLANNED[st] * rate_start
                 + _WHEN_DEV[st] * bound_dev + _WHEN_PLACE[st] * p_withdraw)  # fmt: skip
        if x >= bound * slack:
            uc_months[i, j] += 1
            uc_stall[i, j] = max(stall - 1, 0) * _STALL_TICK[st]
            continue
        # the exact rules
        new = st
        if st == _UC_NONE:
            # add a use case the firm finds interesting (interest computed only if needed)
            if x < h_add and _event(x, h_add * _firm_interest_one(
                i, j, enthusiasm, uc_experience, logit_technique, logit_business,
                interest_enthusiasm_effect, interest_experience_effect,
            )):  # fmt: skip
                new = _UC_PLANNED
        elif st == _UC_PLANNED:
            if _event(x, rate_start):
                new = _UC_DEV
        elif st == _UC_DEV:
            is_stalled = stall > 0
            rate = rate_done * (stall_factor if is_stalled else 1.0)
            p_first = p_drop if is_stalled else p_overrun
            if x < p_first:
                if is_stalled:
                    new = _UC_PLANNED  # dropped back to the plan
                else:
                    overruns += 1  # overrun: stall where it stands
                    uc_stall[i, j] = stall_months + 1  # decremented below
                    uc_experience[i, j] = max(uc_experience[i, j] - overrun_experience_hit, -2.0)
            elif _event(x - p_first, rate):
                new = _UC_PLACE
                uc_experience[i, j] = experience_in_place[j]
        elif x < p_withdraw:  # in place
            new = _UC_PLANNED
        if new != st:
            uc_stage[i, j] = new
            uc_months[i, j] = 0
        else:
            uc_months[i, j] += 1
        if new != _UC_DEV:
            uc_stall[i, j] = 0
        elif uc_stall[i, j] > 0:
            uc_stall[i, j] -= 1
    return overruns


@njit(cache=True)
def _advance_kernel(u_cases, progress, stage, uc_stage, uc_months, uc_stall, uc_experience,
                    difficulties, enthusiasm, logit_technique, logit_business,
                    interest_enthusiasm_effect, interest_experience_effect, adopt_usecase_hazard,
                    start_development, complete_development, difficulty, overrun_hazard,
                    misestimate_overrun_effect, stall_months, stall_progress_factor, p_drop,
                    p_withdraw, experience_in_place, overrun_experience_hit):  # fmt: skip
    overruns = np.zeros(stage.shape[0], dtype=np.int32)
    p_overruns = _overrun_probabilities(overrun_hazard, misestimate_overrun_effect)
    for i in range(stage.shape[0]):
        overruns[i] = _advance_firm(
            i, u_cases, progress[i], p_overruns, stage, uc_stage, uc_months, uc_stall,
            uc_experience, difficulties, enthusiasm, logit_technique, logit_business,
            interest_enthusiasm_effect, interest_experience_effect, adopt_usecase_hazard,
            start_development, complete_development, difficulty, stall_months,
            stall_progress_factor, p_drop, p_withdraw, experience_in_place,
            overrun_experience_hit,
        )  # fmt: skip
    return overruns


def advance_usecases(
    state: FirmState, params: Params, u: np.ndarray, progress: np.ndarray
) -> np.ndarray:
    """One month of every portfolio: add, start, overrun and stall, drop, complete, withdraw.

    ``u`` holds one uniform per firm and use case; the events open to a use case compete for
    it (its stage decides which): not planned -> add (with the firm's interest, Figure 5);
    planned -> start; in development -> overrun, which stalls it (Figure 14 misestimates;
    Figure 7 valley of despair), or complete (hazard / difficulty); while stalled -> drop
    back to the plan, or complete slowly; in place -> withdraw.  Progress hazards are scaled
    by e^progress (``progress_log_effect``).  Returns the number of overruns per firm.
    """
    return _run(_advance_kernel, state, params, u_cases=u, progress=progress)


@_per_firm
def _scale_firm(i, u, progress, stage, scaled, uc_stage, difficulties, scale_hazard,
                organisation_effect, scale_per_usecase_effect, p_unscale):  # fmt: skip
    """Deployed firm i may scale, scaled firm i may fall back; then its stage is derived
    from its portfolio (see ``scale_and_derive_stage``)."""
    top = 0
    in_place = 0
    for j in range(uc_stage.shape[1]):
        st = uc_stage[i, j]
        if st > top:
            top = st
        if st == _UC_PLACE:
            in_place += 1
    if in_place == 0:
        scaled[i] = False
    elif scaled[i]:
        if u[i, _U_SCALE] < p_unscale:
            scaled[i] = False
    else:
        x = progress + scale_per_usecase_effect * (in_place - 1)
        if difficulties[i, _ORGANISATION]:
            x += organisation_effect
        if _event(u[i, _U_SCALE], scale_hazard * np.exp(x)):
            scaled[i] = True
    # the stage: the most advanced use case (NONE, PLANNED, IN_DEVELOPMENT and IN_PLACE map
    # onto the first four stages), SCALED if the firm scaled
    stage[i] = _SCALED if (scaled[i] and top == _UC_PLACE) else top


@njit(cache=True)
def _scale_kernel(u, progress, stage, scaled, uc_stage, difficulties, scale_hazard,
                  organisation_effect, scale_per_usecase_effect, p_unscale):  # fmt: skip
    for i in range(stage.shape[0]):
        _scale_firm(i, u, progress[i], stage, scaled, uc_stage, difficulties, scale_hazard,
                    organisation_effect, scale_per_usecase_effect, p_unscale)  # fmt: skip


def scale_and_derive_stage(
    state: FirmState, params: Params, u: np.ndarray, progress: np.ndarray
) -> None:
    """Deployed firms scale, scaled firms may fall back (Figure 7, phase 3; text p.2 and
    p.6: large firms and firms with a tripartite strategy scale more; each extra use case in
    place helps, an organisation difficulty hinders, Figure 14).  Then every firm's stage is
    derived from its portfolio: its most advanced use case, SCALED if it scaled."""
    _run(_scale_kernel, state, params, u=u, progress=progress)


# --- Technique ------------------------------------------------------------------------------------


@_per_firm
def _learn_firm(i, stage, skills, training, training_skill_gain, practice_skill_gain):
    """Firm i's Technique learns from training and practice (see ``learn``)."""
    g = 0.0
    if training[i]:
        g += training_skill_gain
    if stage[i] >= _EXPERIMENTING:
        g += practice_skill_gain
    if g > 0.0:
        skills[i] = min(skills[i] + g, 1.0)


@njit(cache=True)
def _learn_kernel(stage, skills, training, training_skill_gain, practice_skill_gain):
    for i in range(stage.shape[0]):
        _learn_firm(i, stage, skills, training, training_skill_gain, practice_skill_gain)


def learn(state: FirmState, params: Params) -> None:
    """Technique skills grow with training and with practice (assumption)."""
    _run(_learn_kernel, state, params)


@_per_firm
def _hear_of_agentic_firm(i, u, stage, technique_agentic, business_agentic,
                          p_agentic_technique, p_agentic_business):  # fmt: skip
    """Engaged firm i's Technique and Business may hear of agentic AI."""
    if stage[i] >= _PLANNED_STAGE:
        if u[i, _U_AGENTIC_TECHNIQUE] < p_agentic_technique:
            technique_agentic[i] = True
        if u[i, _U_AGENTIC_BUSINESS] < p_agentic_business:
            business_agentic[i] = True


@njit(cache=True)
def _agentic_kernel(u, stage, technique_agentic, business_agentic, p_agentic_technique,
                    p_agentic_business):  # fmt: skip
    for i in range(stage.shape[0]):
        _hear_of_agentic_firm(i, u, stage, technique_agentic, business_agentic,
                              p_agentic_technique, p_agentic_business)  # fmt: skip


def hear_of_agentic(state: FirmState, params: Params, u: np.ndarray) -> None:
    """Engaged Technique and Business teams hear of agentic AI (Figure 2: 34% vs 18%);
    the model calls this from ``agentic_start`` on."""
    _run(_agentic_kernel, state, params, u=u)


# --- Business -------------------------------------------------------------------------------------


@_per_firm
def _enthusiasm_firm(i, overruns, peers_by_pool, stage, pool, enthusiasm, demand, realised,
                     overrun_enthusiasm_hit, enthusiasm_drift, demand_drift,
                     expected_productivity):  # fmt: skip
    """Firm i's enthusiasm after ``overruns`` this month, and its demand (see
    ``update_enthusiasm``)."""
    e = enthusiasm[i] - overrun_enthusiasm_hit * overruns
    if stage[i] >= _DEPLOYED:
        target = 0.3 + 0.6 * min(realised[i, _PRODUCTIVITY] / expected_productivity, 1.2)
    elif stage[i] >= _PLANNED_STAGE:
        target = 0.5
    else:
        target = 0.3 + 0.4 * peers_by_pool[pool[i]]
    e += enthusiasm_drift * (target - e)
    e = min(max(e, 0.0), 1.0)
    enthusiasm[i] = e
    demand[i] += demand_drift * (e - demand[i])


@njit(cache=True)
def _enthusiasm_kernel(overruns, peers_by_pool, stage, pool, enthusiasm, demand, realised,
                       overrun_enthusiasm_hit, enthusiasm_drift, demand_drift,
                       expected_productivity):  # fmt: skip
    for i in range(stage.shape[0]):
        _enthusiasm_firm(i, overruns[i], peers_by_pool, stage, pool, enthusiasm, demand,
                         realised, overrun_enthusiasm_hit, enthusiasm_drift, demand_drift,
                         expected_productivity)  # fmt: skip


def update_enthusiasm(
    state: FirmState, params: Params, overruns: np.ndarray, peers_by_pool: np.ndarray
) -> None:
    """The hype cycle of each firm (Figure 7): a peak at engagement (set-up), a fall with
    each overrun (valley of despair), then a drift towards a target: what deployed use cases
    really deliver against the expected productivity gain (slope of enlightenment), 0.5 for
    engaged firms with nothing in place, and the peers' engagement for the others
    (assumptions).  Business demand (perceived utility) follows enthusiasm."""
    _run(_enthusiasm_kernel, state, params, overruns=overruns, peers_by_pool=peers_by_pool)


@_per_firm
def _shadow_firm(i, u, stage, collaboration, shadow_ai, shadow_propensity, enthusiasm,
                 shadow_hazard):  # fmt: skip
    """Firm i's Business may start using AI tools on its own (see ``adopt_shadow_ai``)."""
    if shadow_ai[i]:
        return
    exposed = stage[i] == _NOT_ENGAGED or collaboration[i] == _COLLAB_NONE
    rate = shadow_hazard * shadow_propensity[i] * enthusiasm[i]
    if exposed and _event(u[i, _U_SHADOW], rate):
        shadow_ai[i] = True


@njit(cache=True)
def _shadow_kernel(u, stage, collaboration, shadow_ai, shadow_propensity, enthusiasm,
                   shadow_hazard):  # fmt: skip
    for i in range(stage.shape[0]):
        _shadow_firm(i, u, stage, collaboration, shadow_ai, shadow_propensity, enthusiasm,
                     shadow_hazard)  # fmt: skip


def adopt_shadow_ai(state: FirmState, params: Params, u: np.ndarray) -> None:
    """Business teams use AI tools on their own when they do not work with Technique
    (Figure 13: no collaboration is reported mostly by Business, 32%)."""
    _run(_shadow_kernel, state, params, u=u)


# --- collaboration --------------------------------------------------------------------------------


@_per_firm
def _rebalance_firm(i, u, stage, collaboration, p_rebalance):
    """Firm i's unbalanced collaboration may become balanced (see
    ``rebalance_collaboration``)."""
    c = collaboration[i]
    unbalanced = c >= 0 and c != _COLLAB_BALANCED and stage[i] >= _PLANNED_STAGE
    if unbalanced and u[i, _U_REBALANCE] < p_rebalance[stage[i] - 1]:
        collaboration[i] = _COLLAB_BALANCED


@njit(cache=True)
def _rebalance_kernel(u, stage, collaboration, p_rebalance):
    for i in range(stage.shape[0]):
        _rebalance_firm(i, u, stage, collaboration, p_rebalance)


def rebalance_collaboration(state: FirmState, params: Params, u: np.ndarray) -> None:
    """Collaboration becomes balanced with experience, faster once deployed (assumption; the
    Figure 13 shift, 31% at set-up to 46% once deployed, is kept for validation)."""
    _run(_rebalance_kernel, state, params, u=u)


@_per_firm
def _organisation_firm(i, u, stage, difficulties, p_organisation):
    """Deployed firm i may meet questions of organisation (see
    ``meet_organisation_questions``)."""
    if (
        stage[i] >= _DEPLOYED
        and not difficulties[i, _ORGANISATION]
        and u[i, _U_ORGANISATION] < p_organisation
    ):
        difficulties[i, _ORGANISATION] = True


@njit(cache=True)
def _organisation_kernel(u, stage, difficulties, p_organisation):
    for i in range(stage.shape[0]):
        _organisation_firm(i, u, stage, difficulties, p_organisation)


def meet_organisation_questions(state: FirmState, params: Params, u: np.ndarray) -> None:
    """Deployed firms meet questions of organisation and leadership (Figure 14 text: the
    leaders who scaled report more need for clarity on organisation); the difficulty then
    slows their scaling (``organisation_effect``)."""
    _run(_organisation_kernel, state, params, u=u)


# --- outcomes -------------------------------------------------------------------------------------

# Stage-indexed weights of the gains (by UseCaseStage; by Stage for "active").
_RAMP_WEIGHT = np.array([0.0, 0.0, 0.0, 1.0])
_PILOT_WEIGHT = np.array([0.0, 0.0, 1.0, 0.0])
_ACTIVE_WEIGHT = np.array([0.0, 0.0, 1.0, 1.0, 1.0])


@_per_firm
def _gains_firm(i, stage, uc_stage, uc_months, enthusiasm, realised, expected, usecase_values,
                ramp_table, pilot_gain_share, expected_gain):  # fmt: skip
    """Firm i's realised and expected gains (see ``update_gains``).

    Branch-free: a firm's use cases are in mixed stages, so a branch on the stage would be
    mispredicted often (and LLVM turns a select on it back into a branch).  The weight of a
    use case comes from small tables indexed by its stage: its ramp if in place, the pilot
    share if in development, 0 otherwise (adding 0.0 leaves each sum bit for bit as a branch
    would have).
    """
    top = ramp_table.shape[0] - 1
    values = usecase_values
    r0 = 0.0
    r1 = 0.0
    r2 = 0.0
    active = _ACTIVE_WEIGHT[stage[i]]
    for j in range(uc_stage.shape[1]):
        st = uc_stage[i, j]
        ramp = ramp_table[min(uc_months[i, j], top)]
        w = active * (ramp * _RAMP_WEIGHT[st] + pilot_gain_share * _PILOT_WEIGHT[st])
        r0 += w * values[0, j]
        r1 += w * values[1, j]
        r2 += w * values[2, j]
    realised[i, 0] = r0
    realised[i, 1] = r1
    realised[i, 2] = r2
    e = 2.0 * enthusiasm[i]
    expected[i, 0] = e * expected_gain[0]
    expected[i, 1] = e * expected_gain[1]
    expected[i, 2] = e * expected_gain[2]


@njit(cache=True)
def _gains_kernel(stage, uc_stage, uc_months, enthusiasm, realised, expected, usecase_values,
                  ramp_table, pilot_gain_share, expected_gain):  # fmt: skip
    for i in range(stage.shape[0]):
        _gains_firm(i, stage, uc_stage, uc_months, enthusiasm, realised, expected,
                    usecase_values, ramp_table, pilot_gain_share, expected_gain)  # fmt: skip


def update_gains(state: FirmState, params: Params) -> None:
    """Realised gains come from the use cases in place, ramping up as 1 - e^(-months/lag), and
    from pilots: a use case in development yields ``pilot_gain_share`` of its value
    (Figures 15-16: +5.4% productivity, +3.3% cost, +1.2% revenue among active firms).
    Expected gains scale with enthusiasm: the base value at enthusiasm 0.5 (Figures
    15-16: +7.6% productivity, +3.3% revenue expected on average)."""
    _run(_gains_kernel, state, params)


# --- the whole month in one pass ------------------------------------------------------------------


@njit(cache=True)
def _month_kernel(u, u_cases, pool_prob, peers_by_pool, step, agentic, size, pool, stage,
                  engaged_month, scaled, strategy, outsourcing, manager, training, dedicated,
                  roles_internal, roles_external, external_experts, skills, security,
                  technique_agentic, demand, enthusiasm, shadow_propensity, shadow_ai,
                  business_agentic, regulation, finance, collaboration, difficulties, uc_stage,
                  uc_months, uc_stall, uc_experience, expected, realised, setup_draws,
                  engage_size_effect, engage_obstacle_weights, p_abandon, logit_technique,
                  logit_business, interest_enthusiasm_effect, interest_experience_effect,
                  cdf_strategy, p_outsource, p_outsource_all, cdf_manager, p_training_initial,
                  p_dedicated_initial, p_roles_internal_initial, p_roles_external_initial,
                  p_experts_initial, cdf_collaboration, difficulty_initial, discovery,
                  engage_enthusiasm, p_training, p_roles_internal, p_roles_external,
                  insource_hazard, p_tripartite, p_tripartite_balanced, strategy_effect,
                  manager_effect, collaboration_effect, training_effect, dedicated_effect,
                  roles_effect, communication_effect, skills_effect, progress_obstacle_weights,
                  progress_size_effect, adopt_usecase_hazard, start_development,
                  complete_development, difficulty, overrun_hazard, misestimate_overrun_effect,
                  stall_months, stall_progress_factor, p_drop, p_withdraw, experience_in_place,
                  overrun_experience_hit, scale_hazard, organisation_effect,
                  scale_per_usecase_effect, p_unscale, training_skill_gain, practice_skill_gain,
                  p_agentic_technique, p_agentic_business, overrun_enthusiasm_hit,
                  enthusiasm_drift, demand_drift, expected_productivity, shadow_hazard,
                  p_rebalance, p_organisation, usecase_values, ramp_table, pilot_gain_share,
                  expected_gain):  # fmt: skip
    log_stay = _log_stay(pool_prob)
    p_overruns = _overrun_probabilities(overrun_hazard, misestimate_overrun_effect)
    for i in range(stage.shape[0]):
        if _engage_firm(i, u[i, _U_ENGAGE], pool_prob, log_stay, stage, pool, size, demand,
                        skills, security, regulation, finance, engage_size_effect,
                        engage_obstacle_weights):  # fmt: skip
            _set_up_firm(
                i, step, setup_draws, engaged_month, uc_stage, uc_months, uc_experience,
                enthusiasm, logit_technique, logit_business, interest_enthusiasm_effect,
                interest_experience_effect, strategy, cdf_strategy, outsourcing, p_outsource,
                p_outsource_all, manager, cdf_manager, training, p_training_initial, dedicated,
                p_dedicated_initial, roles_internal, p_roles_internal_initial, roles_external,
                p_roles_external_initial, external_experts, p_experts_initial, collaboration,
                cdf_collaboration, difficulties, difficulty_initial, shadow_ai,
                shadow_propensity, skills, demand, security, regulation, finance, discovery,
                engage_enthusiasm,
            )  # fmt: skip
        _abandon_firm(i, u[i, _U_ABANDON], stage, uc_stage, uc_months, p_abandon)
        progress = _progress_firm(
            i, stage, strategy, manager, training, dedicated, roles_internal, roles_external,
            collaboration, difficulties, skills, demand, security, regulation, finance, size,
            strategy_effect, manager_effect, training_effect, dedicated_effect, roles_effect,
            collaboration_effect, communication_effect, skills_effect,
            progress_obstacle_weights, progress_size_effect,
        )  # fmt: skip
        overruns = _advance_firm(
            i, u_cases, progress, p_overruns, stage, uc_stage, uc_months, uc_stall,
            uc_experience, difficulties, enthusiasm, logit_technique, logit_business,
            interest_enthusiasm_effect, interest_experience_effect, adopt_usecase_hazard,
            start_development, complete_development, difficulty, stall_months,
            stall_progress_factor, p_drop, p_withdraw, experience_in_place,
            overrun_experience_hit,
        )  # fmt: skip
        _scale_firm(i, u, progress, stage, scaled, uc_stage, difficulties, scale_hazard,
                    organisation_effect, scale_per_usecase_effect, p_unscale)  # fmt: skip
        _invest_firm(i, u, stage, skills, training, roles_internal, roles_external, outsourcing,
                     manager, p_training, p_roles_internal, p_roles_external,
                     insource_hazard)  # fmt: skip
        _revise_strategy_firm(i, u, stage, strategy, collaboration, p_tripartite,
                              p_tripartite_balanced)  # fmt: skip
        _learn_firm(i, stage, skills, training, training_skill_gain, practice_skill_gain)
        if agentic:
            _hear_of_agentic_firm(i, u, stage, technique_agentic, business_agentic,
                                  p_agentic_technique, p_agentic_business)  # fmt: skip
        _gains_firm(i, stage, uc_stage, uc_months, enthusiasm, realised, expected,
                    usecase_values, ramp_table, pilot_gain_share, expected_gain)  # fmt: skip
        _enthusiasm_firm(i, overruns, peers_by_pool, stage, pool, enthusiasm, demand, realised,
                         overrun_enthusiasm_hit, enthusiasm_drift, demand_drift,
                         expected_productivity)  # fmt: skip
        _shadow_firm(i, u, stage, collaboration, shadow_ai, shadow_propensity, enthusiasm,
                     shadow_hazard)  # fmt: skip
        _rebalance_firm(i, u, stage, collaboration, p_rebalance)
        _organisation_firm(i, u, stage, difficulties, p_organisation)


def live_month(
    state: FirmState,
    params: Params,
    u: np.ndarray,
    u_cases: np.ndarray,
    peers_by_pool: np.ndarray,
    step: int,
    *,
    agentic: bool,
) -> None:
    """One month of every firm, in one compiled pass: each firm goes through the rules in
    the model's order (engage and set up, abandon, portfolio, scale and derive the stage,
    invest, revise the strategy, learn, hear of agentic AI if ``agentic``, gains,
    enthusiasm, shadow AI, rebalance, organisation).

    Same result, bit for bit, as calling the rules one after another over all firms (tested),
    because a firm's rules within a month read no other firm: the only shared input,
    ``peers_by_pool`` (``pool_peer_shares``), is taken at the start of the month.
    ``u``: the month's draws (``MonthDraw`` columns); ``u_cases``: one per firm and use case.
    """
    _run(
        _month_kernel, state, params, u=u, u_cases=u_cases,
        pool_prob=_pool_probabilities(params, peers_by_pool), peers_by_pool=peers_by_pool,
        step=step, agentic=agentic,
    )  # fmt: skip


# --- the two views of "deployed" ------------------------------------------------------------------


def technique_sees_deployed(state: FirmState) -> np.ndarray:
    """Technique's strict view: a use case is integrated and in place (text p.2)."""
    return state.stage >= Stage.DEPLOYED


def business_sees_deployed(state: FirmState) -> np.ndarray:
    """Business's loose view (text p.2): also counts a tool its teams use on their own
    (shadow AI) and, for some Business agents, a content or personalisation pilot."""
    pilot = (state.uc_stage[:, BUSINESS_TOOL_CASES] == IN_DEV).any(axis=1)
    return technique_sees_deployed(state) | state.shadow_ai | (state.loose_view & pilot)
