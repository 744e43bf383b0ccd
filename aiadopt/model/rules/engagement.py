"""Engagement (ODD 7.1, 7.2, 7.4): who starts planning, by Bass diffusion among peers, and
who gives up.

Each month the model takes the engaged share of every imitation pool (a sector and size
class; ``pool_peer_shares``) and turns it into the pool's one-month Bass probability
(``bass_month_probability``); a not-engaged firm in the market (``in_market``: the market
potential is below 1 and depends on the utility the firm perceives, its size and sector)
then engages with that probability raised to the power e^effect, its size and obstacle
effect (``engage``).  An engaged firm with nothing in place may give up, the more so the
heavier its obstacles and the lower its enthusiasm (``give_up``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..codes import (
    C_DEDICATED,
    C_EXPERTS,
    C_OUTSOURCE,
    C_ROLES_EXTERNAL,
    C_ROLES_INTERNAL,
    C_TRAINING,
    C_TRIPARTITE,
    D_MARKET,
    EXPERIMENTING,
    N_CHOICES,
    N_POOLS,
    NOT_ENGAGED,
    OUTSOURCE_NONE,
    PLANNED,
    TRIPARTITE,
    U_ENGAGE,
    U_GIVE_UP,
    UC_NONE,
)
from ..params import Params
from ..state import FirmState
from .compiled import event, per_firm
from .obstacles import obstacle_load


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
    """Firms and engaged firms of each pool."""
    counts = np.zeros(N_POOLS, dtype=np.int64)
    engaged = np.zeros(N_POOLS, dtype=np.int64)
    for i in range(stage.shape[0]):
        counts[pool[i]] += 1
        if stage[i] >= PLANNED:
            engaged[pool[i]] += 1
    return counts, engaged


def pool_peer_shares(state: FirmState, params: Params) -> np.ndarray:
    """Engaged share seen by a firm of each sector-size pool (ODD 7.1): its own pool's share
    mixed with the whole population's (``peer_own_weight``).  With ``peer_pool =
    "population"`` every pool sees the population-wide share (pure Bass)."""
    counts, pool_engaged = _pool_counts(state.stage, state.pool)
    overall = pool_engaged.sum() / state.n if state.n else 0.0
    if params.peer_pool == "population":
        return np.full(N_POOLS, overall)
    pool_share = np.divide(pool_engaged, counts, out=np.zeros(N_POOLS), where=counts > 0)
    w = params.peer_own_weight
    return w * pool_share + (1.0 - w) * overall


def pool_probabilities(params: Params, peers_by_pool: np.ndarray) -> np.ndarray:
    """Each pool's one-month Bass probability from its peer share."""
    return bass_month_probability(peers_by_pool, params.bass_p, params.bass_q)


def engage_bounds(params: Params, log_stay: np.ndarray) -> np.ndarray:
    """An upper bound of any firm's monthly probability of engaging, by pool: its pool's
    probability raised to the largest firm effect (the largest size effect, every obstacle at
    its lightest).  ``engage`` skips the exponentials for a draw above it (most firms)."""
    weights = np.abs(np.asarray(params.engage_obstacle_weights, dtype=np.float64))
    le_max = max(params.engage_size_effect) + 0.5 * float(weights.sum())
    return -np.expm1(log_stay * np.exp(le_max)) * (1.0 + 1e-9)


@njit(cache=True)
def log_stay_of(pool_prob):
    """log(1 - p) of each pool's monthly Bass probability, once per pool and month."""
    out = np.empty(pool_prob.shape[0])
    for g in range(pool_prob.shape[0]):
        out[g] = np.log1p(-pool_prob[g]) if pool_prob[g] < 1.0 else -np.inf
    return out


@per_firm
def in_market(i, setup_draws, size, sector, demand, market_intercept, market_size_effect,
              market_sector_effect, market_utility_effect):  # fmt: skip
    """Is firm i in the market: would it ever engage?  Its probability is logistic(
    ``market_intercept`` + its size's and sector's effects + ``market_utility_effect`` *
    (Business demand - 0.5)), compared with the firm's own draw fixed at birth (its
    reservation utility).  Demand moves with enthusiasm, so the market grows and shrinks
    with the hype: the Bass market potential is below 1 and not fixed."""
    v = (
        market_intercept
        + market_size_effect[size[i]]
        + market_sector_effect[sector[i]]
        + market_utility_effect * (demand[i] - 0.5)
    )
    return setup_draws[i, D_MARKET] < 1.0 / (1.0 + np.exp(-v))


