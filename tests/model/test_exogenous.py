"""What comes from outside the model (ODD 7.0): the media pulse, the obstacles' trends and the
EU AI Act's milestones."""

from __future__ import annotations

import numpy as np
import pytest

from aiadopt.model.clock import months_between
from aiadopt.model.exogenous import (
    AI_ACT_MILESTONES,
    SHIFTED_OBSTACLES,
    media_exposure,
    obstacle_level,
    obstacle_shift,
)
from aiadopt.model.params import Params

SHIFTS = (0.05, 0.03, -0.01, -0.02, -0.04)


@pytest.mark.parametrize(("peak", "floor"), [(10.0, 0.3), (4.0, 0.0), (25.0, 0.8)])
def test_media_exposure_rises_to_its_peak_then_decays_to_its_floor(peak, floor) -> None:
    p = Params(media_peak_months=peak, media_floor=floor)
    series = np.array([media_exposure(p, step) for step in range(400)])
    top = int(np.argmax(series))
    assert series[0] == 0.0  # nothing before the release
    assert abs(top - peak) <= 1 and series.max() == pytest.approx(1.0, abs=0.01)
    assert media_exposure(p, int(peak)) == pytest.approx(1.0)  # the pulse is 1 at its peak
    assert np.all(np.diff(series[: int(np.floor(peak)) + 1]) > 0)  # rising to the peak
    assert np.all(np.diff(series[int(np.ceil(peak)) :]) <= 0)  # decaying after it
    assert np.all(series[int(np.ceil(peak)) :] >= floor - 1e-12)  # never below the floor
    assert series[-1] == pytest.approx(floor, abs=1e-3)  # and back to it in the long run
    assert media_exposure(p, -3) == 0.0


def test_a_later_peak_and_a_higher_floor_move_the_pulse() -> None:
    early, late = Params(media_peak_months=6.0), Params(media_peak_months=18.0)
    assert media_exposure(early, 6) > media_exposure(late, 6)
    assert media_exposure(early, 18) < media_exposure(late, 18)
    low, high = Params(media_floor=0.1), Params(media_floor=0.6)
    assert media_exposure(low, 60) < media_exposure(high, 60)


def _with_milestones_off(**values: float) -> Params:
    return Params(regulation_milestone_shift=(0.0,) * 5, **values)


@pytest.mark.parametrize(("finance", "security"), [(-0.03, -0.02), (0.1, 0.0), (0.0, -0.5)])
def test_the_trends_add_up_to_their_yearly_value(finance: float, security: float) -> None:
    p = _with_milestones_off(finance_trend=finance, security_trend=security)
    for start in (0, 7, 30):
        year = sum(obstacle_shift(p, step) for step in range(start, start + 12))
        assert year[SHIFTED_OBSTACLES.index("finance")] == pytest.approx(finance, abs=1e-12)
        assert year[SHIFTED_OBSTACLES.index("security")] == pytest.approx(security, abs=1e-12)
        assert year[SHIFTED_OBSTACLES.index("regulation")] == 0.0
    # the shifts of the months lived (steps 1 to n: Mesa's counter is advanced before a
    # month is lived) telescope to the level reached
    total = sum(obstacle_shift(p, step) for step in range(1, 51))
    assert total == pytest.approx(obstacle_level(p, 50) - obstacle_level(p, 0), abs=1e-12)


def test_regulation_steps_at_each_ai_act_milestone_and_only_then() -> None:
    p = Params(regulation_milestone_shift=SHIFTS, finance_trend=0.0, security_trend=0.0)
    # the month lived at step s is start + s: a milestone's step lands in its own month
    steps = {
        months_between(p.start, m): shift
        for m, shift in zip(AI_ACT_MILESTONES, SHIFTS, strict=True)
    }
    regulation = SHIFTED_OBSTACLES.index("regulation")
    end = months_between(p.start, p.horizon)
    for step in range(1, end + 1):
        want = steps.get(step, 0.0)
        assert obstacle_shift(p, step)[regulation] == pytest.approx(want, abs=1e-15), step
    assert obstacle_level(p, 0)[regulation] == 0.0  # the start is before the first milestone
    assert obstacle_level(p, end)[regulation] == pytest.approx(sum(SHIFTS))


def test_the_milestones_are_the_ai_acts_dates_in_order() -> None:
    assert AI_ACT_MILESTONES == ("2023-12", "2024-08", "2025-02", "2025-08", "2026-08")
    assert list(AI_ACT_MILESTONES) == sorted(AI_ACT_MILESTONES)
    assert len(Params().regulation_milestone_shift) == len(AI_ACT_MILESTONES)
