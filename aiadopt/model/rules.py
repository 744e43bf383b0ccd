"""The model's rules: pure functions of the firm arrays and the month's random draws.

Each rule updates every firm at once and cites the figure of the study it rests on (or says
it is an assumption).  The hot rules are loops over firms compiled with numba (``_kernel``
functions, ``cache=True``): one pass over the arrays per rule, with no temporaries, about 10x
faster than the same rule written with numpy masks at 10,000 firms.  Each kernel has a thin
Python wrapper taking the ``FirmState`` and the ``Params``, which is what the agents and the
model call.  The role agents in ``agents.py`` group these rules by
who applies them (Direction, Technique, Business); ``model.py`` calls them in a fixed order
each month.

Common random numbers: the model draws, every month, one uniform per firm and decision
(``MonthDraw`` columns) and one per firm and use case, eligible or not; a firm's set-up
choices use draws fixed at its birth (``SetUpDraw``).  Two runs with the same seed therefore
share their draws decision by decision, whatever an intervention changes elsewhere.
"""

from __future__ import annotations

import functools

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


def _log_effect_array(values: tuple[float, ...], *, unset: float | None = None) -> np.ndarray:
    """A tuple of log-effects as float64, with an extra last entry for index -1 if asked."""
    arr = np.asarray(values, dtype=np.float64)
    return np.append(arr, unset) if unset is not None else arr


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


def peer_share(state: FirmState, params: Params) -> np.ndarray:
    """Engaged share seen by each firm (its pool's value of ``pool_peer_shares``)."""
    return pool_peer_shares(state, params)[state.pool]


def engagement_log_effect(state: FirmState, params: Params) -> np.ndarray:
    """Firm multiplier of the Bass hazard on the log scale: size and obstacles (Figures 3-4).

    Obstacles are centred on a severity of 0.5, so that p and q keep their meaning for a
    firm of average severity; 100-249 firms engage more (text p.2).
    """
    weights = np.asarray(params.engage_obstacle_weights, dtype=np.float32)
    sev = state.obstacle_severity()
    return np.asarray(params.engage_size_effect)[state.size] - (sev - 0.5) @ weights


@njit(cache=True)
def _engage_kernel(stage, pool, size, demand, skills, security, regulation, finance,
                   u, pool_prob, size_effect, w):  # fmt: skip
    n = stage.shape[0]
    entering = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        if stage[i] != _NOT_ENGAGED:
            continue
        base = pool_prob[pool[i]]
        if base <= 0.0:
            continue
        le = size_effect[size[i]] - (
            w[0] * (0.5 - demand[i])  # utility = 1 - demand
            + w[1] * (0.5 - skills[i])  # skills obstacle = 1 - skills
            + w[2] * (security[i] - 0.5)
            + w[3] * (regulation[i] - 0.5)
            + w[4] * (finance[i] - 0.5)
        )
        if base >= 1.0:
            entering[i] = True
            continue
        # the firm's monthly probability: 1 - (1 - base)^(e^le)
        entering[i] = u[i] < 1.0 - np.exp(np.log1p(-base) * np.exp(le))
    return entering


def engage(
    state: FirmState, params: Params, u: np.ndarray, peers_by_pool: np.ndarray
) -> np.ndarray:
    """Not-engaged firms start planning; returns the mask of new entrants.

    The Bass monthly probability from the peer share (``bass_month_probability``) is raised
    to the power e^effect, the firm's size and obstacle effect (``engagement_log_effect``):
    an effect of 0 leaves pure Bass diffusion.
    """
    pool_prob = bass_month_probability(peers_by_pool, params.bass_p, params.bass_q)
    s = state
    return _engage_kernel(
        s.stage, s.pool, s.size, s.demand, s.skills, s.security, s.regulation, s.finance, u,
        pool_prob, _log_effect_array(params.engage_size_effect),
        _log_effect_array(params.engage_obstacle_weights),
    )  # fmt: skip


@njit(cache=True)
def _abandon_kernel(stage, uc_stage, uc_months, u, hazard):
    n = stage.shape[0]
    leaving = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        if stage[i] == _PLANNED_STAGE and u[i] < hazard:
            leaving[i] = True
            stage[i] = _NOT_ENGAGED
            for j in range(uc_stage.shape[1]):
                uc_stage[i, j] = _UC_NONE
                uc_months[i, j] = 0
    return leaving


