"""AdoptionModel: the Mesa model of generative-AI adoption by French firms of 100+ employees.

One step is one month, from the release of ChatGPT (November 2022) to the horizon (default
December 2030); Mesa's step counter is the clock.  Each month, in this order:

0. interventions act on the firms they are due to treat (``interventions.py``);
1. the world moves every firm's security, regulation and finance severities
   (``exogenous.py``: trends, EU AI Act milestones); Bass engagement of not-engaged firms in
   the market (imitation of peers of the same sector and size) and the set-up of each new
   entrant (plans, alignment of the roles, Direction's choices, obstacles);
2. engaged firms with nothing in place may give up;
3. the use-case portfolios advance (start, overrun and stall, drop, complete, withdraw);
4. deployed firms scale or fall back; stages are derived from the portfolios;
5. Direction may review its choices; Technique learns; both roles hear of agentic AI;
   realised and expected gains are updated (expectations from last month's enthusiasm);
   Business's enthusiasm follows the hype cycle and media exposure, and Business decides on
   shadow AI; Technique and Business align or drift apart, and the collaboration mode
   follows; deployed firms meet organisation questions;
6. the DataCollector records the month.

Steps 1-5 run in one compiled pass over the firms (``rules.month.live_month``): each firm goes
through them in this order (``rules.schedule.MONTH``) before the next firm starts, which gives
the same state, bit for bit, as ``Firm.step`` applied to each firm in turn, because within a
month a firm's rules read no other firm (the draws and the peers' engaged share are taken at
the start: ``begin_month``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import mesa
import numpy as np
import pandas as pd

from .agents import Firm
from .clock import (
    LAST_MONTH,
    SURVEY_MONTH,
    check_last_month,
    month_index,
    months_between,
    step_to_month,
    step_to_timestamp,
)
from .interventions import Intervention, bind
from .params import Params, shipped_params
from .reporters import MODEL_REPORTERS, Tally, tally
from .rules.month import MonthInputs, draw_month, live_month, start
from .state import FirmState, init_population
from .streams import Streams


class AdoptionModel(mesa.Model):
    """Firms, each with a Direction, a Technique and a Business agent, adopting generative AI.

    Args:
        params: the parameter set (default: the shipped fit, ``params.shipped_params()``, the
            parameters ``aiadopt run`` uses; ``model.params_source`` says which were used).
        seed: the run's single seed; every random draw derives from it.  ``None`` draws fresh
            entropy and records it in ``model.seed`` so that the run can be repeated.
        collect: record the reporters every month (``True``), or not at all (``False``, for
            speed when only the final state matters).
        interventions: policies acting from their start month (see ``interventions.py``).
        firm_agents: build the Mesa agent of every firm (``True``).  ``False`` skips them
            (``model.firms`` is empty) for calibration and sweeps, where nobody reads a
            single firm: the rules run on the arrays either way, with identical results.
        **overrides: parameters to change, by name (so ``mesa.batch_run`` can sweep them).
    """

    def __init__(
        self,
        params: Params | None = None,
        seed: int | None = None,
        *,
        collect: bool = True,
        firm_agents: bool = True,
        interventions: Sequence[Intervention] = (),
        **overrides: Any,
    ) -> None:
        _check_arguments(params, seed, interventions)
        if params is None:
            params, source = shipped_params()
        else:
            source = "parameters given to AdoptionModel"
        if overrides:
            params = params.replace(**overrides)
            source += f" with {', '.join(sorted(overrides))} changed"
        _check_interventions(interventions, params)
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % (2**63))
        super().__init__(seed=seed)
        self.seed = int(seed)
        self.params = params
        self.params_source: str = source
        """Where the parameters come from: the shipped fit, built-in defaults or given."""
        self.streams = Streams(self.seed)
        self.state: FirmState = init_population(params, self.streams)
        self.n_months = months_between(params.start, params.horizon)
        self._agentic_step = months_between(params.start, params.agentic_start)
        self.interventions = bind(
            interventions, self.state, self.streams, params.start, params
        )
        self.firms: list[Firm] = (
            [Firm(self, i) for i in range(params.n_firms)] if firm_agents else []
        )
        self.datacollector = mesa.DataCollector(model_reporters=MODEL_REPORTERS if collect else {})
        self._collect = collect
        start(self.state, params)
        self.month_inputs: MonthInputs | None = None
        """The current month's inputs (draws, peer shares) while it is being lived."""
        self._tally: Tally | None = None
        self._collected_steps: list[int] = []
        if collect:
            self.collect()
        self.running = self.n_months > 0

    # --- time -----------------------------------------------------------------------------------
    @property
    def month(self) -> str:
        """The current month, ``YYYY-MM``."""
        return step_to_month(self.params.start, self.steps)

    def step(self) -> None:
        """Advance every firm by one month (see the module docstring for the order)."""
        month = self.begin_month()
        live_month(self.state, self.params, month)
        self.end_month()

    def begin_month(self) -> MonthInputs:
        """Start the month ``self.steps``: interventions act, then the month's inputs are
        drawn (``model.month_inputs``, which ``Firm.step`` reads)."""
        for intervention in self.interventions:
            intervention.apply(self.state, self.steps)
        self.month_inputs = draw_month(
            self.state, self.params, self.streams, self.steps,
            agentic=self.steps >= self._agentic_step,
        )  # fmt: skip
        return self.month_inputs

    def end_month(self) -> None:
        """End the month: record it, and stop at the horizon."""
        self.month_inputs = None
        if self._collect:
            self.collect()
        if self.steps >= self.n_months:
            self.running = False

    def collect(self) -> None:
        """Record every reporter for the current month (one shared tally of the firms)."""
        self._tally = tally(self)
        try:
            self.datacollector.collect(self)
            self._collected_steps.append(self.steps)
        finally:
            self._tally = None

    def tally(self) -> Tally:
        """The counts behind the reporters, for the current state (shared during a collect)."""
        return self._tally if self._tally is not None else tally(self)

    def run(self, until: str | None = None) -> AdoptionModel:
        """Run to ``until`` (``YYYY-MM``, default the horizon); returns the model."""
        if until is not None:
            _check_until(until)
        last = self.n_months if until is None else months_between(self.params.start, until)
        if not 0 <= last <= self.n_months:
            raise ValueError(
                f"until={until!r} is outside the run ({self.params.start} to {self.params.horizon})"
            )
        while self.steps < last:
            self.step()
        return self

    # --- results ----------------------------------------------------------------------------------
    def tidy(self) -> pd.DataFrame:
        """Every recorded reporter as a long table: date, month, metric, group, value."""
        rows_metric: list[str] = []
        rows_group: list[str] = []
        rows_step: list[int] = []
        values: list[float] = []
        for name, series in self.datacollector.model_vars.items():
            for step, value in zip(self._collected_steps, series, strict=True):
                if isinstance(value, np.ndarray):
                    for (metric, group), v in zip(MODEL_REPORTERS[name].keys, value, strict=True):
                        rows_metric.append(metric)
                        rows_group.append(group)
                        rows_step.append(step)
                        values.append(v)
                else:
                    rows_metric.append(name)
                    rows_group.append("all")
                    rows_step.append(step)
                    values.append(float(value))
        steps = np.asarray(rows_step, dtype=np.int64)
        start = self.params.start
        dates = pd.DatetimeIndex(
            [step_to_timestamp(start, k) for k in range(max(steps, default=0) + 1)]
        )
        frame = pd.DataFrame(
            {
                "date": dates[steps] if len(steps) else pd.DatetimeIndex([]),
                "metric": rows_metric,
                "group": rows_group,
                "value": np.asarray(values, dtype=np.float64),
            }
        )
        return frame.sort_values(["date", "metric", "group"], kind="stable").reset_index(drop=True)

    def close(self) -> None:
        """Release what Mesa keeps about this model (mesa#3179: ``Agent._ids`` holds every
        model alive in a long-running process) and drop the agents."""
        mesa.Agent._ids.pop(self, None)
        self.firms = []
        self._agents.clear()
        self._agents_by_type.clear()
        self._all_agents = mesa.agent.AgentSet([], random=self.random)

    def __enter__(self) -> AdoptionModel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_model(
    params: Params | None = None, seed: int = 0, until: str | None = None
) -> pd.DataFrame:
    """Build, run and release a model; returns its tidy trajectories."""
    with AdoptionModel(params, seed=seed) as model:
        model.run(until)
        return model.tidy()


