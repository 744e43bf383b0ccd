"""Running the command line in the test process, its output captured."""

from __future__ import annotations

import contextlib
import io

from aiadopt.cli import main


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """``aiadopt ARGV`` in this process: (exit code, standard output, standard error)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()
