"""Counterfactuals by state (issue 14, point 1): the built-in ``no_success_factors`` takes
the factors away from the firms (``remove = true`` interventions), and its answer does not
depend on which category the factors' effects are measured from.

The two codings give every firm the same progress log-effect: in the shipped coding, ad hoc
strategy and Business-led collaboration are the reference (effect 0); in the other, the
tripartite strategy and balanced collaboration are, so every strategy and collaboration effect
is shifted down by the effect of the factor ("the effect of not having it"), and the size
effects (which every engaged firm has, one of three) are shifted up by the same amount.  The
runs of the two codings must then be the same run, and a state counterfactual must have the
same effect under both; zeroing coefficients (what the scenario did before) must not.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from aiadopt.experiments.scenarios import ScenarioError, load_scenario, parse_scenario
from aiadopt.model import AdoptionModel, ParameterError, Params
from aiadopt.model.params import shipped_params
from aiadopt.model.stages import Collaboration, Strategy

FIRMS = 2_000
SEEDS = (1, 2)
INDICATORS = (("stage_share.scaled", "all"), ("gain_realised.productivity", "all"),
              ("stage_share.deployed", "all"))  # fmt: skip


def recoded(params: Params) -> Params:
    """``params`` with the tripartite strategy and balanced collaboration as the reference
    categories (or, where the shifted effects would leave the parameters' ranges, as with
    other fitted values, the other categories in turn), the size effects shifted so that
    every engaged firm has the same progress."""
    strategies = [Strategy.TRIPARTITE, *(k for k in Strategy if k != Strategy.TRIPARTITE)]
    modes = [Collaboration.BALANCED,
             *(k for k in Collaboration if k not in (Collaboration.BALANCED,
                                                     Collaboration.UNSET))]  # fmt: skip
    for k_s, k_c in itertools.product(strategies, modes):
        s, c = params.strategy_effect[k_s], params.collaboration_effect[k_c]
        if s == 0.0 and c == 0.0:
            continue  # already the references: no change of coding
        try:
            return params.replace(
                strategy_effect=tuple(v - s for v in params.strategy_effect),
                collaboration_effect=tuple(v - c for v in params.collaboration_effect),
                progress_size_effect=tuple(v + s + c for v in params.progress_size_effect),
            )
        except ParameterError:
            continue
    raise AssertionError("no other reference category keeps the parameters in their ranges")


def zeroed(params: Params) -> Params:
    """The old answer: every success factor's coefficient set to 0."""
    return params.replace(
        strategy_effect=(0.0,) * 4, manager_effect=(0.0,) * 3, training_effect=0.0,
        dedicated_effect=0.0, roles_effect=0.0, collaboration_effect=(0.0,) * 4,
        complementarity=0.0,
    )  # fmt: skip


def outcomes(params: Params, interventions=()) -> pd.Series:
    """The indicators at 2027-12 and 2030-12, by seed (common random numbers across calls)."""
    rows = {}
    for seed in SEEDS:
        with AdoptionModel(params, seed=seed, n_firms=FIRMS, interventions=interventions,
                           firm_agents=False) as model:  # fmt: skip
            tidy = model.run().tidy()
        month = tidy["date"].dt.strftime("%Y-%m")
        for metric, group in INDICATORS:
            for m in ("2027-12", "2030-12"):
                at = tidy[(tidy["metric"] == metric) & (tidy["group"] == group) & (month == m)]
                rows[(seed, metric, m)] = float(at["value"].iloc[0])
    return pd.Series(rows)


@pytest.fixture(scope="module")
def codings() -> dict[str, Params]:
    shipped, _ = shipped_params()
    return {"shipped": shipped, "recoded": recoded(shipped)}


def test_the_two_codings_make_the_same_runs(codings) -> None:
    """The recoding changes no firm's hazards: the baselines agree to numerical precision."""
    assert codings["recoded"] != codings["shipped"]
    a, b = (outcomes(p) for p in codings.values())
    assert np.allclose(a, b, rtol=1e-9, atol=1e-12)


def test_a_state_counterfactual_does_not_depend_on_the_reference_category(codings) -> None:
    """The effect of "no firm has the factors" is the same under both codings, and it lowers
    the share at scale and productivity."""
    removal = load_scenario("no_success_factors").interventions
    effects = {
        name: outcomes(p, removal) - outcomes(p) for name, p in codings.items()
    }
    assert np.allclose(effects["shipped"], effects["recoded"], rtol=1e-9, atol=1e-12)
    effect = effects["shipped"]
    for seed in SEEDS:
        assert effect[(seed, "stage_share.scaled", "2030-12")] < -0.05
        assert effect[(seed, "gain_realised.productivity", "2030-12")] < 0.0


def test_zeroing_coefficients_depends_on_the_reference_category(codings) -> None:
    """What the test above guards against: the old answer (coefficients set to 0) moves by
    points of share at scale when only the reference category changes."""
    effects = {name: outcomes(zeroed(p)) - outcomes(p) for name, p in codings.items()}
    gap = effects["shipped"] - effects["recoded"]
    assert abs(gap[(SEEDS[0], "stage_share.scaled", "2030-12")]) > 0.1


@pytest.mark.parametrize("lever", ["training_effect", "params.strategy_effect", "complementarity"])
def test_a_scenario_cannot_set_a_success_factors_coefficient(lever: str) -> None:
    """Overrides and sweeps of a success factor's coefficient are refused with the file, the
    key and the way to ask the question by state."""
    name = lever.removeprefix("params.")
    value = "[0.0, 0.0, 0.0, 0.0]" if name == "strategy_effect" else "0.0"
    with pytest.raises(ScenarioError, match=rf"x.toml: overrides.{name}: .*remove = true"):
        parse_scenario(f"name = 'x'\n[overrides]\n{name} = {value}\n", origin="x.toml")
    with pytest.raises(ScenarioError, match=rf"x.toml: sweep.lever: .*{name}.*remove = true"):
        parse_scenario(f"name = 'x'\n[sweep]\nlever = '{lever}'\nvalues = [0.0, 0.1]\n",
                       origin="x.toml")  # fmt: skip
