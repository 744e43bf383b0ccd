"""The model's parameters: one typed, frozen, validated object, loadable from and savable to TOML.

Every parameter is declared on its own line with its default, its allowed range, its unit and
its source: the study figure it comes from (Publicis Sapient 2025, "De l'experimentation au
passage a l'echelle", 231 French decision-makers, fieldwork 3-24 March 2025) or the word
"assumption".  Defaults are plausible and cited, not fitted: fitting is the calibration's job
(``aiadopt.calibration``), which ships its own fitted values.

Rates are monthly hazards unless the unit says otherwise; the rules turn a hazard h into
the monthly probability 1 - e^-h.  Effects on hazards are additive on
the log scale ("log-effect"): an effect of 0.7 multiplies the hazard by e^0.7 = 2.0.

Vector parameters are tuples, in the order of the enumeration named in their unit
(``stages.UseCase``, ``stages.SizeClass`` ...).
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import tomli_w

from ..files import write_atomic
from .clock import month_index
from .stages import UseCase

__all__ = [
    "POSTERIOR_MEDIAN",
    "SHIPPED_FIT",
    "ParameterError",
    "Params",
    "describe_parameters",
    "shipped_params",
]


class ParameterError(ValueError):
    """A parameter set is invalid: unknown key, wrong type or value out of range."""


def _p(
    default: Any,
    low: float | None,
    high: float | None,
    unit: str,
    source: str,
    *,
    length: int | None = None,
    simplex: bool = False,
    choices: tuple[str, ...] | None = None,
) -> Any:
    """Declare a parameter: its default, allowed range, unit and source (figure or assumption)."""
    meta = {
        "low": low,
        "high": high,
        "unit": unit,
        "source": source,
        "length": length,
        "simplex": simplex,
        "choices": choices,
    }
    return field(default=default, metadata=meta)


N_USE_CASES = len(UseCase)


# fmt: off
@dataclass(frozen=True)
class Params:
    """All parameters of :class:`aiadopt.model.AdoptionModel` (see the module docstring)."""

    # --- population and calendar --------------------------------------------------------------
    n_firms: int = _p(10_000, 1, 50_000_000, "firms", "assumption: order of magnitude of French firms of 100+ employees in industry, commerce and services (INSEE counts about 10,000; not checked against a table here)")  # noqa: E501
    start: str = _p("2022-11", None, None, "YYYY-MM", "release of ChatGPT (30 Nov 2022)")
    horizon: str = _p("2030-12", None, None, "YYYY-MM", "assumption: a horizon of about five years after the study")  # noqa: E501
    size_shares: tuple[float, ...] = _p((0.62, 0.20, 0.18), 0.0, 1.0, "share by SizeClass", "assumption: INSEE-like distribution of firms of 100+ employees (100-249 dominate)", length=3, simplex=True)  # noqa: E501
    sector_shares: tuple[float, ...] = _p((0.30, 0.22, 0.48), 0.0, 1.0, "share by Sector", "assumption: INSEE-like split of industry, commerce, services", length=3, simplex=True)  # noqa: E501
    idf_share: float = _p(0.30, 0.0, 1.0, "share", "assumption: share of firms of 100+ employees headquartered in Ile-de-France")  # noqa: E501

    # --- engagement: Bass diffusion with firm multipliers --------------------------------------
    bass_p: float = _p(0.006, 0.0, 0.5, "per month", "assumption, to fit: innovation coefficient; engaged share 48% in March 2025 (Figure 1)")  # noqa: E501
    bass_q: float = _p(0.055, 0.0, 2.0, "per month", "assumption, to fit: imitation coefficient; engaged share 48% in March 2025 (Figure 1)")  # noqa: E501
    peer_pool: str = _p("sector_size", None, None, "choice", "assumption: firms imitate peers of the same sector and size class", choices=("sector_size", "population"))  # noqa: E501
    peer_own_weight: float = _p(0.7, 0.0, 1.0, "weight", "assumption: weight of the own sector-size pool against the whole population in the peer share")  # noqa: E501
    engage_size_effect: tuple[float, ...] = _p((0.25, 0.0, -0.1), -5.0, 5.0, "log-effect by SizeClass", "text p.2: 100-249 firms are more engaged (more than half engaged or planning)", length=3)  # noqa: E501
    engage_obstacle_weights: tuple[float, ...] = _p((1.2, 0.8, 0.5, 0.3, 0.5), 0.0, 10.0, "log-effect per unit severity by Obstacle", "Figure 3: utility, skills and security are the main reasons not to invest; weights are an assumption", length=5)  # noqa: E501

    give_up_hazard: float = _p(0.008, 0.0, 1.0, "per month", "assumption: an engaged firm with nothing in place gives up and returns to not engaged (at an average obstacle load and enthusiasm 0.5)")  # noqa: E501
    give_up_obstacle_effect: float = _p(1.0, 0.0, 10.0, "log-effect per unit obstacle load", "Figure 4: obstacles rise once engaged (security 58%->72%, finance 44%->61%); that they make firms give up, and how much, is an assumption")  # noqa: E501
    give_up_enthusiasm_effect: float = _p(3.0, 0.0, 20.0, "log-effect per unit of (0.5 - enthusiasm)", "assumption: disappointed firms give up more, enthusiastic ones less (Figure 7, valley of despair)")  # noqa: E501
    market_intercept: float = _p(2.0, -10.0, 10.0, "logit", "assumption: about 9 in 10 firms of average perceived utility would ever engage (market potential below 1)")  # noqa: E501
    market_size_effect: tuple[float, ...] = _p((0.0, 0.3, 0.6), -5.0, 5.0, "logit by SizeClass", "INSEE TIC 2023-2024 (../shared/data): AI use rises with size (21%->33% of 250+ vs 10%->15% of 50-249); sizes are an assumption", length=3)  # noqa: E501
    market_sector_effect: tuple[float, ...] = _p((0.0, 0.0, 0.3), -5.0, 5.0, "logit by Sector", "assumption: services perceive more utility in generative AI (no sector figure in the study)", length=3)  # noqa: E501
    market_utility_effect: float = _p(2.0, 0.0, 20.0, "logit per unit Business demand", "Figure 3: lack of perceived utility is the first reason not to invest; size is an assumption")  # noqa: E501

    # --- obstacle severities over time (exogenous) ---------------------------------------------
    finance_trend: float = _p(-0.03, -0.5, 0.5, "severity per year", "assumption: generative AI gets cheaper (falling model prices), easing the financial constraint")  # noqa: E501
    security_trend: float = _p(-0.02, -0.5, 0.5, "severity per year", "assumption: enterprise offers with data guarantees (from 2023) slowly ease the security concern")  # noqa: E501
    regulation_milestone_shift: tuple[float, ...] = _p((0.04, 0.02, -0.02, -0.02, -0.03), -0.5, 0.5, "severity added at each EU AI Act milestone (exogenous.AI_ACT_MILESTONES)", "EU AI Act (Regulation 2024/1689) milestones: agreement 2023-12, in force 2024-08, prohibitions 2025-02, general-purpose AI 2025-08, high-risk 2026-08; the sizes are an assumption (uncertainty rises with the text, falls as obligations become known)", length=5)  # noqa: E501

    # --- initial role attributes (Beta draws with the given mean) ------------------------------
    attribute_concentration: float = _p(4.0, 0.5, 200.0, "Beta a+b", "assumption: spread of firm attributes around their means")  # noqa: E501
    skills_mean: float = _p(0.40, 0.01, 0.99, "0-1", "Figure 3: lack of internal skills is a main obstacle; level is an assumption")  # noqa: E501
    security_mean: float = _p(0.55, 0.01, 0.99, "0-1", "Figure 4: 58% of not-engaged firms cite security/confidentiality")  # noqa: E501
    regulation_mean: float = _p(0.42, 0.01, 0.99, "0-1", "Figure 4: 41% of not-engaged firms cite regulatory uncertainty")  # noqa: E501
    finance_mean: float = _p(0.45, 0.01, 0.99, "0-1", "Figure 4: 44% of not-engaged firms cite financial constraints")  # noqa: E501
    demand_mean: float = _p(0.45, 0.01, 0.99, "0-1", "Figure 3: lack of perceived utility is the first obstacle of not-engaged firms; level is an assumption")  # noqa: E501
    enthusiasm_initial: float = _p(0.45, 0.0, 1.0, "0-1", "assumption: Business enthusiasm before the ChatGPT shock")  # noqa: E501
    shadow_propensity_mean: float = _p(0.30, 0.01, 0.99, "0-1", "Figure 13: 32% of Business respondents report no collaboration (shadow AI); level is an assumption")  # noqa: E501
    cite_threshold: float = _p(0.5, 0.0, 1.0, "0-1", "assumption: a respondent cites an obstacle when its severity exceeds this")  # noqa: E501

    # --- obstacles discovered on engagement (salience rises once engaged) ----------------------
    discovery: tuple[float, ...] = _p((0.0, 0.05, 0.12, 0.08, 0.16), 0.0, 1.0, "severity added on engagement by Obstacle", "Figure 4: security 58%->72%, regulation 41%->49%, finance 44%->61% from not engaged to engaged", length=5)  # noqa: E501

    # --- Direction: logit choices, in Choice order (tripartite strategy, outsourcing, training,
    # --- dedicated staff, roles from inside, roles from outside, external experts) -------------
    choice_intercept: tuple[float, ...] = _p((-3.0, 2.0, 0.5, 0.0, -1.5, -4.0, 0.5), -10.0, 10.0, "logit by Choice at average circumstances", "assumption: rounded starting values on the logit scale (rare, common, about half ...); the calibration fits them to Figures 9 and 12", length=7)  # noqa: E501
    choice_skills_effect: tuple[float, ...] = _p((0.5, -2.0, 0.0, 0.5, 1.5, 1.0, -1.0), -10.0, 10.0, "logit per unit Technique skills by Choice", "Figure 10: lack of internal skills is the first reason to outsource; other signs are an assumption (skilled firms create AI roles)", length=7)  # noqa: E501
    choice_business_effect: tuple[float, ...] = _p((1.0, 0.0, 1.0, 1.0, 0.5, 0.5, 0.5), -10.0, 10.0, "logit per unit Business pull (mean of demand and enthusiasm) by Choice", "assumption: Business demand and enthusiasm push Direction to invest", length=7)  # noqa: E501
    choice_finance_effect: tuple[float, ...] = _p((0.0, -0.5, -0.5, -0.5, -0.5, -1.0, -0.5), -10.0, 10.0, "logit per unit financial constraint by Choice", "Figure 4: financial constraints (61% of engaged firms); sizes are an assumption", length=7)  # noqa: E501
    choice_risk_effect: tuple[float, ...] = _p((0.5, -0.5, 0.3, 0.3, 0.0, 0.0, 0.5), -10.0, 10.0, "logit per unit risk concern (mean of the security and regulation severities) by Choice", "Figure 4: security (72%) and regulation (49%) concerns of engaged firms; that they push Direction to frame AI (a shared strategy, training, staff, experts) and keep development in-house is an assumption", length=7)  # noqa: E501
    choice_alignment_effect: tuple[float, ...] = _p((2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0), -10.0, 10.0, "logit per unit Technique-Business alignment by Choice", "text p.6: the firms with a shared (tripartite) strategy are those whose Technique and Business collaborate; size is an assumption", length=7)  # noqa: E501
    choice_returns_effect: tuple[float, ...] = _p((1.5, -1.0, 1.0, 0.5, 1.0, 2.0, 0.0), -10.0, 10.0, "logit per unit realised productivity / expected_gain[0] by Choice", "assumption: returns seen lead to investment and to a shared strategy, and to bringing development in-house (Figure 12: outsourcing 91% planned -> 83% active)", length=7)  # noqa: E501
    choice_size_effect: tuple[float, ...] = _p((0.0, 0.2, 0.4), -5.0, 5.0, "logit by SizeClass", "text p.2: larger firms have more investment capacity; sizes are an assumption", length=3)  # noqa: E501
    choice_peer_effect: float = _p(1.0, -10.0, 10.0, "logit per unit peer share with the choice", "assumption: Direction imitates what engaged firms of its sector and size chose (the peer pools of engagement)")  # noqa: E501
    revision_hazard: float = _p(0.083, 0.0, 1.0, "per month", "assumption: Direction reviews its AI choices about once a year (a budget cycle)")  # noqa: E501
    ad_hoc_shares: tuple[float, ...] = _p((0.2, 0.4, 0.4), 0.0, 1.0, "share by Strategy NONE, AD_HOC_REQUESTS, AD_HOC_CAPACITY among firms without the tripartite one", "assumption: to fit to Figure 9", length=3, simplex=True)  # noqa: E501
    outsource_all_intercept: float = _p(0.5, -10.0, 10.0, "logit", "assumption: most firms that outsource outsource all development (Figure 12)")  # noqa: E501
    outsource_all_skills_effect: float = _p(-2.0, -10.0, 10.0, "logit per unit Technique skills", "Figure 10: lack of skills is the first reason to outsource; size is an assumption")  # noqa: E501
    manager_pair_intercept: float = _p(0.0, -10.0, 10.0, "logit", "assumption: the Technique-Business pair manages the providers about half the time at average alignment (Figure 11)")  # noqa: E501
    manager_alignment_effect: float = _p(2.0, -10.0, 10.0, "logit per unit alignment", "assumption: aligned Technique and Business manage providers together (Figure 11)")  # noqa: E501
    manager_technique_share: float = _p(0.6, 0.0, 1.0, "probability", "assumption: when one role manages the providers alone, it is Technique this often (Figure 11)")  # noqa: E501

    # --- success factors: log-effects on progress and scaling hazards --------------------------
    strategy_effect: tuple[float, ...] = _p((-0.3, 0.0, 0.0, 0.9), -5.0, 5.0, "log-effect by Strategy", "text p.6: most firms with a tripartite strategy have scaled; sizes are an assumption", length=4)  # noqa: E501
    manager_effect: tuple[float, ...] = _p((0.3, 0.0, -0.1), -5.0, 5.0, "log-effect by ProviderManager", "text p.6: co-managed outsourcing works better than Technique alone; sizes are an assumption", length=3)  # noqa: E501
    training_effect: float = _p(0.30, -5.0, 5.0, "log-effect", "text p.6: leaders invest in training; size is an assumption")  # noqa: E501
    dedicated_effect: float = _p(0.20, -5.0, 5.0, "log-effect", "text p.6: dedicated staff; size is an assumption")  # noqa: E501
    roles_effect: float = _p(0.20, -5.0, 5.0, "log-effect", "text p.6: new AI roles; size is an assumption")  # noqa: E501
    collaboration_effect: tuple[float, ...] = _p((0.4, 0.1, 0.0, -0.4), -5.0, 5.0, "log-effect by Collaboration", "text p.6: balanced collaboration is crucial for scaling; non-collaborating firms have not succeeded; sizes are an assumption", length=4)  # noqa: E501
    complementarity: float = _p(0.05, -0.5, 0.5, "log-effect per pair of success factors held together", "text p.6: the leaders combine the factors (strategy, co-managed providers, training, staff, roles, balanced collaboration); the size is an assumption and its prior allows 0 (the calibration tests the claim)")  # noqa: E501
    skills_effect: float = _p(1.0, 0.0, 10.0, "log-effect per unit skill", "Figure 10: lack of internal skills is the first reason to outsource; size is an assumption")  # noqa: E501
    progress_obstacle_weights: tuple[float, ...] = _p((0.3, 0.3, 0.6, 0.4, 0.6), 0.0, 10.0, "log-effect per unit severity by Obstacle", "Figure 4: security, regulation and finance rise once engaged and explain scaling difficulties; sizes are an assumption", length=5)  # noqa: E501
    progress_size_effect: tuple[float, ...] = _p((-0.2, 0.0, 0.3), -5.0, 5.0, "log-effect by SizeClass", "text p.2: large firms scale more easily", length=3)  # noqa: E501

    # --- use cases: portfolio dynamics ----------------------------------------------------------
    interest_technique: tuple[float, ...] = _p((0.73, 0.52, 0.42, 0.22, 0.61, 0.43), 0.0, 1.0, "share by UseCase", "Figure 5, Technique column (rows 4-6 mapped by assumption)", length=N_USE_CASES)  # noqa: E501
    interest_business: tuple[float, ...] = _p((0.84, 0.65, 0.50, 0.26, 0.55, 0.29), 0.0, 1.0, "share by UseCase", "Figure 5, Business column (rows 4-6 mapped by assumption)", length=N_USE_CASES)  # noqa: E501
    difficulty: tuple[float, ...] = _p((1.0, 1.4, 1.8, 2.0, 3.0, 3.5), 0.1, 20.0, "relative time to build by UseCase", "text p.4: technical use cases only 1-2% in place; values are an assumption", length=N_USE_CASES)  # noqa: E501
    adopt_usecase_hazard: float = _p(0.02, 0.0, 1.0, "per month per unit interest", "assumption: an engaged firm adds a use case it finds interesting to its plan")  # noqa: E501
    start_development: float = _p(0.07, 0.0, 1.0, "per month", "assumption, to fit: a planned use case enters development; 29% deployed or in progress (Figure 1)")  # noqa: E501
    complete_development: float = _p(0.05, 0.0, 1.0, "per month at difficulty 1", "assumption, to fit: a use case in development goes in place; 15% in place (Figure 1)")  # noqa: E501
    overrun_hazard: float = _p(0.03, 0.0, 1.0, "per month in development", "Figure 14: time/cost misestimates are the first collaboration difficulty (49%); level is an assumption")  # noqa: E501
    misestimate_overrun_effect: float = _p(0.7, 0.0, 5.0, "log-effect", "Figure 14: misestimates; size is an assumption")  # noqa: E501
    overrun_experience_hit: float = _p(0.25, 0.0, 2.0, "experience per overrun", "assumption: an overrun lowers the interest in that use case (Figure 8)")  # noqa: E501
    experience_floor: float = _p(-2.0, -10.0, 0.0, "experience (log of realised/promised value)", "assumption: repeated overruns lower a use case's experience no further than this (about e^-2 = 14% of its promise)")  # noqa: E501
    stall_months: int = _p(6, 0, 60, "months", "assumption: a use case that overruns stalls (valley of despair, Figure 7)")  # noqa: E501
    stall_progress_factor: float = _p(0.2, 0.0, 1.0, "hazard multiplier while stalled", "assumption")  # noqa: E501
    drop_stalled: float = _p(0.03, 0.0, 1.0, "per month while stalled", "assumption: a stalled use case is dropped back to the plan")  # noqa: E501
    decommission_hazard: float = _p(0.002, 0.0, 1.0, "per month in place", "assumption: a use case in place is withdrawn")  # noqa: E501
    scale_hazard: float = _p(0.015, 0.0, 1.0, "per month once deployed", "assumption, to fit: scaling; tripartite firms mostly scaled (text p.6)")  # noqa: E501
    scale_per_usecase_effect: float = _p(0.4, 0.0, 5.0, "log-effect per extra use case in place", "assumption: breadth of deployment helps scaling")  # noqa: E501
    unscale_hazard: float = _p(0.002, 0.0, 1.0, "per month", "assumption: a scaled firm falls back to deployed")  # noqa: E501

    # --- collaboration -------------------------------------------------------------------------
    alignment_intercept: float = _p(0.0, -10.0, 10.0, "logit", "assumption: Technique and Business of an average firm are half aligned")  # noqa: E501
    alignment_gap_effect: float = _p(2.0, 0.0, 20.0, "logit per unit |skills - demand|", "assumption: the roles diverge when Technique's capacity and Business's demand differ (Figure 13)")  # noqa: E501
    alignment_experience_effect: float = _p(0.5, 0.0, 10.0, "logit per use case in place (up to 3)", "assumption: working projects bring the roles together (the Figure 13 shift, balanced collaboration 31% at set-up to 46% once deployed, is kept for validation)")  # noqa: E501
    alignment_tripartite_effect: float = _p(0.5, 0.0, 10.0, "logit", "text p.6: a shared strategy goes with balanced collaboration; size is an assumption")  # noqa: E501
    alignment_pair_effect: float = _p(0.3, 0.0, 10.0, "logit", "Figure 11: providers managed by the pair; size is an assumption")  # noqa: E501
    alignment_training_effect: float = _p(0.3, 0.0, 10.0, "logit", "assumption: training gives the roles a common language")  # noqa: E501
    alignment_shadow_effect: float = _p(0.5, 0.0, 10.0, "logit", "Figure 13: Business teams that do not collaborate use tools of their own; size is an assumption")  # noqa: E501
    alignment_views_effect: float = _p(0.5, 0.0, 10.0, "logit", "text p.2: Business and Technique disagree on what is deployed; that diverging views pull them apart is an assumption")  # noqa: E501
    alignment_taste_scale: float = _p(1.0, 0.0, 10.0, "logit scale", "assumption: spread of the firms' own Technique-Business affinity (a logistic taste fixed at birth)")  # noqa: E501
    alignment_drift: float = _p(0.05, 0.0, 1.0, "per month", "assumption: speed at which alignment moves to its target")  # noqa: E501
    balanced_threshold: float = _p(0.6, 0.0, 1.0, "alignment", "assumption: alignment from which collaboration is balanced (Figure 13)")  # noqa: E501
    business_lead_gap: float = _p(0.2, -1.0, 1.0, "demand - skills", "assumption: Business leads the collaboration only when its demand exceeds Technique's skills by this much (Technique builds the use cases; Figure 13)")  # noqa: E501
    no_collaboration_threshold: float = _p(0.3, 0.0, 1.0, "alignment", "assumption: alignment below which the roles do not collaborate (Figure 13)")  # noqa: E501
    difficulty_initial: tuple[float, ...] = _p((0.49, 0.43, 0.28), 0.0, 1.0, "probability by Difficulty at set-up", "Figure 14: misestimates 49%, communication 43%, organisation 28%", length=3)  # noqa: E501
    communication_effect: float = _p(-0.3, -5.0, 5.0, "log-effect", "Figure 14: communication difficulty slows progress; size is an assumption")  # noqa: E501
    organisation_discovery: float = _p(0.01, 0.0, 1.0, "per month once deployed", "Figure 14 text: leaders who have scaled report more need for clarity on organisation and leadership; deployed firms meet organisation questions (level is an assumption)")  # noqa: E501
    organisation_effect: float = _p(-0.3, -5.0, 5.0, "log-effect on scaling", "Figure 14: leaders need clarity on organisation; size is an assumption")  # noqa: E501

    # --- Business: enthusiasm, demand, shadow AI -----------------------------------------------
    engage_enthusiasm: float = _p(0.85, 0.0, 1.0, "0-1", "Figure 7, phase 1: enthusiasm peaks when engagement starts")  # noqa: E501
    enthusiasm_drift: float = _p(0.05, 0.0, 1.0, "per month", "assumption: speed at which enthusiasm moves to its target")  # noqa: E501
    overrun_enthusiasm_hit: float = _p(0.15, 0.0, 1.0, "0-1 per overrun", "Figure 7, phase 2: valley of despair when developments are harder or costlier than expected")  # noqa: E501
    demand_drift: float = _p(0.03, 0.0, 1.0, "per month", "assumption: perceived utility follows enthusiasm")  # noqa: E501
    enthusiasm_deployed_base: float = _p(0.15, 0.0, 1.0, "0-1", "assumption: enthusiasm target of a deployed firm above what its realised gains justify (Figure 15: realised about 70% of expected); its target is this plus media exposure * enthusiasm_media_weight plus realised productivity / (expected_gain[0] / expected_gain_enthusiasm), so that it expects more than it realises")  # noqa: E501
    media_peak_months: float = _p(10.0, 1.0, 120.0, "months after start", "assumption: media exposure to generative AI peaks about 10 months after the release of ChatGPT (2022-11, whatever the run's start), then decays (a hype pulse)")  # noqa: E501
    media_floor: float = _p(0.3, 0.0, 1.0, "0-1", "assumption: media exposure long after the peak, relative to the peak")  # noqa: E501
    enthusiasm_media_weight: float = _p(0.2, 0.0, 1.0, "0-1 per unit media exposure", "Figure 7, phase 1: the peak of inflated expectations follows exposure; size is an assumption")  # noqa: E501
    fallback_disappointment_effect: float = _p(2.0, 0.0, 20.0, "log-effect per unit of (0.5 - enthusiasm)", "Figure 7, phase 3: a result below expectations; that disappointed firms withdraw use cases and fall back from scale more (enthusiastic ones less) is an assumption")  # noqa: E501
    enthusiasm_engaged_target: float = _p(0.5, 0.0, 1.0, "0-1", "assumption: enthusiasm target of an engaged firm with nothing in place (Figure 7, phase 2, after the peak)")  # noqa: E501
    enthusiasm_outsider_base: float = _p(0.3, 0.0, 1.0, "0-1", "assumption: enthusiasm target of a firm not engaged whose peers are not engaged either")  # noqa: E501
    enthusiasm_peer_slope: float = _p(0.4, 0.0, 1.0, "0-1 per unit peer engaged share", "assumption: a firm not engaged catches enthusiasm from its engaged peers (its pool's peer share)")  # noqa: E501
    shadow_hazard: float = _p(0.02, 0.0, 1.0, "per month per unit propensity and enthusiasm", "Figure 13: Business teams that do not collaborate use tools of their own; level is an assumption")  # noqa: E501
    shadow_alignment_effect: float = _p(3.0, 0.0, 20.0, "log-effect per unit alignment (negative)", "Figure 13: no collaboration is reported mostly by Business (32%); size is an assumption")  # noqa: E501
    shadow_stop_hazard: float = _p(0.02, 0.0, 1.0, "per month", "assumption: a balanced firm with a use case in place gives its Business teams sanctioned tools, and shadow AI stops")  # noqa: E501
    shadow_security_hit: float = _p(0.05, 0.0, 1.0, "security concern added", "assumption: Technique's security concern rises when Business uses tools of its own (Figure 4: security is the first obstacle once engaged)")  # noqa: E501
    shadow_gain: float = _p(0.5, 0.0, 20.0, "percent productivity", "assumption: what Business teams gain from tools of their own (Humlum & Vestergaard 2025: 2.8% of hours saved by chatbot users; ../shared/data)")  # noqa: E501
    pilot_loose_view: float = _p(0.5, 0.0, 1.0, "probability", "text p.2: Business may count use of a tool like ChatGPT as adoption; level is an assumption")  # noqa: E501

    # --- Technique: skills and agentic AI ------------------------------------------------------
    training_skill_gain: float = _p(0.015, 0.0, 1.0, "skill per month with training", "assumption")
    practice_skill_gain: float = _p(0.005, 0.0, 1.0, "skill per month in development or beyond", "assumption: learning by doing")  # noqa: E501
    agentic_start: str = _p("2024-06", None, None, "YYYY-MM", "assumption: agentic AI becomes a topic")  # noqa: E501
    agentic_hazard: tuple[float, ...] = _p((0.04, 0.02), 0.0, 1.0, "per month for engaged Technique, Business", "Figure 2: 34% of Technique vs 18% of Business engaged respondents heard of agentic AI; levels to fit", length=2)  # noqa: E501

    # --- expectations and gains ----------------------------------------------------------------
    expected_gain: tuple[float, ...] = _p((7.6, 3.0, 3.3), 0.1, 100.0, "percent by Gain at enthusiasm expected_gain_enthusiasm", "Figures 15-16: expected productivity +7.6%, revenue +3.3%; cost expectation is an assumption", length=3)  # noqa: E501
    expected_gain_enthusiasm: float = _p(0.5, 0.01, 1.0, "0-1", "assumption: the enthusiasm at which a firm expects the study's average gains (Figures 15-16); expected gains are proportional to enthusiasm")  # noqa: E501
    usecase_value_productivity: tuple[float, ...] = _p((3.5, 2.0, 1.5, 1.0, 1.5, 1.5), 0.0, 50.0, "percent when in place by UseCase", "Figure 15: +5.4% productivity realised among firms deployed or in progress; split is an assumption", length=N_USE_CASES)  # noqa: E501
    usecase_value_cost: tuple[float, ...] = _p((2.0, 0.8, 0.8, 0.8, 1.5, 2.0), 0.0, 50.0, "percent when in place by UseCase", "Figure 15: +3.3% cost realised; split is an assumption", length=N_USE_CASES)  # noqa: E501
    usecase_value_revenue: tuple[float, ...] = _p((0.5, 1.2, 0.8, 0.2, 0.0, 0.0), 0.0, 50.0, "percent when in place by UseCase", "Figure 16: +1.2% revenue realised; split is an assumption", length=N_USE_CASES)  # noqa: E501
    usecase_promise: tuple[float, ...] = _p((0.8, 0.9, 1.1, 1.1, 1.8, 1.4), 0.01, 10.0, "expected/realised value ratio by UseCase", "Figure 8: content and personalisation recover (91%, 73%), test automation and infrastructure stay low (26%, 48%); values are an assumption", length=N_USE_CASES)  # noqa: E501
    pilot_gain_share: float = _p(0.25, 0.0, 1.0, "share of in-place value", "assumption: a use case in development already yields part of its value")  # noqa: E501
    gain_cap: tuple[float, ...] = _p((8.0, 5.0, 3.0), 0.1, 100.0, "percent by Gain", "diminishing returns: the gains of a firm's use cases approach this ceiling (cap * value / (cap + value): half of it when their value equals it; shadow_gain comes on top); firm-level evidence puts gains mostly below 5% (../shared/data: Humlum & Vestergaard, Bick et al., McKinsey); values are an assumption", length=3)  # noqa: E501
    gain_lag_months: float = _p(6.0, 0.1, 120.0, "months", "assumption: realised gains ramp up after a use case goes in place")  # noqa: E501
    favourite_sharpness: float = _p(3.0, 0.0, 20.0, "Luce choice exponent", "Figure 5: 41% name content the most interesting; the choice rule P ~ interest^k is an assumption")  # noqa: E501
    interest_enthusiasm_effect: float = _p(1.5, 0.0, 10.0, "logit per unit enthusiasm", "Figure 7: interest follows the hype cycle")  # noqa: E501
    interest_experience_effect: float = _p(2.0, 0.0, 10.0, "logit per unit experience", "Figure 8: interest of mature firms depends on what a use case delivered")  # noqa: E501
    # fmt: on

    def __post_init__(self) -> None:
        validate(self)

    # --- construction -------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, values: Mapping[str, Any], *, source: str = "<dict>") -> Params:
        """Build parameters from a mapping of overrides; unknown keys raise ParameterError."""
        known = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ParameterError(
                f"{source}: unknown parameter(s) {', '.join(unknown)}; "
                f"allowed: {', '.join(known)}"
            )
        coerced = {k: _coerce(known[k], v, source) for k, v in values.items()}
        try:
            return cls(**coerced)
        except ParameterError as exc:
            if source != "<dict>" and not str(exc).startswith(source):
                raise ParameterError(f"{source}: {exc}") from None
            raise

    @classmethod
    def from_toml(cls, path: str | Path) -> Params:
        """Load parameters from a TOML file (flat table, or under ``[params]``)."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ParameterError(f"{path}: no such parameter file") from None
        except tomllib.TOMLDecodeError as exc:
            raise ParameterError(f"{path}: not valid TOML ({exc})") from None
        if "params" in data:
            extra = sorted(k for k in data if k not in ("params", "meta"))
            if extra:
                raise ParameterError(
                    f"{path}: unexpected top-level key(s) {', '.join(extra)} beside [params]; "
                    "allowed: params, meta"
                )
            data = data["params"]
        return cls.from_dict(data, source=str(path))

    def to_dict(self) -> dict[str, Any]:
        """Every parameter as a plain dict (tuples become lists), ready for TOML."""
        return {
            f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v
            for f in dataclasses.fields(self)
        }

    def to_toml(self, path: str | Path, meta: Mapping[str, Any] | None = None) -> None:
        """Write the parameters (under ``[params]``, with an optional ``[meta]``) atomically."""
        path = Path(path)
        doc: dict[str, Any] = {}
        if meta:
            doc["meta"] = dict(meta)
        doc["params"] = self.to_dict()
        write_atomic(path, tomli_w.dumps(doc))

    def hash(self) -> str:
        """The parameter hash stamped on every output: the first 12 hex digits of the SHA-256
        of the canonical TOML (every parameter, keys sorted)."""
        canonical = tomli_w.dumps(dict(sorted(self.to_dict().items())))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]

    def replace(self, **overrides: Any) -> Params:
        """A copy with some parameters changed (validated; unknown names raise)."""
        values = self.to_dict()
        known = set(values)
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ParameterError(
                f"unknown parameter(s) {', '.join(unknown)}; allowed: {', '.join(sorted(known))}"
            )
        values.update(overrides)
        return Params.from_dict(values)


