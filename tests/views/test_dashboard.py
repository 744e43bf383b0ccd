"""Tests of the dashboard (aiadopt.views.dashboard): the model it builds from its inputs, its
charts, its command, and the page itself in a real headless Chromium.

The browser test starts ``python -m aiadopt dashboard`` on a free localhost port, opens the page
in Debian's Chromium driven by Playwright, runs the calibrated model, moves the tripartite
strategy lever to its maximum, resets and runs again, and checks that the chart and the values
changed.  It saves screenshots in its tmp_path.  Without Chromium or Playwright it is skipped,
except under CI (``CI=true``), where it fails.
"""

from __future__ import annotations

import contextlib
import html
import importlib
import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

UNDER_CI = os.environ.get("CI", "").lower() == "true"


def _need(module: str):
    """Import an optional dependency of the dashboard: skip without it, but fail under CI."""
    if UNDER_CI:
        return importlib.import_module(module)
    return pytest.importorskip(module, reason=f"{module} is not installed (extra 'dashboard')")


_need("solara")
dashboard = _need("aiadopt.views.dashboard")  # ModuleNotFoundError naming the extra if incomplete

from aiadopt.cli import main  # noqa: E402
from aiadopt.model import AdoptionModel  # noqa: E402
from aiadopt.model.clock import SURVEY_MONTH, month_index  # noqa: E402
from aiadopt.model.params import shipped_params  # noqa: E402
from aiadopt.views.style import axes_of  # noqa: E402


def default_params():
    return shipped_params()[0]


FIRMS = 1_500


# --- the model behind the page ----------------------------------------------------------------
def test_levers_become_interventions_from_april_2025():
    levers = dashboard.Levers(tripartite_share=0.5, training_share=0.25, cost_reduction=0.3)
    got = {iv.kind: iv for iv in levers.interventions()}
    assert set(got) == {"tripartite_strategy", "training", "cost_support"}
    assert all(iv.start == dashboard.LEVER_START == "2025-04" for iv in got.values())
    assert got["tripartite_strategy"].share == 0.5
    assert got["training"].share == 0.25
    assert got["cost_support"].reduction == 0.3
    assert levers.active
    assert "tripartite strategy: 50% of engaged firms" in levers.describe()
    assert not dashboard.Levers().active
    assert dashboard.Levers().interventions() == []


@pytest.mark.parametrize("name", ["tripartite_share", "security_reduction"])
def test_levers_out_of_range_are_refused(name):
    with pytest.raises(dashboard.DashboardError, match=name):
        dashboard.Levers(**{name: 1.5})


def test_seed_is_read_from_text_and_a_bad_one_is_reported():
    assert dashboard.parse_seed(" 7 ") == 7
    model = dashboard.DashboardModel(n_firms=100, seed=" 7 ")
    assert (model.seed, model.warnings) == (7, [])
    for bad in ("seven", "-1", "1.5", ""):
        with pytest.raises(dashboard.DashboardError, match="seed"):
            dashboard.parse_seed(bad)
        model = dashboard.DashboardModel(n_firms=100, seed=bad)
        assert model.seed == dashboard.DEFAULT_SEED
        (warning,) = model.warnings
        assert "seed" in warning
        assert html.escape(warning) in dashboard.readout_html(model)


def test_without_levers_it_is_the_calibrated_model():
    """No lever: the same trajectories as AdoptionModel with the calibrated defaults."""
    model = dashboard.DashboardModel(n_firms=FIRMS, seed=3)
    model.run()
    frame = dashboard.run_frame(model)
    with AdoptionModel(default_params(), seed=3, n_firms=FIRMS) as reference:
        reference.run()
        tidy = reference.tidy()
    in_place = (
        tidy[tidy["metric"].isin(["stage_share.deployed", "stage_share.scaled"])]
        .query("group == 'all'")
        .groupby("date")["value"]
        .sum()
    )
    np.testing.assert_allclose(frame["in_place"].to_numpy(), in_place.to_numpy())
    assert model.params.n_firms == FIRMS
    assert not model.levers.active
    assert list(frame.columns) == dashboard.COLUMNS
    assert frame.index[0] == pd.Timestamp("2022-11-01")
    assert frame.index[-1] == pd.Timestamp(model.params.horizon + "-01")
    stages = frame[["not_engaged", "planned", "experimenting", "deployed", "scaled"]]
    np.testing.assert_allclose(stages.sum(axis=1), 1.0)


