"""Write the compiled passes over the firms from the order of the rules.

``schedule.START`` and ``schedule.MONTH`` list the rules a firm goes through; each rule names
its arguments in its signature.  This module writes, for each list, a compiled function that
takes every argument the rules need (each once, in order of first use) and applies the rules
to each firm in turn, into ``_month_generated.py``.  The file is checked in, so that numba
caches the compiled code like any other module's; a test fails when it differs from what
this module writes.  Regenerate with::

    python -m aiadopt.model.rules.generate

Why generate: numba compiles a loop as fast as a hand-written one only when each array is an
argument of its own (read from a tuple or a record, arrays are reloaded at each firm), which
makes a month of some 100 arguments.  Written by hand, that list had to be kept in step with
every rule; generated, each argument is written once, in the signature of the rule that uses
it.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from ...files import write_atomic
from .compiled import parameter_names
from .schedule import MONTH, START, Apply

GENERATED = Path(__file__).with_name("_month_generated.py")
_WIDTH = 100
_FIRMS = "stage"  # the array whose length is the number of firms

_HEADER = '''"""The compiled passes over the firms: written by ``generate.py`` from ``schedule.py``.

Do not edit: regenerate with ``python -m aiadopt.model.rules.generate``.
"""

from __future__ import annotations

from numba import njit

{imports}
'''


def _module(step: Apply) -> str:
    return step.rule.py_func.__module__.rsplit(".", 1)[-1]


def _rule_name(step: Apply) -> str:
    """How the generated code names a rule: through its module, imported under a name of
    its own (``_collaboration``: the state has an array ``collaboration``)."""
    return f"_{_module(step)}.{step.rule.py_func.__name__}"


def kernel_arguments(steps: tuple[Apply, ...]) -> list[str]:
    """Every argument the rules of ``steps`` take, once, in order of first use; without the
    firm ``i`` and the values earlier rules give (``result``)."""
    given: set[str] = {"i"}
    out: list[str] = []
    for step in steps:
        names = ([step.only_if] if step.only_if else []) + list(parameter_names(step.rule))
        out += [name for name in names if name not in given and name not in out]
        if step.result:
            given.add(step.result)
    if _FIRMS not in out:  # pragma: no cover - every pass reads the stage
        raise ValueError(f"the rules take no {_FIRMS!r} array to count the firms by")
    return out


def _wrapped(head: str, args: list[str], tail: str, indent: str) -> list[str]:
    """``head(args)tail`` on one line if it fits, else the arguments on lines of their own."""
    line = f"{indent}{head}({', '.join(args)}){tail}"
    if len(line) <= _WIDTH:
        return [line]
    body = textwrap.wrap(
        ", ".join(args) + ",", _WIDTH, initial_indent=indent + "    ",
        subsequent_indent=indent + "    ", break_long_words=False, break_on_hyphens=False,
    )  # fmt: skip
    return [f"{indent}{head}(", *body, f"{indent}){tail}"]


def kernel_source(name: str, steps: tuple[Apply, ...], doc: str) -> str:
    """The source of one compiled pass: ``name(arguments)`` applies ``steps`` to each firm."""
    lines = ["", "", "@njit(cache=True)"]
    lines += _wrapped(f"def {name}", kernel_arguments(steps), ":", "")
    lines += [f'    """{doc}"""', f"    for i in range({_FIRMS}.shape[0]):"]
    for step in steps:
        indent = "        "
        if step.only_if:
            lines.append(f"{indent}if {step.only_if}:")
            indent += "    "
        head = f"{step.result} = {_rule_name(step)}" if step.result else _rule_name(step)
        lines += _wrapped(head, list(parameter_names(step.rule)), "", indent)
    return "\n".join(lines) + "\n"


def source() -> str:
    """The whole generated module."""
    modules = sorted({_module(step) for step in START + MONTH})
    imports = "\n".join(f"from . import {module} as _{module}" for module in modules)
    return (
        _HEADER.format(imports=imports)
        + kernel_source("start_kernel", START, "``schedule.START`` for every firm.")
        + kernel_source("month_kernel", MONTH, "``schedule.MONTH`` for every firm.")
    )


def main() -> None:
    """Rewrite ``_month_generated.py``."""
    write_atomic(GENERATED, source())
    print(f"wrote {GENERATED}")


if __name__ == "__main__":
    main()
