"""``aiadopt params``: list every parameter, or write them to a TOML file to edit."""

from __future__ import annotations

import argparse
import csv
import io
import json

from . import common

NAME = "params"
FORMATS = ("table", "csv", "json")


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
            "examples:\n"
            "  aiadopt params --grep bass             the parameters named or sourced 'bass'\n"
            "  aiadopt params --grep '^collab' --format csv > collab.csv\n"
            "  aiadopt params --format json           every parameter, machine-readable\n"
            "  aiadopt params --write my.toml && $EDITOR my.toml && aiadopt run --params my.toml"
        ),
    )
    params.add_argument(
        "--grep",
        metavar="PATTERN",
        help="list only the parameters whose name, unit or source matches PATTERN (a "
        "case-insensitive regular expression, e.g. '^bass_' or 'Figure 12')",
    )
    params.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="table: readable text (default); csv or json: one record per parameter (name, "
        "default, value used, fitted, low, high, choices, unit, source)",
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
        try:
            print(_listing(args.format, args.grep, format_parameters))
        except ValueError as exc:
            common.error(str(exc))
            return 2
        return 0
    if args.grep or args.format != "table":
        common.error("--grep and --format apply to the listing, not to --write")
        return 2
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


def _listing(fmt: str, pattern: str | None, as_text) -> str:
    """The parameter listing in ``fmt`` (see :data:`FORMATS`)."""
    from ..experiments.params_file import parameter_records

    if fmt == "table":
        return as_text(pattern=pattern)
    records = parameter_records(pattern)
    if fmt == "json":
        return json.dumps(records, indent=1, ensure_ascii=False)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(records[0]) if records else ["name"])
    writer.writeheader()
    for r in records:
        writer.writerow({k: json.dumps(v) if isinstance(v, list) else v for k, v in r.items()})
    return out.getvalue().rstrip("\n")
