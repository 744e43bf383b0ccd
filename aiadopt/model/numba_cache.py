"""Keep numba's on-disk cache of the compiled rules in step with their sources.

numba (``cache=True``) keys a cached function on its own source file's time stamp and size
only.  But the compiled passes inline the rules of other files (``_month_generated.py`` calls
every rule module), and the rules read module constants from ``codes.py``, ``state.py`` and
``stages.py`` (category codes, the columns of the random draws) that numba freezes into the
compiled code: after a change of any of those files, a function whose own file did not
change would load a stale build (one that reads the wrong column of the draws, or an old
rule).  ``purge_if_stale`` drops every cached build of the package's model when the hash of
the model's sources differs from the one recorded at the last purge.  It runs once, when
``aiadopt.model`` is imported, before any compiled function is called; a package installed
read-only is left alone.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_HERE = Path(__file__).resolve().parent

_STAMP = _HERE / "__pycache__" / "numba_constants.sha256"


def sources() -> list[Path]:
    """Every source file of the model, in a fixed order (the rules, the codes they read)."""
    return sorted(_HERE.rglob("*.py"))


def constants_hash() -> str:
    """SHA-256 of the model's sources (names and contents)."""
    digest = hashlib.sha256()
    for path in sources():
        digest.update(path.relative_to(_HERE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def purge_if_stale() -> bool:
    """Delete the model's cached numba builds if the model's sources changed since the last
    purge; returns whether it purged.  Never raises for a folder it cannot write."""
    current = constants_hash()
    try:
        if _STAMP.is_file() and _STAMP.read_text(encoding="ascii").strip() == current:
            return False
        for cached in _HERE.rglob("__pycache__/*.nb[ic]"):
            cached.unlink(missing_ok=True)
        _STAMP.parent.mkdir(exist_ok=True)
        _STAMP.write_text(current + "\n", encoding="ascii")
    except OSError:
        return False
    return True
