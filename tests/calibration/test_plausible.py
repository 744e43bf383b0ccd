"""The plausible set (aiadopt.calibration.plausible): the threshold, spread members, the
shipped set."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest

from aiadopt.calibration.errors import CalibrationError
from aiadopt.calibration.free import FreeParameter
from aiadopt.calibration.plausible import (
    MAX_PLAUSIBLE,
    load_plausible_set,
    packaged_set,
    plausible_set,
)
from aiadopt.calibration.spec import load_spec
from aiadopt.model import Params

from .conftest import SHIPPED_FIT


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


def test_packaged_calibration_loads() -> None:
    """The packaged plausible set goes with a fit; hand-set values (model v2 until the
    calibration refits it) ship none, and asking for it says which file is missing."""
    packaged = SHIPPED_FIT
    fitted = Params.from_toml(packaged)
    meta = tomllib.loads(packaged.read_text(encoding="utf-8"))["meta"]
    if meta.get("method") == "hand-set":
        assert not packaged_set().is_file()
        with pytest.raises(CalibrationError, match="no such plausible-set file") as err:
            load_plausible_set()
        assert str(packaged_set()) in str(err.value)
        return
    members = load_plausible_set()
    # the best vector leads the set (equal up to the last bit of the renormalised shares)
    best, want = members[0].to_dict(), fitted.to_dict()
    for key, value in want.items():
        if isinstance(value, str):
            assert best[key] == value, key
        else:
            assert best[key] == pytest.approx(value, rel=1e-12), key
    assert meta["free"] == load_spec().names
    assert len(members) <= MAX_PLAUSIBLE
