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

    # engagement (Figures 3-4; text p.2)
    engage_size_effect: np.ndarray
    engage_obstacle_weights: np.ndarray
    p_abandon: float
    # interest (Figure 5)
    logit_technique: np.ndarray
    logit_business: np.ndarray
    interest_enthusiasm_effect: float
    interest_experience_effect: float
    # set-up (Figures 4, 7, 9, 11-14)
    cdf_strategy: np.ndarray
    p_outsource: float
    p_outsource_all: float
    cdf_manager: np.ndarray
    p_training_initial: float
    p_dedicated_initial: float
    p_roles_internal_initial: float
    p_roles_external_initial: float
    p_experts_initial: float
    cdf_collaboration: np.ndarray
    difficulty_initial: np.ndarray
    discovery: np.ndarray
    engage_enthusiasm: float
    # Direction's monthly decisions (Figures 9, 12)
    p_training: float
    p_roles_internal: float
    p_roles_external: float
    insource_hazard: float
    p_tripartite: float
    p_tripartite_balanced: float
    # progress (text p.6; Figure 4)
    strategy_effect: np.ndarray
    manager_effect: np.ndarray
    collaboration_effect: np.ndarray
    training_effect: float
    dedicated_effect: float
    roles_effect: float
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
    p_withdraw: float
    experience_in_place: np.ndarray
    overrun_experience_hit: float
    experience_floor: float
    # scaling (Figure 7; text p.2, p.6; Figure 14)
    scale_hazard: float
    organisation_effect: float
    scale_per_usecase_effect: float
    p_unscale: float
    # Technique (assumptions; Figure 2)
    training_skill_gain: float
    practice_skill_gain: float
    p_agentic_technique: float
    p_agentic_business: float
    # Business (Figures 7, 13)
    overrun_enthusiasm_hit: float
    enthusiasm_drift: float
    demand_drift: float
    expected_productivity: float
    enthusiasm_deployed_base: float
    enthusiasm_deployed_slope: float
    enthusiasm_deployed_cap: float
    enthusiasm_engaged_target: float
    enthusiasm_outsider_base: float
    enthusiasm_peer_slope: float
    shadow_hazard: float
    # collaboration (Figures 13-14)
    p_rebalance: np.ndarray
    p_organisation: float
    # gains (Figures 15-16)
    usecase_values: np.ndarray
    ramp_table: np.ndarray
    pilot_gain_share: float
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


def constants(p: Params) -> Constants:
    """The ``Constants`` of a parameter set (use ``derived``, which caches them)."""
    return Constants(
        engage_size_effect=_log_effect_array(p.engage_size_effect),
        engage_obstacle_weights=_log_effect_array(p.engage_obstacle_weights),
        p_abandon=float(hazard_to_probability(p.abandon_planned)),
        logit_technique=logit(_f64(p.interest_technique)),
        logit_business=logit(_f64(p.interest_business)),
        interest_enthusiasm_effect=float(p.interest_enthusiasm_effect),
        interest_experience_effect=float(p.interest_experience_effect),
        cdf_strategy=_cdf(p.strategy_initial),
        p_outsource=float(p.outsource_initial),
        p_outsource_all=float(p.outsource_all_initial),
        cdf_manager=_cdf(p.manager_shares),
        p_training_initial=float(p.training_initial),
        p_dedicated_initial=float(p.dedicated_initial),
        p_roles_internal_initial=float(p.roles_internal_initial),
        p_roles_external_initial=float(p.roles_external_initial),
        p_experts_initial=float(p.experts_initial),
        cdf_collaboration=_cdf(p.collaboration_initial),
        difficulty_initial=_f64(p.difficulty_initial),
        discovery=_f64(p.discovery),
        engage_enthusiasm=float(p.engage_enthusiasm),
        p_training=_p(p.training_hazard),
        p_roles_internal=_p(p.roles_internal_hazard),
        p_roles_external=_p(p.roles_external_hazard),
        insource_hazard=float(p.insource_hazard),
        p_tripartite=float(hazard_to_probability(p.tripartite_hazard)),
        p_tripartite_balanced=float(
            hazard_to_probability(p.tripartite_balanced_factor * p.tripartite_hazard)
        ),
        strategy_effect=_log_effect_array(p.strategy_effect),
        manager_effect=_log_effect_array(p.manager_effect, unset=0.0),
        collaboration_effect=_log_effect_array(p.collaboration_effect, unset=0.0),
        training_effect=float(p.training_effect),
        dedicated_effect=float(p.dedicated_effect),
        roles_effect=float(p.roles_effect),
        communication_effect=float(p.communication_effect),
        skills_effect=float(p.skills_effect),
        progress_obstacle_weights=_log_effect_array(p.progress_obstacle_weights),
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
        p_withdraw=_p(p.decommission_hazard),
        experience_in_place=np.log(1.0 / _f64(p.usecase_promise)),
        overrun_experience_hit=float(p.overrun_experience_hit),
        experience_floor=float(p.experience_floor),
        scale_hazard=float(p.scale_hazard),
        organisation_effect=float(p.organisation_effect),
        scale_per_usecase_effect=float(p.scale_per_usecase_effect),
        p_unscale=_p(p.unscale_hazard),
        training_skill_gain=float(p.training_skill_gain),
        practice_skill_gain=float(p.practice_skill_gain),
        p_agentic_technique=_p(p.agentic_hazard[0]),
        p_agentic_business=_p(p.agentic_hazard[1]),
        overrun_enthusiasm_hit=float(p.overrun_enthusiasm_hit),
        enthusiasm_drift=float(p.enthusiasm_drift),
        demand_drift=float(p.demand_drift),
        expected_productivity=float(max(p.expected_gain[Gain.PRODUCTIVITY], 1e-6)),
        enthusiasm_deployed_base=float(p.enthusiasm_deployed_base),
        enthusiasm_deployed_slope=float(p.enthusiasm_deployed_slope),
        enthusiasm_deployed_cap=float(p.enthusiasm_deployed_cap),
        enthusiasm_engaged_target=float(p.enthusiasm_engaged_target),
        enthusiasm_outsider_base=float(p.enthusiasm_outsider_base),
        enthusiasm_peer_slope=float(p.enthusiasm_peer_slope),
        shadow_hazard=float(p.shadow_hazard),
        p_rebalance=hazard_to_probability(_f64(p.rebalance_hazard)),
        p_organisation=_p(p.organisation_discovery),
        usecase_values=np.array(
            [p.usecase_value_productivity, p.usecase_value_cost, p.usecase_value_revenue],
            dtype=np.float64,
        ),
        ramp_table=_ramp_table(p.gain_lag_months),
        pilot_gain_share=float(p.pilot_gain_share),
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
