"""The compiled passes over the firms: written by ``generate.py`` from ``schedule.py``.

Do not edit: regenerate with ``python -m aiadopt.model.rules.generate``.
"""

from __future__ import annotations

from numba import njit

from . import business as _business
from . import collaboration as _collaboration
from . import direction as _direction
from . import engagement as _engagement
from . import gains as _gains
from . import obstacles as _obstacles
from . import portfolio as _portfolio
from . import scaling as _scaling
from . import setup as _setup
from . import technique as _technique


@njit(cache=True)
def start_kernel(
    stage, uc_stage, uc_months, enthusiasm, shadow_ai, realised, expected, usecase_values,
    ramp_table, pilot_gain_share, gain_cap, shadow_gain, expected_gain, expected_per_enthusiasm,
):
    """``schedule.START`` for every firm."""
    for i in range(stage.shape[0]):
        _gains.update_gains(
            i, stage, uc_stage, uc_months, enthusiasm, shadow_ai, realised, expected,
            usecase_values, ramp_table, pilot_gain_share, gain_cap, shadow_gain, expected_gain,
            expected_per_enthusiasm,
        )


@njit(cache=True)
def month_kernel(
    obstacle_shift, security, regulation, finance, u, pool_prob, log_stay, engage_bound, stage,
    pool, size, sector, demand, skills, setup_draws, engage_size_effect, engage_obstacle_weights,
    market_intercept, market_size_effect, market_sector_effect, market_utility_effect, step,
    engaged_month, uc_stage, uc_months, uc_stall, uc_experience, enthusiasm, logit_technique,
    logit_business, interest_enthusiasm_effect, interest_experience_effect, held,
    peer_choice_shares, realised, strategy, outsourcing, manager, training, dedicated,
    roles_internal, roles_external, external_experts, choice_intercept, choice_size_effect,
    choice_skills_effect, choice_business_effect, choice_finance_effect, choice_risk_effect,
    choice_alignment_effect, choice_returns_effect, choice_peer_effect, returns_per_gain,
    cdf_ad_hoc, outsource_all_intercept, outsource_all_skills_effect, manager_pair_intercept,
    manager_alignment_effect, manager_technique_share, shadow_ai, loose_view, alignment,
    alignment_taste, collaboration, alignment_intercept, alignment_gap_effect,
    alignment_experience_effect, alignment_tripartite_effect, alignment_pair_effect,
    alignment_training_effect, alignment_shadow_effect, alignment_views_effect,
    alignment_taste_scale, balanced_threshold, no_collaboration_threshold, business_lead_gap,
    difficulties, difficulty_initial, discovery, engage_enthusiasm, give_up_hazard,
    give_up_obstacle_effect, give_up_enthusiasm_effect, give_up_rate_max, progress_obstacle_weights,
    strategy_effect, manager_effect, training_effect, dedicated_effect, roles_effect,
    collaboration_effect, complementarity, communication_effect, skills_effect,
    progress_size_effect, u_cases, p_overruns, adopt_usecase_hazard, start_development,
    complete_development, difficulty, stall_months, stall_progress_factor, p_drop,
    decommission_hazard, fallback_disappointment_effect, experience_in_place,
    overrun_experience_hit, experience_floor, scaled, scale_hazard, organisation_effect,
    scale_per_usecase_effect, unscale_hazard, p_revise, training_skill_gain, practice_skill_gain,
    agentic, technique_agentic, p_agentic_technique, business_agentic, p_agentic_business, expected,
    usecase_values, ramp_table, pilot_gain_share, gain_cap, shadow_gain, expected_gain,
    expected_per_enthusiasm, peers_by_pool, media, overrun_enthusiasm_hit, enthusiasm_drift,
    demand_drift, enthusiasm_media_weight, enthusiasm_deployed_base, enthusiasm_per_gain,
    enthusiasm_engaged_target, enthusiasm_outsider_base, enthusiasm_peer_slope, shadow_propensity,
    shadow_hazard, shadow_alignment_effect, p_shadow_stop, shadow_security_hit, alignment_drift,
    p_organisation,
):
    """``schedule.MONTH`` for every firm."""
    for i in range(stage.shape[0]):
        _obstacles.follow_trends(i, obstacle_shift, security, regulation, finance)
        entering = _engagement.engage(
            i, u, pool_prob, log_stay, engage_bound, stage, pool, size, sector, demand, skills,
            security, regulation, finance, setup_draws, engage_size_effect, engage_obstacle_weights,
            market_intercept, market_size_effect, market_sector_effect, market_utility_effect,
        )
        if entering:
            _setup.set_up(
                i, step, setup_draws, engaged_month, stage, uc_stage, uc_months, uc_stall,
                uc_experience, enthusiasm, logit_technique, logit_business,
                interest_enthusiasm_effect, interest_experience_effect, held, peer_choice_shares,
                pool, size, skills, demand, finance, security, regulation, realised, strategy,
                outsourcing, manager, training, dedicated, roles_internal, roles_external,
                external_experts, choice_intercept, choice_size_effect, choice_skills_effect,
                choice_business_effect, choice_finance_effect, choice_risk_effect,
                choice_alignment_effect, choice_returns_effect, choice_peer_effect,
                returns_per_gain, cdf_ad_hoc, outsource_all_intercept, outsource_all_skills_effect,
                manager_pair_intercept, manager_alignment_effect, manager_technique_share,
                shadow_ai, loose_view, alignment, alignment_taste, collaboration,
                alignment_intercept, alignment_gap_effect, alignment_experience_effect,
                alignment_tripartite_effect, alignment_pair_effect, alignment_training_effect,
                alignment_shadow_effect, alignment_views_effect, alignment_taste_scale,
                balanced_threshold, no_collaboration_threshold, business_lead_gap, difficulties,
                difficulty_initial, discovery, engage_enthusiasm,
            )
        gave_up = _engagement.give_up(
            i, u, stage, uc_stage, uc_months, uc_stall, enthusiasm, demand, skills, security,
            regulation, finance, give_up_hazard, give_up_obstacle_effect, give_up_enthusiasm_effect,
            give_up_rate_max, progress_obstacle_weights,
        )
        if gave_up:
            _direction.stop_programme(
                i, held, strategy, outsourcing, manager, training, dedicated, roles_internal,
                roles_external, external_experts, collaboration, alignment,
            )
        progress = _portfolio.progress(
            i, stage, strategy, manager, training, dedicated, roles_internal, roles_external,
            collaboration, difficulties, skills, demand, security, regulation, finance, size,
            strategy_effect, manager_effect, training_effect, dedicated_effect, roles_effect,
            collaboration_effect, complementarity, communication_effect, skills_effect,
            progress_obstacle_weights, progress_size_effect,
        )
        overruns = _portfolio.advance(
            i, u_cases, progress, p_overruns, stage, uc_stage, uc_months, uc_stall, uc_experience,
            difficulties, enthusiasm, logit_technique, logit_business, interest_enthusiasm_effect,
            interest_experience_effect, adopt_usecase_hazard, start_development,
            complete_development, difficulty, stall_months, stall_progress_factor, p_drop,
            decommission_hazard, fallback_disappointment_effect, experience_in_place,
            overrun_experience_hit, experience_floor,
        )
        _scaling.scale_and_derive_stage(
            i, u, progress, stage, scaled, uc_stage, difficulties, enthusiasm, scale_hazard,
            organisation_effect, scale_per_usecase_effect, unscale_hazard,
            fallback_disappointment_effect,
        )
        reviewing = _direction.reviews(i, u, stage, p_revise)
        if reviewing:
            _direction.revise(
                i, setup_draws, held, peer_choice_shares, pool, size, skills, demand, enthusiasm,
                finance, security, regulation, alignment, realised, strategy, outsourcing, manager,
                training, dedicated, roles_internal, roles_external, external_experts,
                choice_intercept, choice_size_effect, choice_skills_effect, choice_business_effect,
                choice_finance_effect, choice_risk_effect, choice_alignment_effect,
                choice_returns_effect, choice_peer_effect, returns_per_gain, cdf_ad_hoc,
                outsource_all_intercept, outsource_all_skills_effect, manager_pair_intercept,
                manager_alignment_effect, manager_technique_share,
            )
        _technique.learn(i, stage, skills, training, training_skill_gain, practice_skill_gain)
        if agentic:
            _technique.hear_of_agentic(i, u, stage, technique_agentic, p_agentic_technique)
        if agentic:
            _business.hear_of_agentic(i, u, stage, business_agentic, p_agentic_business)
        _gains.update_gains(
            i, stage, uc_stage, uc_months, enthusiasm, shadow_ai, realised, expected,
            usecase_values, ramp_table, pilot_gain_share, gain_cap, shadow_gain, expected_gain,
            expected_per_enthusiasm,
        )
        _business.update_enthusiasm(
            i, overruns, peers_by_pool, media, stage, pool, enthusiasm, demand, realised,
            overrun_enthusiasm_hit, enthusiasm_drift, demand_drift, enthusiasm_media_weight,
            enthusiasm_deployed_base, enthusiasm_per_gain, enthusiasm_engaged_target,
            enthusiasm_outsider_base, enthusiasm_peer_slope,
        )
        _business.use_shadow_ai(
            i, u, stage, collaboration, alignment, shadow_ai, shadow_propensity, enthusiasm,
            security, shadow_hazard, shadow_alignment_effect, p_shadow_stop, shadow_security_hit,
        )
        _collaboration.align(
            i, alignment_taste, stage, skills, demand, enthusiasm, uc_stage, strategy, manager,
            training, shadow_ai, loose_view, alignment, collaboration, held, alignment_intercept,
            alignment_gap_effect, alignment_experience_effect, alignment_tripartite_effect,
            alignment_pair_effect, alignment_training_effect, alignment_shadow_effect,
            alignment_views_effect, alignment_taste_scale, alignment_drift, balanced_threshold,
            no_collaboration_threshold, business_lead_gap,
        )
        _collaboration.meet_organisation_questions(i, u, stage, difficulties, p_organisation)
