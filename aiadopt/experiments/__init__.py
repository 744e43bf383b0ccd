"""Experiments with the model: scenario experiments (interventions, replicates with common
random numbers, parallel and distributed runs, resumable tidy results), single runs and the
global sensitivity analysis.

- :mod:`~aiadopt.experiments.scenarios`: scenario files (TOML), sweeps, the built-in scenarios;
- :mod:`~aiadopt.experiments.seeds`: replicate seeds and parameter draws (common random
  numbers);
- :mod:`~aiadopt.experiments.runner`: one run (scenario point x replicate) to a tidy frame;
- :mod:`~aiadopt.experiments.executors`: this process, a local process pool, or Dask;
- :mod:`~aiadopt.experiments.store`: the experiment's folder, atomic per-run files, resume;
- :mod:`~aiadopt.experiments.summary`: share at scale and realised productivity, paired
  differences with 95% intervals;
- :mod:`~aiadopt.experiments.api`: :func:`run_experiment` and :func:`execute_experiment`;
- :mod:`~aiadopt.experiments.single`: one run saved to a folder (:func:`run_and_save`,
  ``aiadopt run``);
- :mod:`~aiadopt.experiments.params_file`: the parameter listing and the commented parameter
  file (``aiadopt params``);
- :mod:`~aiadopt.experiments.sensitivity`: Morris and Sobol' indices of the calibrated
  parameters (:func:`run_sensitivity`, ``aiadopt sensitivity``);
- :mod:`~aiadopt.experiments.live`: the dashboard's live runs (the model built from its
  levers, the run without levers).

Every module here computes and writes tables; figures are drawn by :mod:`aiadopt.views` and
handed in through a ``figures=`` hook.
"""

from .api import ExperimentResult, execute_experiment, plan_experiment, run_experiment
from .executors import ExecutorError
from .runner import DEFAULT_METRICS
from .scenarios import (
    BUILTIN_SCENARIOS,
    Lever,
    Scenario,
    ScenarioError,
    builtin_scenarios,
    describe_builtin_scenarios,
    load_scenario,
    load_scenarios,
)
from .sensitivity import SensitivityError, run_sensitivity
from .single import RunError, RunResult, run_and_save
from .store import ExperimentError, load_manifest, load_results
from .summary import format_summary, summarise

__all__ = [
    "BUILTIN_SCENARIOS",
    "DEFAULT_METRICS",
    "ExecutorError",
    "ExperimentError",
    "ExperimentResult",
    "Lever",
    "RunError",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "SensitivityError",
    "builtin_scenarios",
    "describe_builtin_scenarios",
    "execute_experiment",
    "format_summary",
    "load_manifest",
    "load_results",
    "load_scenario",
    "load_scenarios",
    "plan_experiment",
    "run_and_save",
    "run_experiment",
    "run_sensitivity",
    "summarise",
]
