"""The model's rules: pure, vectorised functions of the firm arrays and a random stream.

Each rule updates every firm at once with boolean masks and cites the figure of the study it
rests on (or says it is an assumption).  The role agents in ``agents.py`` group these rules by
who applies them (Direction, Technique, Business); ``model.py`` calls them in a fixed order
each month.

Common random numbers: every stochastic rule draws one uniform per firm (or per firm and use
case) from its own named stream every step, eligible or not, so that two runs with the same
seed share their draws rule by rule.
"""

from __future__ import annotations

import numpy as np

from .params import Params
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
)
from .state import FirmState
from .streams import Streams

PLANNED, IN_DEV, IN_PLACE = UseCaseStage.PLANNED, UseCaseStage.IN_DEVELOPMENT, UseCaseStage.IN_PLACE
BUSINESS_TOOL_CASES = np.array([UseCase.CONTENT, UseCase.PERSONALISATION])


def hazard_to_probability(rate: np.ndarray | float) -> np.ndarray:
    """Monthly probability of an event with constant hazard ``rate`` per month."""
    return -np.expm1(-np.asarray(rate, dtype=np.float64))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


# --- engagement: Bass diffusion ------------------------------------------------------------------


def bass_closed_form(t: np.ndarray | float, p: float, q: float) -> np.ndarray:
    """Bass (1969) cumulative adoption F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t})."""
    e = np.exp(-(p + q) * np.asarray(t, dtype=np.float64))
    return (1.0 - e) / (1.0 + (q / p) * e)


def bass_month_probability(share: np.ndarray, p: float, q: float) -> np.ndarray:
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


def peer_share(state: FirmState, params: Params) -> np.ndarray:
    """Engaged share seen by each firm: its sector-size pool mixed with the whole population.

    With ``peer_pool = "population"`` every firm sees the population-wide share (pure Bass).
    """
    engaged = state.stage >= Stage.PLANNED
    overall = engaged.mean() if state.n else 0.0
    if params.peer_pool == "population":
        return np.full(state.n, overall)
    counts = np.bincount(state.pool, minlength=9)
    pool_engaged = np.bincount(state.pool, weights=engaged, minlength=9)
    pool_share = np.divide(pool_engaged, counts, out=np.zeros(9), where=counts > 0)
    w = params.peer_own_weight
    return w * pool_share[state.pool] + (1.0 - w) * overall


def engagement_log_effect(state: FirmState, params: Params) -> np.ndarray:
    """Firm multiplier of the Bass hazard on the log scale: size and obstacles (Figures 3-4).

    Obstacles are centred on a severity of 0.5, so that p and q keep their meaning for a
    firm of average severity; 100-249 firms engage more (text p.2).
    """
    weights = np.asarray(params.engage_obstacle_weights, dtype=np.float32)
    sev = state.obstacle_severity()
    return np.asarray(params.engage_size_effect)[state.size] - (sev - 0.5) @ weights


def engage(state: FirmState, params: Params, streams: Streams) -> np.ndarray:
    """Not-engaged firms start planning (Bass hazard); returns the mask of new entrants."""
    u = streams.uniform("engage", state.n)
    base = bass_month_probability(peer_share(state, params), params.bass_p, params.bass_q)
    rate = -np.log1p(-np.minimum(base, 1 - 1e-12)) * np.exp(engagement_log_effect(state, params))
    entering = (state.stage == Stage.NOT_ENGAGED) & (u < hazard_to_probability(rate))
    return entering


def abandon_plans(state: FirmState, params: Params, streams: Streams) -> np.ndarray:
    """Firms whose whole portfolio is still planned may give up (back to not engaged)."""
    u = streams.uniform("abandon", state.n)
    leaving = (state.stage == Stage.PLANNED) & (u < params.abandon_planned)
    state.uc_stage[leaving] = UseCaseStage.NONE
    state.uc_months[leaving] = 0
    return leaving


# --- interest in use cases (hype cycle) ----------------------------------------------------------


