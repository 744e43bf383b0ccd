"""aiadopt: an agent-based simulation of how French firms adopt generative AI.

Calibrated on a 2025 survey of 231 French decision-makers (Publicis Sapient, firms of 100+
employees, 114 Technique and 117 Business respondents).

Importing the package is cheap: ``__version__`` comes from :mod:`aiadopt.files` (read there
from the installed metadata, in one place), and the model's names (:class:`AdoptionModel`,
:class:`Params`, ...) are imported from :mod:`aiadopt.model` on first use, as is
:class:`Results` (a results folder for research in Python, :mod:`aiadopt.views.results`), so
that ``aiadopt --help`` starts without numpy, pandas, mesa or numba.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .files import __version__

if TYPE_CHECKING:
    from .model import AdoptionModel, ParameterError, Params, Stage, run_model
    from .views.results import Results

_LAZY = {
    "AdoptionModel": ".model",
    "ParameterError": ".model",
    "Params": ".model",
    "Stage": ".model",
    "run_model": ".model",
    "Results": ".views.results",
}
"""Names offered here and the module each is imported from on first use."""

__all__ = [
    "AdoptionModel",
    "ParameterError",
    "Params",
    "Results",
    "Stage",
    "__version__",
    "run_model",
]


def __getattr__(name: str) -> Any:
    """``aiadopt.Params``, ``aiadopt.Results`` and the other names of :data:`_LAZY`: imported
    from their module on first use (then cached in the package)."""
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
