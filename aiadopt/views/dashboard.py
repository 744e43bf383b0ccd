"""Interactive dashboard: the adoption model on Mesa and Solara, in a web browser.

Start it with ``aiadopt dashboard`` (or :func:`serve`): a Solara server on 127.0.0.1 (port 8765
by default) shows one page with

- inputs for the population size, the seed and the levers: the share of engaged firms given a
  tripartite strategy, a training programme or co-managed outsourcing, and cuts in the
  regulatory, financial and security obstacles.  The levers are :mod:`interventions
  <aiadopt.model.interventions>` acting from April 2025 (the month after the survey) on top
  of the shipped fit; the runs are :class:`aiadopt.experiments.live.LiveModel`'s;
- Reset, Play and Step (a changed input takes effect on Reset, which restarts the run in
  November 2022; Play draws the charts every :data:`REDRAW_EVERY` seconds, not every month, so
  that the run reaches December 2030 in seconds), and an Export scenario button that saves the
  levers as a scenario file for ``aiadopt experiment`` (:func:`~aiadopt.experiments.live.
  scenario_toml`);
- live charts of the stage shares, the share of firms at scale and the Technique and Business
  views of "deployed", drawn by the same figure functions as ``aiadopt plot``
  (:mod:`aiadopt.views.trajectories`, the study's March 2025 values and their 95% intervals
  marked); once a lever is set, the run without levers (same population and seed) is drawn
  beside this run, the months the levers act are shaded, and a table gives the values now and
  at the survey month: the model's answers to the study's questions (set against the study's)
  apart from its true state.

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
import time
import warnings

import pandas as pd

from ..experiments.live import (
    DEFAULT_FIRMS,
    DEFAULT_SEED,
    EXPORT_NAME,
    LEVER_START,
    LiveModel,
    Snapshot,
    scenario_toml,
)
from ..experiments.single import percent
from ..model.clock import SURVEY_MONTH
from .save import figure_png
from .series import RUN_SCENARIO
from .study import STUDY_TARGETS, respondents_in_place, study_value
from .style import axes_of
from .trajectories import plot_deployed_views, plot_share_at_scale, plot_stage_shares

try:
    import solara

    with warnings.catch_warnings():  # Mesa 3.3's ComponentsView trips Solara's hook check
        warnings.filterwarnings("ignore", message=".*ComponentsView.*", category=UserWarning)
        from mesa.visualization import Slider
        from mesa.visualization.solara_viz import ModelCreator
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
    "PLAY_TICK",
    "REDRAW_EVERY",
    "TABLE_EVERY",
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
    """One chart of the page, redrawn when ``step`` (the month the page asks to draw) changes
    or the model is replaced."""

    def render() -> bytes:
        return figure_png(chart(model.snapshot(), kind), dpi=_DPI)

    png = solara.use_memo(render, dependencies=[model, step, kind])
    solara.Image(png, width="100%", classes=["aiadopt-chart", f"aiadopt-chart-{kind}"])


_READOUT_ROWS = [
    ("said_in_place", 'Respondents saying "in place" (114 Technique : 117 Business)'),
    ("technique", "Technique respondents saying deployed"),
    ("business", "Business respondents saying deployed"),
    ("in_place", "Deployed or scaled: model state, not what respondents say"),
    ("scaled", "Scaled: model state"),
    ("engaged", "Engaged (planned or beyond): model state"),
]
"""The rows of the page's table: the model's answers to the study's questions first (the
study's values beside them), then the model's true state (no study value: the study measured
answers, not the state)."""

_STUDY_OF_ROW = {"said_in_place": "in_place", "technique": "technique", "business": "business"}
"""The study value set against each row (like with like: answers against answers)."""


def _with_answer(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """``frame`` (:func:`~aiadopt.experiments.live.run_frame`) with ``said_in_place``: the share
    of respondents who would say "in place", the two roles' views mixed as the study's
    respondents (:func:`~aiadopt.views.study.respondents_in_place`)."""
    if frame is None:
        return None
    return frame.assign(said_in_place=respondents_in_place(frame["technique"], frame["business"]))


def readout_html(snap: Snapshot) -> str:
    """The current values (this run, the run without levers) and, at the survey month, this
    run's and the study's, with the settings, as an HTML table."""
    run, baseline = _with_answer(snap.frame), _with_answer(snap.baseline_frame)
    now = run.index[-1]
    survey = _timestamp(SURVEY_MONTH)
    rows = []
    for key, text in _READOUT_ROWS:
        value = float(run.loc[now, key])
        base = percent(float(baseline.loc[now, key])) if baseline is not None else ""
        at_survey = percent(float(run.loc[survey, key])) if survey in run.index else ""
        values = study()
        who = _STUDY_OF_ROW.get(key)
        at_study = percent(values[who][0]) if who in values else ""
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
        f"<b>Reset</b> to restart the run in November 2022; <b>Step</b> advances one month, "
        f"&#9654; plays to the end (the charts are redrawn every second or two while it "
        f"plays); <b>Export scenario</b> saves the levers as a scenario file for "
        f"<code>aiadopt experiment</code>.</p>"
        f'<p style="margin:2px 0;color:#555">Parameters: {html.escape(snap.params_source)}.</p>'
        f"</div>"
    )


@solara.component
def Readout(model: LiveModel, step: int):
    """The current values and the settings, as a table (redrawn like :func:`Chart`)."""
    text = solara.use_memo(lambda: readout_html(model.snapshot()), dependencies=[model, step])
    solara.HTML(tag="div", unsafe_innerHTML=text)


PLAY_TICK = 0.02
"""Seconds between two months while playing (the model takes milliseconds for a month: the
pause lets the months be seen passing in the table)."""

TABLE_EVERY = 0.25
"""Seconds between two updates of the table while playing (an update redraws the page's
tree: tens of milliseconds)."""

REDRAW_EVERY = 2.5
"""Least seconds between two drawings of the charts while playing (twice the time the last
drawing took, if longer): drawing the three charts takes one to two seconds on an idle
machine, stepping a month of 5,000 firms milliseconds, so the charts are drawn less often
than the model steps (and always at the last month)."""

EXPORT_FILE = f"{EXPORT_NAME}.toml"
"""The file name the page's Export scenario button offers."""