SHIPPED_FIT = "fitted.toml"
"""The calibration's fitted parameters, shipped beside this module (``aiadopt/model/``)."""


def shipped_params() -> tuple[Params, str]:
    """The parameters a model uses when given none, and where they come from.

    The shipped parameters (``aiadopt/model/fitted.toml``, read with importlib.resources so
    that it works from an installed package) when present, else the built-in defaults
    ``Params()``.  ``AdoptionModel()``, ``mesa.batch_run`` and ``aiadopt run`` all start from
    them, so they simulate the same firms.  The source says what the file is, from its
    ``[meta]`` (read here, not from the calibration, which this layer cannot import):

    - ``method = "posterior median"`` (written by calibration v2 with ``draws``, the number
      of posterior draws, and ``source``, the posterior sample's file): "posterior median of
      aiadopt/calibration/posterior.csv (N draws)", the stated point of the shipped
      posterior (issue 13, point 4);
    - ``method = "hand-set"``: hand-set values, not fitted (model v2 until it is refitted);
    - anything else: a shipped fit.
    """
    ref = resources.files(__package__).joinpath(SHIPPED_FIT)
    if not ref.is_file():
        return Params(), "built-in defaults Params()"
    with resources.as_file(ref) as path:
        meta = tomllib.loads(path.read_text(encoding="utf-8")).get("meta", {})
        return Params.from_toml(path), _shipped_source(meta)


