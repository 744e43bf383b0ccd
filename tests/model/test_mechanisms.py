"""Each mechanism of model v2 (issue 12) can move its outcome: small models (2,000 firms or
fewer), fixed seeds, two values of one parameter with common random numbers (the same seed
draws the same firms and the same monthly draws in both runs)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from aiadopt.model import AdoptionModel, Params, Stage
from aiadopt.model.stages import Choice, Collaboration
from aiadopt.model.state import FirmState

BASE = Params(n_firms=2_000, horizon="2027-12")


def final_state(params: Params, seed: int = 1) -> FirmState:
    """The firms at the horizon."""
    with AdoptionModel(params, seed=seed, collect=False, firm_agents=False) as model:
        model.run()
        return model.state


def monthly(params: Params, measure: Callable[[FirmState, FirmState], float],
            seed: int = 1) -> np.ndarray:  # fmt: skip
    """``measure(before, after)`` of every month of a run (before: a copy of last month's
    stage and scaled flags, as a ``FirmState``-like namespace)."""
    out = []
    with AdoptionModel(params, seed=seed, collect=False, firm_agents=False) as model:
        while model.running:
            before = _Snapshot(model.state)
            model.step()
            out.append(measure(before, model.state))
    return np.asarray(out, dtype=float)


class _Snapshot:
    """Last month's stage and scaled flags."""

    def __init__(self, state: FirmState) -> None:
        self.stage = state.stage.copy()
        self.scaled = state.scaled.copy()


def in_place_share(state: FirmState) -> float:
    return float(np.mean(state.stage >= Stage.DEPLOYED))


def test_complementarity_raises_the_share_in_place() -> None:
    alone = in_place_share(final_state(BASE.replace(complementarity=0.0)))
    together = in_place_share(final_state(BASE.replace(complementarity=0.3)))
    assert together > alone + 0.02, (alone, together)


def test_the_market_potential_is_a_ceiling_below_one() -> None:
    """Fast diffusion to 2030: nearly every firm engages when the market takes every firm
    (intercept 10), a minority when a firm of average utility has odds e^-1 of being in it."""
    fast = Params(n_firms=2_000, bass_p=0.05, bass_q=0.5, give_up_hazard=0.0)
    ever = {}
    for intercept in (10.0, 2.0, -1.0):
        state = final_state(fast.replace(market_intercept=intercept))
        ever[intercept] = float(np.mean(state.engaged_month >= 0))
    assert ever[10.0] > 0.97
    assert ever[10.0] > ever[2.0] > ever[-1.0] + 0.3
    assert ever[-1.0] < 0.5  # the ceiling, not the speed, stops diffusion


def gave_up(before: _Snapshot, after: FirmState) -> float:
    """Firms engaged last month and not engaged now: only giving up does that."""
    return float(np.sum((before.stage >= Stage.PLANNED) & (after.stage == Stage.NOT_ENGAGED)))


def test_the_give_up_hazard_makes_engaged_firms_give_up() -> None:
    none = monthly(BASE.replace(give_up_hazard=0.0), gave_up)
    some = monthly(BASE.replace(give_up_hazard=0.03), gave_up)
    assert none.sum() == 0
    assert some.sum() > 100
    # and fewer firms are engaged at the horizon
    engaged = [np.mean(final_state(BASE.replace(give_up_hazard=g)).stage >= Stage.PLANNED)
               for g in (0.0, 0.03)]  # fmt: skip
    assert engaged[1] < engaged[0]


def test_disappointment_raises_fall_backs_from_scaled_and_from_deployed() -> None:
    params = BASE.replace(horizon="2029-12", unscale_hazard=0.01, decommission_hazard=0.005)

    def falls(before: _Snapshot, after: FirmState) -> tuple[float, ...]:
        return (float(np.sum(before.scaled & ~after.scaled)), float(np.sum(before.scaled)),
                float(np.sum((before.stage >= Stage.DEPLOYED) & (after.stage < Stage.DEPLOYED))),
                float(np.sum(before.stage >= Stage.DEPLOYED)))  # fmt: skip

    def rates(effect: float) -> tuple[float, float]:
        totals = monthly(params.replace(fallback_disappointment_effect=effect), falls).sum(axis=0)
        return totals[0] / totals[1], totals[2] / totals[3]

    flat, steep = rates(0.0), rates(8.0)
    assert steep[0] > 1.2 * flat[0], (flat, steep)  # from scaled
    assert steep[1] > 1.2 * flat[1], (flat, steep)  # from deployed


