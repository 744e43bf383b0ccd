"""Progress and the use-case portfolio (ODD 7.6): each use case moves through planned, in
development and in place, faster for firms with more success factors and fewer obstacles.

``progress`` is a firm's log-effect on its progress hazards (and on scaling,
``scaling.py``); ``advance`` runs one month of the firm's portfolio.
"""

from __future__ import annotations

import numpy as np

from ..codes import (
    BALANCED,
    COMMUNICATION,
    MISESTIMATES,
    N_USE_CASE_STAGES,
    NOT_ENGAGED,
    PAIR,
    TRIPARTITE,
    UC_IN_DEVELOPMENT,
    UC_IN_PLACE,
    UC_NONE,
    UC_PLANNED,
)
from .compiled import event, per_firm
from .interest import firm_interest_in
from .obstacles import obstacle_load


@per_firm
def success_factor_pairs(i, strategy, manager, training, dedicated, roles_internal,
                         roles_external, collaboration):  # fmt: skip
    """Pairs of the six success factors of text p.6 that firm i holds together, k(k-1)/2 for
    k factors: the tripartite strategy, providers managed by the pair, training, dedicated
    staff, new roles, balanced collaboration."""
    k = (
        (strategy[i] == TRIPARTITE)
        + (manager[i] == PAIR)
        + training[i]
        + dedicated[i]
        + (roles_internal[i] | roles_external[i])
        + (collaboration[i] == BALANCED)
    )
    return 0.5 * k * (k - 1)


@per_firm
def progress(i, stage, strategy, manager, training, dedicated, roles_internal, roles_external,
             collaboration, difficulties, skills, demand, security, regulation, finance, size,
             strategy_effect, manager_effect, training_effect, dedicated_effect, roles_effect,
             collaboration_effect, complementarity, communication_effect, skills_effect,
             progress_obstacle_weights, progress_size_effect):  # fmt: skip
    """Log-scale effect of firm i's success factors and obstacles on its progress (text p.6,
    Figure 4): strategy, provider management, training, dedicated staff, roles,
    collaboration, communication difficulty, skills, obstacles, size.  0 if not engaged.

    The success factors complement one another (text p.6: the leaders combine them): each
    pair of factors held together adds ``complementarity`` (``success_factor_pairs``), an
    explicit term whose prior allows 0.  Without it, the effects add on the log scale.

    Skills and obstacles are centred on 0.5, a reference point that the hazards absorb.
    """
    if stage[i] == NOT_ENGAGED:
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
    x += complementarity * success_factor_pairs(
        i, strategy, manager, training, dedicated, roles_internal, roles_external, collaboration
    )
    if difficulties[i, COMMUNICATION]:
        x += communication_effect
    x += skills_effect * (skills[i] - 0.5)
    x -= obstacle_load(i, progress_obstacle_weights, demand, skills, security, regulation, finance)
    return x + progress_size_effect[size[i]]


# Stage-indexed 0/1 tables of the portfolio's fast path (by UseCaseStage).
_UC_STAGES = np.arange(N_USE_CASE_STAGES)
_WHEN_NONE = (_UC_STAGES == UC_NONE).astype(np.float64)
_WHEN_PLANNED = (_UC_STAGES == UC_PLANNED).astype(np.float64)
_WHEN_DEV = (_UC_STAGES == UC_IN_DEVELOPMENT).astype(np.float64)
_WHEN_PLACE = (_UC_STAGES == UC_IN_PLACE).astype(np.float64)
_STALL_TICK = (_UC_STAGES == UC_IN_DEVELOPMENT).astype(np.int64)
"""Only a use case in development counts its stall down."""


