"""The views' results folders, shared with the commands' tests."""

from tests.views.conftest import (  # noqa: F401
    discovery,
    experiment_dir,
    portfolio,
    run_dir,
    run_dir_with_fit,
)