def usecase_interest(state: FirmState, params: Params, role_base: tuple[float, ...]) -> np.ndarray:
    """Probability that a role finds each use case interesting, (n, 6).

    Base levels are Figure 5's; interest moves with the firm's enthusiasm (Figure 7, hype
    cycle) and with what each use case delivered where the firm tried it (Figure 8).
    """
    base = _logit(np.asarray(role_base))
    shift = params.interest_enthusiasm_effect * (state.enthusiasm - 0.5)
    x = base[None, :] + shift[:, None] + params.interest_experience_effect * state.uc_experience
    return _sigmoid(x)


def firm_interest(state: FirmState, params: Params) -> np.ndarray:
    """Interest of the firm as a whole (mean of its Technique and Business), (n, 6)."""
    return 0.5 * (
        usecase_interest(state, params, params.interest_technique)
        + usecase_interest(state, params, params.interest_business)
    )


# --- set-up on engagement --------------------------------------------------------------------------


def _categorical(u: np.ndarray, shares: tuple[float, ...]) -> np.ndarray:
    """Category index for uniforms ``u`` and category ``shares`` (inverse CDF)."""
    cdf = np.cumsum(shares)
    cdf[-1] = 1.0 + 1e-9
    return np.searchsorted(cdf, u, side="right").astype(np.int8)


def set_up_engagement(
    state: FirmState, params: Params, streams: Streams, entering: np.ndarray, step: int
) -> None:
    """What happens when a firm engages: plan use cases, invest, choose a strategy and a
    collaboration mode, and discover obstacles (Figures 4, 9, 11, 12, 13, 14)."""
    n = state.n
    u_plan = streams.uniform("plan_usecases", (n, 6))
    u_invest = streams.uniform("invest_at_engagement", (n, 8))
    u_collab = streams.uniform("collaboration_at_engagement", (n, 5))
    idx = np.flatnonzero(entering)
    if idx.size == 0:
        return
    state.engaged_month[idx] = step
    # portfolio: each use case planned with the firm's interest; at least the favourite
    interest = firm_interest(state, params)[idx]
    plan = u_plan[idx] < interest
    none = ~plan.any(axis=1)
    plan[none, np.argmax(interest[none], axis=1)] = True
    state.uc_stage[idx] = np.where(plan, PLANNED, UseCaseStage.NONE)
    state.uc_months[idx] = 0
    set_up_investments(state, params, idx, u_invest[idx])
    # collaboration mode and its difficulties (Figures 13, 14)
    uc = u_collab[idx]
    state.collaboration[idx] = _categorical(uc[:, 0], params.collaboration_initial)
    state.difficulties[idx] = uc[:, 1:4] < np.asarray(params.difficulty_initial)
    no_collab = state.collaboration[idx] == Collaboration.NONE
    state.shadow_ai[idx] |= no_collab & (uc[:, 4] < state.shadow_propensity[idx])
    # obstacles discovered by trying (Figure 4)
    d = params.discovery
    state.skills[idx] = np.maximum(state.skills[idx] - d[Obstacle.SKILLS], 0)
    state.demand[idx] = np.maximum(state.demand[idx] - d[Obstacle.UTILITY], 0)
    state.security[idx] = np.minimum(state.security[idx] + d[Obstacle.SECURITY], 1)
    state.regulation[idx] = np.minimum(state.regulation[idx] + d[Obstacle.REGULATION], 1)
    state.finance[idx] = np.minimum(state.finance[idx] + d[Obstacle.FINANCE], 1)
    # peak of inflated expectations (Figure 7, phase 1)
    state.enthusiasm[idx] = np.maximum(state.enthusiasm[idx], params.engage_enthusiasm)


def set_up_investments(
    state: FirmState, params: Params, idx: np.ndarray, u: np.ndarray
) -> None:
    """Direction's choices at engagement: strategy, outsourcing, training, staff, roles
    (Figure 9 strategy; Figure 11 provider manager; Figure 12 planned column)."""
    state.strategy[idx] = _categorical(u[:, 0], params.strategy_initial)
    outsource = u[:, 1] < params.outsource_initial
    all_dev = u[:, 2] < params.outsource_all_initial
    state.outsourcing[idx] = np.where(
        outsource, np.where(all_dev, Outsourcing.ALL, Outsourcing.PARTIAL), Outsourcing.NONE
    )
    state.manager[idx] = np.where(
        outsource, _categorical(u[:, 3], params.manager_shares), ProviderManager.NOBODY
    )
    state.training[idx] = u[:, 4] < params.training_initial
    state.dedicated[idx] = u[:, 5] < params.dedicated_initial
    state.roles_internal[idx] = u[:, 6] < params.roles_internal_initial
    state.roles_external[idx] = u[:, 7] < params.roles_external_initial


