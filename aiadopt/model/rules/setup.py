"""Set-up on engagement (ODD 7.3): what a firm decides the month it engages.

The firm uses its own set-up draws, fixed at its birth (``SetUpDraw`` columns), so that it
makes the same choices in two scenarios whenever it engages (common random numbers).
"""

from __future__ import annotations

from ..codes import (
    D_COLLABORATION,
    D_DEDICATED,
    D_DIFFICULTY,
    D_EXTERNAL_EXPERTS,
    D_MANAGER,
    D_OUTSOURCE,
    D_OUTSOURCE_ALL,
    D_PLAN,
    D_ROLES_EXTERNAL,
    D_ROLES_INTERNAL,
    D_SHADOW,
    D_STRATEGY,
    D_TRAINING,
    NO_COLLABORATION,
    NOBODY,
    OUTSOURCE_ALL,
    OUTSOURCE_NONE,
    OUTSOURCE_PARTIAL,
    UC_NONE,
    UC_PLANNED,
)
from .compiled import draw_category, per_firm
from .interest import firm_interest_in


@per_firm
def set_up(i, step, setup_draws, engaged_month, uc_stage, uc_months, uc_experience, enthusiasm,
           logit_technique, logit_business, interest_enthusiasm_effect,
           interest_experience_effect, strategy, cdf_strategy, outsourcing, p_outsource,
           p_outsource_all, manager, cdf_manager, training, p_training_initial, dedicated,
           p_dedicated_initial, roles_internal, p_roles_internal_initial, roles_external,
           p_roles_external_initial, external_experts, p_experts_initial, collaboration,
           cdf_collaboration, difficulties, difficulty_initial, shadow_ai, shadow_propensity,
           skills, demand, security, regulation, finance, discovery,
           engage_enthusiasm):  # fmt: skip
    """Firm i, engaging at ``step``, sets itself up with its own draws:

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
    u = setup_draws[i]
    first_time = engaged_month[i] < 0
    engaged_month[i] = step
    # portfolio: each use case planned with the firm's interest; at least the favourite
    best, best_interest, planned = 0, -1.0, 0
    for j in range(uc_stage.shape[1]):
        interest = firm_interest_in(
            i, j, enthusiasm, uc_experience, logit_technique, logit_business,
            interest_enthusiasm_effect, interest_experience_effect,
        )  # fmt: skip
        uc_months[i, j] = 0
        if u[D_PLAN + j] < interest:
            uc_stage[i, j] = UC_PLANNED
            planned += 1
        else:
            uc_stage[i, j] = UC_NONE
        if interest > best_interest:
            best, best_interest = j, interest
    if planned == 0:
        uc_stage[i, best] = UC_PLANNED
    # peak of inflated expectations (Figure 7, phase 1)
    enthusiasm[i] = max(enthusiasm[i], engage_enthusiasm)
    if not first_time:
        return  # a firm that gave up and comes back keeps its earlier choices
    # Direction's choices (Figures 9, 11, 12)
    strategy[i] = draw_category(u[D_STRATEGY], cdf_strategy)
    if u[D_OUTSOURCE] < p_outsource:
        all_of_it = u[D_OUTSOURCE_ALL] < p_outsource_all
        outsourcing[i] = OUTSOURCE_ALL if all_of_it else OUTSOURCE_PARTIAL
        manager[i] = draw_category(u[D_MANAGER], cdf_manager)
    else:
        outsourcing[i] = OUTSOURCE_NONE
        manager[i] = NOBODY
    training[i] = u[D_TRAINING] < p_training_initial
    dedicated[i] = u[D_DEDICATED] < p_dedicated_initial
    roles_internal[i] = u[D_ROLES_INTERNAL] < p_roles_internal_initial
    roles_external[i] = u[D_ROLES_EXTERNAL] < p_roles_external_initial
    external_experts[i] = u[D_EXTERNAL_EXPERTS] < p_experts_initial
    # collaboration mode and its difficulties (Figures 13, 14)
    collaboration[i] = draw_category(u[D_COLLABORATION], cdf_collaboration)
    for d in range(difficulties.shape[1]):
        difficulties[i, d] = u[D_DIFFICULTY + d] < difficulty_initial[d]
    if collaboration[i] == NO_COLLABORATION and u[D_SHADOW] < shadow_propensity[i]:
        shadow_ai[i] = True
    # obstacles discovered by trying (Figure 4)
    demand[i] = max(demand[i] - discovery[0], 0.0)
    skills[i] = max(skills[i] - discovery[1], 0.0)
    security[i] = min(security[i] + discovery[2], 1.0)
    regulation[i] = min(regulation[i] + discovery[3], 1.0)
    finance[i] = min(finance[i] + discovery[4], 1.0)
