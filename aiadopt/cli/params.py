"""``aiadopt params``: list every parameter, or write them to a TOML file to edit."""

from __future__ import annotations

import argparse

from . import common

NAME = "params"


def add_parser(sub) -> None:
    """Add the ``params`` command and its options to ``sub`` (argparse subparsers)."""
    params = common.add_command(
        sub,
        NAME,
        help="list the parameters, or write them to a TOML file to edit",
        description=(
            "List every model parameter with its default, allowed range, unit and source (the\n"
            "survey figure it comes from, or 'assumption'). With --write, write the parameters\n"
            "that 'aiadopt run' uses to a commented TOML file you can edit and pass to\n"
            "'aiadopt run --params'. Writes no folder."
        ),
        examples=(
            "example:\n"
            "  aiadopt params --write my.toml && $EDITOR my.toml && aiadopt run --params my.toml"
        ),
    )
    params.add_argument(
        "--write", metavar="FILE.toml", help="write the parameters to FILE.toml to edit"
    )
    params.add_argument(
        "--force", action="store_true", help="with --write: overwrite FILE.toml if it exists"
    )
    params.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run ``aiadopt params`` with the parsed ``args``; returns the exit code."""
    from ..experiments.params_file import format_parameters, write_params_file
    from ..model import ParameterError

    if args.write is None:
        if args.force:
            common.error("--force only applies with --write FILE.toml")
            return 2
        print(format_parameters())
        return 0
    with common.exit_codes((ParameterError,), writing=None) as outcome:
        try:
            path, source = write_params_file(args.write, force=args.force)
        except FileExistsError as exc:  # bad input: the file is there, --force says replace
            raise common.CommandError(str(exc), 2) from None
    if outcome.code:
        return outcome.code
    print(f"Wrote {path}: {source}.")
    print(f"Edit it, then run: aiadopt run --params {path}")
    return 0
