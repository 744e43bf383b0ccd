"""The adoption model: firms with Direction, Technique and Business agents (see docs/ODD.md)."""

from .numba_cache import purge_if_stale

purge_if_stale()  # before any compiled rule runs: numba's cache ignores the codes they read

# ruff: noqa: E402 (the imports below come after the cache check on purpose)
from .agents import Business, Direction, Firm, Technique
from .clock import SURVEY_MONTH
from .model import AdoptionModel, run_model
from .params import ParameterError, Params
from .stages import Stage

__all__ = [
    "SURVEY_MONTH",
    "AdoptionModel",
    "Business",
    "Direction",
    "Firm",
    "ParameterError",
    "Params",
    "Stage",
    "Technique",
    "run_model",
]
