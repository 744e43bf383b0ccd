"""Obstacle severities (ODD 2.2, Figures 3-4): one definition, for one firm and for all."""

from __future__ import annotations

import numpy as np
import pytest

from aiadopt.model.rules import obstacles
from aiadopt.model.stages import Obstacle

from .firms import apply, firms, month

_ATTRIBUTES = ("demand", "skills", "security", "regulation", "finance")


def _random_firms(n: int = 50):
    rng = np.random.default_rng(3)
    values = {name: rng.random(n).astype(np.float32) for name in _ATTRIBUTES}
    values["demand"][0] = np.float32(1e-12)  # 1 - demand rounds: the forms must not differ
    return firms(n, **values)


def test_severity_is_the_studys_obstacle_of_each_attribute() -> None:
    state = firms(1, demand=0.25, skills=0.75, security=0.875, regulation=0.125, finance=0.5)
    got = [apply(obstacles.severity, state, 0, o=int(o), centre=0.0) for o in Obstacle]
    assert got == [0.75, 0.25, 0.875, 0.125, 0.5]  # utility = 1 - demand; skills = 1 - skills
    centred = [apply(obstacles.severity, state, 0, o=int(o), centre=0.5) for o in Obstacle]
    assert centred == pytest.approx([0.25, -0.25, 0.375, -0.375, 0.0])


def test_every_firms_severities_are_each_firms_in_float32() -> None:
    state = _random_firms()
    got = obstacles.obstacle_severities(state)
    want = np.stack([1.0 - state.demand, 1.0 - state.skills, state.security, state.regulation,
                     state.finance], axis=1)  # fmt: skip
    assert got.dtype == np.float32 and np.array_equal(got, want)
    for i in range(state.n):
        one = [apply(obstacles.severity, state, i, o=int(o), centre=0.0) for o in Obstacle]
        assert got[i] == pytest.approx(one, abs=1e-7)


def test_the_load_is_the_weighted_centred_sum_bit_for_bit() -> None:
    """The rules' expression of old, w0 (0.5 - demand) + w1 (0.5 - skills) + w2 (security -
    0.5) + ..., in this order: the refactor into ``severity`` kept every bit."""
    state = _random_firms()
    w = np.array([1.2, 0.8, 0.5, 0.3, 0.5])
    for i in range(state.n):
        d, s, c, r, f = (float(getattr(state, name)[i]) for name in _ATTRIBUTES)
        want = (w[0] * (0.5 - d) + w[1] * (0.5 - s) + w[2] * (c - 0.5) + w[3] * (r - 0.5)
                + w[4] * (f - 0.5))  # fmt: skip
        assert apply(obstacles.obstacle_load, state, i, weights=w) == want


def test_cited_obstacles_are_packed_one_bit_each_the_first_highest() -> None:
    state = firms(2, demand=np.array([0.2, 0.9]), skills=0.7, security=np.array([0.9, 0.1]),
                  regulation=0.1, finance=np.array([0.6, 0.5]))  # fmt: skip
    flags = [apply(obstacles.cited_flags, state, i, cite_threshold=0.5) for i in range(2)]
    assert flags == [0b10101, 0b00000]  # utility, security, finance; nothing above 0.5


def test_drifting_severities_follow_the_months_shift_within_0_1() -> None:
    state = firms(3, security=np.array([0.5, 0.02, 0.99]), regulation=np.array([0.5, 0.99, 0.0]),
                  finance=np.array([0.5, 0.3, 0.01]), demand=0.4, skills=0.6)  # fmt: skip
    shift = (-0.05, 0.03, -0.02)
    for i in range(3):
        apply(obstacles.follow_trends, state, i, month(3, shift=shift))
    assert state.security == pytest.approx([0.45, 0.0, 0.94])  # clipped at 0
    assert state.regulation == pytest.approx([0.53, 1.0, 0.03])  # clipped at 1
    assert state.finance == pytest.approx([0.48, 0.28, 0.0])
    # utility and skills are not exogenous: they do not drift
    assert np.all(state.demand == np.float32(0.4)) and np.all(state.skills == np.float32(0.6))
