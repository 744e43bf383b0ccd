"""Lever portfolios (issue 14, point 5): the optimiser finds the known optimum of three toy
problems at every budget and on every seed tried (a search, a small grid listed with a
non-greedy optimum, a large grid searched), the front keeps the mixes no other beats, and a bad
portfolio file (no feasible mix, an unknown lever or key) is refused naming the file and the
key."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aiadopt.experiments.portfolio import (
    PortfolioError,
    load_portfolio,
    optimise_front,
    pareto_front,
    portfolio_from_dict,
    run_portfolio,
)

from .synthetic_posterior import write_posterior

Z = np.random.default_rng(8).normal(size=12)  # the draws' noise, common to every mix
SEEDS = range(5)


def toy(mixes: list[tuple[float, ...]]) -> list[np.ndarray]:
    """Four levers, six levels: outcomes over 12 draws.  Lever 1 has the best mean per cost but
    a spread that makes it the worst in the 10% quantile (a robust optimum differs from the
    mean's); levers 0 and 3 overlap (their joint effect is less than the sum)."""
    return [
        s0 + 2.0 * s1 + 1.5 * s2 + 1.2 * s3 - 0.8 * s0 * s3 + 3.0 * s1 * Z
        for s0, s1, s2, s3 in mixes
    ]


TOY = (toy, (1.0, 2.0, 3.0, 1.5), (0.0, 0.2, 0.4, 0.6, 0.8, 1.0), 5)


def knapsack(mixes: list[tuple[float, ...]]) -> list[np.ndarray]:
    """Five levers, three levels, a best mix that is not the greedy one: lever 0 gives the
    most per unit of effort (7 for 6) but at a budget of 10 the best is levers 1 and 2 in full
    (5.5 + 5.5 for 5 + 5), without it; levers 3 and 4 help only together."""
    return [
        7.0 * s0 + 5.5 * s1 + 5.5 * s2 + 3.5 * s3 * s4 + 0.3 * s0 * Z
        for s0, s1, s2, s3, s4 in mixes
    ]


KNAPSACK = (knapsack, (6.0, 5.0, 5.0, 2.0, 2.0), (0.0, 0.5, 1.0), 4)

A7 = np.array([1.0, 2.2, 3.1, 1.4, 0.4, 2.4, 1.5])


def seven(mixes: list[tuple[float, ...]]) -> list[np.ndarray]:
    """Seven levers, five levels (78,125 mixes: too many to list at every budget): diminishing
    returns (square roots: the best mixes spread the effort over several levers at middle
    levels), two overlaps, a synergy, and a lever whose spread makes it risky."""
    s = np.asarray(mixes, dtype=float)
    mean = (A7 * np.sqrt(s)).sum(axis=1) - 0.7 * s[:, 0] * s[:, 3] - 0.5 * s[:, 2] * s[:, 5]
    mean += 0.9 * s[:, 1] * s[:, 6]
    return list(mean[:, None] + (2.5 * s[:, [1]] + 0.2) * Z[None, :])


SEVEN = (seven, (1.0, 2.0, 3.0, 1.5, 0.5, 2.5, 1.2), (0.0, 0.25, 0.5, 0.75, 1.0), 6)


def exact_front(problem) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every mix of a toy problem (brute force): the mixes, their efforts, their robust
    outcomes, and the budgets the optimiser is asked for."""
    outcome, costs, levels, budgets = problem
    every = np.array(list(itertools.product(levels, repeat=len(costs))))
    robust = np.quantile(np.array(outcome(list(map(tuple, every)))), 0.1, axis=1)
    effort = every @ np.asarray(costs)
    return every, effort, robust, np.linspace(effort.max() / budgets, effort.max(), budgets)


def assert_optimum_at_every_budget(problem, evaluated: pd.DataFrame) -> None:
    _, effort, robust, budgets = exact_front(problem)
    for b in budgets:
        best = robust[effort <= b + 1e-9].max()
        found = evaluated.loc[evaluated["effort"] <= b + 1e-9, "robust"].max()
        assert found == pytest.approx(best), f"budget {b}"


def _optimise(problem, seed: int, **options) -> tuple[pd.DataFrame, list[int]]:
    outcome, costs, levels, budgets = problem
    calls: list[int] = []

    def evaluate(mixes):
        calls.append(len(mixes))
        return outcome(mixes)

    evaluated = optimise_front(
        evaluate, costs, levels, quantile=0.1, budgets=budgets, seed=seed, **options
    )
    return evaluated, calls


@pytest.mark.parametrize("seed", SEEDS)
def test_the_differential_evolution_finds_the_known_optimum_of_a_toy_problem(seed: int) -> None:
    evaluated, calls = _optimise(TOY, seed, max_listed=0)  # never list: always search
    assert_optimum_at_every_budget(TOY, evaluated)
    assert len(evaluated) < 6**4  # it searched, it did not enumerate
    assert len(evaluated) == sum(calls)  # each mix simulated once
    top = evaluated.loc[evaluated["robust"].idxmax()]
    assert top["lever1"] == 0.0  # the risky lever is left out of the robust optimum


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("listed", [False, True], ids=["searched", "listed"])
def test_the_optimum_need_not_be_the_greedy_mix(seed: int, listed: bool) -> None:
    """The knapsack, searched at every budget or listed (its 243 mixes are few enough to list
    with the default settings)."""
    evaluated, calls = _optimise(KNAPSACK, seed, max_listed=None if listed else 0)
    assert_optimum_at_every_budget(KNAPSACK, evaluated)
    batches = len(calls)  # listed: one per budget at most (and the no-lever mix)
    assert batches <= 1 + KNAPSACK[3] if listed else batches > 1 + KNAPSACK[3]
    assert len(evaluated) == 3**5 or not listed
    at_10 = evaluated[evaluated["effort"] <= 10.0].sort_values("robust").iloc[-1]
    assert (at_10["lever0"], at_10["lever1"], at_10["lever2"]) == (0.0, 1.0, 1.0)
    assert 7.0 / 6.0 > 5.5 / 5.0  # lever 0 is the greedy first pick, and it is not in the mix


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_a_large_grid_is_searched_and_its_optimum_found(seed: int) -> None:
    """Seven levers: the smallest budget's 771 mixes are listed, the larger budgets searched
    (tens of thousands of mixes each); the optimum is found at every budget."""
    evaluated, calls = _optimise(SEVEN, seed)
    assert_optimum_at_every_budget(SEVEN, evaluated)
    assert len(evaluated) < 5**7 / 4  # a search: under a quarter of the grid
    assert len(evaluated) == sum(calls)


def test_the_front_keeps_the_mixes_no_other_beats() -> None:
    evaluated = pd.DataFrame(
        {"effort": [0, 1, 1, 2, 3, 3], "robust": [0, 0.5, 0.4, 0.45, 0.9, 1.0], "mean": 0.0}
    )
    front = pareto_front(evaluated)
    assert list(zip(front["effort"], front["robust"], strict=True)) == [
        (0, 0.0),
        (1, 0.5),
        (3, 1.0),
    ]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "portfolio.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_budget_below_every_lever_is_refused_naming_the_file_and_key(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "firms = 100\nbudget = 10.0\n[levers.training]\ncost = 1.0\n"
        "[levers.cost_support]\ncost = 2.0\n",
    )
    with pytest.raises(PortfolioError, match=r"portfolio\.toml: budget: 10 is below") as err:
        load_portfolio(path)
    assert "training at share 0.25" in str(err.value)  # the cheapest step: 0.25 x 100 x 1
    path.write_text("firms = 100\nbudget = 25.0\n[levers.training]\n", encoding="utf-8")
    assert load_portfolio(path).budget == 25.0  # exactly the cheapest step: feasible


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"levers": {"magic": {}}}, "levers.magic: unknown lever"),
        ({"levers": {"training": {"cost": -1}}}, "levers.training.cost"),
        ({"levers": {"training": {"reduction": 0.5}}}, "levers.training.reduction"),
        ({"levers": {"training": {}}, "levels": [0, 2]}, "levels"),
        ({"levers": {"training": {}}, "quantile": 2}, "quantile"),
        ({"levers": {"training": {}}, "colour": "red"}, "colour: unknown key"),
        ({"levers": {}}, "levers: give at least one"),
        ({"levers": {"training": {}}, "outcome": "happiness"}, "outcome"),
    ],
)
def test_bad_portfolios_name_the_key(raw: dict, key: str) -> None:
    with pytest.raises(PortfolioError, match=rf"^my\.toml: {key}"):
        portfolio_from_dict(raw, "my.toml")


@pytest.mark.slow
def test_a_small_portfolio_runs_on_the_model(tmp_path: Path) -> None:
    post = write_posterior(tmp_path / "posterior.csv")
    portfolio = portfolio_from_dict(
        {
            "levers": {"tripartite_strategy": {}, "training": {"cost": 2.0}},
            "firms": 120,
            "draws": 3,
            "month": "2026-06",
            "levels": [0, 0.5, 1],
            "budgets": 2,
        },
        "p.toml",
    )
    result = run_portfolio(
        portfolio, parameter_set=str(post), workers=1, out=tmp_path / "o", maxiter=2, popsize=2
    )
    assert {"tripartite_strategy", "training", "effort", "robust"} <= set(result.front.columns)
    assert result.front["effort"].is_monotonic_increasing
    assert result.front["robust"].is_monotonic_increasing
    assert result.runs == 3 * len(result.evaluated)
    assert (tmp_path / "o" / "front.csv").is_file()
    assert sorted(result.paths) == ["evaluated", "front", "portfolio"]  # written together
    question = json.loads((tmp_path / "o" / "portfolio.json").read_text(encoding="utf-8"))
    assert (question["outcome"], question["month"], question["draws"]) == (
        "share_scaled", "2026-06", 3)  # fmt: skip
    assert question["levers"] == {"tripartite_strategy": {"cost": 1.0}, "training": {"cost": 2.0}}
    assert question["runs"] == result.runs and question["file"] == "p.toml"


@pytest.mark.slow
def test_the_command_lists_the_question_among_the_files_it_wrote(tmp_path: Path, capsys) -> None:
    from aiadopt.cli import main

    path = _write(tmp_path, 'firms = 80\ndraws = 2\nmonth = "2025-12"\nlevels = [0, 1]\n'
                  "[levers.training]\n")  # fmt: skip
    assert main(["portfolio", str(path), "--param-set", "none", "--workers", "1",
                 "--out", str(tmp_path / "o")]) == 0  # fmt: skip
    wrote = capsys.readouterr().out.split("Wrote to ")[1]
    assert wrote.split(": ")[1].strip().split(", ") == [
        "front.csv", "evaluated.csv", "portfolio.json", "front.png"]  # fmt: skip
    assert json.loads((tmp_path / "o" / "portfolio.json").read_text())["file"] == str(path)


def test_the_command_refuses_an_infeasible_portfolio(tmp_path: Path, capsys) -> None:
    from aiadopt.cli import main

    path = _write(tmp_path, "firms = 100\nbudget = 1.0\n[levers.training]\n")
    assert main(["portfolio", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("aiadopt: error: ") and f"{path}: budget:" in err
    assert not (tmp_path / "o").exists()  # nothing written
