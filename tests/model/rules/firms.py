"""Small hand-built populations for the rule tests: a ``FirmState`` of a few firms with plain
values, the month's inputs with chosen draws, and a rule applied to one firm."""

from __future__ import annotations

from typing import Any

import numpy as np

from aiadopt.model.agents import apply_rule
from aiadopt.model.codes import N_POOLS
from aiadopt.model.params import N_USE_CASES, Params
from aiadopt.model.rules.constants import derived
from aiadopt.model.rules.engagement import log_stay_of
from aiadopt.model.rules.month import MonthInputs
from aiadopt.model.stages import Collaboration, Outsourcing, ProviderManager, Stage, Strategy
from aiadopt.model.state import FirmState, MonthDraw, SetUpDraw

NO_EVENT = 0.999_999
"""A draw above every monthly probability the tests use: nothing happens."""


def firms(n: int = 3, **values: Any) -> FirmState:
    """``n`` firms, not engaged, every attribute at a plain value; ``values`` sets any array
    (a scalar for all firms, or the whole array)."""
    def full(value: Any, dtype: Any, shape: tuple[int, ...] = ()) -> np.ndarray:
        return np.full((n, *shape), value, dtype=dtype)

    state = FirmState(
        size=full(0, np.int8), sector=full(0, np.int8), region=full(0, np.int8),
        pool=full(0, np.int16), stage=full(Stage.NOT_ENGAGED, np.int8),
        engaged_month=full(-1, np.int16), scaled=full(False, bool),
        strategy=full(Strategy.NONE, np.int8), outsourcing=full(Outsourcing.NONE, np.int8),
        manager=full(ProviderManager.NOBODY, np.int8), training=full(False, bool),
        dedicated=full(False, bool), roles_internal=full(False, bool),
        roles_external=full(False, bool), external_experts=full(False, bool),
        skills=full(0.5, np.float32), security=full(0.5, np.float32),
        technique_agentic=full(False, bool), demand=full(0.5, np.float32),
        enthusiasm=full(0.5, np.float32), shadow_propensity=full(0.5, np.float32),
        shadow_ai=full(False, bool), loose_view=full(False, bool),
        business_agentic=full(False, bool), regulation=full(0.5, np.float32),
        finance=full(0.5, np.float32), collaboration=full(Collaboration.UNSET, np.int8),
        difficulties=full(False, bool, (3,)), uc_stage=full(0, np.int8, (N_USE_CASES,)),
        uc_months=full(0, np.int16, (N_USE_CASES,)), uc_stall=full(0, np.int8, (N_USE_CASES,)),
        uc_experience=full(0.0, np.float32, (N_USE_CASES,)),
        expected=full(0.0, np.float32, (3,)), realised=full(0.0, np.float32, (3,)),
        setup_draws=full(NO_EVENT, np.float32, (len(SetUpDraw),)),
    )  # fmt: skip
    for name, value in values.items():
        array = getattr(state, name)
        array[...] = value
    return state


def month(
    n: int = 3,
    *,
    step: int = 5,
    agentic: bool = True,
    peers: float | np.ndarray = 0.0,
    pool_prob: float | np.ndarray = 0.0,
    **draws: float,
) -> MonthInputs:
    """The month's inputs for ``n`` firms: every draw ``NO_EVENT`` unless given by its
    ``MonthDraw`` name in lower case (``engage=0.1``), or ``usecases=`` for every use case."""
    u = np.full((n, len(MonthDraw)), NO_EVENT, dtype=np.float32)
    for name, value in draws.items():
        if name != "usecases":
            u[:, MonthDraw[name.upper()]] = value
    u_cases = np.full((n, N_USE_CASES), draws.get("usecases", NO_EVENT), dtype=np.float32)
    prob = np.broadcast_to(np.asarray(pool_prob, dtype=np.float64), (N_POOLS,)).copy()
    return MonthInputs(
        step=step, agentic=agentic, u=u, u_cases=u_cases,
        peers_by_pool=np.broadcast_to(np.asarray(peers, dtype=np.float64), (N_POOLS,)).copy(),
        pool_prob=prob, log_stay=log_stay_of(prob),
    )  # fmt: skip


def apply(rule: Any, state: FirmState, i: int = 0, *sources: object, params: Params | None = None,
          **given: Any) -> Any:  # fmt: skip
    """Apply a compiled rule to firm ``i`` (arguments by name: ``given``, then ``sources``,
    the state, the constants of ``params``)."""
    return apply_rule(rule, state, params or Params(), i, *sources, **given)


def constants(params: Params | None = None) -> Any:
    """The compiled rules' constants of ``params``."""
    return derived(params or Params()).k