# --- Direction: monthly decisions ------------------------------------------------------------------


def invest(state: FirmState, params: Params, streams: Streams) -> None:
    """Active firms train, hire AI roles and bring development back in-house over time
    (Figure 12: planned vs in place or in progress columns)."""
    u = streams.uniform("invest", (state.n, 4))
    active = state.stage >= Stage.EXPERIMENTING
    state.training |= active & (u[:, 0] < params.training_hazard)
    state.roles_internal |= active & (u[:, 1] < params.roles_internal_hazard)
    state.roles_external |= active & (u[:, 2] < params.roles_external_hazard)
    insource = (
        active
        & (state.outsourcing != Outsourcing.NONE)
        & (u[:, 3] < params.insource_hazard * state.skills)
    )
    state.outsourcing[insource] = Outsourcing.NONE
    state.manager[insource] = ProviderManager.NOBODY


def revise_strategy(state: FirmState, params: Params, streams: Streams) -> None:
    """Engaged firms without a shared strategy adopt the tripartite one (Figure 9); balanced
    collaboration doubles the hazard (assumption)."""
    u = streams.uniform("revise_strategy", state.n)
    rate = params.tripartite_hazard * np.where(
        state.collaboration == Collaboration.BALANCED, 2.0, 1.0
    )
    switch = (
        (state.stage >= Stage.PLANNED)
        & (state.strategy != Strategy.TRIPARTITE)
        & (u < hazard_to_probability(rate))
    )
    state.strategy[switch] = Strategy.TRIPARTITE


# --- progress of use cases -------------------------------------------------------------------------


def progress_log_effect(state: FirmState, params: Params) -> np.ndarray:
    """Success factors and obstacles acting on development and scaling, log scale (text p.5-6,
    Figure 4): strategy, provider management, training, dedicated staff, roles, collaboration,
    skills, obstacles, size."""
    sev = state.obstacle_severity()
    weights = np.asarray(params.progress_obstacle_weights, dtype=np.float32)
    manager = np.append(np.asarray(params.manager_effect), 0.0)  # index -1: nobody
    collaboration = np.append(np.asarray(params.collaboration_effect), 0.0)  # -1: unset
    return (
        np.asarray(params.strategy_effect)[state.strategy]
        + manager[state.manager]
        + params.training_effect * state.training
        + params.dedicated_effect * state.dedicated
        + params.roles_effect * (state.roles_internal | state.roles_external)
        + collaboration[state.collaboration]
        + params.communication_effect * state.difficulties[:, Difficulty.COMMUNICATION]
        + params.skills_effect * (state.skills - 0.5)
        - (sev - 0.5) @ weights
        + np.asarray(params.progress_size_effect)[state.size]
    )