def abandon_plans(state: FirmState, params: Params, u: np.ndarray) -> np.ndarray:
    """Firms whose whole portfolio is still planned may give up (back to not engaged;
    assumption)."""
    return _abandon_kernel(
        state.stage, state.uc_stage, state.uc_months, u,
        float(hazard_to_probability(params.abandon_planned)),
    )  # fmt: skip


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


def interest_both_roles(
    enthusiasm: np.ndarray, experience: np.ndarray, params: Params
) -> np.ndarray:
    """Technique's then Business's interest side by side, (n, 12) float32 (columns 0-5:
    Technique by UseCase, 6-11: Business): one layout for fast column sums (reporters)."""
    bases = _logit(np.asarray([params.interest_technique, params.interest_business]))
    x = np.empty((experience.shape[0], 2 * experience.shape[1]), dtype=np.float32)
    _interest_logits_side_by_side(
        enthusiasm, experience, bases, params.interest_enthusiasm_effect,
        params.interest_experience_effect, x,
    )  # fmt: skip
    return _sigmoid(x)


@njit(cache=True)
def _interest_logits_side_by_side(enthusiasm, experience, bases, k_enthusiasm, k_experience,
                                  out):  # fmt: skip
    n, m = experience.shape
    for i in range(n):
        shift = k_enthusiasm * (enthusiasm[i] - 0.5)
        for j in range(m):
            x = shift + k_experience * experience[i, j]
            out[i, j] = bases[0, j] + x
            out[i, m + j] = bases[1, j] + x


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


@njit(cache=True)
def _firm_interest_one(i, j, enthusiasm, experience, logit_t, logit_b, k_enthusiasm, k_experience):
    """Interest of firm i in use case j: the mean of its two roles' (see usecase_interest)."""
    x = k_enthusiasm * (enthusiasm[i] - 0.5) + k_experience * experience[i, j]
    return 0.5 * (1.0 / (1.0 + np.exp(-(logit_t[j] + x))) + 1.0 / (1.0 + np.exp(-(logit_b[j] + x))))


# --- set-up on engagement -------------------------------------------------------------------------


@njit(cache=True)
def _draw_category(u, cdf):
    """Index of the first cumulative share above ``u`` (inverse CDF of a categorical)."""
    for k in range(cdf.shape[0] - 1):
        if u < cdf[k]:
            return k
    return cdf.shape[0] - 1


@njit(cache=True)
def _set_up_kernel(entering, step, draws, engaged_month, uc_stage, uc_months, uc_experience,
                   enthusiasm, logit_t, logit_b, k_enthusiasm, k_experience,
                   strategy, cdf_strategy, outsourcing, p_outsource, p_all, manager,
                   cdf_manager, training, p_training, dedicated, p_dedicated, roles_internal,
                   p_internal, roles_external, p_external, experts, p_experts,
                   collaboration, cdf_collaboration, difficulties, p_difficulty, shadow_ai,
                   shadow_propensity, skills, demand, security, regulation, finance,
                   discovery, engage_enthusiasm):  # fmt: skip
    m = uc_stage.shape[1]
    for i in range(entering.shape[0]):
        if not entering[i]:
            continue
        u = draws[i]
        first_time = engaged_month[i] < 0
        engaged_month[i] = step
        # portfolio: each use case planned with the firm's interest; at least the favourite
        best, best_interest, planned = 0, -1.0, 0
        for j in range(m):
            interest = _firm_interest_one(
                i, j, enthusiasm, uc_experience, logit_t, logit_b, k_enthusiasm, k_experience
            )
            uc_months[i, j] = 0
            if u[j] < interest:
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
            continue  # a firm that gave up and comes back keeps its earlier choices
        # Direction's choices (Figures 9, 11, 12)
        strategy[i] = _draw_category(u[6], cdf_strategy)
        if u[7] < p_outsource:
            outsourcing[i] = 2 if u[8] < p_all else 1
            manager[i] = _draw_category(u[9], cdf_manager)
        else:
            outsourcing[i] = _OUT_NONE
            manager[i] = _NOBODY
        training[i] = u[10] < p_training
        dedicated[i] = u[11] < p_dedicated
        roles_internal[i] = u[12] < p_internal
        roles_external[i] = u[13] < p_external
        experts[i] = u[19] < p_experts
        # collaboration mode and its difficulties (Figures 13, 14)
        collaboration[i] = _draw_category(u[14], cdf_collaboration)
        for k in range(3):
            difficulties[i, k] = u[15 + k] < p_difficulty[k]
        if collaboration[i] == _COLLAB_NONE and u[18] < shadow_propensity[i]:
            shadow_ai[i] = True
        # obstacles discovered by trying (Figure 4)
        demand[i] = max(demand[i] - discovery[0], 0.0)
        skills[i] = max(skills[i] - discovery[1], 0.0)
        security[i] = min(security[i] + discovery[2], 1.0)
        regulation[i] = min(regulation[i] + discovery[3], 1.0)
        finance[i] = min(finance[i] + discovery[4], 1.0)