@per_firm
def engage(i, u, pool_prob, log_stay, engage_bound, stage, pool, size, sector, demand, skills,
           security, regulation, finance, setup_draws, engage_size_effect, engage_obstacle_weights,
           market_intercept, market_size_effect, market_sector_effect,
           market_utility_effect):  # fmt: skip
    """Does not-engaged firm i start planning this month?  Returns True if it does.

    Only a firm in the market (``in_market``) may.  Its probability is its pool's Bass
    probability ``pool_prob`` raised to the power e^effect
    (``log_stay`` holds log(1 - pool_prob)), the effect being its size class's (100-249
    firms engage more, text p.2) minus its obstacles' (Figures 3-4), each centred on a
    severity of 0.5 so that p and q keep their meaning for a firm of average severity (the
    centre is a reference point: moving it is the same as moving ``engage_size_effect``).
    An effect of 0 leaves pure Bass diffusion among the firms in the market.
    """
    if stage[i] != NOT_ENGAGED:
        return False
    g = pool[i]
    base = pool_prob[g]
    if base <= 0.0:
        return False
    if u[i, U_ENGAGE] >= engage_bound[g]:
        return False  # above every firm's probability in the pool: no exponential needed
    if base < 1.0:
        le = engage_size_effect[size[i]] - obstacle_load(
            i, engage_obstacle_weights, demand, skills, security, regulation, finance
        )
        # the firm's monthly probability: 1 - (1 - base)^(e^le)
        if u[i, U_ENGAGE] >= 1.0 - np.exp(log_stay[g] * np.exp(le)):
            return False
    # the market is checked last: the outcome is the same, and most firms stop above
    return in_market(i, setup_draws, size, sector, demand, market_intercept, market_size_effect,
                     market_sector_effect, market_utility_effect)  # fmt: skip


@per_firm
def give_up(i, u, stage, uc_stage, uc_months, uc_stall, enthusiasm, demand, skills, security,
            regulation, finance, give_up_hazard, give_up_obstacle_effect,
            give_up_enthusiasm_effect, give_up_rate_max, progress_obstacle_weights):  # fmt: skip
    """Engaged firm i with nothing in place (planned or experimenting) may give up: back to
    not engaged, its portfolio cleared.  Returns True if it does.  The hazard is
    ``give_up_hazard`` times e^(``give_up_obstacle_effect`` * its obstacle load (the weights
    of progress, Figure 4) + ``give_up_enthusiasm_effect`` * (0.5 - enthusiasm)): obstacles
    stop firms, not only slow them (assumption).  Direction then stops the programme
    (``direction.stop_programme``); the firm keeps its attributes (skills, the obstacles it
    discovered, enthusiasm) and may engage again."""
    if stage[i] != PLANNED and stage[i] != EXPERIMENTING:
        return False
    if u[i, U_GIVE_UP] >= give_up_rate_max:  # no firm's hazard reaches it: skip the exp
        return False
    x = give_up_obstacle_effect * obstacle_load(
        i, progress_obstacle_weights, demand, skills, security, regulation, finance
    ) + give_up_enthusiasm_effect * (0.5 - enthusiasm[i])
    if not event(u[i, U_GIVE_UP], give_up_hazard * np.exp(x)):
        return False
    stage[i] = NOT_ENGAGED
    for j in range(uc_stage.shape[1]):
        uc_stage[i, j] = UC_NONE
        uc_months[i, j] = 0
        uc_stall[i, j] = 0
    return True


@njit(cache=True)
def _pool_choice_counts(stage, pool, strategy, outsourcing, training, dedicated, roles_internal,
                        roles_external, external_experts):  # fmt: skip
    """Engaged firms of each pool, and of them those holding each Choice."""
    engaged = np.zeros(N_POOLS, dtype=np.int64)
    holding = np.zeros((N_POOLS, N_CHOICES), dtype=np.int64)
    for i in range(stage.shape[0]):
        if stage[i] < PLANNED:
            continue
        g = pool[i]
        engaged[g] += 1
        holding[g, C_TRIPARTITE] += strategy[i] == TRIPARTITE
        holding[g, C_OUTSOURCE] += outsourcing[i] != OUTSOURCE_NONE
        holding[g, C_TRAINING] += training[i]
        holding[g, C_DEDICATED] += dedicated[i]
        holding[g, C_ROLES_INTERNAL] += roles_internal[i]
        holding[g, C_ROLES_EXTERNAL] += roles_external[i]
        holding[g, C_EXPERTS] += external_experts[i]
    return engaged, holding


def pool_choice_shares(state: FirmState, params: Params) -> np.ndarray:
    """Share of the engaged peers holding each Choice, seen by a firm of each pool:
    (pools, choices), its own pool's share mixed with the whole population's
    (``peer_own_weight``, as for engagement).  0.5 where no peer is engaged yet."""
    engaged, holding = _pool_choice_counts(
        state.stage, state.pool, state.strategy, state.outsourcing, state.training,
        state.dedicated, state.roles_internal, state.roles_external, state.external_experts,
    )  # fmt: skip
    total = engaged.sum()
    overall = holding.sum(axis=0) / total if total else np.full(N_CHOICES, 0.5)
    if params.peer_pool == "population":
        return np.tile(overall, (N_POOLS, 1))
    own = np.where(
        engaged[:, None] > 0, holding / np.maximum(engaged, 1)[:, None], overall[None, :]
    )
    w = params.peer_own_weight
    return w * own + (1.0 - w) * overall[None, :]
