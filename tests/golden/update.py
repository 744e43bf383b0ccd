"""Rewrite the golden baseline from the code as it is now: a deliberate act, never automatic.

Usage, from the repository's root::

    python -m tests.golden.update            # with this tree's aiadopt
    python -m tests.golden.update --code DIR # with the aiadopt package of source tree DIR

It runs the cases of ``tests/golden/summary.py`` with the shipped fit, prints what moved from
the previous baseline (say why in the commit), and writes ``tests/golden/values.csv`` and
``tests/golden/baseline.json``, which record the parameters and which ``aiadopt`` (folder and
git commit) made them.  ``--code`` makes the baseline with another copy of the package, e.g.
the code before a refactor, to show that the refactor moved nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"{sys.executable} -m tests.golden.update",
                                     description=__doc__.split("\n")[0])  # fmt: skip
    parser.add_argument("--code", type=Path, metavar="DIR",
                        help="source tree whose aiadopt package makes the baseline")  # fmt: skip
    args = parser.parse_args(argv)
    if args.code is not None:
        if "aiadopt" in sys.modules:
            parser.error("aiadopt is already imported: --code must come before it")
        if not (args.code / "aiadopt" / "__init__.py").is_file():
            parser.error(f"{args.code} holds no aiadopt package")
        sys.path.insert(0, str(args.code.resolve()))
    from . import summary  # imports aiadopt: after --code has put its tree first

    params, source = summary.shipped_fit()
    info = summary.meta(params, source)
    print(f"aiadopt from {info['made_with']['aiadopt']} ({info['made_with']['git_commit']}); "
          f"{source}, hash {info['params_hash']}")  # fmt: skip
    new = summary.run(params)
    if summary.VALUES_FILE.exists() and summary.META_FILE.exists():
        old, old_info = summary.read()
        moved = summary.compare_values(old.values, new.values)
        moved += summary.compare_state(
            old.state, new.state, exact_floats=summary.same_platform(old_info)
        )
        print(f"{len(moved)} change(s) from the previous baseline", *moved[:200], sep="\n")
    summary.write(new, info)
    print(f"wrote {len(new.values)} values to {summary.VALUES_FILE} and "
          f"{len(new.state)} state arrays to {summary.META_FILE}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
