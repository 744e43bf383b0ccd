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
from . import portfolio as _portfolio
from . import scaling as _scaling
from . import setup as _setup
from . import technique as _technique


@njit(cache=True)
def start_kernel(
    stage, uc_stage, uc_months, enthusiasm, realised, expected, usecase_values, ramp_table,
    pilot_gain_share, expected_gain, expected_per_enthusiasm,
):
    """``schedule.START`` for every firm."""
    for i in range(stage.shape[0]):
        _gains.update_gains(
            i, stage, uc_stage, uc_months, enthusiasm, realised, expected, usecase_values,
            ramp_table, pilot_gain_share, expected_gain, expected_per_enthusiasm,
        )


@njit(cache=True)
def month_kernel(
    u, pool_prob, log_stay, stage, pool, size, demand, skills, security, regulation, finance,
    engage_size_effect, engage_obstacle_weights, step, setup_draws, engaged_month, uc_stage,
    uc_months, uc_experience, enthusiasm, logit_technique, logit_business,
    interest_enthusiasm_effect, interest_experience_effect, strategy, cdf_strategy, outsourcing,
    p_outsource, p_outsource_all, manager, cdf_manager, training, p_training_initial, dedicated,
    p_dedicated_initial, roles_internal, p_roles_internal_initial, roles_external,
    p_roles_external_initial, external_experts, p_experts_initial, collaboration, cdf_collaboration,
    difficulties, difficulty_initial, shadow_ai, shadow_propensity, discovery, engage_enthusiasm,
    p_abandon, strategy_effect, manager_effect, training_effect, dedicated_effect, roles_effect,
    collaboration_effect, communication_effect, skills_effect, progress_obstacle_weights,
    progress_size_effect, u_cases, p_overruns, uc_stall, adopt_usecase_hazard, start_development,
    complete_development, difficulty, stall_months, stall_progress_factor, p_drop, p_withdraw,
    experience_in_place, overrun_experience_hit, experience_floor, scaled, scale_hazard,
    organisation_effect, scale_per_usecase_effect, p_unscale, p_training, p_roles_internal,
    p_roles_external, insource_hazard, p_tripartite, p_tripartite_balanced, training_skill_gain,
    practice_skill_gain, agentic, technique_agentic, p_agentic_technique, business_agentic,
    p_agentic_business, realised, expected, usecase_values, ramp_table, pilot_gain_share,
    expected_gain, expected_per_enthusiasm, peers_by_pool, overrun_enthusiasm_hit, enthusiasm_drift,
    demand_drift, expected_productivity, enthusiasm_deployed_base, enthusiasm_deployed_slope,
    enthusiasm_deployed_cap, enthusiasm_engaged_target, enthusiasm_outsider_base,
    enthusiasm_peer_slope, shadow_hazard, p_rebalance, p_organisation,
):
    """``schedule.MONTH`` for every firm."""
    for i in range(stage.shape[0]):
        entering = _engagement.engage(
            i, u, pool_prob, log_stay, stage, pool, size, demand, skills, security, regulation,
            finance, engage_size_effect, engage_obstacle_weights,
        )
        if entering:
            _setup.set_up(
                i, step, setup_draws, engaged_month, uc_stage, uc_months, uc_experience, enthusiasm,
                logit_technique, logit_business, interest_enthusiasm_effect,
                interest_experience_effect, strategy, cdf_strategy, outsourcing, p_outsource,
                p_outsource_all, manager, cdf_manager, training, p_training_initial, dedicated,
                p_dedicated_initial, roles_internal, p_roles_internal_initial, roles_external,
                p_roles_external_initial, external_experts, p_experts_initial, collaboration,
                cdf_collaboration, difficulties, difficulty_initial, shadow_ai, shadow_propensity,
                skills, demand, security, regulation, finance, discovery, engage_enthusiasm,
            )
        _engagement.abandon(i, u, stage, uc_stage, uc_months, p_abandon)
        progress = _portfolio.progress(
            i, stage, strategy, manager, training, dedicated, roles_internal, roles_external,
            collaboration, difficulties, skills, demand, security, regulation, finance, size,
            strategy_effect, manager_effect, training_effect, dedicated_effect, roles_effect,
            collaboration_effect, communication_effect, skills_effect, progress_obstacle_weights,
            progress_size_effect,
        )
        overruns = _portfolio.advance(
            i, u_cases, progress, p_overruns, stage, uc_stage, uc_months, uc_stall, uc_experience,
            difficulties, enthusiasm, logit_technique, logit_business, interest_enthusiasm_effect,
            interest_experience_effect, adopt_usecase_hazard, start_development,
            complete_development, difficulty, stall_months, stall_progress_factor, p_drop,
            p_withdraw, experience_in_place, overrun_experience_hit, experience_floor,
        )
        _scaling.scale_and_derive_stage(
            i, u, progress, stage, scaled, uc_stage, difficulties, scale_hazard,
            organisation_effect, scale_per_usecase_effect, p_unscale,
        )
        _direction.invest(
            i, u, stage, skills, training, roles_internal, roles_external, outsourcing, manager,
            p_training, p_roles_internal, p_roles_external, insource_hazard,
        )
        _direction.revise_strategy(
            i, u, stage, strategy, collaboration, p_tripartite, p_tripartite_balanced,
        )
        _technique.learn(i, stage, skills, training, training_skill_gain, practice_skill_gain)
        if agentic:
            _technique.hear_of_agentic(i, u, stage, technique_agentic, p_agentic_technique)
        if agentic:
            _business.hear_of_agentic(i, u, stage, business_agentic, p_agentic_business)
        _gains.update_gains(
            i, stage, uc_stage, uc_months, enthusiasm, realised, expected, usecase_values,
            ramp_table, pilot_gain_share, expected_gain, expected_per_enthusiasm,
        )
        _business.update_enthusiasm(
            i, overruns, peers_by_pool, stage, pool, enthusiasm, demand, realised,
            overrun_enthusiasm_hit, enthusiasm_drift, demand_drift, expected_productivity,
            enthusiasm_deployed_base, enthusiasm_deployed_slope, enthusiasm_deployed_cap,
            enthusiasm_engaged_target, enthusiasm_outsider_base, enthusiasm_peer_slope,
        )
        _business.adopt_shadow_ai(
            i, u, stage, collaboration, shadow_ai, shadow_propensity, enthusiasm, shadow_hazard,
        )
        _collaboration.rebalance(i, u, stage, collaboration, p_rebalance)
        _collaboration.meet_organisation_questions(i, u, stage, difficulties, p_organisation)