def survey_step(params: Params) -> int:
    """Step of the study's fieldwork month (March 2025) for these parameters."""
    return month_index(SURVEY_MONTH) - month_index(params.start)


# --- argument checks: as strict as the command line, with the same words ---------------------
def _check_arguments(params: Any, seed: Any, interventions: Any) -> None:
    """The types and ranges of :class:`AdoptionModel`'s arguments (TypeError / ValueError
    naming the argument, its value and what is allowed): no silent conversion of a seed
    ``1.5``, ``"1"`` or ``True`` into 1."""
    if params is not None and not isinstance(params, Params):
        raise TypeError(
            f"params must be a Params (e.g. Params.from_dict({{...}}) or Params().replace(...)) "
            f"or None, got {type(params).__name__}"
        )
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
            raise TypeError(f"seed must be an integer >= 0 or None, got {seed!r}")
        if seed < 0:
            raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    if isinstance(interventions, str | bytes) or not isinstance(interventions, Sequence):
        raise TypeError(f"interventions must be a sequence of Intervention, got {interventions!r}")
    for iv in interventions:
        if not isinstance(iv, Intervention):
            raise TypeError(f"interventions must be Intervention objects, got {iv!r}")


def _check_interventions(interventions: Sequence[Intervention], params: Params) -> None:
    """Every intervention starts within the run (``params.start`` at the earliest)."""
    for iv in interventions:
        if month_index(iv.start) < month_index(params.start):
            raise ValueError(
                f"{iv.label} starts {iv.start}, before the model starts ({params.start}); an "
                f"intervention must start within the run, {params.start} to {params.horizon}"
            )


def _check_until(until: Any) -> None:
    """``until`` is a month ``YYYY-MM`` no later than :data:`LAST_MONTH` (TypeError for
    another type, ValueError for a malformed or too late month)."""
    if not isinstance(until, str):
        raise TypeError(f"until must be a month YYYY-MM up to {LAST_MONTH}, got {until!r}")
    try:
        check_last_month(until)
    except ValueError as exc:
        raise ValueError(f"until must be a month YYYY-MM up to {LAST_MONTH}: {exc}") from None
