"""Interactive dashboard: the adoption model on Mesa's SolaraViz, in a web browser.

Start it with ``aiadopt dashboard`` (or :func:`serve`): a Solara server on 127.0.0.1 (port 8765
by default) shows one page with

- inputs for the population size, the seed and the levers: the share of engaged firms given a
  tripartite strategy, a training programme or co-managed outsourcing, and cuts in the
  regulatory, financial and security obstacles.  The levers are :mod:`interventions
  <aiadopt.model.interventions>` acting from :data:`LEVER_START` (April 2025, the month after
  the survey) on top of the shipped fit (:func:`aiadopt.model.params.shipped_params`);
- Mesa's Reset, Play and Step controls (a changed input takes effect on Reset, which restarts
  the run in November 2022);
- live charts of the stage shares, the share of firms at scale and the Technique and Business
  views of "deployed", drawn by the same figure functions as ``aiadopt plot``
  (:mod:`aiadopt.views.trajectories`, the study's March 2025 values and their 95% intervals
  marked); once a lever is set, the run without levers (same population and seed) is drawn
  beside this run, the months the levers act are shaded, and a table gives the values now and
  at the survey month.

The dashboard needs the optional extra ``dashboard`` (``pip install -e ".[dashboard]"``): Mesa's
visualisation dependencies (Solara, Altair) and ``solara-assets``, the browser files Solara
would otherwise fetch from a CDN at run time.

Everything but the page itself is plain Python and usable without a browser::

    from aiadopt.views.dashboard import DashboardModel, chart
    model = DashboardModel(n_firms=2_000, seed=1, tripartite_share=1.0)
    model.run()
    chart(model, "stages").savefig("stages.png")
"""

from __future__ import annotations

import functools
import html
import socket
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from ..files import __version__
from ..model import AdoptionModel, Params
from ..model.clock import SURVEY_MONTH, step_to_timestamp
from ..model.interventions import Intervention
from ..model.params import shipped_params
from ..model.reporters import MODEL_REPORTERS
from ..model.stages import Stage, label
from .save import figure_png
from .series import RUN_SCENARIO
from .study import study_value
from .style import axes_of
from .trajectories import plot_deployed_views, plot_share_at_scale, plot_stage_shares

try:
    import solara

    with warnings.catch_warnings():  # Mesa 3.3's ComponentsView trips Solara's hook check
        warnings.filterwarnings("ignore", message=".*ComponentsView.*", category=UserWarning)
        from mesa.visualization import Slider, SolaraViz
except ModuleNotFoundError as exc:  # pragma: no cover - depends on the installed extras
    raise ModuleNotFoundError(
        f"the dashboard needs the optional dependencies of aiadopt's 'dashboard' extra "
        f"({exc.name} is missing): pip install -e '.[dashboard]'",
        name=exc.name,
    ) from exc

__all__ = [
    "COLUMNS",
    "DEFAULT_FIRMS",
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "DEFAULT_SEED",
    "LEVER_START",
    "MAX_FIRMS",
    "DashboardError",
    "DashboardModel",
    "Levers",
    "Page",
    "baseline_frame",
    "baseline_tidy",
    "chart",
    "chart_table",
    "model_params",
    "parse_seed",
    "readout_html",
    "run_frame",
    "serve",
    "study",
    "url_of",
]

LEVER_START = "2025-04"
"""First month the levers act (the month after the study's fieldwork)."""

DEFAULT_FIRMS = 5_000
"""Population of the dashboard's first run: small enough to step at interactive speed."""

MAX_FIRMS = 50_000
"""Largest population the slider offers."""

DEFAULT_SEED = 42
"""Seed of the first run (the same default as ``aiadopt run``)."""

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765

TITLE = "Generative-AI adoption by French firms: levers (aiadopt)"

_APP = "aiadopt.views.dashboard:Page"


class DashboardError(ValueError):
    """The dashboard cannot start as asked (e.g. the port is taken, a bad seed)."""


