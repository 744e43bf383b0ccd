"""Fixtures of the views' tests: small results tables, a fit table, a run's and an
experiment's folder."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from aiadopt.model import Params

from . import helpers


@pytest.fixture(scope="module")
def results() -> pd.DataFrame:
    return helpers.make_results()


@pytest.fixture(scope="module")
def run_tidy() -> pd.DataFrame:
    return helpers.run_tidy()


@pytest.fixture(scope="session")
def fit_table() -> pd.DataFrame:
    """A fast fit table: 2,000 firms, 3 model runs x 2 sampled surveys."""
    from aiadopt.calibration.report import fit_report

    return fit_report(Params(n_firms=2_000), replicates=6, seeds=3, progress=False).table


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory) -> Path:
    """A run's folder (120 firms to 2025-06), with its stage figure."""
    from aiadopt.experiments.single import run_and_save
    from aiadopt.views.figures import run_figures

    out = tmp_path_factory.mktemp("run")
    run_and_save(Params(n_firms=120), seed=5, until="2025-06", out_dir=out, progress=False,
                 figures=run_figures)  # fmt: skip
    return out


@pytest.fixture(scope="session")
def run_dir_with_fit(run_dir: Path, tmp_path_factory) -> Path:
    """A copy of :func:`run_dir` with the fit table of its parameters (400 firms, 2 surveys
    over 2 model runs) saved by save_fit_table."""
    import shutil

    from aiadopt.calibration.report import save_fit_table

    folder = tmp_path_factory.mktemp("run_fit") / "run"
    shutil.copytree(run_dir, folder)
    params = Params.from_toml(folder / "run.toml")
    save_fit_table(folder, params, replicates=2, n_firms=400, progress=False)
    return folder


@pytest.fixture(scope="session")
def experiment_dir(tmp_path_factory) -> Path:
    """An experiment's folder: baseline and strategy, 2 replicates of 150 firms to 2025-09."""
    from aiadopt.experiments import execute_experiment

    out = tmp_path_factory.mktemp("exp") / "exp"
    execute_experiment(
        ["baseline", "strategy"],
        replicates=2,
        workers=1,
        firms=150,
        until="2025-09",
        out=out,
        progress=False,
        metrics="all",
    )
    return out


@pytest.fixture(scope="session")
def sweep_dir(tmp_path_factory) -> Path:
    """An experiment's folder with a one-lever sweep (3 shares of a training programme) and a
    two-lever sweep (2 x 2 shares of strategy and training) against the baseline: 2
    replicates of 150 firms to 2025-09, the interventions from 2025-06."""
    from aiadopt.experiments import execute_experiment

    folder = tmp_path_factory.mktemp("sweep")
    training = '[[interventions]]\ntype = "training"\nstart = "2025-06"\nname = "training"\n'
    ivs = training + '[[interventions]]\ntype = "tripartite_strategy"\nstart = "2025-06"\n'
    one = folder / "dose.toml"
    one.write_text(f'description = "Training for a share of the engaged firms"\n{training}'
                   '[sweep]\nlever = "intervention.training.share"\nvalues = [0.0, 0.5, 1.0]\n')  # fmt: skip  # noqa: E501
    two = folder / "mix.toml"
    two.write_text(f'description = "Strategy and training"\n{ivs}name = "strategy"\n'
                   '[[sweep]]\nlever = "intervention.strategy.share"\nvalues = [0.2, 0.9]\n'
                   '[[sweep]]\nlever = "intervention.training.share"\nvalues = [0.1, 0.8]\n')  # fmt: skip  # noqa: E501
    out = folder / "exp"
    execute_experiment(["baseline", one, two], replicates=2, workers=1, firms=150,
                       until="2025-09", out=out, progress=False)  # fmt: skip
    return out


@pytest.fixture(scope="session")
def discovery(tmp_path_factory):
    """A scenario discovery's folder as ``aiadopt discover`` writes it (manifest.json and the
    four tables), its outcomes planted rather than simulated (no model run): 120 runs of the
    levers on their Latin hypercube at the shipped point, the share at scale 0.6 when
    training.share > 0.5 and tripartite_strategy.share > 0.4 (5% of the runs flipped), else
    0.3, give or take 0.05; the question: above 0.45.  Returns the Discovery, ``out`` set."""
    import json

    import numpy as np

    from aiadopt.experiments.discovery import analyse, plan_discovery, write_discovery

    folder = tmp_path_factory.mktemp("disc") / "disc"
    plan = plan_discovery(120, seed=3, firms=100, month="2026-06", parameter_set="none")
    design = plan.design
    hit = (design["training.share"] > 0.5) & (design["tripartite_strategy.share"] > 0.4)
    rng = np.random.default_rng(0)
    flip = rng.uniform(size=len(design)) < 0.05
    share = np.where(hit ^ flip, 0.6, 0.3) + rng.uniform(-0.05, 0.05, len(design))
    values = pd.DataFrame({"share_scaled": share, "share_in_place": share + 0.2,
                           "productivity_realised": 10 * share})  # fmt: skip
    result = analyse(plan, values, "share_scaled", 0.45)
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps(plan.manifest()), encoding="utf-8")
    write_discovery(result, folder)  # adds the question to the manifest
    result.out = folder
    return result


@pytest.fixture(scope="session")
def portfolio(tmp_path_factory):
    """A lever portfolio's folder as ``aiadopt portfolio`` writes it (front.csv, evaluated.csv,
    portfolio.json and the front's figure), every mix of 3 levers at 3 levels evaluated
    on a toy robust outcome (no model run).  Returns the PortfolioResult."""
    import itertools

    from aiadopt.experiments.portfolio import (
        PortfolioResult,
        pareto_front,
        portfolio_from_dict,
        write_portfolio,
    )
    from aiadopt.views.discovery import save_front_figure

    folder = tmp_path_factory.mktemp("port") / "port"
    spec = {"levers": {"tripartite_strategy": {}, "training": {"cost": 2.0},
                       "cost_support": {"cost": 0.5, "reduction": 0.3}},
            "firms": 200, "draws": 4, "month": "2027-12", "levels": [0, 0.5, 1]}  # fmt: skip
    p = portfolio_from_dict(spec, "toy.toml")
    rows = []
    for mix in itertools.product(p.levels, repeat=len(p.levers)):
        a, b, c = mix
        robust = 0.2 + 0.1 * a + 0.06 * b + 0.02 * c - 0.03 * a * b
        rows.append(dict(zip(p.levers, mix, strict=True)) | {"effort": p.effort(mix),
                    "robust": robust, "mean": robust + 0.05})  # fmt: skip
    evaluated = pd.DataFrame(rows).sort_values(["effort", "robust"]).reset_index(drop=True)
    front = pareto_front(evaluated)
    result = PortfolioResult(p, front, evaluated, 4 * len(evaluated), "the shipped point")
    result.paths = write_portfolio(result, folder)
    result.paths["figure"] = save_front_figure(result, folder)
    return result
