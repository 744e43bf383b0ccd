"""``aiadopt dashboard``: the options reach :func:`aiadopt.views.dashboard.serve`, a taken
port or a missing extra is reported (the page itself: tests/views/test_dashboard.py)."""

from __future__ import annotations

import socket
import sys

import pytest

from .helpers import run_cli

pytest.importorskip("solara", reason="solara is not installed (extra 'dashboard')")
dashboard = pytest.importorskip("aiadopt.views.dashboard")


def test_cli_dashboard_calls_serve_on_localhost_by_default(monkeypatch):
    calls = []
    monkeypatch.setattr(dashboard, "serve", lambda **kw: calls.append(kw) or 0)
    assert run_cli(["dashboard"])[0] == 0
    assert run_cli(["dashboard", "--port", "9123"])[0] == 0
    assert run_cli(["dashboard", "--host", "0.0.0.0", "--port", "80", "--open"])[0] == 0
    assert calls == [
        {"host": "127.0.0.1", "port": 8765, "open_browser": False},
        {"host": "127.0.0.1", "port": 9123, "open_browser": False},
        {"host": "0.0.0.0", "port": 80, "open_browser": True},
    ]


def test_cli_dashboard_without_its_extra_says_how_to_install_it(monkeypatch):
    import aiadopt.views

    monkeypatch.delattr(aiadopt.views, "dashboard")
    monkeypatch.setitem(sys.modules, "aiadopt.views.dashboard", None)
    code, _, err = run_cli(["dashboard"])
    assert code == 1
    assert "pip install -e '.[dashboard]'" in err


@pytest.mark.parametrize("port", ["0", "70000", "http"])
def test_cli_dashboard_rejects_bad_ports(port):
    with pytest.raises(SystemExit) as exc:
        run_cli(["dashboard", "--port", port])
    assert exc.value.code == 2


def test_a_taken_port_is_reported():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(dashboard.DashboardError, match=f"127.0.0.1:{port}"):
            dashboard.serve(port=port)
        code, _, err = run_cli(["dashboard", "--port", str(port)])
    assert code == 2
    assert "choose another port" in err