# --- the levers and the model ---------------------------------------------------------------------
_SHARE_LEVERS = {
    "tripartite_share": ("tripartite_strategy", "tripartite strategy"),
    "training_share": ("training", "training programme"),
    "co_managed_share": ("co_managed_outsourcing", "co-managed outsourcing"),
}
_REDUCTION_LEVERS = {
    "regulation_reduction": ("regulatory_clarity", "regulatory uncertainty"),
    "cost_reduction": ("cost_support", "financial constraint"),
    "security_reduction": ("security_framework", "security concern"),
}


@dataclass(frozen=True)
class Levers:
    """The dashboard's levers, each 0 (off) to 1, acting from ``start``.

    Shares are the share of engaged firms that the policy reaches (firms that engage later are
    reached when they engage); reductions cut an obstacle's severity of every firm by that
    fraction.
    """

    tripartite_share: float = 0.0
    training_share: float = 0.0
    co_managed_share: float = 0.0
    regulation_reduction: float = 0.0
    cost_reduction: float = 0.0
    security_reduction: float = 0.0
    start: str = LEVER_START

    def __post_init__(self) -> None:
        for f in fields(self):
            if f.name == "start":
                continue
            value = float(getattr(self, f.name))
            if not 0.0 <= value <= 1.0:
                raise DashboardError(f"{f.name} must be between 0 and 1, got {value}")
            object.__setattr__(self, f.name, round(value, 6))

    @property
    def active(self) -> bool:
        """Whether any lever is set."""
        return bool(self.interventions())

    def interventions(self) -> list[Intervention]:
        """The interventions the levers stand for (none for a lever at 0)."""
        out = []
        for name, (kind, text) in _SHARE_LEVERS.items():
            share = getattr(self, name)
            if share > 0:
                out.append(Intervention(kind, self.start, share=share, name=text))
        for name, (kind, text) in _REDUCTION_LEVERS.items():
            cut = getattr(self, name)
            if cut > 0:
                out.append(Intervention(kind, self.start, reduction=cut, name=text))
        return out

    def describe(self) -> list[str]:
        """One phrase per lever set, e.g. ``"tripartite strategy: 100% of engaged firms"``."""
        out = []
        for name, (_, text) in _SHARE_LEVERS.items():
            if getattr(self, name) > 0:
                out.append(f"{text}: {getattr(self, name):.0%} of engaged firms")
        for name, (_, text) in _REDUCTION_LEVERS.items():
            if getattr(self, name) > 0:
                out.append(f"{text}: cut by {getattr(self, name):.0%}")
        return out


def parse_seed(seed: int | str) -> int:
    """The seed typed in the page (surrounding blanks allowed); :class:`DashboardError` if it is
    not an integer >= 0."""
    try:
        value = int(str(seed).strip())
    except ValueError:
        raise DashboardError(f"the seed must be an integer >= 0, got {seed!r}") from None
    if value < 0:
        raise DashboardError(f"the seed must be an integer >= 0, got {value}")
    return value


@functools.cache
def _defaults() -> tuple[Params, str]:
    """The shipped fit and where it comes from (read once per process)."""
    return shipped_params()


class DashboardModel(AdoptionModel):
    """The adoption model as the dashboard builds it from its inputs.

    The shipped fit (:func:`aiadopt.model.params.shipped_params`) with ``n_firms`` firms,
    ``seed``, and the levers as interventions from :data:`LEVER_START`.  The firms' Mesa
    agents are not built (nobody looks at a single firm here; the rules run on the arrays
    either way, with identical results), and stepping past the horizon does nothing.

    The page builds it on Reset from what was typed: a seed that is not an integer >= 0 does
    not stop the page (Mesa would swallow the error and leave the old run on screen); the
    default seed is used instead and :attr:`warnings` says so (shown above the table).
    """

    def __init__(
        self,
        n_firms: int = DEFAULT_FIRMS,
        seed: int | str = DEFAULT_SEED,
        tripartite_share: float = 0.0,
        training_share: float = 0.0,
        co_managed_share: float = 0.0,
        regulation_reduction: float = 0.0,
        cost_reduction: float = 0.0,
        security_reduction: float = 0.0,
        *,
        params: Params | None = None,
    ) -> None:
        levers = Levers(
            tripartite_share=tripartite_share,
            training_share=training_share,
            co_managed_share=co_managed_share,
            regulation_reduction=regulation_reduction,
            cost_reduction=cost_reduction,
            security_reduction=security_reduction,
        )
        base, source = (params, "given parameters") if params is not None else _defaults()
        warnings_ = []
        try:
            seed = parse_seed(seed)
        except DashboardError as exc:
            warnings_.append(f"{exc}: seed {DEFAULT_SEED} used instead")
            seed = DEFAULT_SEED
        super().__init__(
            base,
            seed=seed,
            firm_agents=False,
            interventions=levers.interventions(),
            n_firms=int(n_firms),
        )
        self.levers = levers
        self.params_source = source
        self.warnings: list[str] = warnings_
        # Mesa wraps step() in the instance (the wrapper counts the step); past the horizon,
        # neither count nor step: the page's Step button may ask for more months than are left
        self._mesa_step = self.step
        self.step = self._step_until_horizon

    def _step_until_horizon(self) -> None:
        if self.running:
            self._mesa_step()


