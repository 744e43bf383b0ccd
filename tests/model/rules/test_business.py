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
    enthusiasm_deployed_base=0.2, enthusiasm_deployed_slope=0.5, enthusiasm_deployed_cap=1.5,
    enthusiasm_engaged_target=0.7, enthusiasm_outsider_base=0.1, enthusiasm_peer_slope=0.6,
    expected_gain=(8.0, 3.0, 3.0),
)  # fmt: skip


def _enthusiasm_after(stage: Stage, *, realised: float = 0.0, overruns: int = 0,
                      peers: float = 0.0) -> tuple[float, float]:  # fmt: skip
    state = firms(1, stage=stage, enthusiasm=0.5, demand=0.5)
    state.realised[0, 0] = realised
    apply(business.update_enthusiasm, state, 0, month(1, peers=peers), params=PARAMS,
          overruns=overruns)  # fmt: skip
    return float(state.enthusiasm[0]), float(state.demand[0])


@pytest.mark.parametrize(
    ("stage", "kwargs", "target"),
    [
        (Stage.DEPLOYED, {"realised": 4.0}, 0.2 + 0.5 * 0.5),  # half the expected 8%
        (Stage.SCALED, {"realised": 40.0}, 0.2 + 0.5 * 1.5),  # capped at 1.5
        (Stage.EXPERIMENTING, {"realised": 4.0}, 0.7),
        (Stage.PLANNED, {}, 0.7),
        (Stage.NOT_ENGAGED, {"peers": 0.5}, 0.1 + 0.6 * 0.5),
    ],
)
def test_enthusiasm_drifts_towards_its_stages_target(stage, kwargs, target) -> None:
    e, demand = _enthusiasm_after(stage, **kwargs)
    assert e == pytest.approx(0.5 + 0.5 * (target - 0.5), abs=1e-6)
    assert demand == pytest.approx(0.5 + 0.25 * (e - 0.5), abs=1e-6)


def test_overruns_lower_enthusiasm_first_and_it_stays_within_0_1() -> None:
    e, _ = _enthusiasm_after(Stage.EXPERIMENTING, overruns=2)
    assert e == pytest.approx(0.3 + 0.5 * (0.7 - 0.3), abs=1e-6)
    e, _ = _enthusiasm_after(Stage.EXPERIMENTING, overruns=30)
    assert e == 0.0


def test_shadow_ai_spreads_where_business_works_alone() -> None:
    p = Params(shadow_hazard=1.0)
    state = firms(4, stage=np.array([Stage.NOT_ENGAGED, Stage.PLANNED, Stage.PLANNED,
                                     Stage.NOT_ENGAGED]),
                  collaboration=np.array([Collaboration.UNSET, Collaboration.NONE,
                                          Collaboration.BALANCED, Collaboration.UNSET]),
                  shadow_propensity=0.5, enthusiasm=np.array([0.8, 0.8, 0.8, 0.1]))  # fmt: skip
    draw = 0.5 * (-np.expm1(-0.5 * 0.1) + -np.expm1(-0.5 * 0.8))  # between the two hazards
    for i in range(4):
        apply(business.adopt_shadow_ai, state, i, month(4, shadow=draw), params=p)
    assert list(state.shadow_ai) == [True, True, False, False]


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
