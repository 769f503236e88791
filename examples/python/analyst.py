#!/usr/bin/env python3
"""An analyst's first look at an interaction log with relscore.

Loads a real log when one is present (SNAP CollegeMsg: 59,835 private messages between
1,899 students over 194 days, read from ../shared/data or $RELSCORE_DATA), else the
bundled job-search sample; scores it; prints the strongest ties and how one-sided the
network is; saves the plots and a CSV of every relationship into --out.

    python examples/python/analyst.py --out plots/            # real data when present
    python examples/python/analyst.py --out plots/ --sample   # the bundled sample

Needs the relscore package with matplotlib (pip install '.[plot]').
"""

from __future__ import annotations

import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")  # files only: no display needed
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import relscore  # noqa: E402
from relscore import plot  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(ROOT, "examples", "data", "job_search.csv")
DEFAULT_DATA = os.environ.get("RELSCORE_DATA", os.path.join(ROOT, "..", "shared", "data"))


def load_college_msg(data_dir: str) -> pd.DataFrame | None:
    """CollegeMsg as relscore's columns (time in UNIX seconds, one `message` channel), or None."""
    path = os.path.join(data_dir, "snap-collegemsg", "CollegeMsg.txt.gz")
    if not os.path.exists(path):
        return None
    frame = pd.read_csv(path, sep=" ", header=0, names=["source", "target", "time"])
    frame = frame[frame["source"] != frame["target"]]  # relscore refuses self-interactions
    frame["time"] = pd.to_datetime(frame["time"], unit="s", utc=True)
    frame["channel"] = "message"
    return frame.astype({"source": str, "target": str}).reset_index(drop=True)


def load(args: argparse.Namespace) -> tuple[str, pd.DataFrame, relscore.Scorer]:
    real = None if args.sample else load_college_msg(args.data)
    if real is not None:
        # Students message in bursts: a week's half-life keeps "current" ties current.
        scorer = relscore.Scorer(half_life=args.half_life or "7d")
        scorer.add_dataframe(real)
        return "CollegeMsg", real, scorer
    events = pd.read_csv(SAMPLE)
    scorer = relscore.Scorer(**({"half_life": args.half_life} if args.half_life else {}))
    scorer.add_dataframe(events, missing_weight="default")
    return "job_search sample", events, scorer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="directory for the plots and the CSV")
    parser.add_argument("--data", default=DEFAULT_DATA, help="the shared data directory (default: %(default)s)")
    parser.add_argument("--sample", action="store_true", help="use the bundled sample even if real data is present")
    parser.add_argument("--half-life", help="every channel's half-life, e.g. 30d (default: 7d on CollegeMsg, "
                                            "the channel defaults on the sample)")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    name, events, scorer = load(args)
    table = scorer.to_pandas()
    print(f"{name}: {len(events):,} interactions, {len(scorer.people):,} people, {len(table):,} relationships, "
          f"scored at {scorer.newest:%Y-%m-%d %H:%M} UTC")
    one_sided = (table["reciprocity"] == 0).mean()
    print(f"one-sided relationships (reciprocity 0): {one_sided:.1%}")
    print("\nstrongest relationships:")
    print(table.head(10).to_string(index=False))

    # The person with the most strength in total, and their strongest tie.
    totals = pd.concat([table[["a", "strength"]].rename(columns={"a": "person"}),
                        table[["b", "strength"]].rename(columns={"b": "person"})]).groupby("person")["strength"].sum()
    person = "Sam Rivera" if name.endswith("sample") else str(totals.idxmax())
    best = scorer.top(person, 1)[0]

    written = []
    table.to_csv(os.path.join(args.out, "relationships.csv"), index=False)
    written.append("relationships.csv")

    ax = plot.network(scorer, person, k=15)
    ax.figure.savefig(os.path.join(args.out, "network.png"), dpi=100)
    written.append("network.png")

    ax = plot.timeline(scorer, events, best.a, best.b)
    ax.figure.savefig(os.path.join(args.out, "timeline_strongest.png"), dpi=100)
    written.append("timeline_strongest.png")

    if name.endswith("sample"):  # the sample's story: a friendship that drifted in the spring
        ax = plot.timeline(scorer, events, "Sam Rivera", "Jordan Kim")
        ax.figure.savefig(os.path.join(args.out, "timeline_drifted.png"), dpi=100)
        written.append("timeline_drifted.png")

    fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    ax.hist(table["reciprocity"], bins=20, color="#4477aa")
    ax.set_xlabel("reciprocity")
    ax.set_ylabel("relationships")
    ax.set_title(f"{name}: how two-way are the ties?")
    fig.savefig(os.path.join(args.out, "reciprocity.png"), dpi=100)
    written.append("reciprocity.png")
    plt.close("all")

    print(f"\n{person}'s strongest tie: {best.b} (strength {best.strength:.4f}); wrote {', '.join(written)} to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