# --- data: the dashboard's series ---------------------------------------------------------------
_STAGES = [label(s) for s in Stage]

COLUMNS = [*_STAGES, "engaged", "active", "in_place", "technique", "business"]
"""Columns of :func:`run_frame`: the stage shares, then engaged (planned or beyond), active
(experimenting or beyond), in place (deployed or scaled: the study's "en place", "a
l'echelle"), and the share of firms whose Technique / Business respondent would say AI is
deployed."""


def _table(model: AdoptionModel, reporter: str, keys: Sequence[tuple[str, str]]) -> np.ndarray:
    """(months, len(keys)) values of a table reporter, as recorded by the DataCollector."""
    index = [MODEL_REPORTERS[reporter].keys.index(k) for k in keys]
    rows = model.datacollector.model_vars.get(reporter, [])
    if not rows:
        return np.empty((0, len(keys)))
    return np.vstack(rows)[:, index]


def run_frame(model: AdoptionModel) -> pd.DataFrame:
    """The dashboard's series of a model so far: one row per recorded month (index ``date``,
    the first day of the month), columns :data:`COLUMNS`, shares in [0, 1]."""
    stages = _table(model, "stage_shares", [(f"stage_share.{s}", "all") for s in _STAGES])
    views = _table(
        model,
        "deployed_views",
        [("deployed_view.technique", "all"), ("deployed_view.business", "all")],
    )
    dates = pd.DatetimeIndex(
        [step_to_timestamp(model.params.start, k) for k in model._collected_steps], name="date"
    )
    frame = pd.DataFrame(stages, index=dates, columns=_STAGES)
    frame["engaged"] = frame[_STAGES[Stage.PLANNED :]].sum(axis=1)
    frame["active"] = frame[_STAGES[Stage.EXPERIMENTING :]].sum(axis=1)
    frame["in_place"] = frame[_STAGES[Stage.DEPLOYED :]].sum(axis=1)
    frame["technique"] = views[:, 0]
    frame["business"] = views[:, 1]
    return frame[COLUMNS]


