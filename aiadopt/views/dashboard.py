"""Interactive dashboard: the adoption model on Mesa's SolaraViz, in a web browser.

Start it with ``aiadopt dashboard`` (or :func:`serve`): a Solara server on 127.0.0.1 (port 8765
by default) shows one page with

- inputs for the population size, the seed and the levers: the share of engaged firms given a
  tripartite strategy, a training programme or co-managed outsourcing, and cuts in the
  regulatory, financial and security obstacles.  The levers are :mod:`interventions
  <aiadopt.model.interventions>` acting from April 2025 (the month after the survey) on top
  of the shipped fit; the runs are :class:`aiadopt.experiments.live.LiveModel`'s;
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

This module only draws: the runs (this run, the run without levers) are made by
:mod:`aiadopt.experiments.live`, and every chart and the table are drawn from a
:class:`~aiadopt.experiments.live.Snapshot` of tables.  Usable without a browser::

    from aiadopt.experiments.live import LiveModel
    from aiadopt.views.dashboard import chart
    model = LiveModel(n_firms=2_000, seed=1, tripartite_share=1.0)
    model.run()
    chart(model.snapshot(), "stages").savefig("stages.png")
"""

from __future__ import annotations

import functools
import html
import socket
import sys
import warnings

import pandas as pd

from ..experiments.live import DEFAULT_FIRMS, DEFAULT_SEED, LEVER_START, LiveModel, Snapshot
from ..experiments.single import percent
from ..model.clock import SURVEY_MONTH
from .save import figure_png
from .series import RUN_SCENARIO
from .study import STUDY_TARGETS, study_value
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
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "MAX_FIRMS",
    "THIS_RUN",
    "WITHOUT_LEVERS",
    "DashboardError",
    "Page",
    "chart",
    "chart_table",
    "model_params",
    "readout_html",
    "serve",
    "study",
    "url_of",
]

MAX_FIRMS = 50_000
"""Largest population the slider offers."""

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765

TITLE = "Generative-AI adoption by French firms: levers (aiadopt)"

_APP = "aiadopt.views.dashboard:Page"


class DashboardError(ValueError):
    """The dashboard cannot start as asked (e.g. the port is taken)."""


# --- the study's values ---------------------------------------------------------------------------
@functools.cache
def study() -> dict[str, tuple[float, float, float]]:
    """The study's values (March 2025) shown in the page's table, by column of
    :func:`~aiadopt.experiments.live.run_frame`: ``(value, low, high)``, the 95% interval of
    :func:`aiadopt.calibration.targets.study_interval` (engaged 48%, active 29%, in place 15%,
    Technique says deployed 10%, Business 21%); read on first use."""
    out = {}
    for key, target_id in STUDY_TARGETS.items():
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


def chart_table(snap: Snapshot) -> pd.DataFrame:
    """This run's trajectories so far (scenario :data:`THIS_RUN`) and, once a lever is set, the
    whole run without levers (:data:`WITHOUT_LEVERS`), as one experiment-like table."""
    frames = [snap.run.assign(scenario=THIS_RUN, replicate=0)]
    if snap.baseline is not None:
        frames.append(snap.baseline.assign(scenario=WITHOUT_LEVERS, replicate=0))
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


def chart(snap: Snapshot, kind: str):
    """One chart of the page (``stages``, ``scale`` or ``views``) over the whole run, drawn from
    ``snap``'s tables by :func:`~aiadopt.views.trajectories.plot_stage_shares`,
    :func:`~aiadopt.views.trajectories.plot_share_at_scale` or
    :func:`~aiadopt.views.trajectories.plot_deployed_views` (as ``aiadopt plot`` draws them)."""
    table = chart_table(snap)
    period = (_timestamp(snap.start), _timestamp(snap.horizon))
    meta = snap.meta
    active = snap.baseline is not None
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
        _mark_levers(fig, snap.levers.start, snap.horizon)
    return fig


# --- the page -------------------------------------------------------------------------------------
def model_params() -> dict:
    """The inputs of the page, by constructor argument of
    :class:`~aiadopt.experiments.live.LiveModel`."""
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


@solara.component
def Chart(model: LiveModel, kind: str, step: int):
    """One chart of the page, redrawn when the model steps (``step``) or is replaced."""

    def render() -> bytes:
        return figure_png(chart(model.snapshot(), kind), dpi=_DPI)

    png = solara.use_memo(render, dependencies=[model, step, kind])
    solara.Image(png, width="100%", classes=["aiadopt-chart", f"aiadopt-chart-{kind}"])


_READOUT_ROWS = [
    ("in_place", "In place (deployed + scaled)"),
    ("scaled", "Scaled"),
    ("engaged", "Engaged (planned or beyond)"),
    ("technique", "Technique says deployed"),
    ("business", "Business says deployed"),
]


def readout_html(snap: Snapshot) -> str:
    """The current values (this run, the run without levers) and, at the survey month, this
    run's and the study's, with the settings, as an HTML table."""
    run, baseline = snap.frame, snap.baseline_frame
    now = run.index[-1]
    survey = _timestamp(SURVEY_MONTH)
    rows = []
    for key, text in _READOUT_ROWS:
        value = float(run.loc[now, key])
        base = percent(float(baseline.loc[now, key])) if baseline is not None else ""
        at_survey = percent(float(run.loc[survey, key])) if survey in run.index else ""
        values = study()
        at_study = percent(values[key][0]) if key in values else ""
        rows.append(
            f'<tr data-metric="{key}" style="border-top:1px solid #eee">'
            f"<td>{html.escape(text)}</td>"
            f'<td class="run" data-value="{value:.6f}"><b>{percent(value)}</b></td>'
            f'<td class="baseline">{base}</td>'
            f'<td class="survey" style="border-left:1px solid #ddd">{at_survey}</td>'
            f'<td class="study">{at_study}</td></tr>'
        )
    levers = snap.levers.describe()
    lever_text = "; ".join(html.escape(x) for x in levers) if levers else "none"
    warnings_html = "".join(
        f'<p class="aiadopt-warning" style="color:#b2182b;font-weight:bold;margin:0 0 4px 0">'
        f"{html.escape(w)}</p>"
        for w in snap.warnings
    )
    return (
        f'<div class="aiadopt-readout" data-month="{snap.month}" data-step="{snap.steps}" '
        f'style="font-size:14px;line-height:1.4">{warnings_html}'
        "<style>.aiadopt-readout td:not(:first-child), .aiadopt-readout th {"
        "text-align:right;padding:1px 0 1px 10px}</style>"
        f'<div style="font-size:17px;font-weight:bold;margin-bottom:4px">Month '
        f'<span class="aiadopt-month">{snap.month}</span> '
        f'<span style="font-weight:normal;color:#666">(step {snap.steps} of {snap.n_months},'
        f" {snap.n_firms:,} firms, seed {snap.seed})</span></div>"
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
        f'<p style="margin:2px 0;color:#555">Parameters: {html.escape(snap.params_source)}.</p>'
        f"</div>"
    )


@solara.component
def Readout(model: LiveModel, step: int):
    """The current values and the settings, as a table (redrawn like :func:`Chart`)."""
    text = solara.use_memo(lambda: readout_html(model.snapshot()), dependencies=[model, step])
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
    model = solara.use_memo(LiveModel, dependencies=[])
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
