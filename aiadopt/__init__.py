"""aiadopt: an agent-based simulation of how French firms adopt generative AI.

Calibrated on a 2025 survey of 231 French decision-makers (Publicis Sapient, firms of 100+
employees, 114 Technique and 117 Business respondents).
"""

from importlib.metadata import PackageNotFoundError, version

from .model import AdoptionModel, ParameterError, Params, Stage, run_model

try:
    __version__ = version("aiadopt")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

__all__ = ["AdoptionModel", "ParameterError", "Params", "Stage", "__version__", "run_model"]
