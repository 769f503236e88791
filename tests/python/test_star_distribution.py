"""The default stars are not degenerate on real logs (../shared/data; skipped when absent):
short face-to-face logs spread over several levels (the "known for" gates fit their span,
and days with contact count), long e-mail and message logs have more than one level."""

import importlib.util
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.environ.get("RELSCORE_DATA", os.path.join(ROOT, "..", "shared", "data"))

spec = importlib.util.spec_from_file_location("star_distribution", os.path.join(ROOT, "scripts", "star_distribution.py"))
star_distribution = importlib.util.module_from_spec(spec)
spec.loader.exec_module(star_distribution)

LOGS = list(star_distribution.available(DATA)) if os.path.isdir(DATA) else []


@pytest.mark.skipif(not LOGS, reason=f"real data not found at {DATA}")
@pytest.mark.parametrize("name", LOGS)
def test_stars_spread_over_levels(name):
    counts, span_days = star_distribution.distribution(DATA, name)
    total = counts.sum()
    assert total > 0
    levels = [k for k in range(6) if counts[k] > 0]
    assert len(levels) >= 3, (name, counts)
    assert max(counts) < total, (name, counts)  # not everyone on one level
    # Three stars need contact on three days (touches): a log of three days or more lets
    # repeated, two-way contact get there; a shorter one (a 1.3-day conference) cannot.
    if span_days >= 3:
        assert counts[3:].sum() > 0, (name, counts)


@pytest.mark.skipif(len(LOGS) < len(star_distribution.LOGS), reason=f"not every shared log found at {DATA}")
def test_concepts_table_is_the_scripts_output():
    """docs/concepts.md quotes scripts/star_distribution.py: the rows must be what it prints."""
    import subprocess
    import sys

    printed = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "star_distribution.py"), "--data", DATA],
                             check=True, capture_output=True, text=True).stdout.splitlines()
    with open(os.path.join(ROOT, "docs", "concepts.md"), encoding="utf-8") as f:
        doc = f.read().splitlines()
    rows = [line for line in printed if line.startswith("|")]
    start = doc.index(rows[0])
    assert doc[start:start + len(rows)] == rows
