"""What the compiled rules need from the ``Params``, derived once per parameter set.

The rules read the parameters they use as plain floats, and tables derived from them:
monthly probabilities of constant hazards, logits, cumulative shares, effects by category
(with an entry for the "unset" category where one exists).  ``derived(params)`` computes them
once for a ``Params`` object (cached by identity: a model calls the rules with the same object
every month, and ``Params`` is frozen).
"""

from __future__ import annotations

import functools
from dataclasses import fields
from typing import NamedTuple

import numpy as np
from numba import njit

from ..params import Params
from ..stages import Gain
from ..state import FirmState


def hazard_to_probability(rate: np.ndarray | float) -> np.ndarray:
    """Monthly probability of an event with constant hazard ``rate`` per month."""
    return -np.expm1(-np.asarray(rate))


def _p(rate: float) -> float:
    """Monthly probability of a constant monthly hazard ``rate`` (scalar)."""
    return float(-np.expm1(-rate))


def logit(p: np.ndarray) -> np.ndarray:
    """log(p / (1 - p)), with p kept within [1e-6, 1 - 1e-6]."""
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


@njit(cache=True)
def overrun_probabilities(overrun_hazard, misestimate_overrun_effect):
    """Monthly probability of an overrun, without and with a misestimates difficulty
    (Figure 14), computed once per parameter set rather than once per firm (compiled, as
    the month computed them before they became constants)."""
    return np.array(
        [
            -np.expm1(-(overrun_hazard * 1.0)),
            -np.expm1(-(overrun_hazard * np.exp(misestimate_overrun_effect))),
        ]
    )


class Constants(NamedTuple):
    """What the compiled rules need from the ``Params``: the parameters they use, as plain
    floats, and the tables derived from them.  A rule's argument of the same name receives
    each (``compiled.call_by_name``)."""

    # engagement, market potential and giving up (Figures 3-4; text p.2)
    engage_size_effect: np.ndarray
    engage_obstacle_weights: np.ndarray
    market_intercept: float
    market_size_effect: np.ndarray
    market_sector_effect: np.ndarray
    market_utility_effect: float
    give_up_hazard: float
    give_up_obstacle_effect: float
    give_up_enthusiasm_effect: float
    give_up_rate_max: float
    # interest (Figure 5)
    logit_technique: np.ndarray
    logit_business: np.ndarray
    interest_enthusiasm_effect: float
    interest_experience_effect: float
    # set-up (Figures 4, 7, 14)
    difficulty_initial: np.ndarray
    discovery: np.ndarray
    engage_enthusiasm: float
    # Direction's choices (Figures 9-12)
    choice_intercept: np.ndarray
    choice_size_effect: np.ndarray
    choice_skills_effect: np.ndarray
    choice_business_effect: np.ndarray
    choice_finance_effect: np.ndarray
    choice_risk_effect: np.ndarray
    choice_alignment_effect: np.ndarray
    choice_returns_effect: np.ndarray
    choice_peer_effect: float
    returns_per_gain: float
    p_revise: float
    cdf_ad_hoc: np.ndarray
    outsource_all_intercept: float
    outsource_all_skills_effect: float
    manager_pair_intercept: float
    manager_alignment_effect: float
    manager_technique_share: float
    # progress (text p.6; Figure 4)
    strategy_effect: np.ndarray
    manager_effect: np.ndarray
    collaboration_effect: np.ndarray
    training_effect: float
    dedicated_effect: float
    roles_effect: float
    complementarity: float
    communication_effect: float
    skills_effect: float
    progress_obstacle_weights: np.ndarray
    progress_size_effect: np.ndarray
    # portfolio (Figures 5-8, 14)
    adopt_usecase_hazard: float
    start_development: float
    complete_development: float
    difficulty: np.ndarray
    p_overruns: np.ndarray
    stall_months: int
    stall_progress_factor: float
    p_drop: float
    decommission_hazard: float
    fallback_disappointment_effect: float
    experience_in_place: np.ndarray
    overrun_experience_hit: float
    experience_floor: float
    # scaling (Figure 7; text p.2, p.6; Figure 14)
    scale_hazard: float
    organisation_effect: float
    scale_per_usecase_effect: float
    unscale_hazard: float
    # Technique (assumptions; Figure 2)
    training_skill_gain: float
    practice_skill_gain: float
    p_agentic_technique: float
    p_agentic_business: float
    # Business (Figures 7, 13)
    overrun_enthusiasm_hit: float
    enthusiasm_drift: float
    demand_drift: float
    enthusiasm_media_weight: float
    enthusiasm_deployed_base: float
    enthusiasm_per_gain: float
    enthusiasm_engaged_target: float
    enthusiasm_outsider_base: float
    enthusiasm_peer_slope: float
    shadow_hazard: float
    shadow_alignment_effect: float
    p_shadow_stop: float
    shadow_security_hit: float
    # collaboration (Figures 11, 13-14)
    alignment_intercept: float
    alignment_gap_effect: float
    alignment_experience_effect: float
    alignment_tripartite_effect: float
    alignment_pair_effect: float
    alignment_training_effect: float
    alignment_shadow_effect: float
    alignment_views_effect: float
    alignment_taste_scale: float
    alignment_drift: float
    balanced_threshold: float
    no_collaboration_threshold: float
    business_lead_gap: float
    p_organisation: float
    # gains (Figures 15-16)
    usecase_values: np.ndarray
    ramp_table: np.ndarray
    pilot_gain_share: float
    gain_cap: np.ndarray
    shadow_gain: float
    expected_gain: np.ndarray
    expected_per_enthusiasm: float


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