def test_a_lever_changes_the_run_only_once_it_acts():
    """Same seed: identical to the run without levers before April 2025, different after."""
    model = dashboard.DashboardModel(n_firms=FIRMS, seed=5, tripartite_share=1.0)
    model.run()
    run = dashboard.run_frame(model)
    base = dashboard.baseline_frame(FIRMS, 5)
    before = run.index < pd.Timestamp(dashboard.LEVER_START + "-01")
    pd.testing.assert_frame_equal(run[before], base[before])
    assert run["in_place"].iloc[-1] > base["in_place"].iloc[-1] + 0.02
    assert dashboard.baseline_frame(FIRMS, 5) is base  # cached


def test_stepping_past_the_horizon_does_nothing():
    model = dashboard.DashboardModel(n_firms=200, seed=1)
    model.run()
    steps, rows = model.steps, len(dashboard.run_frame(model))
    for _ in range(3):
        model.step()
    assert (model.steps, len(dashboard.run_frame(model))) == (steps, rows)
    assert not model.running


def test_study_values_come_from_the_targets():
    assert {k: v[0] for k, v in dashboard.study().items()} == {
        "engaged": 0.48,
        "active": 0.29,
        "in_place": 0.15,
        "technique": 0.10,
        "business": 0.21,
    }
    for value, low, high in dashboard.study().values():
        assert low < value < high


def _texts(fig) -> str:
    """Every text of ``fig``: axes titles, annotations, legends."""
    out = []
    for ax in axes_of(fig):
        out += [ax.get_title(loc="left"), ax.get_title()]
        out += [t.get_text() for t in ax.texts]
        out += ax.get_legend_handles_labels()[1]
    for sub in [fig, *getattr(fig, "subfigs", [])]:
        for legend in getattr(sub, "legends", []):
            out += [t.get_text() for t in legend.get_texts()]
    return " | ".join(out)


@pytest.mark.parametrize("kind", ["stages", "scale", "views"])
def test_charts_are_the_plot_figures_with_the_run_without_levers_once_a_lever_is_set(kind):
    """The page's charts are aiadopt plot's figures of this run over the whole run's months;
    with a lever, the same run without levers is drawn too and the levers' months shaded."""
    plain = dashboard.DashboardModel(n_firms=500, seed=2)
    plain.run(until="2026-06")
    lever = dashboard.DashboardModel(n_firms=500, seed=2, training_share=1.0)
    lever.run(until="2026-06")
    for model in (plain, lever):
        fig = dashboard.chart(model, kind)
        axes = [ax for ax in axes_of(fig) if ax.axison and ax.get_visible()]
        assert axes
        texts = _texts(fig)
        assert "survey" in texts
        assert "study" in texts or kind == "scale"
        high = axes[0].get_xlim()[1]
        import matplotlib.dates as mdates

        assert mdates.num2date(high).year == int(model.params.horizon[:4])  # the whole run
        assert ("without levers" in texts) == model.levers.active
        assert ("levers act" in texts) == model.levers.active
    png = dashboard.figure_png(dashboard.chart(lever, kind))
    assert png.startswith(b"\x89PNG")


def test_readout_lists_the_values_and_the_settings():
    model = dashboard.DashboardModel(n_firms=500, seed=2, cost_reduction=0.5)
    model.run(until=SURVEY_MONTH)
    text = dashboard.readout_html(model)
    assert f'data-month="{SURVEY_MONTH}"' in text
    assert 'data-metric="in_place"' in text
    assert "financial constraint: cut by 50%" in text
    assert "15.0%" in text  # the study's value


