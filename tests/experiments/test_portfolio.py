"""Lever portfolios (issue 14, point 5): the optimiser finds the known optimum of a toy problem
at every budget, the front keeps the mixes no other beats, and a bad portfolio file (no
feasible mix, an unknown lever or key) is refused naming the file and the key."""

from __future__ import annotations

import itertools
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

LEVELS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
COSTS = (1.0, 2.0, 3.0, 1.5)
Z = np.random.default_rng(8).normal(size=12)  # the draws' noise, common to every mix


def toy(mixes: list[tuple[float, ...]]) -> list[np.ndarray]:
    """Outcomes over 12 draws: lever 1 has the best mean per cost but a spread that makes it
    the worst in the 10% quantile (a robust optimum differs from the mean's); levers 0 and 3
    overlap (their joint effect is less than the sum)."""
    return [
        s0 + 2.0 * s1 + 1.5 * s2 + 1.2 * s3 - 0.8 * s0 * s3 + 3.0 * s1 * Z
        for s0, s1, s2, s3 in mixes
    ]


def test_the_optimiser_finds_the_known_optimum_of_a_toy_problem() -> None:
    calls: list[int] = []

    def evaluate(mixes):
        calls.append(len(mixes))
        return toy(mixes)

    budgets = 5
    evaluated = optimise_front(evaluate, COSTS, LEVELS, quantile=0.1, budgets=budgets, seed=3)
    every = list(itertools.product(LEVELS, repeat=len(COSTS)))
    robust = np.array([np.quantile(v, 0.1) for v in toy(every)])
    effort = np.array([np.dot(COSTS, m) for m in every])
    for b in np.linspace(effort.max() / budgets, effort.max(), budgets):
        best = robust[effort <= b + 1e-9].max()
        found = evaluated.loc[evaluated["effort"] <= b + 1e-9, "robust"].max()
        assert found == pytest.approx(best), f"budget {b}"
    assert len(evaluated) < len(every)  # it searched, it did not enumerate
    assert len(evaluated) == sum(calls)  # each mix simulated once
    top = evaluated.loc[evaluated["robust"].idxmax()]
    assert top["lever1"] == 0.0  # the risky lever is left out of the robust optimum


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


def test_the_command_refuses_an_infeasible_portfolio(tmp_path: Path, capsys) -> None:
    from aiadopt.cli import main

    path = _write(tmp_path, "firms = 100\nbudget = 1.0\n[levers.training]\n")
    assert main(["portfolio", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("aiadopt: error: ") and f"{path}: budget:" in err
    assert not (tmp_path / "o").exists()  # nothing written
