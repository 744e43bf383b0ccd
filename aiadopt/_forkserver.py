"""Imported first by the fork server of every :class:`aiadopt.workers.WorkerPool` (its preload
list): the fork server ends when the command that started it dies, so that a SIGKILL of the
command leaves no fork server behind (its workers end with it, see
:func:`aiadopt.workers.exit_with_parent`)."""

from .workers import exit_with_parent

exit_with_parent()