POSTERIOR_MEDIAN = "posterior median"
"""The ``[meta] method`` of a shipped point that is the median of a posterior sample."""


def _shipped_source(meta: Mapping[str, Any]) -> str:
    """What the shipped parameter file is, in words, from its ``[meta]`` table."""
    method = meta.get("method")
    if method == POSTERIOR_MEDIAN:
        sample = meta.get("source") or "aiadopt/calibration/posterior.csv"
        draws = meta.get("draws")
        count = f" ({draws:,} draws)" if isinstance(draws, int) and draws > 0 else ""
        return f"posterior median of {sample}{count} (aiadopt/model/{SHIPPED_FIT})"
    if method == "hand-set":
        return f"hand-set values aiadopt/model/{SHIPPED_FIT} (not fitted)"
    return f"shipped fit aiadopt/model/{SHIPPED_FIT}"


def _coerce(f: dataclasses.Field[Any], value: Any, source: str) -> Any:
    """Convert a TOML/Python value to the field's type, or raise naming the key."""
    default = f.default
    try:  # a number is a number, never its text ("0.1") nor a bool: as TOML has it
        if isinstance(default, tuple):
            if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
                raise TypeError
            items = list(value)
            if any(isinstance(x, str | bytes | bool) for x in items):
                raise TypeError
            return tuple(float(x) for x in items)
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise TypeError
            return value
        if isinstance(default, int):
            if isinstance(value, bool | str | bytes) or float(value) != int(value):
                raise TypeError
            return int(value)
        if isinstance(default, float):
            if isinstance(value, bool | str | bytes):
                raise TypeError
            return float(value)
        if isinstance(default, str):
            if not isinstance(value, str):
                raise TypeError
            return value
    except (TypeError, ValueError):
        kind = type(default).__name__
        where = "" if source == "<dict>" else f"{source}: "  # a file names itself
        raise ParameterError(
            f"{where}parameter {f.name!r} must be a {kind} "
            f"(like {default!r}), got {value!r}"
        ) from None
    return value


