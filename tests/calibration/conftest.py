"""Shared by the calibration tests: a tiny calibration plan and a helper to write input files."""

from __future__ import annotations

from pathlib import Path


def write_file(folder: Path, text: str, name: str) -> Path:
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
