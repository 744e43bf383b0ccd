"""The two views of "deployed" (ODD 7.17, text p.2): what a Technique and a Business
respondent of a firm would call AI deployed.  Technique's view is strict, Business's loose,
so that the gap between the two (10% vs 21%) comes out of the firms, not out of a number.

Each view is a rule for one firm (the reporters' tally and the agents use it); the simulated
survey asks it of every firm at once (``technique_sees_deployed``, ``business_sees_deployed``).
"""

from __future__ import annotations

import numpy as np

from ..codes import BUSINESS_TOOL_CASES, DEPLOYED, UC_IN_DEVELOPMENT
from ..state import FirmState
from .compiled import every_firm, per_firm

_CONTENT, _PERSONALISATION = BUSINESS_TOOL_CASES


@per_firm
def technique_sees_deployed_firm(i, stage):
    """Technique's strict view of firm i: a use case is integrated and in place."""
    return stage[i] >= DEPLOYED


@per_firm
def business_sees_deployed_firm(i, stage, shadow_ai, loose_view, uc_stage):
    """Business's loose view of firm i: Technique's, or its teams use AI tools on their own
    (shadow AI), or, for a Business that counts a pilot as in place (``loose_view``), a
    content or personalisation use case is in development (a pilot of a Business tool).

    Branch-free (``|`` and ``&`` on booleans), as the reporters' tally needs."""
    pilot = (uc_stage[i, _CONTENT] == UC_IN_DEVELOPMENT) | (
        uc_stage[i, _PERSONALISATION] == UC_IN_DEVELOPMENT
    )
    return (stage[i] >= DEPLOYED) | shadow_ai[i] | (loose_view[i] & pilot)


def technique_sees_deployed(state: FirmState) -> np.ndarray:
    """Every firm's Technique view (``technique_sees_deployed_firm``), a bool array."""
    return every_firm(technique_sees_deployed_firm, state)


def business_sees_deployed(state: FirmState) -> np.ndarray:
    """Every firm's Business view (``business_sees_deployed_firm``), a bool array."""
    return every_firm(business_sees_deployed_firm, state)