@per_firm
def advance(i, u_cases, progress, p_overruns, stage, uc_stage, uc_months, uc_stall,
            uc_experience, difficulties, enthusiasm, logit_technique, logit_business,
            interest_enthusiasm_effect, interest_experience_effect, adopt_usecase_hazard,
            start_development, complete_development, difficulty, stall_months,
            stall_progress_factor, p_drop, decommission_hazard,
            fallback_disappointment_effect, experience_in_place, overrun_experience_hit,
            experience_floor):  # fmt: skip
    """One month of firm i's portfolio: add, start, overrun and stall, drop, complete,
    withdraw.  Returns the firm's number of overruns this month.

    ``u_cases[i, j]`` is the month's one draw for use case j; the events open to it compete
    for that draw (its stage decides which): not planned -> add (with the firm's interest,
    Figure 5); planned -> start; in development -> overrun, which stalls it (Figure 14
    misestimates; Figure 7 valley of despair) and lowers its experience (no lower than
    ``experience_floor``), or complete (hazard / difficulty); while stalled -> drop back to
    the plan (the pilot is abandoned), or complete slowly; in place -> withdraw, at
    ``decommission_hazard`` times e^(``fallback_disappointment_effect`` * (0.5 -
    enthusiasm)).  Progress hazards are scaled by
    e^progress (the firm's ``progress``); ``p_overruns``: the monthly probability of an
    overrun without and with a misestimates difficulty (``constants.overrun_probabilities``).
    Not-engaged firms wait (new entrants start next month).

    Most use cases see no event in a month.  A cheap, branch-free upper bound on the
    probability of any event (the rates bound 1 - e^-rate; stage-indexed 0/1 tables pick
    the one that applies) sends those straight to "one more month where it stands"; only
    draws below the bound take the exact rules.  The outcomes are those of the exact rules
    alone: the bound only skips work (a branch on each use case's stage was mispredicted
    often).
    """
    if stage[i] == NOT_ENGAGED:
        return 0
    overruns = 0
    mult = np.exp(progress)
    # withdrawal: more likely the more disappointed the firm (Figure 7, phase 3); only a
    # firm with a use case in place needs it (the exponentials cost more than the check)
    p_withdraw = 0.0
    for j in range(uc_stage.shape[1]):
        if uc_stage[i, j] == UC_IN_PLACE:
            p_withdraw = -np.expm1(
                -decommission_hazard
                * np.exp(fallback_disappointment_effect * (0.5 - enthusiasm[i]))
            )
            break
    p_overrun = p_overruns[1] if difficulties[i, MISESTIMATES] else p_overruns[0]
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
        if st == UC_NONE:
            # add a use case the firm finds interesting (interest computed only if needed)
            if x < h_add and event(x, h_add * firm_interest_in(
                i, j, enthusiasm, uc_experience, logit_technique, logit_business,
                interest_enthusiasm_effect, interest_experience_effect,
            )):  # fmt: skip
                new = UC_PLANNED
        elif st == UC_PLANNED:
            if event(x, rate_start):
                new = UC_IN_DEVELOPMENT
        elif st == UC_IN_DEVELOPMENT:
            is_stalled = stall > 0
            rate = rate_done * (stall_factor if is_stalled else 1.0)
            p_first = p_drop if is_stalled else p_overrun
            if x < p_first:
                if is_stalled:
                    new = UC_PLANNED  # dropped back to the plan
                else:
                    overruns += 1  # overrun: stall where it stands
                    uc_stall[i, j] = stall_months + 1  # decremented below
                    uc_experience[i, j] = max(
                        uc_experience[i, j] - overrun_experience_hit, experience_floor
                    )
            elif event(x - p_first, rate):
                new = UC_IN_PLACE
                uc_experience[i, j] = experience_in_place[j]
        elif x < p_withdraw:  # in place
            new = UC_PLANNED
        if new != st:
            uc_stage[i, j] = new
            uc_months[i, j] = 0
        else:
            uc_months[i, j] += 1
        if new != UC_IN_DEVELOPMENT:
            uc_stall[i, j] = 0
        elif uc_stall[i, j] > 0:
            uc_stall[i, j] -= 1
    return overruns
