"""Business's rules (ODD 7.11, 7.13, 7.14): agentic AI, the hype cycle's targets, and shadow AI."""

from __future__ import annotations

import numpy as np
import pytest

from aiadopt.model.params import Params
from aiadopt.model.rules import business
from aiadopt.model.stages import Collaboration, Stage

from .firms import apply, firms, month

PARAMS = Params(
    enthusiasm_drift=0.5, demand_drift=0.25, overrun_enthusiasm_hit=0.1,
    enthusiasm_deployed_base=0.2, enthusiasm_engaged_target=0.7, enthusiasm_outsider_base=0.1,
    enthusiasm_peer_slope=0.6, enthusiasm_media_weight=0.2, expected_gain=(8.0, 3.0, 3.0),
    expected_gain_enthusiasm=0.5,
)  # fmt: skip
PER_GAIN = 0.5 / 8.0
"""A deployed firm's target per point of realised productivity: expected_gain_enthusiasm /
expected_gain[0]."""


def _enthusiasm_after(stage: Stage, *, realised: float = 0.0, overruns: int = 0,
                      peers: float = 0.0, media: float = 0.0,
                      params: Params = PARAMS) -> tuple[float, float]:  # fmt: skip
    state = firms(1, stage=stage, enthusiasm=0.5, demand=0.5)
    state.realised[0, 0] = realised
    apply(business.update_enthusiasm, state, 0, month(1, peers=peers, media=media),
          params=params, overruns=overruns)  # fmt: skip
    return float(state.enthusiasm[0]), float(state.demand[0])


@pytest.mark.parametrize(
    ("stage", "kwargs", "target"),
    [
        (Stage.DEPLOYED, {"realised": 4.0}, 0.2 + 4.0 * PER_GAIN),
        (Stage.SCALED, {"realised": 6.0}, 0.2 + 6.0 * PER_GAIN),
        (Stage.DEPLOYED, {"realised": 4.0, "media": 0.5}, 0.2 * 0.5 + 0.2 + 4.0 * PER_GAIN),
        (Stage.EXPERIMENTING, {"realised": 4.0}, 0.7 + 4.0 * PER_GAIN),  # pilots' gains
        (Stage.EXPERIMENTING, {}, 0.7),
        (Stage.PLANNED, {}, 0.7),
        (Stage.PLANNED, {"media": 1.0}, 0.2 + 0.7),
        (Stage.NOT_ENGAGED, {"peers": 0.5}, 0.1 + 0.6 * 0.5),
        (Stage.NOT_ENGAGED, {"peers": 0.5, "media": 0.25}, 0.2 * 0.25 + 0.1 + 0.6 * 0.5),
    ],
)
def test_enthusiasm_drifts_towards_its_stages_target(stage, kwargs, target) -> None:
    e, demand = _enthusiasm_after(stage, **kwargs)
    assert e == pytest.approx(0.5 + 0.5 * (target - 0.5), abs=1e-6)
    assert demand == pytest.approx(0.5 + 0.25 * (e - 0.5), abs=1e-6)


@pytest.mark.parametrize("stage", [Stage.NOT_ENGAGED, Stage.PLANNED, Stage.DEPLOYED])
def test_media_exposure_raises_the_target_of_every_firm(stage: Stage) -> None:
    quiet, _ = _enthusiasm_after(stage, realised=2.0, media=0.0)
    loud, _ = _enthusiasm_after(stage, realised=2.0, media=1.0)
    assert loud == pytest.approx(quiet + 0.5 * 0.2, abs=1e-6)
    deaf = PARAMS.replace(enthusiasm_media_weight=0.0)
    assert _enthusiasm_after(stage, realised=2.0, media=1.0, params=deaf)[0] == pytest.approx(
        _enthusiasm_after(stage, realised=2.0, media=0.0, params=deaf)[0]
    )


def test_a_deployed_firm_expects_more_than_it_realises_at_its_target() -> None:
    """At the deployed target, expected productivity (proportional to enthusiasm) exceeds the
    realised one by what ``enthusiasm_deployed_base`` is worth (Figure 15)."""
    realised = 5.0
    target = 0.2 + realised * PER_GAIN
    expected = target / PARAMS.expected_gain_enthusiasm * PARAMS.expected_gain[0]
    assert expected == pytest.approx(realised + 0.2 / PER_GAIN)
    assert expected > realised


def test_overruns_lower_enthusiasm_first_and_it_stays_within_0_1() -> None:
    e, _ = _enthusiasm_after(Stage.EXPERIMENTING, overruns=2)
    assert e == pytest.approx(0.3 + 0.5 * (0.7 - 0.3), abs=1e-6)
    e, _ = _enthusiasm_after(Stage.EXPERIMENTING, overruns=30)
    assert e == 0.0
    e, _ = _enthusiasm_after(Stage.DEPLOYED, realised=40.0, media=1.0)
    assert e <= 1.0


