"""Direction decides (ODD 7.8): strategy, outsourcing and who manages the providers,
training, dedicated staff, new roles and external experts.

Each decision is a ``Choice`` made by a logit rule (``choice_probability``) on what
Direction sees: the firm's size, Technique's skills, Business's pull (demand and
enthusiasm), the financial constraint, the security and regulatory concerns, how well
Technique and Business work together (alignment), what the engaged peers of its sector and
size chose, and the returns it has seen. Every firm has its own taste for each choice, a
draw fixed at birth: it holds a choice while its draw is below the choice's probability (a
random-utility model with a logistic taste). Direction decides at engagement
(``setup.set_up``) and reviews its choices at random times (``revise``,
``revision_hazard``), so success can lead to a strategy as well as the reverse. A choice
that a policy holds (``state.held``) is not revised.
"""

from __future__ import annotations

import numpy as np

from ..codes import (
    C_DEDICATED,
    C_EXPERTS,
    C_OUTSOURCE,
    C_ROLES_EXTERNAL,
    C_ROLES_INTERNAL,
    C_TRAINING,
    C_TRIPARTITE,
    COLLABORATION_UNSET,
    D_AD_HOC,
    D_CHOICE,
    D_MANAGER,
    D_OUTSOURCE_ALL,
    MANAGER_BUSINESS,
    MANAGER_TECHNIQUE,
    N_CHOICES,
    NO_STRATEGY,
    NOBODY,
    OUTSOURCE_ALL,
    OUTSOURCE_NONE,
    OUTSOURCE_PARTIAL,
    PAIR,
    PLANNED,
    PRODUCTIVITY,
    TRIPARTITE,
    U_REVISE,
    WITHHELD_PAIR,
)
from .compiled import draw_category, per_firm, rare_rule


@per_firm
def logistic(x):
    """1 / (1 + e^-x)."""
    return 1.0 / (1.0 + np.exp(-x))


@per_firm
def choice_probability(i, c, peer_choice_shares, pool, size, skills, demand, enthusiasm,
                       finance, security, regulation, alignment, realised, choice_intercept,
                       choice_size_effect, choice_skills_effect, choice_business_effect,
                       choice_finance_effect, choice_risk_effect, choice_alignment_effect,
                       choice_returns_effect, choice_peer_effect,
                       returns_per_gain):  # fmt: skip
    """Probability that Direction of firm i makes ``Choice`` c now: logistic of the choice's
    intercept, plus its size class's effect, plus slopes on Technique's skills, Business's
    pull (the mean of demand and enthusiasm), the financial constraint, the risk concern (the
    mean of the security and regulation severities) and the alignment of the roles (each
    centred on 0.5), on the returns seen (realised productivity over the
    study's expected productivity, ``returns_per_gain``) and on the share of engaged peers
    that made the choice (centred on 0.5)."""
    v = (
        choice_intercept[c]
        + choice_size_effect[size[i]]
        + choice_skills_effect[c] * (skills[i] - 0.5)
        + choice_business_effect[c] * (0.5 * (demand[i] + enthusiasm[i]) - 0.5)
        + choice_finance_effect[c] * (finance[i] - 0.5)
        + choice_risk_effect[c] * (0.5 * (security[i] + regulation[i]) - 0.5)
        + choice_alignment_effect[c] * (alignment[i] - 0.5)
        + choice_returns_effect[c] * realised[i, PRODUCTIVITY] * returns_per_gain
        + choice_peer_effect * (peer_choice_shares[pool[i], c] - 0.5)
    )
    return logistic(v)


@per_firm
def providers(i, setup_draws, held, skills, alignment, outsourcing, manager,
              outsource_all_intercept, outsource_all_skills_effect, manager_pair_intercept,
              manager_alignment_effect, manager_technique_share):  # fmt: skip
    """A firm that outsources decides how much, and who manages the providers, with its own
    draws: all development the less skilled its Technique (Figure 10), the Technique-Business
    pair the better aligned they are (Figure 11), else Technique alone with probability
    ``manager_technique_share``, else Business alone.  A policy that withholds the pair
    (``WITHHELD_PAIR``) leaves Technique or Business alone, with the same draw."""
    p_all = logistic(outsource_all_intercept + outsource_all_skills_effect * (skills[i] - 0.5))
    all_of_it = setup_draws[i, D_OUTSOURCE_ALL] < p_all
    outsourcing[i] = OUTSOURCE_ALL if all_of_it else OUTSOURCE_PARTIAL
    p_pair = logistic(manager_pair_intercept + manager_alignment_effect * (alignment[i] - 0.5))
    if held[i] & WITHHELD_PAIR:
        p_pair = 0.0
    u = setup_draws[i, D_MANAGER]
    if u < p_pair:
        manager[i] = PAIR
    elif (u - p_pair) < manager_technique_share * (1.0 - p_pair):
        manager[i] = MANAGER_TECHNIQUE
    else:
        manager[i] = MANAGER_BUSINESS


