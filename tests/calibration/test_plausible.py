"""The plausible set (aiadopt.calibration.plausible): the threshold, spread members, the
shipped set."""

from __future__ import annotations

import numpy as np

from aiadopt.calibration.free import FreeParameter
from aiadopt.calibration.plausible import (
    plausible_set,
)


def test_plausible_set_keeps_spread_vectors_deterministically() -> None:
    free = [FreeParameter("bass_p", 0.0, 0.1, 0.01), FreeParameter("bass_q", 0.0, 1.0, 0.1)]
    rng = np.random.default_rng(0)
    rows = [(rng.random(2) * [0.1, 1.0], float(loss)) for loss in rng.random(600) * 8.0]
    kept, threshold = plausible_set(rows, free, max_size=50)
    assert len(kept) == 50
    best = min(loss for _, loss in rows)
    assert kept[0][1] == best
    assert all(loss <= best + threshold for _, loss in kept)
    assert [loss for _, loss in kept] == [
        loss for _, loss in plausible_set(rows, free, max_size=50)[0]
    ]


