"""Gains (ODD 7.12): what a firm's use cases deliver, and what it expects."""

from __future__ import annotations

import numpy as np

from ..codes import EXPERIMENTING, N_STAGES, N_USE_CASE_STAGES, UC_IN_DEVELOPMENT, UC_IN_PLACE
from .compiled import per_firm

# Stage-indexed 0/1 weights of the gains: by UseCaseStage, the ramp counts for a use case in
# place, the pilot share for one in development; by Stage, a firm experimenting or beyond.
_RAMP_WEIGHT = (np.arange(N_USE_CASE_STAGES) == UC_IN_PLACE).astype(np.float64)
_PILOT_WEIGHT = (np.arange(N_USE_CASE_STAGES) == UC_IN_DEVELOPMENT).astype(np.float64)
_ACTIVE_WEIGHT = (np.arange(N_STAGES) >= EXPERIMENTING).astype(np.float64)


@per_firm
def update_gains(i, stage, uc_stage, uc_months, enthusiasm, shadow_ai, realised, expected,
                 usecase_values, ramp_table, pilot_gain_share, gain_cap, shadow_gain,
                 expected_gain, expected_per_enthusiasm):  # fmt: skip
    """Firm i's realised and expected gains by Gain (productivity, cost, revenue), percent.

    Realised (Figures 15-16: +5.4% productivity, +3.3% cost, +1.2% revenue among active
    firms): only for a firm experimenting or beyond, the value V of each use case in place,
    ramping up as 1 - e^(-months/lag), plus ``pilot_gain_share`` of the value of each use
    case in development, with diminishing returns: cap * V / (cap + V) (``gain_cap``: the
    ceiling, half reached when V equals it; a hyperbola rather than 1 - e^(-V/cap), the same
    shape for no exponential, which made the month 18% slower;
    firm-level evidence puts gains mostly below 5%).  Business teams using tools of their
    own add ``shadow_gain`` to productivity.

    Expected (Figures 15-16: +7.6% productivity, +3.3% revenue):
    ``expected_gain`` at enthusiasm ``expected_gain_enthusiasm``, proportional to the
    firm's enthusiasm (``expected_per_enthusiasm`` = 1 / that enthusiasm).

    Branch-free: a firm's use cases are in mixed stages, so a branch on the stage would be
    mispredicted often (and LLVM turns a select on it back into a branch).  The weight of a
    use case comes from small tables indexed by its stage: its ramp if in place, the pilot
    share if in development, 0 otherwise (adding 0.0 leaves each sum bit for bit as a branch
    would have).
    """
    top = ramp_table.shape[0] - 1
    values = usecase_values
    r0 = 0.0
    r1 = 0.0
    r2 = 0.0
    active = _ACTIVE_WEIGHT[stage[i]]
    for j in range(uc_stage.shape[1]):
        st = uc_stage[i, j]
        ramp = ramp_table[min(uc_months[i, j], top)]
        w = active * (ramp * _RAMP_WEIGHT[st] + pilot_gain_share * _PILOT_WEIGHT[st])
        r0 += w * values[0, j]
        r1 += w * values[1, j]
        r2 += w * values[2, j]
    r0 = gain_cap[0] * r0 / (gain_cap[0] + r0)
    r1 = gain_cap[1] * r1 / (gain_cap[1] + r1)
    r2 = gain_cap[2] * r2 / (gain_cap[2] + r2)
    if shadow_ai[i]:
        r0 += shadow_gain
    realised[i, 0] = r0
    realised[i, 1] = r1
    realised[i, 2] = r2
    e = expected_per_enthusiasm * enthusiasm[i]
    expected[i, 0] = e * expected_gain[0]
    expected[i, 1] = e * expected_gain[1]
    expected[i, 2] = e * expected_gain[2]
