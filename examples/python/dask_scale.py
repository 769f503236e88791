#!/usr/bin/env python3
"""Score a 50 M-interaction log on a Dask cluster, exactly, and time each stage.

    .venv/bin/python examples/python/dask_scale.py                    # LocalCluster, 2 workers
    .venv/bin/python examples/python/dask_scale.py --events 5e6 --workers 1
    .venv/bin/python examples/python/dask_scale.py --scheduler tcp://10.0.0.5:8786   # a real cluster

The log is synthetic and seeded (relscore.datasets: heavy-tailed activity, repeated
contacts, replies, mixed channels); each partition is generated on the worker that
scores it, so nothing large crosses the network. Stages:

1. generate  the partitions, kept in the workers' memory (so step 2 times scoring only);
2. score     one partial scorer per partition, returned as snapshot bytes;
3. merge     a tree of merges, --split-every snapshots per task;
4. fetch     the merged snapshot to this process, loaded as a relscore.Scorer;
5. query     the strongest relationships of the whole log, and of its most active person.

With --check, also scores the same log on one core in this process and compares every
relationship (to 1e-12 relative: sums in another order differ in the last bits).
"""

import argparse
import time

import numpy as np
import pandas as pd
from distributed import Client, LocalCluster, progress, wait

import relscore
import relscore.dask
from relscore.datasets import synthetic_log


def worker_cpu_seconds(client: Client) -> float:
    """User + system CPU seconds used so far by every worker process (psutil comes with
    distributed)."""

    def used() -> float:
        import psutil

        times = psutil.Process().cpu_times()
        return times.user + times.system

    return sum(client.run(used).values())


def by_pair(table: pd.DataFrame) -> pd.Series:
    """Strength keyed by the pair in name order (merges may store a pair either way round;
    strength is symmetric)."""
    a, b = table["a"].astype(str).to_numpy(), table["b"].astype(str).to_numpy()
    key = pd.MultiIndex.from_arrays([np.minimum(a, b), np.maximum(a, b)])
    return pd.Series(table["strength"].to_numpy(), index=key).sort_index()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=float, default=50e6, help="interactions in the log (default 50e6)")
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--partitions", type=int, default=100)
    parser.add_argument("--split-every", type=int, default=8, help="snapshots merged per task")
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per LocalCluster worker")
    parser.add_argument("--memory-limit", default="4GiB", help="per LocalCluster worker")
    parser.add_argument("--scheduler", help="address of a running scheduler (tcp://host:8786) instead of a LocalCluster")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--check", action="store_true", help="compare with a single-process ingest (slow)")
    args = parser.parse_args()
    events = int(args.events)

    timings, cpu = {}, {}

    def stage(name, start, cpu_start=None):
        timings[name] = time.perf_counter() - start
        line = f"  {name}: {timings[name]:.2f} s"
        if cpu_start is not None:  # on a shared machine, CPU seconds say more than wall time
            cpu[name] = worker_cpu_seconds(client) - cpu_start
            line += f" (worker CPU {cpu[name]:.2f} s)"
        print(line, flush=True)

    start = time.perf_counter()
    if args.scheduler:
        cluster, client = None, Client(args.scheduler)
    else:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=args.threads,
                               memory_limit=args.memory_limit, dashboard_address=None)
        client = Client(cluster)
    cores = sum(w["nthreads"] for w in client.scheduler_info()["workers"].values())
    print(f"cluster: {client.scheduler.address}, {len(client.scheduler_info()['workers'])} workers, {cores} threads")
    stage("start", start)

    frame = relscore.dask.synthetic_log(events, npartitions=args.partitions, people=args.people, seed=args.seed)
    print(f"log: {events:,} interactions, {args.people:,} people, {args.partitions} partitions")

    print("1. generate", flush=True)
    start, cpu_start = time.perf_counter(), worker_cpu_seconds(client)
    frame = frame.persist()
    progress(frame)
    wait(frame)
    print()
    stage("generate", start, cpu_start)

    print("2. score partitions", flush=True)
    start, cpu_start = time.perf_counter(), worker_cpu_seconds(client)
    partials = client.compute(relscore.dask.partial_snapshots(frame, missing_weight="default"))
    progress(partials)
    wait(partials)
    print()
    stage("score", start, cpu_start)
    shipped = sum(client.gather(client.map(len, partials)))
    del frame  # the log is scored: free the workers' memory for the merge tree

    print("3. merge (tree)", flush=True)
    start, cpu_start = time.perf_counter(), worker_cpu_seconds(client)
    merged = client.compute(relscore.dask.merge_snapshots(partials, split_every=args.split_every))
    progress(merged)
    wait(merged)
    print()
    stage("merge", start, cpu_start)

    print("4. fetch", flush=True)
    start = time.perf_counter()
    snapshot = merged.result()
    scorer = relscore.Scorer.from_bytes(snapshot)
    stage("fetch", start)

    print("5. query", flush=True)
    start = time.perf_counter()
    table = scorer.to_pandas()
    busiest = table.groupby("a", observed=True)["interactions"].sum().idxmax()
    top_person = scorer.top_frame(busiest, args.top)
    stage("query", start)

    total = sum(timings[k] for k in ("score", "merge", "fetch"))
    print()
    print(f"partial snapshots shipped: {shipped / 1e6:,.1f} MB in {args.partitions} partials; "
          f"merged snapshot {len(snapshot) / 1e6:,.1f} MB")
    print(f"result: {scorer!r}")
    print(f"throughput (score + merge + fetch, {cores} worker threads): {events / total / 1e6:.2f} M interactions/s "
          f"({total:.2f} s wall); per worker CPU second (score + merge): "
          f"{events / (cpu['score'] + cpu['merge']) / 1e6:.2f} M interactions")
    print(f"\n== the {args.top} strongest relationships ==")
    print(table.head(args.top).to_string(index=False))
    print(f"\n== {busiest}'s {args.top} strongest relationships ==")
    print(top_person.to_string(index=False))

    if args.check:
        print("\nchecking against a single-process ingest ...", flush=True)
        sizes = [events // args.partitions + (1 if k < events % args.partitions else 0) for k in range(args.partitions)]
        single = relscore.Scorer()
        for k, size in enumerate(sizes):
            single.add_dataframe(synthetic_log(size, people=args.people, seed=args.seed, part=k),
                                 missing_weight="default")
        got, want = by_pair(table), by_pair(single.to_pandas())
        if not got.index.equals(want.index):
            raise SystemExit("check failed: different relationships")
        worst = float(np.max(np.abs(got.to_numpy() - want.to_numpy()) / want.to_numpy()))
        print(f"same {len(got):,} relationships; largest relative difference in strength: {worst:.1e}")
        if worst > 1e-12:
            raise SystemExit("check failed: strengths differ by more than 1e-12")

    client.close()
    if cluster is not None:
        cluster.close()


if __name__ == "__main__":
    main()
