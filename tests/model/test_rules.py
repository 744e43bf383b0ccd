"""The rules: the one-pass month equals the rules applied one after another; fast draws equal
numpy's."""

from __future__ import annotations

import copy
from dataclasses import fields

import numpy as np
import pytest

from aiadopt.model import AdoptionModel, Params, rules
from aiadopt.model.interventions import Intervention
from aiadopt.model.state import FirmState, MonthDraw
from aiadopt.model.streams import Streams


def month_rule_by_rule(model: AdoptionModel, u: np.ndarray, u_cases: np.ndarray) -> None:
    """The month as the rules read one by one, over all firms each (the role agents' view)."""
    s, p, step = model.state, model.params, model.steps
    peers = rules.pool_peer_shares(s, p)
    entering = rules.engage(s, p, u[:, MonthDraw.ENGAGE], peers)
    rules.set_up_engagement(s, p, entering, step)
    rules.abandon_plans(s, p, u[:, MonthDraw.ABANDON])
    progress = rules.progress_log_effect(s, p)
    overruns = rules.advance_usecases(s, p, u_cases, progress)
    rules.scale_and_derive_stage(s, p, u, progress)
    rules.invest(s, p, u)
    rules.revise_strategy(s, p, u)
    rules.learn(s, p)
    if step >= model._agentic_step:
        rules.hear_of_agentic(s, p, u)
    rules.update_gains(s, p)
    rules.update_enthusiasm(s, p, overruns, peers)
    rules.adopt_shadow_ai(s, p, u)
    rules.rebalance_collaboration(s, p, u)
    rules.meet_organisation_questions(s, p, u)


def assert_same_state(a: FirmState, b: FirmState, when: str) -> None:
    for f in fields(FirmState):
        x, y = getattr(a, f.name), getattr(b, f.name)
        assert x.dtype == y.dtype and np.array_equal(x, y), f"{f.name} differs at {when}"


@pytest.mark.parametrize(
    ("seed", "overrides"),
    [
        (0, {}),
        (1, {"n_firms": 1_501, "abandon_planned": 0.2, "stall_months": 3}),
        (2, {"peer_pool": "population", "agentic_start": "2023-02"}),
    ],
)
def test_one_pass_month_is_the_rules_one_by_one(seed: int, overrides: dict) -> None:
    """``rules.live_month`` (what the model runs) leaves every state array bit for bit as
    the sixteen rules applied one after another over all firms, month after month, with the
    same draws: fusing the rules into one pass changes nothing but the speed."""
    params = Params(**{"n_firms": 2_000, **overrides})
    interventions = [
        Intervention(kind="training", start="2024-01", share=0.5),
        Intervention(kind="regulatory_clarity", start="2025-06", reduction=0.3),
    ]
    with (
        AdoptionModel(params, seed=seed, collect=False, interventions=interventions) as fused,
        AdoptionModel(params, seed=seed, collect=False, interventions=interventions) as by_rule,
    ):
        by_rule.step = lambda: None  # driven by hand below
        for month in range(1, fused.n_months + 1):
            state_before = copy.deepcopy(fused.state)
            fused.step()  # Mesa counts the step before running it: fused.steps == month
            # the same month, rule by rule, from the same state and the same draws
            by_rule.state = state_before
            for intervention in by_rule.interventions:
                intervention.apply(state_before, month)
            shape = (state_before.n, len(MonthDraw))
            u = by_rule.streams.month_uniforms("month", shape).copy()
            u_cases = by_rule.streams.month_uniforms("usecases", state_before.uc_stage.shape)
            by_rule.steps = month
            month_rule_by_rule(by_rule, u, u_cases)
            assert_same_state(fused.state, by_rule.state, f"step {month}")
        # the run went through every stage, so every rule had firms to act on
        assert set(np.unique(fused.state.stage)) == {0, 1, 2, 3, 4}


@pytest.mark.parametrize("n", [0, 1, 3, 9_999, 10_000])
def test_month_uniforms_are_numpys_float32_uniforms(n: int) -> None:
    """``Streams.month_uniforms`` gives exactly ``Generator.random(dtype=float32)``, on even
    and odd counts, and leaves the stream where numpy would (checked by the draws that
    follow, of both precisions)."""
    ours, numpys = Streams(7), Streams(7)
    for _ in range(3):
        for shape in ((n, len(MonthDraw)), (n, 6), (n,)):
            got = ours.month_uniforms("month", shape)
            want = numpys["month"].random(shape, dtype=np.float32)
            assert got.shape == want.shape and got.dtype == want.dtype
            assert np.array_equal(got, want)
        assert np.array_equal(
            ours["month"].random(3, dtype=np.float32), numpys["month"].random(3, dtype=np.float32)
        )
        assert np.array_equal(ours["month"].random(2), numpys["month"].random(2))