_SETUP_LAYOUT = {
    "PLAN_CONTENT": 0, "STRATEGY": 6, "OUTSOURCE": 7, "OUTSOURCE_ALL": 8, "MANAGER": 9,
    "TRAINING": 10, "DEDICATED": 11, "ROLES_INTERNAL": 12, "ROLES_EXTERNAL": 13,
    "COLLABORATION": 14, "MISESTIMATES": 15, "SHADOW": 18, "EXTERNAL_EXPERTS": 19,
}  # fmt: skip
if any(SetUpDraw[name] != col for name, col in _SETUP_LAYOUT.items()):  # pragma: no cover
    raise RuntimeError("_set_up_kernel's columns no longer match state.SetUpDraw")


def _cdf(shares: tuple[float, ...]) -> np.ndarray:
    return np.cumsum(np.asarray(shares, dtype=np.float64))


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
    s = state
    _set_up_kernel(
        entering, step, s.setup_draws, s.engaged_month, s.uc_stage, s.uc_months,
        s.uc_experience, s.enthusiasm,
        _logit(np.asarray(params.interest_technique, dtype=np.float64)),
        _logit(np.asarray(params.interest_business, dtype=np.float64)),
        params.interest_enthusiasm_effect, params.interest_experience_effect,
        s.strategy, _cdf(params.strategy_initial), s.outsourcing, params.outsource_initial,
        params.outsource_all_initial, s.manager, _cdf(params.manager_shares), s.training,
        params.training_initial, s.dedicated, params.dedicated_initial, s.roles_internal,
        params.roles_internal_initial, s.roles_external, params.roles_external_initial,
        s.external_experts, params.experts_initial, s.collaboration,
        _cdf(params.collaboration_initial), s.difficulties,
        np.asarray(params.difficulty_initial, dtype=np.float64), s.shadow_ai,
        s.shadow_propensity, s.skills, s.demand, s.security, s.regulation, s.finance,
        np.asarray(params.discovery, dtype=np.float64), params.engage_enthusiasm,
    )  # fmt: skip


# --- Direction: monthly decisions -----------------------------------------------------------------


@njit(cache=True)
def _invest_kernel(stage, skills, training, roles_internal, roles_external, outsourcing, manager,
                   u, c_training, c_internal, c_external, c_insource,
                   h_training, h_internal, h_external, h_insource):  # fmt: skip
    for i in range(stage.shape[0]):
        if stage[i] < _EXPERIMENTING:
            continue
        if u[i, c_training] < h_training:
            training[i] = True
        if u[i, c_internal] < h_internal:
            roles_internal[i] = True
        if u[i, c_external] < h_external:
            roles_external[i] = True
        if outsourcing[i] != _OUT_NONE and _event(u[i, c_insource], h_insource * skills[i]):
            outsourcing[i] = _OUT_NONE
            manager[i] = _NOBODY


def invest(state: FirmState, params: Params, u: np.ndarray) -> None:
    """Active firms train, hire AI roles and bring development back in-house over time
    (Figure 12: planned vs in place or in progress columns).  ``u``: the month's draws."""
    s = state
    _invest_kernel(
        s.stage, s.skills, s.training, s.roles_internal, s.roles_external, s.outsourcing,
        s.manager, u, int(MonthDraw.TRAINING), int(MonthDraw.ROLES_INTERNAL),
        int(MonthDraw.ROLES_EXTERNAL), int(MonthDraw.INSOURCE), _p(params.training_hazard),
        _p(params.roles_internal_hazard), _p(params.roles_external_hazard),
        params.insource_hazard,
    )  # fmt: skip


