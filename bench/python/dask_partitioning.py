#!/usr/bin/env python3
"""How to partition a log for relscore.dask: by time, by hash of the pair, or by source.

    .venv/bin/python bench/python/dask_partitioning.py [--events 5e6] [--partitions 32]

For each log (a seeded synthetic heavy-tailed one, and SNAP email-Eu-core from
../shared/data or $RELSCORE_DATA when present) and each way of partitioning it, prints:

- partial MB:  the size of the partial scorers' snapshots, i.e. the bytes shipped from
               the partition tasks into the merge tree (the merged snapshot's size is
               the floor: every relationship has to travel at least once);
- x final:     that size over the merged snapshot's size;
- pairs/part:  partial relationships over final ones (how many partials hold a pair);
- score s:     CPU time to build every partial scorer (one process, one thread);
- merge s:     CPU time of the merge tree (--split-every per task), the same graph
               relscore.dask runs, on Dask's synchronous scheduler;
- max rel err: the largest relative difference in strength from a single ingest.

It does not count the cost of getting rows into that partitioning: a log stored by day is
already partitioned by time, while partitioning by pair or by source means a shuffle
of the log itself (its whole size across the network) unless it is stored that way.
"""

import argparse
import os
import time

import dask
import numpy as np
import pandas as pd

import relscore
import relscore.dask
from relscore.datasets import synthetic_log

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.environ.get("RELSCORE_DATA", os.path.join(ROOT, "..", "shared", "data"))
EMAIL_EU = os.path.join(DATA, "snap-email-eu-core-temporal", "email-Eu-core-temporal.txt.gz")


def name_hash(values: pd.Series) -> np.ndarray:
    return pd.util.hash_array(values.astype(str).to_numpy(dtype=object))


def partitionings(log: pd.DataFrame, parts: int) -> dict:
    by_time = np.empty(len(log), dtype=np.int64)
    by_time[np.argsort(log["time"].to_numpy(), kind="stable")] = np.arange(len(log)) * parts // len(log)
    a, b = name_hash(log["source"]), name_hash(log["target"])
    pair = (np.minimum(a, b) * np.uint64(0x9E3779B97F4A7C15)) ^ np.maximum(a, b)
    return {
        "time (contiguous ranges)": by_time,
        "hash of the pair": (pair % np.uint64(parts)).astype(np.int64),
        "source person": (a % np.uint64(parts)).astype(np.int64),
    }


def canonical_strength(scorer: relscore.Scorer) -> pd.Series:
    t = scorer.to_pandas(sort=False)
    a, b = t["a"].astype(str).to_numpy(), t["b"].astype(str).to_numpy()
    key = pd.MultiIndex.from_arrays([np.minimum(a, b), np.maximum(a, b)])
    return pd.Series(t["strength"].to_numpy(), index=key).sort_index()


def measure(label: str, log: pd.DataFrame, parts: int, split_every: int) -> None:
    template = relscore.Scorer()
    single = template.empty_like()
    single.add_dataframe(log, missing_weight="default")
    final_bytes = len(single.to_bytes())
    want = canonical_strength(single)
    print(f"\n{label}: {len(log):,} interactions, {len(single.people):,} people, {len(single):,} relationships, "
          f"{parts} partitions, merged snapshot {final_bytes / 1e6:.2f} MB")
    print(f"{'partitioned by':<26} {'partial MB':>10} {'x final':>8} {'pairs/part':>10} {'score s':>8} "
          f"{'merge s':>8} {'max rel err':>12}")
    for name, part_of in partitionings(log, parts).items():
        pieces = [log[part_of == k] for k in range(parts)]
        start = time.process_time()
        partials = [relscore.dask._score_partition(p, template.to_bytes(), k,
                                                   relscore.LogColumns(missing_weight="default"))
                    for k, p in enumerate(pieces)]
        score_s = time.process_time() - start
        partial_pairs = sum(len(relscore.Scorer.from_bytes(p)) for p in partials)
        start = time.process_time()
        (merged,) = dask.compute(relscore.dask.merge_snapshots(partials, split_every=split_every),
                                 scheduler="synchronous")
        merge_s = time.process_time() - start
        got = canonical_strength(relscore.Scorer.from_bytes(merged))
        assert got.index.equals(want.index)
        err = float(np.max(np.abs(got.to_numpy() - want.to_numpy()) / want.to_numpy()))
        shipped = sum(len(p) for p in partials)
        print(f"{name:<26} {shipped / 1e6:>10.2f} {shipped / final_bytes:>8.2f} {partial_pairs / len(single):>10.2f} "
              f"{score_s:>8.2f} {merge_s:>8.2f} {err:>12.1e}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=float, default=5e6, help="synthetic log size")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--partitions", type=int, default=32)
    parser.add_argument("--split-every", type=int, default=8)
    args = parser.parse_args()

    log = pd.concat([synthetic_log(int(args.events) // 8, people=args.people, seed=0, part=k) for k in range(8)],
                    ignore_index=True)
    measure("synthetic heavy-tailed log (relscore.datasets, seed 0)", log, args.partitions, args.split_every)

    if os.path.exists(EMAIL_EU):
        email = pd.read_csv(EMAIL_EU, sep=" ", header=None, names=["source", "target", "time"])
        email["channel"] = "email"
        measure("SNAP email-Eu-core-temporal", email, args.partitions, args.split_every)
    else:
        print(f"\n(SNAP email-Eu-core not found at {EMAIL_EU}: skipped)")


if __name__ == "__main__":
    main()
