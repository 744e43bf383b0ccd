"""``python -m aiadopt``: the same as the ``aiadopt`` command."""

import sys

from .cli import main

sys.exit(main())
