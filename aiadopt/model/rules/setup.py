"""Set-up on engagement (ODD 7.3): what a firm does the month it engages.

The firm uses its own draws, fixed at its birth (``SetUpDraw`` columns), so that it makes
the same choices in two scenarios whenever its circumstances are the same (common random
numbers).
"""

from __future__ import annotations

from ..codes import D_DIFFICULTY, D_PLAN, UC_NONE, UC_PLANNED
from .collaboration import alignment_target, collaboration_mode
from .compiled import per_firm, rare_rule
from .direction import decide
from .interest import firm_interest_in


@per_firm
def plan_portfolio(i, setup_draws, uc_stage, uc_months, uc_stall, uc_experience, enthusiasm,
                   logit_technique, logit_business, interest_enthusiasm_effect,
                   interest_experience_effect):  # fmt: skip
    """Firm i plans each use case with its interest (Figure 5), at least its favourite."""
    best, best_interest, planned = 0, -1.0, 0
    for j in range(uc_stage.shape[1]):
        interest = firm_interest_in(
            i, j, enthusiasm, uc_experience, logit_technique, logit_business,
            interest_enthusiasm_effect, interest_experience_effect,
        )  # fmt: skip
        uc_months[i, j] = 0
        uc_stall[i, j] = 0
        if setup_draws[i, D_PLAN + j] < interest:
            uc_stage[i, j] = UC_PLANNED
            planned += 1
        else:
            uc_stage[i, j] = UC_NONE
        if interest > best_interest:
            best, best_interest = j, interest
    if planned == 0:
        uc_stage[i, best] = UC_PLANNED


@rare_rule
def set_up(i, step, setup_draws, engaged_month, stage, uc_stage, uc_months, uc_stall,
           uc_experience, enthusiasm, logit_technique, logit_business,
           interest_enthusiasm_effect, interest_experience_effect, held, peer_choice_shares,
           pool, size, skills, demand, finance, security, regulation, realised, strategy,
           outsourcing, manager, training, dedicated, roles_internal, roles_external,
           external_experts, choice_intercept, choice_size_effect, choice_skills_effect,
           choice_business_effect, choice_finance_effect, choice_risk_effect,
           choice_alignment_effect, choice_returns_effect, choice_peer_effect,
           returns_per_gain, cdf_ad_hoc,
           outsource_all_intercept, outsource_all_skills_effect, manager_pair_intercept,
           manager_alignment_effect, manager_technique_share, shadow_ai, loose_view, alignment,
           alignment_taste,
           collaboration, alignment_intercept, alignment_gap_effect,
           alignment_experience_effect, alignment_tripartite_effect, alignment_pair_effect,
           alignment_training_effect, alignment_shadow_effect, alignment_views_effect,
           alignment_taste_scale, balanced_threshold, no_collaboration_threshold,
           business_lead_gap, difficulties, difficulty_initial, discovery,
           engage_enthusiasm):  # fmt: skip
    """Firm i, engaging at ``step``, sets itself up:

    - its portfolio: each use case planned with the firm's interest (Figure 5), at least its
      favourite (``plan_portfolio``);
    - the first time: the peak of inflated expectations (Figure 7, phase 1), the
      difficulties of collaboration (Figure 14) and the obstacles discovered by trying
      (Figure 4: security, regulation and finance rise);
    - the alignment of Technique and Business starts at its target, and gives the
      collaboration mode (Figure 13; ``collaboration``);
    - Direction makes its choices (Figures 9, 11, 12; ``direction.decide``), knowing the
      alignment.

    A firm that gave up and engages again re-plans, and decides anew from what it sees
    (``direction.stop_programme`` undid its choices): no second peak, no second discovery.
    """
    first_time = engaged_month[i] < 0
    engaged_month[i] = step
    plan_portfolio(
        i, setup_draws, uc_stage, uc_months, uc_stall, uc_experience, enthusiasm,
        logit_technique, logit_business, interest_enthusiasm_effect, interest_experience_effect,
    )  # fmt: skip
    if first_time:
        enthusiasm[i] = max(enthusiasm[i], engage_enthusiasm)
        for d in range(difficulties.shape[1]):
            difficulties[i, d] = setup_draws[i, D_DIFFICULTY + d] < difficulty_initial[d]
        demand[i] = max(demand[i] - discovery[0], 0.0)
        skills[i] = max(skills[i] - discovery[1], 0.0)
        security[i] = min(security[i] + discovery[2], 1.0)
        regulation[i] = min(regulation[i] + discovery[3], 1.0)
        finance[i] = min(finance[i] + discovery[4], 1.0)
    alignment[i] = alignment_target(
        i, alignment_taste, stage, skills, demand, enthusiasm, uc_stage, strategy, manager,
        training,
        shadow_ai, loose_view, alignment_intercept, alignment_gap_effect,
        alignment_experience_effect, alignment_tripartite_effect, alignment_pair_effect,
        alignment_training_effect, alignment_shadow_effect, alignment_views_effect,
        alignment_taste_scale,
    )  # fmt: skip
    collaboration[i] = collaboration_mode(
        i, held, alignment, skills, demand, balanced_threshold, no_collaboration_threshold,
        business_lead_gap,
    )  # fmt: skip
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