@njit(cache=True)
def _revise_strategy_kernel(stage, strategy, collaboration, u, col, p_other, p_balanced):
    for i in range(stage.shape[0]):
        if stage[i] >= _PLANNED_STAGE and strategy[i] != _TRIPARTITE:
            p = p_balanced if collaboration[i] == _COLLAB_BALANCED else p_other
            if u[i, col] < p:
                strategy[i] = _TRIPARTITE


def revise_strategy(state: FirmState, params: Params, u: np.ndarray) -> None:
    """Engaged firms without a shared strategy adopt the tripartite one (Figure 9); balanced
    collaboration doubles the hazard (assumption)."""
    _revise_strategy_kernel(
        state.stage, state.strategy, state.collaboration, u, int(MonthDraw.REVISE_STRATEGY),
        float(hazard_to_probability(params.tripartite_hazard)),
        float(hazard_to_probability(2.0 * params.tripartite_hazard)),
    )  # fmt: skip


# --- progress of use cases ------------------------------------------------------------------------


@njit(cache=True)
def _progress_kernel(stage, strategy, manager, training, dedicated, roles_internal, roles_external,
                     collaboration, communication, skills, demand, security, regulation, finance,
                     size, e_strategy, e_manager, e_training, e_dedicated, e_roles, e_collab,
                     e_communication, e_skills, w, e_size):  # fmt: skip
    n = stage.shape[0]
    out = np.zeros(n, dtype=np.float64)
    for i in range(n):
        if stage[i] == _NOT_ENGAGED:
            continue
        x = e_strategy[strategy[i]] + e_manager[manager[i]] + e_collab[collaboration[i]]
        if training[i]:
            x += e_training
        if dedicated[i]:
            x += e_dedicated
        if roles_internal[i] or roles_external[i]:
            x += e_roles
        if communication[i]:
            x += e_communication
        x += e_skills * (skills[i] - 0.5)
        x -= (
            w[0] * (0.5 - demand[i])
            + w[1] * (0.5 - skills[i])
            + w[2] * (security[i] - 0.5)
            + w[3] * (regulation[i] - 0.5)
            + w[4] * (finance[i] - 0.5)
        )
        out[i] = x + e_size[size[i]]
    return out


def progress_log_effect(state: FirmState, params: Params) -> np.ndarray:
    """Success factors and obstacles acting on development and scaling, log scale (text p.6-6,
    Figure 4): strategy, provider management, training, dedicated staff, roles, collaboration,
    communication difficulty, skills, obstacles, size.  Zero for firms not engaged."""
    s = state
    return _progress_kernel(
        s.stage, s.strategy, s.manager, s.training, s.dedicated, s.roles_internal,
        s.roles_external, s.collaboration, s.difficulties[:, Difficulty.COMMUNICATION], s.skills,
        s.demand, s.security, s.regulation, s.finance, s.size,
        _log_effect_array(params.strategy_effect),
        _log_effect_array(params.manager_effect, unset=0.0),
        params.training_effect, params.dedicated_effect, params.roles_effect,
        _log_effect_array(params.collaboration_effect, unset=0.0),
        params.communication_effect, params.skills_effect,
        _log_effect_array(params.progress_obstacle_weights),
        _log_effect_array(params.progress_size_effect),
    )  # fmt: skip


@njit(cache=True)
def _event(u, rate):
    """u < 1 - e^-rate, computing the exponential only when it can matter (1 - e^-r <= r)."""
    if u >= rate:
        return False
    return u < -np.expm1(-rate)