def test_page_inputs_match_the_model_constructor():
    from mesa.visualization.solara_viz import _check_model_params

    params = dashboard.model_params()
    _check_model_params(dashboard.DashboardModel.__init__, params)  # raises if they do not
    defaults = {
        name: (p.value if hasattr(p, "value") else p["value"]) for name, p in params.items()
    }
    model = dashboard.DashboardModel(**defaults)
    assert model.params.n_firms == dashboard.DEFAULT_FIRMS
    assert model.seed == dashboard.DEFAULT_SEED
    assert not model.levers.active
    assert params["n_firms"].max >= 50_000


# --- the command ------------------------------------------------------------------------------
def _run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def test_cli_dashboard_calls_serve_on_localhost_by_default(monkeypatch):
    calls = []
    monkeypatch.setattr(dashboard, "serve", lambda **kw: calls.append(kw) or 0)
    assert _run_cli(["dashboard"])[0] == 0
    assert _run_cli(["dashboard", "--port", "9123"])[0] == 0
    assert _run_cli(["dashboard", "--host", "0.0.0.0", "--port", "80", "--open"])[0] == 0
    assert calls == [
        {"host": "127.0.0.1", "port": 8765, "open_browser": False},
        {"host": "127.0.0.1", "port": 9123, "open_browser": False},
        {"host": "0.0.0.0", "port": 80, "open_browser": True},
    ]


def test_cli_dashboard_without_its_extra_says_how_to_install_it(monkeypatch):
    import aiadopt.views

    monkeypatch.delattr(aiadopt.views, "dashboard")
    monkeypatch.setitem(sys.modules, "aiadopt.views.dashboard", None)
    code, _, err = _run_cli(["dashboard"])
    assert code == 1
    assert "pip install -e '.[dashboard]'" in err


@pytest.mark.parametrize("port", ["0", "70000", "http"])
def test_cli_dashboard_rejects_bad_ports(port):
    with pytest.raises(SystemExit) as exc:
        _run_cli(["dashboard", "--port", port])
    assert exc.value.code == 2


def test_a_taken_port_is_reported():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(dashboard.DashboardError, match=f"127.0.0.1:{port}"):
            dashboard.serve(port=port)
        code, _, err = _run_cli(["dashboard", "--port", str(port)])
    assert code == 2
    assert "choose another port" in err


