"""Scenario files: parsing, sweeps, built-ins, and errors that name the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiadopt.experiments import (
    BUILTIN_SCENARIOS,
    Scenario,
    ScenarioError,
    builtin_scenarios,
    load_scenario,
    load_scenarios,
)
from aiadopt.model import Params
from aiadopt.model.interventions import FACTOR_KINDS, KINDS, REMOVE_ONLY, Intervention

GOOD = """
name = "mine"
description = "A test scenario"
source = "Figure 9"

[overrides]
bass_q = 0.06
progress_size_effect = [0.0, 0.0, 1.2]

[[interventions]]
type = "tripartite_strategy"
start = "2025-06"
end = "2027-12"
share = 0.4
eligible = {sizes = ["100_249", "250_499"], sectors = ["industry"], stages = ["planned"]}
name = "strategy"

[[interventions]]
type = "regulatory_clarity"
start = "2026-01"
reduction = 0.3
"""


def write(tmp_path: Path, text: str, name: str = "scenario.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_scenario_file_reads_every_field(tmp_path: Path) -> None:
    s = load_scenario(write(tmp_path, GOOD))
    assert s.name == "mine"
    assert s.description == "A test scenario"
    assert s.source == "Figure 9"
    assert s.overrides == {"bass_q": 0.06, "progress_size_effect": (0.0, 0.0, 1.2)}
    strategy, clarity = s.interventions
    assert strategy.kind == "tripartite_strategy"
    assert (strategy.start, strategy.end, strategy.share) == ("2025-06", "2027-12", 0.4)
    assert strategy.eligible.sizes == ("100_249", "250_499")
    assert strategy.eligible.sectors == ("industry",)
    assert strategy.eligible.stages == ("planned",)
    assert clarity.kind == "regulatory_clarity" and clarity.reduction == 0.3
    assert s.points() == [s]
    assert s.apply(Params()).bass_q == 0.06


def test_the_name_defaults_to_the_file_stem(tmp_path: Path) -> None:
    s = load_scenario(write(tmp_path, 'description = "x"\n', "my_policy.toml"))
    assert s.name == "my_policy" and s.interventions == () and s.overrides == {}


def test_every_intervention_kind_reads_from_toml(tmp_path: Path) -> None:
    blocks = []
    for kind in KINDS:
        extra = "reduction = 0.5\n" if kind in ("regulatory_clarity", "cost_support",
                                                "security_framework") else ""  # fmt: skip
        extra += "remove = true\n" if kind in REMOVE_ONLY else ""
        blocks.append(f'[[interventions]]\ntype = "{kind}"\nstart = "2025-06"\n{extra}')
    s = load_scenario(write(tmp_path, "\n".join(blocks)))
    assert [iv.kind for iv in s.interventions] == list(KINDS)
    assert [iv.remove for iv in s.interventions] == [k in REMOVE_ONLY for k in KINDS]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('nme = "typo"\n', "nme"),
        ("[overrides]\nbass_qq = 0.1\n", "bass_qq"),
        ("[overrides]\nbass_q = 7.0\n", "overrides.bass_q"),
        ('[overrides]\nbass_q = "high"\n', "overrides.bass_q"),
        ("[overrides]\nn_firms = 100\n", "overrides.n_firms"),
        ('[[interventions]]\ntype = "training"\nstart = "2025-06"\nshare = 1.5\n', "share"),
        ('[[interventions]]\ntype = "training"\nstart = "2025-06"\nshares = 0.5\n', "shares"),
        ('[[interventions]]\ntype = "teleport"\nstart = "2025-06"\n', "teleport"),
        ('[[interventions]]\ntype = "training"\nstart = "June"\n', "start"),
        (
            '[[interventions]]\ntype = "training"\nstart = "2025-06"\n'
            'eligible = {size = ["100_249"]}\n',
            "eligible.size",
        ),
        (
            '[[interventions]]\ntype = "training"\nstart = "2025-06"\n'
            'eligible = {sizes = ["tiny"]}\n',
            "eligible.sizes",
        ),
        (
            '[[interventions]]\ntype = "cost_support"\nstart = "2025-06"\nreduction = 2.0\n',
            "reduction",
        ),
        ('[sweep]\nlever = "bass_q"\nvalues = [0.05]\nstep = 1\n', "step"),
        ('[sweep]\nlever = "bass_qq"\nvalues = [0.05]\n', "sweep.lever"),
        ('[sweep]\nlever = "bass_q"\nvalues = [0.05, 9.0]\n', "bass_q"),
        ('[sweep]\nlever = "bass_q"\nrange = {start = 0.0, stop = 0.1}\n', "num"),
        ('[sweep]\nlever = "bass_q"\nvalues = []\n', "sweep.values"),  # an empty sweep
        ('[sweep]\nlever = "bass_q"\nrange = {start = 0.0, stop = 0.1, num = 0}\n', "range.num"),
        ('[sweep]\nlever = "bass_q"\nrange = {start = 0.1, stop = 0.1, num = 3}\n', "repeated"),
        ('[sweep]\nlever = "intervention.nothing.share"\nvalues = [0.1]\n', "nothing"),
        ('[sweep]\nlever = "intervention.x.colour"\nvalues = [0.1]\n', "sweep.lever"),
        ('name = "bad name!"\n', "name"),
        ("this is not toml", "not valid TOML"),
    ],
)
def test_errors_name_the_file_and_the_key(tmp_path: Path, text: str, key: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert str(path) in message
    assert key in message


def test_a_share_out_of_range_in_a_sweep_is_an_error(tmp_path: Path) -> None:
    text = (
        '[[interventions]]\ntype = "training"\nstart = "2025-06"\nname = "t"\n'
        '[sweep]\nlever = "intervention.t.share"\nvalues = [0.5, 1.5]\n'
    )
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError, match="share") as info:
        load_scenario(path)
    assert str(path) in str(info.value)


def test_unknown_scenario_names_the_built_ins() -> None:
    with pytest.raises(ScenarioError, match="baseline"):
        load_scenario("no_such_scenario")


def test_a_range_sweep_expands_into_named_points(tmp_path: Path) -> None:
    text = (
        'name = "strategy"\n'
        '[[interventions]]\ntype = "tripartite_strategy"\nstart = "2025-06"\nname = "strategy"\n'
        '[sweep]\nlever = "intervention.strategy.share"\n'
        "range = {start = 0.0, stop = 0.5, num = 6}\n"
    )
    points = load_scenario(write(tmp_path, text)).points()
    assert [p.name for p in points] == [
        f"strategy[share={v}]" for v in ("0", "0.1", "0.2", "0.3", "0.4", "0.5")
    ]
    assert [p.interventions[0].share for p in points] == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
    assert points[3].coordinates == (("intervention.strategy.share", 0.3),)


def test_a_two_lever_sweep_is_a_grid(tmp_path: Path) -> None:
    text = (
        'name = "grid"\n'
        '[[interventions]]\ntype = "training"\nstart = "2025-06"\n'
        '[[sweep]]\nlever = "intervention.training.share"\nvalues = [0.25, 0.75]\n'
        '[[sweep]]\nlever = "bass_q"\nvalues = [0.04, 0.06, 0.08]\n'
    )
    points = load_scenarios([write(tmp_path, text)])
    assert len(points) == 6
    assert points[0].name == "grid[share=0.25,bass_q=0.04]"
    assert points[-1].name == "grid[share=0.75,bass_q=0.08]"
    assert points[-1].overrides == {"bass_q": 0.08}
    assert points[-1].interventions[0].share == 0.75


def test_more_than_two_levers_is_an_error(tmp_path: Path) -> None:
    sweep = "".join(f'[[sweep]]\nlever = "{p}"\nvalues = [0.1]\n' for p in
                    ("bass_p", "bass_q", "abandon_planned"))  # fmt: skip
    with pytest.raises(ScenarioError, match="sweep"):
        load_scenario(write(tmp_path, sweep))


def test_scenario_names_must_be_unique(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "baseline"\n')
    with pytest.raises(ScenarioError, match="baseline"):
        load_scenarios(["baseline", path])


def test_built_in_scenarios_ship_and_say_what_motivates_them() -> None:
    scenarios = builtin_scenarios()
    assert [s.name for s in scenarios] == list(BUILTIN_SCENARIOS)
    assert BUILTIN_SCENARIOS == (
        "baseline", "strategy", "outsourcing", "training", "combined", "no_success_factors"
    )  # fmt: skip
    by = {s.name: s for s in scenarios}
    for s in scenarios:
        assert s.description and ("Figure" in s.source or "p." in s.source)
    assert by["baseline"].interventions == () and by["baseline"].overrides == {}
    assert [iv.kind for iv in by["strategy"].interventions] == ["tripartite_strategy"]
    assert [iv.kind for iv in by["outsourcing"].interventions] == ["co_managed_outsourcing"]
    assert [iv.kind for iv in by["training"].interventions] == ["training"]
    assert sorted(iv.kind for iv in by["combined"].interventions) == sorted(
        ["tripartite_strategy", "training", "co_managed_outsourcing"]
    )
    nsf = by["no_success_factors"]
    assert nsf.overrides == {}  # a counterfactual by state, not by coefficients
    assert sorted(iv.kind for iv in nsf.interventions) == sorted(FACTOR_KINDS)
    assert all(iv.remove and iv.share == 1.0 and iv.start == "2022-11"
               for iv in nsf.interventions)  # fmt: skip


def test_every_built_in_scenario_says_which_firms_what_and_from_when() -> None:
    """The description names the start month of every intervention and which firms it
    treats (a share of them, or all)."""
    for s in builtin_scenarios():
        for iv in s.interventions:
            assert f"from {iv.start}" in s.description, s.name
            assert ("all firms" if iv.share == 1.0 else "half") in s.description.lower(), s.name


def test_a_scenario_built_in_python_is_validated() -> None:
    s = Scenario("py", interventions=(Intervention("training", "2025-06", share=0.2),))
    assert load_scenario(s) is s
    with pytest.raises(ScenarioError, match="bass_q"):
        Scenario("py", overrides={"bass_q": -1.0})
    with pytest.raises(ScenarioError, match="name"):
        Scenario("no spaces")
