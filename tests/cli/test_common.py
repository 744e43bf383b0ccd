"""The commands' one mapping of errors to exit codes (aiadopt.cli.common.exit_codes)."""

from __future__ import annotations

import pytest

from aiadopt.cli import common


class BadInput(ValueError):
    pass


@pytest.mark.parametrize(
    ("error", "writing", "code", "printed"),
    [
        (None, "the outputs", 0, ""),
        (BadInput("bad --seed"), "the outputs", 2, "aiadopt: error: bad --seed\n"),
        (OSError("disk full"), "the figures", 1, "could not write the figures: disk full"),
        (OSError("disk full"), None, 1, "aiadopt: error: disk full\n"),
        (common.CommandError("needs SALib", code=1), "the outputs", 1, "needs SALib"),
    ],
)
def test_errors_become_exit_codes_with_the_message_on_stderr(error, writing, code, printed, capsys):
    with common.exit_codes((BadInput,), writing=writing) as outcome:
        if error is not None:
            raise error
    assert outcome.code == code
    err = capsys.readouterr().err
    assert printed in err and (err == "") == (code == 0)


def test_other_errors_are_not_swallowed():
    with pytest.raises(KeyError), common.exit_codes((BadInput,)):
        raise KeyError("a bug")
