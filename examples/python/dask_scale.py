#!/usr/bin/env python3
"""Score a 50 M-interaction log on a Dask cluster, exactly, and time each stage.

    .venv/bin/python examples/python/dask_scale.py                    # LocalCluster, 2 workers
    .venv/bin/python examples/python/dask_scale.py --events 5e6 --workers 1
    .venv/bin/python examples/python/dask_scale.py --scheduler tcp://10.0.0.5:8786   # a real cluster

The log is synthetic and seeded (relscore.datasets: heavy-tailed activity, repeated
contacts, replies, mixed channels); each partition is generated on the worker that
scores it, so nothing large crosses the network. Stages:

1. generate  the partitions, kept in the workers' memory (so later steps time scoring only);
2. shuffle   by relationship (relscore.dask.by_pair, Dask's own shuffle), so each pair
             is scored whole in one partition and every statistic is exact;
3. score     one partial scorer per partition, returned as snapshot bytes;
4. merge     a tree of merges, --split-every snapshots per task (disjoint relationships);
5. fetch     the merged snapshot to this process, loaded as a relscore.Scorer;
6. query     the strongest relationships of the whole log, and of its most active person.

With --check, also scores the same log in one batch in this process, times it (the
efficiency baseline: one process's bulk ingest), and compares every column of
insight_frame() (the sums to 1e-12 relative, since sums in another order differ in the
last bits; stars, touches, trend, rhythm exactly).
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


def canonical(table: pd.DataFrame) -> pd.DataFrame:
    """Rows keyed by the pair in name order (a scorer may store a pair either way round),
    sorted; the directed volumes swapped to match."""
    t = table.copy()
    t["a"], t["b"] = t["a"].astype(str), t["b"].astype(str)
    swap = (t["a"] > t["b"]).to_numpy()
    t.loc[swap, ["a", "b"]] = t.loc[swap, ["b", "a"]].to_numpy()
    t.loc[swap, ["volume_ab", "volume_ba"]] = t.loc[swap, ["volume_ba", "volume_ab"]].to_numpy()
    return t.sort_values(["a", "b"]).reset_index(drop=True)


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
    parser.add_argument("--parquet", help="also write every relationship's insight row, scored shard by shard with "
                                          "nothing merged (relscore.dask.insight_frame), to this Parquet folder")
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

    print("2. shuffle by relationship", flush=True)
    start, cpu_start = time.perf_counter(), worker_cpu_seconds(client)
    shuffled = relscore.dask.by_pair(frame).persist()
    progress(shuffled)
    wait(shuffled)
    print()
    stage("shuffle", start, cpu_start)
    del frame
    frame = shuffled

    print("3. score partitions", flush=True)
    start, cpu_start = time.perf_counter(), worker_cpu_seconds(client)
    partials = client.compute(relscore.dask.partial_snapshots(frame, missing_weight="default"))
    progress(partials)
    wait(partials)
    print()
    stage("score", start, cpu_start)
    shipped = sum(client.gather(client.map(len, partials)))

    if args.parquet:
        print("3b. insight rows by shard, nothing merged, to Parquet", flush=True)
        start, cpu_start = time.perf_counter(), worker_cpu_seconds(client)
        written = relscore.dask.insight_frame(frame, missing_weight="default").to_parquet(args.parquet, compute=False)
        written = client.compute(written)
        progress(written)
        wait(written)
        print()
        stage("insight_parquet", start, cpu_start)
        print(f"  {events / cpu['insight_parquet'] / 1e6:.2f} M interactions per worker CPU second (a shuffle by "
              f"pair, scoring, insight rows, Parquet)")
    del frame  # the log is scored: free the workers' memory for the merge tree

    print("4. merge (tree)", flush=True)
    start, cpu_start = time.perf_counter(), worker_cpu_seconds(client)
    merged = client.compute(relscore.dask.merge_snapshots(partials, split_every=args.split_every))
    progress(merged)
    wait(merged)
    print()
    stage("merge", start, cpu_start)

    print("5. fetch", flush=True)
    start = time.perf_counter()
    snapshot = merged.result()
    scorer = relscore.Scorer.from_bytes(snapshot)
    stage("fetch", start)

    print("6. query", flush=True)
    start = time.perf_counter()
    table = scorer.to_pandas()
    busiest = table.groupby("a", observed=True)["interactions"].sum().idxmax()
    top_person = scorer.top_frame(busiest, args.top)
    stage("query", start)

    total = sum(timings[k] for k in ("shuffle", "score", "merge", "fetch"))
    worker_cpu = cpu["shuffle"] + cpu["score"] + cpu["merge"]
    print()
    print(f"partial snapshots shipped: {shipped / 1e6:,.1f} MB in {args.partitions} partials; "
          f"merged snapshot {len(snapshot) / 1e6:,.1f} MB")
    print(f"result: {scorer!r}")
    print(f"throughput (shuffle + score + merge + fetch, {cores} worker threads): {events / total / 1e6:.2f} M "
          f"interactions/s ({total:.2f} s wall); per worker CPU second (shuffle + score + merge): "
          f"{events / worker_cpu / 1e6:.2f} M interactions")
    print(f"\n== the {args.top} strongest relationships ==")
    print(table.head(args.top).to_string(index=False))
    print(f"\n== {busiest}'s {args.top} strongest relationships ==")
    print(top_person.to_string(index=False))

    if args.check:
        print("\nchecking against a single-process ingest (one batch) ...", flush=True)
        sizes = [events // args.partitions + (1 if k < events % args.partitions else 0) for k in range(args.partitions)]
        log = pd.concat([synthetic_log(size, people=args.people, seed=args.seed, part=k) for k, size in enumerate(sizes)],
                        ignore_index=True)
        single = relscore.Scorer()
        cpu_start = time.process_time()
        single.add_dataframe(log, missing_weight="default")
        single_cpu = time.process_time() - cpu_start
        print(f"one process, bulk: {single_cpu:.2f} CPU s ({events / single_cpu / 1e6:.2f} M interactions per CPU "
              f"second); the cluster's efficiency: {single_cpu / worker_cpu:.0%} (worker CPU s against it)")
        got, want = canonical(scorer.insight_frame(sort=False)), canonical(single.insight_frame(sort=False))
        if not (got["a"].equals(want["a"]) and got["b"].equals(want["b"])):
            raise SystemExit("check failed: different relationships")
        worst = float(np.max(np.abs(got["strength"].to_numpy() - want["strength"].to_numpy()) / want["strength"].to_numpy()))
        exact = [c for c in want.columns if c not in ("strength", "volume_ab", "volume_ba", "reciprocity", "trend_change",
                                                      "overdue")]
        differ = [c for c in exact if not (got[c].astype(str).to_numpy() == want[c].astype(str).to_numpy()).all()]
        print(f"same {len(got):,} relationships; largest relative difference in strength: {worst:.1e}; "
              f"columns that differ: {', '.join(differ) or 'none'} (of {', '.join(exact)})")
        if worst > 1e-12 or differ:
            raise SystemExit("check failed")

    client.close()
    if cluster is not None:
        cluster.close()


if __name__ == "__main__":
    main()
