#!/usr/bin/env python3
"""Writes docs/results.md with the generator of `relscore evaluate --results docs/results.md`
(relscore.evaluate.results), for a Python that has the package but no relscore executable:

    python scripts/results.py docs/results.md [--data-dir DIR]"""

import sys

from relscore.evaluate.results import main

if __name__ == "__main__":
    sys.exit(main(command="python scripts/results.py {out}"))
