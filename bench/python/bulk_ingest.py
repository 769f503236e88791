#!/usr/bin/env python3
"""Bulk ingest from numpy: the public Python API against the C++ bulk path, same log.

    .venv/bin/python bench/python/bulk_ingest.py [--events 10000000] [--people 100000]

- "C++ bulk": relscore._core.Scorer.add_columns with int64 microsecond times and int64
  codes — the C++ scorer's add_columns() reached through the binding with zero-copy
  arrays and the GIL released (no Python work per row).
- "Python add_arrays": relscore.Scorer.add_arrays with datetime64[ns] times and
  pandas Categorical ids, i.e. what an analyst passes, including all conversions.
Both build the same scorer (checked: identical snapshots, by digest). Timings are warm
(the arrays exist before timing) and the best of --repeat runs. One scorer is alive at a
time, so the peak RSS (run it under `/usr/bin/time -f "peak RSS %M KiB"`) is one scorer,
its snapshot while it is digested, and the input arrays.
"""

import argparse
import hashlib
import time

import numpy as np
import pandas as pd

import relscore
from relscore import _core


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    rng = np.random.default_rng(42)
    n = args.events
    # Heavy-tailed popularity, bursty times over a year.
    popularity = 1.0 / np.arange(1, args.people + 1) ** 0.8
    popularity /= popularity.sum()
    src = rng.choice(args.people, size=n, p=popularity)
    dst = rng.choice(args.people, size=n, p=popularity)
    dst = np.where(src == dst, (dst + 1) % args.people, dst)
    t_us = np.sort(rng.integers(1_700_000_000, 1_731_536_000, size=n)) * 1_000_000
    names = [f"person{i}" for i in range(args.people)]
    codes_src, codes_dst = src.astype(np.int64), dst.astype(np.int64)
    categories = pd.CategoricalDtype(names)
    cat_src = pd.Categorical.from_codes(codes_src, dtype=categories)
    cat_dst = pd.Categorical.from_codes(codes_dst, dtype=categories)
    times_ns = t_us.astype("datetime64[us]").astype("datetime64[ns]")
    channel_names = ["email", "message", "call", "meeting"]
    channel = rng.integers(0, len(channel_names), size=n).astype(np.int64)
    cat_channel = pd.Categorical.from_codes(channel, categories=channel_names)

    def cpp_bulk():
        s = _core.Scorer(reciprocity=0.5, channels=[])
        s.add_columns(time_us=t_us, source=codes_src, target=codes_dst, people=names, channel=channel,
                      channel_names=channel_names, default_channel="contact", weight=None, mutual=None)
        return s

    def python_api():
        s = relscore.Scorer()
        s.add_arrays(times_ns, cat_src, cat_dst, channel=cat_channel)
        return s

    results = {}
    for label, run in (("C++ bulk (add_columns)", cpp_bulk), ("Python add_arrays", python_api)):
        best = float("inf")
        scorer = None
        for _ in range(args.repeat):
            scorer = None  # the last run's scorer is freed before the next one is built
            start = time.perf_counter()
            scorer = run()
            best = min(best, time.perf_counter() - start)
        digest = hashlib.sha256(scorer.to_bytes()).hexdigest()
        results[label] = (best, digest, getattr(scorer, "relationship_count", None))  # the C++ one has it
        del scorer
        print(f"{label:<26} {best:8.3f} s   {n / best / 1e6:8.2f} M interactions/s", flush=True)

    (t_cpp, digest_cpp, pairs), (t_py, digest_py, _) = results.values()
    if digest_cpp != digest_py:
        raise SystemExit("checksum failed: the two paths built different scorers")
    print(f"relationships: {pairs:,}; identical snapshots: yes")
    print(f"Python / C++ time: {t_py / t_cpp:.3f}  (target: <= 1.10)")


if __name__ == "__main__":
    main()