def give_up_rate_max(p: Params) -> float:
    """An upper bound of any firm's give-up hazard: every severity at the worst end (each
    centred severity at most 0.5 in absolute value) and enthusiasm 0 (``engagement.give_up``
    skips the exponential for a draw above it)."""
    load = 0.5 * float(np.sum(np.abs(p.progress_obstacle_weights)))
    x = p.give_up_obstacle_effect * load + 0.5 * p.give_up_enthusiasm_effect
    return float(p.give_up_hazard * np.exp(x)) * (1.0 + 1e-9)


def constants(p: Params) -> Constants:
    """The ``Constants`` of a parameter set (use ``derived``, which caches them)."""
    expected_productivity = float(max(p.expected_gain[Gain.PRODUCTIVITY], 1e-6))
    return Constants(
        engage_size_effect=_log_effect_array(p.engage_size_effect),
        engage_obstacle_weights=_log_effect_array(p.engage_obstacle_weights),
        market_intercept=float(p.market_intercept),
        market_size_effect=_f64(p.market_size_effect),
        market_sector_effect=_f64(p.market_sector_effect),
        market_utility_effect=float(p.market_utility_effect),
        give_up_hazard=float(p.give_up_hazard),
        give_up_obstacle_effect=float(p.give_up_obstacle_effect),
        give_up_enthusiasm_effect=float(p.give_up_enthusiasm_effect),
        logit_technique=logit(_f64(p.interest_technique)),
        logit_business=logit(_f64(p.interest_business)),
        interest_enthusiasm_effect=float(p.interest_enthusiasm_effect),
        interest_experience_effect=float(p.interest_experience_effect),
        difficulty_initial=_f64(p.difficulty_initial),
        discovery=_f64(p.discovery),
        engage_enthusiasm=float(p.engage_enthusiasm),
        choice_intercept=_f64(p.choice_intercept),
        choice_size_effect=_f64(p.choice_size_effect),
        choice_skills_effect=_f64(p.choice_skills_effect),
        choice_business_effect=_f64(p.choice_business_effect),
        choice_finance_effect=_f64(p.choice_finance_effect),
        choice_risk_effect=_f64(p.choice_risk_effect),
        choice_alignment_effect=_f64(p.choice_alignment_effect),
        choice_returns_effect=_f64(p.choice_returns_effect),
        choice_peer_effect=float(p.choice_peer_effect),
        returns_per_gain=1.0 / expected_productivity,
        p_revise=_p(p.revision_hazard),
        cdf_ad_hoc=_cdf(p.ad_hoc_shares),
        outsource_all_intercept=float(p.outsource_all_intercept),
        outsource_all_skills_effect=float(p.outsource_all_skills_effect),
        manager_pair_intercept=float(p.manager_pair_intercept),
        manager_alignment_effect=float(p.manager_alignment_effect),
        manager_technique_share=float(p.manager_technique_share),
        strategy_effect=_log_effect_array(p.strategy_effect),
        manager_effect=_log_effect_array(p.manager_effect, unset=0.0),
        collaboration_effect=_log_effect_array(p.collaboration_effect, unset=0.0),
        training_effect=float(p.training_effect),
        dedicated_effect=float(p.dedicated_effect),
        roles_effect=float(p.roles_effect),
        complementarity=float(p.complementarity),
        communication_effect=float(p.communication_effect),
        skills_effect=float(p.skills_effect),
        progress_obstacle_weights=_log_effect_array(p.progress_obstacle_weights),
        give_up_rate_max=give_up_rate_max(p),
        progress_size_effect=_log_effect_array(p.progress_size_effect),
        adopt_usecase_hazard=float(p.adopt_usecase_hazard),
        start_development=float(p.start_development),
        complete_development=float(p.complete_development),
        difficulty=_f64(p.difficulty),
        p_overruns=overrun_probabilities(
            float(p.overrun_hazard), float(p.misestimate_overrun_effect)
        ),
        stall_months=int(p.stall_months),
        stall_progress_factor=float(p.stall_progress_factor),
        p_drop=_p(p.drop_stalled),
        decommission_hazard=float(p.decommission_hazard),
        fallback_disappointment_effect=float(p.fallback_disappointment_effect),
        experience_in_place=np.log(1.0 / _f64(p.usecase_promise)),
        overrun_experience_hit=float(p.overrun_experience_hit),
        experience_floor=float(p.experience_floor),
        scale_hazard=float(p.scale_hazard),
        organisation_effect=float(p.organisation_effect),
        scale_per_usecase_effect=float(p.scale_per_usecase_effect),
        unscale_hazard=float(p.unscale_hazard),
        training_skill_gain=float(p.training_skill_gain),
        practice_skill_gain=float(p.practice_skill_gain),
        p_agentic_technique=_p(p.agentic_hazard[0]),
        p_agentic_business=_p(p.agentic_hazard[1]),
        overrun_enthusiasm_hit=float(p.overrun_enthusiasm_hit),
        enthusiasm_drift=float(p.enthusiasm_drift),
        demand_drift=float(p.demand_drift),
        enthusiasm_media_weight=float(p.enthusiasm_media_weight),
        enthusiasm_deployed_base=float(p.enthusiasm_deployed_base),
        enthusiasm_per_gain=float(p.expected_gain_enthusiasm) / expected_productivity,
        enthusiasm_engaged_target=float(p.enthusiasm_engaged_target),
        enthusiasm_outsider_base=float(p.enthusiasm_outsider_base),
        enthusiasm_peer_slope=float(p.enthusiasm_peer_slope),
        shadow_hazard=float(p.shadow_hazard),
        shadow_alignment_effect=float(p.shadow_alignment_effect),
        p_shadow_stop=_p(p.shadow_stop_hazard),
        shadow_security_hit=float(p.shadow_security_hit),
        alignment_intercept=float(p.alignment_intercept),
        alignment_gap_effect=float(p.alignment_gap_effect),
        alignment_experience_effect=float(p.alignment_experience_effect),
        alignment_tripartite_effect=float(p.alignment_tripartite_effect),
        alignment_pair_effect=float(p.alignment_pair_effect),
        alignment_training_effect=float(p.alignment_training_effect),
        alignment_shadow_effect=float(p.alignment_shadow_effect),
        alignment_views_effect=float(p.alignment_views_effect),
        alignment_taste_scale=float(p.alignment_taste_scale),
        alignment_drift=float(p.alignment_drift),
        balanced_threshold=float(p.balanced_threshold),
        no_collaboration_threshold=float(p.no_collaboration_threshold),
        business_lead_gap=float(p.business_lead_gap),
        p_organisation=_p(p.organisation_discovery),
        usecase_values=np.array(
            [p.usecase_value_productivity, p.usecase_value_cost, p.usecase_value_revenue],
            dtype=np.float64,
        ),
        ramp_table=_ramp_table(p.gain_lag_months),
        pilot_gain_share=float(p.pilot_gain_share),
        gain_cap=_f64(p.gain_cap),
        shadow_gain=float(p.shadow_gain),
        expected_gain=_f64(p.expected_gain),
        expected_per_enthusiasm=1.0 / float(p.expected_gain_enthusiasm),
    )


class Derived:
    """What the rules need from one ``Params``, computed once rather than every month: the
    compiled rules' ``Constants`` (``k``) and the two roles' interest logits side by side."""

    def __init__(self, params: Params) -> None:
        self.k = constants(params)
        self.logit_both = logit(np.asarray([params.interest_technique, params.interest_business]))


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


if {f.name for f in fields(FirmState)} & set(Constants._fields):  # pragma: no cover
    raise RuntimeError("a Constants field has the name of a FirmState array")
