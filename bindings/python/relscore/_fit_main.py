"""``relscore fit EVENTS.csv LABELS.csv [--out FILE]``: the command line's fit (the CLI hands
its arguments to ``python -m relscore._fit_main``, as it does for ``relscore evaluate``).

Reads the log (the CLI's columns: time, source, target, optional channel, weight, mutual)
and the labels (a, b and either stars 0..5 or label 0/1), fits channel weights,
half-lives and ρ with cross-validation (docs/fitting.md), prints the cross-validated
agreement of the fitted model, the defaults and a raw count, and the fitted channels, and
writes the configuration that ``relscore score --config FILE`` (and
``relscore.Scorer.from_config``) read.
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

import pandas as pd

import relscore


def _read_log(path: str) -> pd.DataFrame:
    # The mutual flags stay as read: fit() parses them as add_dataframe() does (the CLI's
    # true/false, 1/0, yes/no, t/f, y/n, blank = false; anything else is an error naming the row).
    return pd.read_csv(path, sep=None if path.endswith(".tsv") else ",", engine="python" if path.endswith(".tsv") else "c")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="relscore fit", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("events", help="the interaction log (CSV with a header row)")
    parser.add_argument("labels", help="your labels: CSV with a, b and stars (0..5) or label (0/1)")
    parser.add_argument("--out", default="relscore-config.json", help="where to write the configuration (default %(default)s)")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (default %(default)s)")
    args = parser.parse_args(argv)
    try:
        fit = relscore.fit(_read_log(args.events), pd.read_csv(args.labels), folds=args.folds)
    except (OSError, ValueError, KeyError) as exc:
        print(f"relscore fit: error: {exc}", file=sys.stderr)
        return 2
    print("cross-validated agreement with your labels (mean over folds):")
    print(fit.summary.round(3).to_string())
    print()
    print(fit.channels.round({"weight": 3, "start_weight": 3}).to_string(index=False))
    print(f"rho {fit.reciprocity:.3f}")
    fit.save(args.out)
    print(f"\nwrote {args.out}: relscore score {args.events} --config {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
