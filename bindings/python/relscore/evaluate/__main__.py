"""python -m relscore.evaluate: what `relscore evaluate` runs."""

import sys

from .cli import main

sys.exit(main())
