"""Shared by the calibration tests: a tiny spec (2 free parameters, 300 firms) and the shipped
fit's file."""

from __future__ import annotations

from pathlib import Path

from aiadopt.model import params as params_module

SHIPPED_FIT = Path(params_module.__file__).with_name(params_module.SHIPPED_FIT)
"""The shipped fit (``aiadopt/model/fitted.toml``)."""

TINY_SPEC = """\
free = [
  { name = "bass_p", low = 0.0005, high = 0.05, guess = 0.0008, log = true },
  { name = "complete_development", low = 0.005, high = 0.5, guess = 0.3, log = true },
]

[run]
n_firms = 300
seeds = [1, 2]

[optimizer]
maxiter = 3
popsize = 4
workers = 1
seed = 7
"""


def write_file(folder: Path, text: str, name: str = "spec.toml") -> Path:
    """Write ``text`` to ``folder/name``; returns the path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


TINY_PLAN = """[sampler]
n_firms = 1000
prior_runs = 40
waves = 1
wave_runs = 16
train_size = 56
steps = 12
final_steps = 24
draws = 12
check_runs = 3
max_active = 3
"""
"""A calibration plan of about 60 short runs (calibration v2), for end-to-end tests."""