@functools.lru_cache(maxsize=16)
def _baseline(params: Params, n_firms: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    model = DashboardModel(n_firms=n_firms, seed=seed, params=params)
    model.run()
    return run_frame(model), model.tidy()


def baseline_frame(n_firms: int, seed: int, params: Params | None = None) -> pd.DataFrame:
    """:func:`run_frame` of the whole run without levers (same parameters, population and seed;
    cached).  The levers draw from their own random streams, so a run with levers is the same
    as this one until they start."""
    return _baseline(params if params is not None else _defaults()[0], int(n_firms), int(seed))[0]


def baseline_tidy(n_firms: int, seed: int, params: Params | None = None) -> pd.DataFrame:
    """The tidy trajectories of the same run without levers as :func:`baseline_frame` (cached)."""
    return _baseline(params if params is not None else _defaults()[0], int(n_firms), int(seed))[1]


_STUDY_TARGETS = {
    "engaged": "engaged_share",
    "active": "in_place_or_in_progress_share",
    "in_place": "in_place_share",
    "technique": "deployed_view_technique",
    "business": "deployed_view_business",
}


@functools.cache
def study() -> dict[str, tuple[float, float, float]]:
    """The study's values (March 2025) shown in the page's table, by column of
    :func:`run_frame`: ``(value, low, high)``, the 95% interval of
    :func:`aiadopt.calibration.targets.study_interval` (engaged 48%, active 29%, in place 15%,
    Technique says deployed 10%, Business 21%); read on first use."""
    out = {}
    for key, target_id in _STUDY_TARGETS.items():
        value = study_value(target_id, 1.0)
        if value is not None:
            out[key] = value
    return out


# --- figures: the same as `aiadopt plot`'s ------------------------------------------------------
THIS_RUN = RUN_SCENARIO
"""Scenario name of the page's run in its charts (``run``, as in a run's folder)."""

WITHOUT_LEVERS = "without levers"
"""Scenario name of the same run without levers (drawn once a lever is set)."""

_DPI = 100
_LEVERS_SHADE = "#fff3d6"


def _timestamp(month: str) -> pd.Timestamp:
    return pd.Timestamp(month + "-01")


def chart_table(model: DashboardModel) -> pd.DataFrame:
    """This run's trajectories so far (scenario :data:`THIS_RUN`) and, once a lever is set, the
    whole run without levers (:data:`WITHOUT_LEVERS`), as one experiment-like table."""
    frames = [model.tidy().assign(scenario=THIS_RUN, replicate=0)]
    if model.levers.active:
        base = baseline_tidy(model.params.n_firms, model.seed, model.params)
        frames.append(base.assign(scenario=WITHOUT_LEVERS, replicate=0))
    return pd.concat(frames, ignore_index=True)


def _mark_levers(fig, start: str, end: str) -> None:
    """Shade the months the levers act on every time axis of ``fig`` (labelled on the first)."""
    axes = [ax for ax in axes_of(fig) if ax.axison and ax.get_visible()]
    for k, ax in enumerate(axes):
        ax.axvspan(_timestamp(start), _timestamp(end), color=_LEVERS_SHADE, lw=0, zorder=0)
        if k == 0:
            ax.annotate(
                "levers act",
                (_timestamp(start), 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(3, -2),
                textcoords="offset points",
                ha="left",
                va="top",
                fontsize=8,
                color="#a66a00",
            )


def chart(model: DashboardModel, kind: str):
    """One chart of the page (``stages``, ``scale`` or ``views``) over the whole run, drawn by
    :func:`~aiadopt.views.trajectories.plot_stage_shares`, :func:`~aiadopt.views.trajectories.
    plot_share_at_scale` or :func:`~aiadopt.views.trajectories.plot_deployed_views`."""
    table = chart_table(model)
    params = model.params
    period = (_timestamp(params.start), _timestamp(params.horizon))
    meta = {
        "aiadopt_version": __version__,
        "seed": model.seed,
        "firms": params.n_firms,
        "param_hash": params.hash(),
    }
    active = model.levers.active
    if kind == "stages":
        names = [THIS_RUN, WITHOUT_LEVERS] if active else [THIS_RUN]
        fig = plot_stage_shares(table, meta=meta, scenarios=names, period=period)
    elif kind == "scale":
        reference = WITHOUT_LEVERS if active else None
        fig = plot_share_at_scale(table, meta=meta, reference=reference, period=period)
    elif kind == "views":
        compare = WITHOUT_LEVERS if active else None
        fig = plot_deployed_views(
            table, scenario=THIS_RUN, meta=meta, period=period, compare=compare
        )
    else:
        raise ValueError(f"no chart {kind!r}: stages, scale or views")
    if active:
        _mark_levers(fig, model.levers.start, params.horizon)
    return fig


# --- the page -------------------------------------------------------------------------------------
def model_params() -> dict:
    """The inputs of the page, by constructor argument of :class:`DashboardModel`."""
    return {
        "n_firms": Slider("Firms", DEFAULT_FIRMS, 1_000, MAX_FIRMS, 1_000),
        "seed": {"type": "InputText", "value": str(DEFAULT_SEED), "label": "Seed (integer)"},
        "tripartite_share": Slider("Tripartite strategy (share)", 0.0, 0.0, 1.0, 0.05),
        "training_share": Slider("Training (share)", 0.0, 0.0, 1.0, 0.05),
        "co_managed_share": Slider("Co-managed outsourcing (share)", 0.0, 0.0, 1.0, 0.05),
        "regulation_reduction": Slider("Regulation obstacle (cut)", 0.0, 0.0, 1.0, 0.05),
        "cost_reduction": Slider("Cost obstacle (cut)", 0.0, 0.0, 1.0, 0.05),
        "security_reduction": Slider("Security obstacle (cut)", 0.0, 0.0, 1.0, 0.05),
    }


def _frames(model: DashboardModel) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    run = run_frame(model)
    baseline = (
        baseline_frame(model.params.n_firms, model.seed, model.params)
        if model.levers.active
        else None
    )
    return run, baseline


@solara.component
def Chart(model: DashboardModel, kind: str, step: int):
    """One chart of the page, redrawn when the model steps (``step``) or is replaced."""

    def render() -> bytes:
        return figure_png(chart(model, kind), dpi=_DPI)

    png = solara.use_memo(render, dependencies=[model, step, kind])
    solara.Image(png, width="100%", classes=["aiadopt-chart", f"aiadopt-chart-{kind}"])


def _pct(x: float) -> str:
    return "n/a" if x is None or not np.isfinite(x) else f"{100 * x:.1f}%"


_READOUT_ROWS = [
    ("in_place", "In place (deployed + scaled)"),
    ("scaled", "Scaled"),
    ("engaged", "Engaged (planned or beyond)"),
    ("technique", "Technique says deployed"),
    ("business", "Business says deployed"),
]


def readout_html(model: DashboardModel) -> str:
    """The current values (this run, the run without levers) and, at the survey month, this
    run's and the study's, with the settings, as an HTML table."""
    run, baseline = _frames(model)
    now = run.index[-1]
    survey = _timestamp(SURVEY_MONTH)
    rows = []
    for key, text in _READOUT_ROWS:
        value = float(run.loc[now, key])
        base = _pct(float(baseline.loc[now, key])) if baseline is not None else ""
        at_survey = _pct(float(run.loc[survey, key])) if survey in run.index else ""
        values = study()
        at_study = _pct(values[key][0]) if key in values else ""
        rows.append(
            f'<tr data-metric="{key}" style="border-top:1px solid #eee">'
            f"<td>{html.escape(text)}</td>"
            f'<td class="run" data-value="{value:.6f}"><b>{_pct(value)}</b></td>'
            f'<td class="baseline">{base}</td>'
            f'<td class="survey" style="border-left:1px solid #ddd">{at_survey}</td>'
            f'<td class="study">{at_study}</td></tr>'
        )
    levers = model.levers.describe()
    lever_text = "; ".join(html.escape(x) for x in levers) if levers else "none"
    warnings_html = "".join(
        f'<p class="aiadopt-warning" style="color:#b2182b;font-weight:bold;margin:0 0 4px 0">'
        f"{html.escape(w)}</p>"
        for w in model.warnings
    )
    return (
        f'<div class="aiadopt-readout" data-month="{model.month}" data-step="{model.steps}" '
        f'style="font-size:14px;line-height:1.4">{warnings_html}'
        "<style>.aiadopt-readout td:not(:first-child), .aiadopt-readout th {"
        "text-align:right;padding:1px 0 1px 10px}</style>"
        f'<div style="font-size:17px;font-weight:bold;margin-bottom:4px">Month '
        f'<span class="aiadopt-month">{model.month}</span> '
        f'<span style="font-weight:normal;color:#666">(step {model.steps} of {model.n_months},'
        f" {model.params.n_firms:,} firms, seed {model.seed})</span></div>"
        f'<table style="border-collapse:collapse;width:100%">'
        f'<tr style="color:#666"><th></th><th colspan="2">now</th>'
        f'<th colspan="2" style="border-left:1px solid #ddd">March 2025 (survey)</th></tr>'
        f'<tr style="color:#666;font-size:12px"><th></th><th>this run</th>'
        f"<th>without levers</th>"
        f'<th style="border-left:1px solid #ddd">this run</th><th>study</th></tr>'
        f"{''.join(rows)}</table>"
        f'<p style="margin:8px 0 2px 0"><b>Levers</b> (acting from {LEVER_START}): '
        f"{lever_text}.</p>"
        f'<p style="margin:2px 0;color:#555">A share (0-1) is the share of engaged firms the '
        f"policy reaches (firms that engage later are reached when they engage); a cut (0-1) "
        f"lowers an obstacle for every firm. Move a lever or the population, then press "
        f"<b>Reset</b> to restart the run in November 2022; <b>Step</b> advances by the render "
        f"interval, &#9654; plays.</p>"
        f'<p style="margin:2px 0;color:#555">Parameters: {html.escape(model.params_source)}.</p>'
        f"</div>"
    )


@solara.component
def Readout(model: DashboardModel, step: int):
    """The current values and the settings, as a table (redrawn like :func:`Chart`)."""
    text = solara.use_memo(lambda: readout_html(model), dependencies=[model, step])
    solara.HTML(tag="div", unsafe_innerHTML=text)


# Mesa re-renders these on every step; the step is passed on so that the components, whose
# arguments would otherwise be unchanged (the same model object), are re-rendered too.
def _stages_chart(model):
    return Chart(model, "stages", model.steps)


def _scale_chart(model):
    return Chart(model, "scale", model.steps)


def _views_chart(model):
    return Chart(model, "views", model.steps)


def _readout(model):
    return Readout(model, model.steps)


COMPONENTS = [_stages_chart, _scale_chart, _views_chart, _readout]
"""The page's panels, in grid order (two per row)."""


_CSS = """
/* aiadopt: show the value of the model's inputs (the card with the seed's text field) as a
   small label above each slider's thumb: Mesa's inputs show no value */
.v-card:has(.v-text-field) .v-slider__thumb-label-container { display: block !important; }
.v-card:has(.v-text-field) .v-slider__thumb-label {
    transform: translateY(-20px) translateX(-50%) !important;
    width: auto !important; height: 16px !important; min-width: 22px;
    padding: 0 4px; border-radius: 3px; font-size: 11px;
}
.v-card:has(.v-text-field) .v-slider__thumb-label > div { transform: none !important; }
"""


@solara.component
def Page():
    """The dashboard page: one model per browser session, Mesa's controls and the charts."""
    model = solara.use_memo(DashboardModel, dependencies=[])
    solara.Style(_CSS)
    SolaraViz(
        model,
        components=COMPONENTS,
        model_params=model_params(),
        name=TITLE,
        play_interval=50,
    )


# --- the server -----------------------------------------------------------------------------------
def _check_port(host: str, port: int) -> None:
    if not 1 <= port <= 65535:
        raise DashboardError(f"port must be between 1 and 65535, got {port}")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise DashboardError(
                f"cannot listen on {host}:{port} ({exc.strerror or exc}); "
                "choose another port with --port"
            ) from None


def url_of(host: str, port: int) -> str:
    """The address to open in a browser."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *, open_browser: bool = False) -> int:
    """Run the dashboard's web server until interrupted (Ctrl+C); returns an exit code.

    Runs ``solara run aiadopt.views.dashboard:Page`` in this process, in production mode, on
    ``host`` (the loopback interface unless another is asked for) and ``port``, without
    Solara's version check and telemetry.  Raises :class:`DashboardError` if the port cannot
    be listened on.
    """
    _check_port(host, port)
    import click
    from solara.__main__ import cli
    from solara.server import settings as server_settings

    server_settings.telemetry.mixpanel_enable = False  # no usage reports sent anywhere
    # Solara warns on every page load over plain http that it falls back to SameSite=Lax
    # cookies: expected on localhost, and nothing the user can act on
    warnings.filterwarnings("ignore", message="Cookies with samesite=none", category=UserWarning)
    print(f"aiadopt dashboard: open {url_of(host, port)} (Ctrl+C to stop)", flush=True)
    args = ["run", _APP, "--host", host, "--port", str(port), "--production",
            "--no-check-version", "--open" if open_browser else "--no-open"]  # fmt: skip
    try:
        cli.main(args=args, prog_name="solara", standalone_mode=False)
    except (KeyboardInterrupt, click.exceptions.Abort):  # Ctrl+C, after uvicorn's shutdown
        pass
    except SystemExit as exc:  # uvicorn exits on a startup failure
        return int(exc.code or 0) if isinstance(exc.code, int) else 1
    print("aiadopt dashboard: stopped", flush=True)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(serve())
