"""Collaboration (ODD 7.15): unbalanced collaboration becomes balanced with experience, and
deployed firms meet questions of organisation.  The mode and the difficulties at engagement
are drawn in ``setup.py``."""

from __future__ import annotations

from ..codes import (
    BALANCED,
    COLLABORATION_UNSET,
    DEPLOYED,
    ORGANISATION,
    PLANNED,
    U_ORGANISATION,
    U_REBALANCE,
)
from .compiled import per_firm


@per_firm
def rebalance(i, u, stage, collaboration, p_rebalance):
    """Engaged firm i's unbalanced collaboration may become balanced, at a rate that depends
    on its stage, faster once deployed (assumption; the Figure 13 shift, 31% balanced at
    set-up to 46% once deployed, is kept for validation)."""
    c = collaboration[i]
    unbalanced = c != COLLABORATION_UNSET and c != BALANCED and stage[i] >= PLANNED
    if unbalanced and u[i, U_REBALANCE] < p_rebalance[stage[i] - 1]:
        collaboration[i] = BALANCED


@per_firm
def meet_organisation_questions(i, u, stage, difficulties, p_organisation):
    """Deployed firm i may meet questions of organisation and leadership (Figure 14 text:
    the leaders who scaled report more need for clarity on organisation); the difficulty
    then slows its scaling (``organisation_effect``) for good."""
    if (
        stage[i] >= DEPLOYED
        and not difficulties[i, ORGANISATION]
        and u[i, U_ORGANISATION] < p_organisation
    ):
        difficulties[i, ORGANISATION] = True