def _check_month(name: str, value: str) -> None:
    try:
        month_index(value)
    except ValueError:
        raise ParameterError(f"parameter {name!r} must be a month YYYY-MM, got {value!r}") from None


def validate(params: Params) -> None:
    """Check every parameter against its declared range, length, simplex and choices."""
    for f in dataclasses.fields(params):
        value = getattr(params, f.name)
        meta = f.metadata
        low, high = meta["low"], meta["high"]
        if meta["unit"] == "YYYY-MM":
            _check_month(f.name, value)
            continue
        if meta["choices"] is not None:
            if value not in meta["choices"]:
                raise ParameterError(
                    f"parameter {f.name!r} is {value!r}; allowed: {', '.join(meta['choices'])}"
                )
            continue
        items = value if isinstance(value, tuple) else (value,)
        if meta["length"] is not None and len(items) != meta["length"]:
            raise ParameterError(
                f"parameter {f.name!r} needs {meta['length']} values ({meta['unit']}), "
                f"got {len(items)}"
            )
        for x in items:
            if not math.isfinite(x) or (low is not None and x < low) or (
                high is not None and x > high
            ):
                raise ParameterError(
                    f"parameter {f.name!r} = {value!r} is out of range; "
                    f"allowed: [{low}, {high}] ({meta['unit']})"
                )
        if meta["simplex"] and abs(sum(items) - 1.0) > 1e-6:
            raise ParameterError(
                f"parameter {f.name!r} = {value!r} must sum to 1 (it sums to {sum(items):.6g})"
            )
    if params.horizon < params.start:
        raise ParameterError(
            f"parameter 'horizon' ({params.horizon}) is before 'start' ({params.start})"
        )
    if params.no_collaboration_threshold >= params.balanced_threshold:
        raise ParameterError(
            f"parameter 'no_collaboration_threshold' ({params.no_collaboration_threshold}) must "
            f"be below 'balanced_threshold' ({params.balanced_threshold})"
        )
    if params.agentic_start < params.start:
        raise ParameterError(
            f"parameter 'agentic_start' ({params.agentic_start}) is before 'start' ({params.start})"
        )


def describe_parameters() -> list[dict[str, Any]]:
    """One row per parameter: name, default, low, high, unit, source (for docs and the CLI)."""
    return [
        {
            "name": f.name,
            "default": f.default,
            "low": f.metadata["low"],
            "high": f.metadata["high"],
            "unit": f.metadata["unit"],
            "source": f.metadata["source"],
        }
        for f in dataclasses.fields(Params)
    ]
