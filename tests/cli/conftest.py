"""The views' results folders, shared with the commands' tests."""

from tests.views.conftest import experiment_dir, run_dir, run_dir_with_fit  # noqa: F401
