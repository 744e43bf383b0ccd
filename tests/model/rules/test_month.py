"""The month: the compiled pass is generated from the order of the rules, and current."""

from __future__ import annotations

import inspect

from aiadopt.model.rules import generate, schedule
from aiadopt.model.rules.compiled import parameter_names


def test_the_checked_in_month_is_what_the_generator_writes() -> None:
    """After a change to ``schedule.py`` or to a rule's arguments, regenerate with
    ``python -m aiadopt.model.rules.generate``."""
    written = generate.GENERATED.read_text(encoding="utf-8")
    assert written == generate.source(), (
        "aiadopt/model/rules/_month_generated.py is stale: run "
        "`python -m aiadopt.model.rules.generate`"
    )


def test_every_argument_of_the_month_is_taken_once_and_every_result_is_used() -> None:
    arguments = generate.kernel_arguments(schedule.MONTH)
    assert len(arguments) == len(set(arguments))
    assert "i" not in arguments and "progress" not in arguments and "overruns" not in arguments
    used = {name for step in schedule.MONTH for name in parameter_names(step.rule)}
    used |= {step.only_if for step in schedule.MONTH if step.only_if}
    for step in schedule.MONTH:
        if step.result:
            assert step.result in used, f"nobody reads {step.result!r}"


def test_each_rule_of_the_month_is_a_rule_for_one_firm() -> None:
    for step in schedule.START + schedule.MONTH:
        assert parameter_names(step.rule)[0] == "i", step.rule
        assert inspect.getdoc(step.rule.py_func), f"{step.rule} has no docstring"