@njit(cache=True)
def _advance_kernel(stage, uc_stage, uc_months, uc_stall, uc_experience, misestimates, enthusiasm,
                    u, progress, logit_t, logit_b, k_enthusiasm, k_experience, h_add, h_start,
                    h_complete, difficulty, h_overrun, e_misestimate, stall_months, stall_factor,
                    p_drop, p_withdraw, experience_in_place, overrun_hit):  # fmt: skip
    n, m = uc_stage.shape
    overruns = np.zeros(n, dtype=np.int32)
    for i in range(n):
        if stage[i] == _NOT_ENGAGED:
            continue
        mult = np.exp(progress[i])
        rate_overrun = h_overrun * (np.exp(e_misestimate) if misestimates[i] else 1.0)
        for j in range(m):
            st = uc_stage[i, j]
            x = u[i, j]
            new = st
            if st == _UC_NONE:
                # add a use case the firm finds interesting (interest computed only if needed)
                if x < h_add and _event(x, h_add * _firm_interest_one(
                    i, j, enthusiasm, uc_experience, logit_t, logit_b, k_enthusiasm, k_experience
                )):
                    new = _UC_PLANNED
            elif st == _UC_PLANNED:
                if _event(x, h_start * mult):
                    new = _UC_DEV
            elif st == _UC_DEV:
                stalled = uc_stall[i, j] > 0
                rate_done = h_complete / difficulty[j] * mult * (stall_factor if stalled else 1.0)
                p_first = p_drop if stalled else -np.expm1(-rate_overrun)
                if x < p_first:
                    if stalled:
                        new = _UC_PLANNED  # dropped back to the plan
                    else:
                        overruns[i] += 1  # overrun: stall where it stands
                        uc_stall[i, j] = stall_months + 1  # decremented below
                        uc_experience[i, j] = max(uc_experience[i, j] - overrun_hit, -2.0)
                elif _event(x - p_first, rate_done):
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
    s = state
    experience_in_place = np.log(1.0 / np.asarray(params.usecase_promise, dtype=np.float64))
    return _advance_kernel(
        s.stage, s.uc_stage, s.uc_months, s.uc_stall, s.uc_experience,
        s.difficulties[:, Difficulty.MISESTIMATES], s.enthusiasm, u, progress,
        _logit(np.asarray(params.interest_technique, dtype=np.float64)),
        _logit(np.asarray(params.interest_business, dtype=np.float64)),
        params.interest_enthusiasm_effect, params.interest_experience_effect,
        params.adopt_usecase_hazard, params.start_development, params.complete_development,
        np.asarray(params.difficulty, dtype=np.float64), params.overrun_hazard,
        params.misestimate_overrun_effect, params.stall_months, params.stall_progress_factor,
        _p(params.drop_stalled), _p(params.decommission_hazard), experience_in_place,
        params.overrun_experience_hit,
    )  # fmt: skip


@njit(cache=True)
def _scale_kernel(stage, scaled, uc_stage, organisation, u, col, progress, h_scale,
                  e_organisation, e_per_usecase, p_unscale):  # fmt: skip
    n, m = uc_stage.shape
    for i in range(n):
        top = 0
        in_place = 0
        for j in range(m):
            st = uc_stage[i, j]
            if st > top:
                top = st
            if st == _UC_PLACE:
                in_place += 1
        if in_place == 0:
            scaled[i] = False
        elif scaled[i]:
            if u[i, col] < p_unscale:
                scaled[i] = False
        else:
            x = progress[i] + e_per_usecase * (in_place - 1)
            if organisation[i]:
                x += e_organisation
            if _event(u[i, col], h_scale * np.exp(x)):
                scaled[i] = True
        # the stage: the most advanced use case (NONE, PLANNED, IN_DEVELOPMENT and IN_PLACE
        # map onto the first four stages), SCALED if the firm scaled
        stage[i] = _SCALED if (scaled[i] and top == _UC_PLACE) else top


def scale_and_derive_stage(
    state: FirmState, params: Params, u: np.ndarray, progress: np.ndarray
) -> None:
    """Deployed firms scale, scaled firms may fall back (Figure 7, phase 3; text p.2 and
    p.6: large firms and firms with a tripartite strategy scale more; each extra use case in
    place helps, an organisation difficulty hinders, Figure 14).  Then every firm's stage is
    derived from its portfolio: its most advanced use case, SCALED if it scaled."""
    s = state
    _scale_kernel(
        s.stage, s.scaled, s.uc_stage, s.difficulties[:, Difficulty.ORGANISATION], u,
        int(MonthDraw.SCALE), progress, params.scale_hazard, params.organisation_effect,
        params.scale_per_usecase_effect, _p(params.unscale_hazard),
    )  # fmt: skip


