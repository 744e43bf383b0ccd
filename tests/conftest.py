"""Shared fixtures: small, fast model runs."""

from __future__ import annotations

import pytest

from aiadopt.model import AdoptionModel, Params


@pytest.fixture(scope="session")
def small_params() -> Params:
    """A small population to keep tests fast."""
    return Params(n_firms=2_000)


@pytest.fixture(scope="session")
def small_run(small_params: Params):
    """One small model run to the default horizon, with its tidy table."""
    with AdoptionModel(small_params, seed=11) as model:
        model.run()
        return model.tidy()
