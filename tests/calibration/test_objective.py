"""The calibration's objective (aiadopt.calibration.objective) and the shipped fit."""

from __future__ import annotations