def derive_stage(state: FirmState) -> None:
    """A firm's stage from its portfolio: its most advanced use case, and whether it scaled."""
    top = state.uc_stage.max(axis=1)
    state.stage[:] = top
    state.stage[state.scaled & (top == IN_PLACE)] = Stage.SCALED


# --- Technique ------------------------------------------------------------------------------------


@njit(cache=True)
def _learn_kernel(stage, skills, training, g_training, g_practice):
    for i in range(stage.shape[0]):
        g = 0.0
        if training[i]:
            g += g_training
        if stage[i] >= _EXPERIMENTING:
            g += g_practice
        if g > 0.0:
            skills[i] = min(skills[i] + g, 1.0)


def learn(state: FirmState, params: Params) -> None:
    """Technique skills grow with training and with practice (assumption)."""
    _learn_kernel(
        state.stage, state.skills, state.training, params.training_skill_gain,
        params.practice_skill_gain,
    )  # fmt: skip


@njit(cache=True)
def _agentic_kernel(stage, technique, business, u, col_t, col_b, h_t, h_b):
    for i in range(stage.shape[0]):
        if stage[i] >= _PLANNED_STAGE:
            if u[i, col_t] < h_t:
                technique[i] = True
            if u[i, col_b] < h_b:
                business[i] = True


def hear_of_agentic(state: FirmState, params: Params, u: np.ndarray) -> None:
    """Engaged Technique and Business teams hear of agentic AI (Figure 2: 34% vs 18%);
    the model calls this from ``agentic_start`` on."""
    _agentic_kernel(
        state.stage, state.technique_agentic, state.business_agentic, u,
        int(MonthDraw.AGENTIC_TECHNIQUE), int(MonthDraw.AGENTIC_BUSINESS),
        _p(params.agentic_hazard[0]), _p(params.agentic_hazard[1]),
    )  # fmt: skip


# --- Business -------------------------------------------------------------------------------------


@njit(cache=True)
def _enthusiasm_kernel(stage, pool, enthusiasm, demand, realised_productivity, overruns,
                       peers_by_pool, hit, drift, demand_drift, expected_productivity):  # fmt: skip
    for i in range(stage.shape[0]):
        e = enthusiasm[i] - hit * overruns[i]
        if stage[i] >= _DEPLOYED:
            target = 0.3 + 0.6 * min(realised_productivity[i] / expected_productivity, 1.2)
        elif stage[i] >= _PLANNED_STAGE:
            target = 0.5
        else:
            target = 0.3 + 0.4 * peers_by_pool[pool[i]]
        e += drift * (target - e)
        e = min(max(e, 0.0), 1.0)
        enthusiasm[i] = e
        demand[i] += demand_drift * (e - demand[i])


def update_enthusiasm(
    state: FirmState, params: Params, overruns: np.ndarray, peers_by_pool: np.ndarray
) -> None:
    """The hype cycle of each firm (Figure 7): a peak at engagement (set-up), a fall with
    each overrun (valley of despair), then a drift towards a target: what deployed use cases
    really deliver against the expected productivity gain (slope of enlightenment), 0.5 for
    engaged firms with nothing in place, and the peers' engagement for the others
    (assumptions).  Business demand (perceived utility) follows enthusiasm."""
    _enthusiasm_kernel(
        state.stage, state.pool, state.enthusiasm, state.demand,
        state.realised[:, Gain.PRODUCTIVITY], overruns, peers_by_pool,
        params.overrun_enthusiasm_hit, params.enthusiasm_drift, params.demand_drift,
        max(params.expected_gain[Gain.PRODUCTIVITY], 1e-6),
    )  # fmt: skip


@njit(cache=True)
def _shadow_kernel(stage, collaboration, shadow_ai, propensity, enthusiasm, u, col, hazard):
    for i in range(stage.shape[0]):
        if shadow_ai[i]:
            continue
        exposed = stage[i] == _NOT_ENGAGED or collaboration[i] == _COLLAB_NONE
        if exposed and _event(u[i, col], hazard * propensity[i] * enthusiasm[i]):
            shadow_ai[i] = True


def adopt_shadow_ai(state: FirmState, params: Params, u: np.ndarray) -> None:
    """Business teams use AI tools on their own when they do not work with Technique
    (Figure 13: no collaboration is reported mostly by Business, 32%)."""
    _shadow_kernel(
        state.stage, state.collaboration, state.shadow_ai, state.shadow_propensity,
        state.enthusiasm, u, int(MonthDraw.SHADOW), params.shadow_hazard,
    )  # fmt: skip


