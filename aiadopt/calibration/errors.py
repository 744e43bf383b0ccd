"""The two errors of a calibration, apart so that every calibration module can raise them."""

from __future__ import annotations

__all__ = ["CalibrationError", "SpecError"]


class SpecError(ValueError):
    """A calibration spec is invalid; the message names the file, the key and what is allowed."""


class CalibrationError(RuntimeError):
    """A calibration cannot go on as asked (e.g. an evaluation log made by another objective)."""