def test_returns_seen_change_the_training_share_of_active_firms() -> None:
    def training_share(effect: float) -> float:
        slopes = list(BASE.choice_returns_effect)
        slopes[Choice.TRAINING] = effect
        state = final_state(BASE.replace(choice_returns_effect=tuple(slopes)))
        active = state.stage >= Stage.EXPERIMENTING
        return float(state.training[active].mean())

    assert training_share(3.0) > training_share(0.0) + 0.04
    assert training_share(-3.0) < training_share(0.0) - 0.04


def test_experience_aligns_the_roles_of_deployed_firms() -> None:
    def balanced_share(effect: float) -> float:
        state = final_state(BASE.replace(alignment_experience_effect=effect))
        deployed = state.stage >= Stage.DEPLOYED
        return float(np.mean(state.collaboration[deployed] == Collaboration.BALANCED))

    assert balanced_share(2.0) > balanced_share(0.0) + 0.15


QUIET = Params(n_firms=300, horizon="2026-12", bass_p=0.0, bass_q=0.0, enthusiasm_drift=0.3,
               enthusiasm_peer_slope=0.0, media_peak_months=10.0, media_floor=0.3)  # fmt: skip
"""Nobody engages, and enthusiasm follows its target quickly: only the media move it."""


def mean_enthusiasm(params: Params) -> np.ndarray:
    return monthly(params, lambda _before, after: float(after.enthusiasm.mean()))


def test_media_exposure_makes_enthusiasm_peak_then_fall() -> None:
    silent = mean_enthusiasm(QUIET.replace(enthusiasm_media_weight=0.0))
    loud = mean_enthusiasm(QUIET.replace(enthusiasm_media_weight=0.5))
    steps = np.diff(silent)
    assert np.all(steps <= 1e-7) or np.all(steps >= -1e-7)  # without the media: it settles
    top = int(np.argmax(loud))
    assert 8 <= top <= 20  # a peak shortly after the media's (10 months after ChatGPT)
    assert loud[top] > loud[0] + 0.2
    assert loud[-1] < loud[top] - 0.15  # then a fall towards the media floor
    assert loud[-1] > silent[-1]  # the floor keeps it above the silent world
    later = mean_enthusiasm(QUIET.replace(enthusiasm_media_weight=0.5, media_peak_months=20.0))
    assert int(np.argmax(later)) > top


@pytest.mark.parametrize("trend", [-0.05, 0.04])
def test_the_finance_trend_moves_every_firms_financial_constraint(trend: float) -> None:
    """Nobody engages (no discovery) and no shadow AI (no security hit): each firm's
    constraint moves by the trend per year, within [0, 1]; security stays where it was."""
    params = QUIET.replace(finance_trend=trend, security_trend=0.0, shadow_hazard=0.0,
                           regulation_milestone_shift=(0.0,) * 5)  # fmt: skip
    with AdoptionModel(params, seed=2, collect=False, firm_agents=False) as model:
        start = model.state.finance.astype(np.float64)
        security = model.state.security.copy()
        model.run()
        years = model.steps / 12
        want = np.clip(start + trend * years, 0.0, 1.0)
        assert model.state.finance == pytest.approx(want, abs=1e-4)
        assert np.array_equal(model.state.security, security)


def test_a_falling_financial_constraint_lowers_finance_severity_and_helps_engagement() -> None:
    flat = final_state(BASE.replace(finance_trend=0.0))
    falling = final_state(BASE.replace(finance_trend=-0.1))
    assert falling.finance.mean() < flat.finance.mean() - 0.2
    assert np.mean(falling.stage >= Stage.PLANNED) > np.mean(flat.stage >= Stage.PLANNED)