@per_firm
def decide(i, setup_draws, held, peer_choice_shares, pool, size, skills, demand, enthusiasm,
           finance, security, regulation, alignment, realised, strategy, outsourcing, manager,
           training, dedicated, roles_internal, roles_external, external_experts,
           choice_intercept,
           choice_size_effect, choice_skills_effect, choice_business_effect,
           choice_finance_effect, choice_risk_effect, choice_alignment_effect,
           choice_returns_effect, choice_peer_effect, returns_per_gain, cdf_ad_hoc,
           outsource_all_intercept, outsource_all_skills_effect, manager_pair_intercept,
           manager_alignment_effect, manager_technique_share):  # fmt: skip
    """Direction of firm i makes every ``Choice`` that no policy holds: it holds choice c
    while its own draw for c is below ``choice_probability``.  Without the tripartite
    strategy, its strategy is the ad hoc kind its own draw gives (``ad_hoc_shares``,
    Figure 9); when it outsources, ``providers`` decides how much and who manages them
    (anew at each decision: the pair takes over as the roles align)."""
    for c in range(N_CHOICES):
        if held[i] & (1 << c):
            continue
        p = choice_probability(
            i, c, peer_choice_shares, pool, size, skills, demand, enthusiasm, finance,
            security, regulation, alignment, realised, choice_intercept, choice_size_effect,
            choice_skills_effect, choice_business_effect, choice_finance_effect,
            choice_risk_effect, choice_alignment_effect, choice_returns_effect,
            choice_peer_effect, returns_per_gain,
        )  # fmt: skip
        has = setup_draws[i, D_CHOICE + c] < p
        if c == C_TRIPARTITE:
            strategy[i] = TRIPARTITE if has else draw_category(setup_draws[i, D_AD_HOC], cdf_ad_hoc)
        elif c == C_OUTSOURCE:
            if not has:
                outsourcing[i] = OUTSOURCE_NONE
                manager[i] = NOBODY
            else:
                providers(
                    i, setup_draws, held, skills, alignment, outsourcing, manager,
                    outsource_all_intercept, outsource_all_skills_effect,
                    manager_pair_intercept, manager_alignment_effect, manager_technique_share,
                )  # fmt: skip
        elif c == C_TRAINING:
            training[i] = has
        elif c == C_DEDICATED:
            dedicated[i] = has
        elif c == C_ROLES_INTERNAL:
            roles_internal[i] = has
        elif c == C_ROLES_EXTERNAL:
            roles_external[i] = has
        elif c == C_EXPERTS:
            external_experts[i] = has


@per_firm
def reviews(i, u, stage, p_revise):
    """Does engaged firm i's Direction review its choices this month?  At random times
    (``revision_hazard``, assumption: about once a year)."""
    return stage[i] >= PLANNED and u[i, U_REVISE] < p_revise


@rare_rule
def revise(i, setup_draws, held, peer_choice_shares, pool, size, skills, demand,
           enthusiasm, finance, security, regulation, alignment, realised, strategy, outsourcing,
           manager, training, dedicated, roles_internal, roles_external, external_experts,
           choice_intercept, choice_size_effect, choice_skills_effect, choice_business_effect,
           choice_finance_effect, choice_risk_effect, choice_alignment_effect,
           choice_returns_effect, choice_peer_effect, returns_per_gain, cdf_ad_hoc,
           outsource_all_intercept, outsource_all_skills_effect, manager_pair_intercept,
           manager_alignment_effect, manager_technique_share):  # fmt: skip
    """Firm i's Direction reviews its choices (the month's pass calls it for the firms that
    ``reviews``) and decides anew (``decide``) from what it sees now: skills learnt,
    returns seen, peers, alignment, obstacles."""
    decide(
        i, setup_draws, held, peer_choice_shares, pool, size, skills, demand, enthusiasm,
        finance, security, regulation, alignment, realised, strategy, outsourcing, manager,
        training, dedicated, roles_internal, roles_external, external_experts,
        choice_intercept, choice_size_effect, choice_skills_effect, choice_business_effect,
        choice_finance_effect, choice_risk_effect, choice_alignment_effect,
        choice_returns_effect, choice_peer_effect, returns_per_gain, cdf_ad_hoc,
        outsource_all_intercept, outsource_all_skills_effect, manager_pair_intercept,
        manager_alignment_effect, manager_technique_share,
    )  # fmt: skip


@rare_rule
def stop_programme(i, held, strategy, outsourcing, manager, training, dedicated, roles_internal,
                   roles_external, external_experts, collaboration, alignment):  # fmt: skip
    """Firm i gave up this month (``engagement.give_up``): Direction stops its AI programme.
    Every choice that no policy holds is undone (no strategy, nothing outsourced, no
    training, staff, roles or experts), and Technique and Business no longer work together
    on AI (collaboration unset, alignment 0).  If it engages again, it decides anew."""
    if not held[i] & (1 << C_TRIPARTITE):
        strategy[i] = NO_STRATEGY
    if not held[i] & (1 << C_OUTSOURCE):
        outsourcing[i] = OUTSOURCE_NONE
        manager[i] = NOBODY
    if not held[i] & (1 << C_TRAINING):
        training[i] = False
    if not held[i] & (1 << C_DEDICATED):
        dedicated[i] = False
    if not held[i] & (1 << C_ROLES_INTERNAL):
        roles_internal[i] = False
    if not held[i] & (1 << C_ROLES_EXTERNAL):
        roles_external[i] = False
    if not held[i] & (1 << C_EXPERTS):
        external_experts[i] = False
    collaboration[i] = COLLABORATION_UNSET
    alignment[i] = 0.0
