"""Imported by the process pool's fork server: end with the command (so that a SIGKILL of the
command leaves no fork server behind), then load the model and its compiled kernels once, so
that every worker forked from it starts ready (see ``executors.PoolExecutor``)."""

from ..workers import exit_with_parent
from .runner import warm_up

exit_with_parent()
warm_up()
