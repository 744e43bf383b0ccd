"""The errors of a calibration, apart so that every calibration module can raise them."""

from __future__ import annotations

__all__ = ["CalibrationError", "SpecError"]


class SpecError(ValueError):
    """A calibration input (the plan, the priors, the series, the evidence) is invalid; the
    message names the file, the key and what is allowed."""


class CalibrationError(RuntimeError):
    """A calibration cannot go on as asked (e.g. a Dask scheduler out of reach, a
    posterior file that cannot be read, too few valid posterior draws)."""
