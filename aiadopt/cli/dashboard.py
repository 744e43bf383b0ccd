"""``aiadopt dashboard``: the interactive dashboard (:mod:`aiadopt.views.dashboard`) on a local
web server."""

from __future__ import annotations

import argparse

from . import common

NAME = "dashboard"


def add_parser(sub) -> None:
    """Add the ``dashboard`` command and its options to ``sub`` (argparse subparsers)."""
    dashboard = common.add_command(
        sub,
        NAME,
        help="start the interactive dashboard in a web browser",
        description=(
            "Start the interactive dashboard (Mesa and Solara): a web page with the population,\n"
            "the seed and the levers (tripartite strategy, training, co-managed outsourcing, the\n"
            "obstacles) as inputs, step/play/reset controls, an export of the levers as a\n"
            "scenario file for 'aiadopt experiment', and live charts of the stage shares, the\n"
            "share at scale and the Technique and Business views of 'deployed' against the\n"
            "study's March 2025 values. It starts from the shipped fit. The server listens on\n"
            "127.0.0.1 (this machine only) unless --host names another interface; Ctrl+C stops\n"
            "it. Writes no folder. Needs the optional extra: pip install -e '.[dashboard]'."
        ),
        examples=(
            "examples:\n"
            "  aiadopt dashboard                 then open http://127.0.0.1:8765/\n"
            "  aiadopt dashboard --port 9000 --open"
        ),
    )
    dashboard.add_argument(
        "--port", type=common.port, default=8765, help="port to listen on (default 8765)"
    )
    dashboard.add_argument(
        "--host",
        default="127.0.0.1",
        help="interface to listen on (default 127.0.0.1; e.g. 0.0.0.0 exposes it to the network)",
    )
    dashboard.add_argument(
        "--open", action="store_true", help="open the page in the default web browser"
    )
    dashboard.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run ``aiadopt dashboard`` with the parsed ``args``; returns the exit code."""
    try:
        from ..views import dashboard
    except ModuleNotFoundError as exc:
        hint = (
            "" if "pip install" in str(exc) else " (install it with: pip install -e '.[dashboard]')"
        )
        common.error(f"the dashboard cannot start: {exc}{hint}")
        return 1
    with common.exit_codes((dashboard.DashboardError,), writing=None) as outcome:
        return dashboard.serve(host=args.host, port=args.port, open_browser=args.open)
    return outcome.code
