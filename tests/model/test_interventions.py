"""Interventions (``aiadopt/model/interventions.py``): who is eligible, which share is treated,
from when to when, what each kind changes, and the common random numbers that make a scenario
differ from the baseline only where its interventions act.

The firms are hand-set on a small model's state arrays; ``bind`` attaches interventions to them
as the model does (a run starting in November 2022: step 0 is 2022-11).
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest

from aiadopt.model import AdoptionModel, Params
from aiadopt.model.codes import WITHHELD_BALANCED, WITHHELD_PAIR
from aiadopt.model.interventions import (
    FACTOR_KINDS,
    KINDS,
    REMOVE_ONLY,
    Eligibility,
    Intervention,
    InterventionError,
    bind,
)
from aiadopt.model.stages import (
    Choice,
    Collaboration,
    Outsourcing,
    ProviderManager,
    SizeClass,
    Stage,
    Strategy,
)
from aiadopt.model.state import SetUpDraw
from aiadopt.model.streams import Streams

START = "2022-11"
NE, PL, EX, DE, SC = (int(s) for s in Stage)
S100, S250, S500 = (int(s) for s in SizeClass)


def firms(n: int, seed: int = 5):
    """The state arrays of ``n`` firms at birth (nobody engaged), from a small model."""
    with AdoptionModel(Params(), seed=seed, n_firms=n) as model:
        return model.state


def eight_firms():
    """Eight firms: sizes, sectors (0 industry, 1 commerce, 2 services) and stages by hand."""
    state = firms(8)
    state.size[:] = [S100, S250, S500, S100, S250, S500, S100, S500]
    state.sector[:] = [0, 0, 0, 1, 1, 2, 2, 2]
    state.stage[:] = [NE, PL, EX, DE, SC, NE, PL, DE]
    return state


def treat(state, *interventions: Intervention, step: int, seed: int = 1) -> list[int]:
    """Bind ``interventions`` to ``state`` and apply them at ``step``; how many each treated."""
    bound = bind(interventions, state, Streams(seed), START)
    return [b.apply(state, step) for b in bound]


def where(mask: np.ndarray) -> list[int]:
    return np.flatnonzero(mask).tolist()


# --- eligibility --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("eligible", "expected"),
    [
        (Eligibility(), [0, 1, 2, 3, 4, 5, 6, 7]),
        (Eligibility(sizes=("500_plus",)), [2, 5, 7]),
        (Eligibility(sizes=("100_249", "250_499")), [0, 1, 3, 4, 6]),
        (Eligibility(sectors=("services",)), [5, 6, 7]),
        (Eligibility(stages=("deployed", "scaled")), [3, 4, 7]),
        (Eligibility(sizes=("500_plus",), sectors=("services",), stages=("deployed",)), [7]),
        (Eligibility(sizes=("250_499",), sectors=("services",)), []),
    ],
)
def test_eligibility_masks_combine_sizes_sectors_and_stages(eligible, expected) -> None:
    assert where(eligible.mask(eight_firms())) == expected


@pytest.mark.parametrize(
    ("key", "value", "allowed"),
    [
        ("sizes", "huge", "100_249, 250_499, 500_plus"),
        ("sectors", "farming", "industry, commerce, services"),
        ("stages", "engaged", "not_engaged, planned, experimenting, deployed, scaled"),
    ],
)
def test_an_unknown_eligibility_value_names_key_value_and_allowed(key, value, allowed) -> None:
    with pytest.raises(InterventionError) as err:
        Eligibility(**{key: (value,)})
    assert str(err.value) == f"eligible.{key}: unknown value(s) {value}; allowed: {allowed}"


# --- definition and validation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields_", "message"),
    [
        ({"kind": "teleport"}, "unknown intervention type 'teleport'; allowed: tripartite_str"),
        ({"start": "June"}, "start must be a month YYYY-MM, got 'June'"),
        ({"end": "2025-13"}, "end must be a month YYYY-MM, got '2025-13'"),
        ({"start": None}, "start must be a month YYYY-MM, got None"),
        ({"end": "2025-05"}, "end (2025-05) is before start (2025-06)"),
        ({"share": 1.01}, "share must be in [0, 1], got 1.01"),
        ({"share": -0.1}, "share must be in [0, 1], got -0.1"),
        ({"share": float("nan")}, "share must be in [0, 1], got nan"),
        ({"reduction": 1.5}, "reduction must be in [0, 1], got 1.5"),
        ({"kind": "cost_support"}, "cost_support needs a reduction in (0, 1]"),
    ],
)
def test_an_ill_defined_intervention_says_what_is_wrong(fields_, message) -> None:
    spec = {"kind": "training", "start": "2025-06", **fields_}
    with pytest.raises(InterventionError) as err:
        Intervention(**spec)
    assert str(err.value).startswith(message)
    assert isinstance(err.value, ValueError)


def test_the_edges_of_the_ranges_are_allowed() -> None:
    Intervention(kind="training", start="2025-06", end="2025-06", share=0.0)
    Intervention(kind="training", start="2025-06", share=1.0)
    Intervention(kind="regulatory_clarity", start="2025-06", reduction=1.0)


def test_the_label_is_the_name_or_else_the_kind() -> None:
    assert Intervention(kind="training", start="2025-06").label == "training"
    assert Intervention(kind="training", start="2025-06", name="upskill").label == "upskill"


def test_from_dict_reads_a_toml_table() -> None:
    raw = {"type": "cost_support", "start": "2025-06", "end": "2026-12", "share": 0.5,
           "reduction": 0.3, "eligible": {"sizes": ["500_plus"], "stages": ["planned"]},
           "name": "cost"}  # fmt: skip
    assert Intervention.from_dict(raw) == Intervention(
        kind="cost_support", start="2025-06", end="2026-12", share=0.5, reduction=0.3,
        eligible=Eligibility(sizes=("500_plus",), stages=("planned",)), name="cost",
    )  # fmt: skip
    assert Intervention.from_dict({"type": "training", "start": "2025-06"}) == Intervention(
        kind="training", start="2025-06"
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"type": "training", "start": "2025-06", "shares": 0.5},
         "unknown key(s) shares; allowed: eligible, end, name, reduction, remove, share, start, "
         "type"),
        ({"type": "cost_support", "start": "2025-06", "reduction": 0.2, "remove": True},
         "remove: cost_support is no success factor; only tripartite_strategy"),
        ({"type": "balanced_collaboration", "start": "2025-06"},
         "balanced_collaboration can only be removed (remove = true)"),
        ({"type": "training", "start": "2025-06", "remove": "yes"},
         "remove must be true or false, got 'yes'"),
        ({"type": "training"}, "an intervention needs 'type' and 'start'"),
        ({"start": "2025-06"}, "an intervention needs 'type' and 'start'"),
        ({"type": "training", "start": "2025-06", "eligible": ["500_plus"]},
         "eligible must be a table with sizes, sectors, stages"),
        ({"type": "training", "start": "2025-06", "eligible": {"size": ["500_plus"]}},
         "unknown key(s) eligible.size; allowed: sizes, sectors, stages"),
        ({"type": "training", "start": "2025-06", "share": "half"}, "bad value in intervention"),
        ({"type": "training", "start": "2025-06", "share": 2}, "share must be in [0, 1], got 2"),
    ],
)  # fmt: skip
def test_from_dict_errors_name_the_key(raw, message) -> None:
    with pytest.raises(InterventionError) as err:
        Intervention.from_dict(raw)
    assert str(err.value).startswith(message)


# --- the window ---------------------------------------------------------------------------------


def test_an_intervention_acts_from_its_start_to_its_end_inclusive() -> None:
    """2023-01 to 2023-03 is steps 2 to 4 of a run from 2022-11; firms that become eligible
    after the end are not treated."""
    iv = Intervention(kind="training", start="2023-01", end="2023-03")
    state = eight_firms()
    (bound,) = bind([iv], state, Streams(1), START)
    assert [bound.active(step) for step in range(7)] == [False, False, True, True, True, False,
                                                         False]  # fmt: skip
    assert bound.apply(state, 1) == 0 and not state.training.any()
    state.stage[:] = PL
    assert bound.apply(state, 5) == 0 and not state.training.any()
    assert bound.apply(state, 4) == 8


def test_without_an_end_it_acts_to_the_horizon() -> None:
    (bound,) = bind([Intervention(kind="training", start="2023-01")], eight_firms(), Streams(1),
                    START)  # fmt: skip
    assert not bound.active(1) and bound.active(2) and bound.active(500)


# --- who is treated -----------------------------------------------------------------------------


def test_investments_treat_engaged_firms_once_and_late_entrants_later() -> None:
    """Direction invests once the firm has engaged: not-engaged firms (0 and 5) wait, and are
    treated the month they are found engaged; a treated firm is not counted twice."""
    state = eight_firms()
    (bound,) = bind([Intervention(kind="training", start=START)], state, Streams(1), START)
    assert bound.apply(state, 0) == 6
    assert where(state.training) == [1, 2, 3, 4, 6, 7]
    assert bound.apply(state, 1) == 0
    state.stage[5] = PL
    assert bound.apply(state, 2) == 1
    assert where(state.training) == [1, 2, 3, 4, 5, 6, 7]


def test_reductions_treat_every_eligible_firm_engaged_or_not() -> None:
    state = eight_firms()
    before = state.regulation.copy()
    iv = Intervention(kind="regulatory_clarity", start=START, reduction=0.25,
                      eligible=Eligibility(sectors=("industry",)))  # fmt: skip
    assert treat(state, iv, step=0) == [3]
    factor = np.float32(0.75)
    assert np.array_equal(state.regulation[:3], before[:3] * factor)
    assert np.array_equal(state.regulation[3:], before[3:])


def test_the_share_treats_the_firms_whose_own_draw_is_below_it() -> None:
    """About ``share`` of the eligible firms; a larger share treats a superset of the firms
    (one draw per firm, fixed at birth) and a share of 0 treats nobody."""
    treated = {}
    for share in (0.0, 0.3, 0.6, 1.0):
        state = firms(4_000)
        state.stage[:] = PL
        (count,) = treat(state, Intervention(kind="training", start=START, share=share), step=0)
        treated[share] = state.training.copy()
        assert count == treated[share].sum()
        assert abs(count / 4_000 - share) < 0.03  # binomial sd at most 0.008
    assert not treated[0.0].any() and treated[1.0].all()
    assert not (treated[0.3] & ~treated[0.6]).any()


# --- effects ------------------------------------------------------------------------------------


def changed_firms(before: np.ndarray, after: np.ndarray) -> list[int]:
    """Firms (rows) whose entries differ."""
    return where((before != after).reshape(before.shape[0], -1).any(axis=1))


def test_every_kind_has_an_effect() -> None:
    """Each kind changes some state array of the firms it treats (and of no other firm)."""
    for kind in KINDS:
        state = eight_firms()
        state.outsourcing[:] = Outsourcing.NONE
        before = {f.name: getattr(state, f.name).copy() for f in fields(state)}
        iv = Intervention(kind=kind, start=START, reduction=0.5, remove=kind in REMOVE_ONLY,
                          eligible=Eligibility(sizes=("500_plus",)))  # fmt: skip
        treat(state, iv, step=0)
        changed = {name: rows for name, was in before.items()
                   if (rows := changed_firms(was, getattr(state, name)))}  # fmt: skip
        assert changed, f"{kind} changed nothing"
        assert all(set(rows) <= {2, 5, 7} for rows in changed.values()), (kind, changed)


def test_tripartite_strategy_training_and_dedicated_staff_set_what_they_say() -> None:
    state = eight_firms()
    state.strategy[:] = Strategy.AD_HOC_REQUESTS
    eligible = Eligibility(stages=("deployed",))
    kinds = ("tripartite_strategy", "training", "dedicated_staff")
    treat(state, *(Intervention(kind=k, start=START, eligible=eligible) for k in kinds), step=0)
    deployed = [3, 7]
    assert where(state.strategy == Strategy.TRIPARTITE) == deployed
    assert (state.strategy[[0, 1, 2, 4, 5, 6]] == Strategy.AD_HOC_REQUESTS).all()
    assert where(state.training) == deployed
    assert where(state.dedicated) == deployed
    assert where(state.roles_internal) == deployed


def test_co_managed_outsourcing_starts_partial_outsourcing_and_hands_it_to_the_pair() -> None:
    """Firms that did not outsource start to (partially); those that outsource all keep it."""
    state = eight_firms()
    state.stage[:] = PL
    state.outsourcing[:] = [Outsourcing.NONE, Outsourcing.PARTIAL, Outsourcing.ALL] * 2 + [0, 0]
    state.manager[:] = ProviderManager.TECHNIQUE
    iv = Intervention(kind="co_managed_outsourcing", start=START,
                      eligible=Eligibility(sectors=("industry", "commerce")))  # fmt: skip
    assert treat(state, iv, step=0) == [5]
    assert state.outsourcing[:5].tolist() == [Outsourcing.PARTIAL, Outsourcing.PARTIAL,
                                              Outsourcing.ALL, Outsourcing.PARTIAL,
                                              Outsourcing.PARTIAL]  # fmt: skip
    assert state.outsourcing[5] == Outsourcing.ALL and state.outsourcing[6] == Outsourcing.NONE
    assert (state.manager[:5] == ProviderManager.PAIR).all()
    assert (state.manager[5:] == ProviderManager.TECHNIQUE).all()


@pytest.mark.parametrize(
    ("kind", "array"),
    [("regulatory_clarity", "regulation"), ("cost_support", "finance"),
     ("security_framework", "security")],
)  # fmt: skip
def test_reductions_lower_their_obstacle_by_the_reduction(kind: str, array: str) -> None:
    state = eight_firms()
    getattr(state, array)[:] = np.float32(0.8)
    untouched = {a: getattr(state, a).copy() for a in ("regulation", "finance", "security")}
    treat(state, Intervention(kind=kind, start=START, reduction=0.25), step=0)
    assert np.allclose(getattr(state, array), 0.6, atol=1e-6)
    assert getattr(state, array).dtype == np.float32
    for other, values in untouched.items():
        if other != array:
            assert np.array_equal(getattr(state, other), values)


@pytest.mark.parametrize(
    ("kind", "held"),
    [("tripartite_strategy", {Choice.TRIPARTITE}), ("training", {Choice.TRAINING}),
     ("co_managed_outsourcing", {Choice.OUTSOURCE}),
     ("dedicated_staff", {Choice.DEDICATED, Choice.ROLES_INTERNAL}),
     ("regulatory_clarity", set()), ("cost_support", set()), ("security_framework", set())],
)  # fmt: skip
def test_an_investment_holds_the_choices_it_sets(kind: str, held: set[Choice]) -> None:
    """The policy's choices are marked as held (``state.held``): Direction no longer revises
    them.  Reductions hold nothing."""
    state = eight_firms()
    state.held[:] = 1 << Choice.EXPERTS  # held before: kept
    treat(state, Intervention(kind=kind, start=START, reduction=0.5,
                              eligible=Eligibility(stages=("deployed",))), step=0)  # fmt: skip
    bits = sum(1 << int(c) for c in held) | (1 << Choice.EXPERTS)
    treated = [3, 7] if held else []
    assert where(state.held != (1 << Choice.EXPERTS)) == treated
    assert (state.held[treated] == bits).all()


@pytest.mark.parametrize(
    ("kind", "choice", "holds"),
    [("training", Choice.TRAINING, lambda s: s.training),
     ("tripartite_strategy", Choice.TRIPARTITE, lambda s: s.strategy == Strategy.TRIPARTITE),
     ("co_managed_outsourcing", Choice.OUTSOURCE, lambda s: s.manager == ProviderManager.PAIR),
     ("dedicated_staff", Choice.DEDICATED, lambda s: s.dedicated & s.roles_internal)],
)  # fmt: skip
def test_treated_firms_keep_the_policys_choice_through_revisions(kind, choice, holds) -> None:
    """Direction would never make the choice (its logit intercept at -10) and reviews its
    choices often: the treated firms keep it to the horizon, through revisions and even after
    giving up and engaging again; untreated firms (almost) never make it."""
    intercepts = list(Params().choice_intercept)
    intercepts[choice] = -10.0
    intercepts[Choice.ROLES_INTERNAL] = -10.0
    params = Params(n_firms=600, horizon="2027-06", choice_intercept=tuple(intercepts),
                    revision_hazard=0.5, give_up_hazard=0.05, manager_pair_intercept=-10.0,
                    bass_p=0.02)  # fmt: skip
    policy = Intervention(kind=kind, start="2024-01", share=0.5)
    with AdoptionModel(params, seed=8, collect=False, interventions=[policy]) as model:
        treated_at = np.full(params.n_firms, -1)
        while model.running:
            model.step()
            bound = model.interventions[0]
            treated_at[bound.treated & (treated_at < 0)] = model.steps
        treated = bound.treated
        state = model.state
    assert treated.sum() > 50
    assert holds(state)[treated].all()
    assert holds(state)[~treated].mean() < 0.01  # the rare firm with a draw below e^-10-ish
    assert (state.held[treated] & (1 << choice)).all() and not state.held[~treated].any()
    came_back = treated & (state.engaged_month > treated_at)
    assert came_back.any()  # some treated firms gave up and engaged again, and still hold it


# --- removals: counterfactuals by state ---------------------------------------------------------


def removal(kind: str, **kw) -> Intervention:
    return Intervention(kind=kind, start=START, remove=True, **kw)


def test_a_removal_treats_every_eligible_firm_engaged_or_not() -> None:
    """Unlike an investment, a removal does not wait for the firm to engage: the factor must
    be withheld before the firm sets up."""
    state = eight_firms()
    assert treat(state, removal("training"), step=0) == [8]
    assert treat(eight_firms(), removal("training", eligible=Eligibility(sizes=("500_plus",))),
                 step=0) == [3]  # fmt: skip


def test_removals_take_the_factors_away_and_hold_them() -> None:
    """Each removal leaves the treated firms without its factor (and no other firm), and
    holds the choice (or sets the withheld bit) so that Direction cannot choose it again."""
    state = eight_firms()
    state.strategy[:] = Strategy.TRIPARTITE
    state.training[:] = state.dedicated[:] = state.roles_internal[:] = True
    state.roles_external[:] = True
    state.outsourcing[:] = Outsourcing.PARTIAL
    state.manager[:] = ProviderManager.PAIR
    state.collaboration[:] = Collaboration.BALANCED
    eligible = Eligibility(sizes=("500_plus",))
    treat(state, *(removal(k, eligible=eligible) for k in FACTOR_KINDS), step=0)
    big, small = [2, 5, 7], [0, 1, 3, 4, 6]
    assert (state.strategy[big] != Strategy.TRIPARTITE).all()
    assert (state.strategy[small] == Strategy.TRIPARTITE).all()
    assert (state.manager[big] != ProviderManager.PAIR).all()
    assert (state.outsourcing[big] == Outsourcing.PARTIAL).all()  # still outsources
    assert (state.collaboration[big] != Collaboration.BALANCED).all()
    assert (state.collaboration[small] == Collaboration.BALANCED).all()
    for array in (state.training, state.dedicated, state.roles_internal, state.roles_external):
        assert where(array) == small
    choices = sum(1 << int(c) for c in (Choice.TRIPARTITE, Choice.TRAINING, Choice.DEDICATED,
                                        Choice.ROLES_INTERNAL, Choice.ROLES_EXTERNAL))  # fmt: skip
    assert (state.held[big] == choices | WITHHELD_PAIR | WITHHELD_BALANCED).all()
    assert not state.held[small].any()


def test_a_removal_gives_what_direction_chooses_without_the_factor() -> None:
    """No tripartite strategy: the ad hoc kind of the firm's own draw; no pair: Technique
    below ``manager_technique_share`` of its manager draw, else Business; no balanced
    collaboration: Business-led where demand exceeds skills by ``business_lead_gap``."""
    params = Params(ad_hoc_shares=(0.2, 0.4, 0.4), manager_technique_share=0.6,
                    business_lead_gap=0.1)  # fmt: skip
    state = firms(3)
    state.stage[:] = PL
    state.strategy[:] = Strategy.TRIPARTITE
    state.manager[:] = ProviderManager.PAIR
    state.outsourcing[:] = Outsourcing.ALL
    state.collaboration[:] = Collaboration.BALANCED
    state.setup_draws[:, SetUpDraw.AD_HOC] = [0.1, 0.5, 0.9]
    state.setup_draws[:, SetUpDraw.MANAGER] = [0.1, 0.59, 0.61]
    state.demand[:] = [0.9, 0.5, 0.5]
    state.skills[:] = [0.5, 0.5, 0.9]
    kinds = ("tripartite_strategy", "co_managed_outsourcing", "balanced_collaboration")
    bound = bind([removal(k) for k in kinds], state, Streams(1), START, params)
    for b in bound:
        b.apply(state, 0)
    assert state.strategy.tolist() == [Strategy.NONE, Strategy.AD_HOC_REQUESTS,
                                       Strategy.AD_HOC_CAPACITY]  # fmt: skip
    assert state.manager.tolist() == [ProviderManager.TECHNIQUE, ProviderManager.TECHNIQUE,
                                      ProviderManager.BUSINESS]  # fmt: skip
    assert state.collaboration.tolist() == [Collaboration.BUSINESS_LED,
                                            Collaboration.TECHNIQUE_LED,
                                            Collaboration.TECHNIQUE_LED]  # fmt: skip


def test_with_every_factor_removed_no_firm_ever_has_one() -> None:
    """Direction chooses often (revisions), firms give up and come back: at every month no
    engaged firm has any of the six factors, while the baseline has all of them."""
    params = Params(n_firms=1_500, horizon="2028-12", revision_hazard=0.3)
    ivs = [removal(k) for k in FACTOR_KINDS]

    def factors(state) -> np.ndarray:
        engaged = state.stage >= PL
        return np.array([
            (engaged & (state.strategy == Strategy.TRIPARTITE)).sum(),
            (engaged & (state.manager == ProviderManager.PAIR)).sum(),
            (engaged & state.training).sum(), (engaged & state.dedicated).sum(),
            (engaged & (state.roles_internal | state.roles_external)).sum(),
            (engaged & (state.collaboration == Collaboration.BALANCED)).sum(),
        ])  # fmt: skip

    with (
        AdoptionModel(params, seed=4, collect=False, firm_agents=False) as baseline,
        AdoptionModel(params, seed=4, collect=False, firm_agents=False,
                      interventions=ivs) as none,  # fmt: skip
    ):
        seen = np.zeros(6, dtype=int)
        while none.running:
            baseline.step()
            none.step()
            seen += factors(baseline.state)
            assert not factors(none.state).any(), none.month
        assert (seen > 0).all()
        assert (none.state.outsourcing != Outsourcing.NONE).sum() > 0  # firms still outsource


# --- common random numbers ----------------------------------------------------------------------


def test_an_intervention_draws_from_its_own_stream_named_after_its_label() -> None:
    """Training treats the same firms alone or combined with other interventions (whatever their
    order), and two interventions of the same label draw from two streams."""

    def trained(*interventions: Intervention) -> np.ndarray:
        state = firms(2_000)
        state.stage[:] = PL
        treat(state, *interventions, step=0, seed=11)
        return state.training.copy()

    training = Intervention(kind="training", start=START, share=0.5)
    strategy = Intervention(kind="tripartite_strategy", start=START, share=0.5)
    cost = Intervention(kind="cost_support", start=START, reduction=0.2, share=0.5)
    alone = trained(training)
    assert np.array_equal(trained(strategy, training), alone)
    assert np.array_equal(trained(training, cost, strategy), alone)
    renamed = trained(Intervention(kind="training", start=START, share=0.5, name="other"))
    assert not np.array_equal(renamed, alone)
    twice = trained(training, training)  # the second draws anew: treats more firms
    assert twice.sum() > alone.sum() and (alone <= twice).all()


def test_an_intervention_that_treats_nobody_changes_nothing_in_the_run() -> None:
    """Its draws come from its own stream: every other draw of the run stays where it was."""
    nobody = Intervention(kind="training", start="2023-06", share=0.0)
    with (
        AdoptionModel(Params(), seed=3, n_firms=500) as baseline,
        AdoptionModel(Params(), seed=3, n_firms=500, interventions=[nobody]) as scenario,
    ):
        baseline.run()
        scenario.run()
        for f in fields(baseline.state):
            assert np.array_equal(getattr(baseline.state, f.name), getattr(scenario.state, f.name))
        assert baseline.tidy().equals(scenario.tidy())


def test_a_scenario_equals_the_baseline_until_its_start() -> None:
    """Nothing differs before the start month; at the start of it the firms engaged by then are
    treated, and a firm engaging during that month is treated the month after."""
    training = Intervention(kind="training", start="2024-06", share=1.0)
    with (
        AdoptionModel(Params(), seed=4, n_firms=500) as baseline,
        AdoptionModel(Params(), seed=4, n_firms=500, interventions=[training]) as scenario,
    ):
        baseline.run(until="2024-05")
        scenario.run(until="2024-05")
        assert baseline.tidy().equals(scenario.tidy())
        engaged_in_may = scenario.state.stage >= PL
        assert engaged_in_may.any() and not scenario.state.training[engaged_in_may].all()
        baseline.run(until="2024-06")
        scenario.run(until="2024-06")
        assert scenario.state.training[engaged_in_may].all()
        engaged_in_june = scenario.state.stage >= PL
        scenario.run(until="2024-07")
        assert scenario.state.training[engaged_in_june].all()
        assert not np.array_equal(baseline.state.training, scenario.state.training)
