"""Small experiments shared by the tests (a few hundred firms, a few replicates)."""

from __future__ import annotations

FIRMS = 300
UNTIL = "2026-12"
SMALL = {"firms": FIRMS, "until": UNTIL, "progress": False}
