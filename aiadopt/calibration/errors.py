"""The errors of a calibration, apart so that every calibration module can raise them."""

from __future__ import annotations

__all__ = ["CalibrationError", "EvaluationFailed", "SpecError"]


class SpecError(ValueError):
    """A calibration spec is invalid; the message names the file, the key and what is allowed."""


class CalibrationError(RuntimeError):
    """A calibration cannot go on as asked (e.g. an evaluation log made by another objective)."""


class EvaluationFailed(CalibrationError):
    """An evaluation could not be computed: its worker process kept dying (killed, out of
    memory).  The evaluations logged so far are kept; the same call resumes from them."""