def advance_usecases(
    state: FirmState, params: Params, streams: Streams, progress: np.ndarray
) -> np.ndarray:
    """One month of every portfolio: add, start, overrun and stall, drop, complete, withdraw.

    Returns the number of overruns per firm this month (they hit enthusiasm: Figure 7, the
    valley of despair).
    """
    n = state.n
    u_add = streams.uniform("add_usecase", (n, 6))
    u_start = streams.uniform("start_development", (n, 6))
    u_overrun = streams.uniform("overrun", (n, 6))
    u_drop = streams.uniform("drop_stalled", (n, 6))
    u_done = streams.uniform("complete_development", (n, 6))
    u_withdraw = streams.uniform("decommission", (n, 6))
    stage = state.uc_stage
    engaged = (state.stage >= Stage.PLANNED)[:, None]
    stalled = state.uc_stall > 0
    mult = np.exp(progress)[:, None] * np.where(stalled, params.stall_progress_factor, 1.0)

    add = engaged & (stage == UseCaseStage.NONE) & (
        u_add < params.adopt_usecase_hazard * firm_interest(state, params)
    )
    start = (stage == PLANNED) & (u_start < hazard_to_probability(params.start_development * mult))
    rate_overrun = params.overrun_hazard * np.exp(
        params.misestimate_overrun_effect * state.difficulties[:, Difficulty.MISESTIMATES]
    )
    in_dev = stage == IN_DEV
    overrun = in_dev & ~stalled & (u_overrun < hazard_to_probability(rate_overrun)[:, None])
    drop = in_dev & stalled & (u_drop < params.drop_stalled)
    difficulty = np.asarray(params.difficulty)[None, :]
    done = (
        in_dev
        & ~overrun
        & ~drop
        & (u_done < hazard_to_probability(params.complete_development / difficulty * mult))
    )
    withdraw = (stage == IN_PLACE) & (u_withdraw < params.decommission_hazard)

    new = stage.copy()
    new[add] = PLANNED
    new[start] = IN_DEV
    new[drop | withdraw] = PLANNED
    new[done] = IN_PLACE
    changed = new != stage
    state.uc_months[:] = np.where(changed, 0, np.minimum(state.uc_months + 1, 32000))
    state.uc_stage[:] = new
    state.uc_stall[:] = np.where(overrun, params.stall_months, np.maximum(state.uc_stall - 1, 0))
    state.uc_stall[new != IN_DEV] = 0
    # what a use case delivered against its promise (Figure 8)
    promise = np.log(1.0 / np.asarray(params.usecase_promise, dtype=np.float32))
    state.uc_experience[done] = np.broadcast_to(promise, stage.shape)[done]
    state.uc_experience[overrun] -= 0.25
    np.clip(state.uc_experience, -2.0, 2.0, out=state.uc_experience)
    return overrun.sum(axis=1)


def scale(state: FirmState, params: Params, streams: Streams, progress: np.ndarray) -> None:
    """Deployed firms scale; scaled firms may fall back (Figure 7, phase 3; text p.2 and p.5:
    large firms and firms with a tripartite strategy scale more)."""
    u = streams.uniform("scale", state.n)
    in_place = (state.uc_stage == IN_PLACE).sum(axis=1)
    deployed = in_place > 0
    log_rate = (
        progress
        + params.organisation_effect * state.difficulties[:, Difficulty.ORGANISATION]
        + params.scale_per_usecase_effect * np.maximum(in_place - 1, 0)
    )
    up = deployed & ~state.scaled & (u < hazard_to_probability(params.scale_hazard * np.exp(log_rate)))
    down = state.scaled & (u < params.unscale_hazard)
    state.scaled[up] = True
    state.scaled[down | ~deployed] = False


def derive_stage(state: FirmState) -> None:
    """A firm's stage from its portfolio: its most advanced use case, and whether it scaled."""
    top = state.uc_stage.max(axis=1)
    state.stage[:] = top  # NONE, PLANNED, IN_DEVELOPMENT, IN_PLACE map onto the first 4 stages
    state.stage[state.scaled & (top == IN_PLACE)] = Stage.SCALED


# --- Technique -------------------------------------------------------------------------------------


def learn(state: FirmState, params: Params) -> None:
    """Technique skills grow with training and with practice (assumption)."""
    gain = params.training_skill_gain * state.training + params.practice_skill_gain * (
        state.stage >= Stage.EXPERIMENTING
    )
    np.minimum(state.skills + gain, 1.0, out=state.skills)


def hear_of_agentic(state: FirmState, params: Params, streams: Streams, open_: bool) -> None:
    """Engaged Technique and Business teams hear of agentic AI (Figure 2: 34% vs 18%)."""
    u = streams.uniform("agentic", (state.n, 2))
    if not open_:
        return
    engaged = state.stage >= Stage.PLANNED
    state.technique_agentic |= engaged & (u[:, 0] < params.agentic_hazard[0])
    state.business_agentic |= engaged & (u[:, 1] < params.agentic_hazard[1])


