"""Imported by the process pool's fork server (after :mod:`aiadopt._forkserver`, which makes
it end with the command): load the model and its compiled kernels once, so that every worker
forked from it starts ready (see ``executors.PoolExecutor``)."""

from .runner import warm_up

warm_up()
