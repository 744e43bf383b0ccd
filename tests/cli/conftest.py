"""The views' results folders, shared with the commands' tests."""

from tests.views.conftest import experiment_dir, run_dir  # noqa: F401