# --- Business ---------------------------------------------------------------------------------------


def update_enthusiasm(
    state: FirmState, params: Params, overruns: np.ndarray, peers: np.ndarray
) -> None:
    """The hype cycle of each firm (Figure 7): a peak at engagement, a fall with each overrun
    (valley of despair), then a drift towards what deployed use cases really deliver."""
    e = state.enthusiasm
    e -= params.overrun_enthusiasm_hit * overruns
    deployed = state.stage >= Stage.DEPLOYED
    engaged = state.stage >= Stage.PLANNED
    delivered = state.realised[:, Gain.PRODUCTIVITY] / max(params.expected_gain[0], 1e-6)
    target = np.where(
        deployed,
        0.3 + 0.6 * np.minimum(delivered, 1.2),
        np.where(engaged, 0.5, 0.3 + 0.4 * peers),
    )
    e += params.enthusiasm_drift * (target - e)
    np.clip(e, 0.0, 1.0, out=e)
    state.demand += params.demand_drift * (e - state.demand)


def adopt_shadow_ai(state: FirmState, params: Params, streams: Streams) -> None:
    """Business teams use AI tools on their own when they do not work with Technique
    (Figure 13: no collaboration is reported mostly by Business, 32%)."""
    u = streams.uniform("shadow_ai", state.n)
    exposed = (state.collaboration == Collaboration.NONE) | (state.stage == Stage.NOT_ENGAGED)
    rate = params.shadow_hazard * state.shadow_propensity * state.enthusiasm
    state.shadow_ai |= exposed & (u < rate)


# --- collaboration ---------------------------------------------------------------------------------


def rebalance_collaboration(state: FirmState, params: Params, streams: Streams) -> None:
    """Collaboration becomes balanced with experience (Figure 13: 31% at set-up, 46% once
    deployed; the shift itself is kept for validation)."""
    u = streams.uniform("rebalance", state.n)
    rates = np.concatenate([[0.0], np.asarray(params.rebalance_hazard)])  # by Stage
    eligible = (state.collaboration >= 0) & (state.collaboration != Collaboration.BALANCED)
    move = eligible & (u < rates[state.stage])
    state.collaboration[move] = Collaboration.BALANCED


# --- outcomes ----------------------------------------------------------------------------------------


def realise_gains(state: FirmState, params: Params) -> None:
    """Realised gains from use cases in place, ramping up with a lag, and a share from pilots
    (Figures 15-16: +5.4% productivity, +3.3% cost, +1.2% revenue among active firms)."""
    ramp = -np.expm1(-state.uc_months / params.gain_lag_months)
    weight = np.where(
        state.uc_stage == IN_PLACE,
        ramp,
        np.where(state.uc_stage == IN_DEV, params.pilot_gain_share, 0.0),
    ).astype(np.float32)
    values = np.array(
        [params.usecase_value_productivity, params.usecase_value_cost, params.usecase_value_revenue],
        dtype=np.float32,
    )
    np.matmul(weight, values.T, out=state.realised)


def update_expectations(state: FirmState, params: Params) -> None:
    """Expected gains scale with enthusiasm (Figures 15-16: +7.6% productivity, +3.3% revenue
    expected on average)."""
    base = np.asarray(params.expected_gain, dtype=np.float32)
    np.multiply((2.0 * state.enthusiasm)[:, None], base[None, :], out=state.expected)


# --- the two views of "deployed" ------------------------------------------------------------------


def technique_sees_deployed(state: FirmState) -> np.ndarray:
    """Technique's strict view: a use case is integrated and in place (text p.2)."""
    return state.stage >= Stage.DEPLOYED


def business_sees_deployed(state: FirmState) -> np.ndarray:
    """Business's loose view (text p.2): also counts a tool its teams use on their own
    (shadow AI) and, for some Business agents, a content or personalisation pilot."""
    pilot = (state.uc_stage[:, BUSINESS_TOOL_CASES] == IN_DEV).any(axis=1)
    return technique_sees_deployed(state) | state.shadow_ai | (state.loose_view & pilot)
