"""Scenario experiments: interventions, replicates with common random numbers, parallel and
distributed runs, resumable tidy results.

- :mod:`~aiadopt.experiments.scenarios`: scenario files (TOML), sweeps, the built-in scenarios;
- :mod:`~aiadopt.experiments.seeds`: replicate seeds and parameter draws (common random
  numbers);
- :mod:`~aiadopt.experiments.runner`: one run (scenario point x replicate) to a tidy frame;
- :mod:`~aiadopt.experiments.executors`: this process, a local process pool, or Dask;
- :mod:`~aiadopt.experiments.store`: the experiment's folder, atomic per-run files, resume;
- :mod:`~aiadopt.experiments.summary`: share at scale and realised productivity, paired
  differences with 95% intervals;
- :mod:`~aiadopt.experiments.api`: :func:`run_experiment` and :func:`execute_experiment`.
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
from .store import ExperimentError, load_manifest, load_results
from .summary import format_summary, summarise

__all__ = [
    "BUILTIN_SCENARIOS",
    "DEFAULT_METRICS",
    "ExecutorError",
    "ExperimentError",
    "ExperimentResult",
    "Lever",
    "Scenario",
    "ScenarioError",
    "builtin_scenarios",
    "describe_builtin_scenarios",
    "execute_experiment",
    "format_summary",
    "load_manifest",
    "load_results",
    "load_scenario",
    "load_scenarios",
    "plan_experiment",
    "run_experiment",
    "summarise",
]