# --- collaboration --------------------------------------------------------------------------------


@njit(cache=True)
def _rebalance_kernel(stage, collaboration, u, col, rates):
    for i in range(stage.shape[0]):
        c = collaboration[i]
        unbalanced = c >= 0 and c != _COLLAB_BALANCED and stage[i] >= _PLANNED_STAGE
        if unbalanced and u[i, col] < rates[stage[i] - 1]:
            collaboration[i] = _COLLAB_BALANCED


@njit(cache=True)
def _organisation_kernel(stage, difficulties, u, col, p):
    for i in range(stage.shape[0]):
        if stage[i] >= _DEPLOYED and not difficulties[i, 2] and u[i, col] < p:
            difficulties[i, 2] = True


def meet_organisation_questions(state: FirmState, params: Params, u: np.ndarray) -> None:
    """Deployed firms meet questions of organisation and leadership (Figure 14 text: the
    leaders who scaled report more need for clarity on organisation); the difficulty then
    slows their scaling (``organisation_effect``)."""
    _organisation_kernel(
        state.stage, state.difficulties, u, int(MonthDraw.ORGANISATION),
        _p(params.organisation_discovery),
    )  # fmt: skip


def rebalance_collaboration(state: FirmState, params: Params, u: np.ndarray) -> None:
    """Collaboration becomes balanced with experience, faster once deployed (assumption; the
    Figure 13 shift, 31% at set-up to 46% once deployed, is kept for validation)."""
    _rebalance_kernel(
        state.stage, state.collaboration, u, int(MonthDraw.REBALANCE),
        hazard_to_probability(np.asarray(params.rebalance_hazard, dtype=np.float64)),
    )  # fmt: skip


# --- outcomes -------------------------------------------------------------------------------------


@njit(cache=True)
def _gains_kernel(stage, uc_stage, uc_months, enthusiasm, realised, expected, values, ramp_table,
                  pilot_share, expected_base):  # fmt: skip
    n, m = uc_stage.shape
    top = ramp_table.shape[0] - 1
    for i in range(n):
        r0 = 0.0
        r1 = 0.0
        r2 = 0.0
        for j in range(m if stage[i] >= _EXPERIMENTING else 0):
            st = uc_stage[i, j]
            if st == _UC_PLACE:
                w = ramp_table[min(uc_months[i, j], top)]
            elif st == _UC_DEV:
                w = pilot_share
            else:
                continue
            r0 += w * values[0, j]
            r1 += w * values[1, j]
            r2 += w * values[2, j]
        realised[i, 0] = r0
        realised[i, 1] = r1
        realised[i, 2] = r2
        k = 2.0 * enthusiasm[i]
        expected[i, 0] = k * expected_base[0]
        expected[i, 1] = k * expected_base[1]
        expected[i, 2] = k * expected_base[2]


@functools.lru_cache(maxsize=16)
def _ramp_table(lag_months: float) -> np.ndarray:
    """1 - e^(-months/lag) for 0..1199 months in place."""
    return -np.expm1(-np.arange(1200, dtype=np.float64) / lag_months)


def update_gains(state: FirmState, params: Params) -> None:
    """Realised gains come from the use cases in place, ramping up as 1 - e^(-months/lag), and
    from pilots: a use case in development yields ``pilot_gain_share`` of its value
    (Figures 15-16: +5.4% productivity, +3.3% cost, +1.2% revenue among active firms).
    Expected gains scale with enthusiasm: the base value at enthusiasm 0.5 (Figures
    15-16: +7.6% productivity, +3.3% revenue expected on average)."""
    values = np.array(
        [
            params.usecase_value_productivity,
            params.usecase_value_cost,
            params.usecase_value_revenue,
        ],
        dtype=np.float64,
    )
    ramp_table = _ramp_table(params.gain_lag_months)
    _gains_kernel(
        state.stage, state.uc_stage, state.uc_months, state.enthusiasm, state.realised,
        state.expected,
        values, ramp_table, params.pilot_gain_share,
        np.asarray(params.expected_gain, dtype=np.float64),
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
