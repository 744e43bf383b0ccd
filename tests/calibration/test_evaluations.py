"""The evaluation log of a calibration (aiadopt.calibration.evaluations): exact floats, the
cache it makes, a cut last line dropped, another objective's log refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from aiadopt.calibration.errors import CalibrationError
from aiadopt.calibration.evaluations import LOG_FILE, EvaluationLog
from aiadopt.calibration.free import FreeParameter
from aiadopt.model import Params


@dataclass
class FakeObjective:
    """What the log reads of an objective: free parameters, seeds, base, fingerprint."""

    free: list[FreeParameter] = field(
        default_factory=lambda: [FreeParameter("bass_p", 1e-4, 0.1, 0.01, log=True)]
    )
    seeds: tuple[int, ...] = (0, 1)
    base: Params = field(default_factory=lambda: Params(n_firms=100))
    print_: str = "fp-1"

    def fingerprint(self) -> str:
        return self.print_


def _log(out: Path, objective: FakeObjective, resume: bool) -> tuple[EvaluationLog, int]:
    log = EvaluationLog(out, objective)  # type: ignore[arg-type]
    return log, log.open(resume)


def test_the_log_reloads_exactly_as_a_cache(tmp_path: Path) -> None:
    objective = FakeObjective()
    log, n = _log(tmp_path, objective, resume=False)
    assert n == 0
    x = np.array([np.log(0.0123456789)])
    log.append(0, [(x, 1 / 3, [0.1, 0.1 / 3])])
    log.append(1, [(x, 9.0, [9.0, 9.0])])  # the same vector again: kept once, first loss
    header, *rows = (tmp_path / LOG_FILE).read_text().splitlines()
    assert header == "generation,loss,loss_seed_0,loss_seed_1,x0,bass_p"
    assert len(rows) == 2 and rows[0].split(",")[1] == repr(1 / 3)  # floats written exactly
    again, n = _log(tmp_path, objective, resume=True)
    assert n == 1
    [(_key, (loss, per_seed))] = again.cache.items()
    assert loss == 1 / 3 and per_seed == [0.1, 0.1 / 3]  # read back bit for bit


def test_a_cut_last_line_is_dropped_on_resume(tmp_path: Path) -> None:
    objective = FakeObjective()
    log, _ = _log(tmp_path, objective, resume=False)
    log.append(0, [(np.array([-3.0]), 2.0, [2.0, 2.0])])
    with (tmp_path / LOG_FILE).open("a") as fh:
        fh.write("1,0.5,0.5,0.5,-2.0,0.13")  # cut by a kill before its newline (its last
        # value may be cut short too, so the line is dropped though it parses)
    _, n = _log(tmp_path, objective, resume=True)
    assert n == 1
    assert (tmp_path / LOG_FILE).read_text().endswith("\n")  # cut on disk too


def test_another_objectives_log_is_refused_and_replaced_without_resume(tmp_path: Path) -> None:
    log, _ = _log(tmp_path, FakeObjective(), resume=False)
    log.append(0, [(np.array([-3.0]), 2.0, [2.0, 2.0])])
    with pytest.raises(CalibrationError, match="another objective"):
        _log(tmp_path, FakeObjective(print_="fp-2"), resume=True)
    _, n = _log(tmp_path, FakeObjective(print_="fp-2"), resume=False)
    assert n == 0 and len((tmp_path / LOG_FILE).read_text().splitlines()) == 1  # header only
