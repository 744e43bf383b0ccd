"""Scaling and the stage (ODD 7.7): deployed firms scale, scaled firms may fall back, and
every firm's stage is derived from its portfolio."""

from __future__ import annotations

import numpy as np

from ..codes import ORGANISATION, SCALED, U_SCALE, UC_IN_PLACE
from .compiled import event, per_firm


@per_firm
def scale_and_derive_stage(i, u, progress, stage, scaled, uc_stage, difficulties, enthusiasm,
                           scale_hazard, organisation_effect, scale_per_usecase_effect,
                           unscale_hazard, fallback_disappointment_effect):  # fmt: skip
    """Deployed firm i may scale, scaled firm i may fall back (Figure 7, phase 3; text p.2
    and p.6: large firms and firms with a tripartite strategy scale more, through
    ``progress``; each extra use case in place helps, an organisation difficulty hinders,
    Figure 14).  A scaled firm falls back at ``unscale_hazard`` times
    e^(``fallback_disappointment_effect`` * (0.5 - enthusiasm)): disappointed firms fall
    back more (Figure 7, phase 3, a result below expectations).  A firm with nothing in
    place is not scaled.

    Then firm i's stage is derived from its portfolio: its most advanced use case (NONE,
    PLANNED, IN_DEVELOPMENT and IN_PLACE map onto the first four stages), SCALED if it
    scaled: the stage is never a state of its own.
    """
    top = 0
    in_place = 0
    for j in range(uc_stage.shape[1]):
        st = uc_stage[i, j]
        if st > top:
            top = st
        if st == UC_IN_PLACE:
            in_place += 1
    if in_place == 0:
        scaled[i] = False
    elif scaled[i]:
        rate = unscale_hazard * np.exp(fallback_disappointment_effect * (0.5 - enthusiasm[i]))
        if event(u[i, U_SCALE], rate):
            scaled[i] = False
    else:
        x = progress + scale_per_usecase_effect * (in_place - 1)
        if difficulties[i, ORGANISATION]:
            x += organisation_effect
        if event(u[i, U_SCALE], scale_hazard * np.exp(x)):
            scaled[i] = True
    stage[i] = SCALED if (scaled[i] and top == UC_IN_PLACE) else top
