"""Every file the package writes goes through here: one atomic writer and one provenance stamp.

Why atomic.  An output is written under a hidden temporary name in its own folder, flushed
and synced to disk, then renamed to its final name (``os.replace``: atomic on POSIX and
Windows within one file system).  A reader therefore sees a file whole or not at all, and a
command interrupted at any point (Ctrl-C, a killed worker, a full disk) leaves no
half-written table, figure or parameter file behind; a resumable experiment relies on it to
tell finished runs from unfinished ones.

- :func:`write_atomic` writes one file (bytes, text, or a callable that writes to the
  temporary path it is given: Parquet, a matplotlib figure...);
- :func:`staged` writes several files into one folder and renames them only when every one
  is complete (a run's tables and figure, a report's CSV and Markdown);
- :func:`provenance` is the one place the stamp carried by every output is made: the package
  version, the parameter hash (``Params.hash()``, 12 hex digits), the seed and where the
  parameters came from.

Temporary names start with ``.`` and end with ``.tmp`` (:data:`TEMP_GLOB`), so that a folder
can be swept of leftovers without touching a finished file.

Why a lock.  Two commands writing one folder would interleave their outputs (two
calibrations writing one design's runs).  :func:`locked` holds an exclusive lock on a folder
(:data:`LOCK_NAME` in it, ``flock``): a second writer is refused with :class:`FolderLocked`,
naming the holder's PID.  The operating system releases the lock when its holder dies, so a
lock left by a killed command is taken over without asking.  The folder is created if needed
and removed again when the block leaves it empty, so that a command refused (bad input found
after the lock was taken) leaves no empty folder behind.
"""

from __future__ import annotations

import contextlib
import numbers
import os
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model.params import Params

__all__ = [
    "LOCK_NAME",
    "PROVENANCE_KEYS",
    "TEMP_GLOB",
    "Data",
    "FolderLocked",
    "InputError",
    "Staging",
    "__version__",
    "check_input_file",
    "locked",
    "provenance",
    "staged",
    "temp_name",
    "write_atomic",
]

try:
    __version__ = version("aiadopt")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"
"""The package version stamped on every output (``aiadopt.__version__`` is this one)."""

Data = bytes | str | Callable[[Path], None]
"""What a file holds: bytes, text (written as UTF-8), or a callable that writes the file at
the (temporary) path it is given."""

TEMP_GLOB = ".*.tmp"
"""The glob of temporary names (:func:`temp_name`) left by an interrupted write."""


def temp_name(final: Path) -> Path:
    """A unique hidden name beside ``final`` (same folder, so that the rename is atomic)."""
    return final.with_name(f".{final.name}.{uuid.uuid4().hex[:12]}.tmp")


def _write(tmp: Path, data: Data) -> None:
    """Write ``data`` to ``tmp`` and sync it to disk."""
    if callable(data):
        data(tmp)
        with open(tmp, "rb+") as fh:  # whatever wrote it, its bytes reach the disk
            os.fsync(fh.fileno())
        return
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    with open(tmp, "wb") as fh:
        fh.write(raw)
        fh.flush()
        os.fsync(fh.fileno())


def write_atomic(path: str | os.PathLike[str], data: Data) -> Path:
    """Write ``data`` to ``path`` atomically: temporary name in the same folder, flush and
    fsync, rename.  On any error the temporary file is removed and ``path`` is untouched.
    The folder must exist.  Returns ``path`` as a :class:`~pathlib.Path`."""
    final = Path(path)
    tmp = temp_name(final)
    try:
        _write(tmp, data)
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return final


@dataclass
class Staging:
    """Files written into one folder under temporary names, renamed together at the end."""

    folder: Path
    pending: list[tuple[Path, Path]] = field(default_factory=list)
    removals: list[Path] = field(default_factory=list)

    def write(self, name: str, data: Data) -> Path:
        """Write ``data`` (see :data:`Data`) under a temporary name; returns the final path
        it will have once the staged block ends without error."""
        final = self.folder / name
        tmp = temp_name(final)
        self.pending.append((tmp, final))
        _write(tmp, data)
        return final

    def remove(self, name: str) -> None:
        """Delete the file ``name`` of the folder (if there) when the block commits: an output
        of an earlier command that would no longer match the new files (e.g. a stale fit
        table).  Nothing is deleted if the block fails."""
        self.removals.append(self.folder / name)

    def by_kind(self) -> dict[str, Path]:
        """The final paths written so far, in order, keyed by kind: the suffix (``"csv"``,
        ``"png"``), or the whole name when an earlier file has the same suffix."""
        out: dict[str, Path] = {}
        for _, final in self.pending:
            kind = final.suffix.lstrip(".")
            out[final.name if not kind or kind in out else kind] = final
        return out


@contextlib.contextmanager
def staged(folder: str | os.PathLike[str]) -> Iterator[Staging]:
    """Write several files into ``folder`` (created if needed) with ``staging.write(name,
    data)``; they are renamed to their final names only if the block ends without error
    (then the files marked with ``staging.remove(name)`` are deleted).  On error every
    temporary file is removed and no final file is touched.  The folder is :func:`locked`
    meanwhile (joining a lock this process holds on it)."""
    staging = Staging(Path(folder))
    with locked(staging.folder, join=True):
        try:
            yield staging
            for tmp, final in staging.pending:
                os.replace(tmp, final)
            for path in staging.removals:
                path.unlink(missing_ok=True)
        except BaseException:
            for tmp, _ in staging.pending:
                tmp.unlink(missing_ok=True)
            raise