@solara.component
def Controls(model, params, drawn, tick):
    """Reset, Play/Pause and Step: the model's controls (Mesa's render interval, threads and
    page tabs are not shown: the page chooses when to draw)."""
    playing = solara.use_reactive(False)  # asked to play
    busy = solara.use_reactive(False)  # the play task is running (until its last drawing)

    def show(m: LiveModel, charts: bool) -> None:
        tick.set(m.steps)
        if charts:
            drawn.set(m.steps)

    def play() -> None:
        if not playing.value:
            return
        busy.set(True)
        m = model.value
        drew = shown = time.monotonic()
        pause = REDRAW_EVERY
        while playing.value and m.running and model.value is m:
            time.sleep(PLAY_TICK)
            m.step()
            now = time.monotonic()
            if not m.running or now - drew >= pause:
                show(m, True)
                drew = shown = time.monotonic()
                # a slow machine draws less often: drawing takes at most a third of the time
                pause = max(REDRAW_EVERY, 2.0 * (drew - now))
            elif now - shown >= TABLE_EVERY:
                show(m, False)
                shown = time.monotonic()
        show(m, True)
        # Play is offered again once the last month is drawn; playing last: setting it
        # re-runs this task's hook, which cancels this very task (raises here)
        busy.set(False)
        playing.set(False)

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)

    def step() -> None:
        model.value.step()
        show(model.value, True)

    def reset() -> None:
        playing.set(False)
        model.set(LiveModel(**params.value))
        show(model.value, True)

    running = model.value.running
    with solara.Row(justify="space-between"):
        solara.Button(label="Reset", color="primary", on_click=reset)
        active = playing.value or busy.value
        solara.Button(
            label="❚❚" if active else "▶",
            color="primary",
            on_click=lambda: playing.set(not active),
            disabled=not running and not active,
        )
        solara.Button(label="Step", color="primary", on_click=step,
                      disabled=active or not running)  # fmt: skip


@solara.component
def Export(model: LiveModel):
    """The Export scenario button: this run's levers as a scenario TOML file."""
    text = scenario_toml(model.levers, n_firms=model.params.n_firms, seed=model.seed)
    solara.FileDownload(
        text.encode("utf-8"),
        filename=EXPORT_FILE,
        label="Export scenario (TOML)",
        mime_type="application/toml",
    )
    solara.Text(
        "The levers of this run as a scenario file: aiadopt experiment baseline "
        f"{EXPORT_FILE} compares it with the baseline.",
        style={"font-size": "12px", "color": "#555"},
    )


_CSS = """
/* aiadopt: show the value of the model's inputs as a small label above each slider's thumb:
   Mesa's inputs show no value */
.aiadopt-inputs .v-slider__thumb-label-container { display: block !important; }
.aiadopt-inputs .v-slider__thumb-label {
    transform: translateY(-20px) translateX(-50%) !important;
    width: auto !important; height: 16px !important; min-width: 22px;
    padding: 0 4px; border-radius: 3px; font-size: 11px;
}
.aiadopt-inputs .v-slider__thumb-label > div { transform: none !important; }
"""


@solara.component
def Page():
    """The dashboard page: one model per browser session, its controls, inputs and export in
    the sidebar, the charts and the table in a grid."""
    first = solara.use_memo(LiveModel, dependencies=[])
    model = solara.use_reactive(first)
    params = solara.use_reactive({})
    drawn = solara.use_reactive(0)  # the month the charts show (they lag while playing)
    tick = solara.use_reactive(0)  # the month the table shows
    solara.Style(_CSS)
    solara.Title(TITLE)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Sidebar(), solara.Column():
        with solara.Card("Controls"):
            Controls(model, params, drawn, tick)
        with solara.Card("Population, seed and levers", classes=["aiadopt-inputs"]):
            ModelCreator(model, model_params(), model_parameters=params)
        with solara.Card("Export"):
            Export(model.value)
    m = model.value
    with solara.GridFixed(columns=2, row_gap="12px", column_gap="12px"):
        for kind in ("stages", "scale", "views"):
            Chart(m, kind, drawn.value)
        Readout(m, tick.value)


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
