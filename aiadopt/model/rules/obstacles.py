"""Obstacle severities (ODD 2.2, Figures 3-4): derived from the firm's state, never stored.

A firm's severity of each Obstacle is: utility = 1 - Business demand; skills = 1 - Technique
skills; security = Technique's concern; regulation and finance, held by Direction.  The one
definition is ``severity``; engagement and progress weigh the severities (``obstacle_load``),
the reporters and the simulated survey compare them with ``cite_threshold``
(``obstacle_severities`` for every firm at once).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..codes import N_OBSTACLES, REGULATION, SECURITY, SKILLS, UTILITY
from .compiled import every_firm, per_firm

if TYPE_CHECKING:
    from ..state import FirmState


@per_firm
def severity(i, o, centre, demand, skills, security, regulation, finance):
    """Firm i's severity of obstacle ``o`` minus ``centre``.

    The centre is subtracted inside the expression (``(1 - centre) - demand``, not
    ``(1 - demand) - centre``) so that a centre of 0.5, a literal, leaves the one rounding of
    ``0.5 - demand`` that the rules have always computed, and a centre of 0 the plain severity.
    With ``i`` the slice of every firm (``compiled.every_firm``), the column of every firm in
    the arrays' own dtype (``obstacle_severities``).
    """
    if o == UTILITY:
        return (1.0 - centre) - demand[i]
    if o == SKILLS:
        return (1.0 - centre) - skills[i]
    if o == SECURITY:
        return security[i] - centre
    if o == REGULATION:
        return regulation[i] - centre
    return finance[i] - centre


@per_firm
def obstacle_load(i, weights, demand, skills, security, regulation, finance):
    """Firm i's weighted sum of its obstacles' severities, each centred on 0.5:
    sum_o weights[o] * (severity_o - 0.5), summed in Obstacle order.

    The centre is a reference point that the hazards absorb (ODD 7.1): a firm of average
    severity has a load near 0 whatever the weights.
    """
    x = weights[0] * severity(i, 0, 0.5, demand, skills, security, regulation, finance)
    for o in range(1, N_OBSTACLES):
        x += weights[o] * severity(i, o, 0.5, demand, skills, security, regulation, finance)
    return x


@per_firm
def cited_flags(i, cite_threshold, demand, skills, security, regulation, finance):
    """The obstacles firm i's respondent cites (severity above ``cite_threshold``), packed
    one bit per Obstacle, the first obstacle in the highest bit."""
    cited = 0
    for o in range(N_OBSTACLES):
        cited = 2 * cited + (
            severity(i, o, 0.0, demand, skills, security, regulation, finance) > cite_threshold
        )
    return cited


def obstacle_severities(state: FirmState) -> np.ndarray:
    """Severity of each Obstacle for every firm, (n, N_OBSTACLES) in the state's float32
    (``severity`` on whole arrays, ``compiled.every_firm``: float32 arithmetic, as the survey
    has always read the severities; the compiled rules compute them in float64)."""
    columns = [every_firm(severity, state, o=o, centre=0.0) for o in range(N_OBSTACLES)]
    return np.stack(columns, axis=1)


@per_firm
def follow_trends(i, obstacle_shift, security, regulation, finance):
    """Firm i's drifting severities move with the world (``exogenous``: the trends of cost
    and security, the milestones of the EU AI Act), this month's ``obstacle_shift``
    (security, regulation, finance), kept within [0, 1]."""
    security[i] = min(max(security[i] + obstacle_shift[0], 0.0), 1.0)
    regulation[i] = min(max(regulation[i] + obstacle_shift[1], 0.0), 1.0)
    finance[i] = min(max(finance[i] + obstacle_shift[2], 0.0), 1.0)
