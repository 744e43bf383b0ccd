"""The calibration's objective (aiadopt.calibration.objective) and the shipped fit."""

from __future__ import annotations

import tomllib

import numpy as np

from aiadopt.calibration.spec import load_spec
from aiadopt.model import Params

from .conftest import SHIPPED_FIT


def test_shipped_fit_still_has_the_loss_it_was_fitted_with() -> None:
    """The shipped fit stays valid: under the packaged spec's objective (its seeds, firms,
    targets and likelihood) the shipped parameters score exactly the loss recorded when they
    were fitted.  A change of the model or of the simulated survey that moves any answer the
    fit sees shows up here."""
    meta = tomllib.loads(SHIPPED_FIT.read_text(encoding="utf-8"))["meta"]
    spec = load_spec()
    params = Params.from_toml(SHIPPED_FIT)
    assert list(spec.seeds) == meta["seeds"] and spec.n_firms == meta["n_firms"] == params.n_firms
    objective = spec.objective()
    loss = float(np.mean([objective.loss_of(params, seed) for seed in spec.seeds]))
    assert loss == meta["loss"]
