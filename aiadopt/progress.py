"""Progress of a long command: a bar on a terminal, a line every few seconds elsewhere.

Why.  ``tqdm`` draws nothing when its output is not a terminal, so ``nohup aiadopt experiment
... > log`` printed nothing between "Running 120 runs" and the end.  :func:`progress` gives a
``tqdm`` bar on a terminal and otherwise a :class:`LineProgress`: one plain line on stderr
every :data:`LINE_SECONDS` seconds (and at the end) with the count done, the rate and the
estimated time left, which a log file keeps readable.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

__all__ = ["LINE_SECONDS", "LineProgress", "progress"]

LINE_SECONDS = 5.0
"""Seconds between two lines of :class:`LineProgress`."""


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


class LineProgress:
    """A progress counter that prints a line now and then (the part of ``tqdm``'s interface
    the package uses: ``update``, ``set_postfix_str``, ``set_postfix``, ``close``, ``with``)."""

    def __init__(
        self,
        total: int,
        *,
        initial: int = 0,
        unit: str = "it",
        desc: str = "",
        file: TextIO | None = None,
        every: float = LINE_SECONDS,
    ) -> None:
        self.total = total
        self.n = initial
        self.initial = initial
        self.unit = unit
        self.desc = desc
        self.file = file
        self.every = every
        self.postfix = ""
        self.start = self.last = time.monotonic()
        self.closed = False

    def line(self) -> str:
        """The progress line: done/total, share, rate and time left."""
        elapsed = time.monotonic() - self.start
        done = self.n - self.initial
        rate = done / elapsed if elapsed > 0 else 0.0
        share = f" ({100 * self.n / self.total:.0f}%)" if self.total else ""
        left = (self.total - self.n) / rate if rate > 0 else None
        eta = _duration(left) if left is not None else "?"
        extra = f", {self.postfix}" if self.postfix else ""
        return (
            f"{self.desc}: {self.n}/{self.total} {self.unit}s{share}, {rate:.2f} {self.unit}/s, "
            f"elapsed {_duration(elapsed)}, left ~{eta}{extra}"
        )

    def _print(self) -> None:
        print(self.line(), file=self.file or sys.stderr, flush=True)
        self.last = time.monotonic()

    def update(self, n: int = 1) -> None:
        self.n += n
        if time.monotonic() - self.last >= self.every:
            self._print()

    def set_postfix_str(self, text: str, refresh: bool = True) -> None:
        self.postfix = text

    def set_postfix(self, refresh: bool = True, **values: Any) -> None:
        self.postfix = ", ".join(f"{k}={v}" for k, v in values.items())

    def close(self) -> None:
        if not self.closed and self.n > self.initial:
            self._print()
        self.closed = True

    def __enter__(self) -> LineProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def progress(
    total: int, *, initial: int = 0, unit: str = "it", desc: str = "", enabled: bool = True,
    **tqdm_options: Any,
) -> Any:  # fmt: skip
    """A ``tqdm`` bar when stderr is a terminal, else a :class:`LineProgress`; a disabled
    ``tqdm`` when not ``enabled`` (``--quiet``)."""
    from tqdm.auto import tqdm  # imported when a command runs, not for --help

    if enabled and not sys.stderr.isatty():
        return LineProgress(total, initial=initial, unit=unit, desc=desc)
    return tqdm(total=total, initial=initial, unit=unit, desc=desc, disable=not enabled,
                **tqdm_options)  # fmt: skip