class InputError(ValueError):
    """An input file cannot be read as text (missing, a folder, unreadable, not UTF-8)."""


def check_input_file(path: str | os.PathLike[str], what: str = "file") -> Path:
    """``path`` as a Path if it is a readable UTF-8 text file; else an :class:`InputError`
    naming it, ``what`` it should be and what is wrong (checked before the file is parsed, so
    that every reader of a user's file says the same, on one line)."""
    file = Path(path)
    try:
        file.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InputError(f"{file}: no such {what}") from None
    except IsADirectoryError:
        raise InputError(f"{file} is a folder, not a {what}") from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{file}: not UTF-8 text (byte {exc.start}); save the {what} as UTF-8"
        ) from None
    except OSError as exc:
        raise InputError(f"{file}: cannot read the {what} ({exc.strerror or exc})") from None
    return file


LOCK_NAME = ".aiadopt.lock"
"""The lock file :func:`locked` holds in a folder (it holds the PID of the writer)."""


class FolderLocked(RuntimeError):
    """Another process is writing the folder (the message names it and the holder's PID)."""


_held: dict[str, tuple[int, int]] = {}
"""Folders this process holds locked: real path -> (file descriptor, depth); a block nested in
another on the same folder (a fit table saved into an experiment's folder) shares its lock."""
_held_guard = threading.Lock()


def _lock_fd(fd: int) -> bool:
    """Take an exclusive lock on the open file ``fd`` without waiting; False if held."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _acquire(folder: Path) -> int:
    """Lock ``folder`` (which exists): the open lock file, holding this PID."""
    path = folder / LOCK_NAME
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _lock_fd(fd):
            holder = os.read(fd, 32).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise FolderLocked(_busy(folder, holder))
        try:  # the holder we waited for may have removed the file: lock the one there now
            same = os.path.samestat(os.fstat(fd), os.stat(path))
        except FileNotFoundError:
            same = False
        if same:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode("ascii"))
            return fd
        os.close(fd)


def _busy(folder: Path, holder: object) -> str:
    return (
        f"{folder} is locked: another aiadopt command (PID {holder}) is writing to it; wait "
        "for it to finish or choose another output folder"
    )


def _missing_parents(folder: Path) -> list[Path]:
    """``folder`` and its parents that do not exist yet, deepest first."""
    missing = []
    for path in (folder, *folder.parents):
        if path.exists():
            break
        missing.append(path)
    return missing


@contextlib.contextmanager
def locked(folder: str | os.PathLike[str], *, join: bool = False) -> Iterator[Path]:
    """Hold an exclusive lock on ``folder`` (created if needed) while the block runs; see the
    module docstring.  Raises :class:`FolderLocked` if another command holds it, and
    ``OSError`` if the folder cannot be created (e.g. a file has its name).  With ``join``, a
    block of the process that holds the lock already shares it (files staged into an
    experiment's folder by the experiment itself); without, it is refused too."""
    path = Path(folder)
    key = os.path.realpath(path)
    with _held_guard:
        if key in _held and not join:
            raise FolderLocked(_busy(path, os.getpid()))
        if key in _held:
            fd, depth = _held[key]
            _held[key] = (fd, depth + 1)
            nested = True
        else:
            nested = False
    if nested:
        try:
            yield path
        finally:
            with _held_guard:
                fd, depth = _held[key]
                _held[key] = (fd, depth - 1)
        return
    created = _missing_parents(path)
    path.mkdir(parents=True, exist_ok=True)
    try:
        fd = _acquire(path)
    except BaseException:
        _remove_empty(created)
        raise
    with _held_guard:
        _held[key] = (fd, 1)
    try:
        yield path
    finally:
        with _held_guard:
            del _held[key]
        with contextlib.suppress(OSError):
            (path / LOCK_NAME).unlink()
        os.close(fd)
        _remove_empty(created)


def _remove_empty(created: Sequence[Path]) -> None:
    """Remove the folders a lock created (deepest first) if they are still empty."""
    for folder in created:
        try:
            folder.rmdir()
        except OSError:
            return


PROVENANCE_KEYS = ("version", "param_hash", "seed", "params_source")
"""The keys of :func:`provenance`'s stamp, in order."""


def provenance(params: Params, seed: int | Sequence[int], source: str) -> dict[str, str]:
    """The stamp every output carries: ``version`` (of aiadopt), ``param_hash``
    (``Params.hash()``: first 12 hex digits of the SHA-256 of the canonical TOML),
    ``seed`` (several seeds separated by spaces) and ``params_source`` (where the parameters
    came from, e.g. the shipped fit)."""
    if isinstance(seed, numbers.Integral):
        seeds = str(int(seed))
    else:
        seeds = " ".join(str(int(s)) for s in seed)
    return dict(zip(PROVENANCE_KEYS, (__version__, params.hash(), seeds, source), strict=True))