# --- the page in a real browser -----------------------------------------------------------------
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str:
    for path in (shutil.which("chromium"), "/usr/bin/chromium"):
        if path and os.access(path, os.X_OK):
            return path
    reason = "Debian's chromium is not installed (apt-get install chromium)"
    if UNDER_CI:
        pytest.fail(reason + ": .ci/run should have installed it")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path):
    """``aiadopt dashboard`` on a free localhost port: (url, log path); stopped afterwards."""
    port = _free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "aiadopt", "dashboard", "--port", str(port)],
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 45
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the dashboard exited ({proc.returncode}):\n{log.read_text()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the dashboard did not answer on {url} in 45 s:\n{log.read_text()}")
            time.sleep(0.25)
        yield url, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _readout(page) -> dict[str, float]:
    """This run's values in the page's table, by metric."""
    cells = page.locator(".aiadopt-readout tr[data-metric] td.run")
    metrics = page.locator(".aiadopt-readout tr[data-metric]")
    return {
        metrics.nth(i).get_attribute("data-metric"): float(cells.nth(i).get_attribute("data-value"))
        for i in range(metrics.count())
    }


def _column(page, name: str) -> dict[str, str]:
    """A column of the page's table (``baseline``, ``survey``, ``study``) as shown, by metric."""
    rows = page.locator(".aiadopt-readout tr[data-metric]")
    return {
        rows.nth(i).get_attribute("data-metric"): rows.nth(i).locator(f"td.{name}").inner_text()
        for i in range(rows.count())
    }


def _wait_month(page, month: str) -> None:
    page.wait_for_selector(f'.aiadopt-readout[data-month="{month}"]', timeout=30_000)
    # the charts are redrawn in the same update as the table; let the image land
    page.wait_for_timeout(300)


def _settled_month(page, quiet_ms: int = 1_200, tries: int = 20) -> str:
    """The month shown once it stops changing: after a pause, a step already under way may
    still land (the browser and the server run apart; drawing a step's three charts takes
    about a second)."""
    month = page.locator(".aiadopt-readout").get_attribute("data-month")
    for _ in range(tries):
        page.wait_for_timeout(quiet_ms)
        now = page.locator(".aiadopt-readout").get_attribute("data-month")
        if now == month:
            return month
        month = now
    raise AssertionError(f"the month never settled after pausing (last seen {month})")


def _set_slider_to_max(page, name: str) -> str:
    slider = page.get_by_role("slider", name=name, exact=True)
    slider.focus()
    slider.press("End")
    return slider.get_attribute("aria-valuemax")


@pytest.mark.browser
@pytest.mark.slow
def test_dashboard_in_headless_chromium(server, tmp_path: Path):
    sync_api = _need("playwright.sync_api")
    executable = _chromium()
    url, log = server
    horizon = default_params().horizon
    started = time.monotonic()
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=executable,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1600, "height": 1000},
        )
        try:
            page = browser.new_page()
            page.set_default_timeout(30_000)
            page.goto(url)
            _wait_month(page, "2022-11")
            for chart in ("stages", "scale", "views"):
                assert page.locator(f"img.aiadopt-chart-{chart}").is_visible()
            for name in (
                "Firms",
                "Tripartite strategy (share)",
                "Training (share)",
                "Co-managed outsourcing (share)",
                "Regulation obstacle (cut)",
                "Cost obstacle (cut)",
                "Security obstacle (cut)",
            ):
                assert page.get_by_role("slider", name=name, exact=True).count() == 1
            assert page.get_by_label("Seed (integer)").input_value() == "42"
            assert _readout(page)["in_place"] == 0.0

            # one Step: one month; play, then pause: the months stop
            page.get_by_role("button", name="Step").click()
            _wait_month(page, "2022-12")
            page.get_by_role("button", name="▶").click()
            _wait_month(page, "2023-02")
            page.get_by_role("button", name="❚❚").click()
            page.get_by_role("button", name="▶").wait_for()
            paused = _settled_month(page)
            page.wait_for_timeout(1_000)
            assert page.locator(".aiadopt-readout").get_attribute("data-month") == paused

            # the calibrated run to the horizon: a render interval of 100 steps, then Step
            _set_slider_to_max(page, "Render Interval (steps)")
            page.get_by_role("button", name="Step").click()
            _wait_month(page, horizon)
            calibrated = _readout(page)
            chart_calibrated = page.locator("img.aiadopt-chart-scale").screenshot()
            page.screenshot(path=str(tmp_path / "dashboard-calibrated.png"))

            # the lever to its maximum, Reset (back to November 2022), run again
            assert _set_slider_to_max(page, "Tripartite strategy (share)") == "1"
            page.get_by_role("button", name="Reset").click()
            _wait_month(page, "2022-11")
            page.get_by_role("button", name="Step").click()
            _wait_month(page, horizon)
            with_lever = _readout(page)
            chart_with_lever = page.locator("img.aiadopt-chart-scale").screenshot()
            shot = tmp_path / "dashboard.png"
            page.screenshot(path=str(shot), full_page=True)
            text = page.locator(".aiadopt-readout").inner_text()
            baseline = _column(page, "baseline")
            study = _column(page, "study")
        finally:
            browser.close()
    elapsed = time.monotonic() - started

    assert shot.stat().st_size > 50_000
    assert chart_with_lever != chart_calibrated, "the chart did not change"
    assert "tripartite strategy: 100% of engaged firms" in text
    # more firms in place at scale with a tripartite strategy for every engaged firm
    assert with_lever["in_place"] > calibrated["in_place"] + 0.02, (calibrated, with_lever)
    # the dashed run without levers is the first run, on the same population and seed
    assert baseline["in_place"] == f"{100 * calibrated['in_place']:.1f}%"
    assert (study["in_place"], study["technique"], study["business"]) == ("15.0%", "10.0%", "21.0%")
    months = month_index(horizon) - month_index("2022-11")
    assert f"step {months} of {months}" in text
    assert elapsed < 60, f"the browser test took {elapsed:.0f} s\n{log.read_text()}"
