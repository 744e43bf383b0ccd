"""A small synthetic posterior sample in the format of ``posterior.csv`` (prior draws, not a
fit), for the tests of experiments and sensitivity that draw from a posterior."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from aiadopt.calibration.priors import load_priors
from aiadopt.model import Params


def posterior_frame(n: int = 30, seed: int = 11) -> pd.DataFrame:
    """``n`` draws from the priors as ``posterior.csv`` has them: ``draw``, one column per
    uncertain parameter element (share vectors element by element) and one nuisance."""
    priors = load_priors()
    rng = np.random.default_rng(seed)
    draws = priors.sample(rng, n, base=Params())
    rows = []
    for k, params in enumerate(draws):
        row: dict[str, float] = {"draw": k}
        for prior in priors.uncertain:
            value = getattr(params, prior.name.split("[")[0])
            if prior.family == "dirichlet":
                row |= {f"{prior.name}[{i}]": float(v) for i, v in enumerate(value)}
            elif "[" in prior.name:
                row[prior.name] = float(value[int(prior.name.split("[")[1][:-1])])
            else:
                row[prior.name] = float(value)
        row["nuisance:design_effect"] = float(rng.lognormal(0.3, 0.1))
        rows.append(row)
    return pd.DataFrame(rows)


def write_posterior(path: Path, n: int = 30, seed: int = 11) -> Path:
    """Write :func:`posterior_frame` to ``path``; returns ``path``."""
    posterior_frame(n, seed).to_csv(path, index=False)
    return path
