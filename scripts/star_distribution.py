#!/usr/bin/env python3
"""How the default stars spread over the relationships of the shared real logs.

    .venv/bin/python scripts/star_distribution.py [--data ../shared/data]

For each log (SNAP e-mail and messages, directed; SocioPatterns face-to-face contacts,
mutual), scores it with the default settings and prints how many relationships have 0 to
5 stars at the newest interaction, with the log's span. docs/concepts.md quotes the output;
tests/python/test_star_distribution.py checks it is not degenerate.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Dict, Iterator, Tuple

import numpy as np
import pandas as pd

import relscore

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DATA = os.path.join(ROOT, "..", "shared", "data")

# name -> (folder, file, column order, mutual): SNAP logs are directed (source, target, time);
# SocioPatterns rows are undirected contacts (time, i, j), so mutual meetings.
LOGS: Dict[str, Tuple[str, str, Tuple[str, str, str], bool]] = {
    "email-Eu-core": ("snap-email-eu-core-temporal", "email-Eu-core-temporal.txt.gz", ("source", "target", "time"), False),
    "CollegeMsg": ("snap-collegemsg", "CollegeMsg.txt.gz", ("source", "target", "time"), False),
    "workplace-2013": ("sociopatterns-workplace-2013", "tij_InVS13.dat", ("time", "source", "target"), True),
    "workplace-2015": ("sociopatterns-workplace-2015", "tij_InVS15.dat.gz", ("time", "source", "target"), True),
    "highschool-2012": ("sociopatterns-highschool-2012", "tij_thiers12.dat", ("time", "source", "target"), True),
    "hospital-2010": ("sociopatterns-hospital-ward-2010", "tij_hospital.dat", ("time", "source", "target"), True),
    "sfhh-2009": ("sociopatterns-sfhh-conference-2009", "tij_SFHH.dat.gz", ("time", "source", "target"), True),
}


def read_log(data: str, name: str) -> Tuple[pd.DataFrame, bool]:
    """The log as a frame (time in seconds, source, target; self-interactions dropped)."""
    folder, file, columns, mutual = LOGS[name]
    frame = pd.read_csv(os.path.join(data, folder, file), sep=r"\s+", header=None, names=list(columns),
                        usecols=[0, 1, 2], comment="#")
    frame = frame[pd.to_numeric(frame["time"], errors="coerce").notna()]  # CollegeMsg's header line, if any
    frame = frame.astype({"time": np.int64, "source": np.int64, "target": np.int64})
    return frame[frame["source"] != frame["target"]].reset_index(drop=True), mutual


def distribution(data: str, name: str) -> Tuple[np.ndarray, float]:
    """Relationships with 0..5 stars at the newest interaction, and the log's span in days."""
    frame, mutual = read_log(data, name)
    s = relscore.Scorer()
    channel = "meeting" if mutual else ("email" if name.startswith("email") else "message")
    # Relative seconds (most SocioPatterns logs) become times in 1970: only spans matter here.
    time = frame["time"].to_numpy().astype("datetime64[s]")
    # A SocioPatterns row is 20 s of face-to-face contact: weighted so that an hour of it
    # is one meeting (weight 3), not 180 meetings.
    weight = np.full(len(frame), 3 * 20 / 3600) if mutual else None
    s.add_arrays(time, frame["source"], frame["target"], channel=channel, weight=weight, mutual=np.full(len(frame), mutual))
    stars = s.insight_frame()["stars"].to_numpy()
    span_days = (frame["time"].max() - frame["time"].min()) / 86400
    return np.bincount(stars, minlength=6), span_days


def available(data: str) -> Iterator[str]:
    for name, (folder, file, _, _) in LOGS.items():
        if os.path.exists(os.path.join(data, folder, file)):
            yield name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=DEFAULT_DATA, help="the shared data folder (default: %(default)s)")
    args = parser.parse_args()
    names = list(available(args.data))
    if not names:
        print(f"no shared logs under {args.data}", file=sys.stderr)
        return 1
    print("| log | span (days) | relationships | 0★ | 1★ | 2★ | 3★ | 4★ | 5★ |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in names:
        counts, span = distribution(args.data, name)
        total = counts.sum()
        cells = " | ".join(f"{100 * c / total:.1f}%" for c in counts)
        print(f"| {name} | {span:.1f} | {total:,} | {cells} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