# --- shadow AI ----------------------------------------------------------------------------------

SHADOW = Params(shadow_hazard=0.4, shadow_alignment_effect=3.0, shadow_stop_hazard=0.3,
                shadow_security_hit=0.1)  # fmt: skip


def _p_start(propensity: float, enthusiasm: float, alignment: float) -> float:
    return float(-np.expm1(-0.4 * propensity * enthusiasm * np.exp(-3.0 * alignment)))


def _shadow(state, i: int, draw: float) -> None:
    apply(business.use_shadow_ai, state, i, month(state.n, shadow=draw), params=SHADOW)


def test_business_starts_shadow_ai_less_the_better_aligned_with_technique() -> None:
    aligned, apart = _p_start(0.5, 0.8, 0.9), _p_start(0.5, 0.8, 0.1)
    assert aligned < apart
    draw = 0.5 * (aligned + apart)
    state = firms(2, stage=Stage.PLANNED, shadow_propensity=0.5, enthusiasm=0.8,
                  alignment=np.array([0.9, 0.1]), security=0.5)  # fmt: skip
    for i in range(2):
        _shadow(state, i, draw)
    assert list(state.shadow_ai) == [False, True]
    # starting has a cost: Technique's security concern rises
    assert state.security == pytest.approx([0.5, 0.6])


def test_shadow_ai_rises_with_propensity_and_counts_no_alignment_before_engaging() -> None:
    # not engaged: no alignment yet (a stale value must not count)
    draw = _p_start(0.5, 0.8, 0.0) * 0.99
    state = firms(1, stage=Stage.NOT_ENGAGED, shadow_propensity=0.5, enthusiasm=0.8,
                  alignment=0.9)  # fmt: skip
    _shadow(state, 0, draw)
    assert state.shadow_ai[0]
    low = _p_start(0.2, 0.8, 0.5)
    high = _p_start(0.8, 0.8, 0.5)
    assert low < high and _p_start(0.5, 0.2, 0.5) < _p_start(0.5, 0.9, 0.5)
    state = firms(2, stage=Stage.PLANNED, enthusiasm=0.8, alignment=0.5,
                  shadow_propensity=np.array([0.2, 0.8]))  # fmt: skip
    for i in range(2):
        _shadow(state, i, 0.5 * (low + high))
    assert list(state.shadow_ai) == [False, True]


def test_security_is_clipped_at_one() -> None:
    state = firms(1, stage=Stage.PLANNED, enthusiasm=1.0, shadow_propensity=1.0, security=0.95)
    _shadow(state, 0, 0.0)
    assert state.shadow_ai[0] and state.security[0] == 1.0


def test_shadow_ai_stops_only_once_deployed_with_balanced_collaboration() -> None:
    p_stop = -np.expm1(-0.3)
    cases = [
        (Stage.DEPLOYED, Collaboration.BALANCED, True),
        (Stage.SCALED, Collaboration.BALANCED, True),
        (Stage.EXPERIMENTING, Collaboration.BALANCED, False),
        (Stage.DEPLOYED, Collaboration.TECHNIQUE_LED, False),
        (Stage.DEPLOYED, Collaboration.NONE, False),
    ]
    state = firms(len(cases), shadow_ai=True, security=0.5,
                  stage=np.array([c[0] for c in cases]),
                  collaboration=np.array([c[1] for c in cases]))  # fmt: skip
    for i in range(len(cases)):
        _shadow(state, i, p_stop * 0.99)
    assert list(~state.shadow_ai) == [c[2] for c in cases]
    assert np.all(state.security == np.float32(0.5))  # stopping costs nothing
    state = firms(1, shadow_ai=True, stage=Stage.DEPLOYED, collaboration=Collaboration.BALANCED)
    _shadow(state, 0, p_stop * 1.01)
    assert state.shadow_ai[0]  # not this month


def test_an_engaged_business_hears_of_agentic_ai_with_its_own_draw() -> None:
    p = Params(agentic_hazard=(0.1, 0.05))
    state = firms(3, stage=np.array([Stage.PLANNED, Stage.DEPLOYED, Stage.NOT_ENGAGED]))
    draws = month(3, agentic_technique=0.0, agentic_business=0.08)
    for i in range(3):
        apply(business.hear_of_agentic, state, i, draws, params=p)
    assert list(state.business_agentic) == [False, False, False]  # 0.08 > 1 - e^-0.05
    draws = month(3, agentic_technique=0.0, agentic_business=0.04)
    for i in range(3):
        apply(business.hear_of_agentic, state, i, draws, params=p)
    assert list(state.business_agentic) == [True, True, False]
    assert not state.technique_agentic.any()  # Technique's rule is technique.hear_of_agentic
