"""Shared fixtures: small, fast model runs; a check that no test changes Ctrl-C's handling."""

from __future__ import annotations

import signal

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


@pytest.fixture(autouse=True)
def _sigint_unchanged():
    """No test may leave SIGINT ignored: a later test's child process would inherit an ignored
    SIGINT and never see a Ctrl-C (the pool's workers ignore SIGINT, in their own processes
    only).  Any other change is put back after the test: pytest started in the background
    (CI) begins with SIGINT ignored, and a Jupyter kernel client (the tutorial's test) sets
    Python's default handler, which is harmless."""
    before = signal.getsignal(signal.SIGINT)
    yield
    after = signal.getsignal(signal.SIGINT)
    if after != before:
        signal.signal(signal.SIGINT, before)
    assert after == before or after is not signal.SIG_IGN, (
        f"this test left SIGINT ignored (was {before!r})")
