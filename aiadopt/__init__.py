"""aiadopt: an agent-based simulation of how French firms adopt generative AI.

Calibrated on a 2025 survey of 231 French decision-makers (Publicis Sapient, firms of 100+
employees, 114 Technique and 117 Business respondents).

Importing the package is cheap: ``__version__`` comes from :mod:`aiadopt.files` (read there
from the installed metadata, in one place), and the model's names (:class:`AdoptionModel`,
:class:`Params`, ...) are imported from :mod:`aiadopt.model` on first use, so that ``aiadopt
--help`` starts without numpy, pandas, mesa or numba.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .files import __version__

if TYPE_CHECKING:
    from .model import AdoptionModel, ParameterError, Params, Stage, run_model

_LAZY = {"AdoptionModel", "ParameterError", "Params", "Stage", "run_model"}
"""Names of :mod:`aiadopt.model` offered here, imported on first use."""

__all__ = ["AdoptionModel", "ParameterError", "Params", "Stage", "__version__", "run_model"]


def __getattr__(name: str) -> Any:
    """``aiadopt.Params`` and the other model names: imported from :mod:`aiadopt.model` on
    first use (then cached in the package)."""
    if name in _LAZY:
        value = getattr(import_module(".model", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _LAZY)
