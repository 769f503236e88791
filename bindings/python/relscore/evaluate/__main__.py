"""python -m relscore.evaluate: what `relscore evaluate` runs."""

import sys

from .cli import main
from .results import main as results_main

sys.exit(main(write_results=lambda argv, command: results_main(argv, command=command)))
