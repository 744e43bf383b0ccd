"""The agents: each firm's month, rule by rule (``schedule.MONTH``), is the model's
compiled month; each role's rules act on its own firm only."""

from __future__ import annotations

import copy
from dataclasses import fields

import numpy as np
import pytest

from aiadopt.model import AdoptionModel, Params
from aiadopt.model.agents import Business, Direction, Firm, Technique
from aiadopt.model.interventions import Intervention
from aiadopt.model.rules.views import business_sees_deployed, technique_sees_deployed
from aiadopt.model.stages import Choice, Stage, Strategy, label
from aiadopt.model.state import FirmState, MonthDraw, SetUpDraw


def assert_same_state(a: FirmState, b: FirmState, when: str) -> None:
    for f in fields(FirmState):
        x, y = getattr(a, f.name), getattr(b, f.name)
        assert x.dtype == y.dtype and np.array_equal(x, y), f"{f.name} differs at {when}"


def step_firm_by_firm(model: AdoptionModel) -> None:
    """A month as Mesa would run it agent by agent: the same inputs, then ``Firm.step`` for
    every firm in a random order."""
    model.steps += 1  # what Mesa's step wrapper does before the model's step
    model.begin_month()
    model.agents.shuffle_do("step")
    model.end_month()


@pytest.mark.parametrize(
    ("seed", "overrides"),
    [
        (0, {"give_up_hazard": 0.05, "revision_hazard": 0.3, "shadow_hazard": 0.2}),
        (1, {"peer_pool": "population", "agentic_start": "2023-02", "stall_months": 2}),
    ],
)
def test_stepping_the_firms_one_by_one_is_the_compiled_month(seed: int, overrides) -> None:
    """``Firm.step`` applied to each firm in a shuffled order leaves every state array bit
    for bit as the model's one compiled pass, month after month, interventions included:
    within a month a firm's rules read no other firm."""
    params = Params(n_firms=300, horizon="2027-12", bass_p=0.02, scale_hazard=0.05,
                    **overrides)  # fmt: skip
    interventions = [
        Intervention(kind="training", start="2024-01", share=0.5),
        Intervention(kind="regulatory_clarity", start="2025-06", reduction=0.3),
    ]
    with (
        AdoptionModel(params, seed=seed, collect=False, interventions=interventions) as fused,
        AdoptionModel(params, seed=seed, collect=False, interventions=interventions) as by_firm,
    ):
        assert_same_state(fused.state, by_firm.state, "the start")
        while fused.running:
            fused.step()
            step_firm_by_firm(by_firm)
            assert_same_state(fused.state, by_firm.state, f"step {fused.steps}")
        assert by_firm.steps == fused.steps and not by_firm.running
        # every stage was reached, so every rule had firms to act on
        assert set(np.unique(fused.state.stage)) == set(Stage)


def test_month_inputs_exist_only_while_a_month_is_lived() -> None:
    with AdoptionModel(Params(n_firms=20, horizon="2023-03"), seed=1, collect=False) as model:
        assert model.month_inputs is None
        model.steps += 1
        month = model.begin_month()
        assert model.month_inputs is month and month.step == 1
        assert month.u.shape == (20, len(MonthDraw))
        model.end_month()
        assert model.month_inputs is None
        with pytest.raises(RuntimeError, match="begin_month"):
            model.firms[0].step()


@pytest.fixture(scope="module")
def model():
    with AdoptionModel(Params(n_firms=400), seed=4, collect=False) as m:
        m.run("2026-06")
        yield m


def test_role_rules_act_on_their_own_firm_only(model) -> None:
    firm = next(
        f for f in model.firms
        if f.stage >= Stage.EXPERIMENTING and not f.direction.training
        and f.direction.strategy != Strategy.TRIPARTITE and not f.business.shadow_ai
    )  # fmt: skip
    choices = slice(SetUpDraw.CHOICE_TRIPARTITE, SetUpDraw.CHOICE_EXPERTS + 1)
    model.state.setup_draws[firm.index, choices] = 0.0  # it would make every choice
    before = copy.deepcopy(model.state)
    model.steps += 1
    month = model.begin_month()
    month.u[:] = 0.0  # every draw an event
    firm.direction.revise(month)
    firm.business.use_shadow_ai(month)
    changed = {
        f.name for f in fields(FirmState)
        if not np.array_equal(getattr(before, f.name), getattr(model.state, f.name))
    }  # fmt: skip
    assert {"training", "strategy", "shadow_ai"} <= changed
    for name in changed:
        rows = np.flatnonzero(
            (getattr(before, name) != getattr(model.state, name)).reshape(model.state.n, -1)
            .any(axis=1)
        )  # fmt: skip
        assert list(rows) == [firm.index], name
    assert firm.direction.training and firm.direction.strategy == Strategy.TRIPARTITE
    assert firm.business.shadow_ai
    model.end_month()


def test_each_role_is_a_view_with_its_own_rules(model) -> None:
    firm = model.firms[11]
    assert isinstance(firm.direction, Direction) and isinstance(firm.business, Business)
    assert isinstance(firm.technique, Technique)
    for role, rules in ((Direction, {"set_up", "choice_probabilities", "revise"}),
                        (Technique, {"learn", "hear_of_agentic"}),
                        (Business, {"hear_of_agentic", "update_enthusiasm",
                                    "use_shadow_ai"})):  # fmt: skip
        own = {name for name, value in vars(role).items() if callable(value)}
        assert rules <= own, role
        assert not any(isinstance(v, staticmethod) for v in vars(role).values()), role
    firm.business.enthusiasm = 0.25
    assert model.state.enthusiasm[11] == pytest.approx(0.25)
    assert {"firm" in repr(r) for r in (firm.direction, firm.technique, firm.business)} == {True}


def test_direction_reports_the_probability_of_each_choice(model) -> None:
    firm = next(f for f in model.firms if f.stage >= Stage.PLANNED)
    model.steps += 1
    month = model.begin_month()
    probabilities = firm.direction.choice_probabilities(month)
    model.end_month()
    assert list(probabilities) == [label(c) for c in Choice]
    assert all(0.0 < p < 1.0 for p in probabilities.values())


def test_each_firms_views_of_deployed_are_the_populations(model) -> None:
    technique = technique_sees_deployed(model.state)
    business = business_sees_deployed(model.state)
    assert technique.any() and (business & ~technique).any()  # the views differ somewhere
    for firm in model.firms:
        assert firm.technique.sees_deployed == technique[firm.index]
        assert firm.business.sees_deployed == business[firm.index]


def test_a_firm_engages_through_its_own_rule() -> None:
    with AdoptionModel(Params(n_firms=30, bass_p=0.5), seed=2, collect=False) as model:
        model.steps += 1
        month = model.begin_month()
        month.u[:, 0] = 0.0  # every firm's engagement draw succeeds
        firm: Firm = model.firms[3]
        assert firm.engage(month)
        firm.direction.set_up(month)
        assert model.state.engaged_month[3] == 1
        assert (model.state.engaged_month == -1).sum() == 29  # the others did not move
