#!/usr/bin/env python3
"""Fit relscore to group labels on the shared real logs, as a weak proxy for ties.

    .venv/bin/python scripts/fit_group_labels.py [--data ../shared/data] [LOG ...]

For each log with group metadata, every pair that interacted and whose two people both
have a group is labelled 1 when the groups are equal (same department, same class), 0
otherwise; relscore.fit then fits the channel's half-life and ρ (one channel per log, so
no weight ratio) with 5-fold cross-validation, and this prints the held-out AUC and
Spearman of the fitted model, of the defaults and of the raw interaction count.
docs/fitting.md quotes the output; tests/python/test_fit.py fits the face-to-face logs.

SocioPatterns contacts are mutual (no direction, so ρ has nothing to act on); a 20 s row
weighs 3·20/3600, an hour of contact one meeting, as in scripts/star_distribution.py.
email-Eu-core's departments are noise as a tie label: people e-mail across departments
all the time, and a department is not a relationship.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Dict, Tuple

import numpy as np
import pandas as pd

import relscore

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DATA = os.path.join(ROOT, "..", "shared", "data")

# name -> (folder, log file, column order, mutual, metadata file): metadata rows "id group".
LOGS: Dict[str, Tuple[str, str, Tuple[str, str, str], bool, str]] = {
    "workplace-2013": ("sociopatterns-workplace-2013", "tij_InVS13.dat", ("time", "source", "target"), True,
                       "metadata_InVS13.dat"),
    "workplace-2015": ("sociopatterns-workplace-2015", "tij_InVS15.dat.gz", ("time", "source", "target"), True,
                       "metadata_InVS15.dat"),
    "highschool-2011": ("sociopatterns-highschool-2011", "tij_thiers11.dat", ("time", "source", "target"), True,
                        "metadata_thiers11.dat"),
    "highschool-2012": ("sociopatterns-highschool-2012", "tij_thiers12.dat", ("time", "source", "target"), True,
                        "metadata_thiers12.dat"),
    "primary-school-2009": ("sociopatterns-primary-school-2009", "tij_PS09.dat.gz", ("time", "source", "target"),
                            True, "metadata_PS09.dat"),
    "email-Eu-core": ("snap-email-eu-core-temporal", "email-Eu-core-temporal.txt.gz", ("source", "target", "time"),
                      False, "email-Eu-core-department-labels.txt"),
}


def available(data: str):
    for name, (folder, file, *_rest) in LOGS.items():
        if os.path.exists(os.path.join(data, folder, file)):
            yield name


def group_tie_labels(data: str, name: str) -> Tuple[pd.DataFrame, pd.DataFrame]:
    """The log as a frame for relscore.fit, and the group labels of its pairs."""
    folder, file, columns, mutual, meta_file = LOGS[name]
    frame = pd.read_csv(os.path.join(data, folder, file), sep=r"\s+", header=None, names=list(columns),
                        usecols=[0, 1, 2], comment="#")
    frame = frame[frame["source"] != frame["target"]].reset_index(drop=True)
    meta = pd.read_csv(os.path.join(data, folder, meta_file), sep=r"\s+", header=None, usecols=[0, 1],
                       names=["id", "group"])
    group = dict(zip(meta["id"], meta["group"]))
    n = len(frame)
    log = pd.DataFrame({
        # Relative seconds become times in 1970: only spans matter.
        "time": frame["time"].to_numpy().astype(np.int64).astype("datetime64[s]"),
        "source": frame["source"], "target": frame["target"],
        "channel": "meeting" if mutual else "email",
        "weight": np.full(n, 3 * 20 / 3600) if mutual else np.nan,
        "mutual": np.full(n, mutual),
    })
    pairs = sorted({(min(a, b), max(a, b)) for a, b in zip(frame["source"], frame["target"])})
    labels = pd.DataFrame([(a, b, int(group[a] == group[b])) for a, b in pairs if a in group and b in group],
                          columns=["a", "b", "label"])
    return log, labels


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("RELSCORE_DATA", DEFAULT_DATA))
    parser.add_argument("logs", nargs="*")
    args = parser.parse_args()
    names = args.logs or list(available(args.data))
    if not names:
        print(f"no labelled logs found in {args.data}", file=sys.stderr)
        return 1
    print("| log | labelled pairs | same group | fitted half-life | fitted ρ | AUC fitted | AUC defaults | AUC count "
          "| Spearman fitted | Spearman defaults | Spearman count | seconds |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in names:
        log, labels = group_tie_labels(args.data, name)
        start = time.perf_counter()
        fit = relscore.fit(log, labels)
        took = time.perf_counter() - start
        s = fit.summary
        channel = fit.channels.set_index("channel").loc[log["channel"].iloc[0]]
        days = channel["half_life"] / pd.Timedelta(days=1)
        half_life = f"{days:.3g} d" if days >= 1 else f"{days * 24:.3g} h"
        auc = " | ".join(f"{s.loc[m, 'auc']:.3f} ± {s.loc[m, 'auc_sd']:.3f}" for m in ("fitted", "defaults", "count"))
        rho = " | ".join(f"{s.loc[m, 'spearman']:.3f}" for m in ("fitted", "defaults", "count"))
        print(f"| {name} | {len(labels):,} | {labels['label'].mean():.1%} | {half_life} | {fit.reciprocity:.2f} "
              f"| {auc} | {rho} | {took:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
