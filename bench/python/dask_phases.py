#!/usr/bin/env python3
"""Where relscore.dask's CPU goes, without Dask: each step of the shuffle by pair and of
the shard tasks, run in this one process on the same partitions, against one process's
bulk ingest of the whole log.

    .venv/bin/python bench/python/dask_phases.py [--events 10e6] [--partitions 100] [--shards 4]

The log is examples/python/dask_scale.py's (relscore.datasets.synthetic_log, 200 k
people, seeded). Steps, as relscore.dask runs them (split in groups of input partitions,
as many groups as shards): split (codes, pair hash, sort, slices, the group's earliest
and latest time, for insight_frame), join (concatenate a shard's pieces, drop the names
it does not use), ingest (Scorer.add_dataframe of each shard), to_bytes (the partial
snapshots), insight_frame (each shard's rows, person names as strings). What this leaves
out is the cost of Dask itself: tasks, moving pieces between workers, the workers' idle
loops; compare with the worker CPU that dask_scale.py measures.
"""

import argparse
import resource
import time

import pandas as pd

import relscore
import relscore._dask_shuffle as shuffle
import relscore.dask as rdask
from relscore.datasets import synthetic_log


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=float, default=10e6)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--partitions", type=int, default=100)
    parser.add_argument("--shards", type=int, default=4)
    args = parser.parse_args()
    events, count, shards = int(args.events), args.partitions, args.shards
    sizes = [events // count + (1 if k < events % count else 0) for k in range(count)]
    parts = [synthetic_log(size, people=args.people, seed=0, part=k) for k, size in enumerate(sizes)]

    def timed(label, work):
        # CPU (user + system), the system part, and minor page faults: under Dask's
        # MALLOC_TRIM_THRESHOLD_ (run with it set to see the workers' case) every
        # allocation over 128 KiB is a fresh mmap, faulted in page by page.
        before = resource.getrusage(resource.RUSAGE_SELF)
        start = time.process_time()
        result = work()
        after = resource.getrusage(resource.RUSAGE_SELF)
        print(f"{label:<44} {time.process_time() - start:6.2f} s CPU (system {after.ru_stime - before.ru_stime:.2f} s, "
              f"{(after.ru_minflt - before.ru_minflt) / 1e3:,.0f} k minor faults)", flush=True)
        return result

    log = pd.concat(parts, ignore_index=True)
    single = relscore.Scorer()
    timed("one process: add_dataframe of the whole log", lambda: single.add_dataframe(log, missing_weight="default"))
    timed("one process: insight_frame", lambda: single.insight_frame(sort=False))
    del log

    people = parts[0]["source"].dtype
    groups = min(count, shards)
    bounds = [count * g // groups for g in range(groups + 1)]
    numbers = [list(range(bounds[g], bounds[g + 1])) for g in range(groups)]
    read = rdask._read(relscore.LogColumns(missing_weight="default"))
    pieces = timed(f"split ({groups} groups into {shards} shards)", lambda: [
        shuffle._split_by_pair(shards, "source", "target", people, ("time", {}), *[parts[k] for k in group],
                               columnar=[c for c in read if c in parts[0].columns])
        for group in numbers])
    joined = timed("join (columns of each shard)", lambda: [
        shuffle._Shard.join([p[j] for p in pieces], numbers, "source", "target", people) for j in range(shards)])
    config = relscore.Scorer().to_bytes()
    columns = relscore.LogColumns(missing_weight="default")
    scorers = timed("ingest (add_dataframe of each shard)",
                    lambda: [rdask._scored(shard, config, -1, columns) for shard in joined])
    snapshots = timed("to_bytes (the partial snapshots)", lambda: [s.to_bytes() for s in scorers])
    size, pairs = sum(map(len, snapshots)), sum(map(len, scorers))
    print(f"{'  the snapshots':<44} {size / 1e6:6.0f} MB, {size / pairs:.0f} B per relationship", flush=True)
    timed("combine_snapshots (at the client)", lambda: rdask.combine_snapshots(snapshots))
    span = pd.Timedelta(int(single.newest.value // 1000 - min(p["time"].min() for p in parts).value // 1000), unit="us")
    def insight_rows(scorer):  # as relscore.dask's shard tasks make them
        return scorer._insight_frame(single.newest, None, False, span, strings=True)

    timed("insight rows of each shard (names as strings)", lambda: [insight_rows(s) for s in scorers])


if __name__ == "__main__":
    main()
