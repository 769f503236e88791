#!/usr/bin/env python3
"""Score a 50 M-interaction log on a Dask cluster, exactly, and time each stage.

    .venv/bin/python examples/python/dask_scale.py                    # LocalCluster, 2 workers
    .venv/bin/python examples/python/dask_scale.py --events 5e6 --workers 1
    .venv/bin/python examples/python/dask_scale.py --scheduler tcp://10.0.0.5:8786   # a real cluster

The log is synthetic and seeded (relscore.datasets: heavy-tailed activity, repeated
contacts, replies, mixed channels); each partition is generated on a worker, so nothing
large crosses the network from here. Stages:

1. generate  the partitions, kept in the workers' memory (so later steps time scoring only);
2. score     shuffle by relationship into --shards shards (default: one per worker thread)
             and score each shard in the task that joins it (relscore.dask.partial_snapshots
             with shards=, what relscore.dask.score runs), snapshot bytes out; each pair is
             scored whole in one shard, so every statistic is exact;
3. fetch     the partial snapshots to this process;
4. combine   them into one relscore.Scorer here, in one pass (relscore.dask.combine_snapshots:
             the partials hold disjoint relationships, so there is no merge tree);
5. query     the strongest relationships of the whole log, and of its most active person;
6. insight   the same log again, to insight rows by shard with nothing combined
             (relscore.dask.insight_frame: its own shuffle, scoring, insight rows), kept
             on the workers (or written to --parquet).

In a terminal, the long stages (generate, score, insight) show Dask's progress bar
(--progress/--no-progress to choose; it polls the scheduler every 100 ms, in the timed
window, so time with --no-progress or with the output sent to a file), and the
cluster's dashboard address is printed: open it (it needs bokeh, which `make python`
installs) to watch the task stream and the workers' memory. Each stage prints its wall
time, the CPU seconds of the worker processes (every thread: tasks, serialization,
transfers, Dask's own work) and those of this process (the client, and a LocalCluster's
scheduler, which runs in it), and a table of them at the end.

With --check, also scores the same log in one batch in this process and times it (the
efficiency baseline: one process's bulk ingest, and its insight_frame), and compares
every column of insight_frame(), of the combined Scorer and of the rows by shard (the sums
to 1e-12 relative, since sums in another order differ in the last bits; stars, touches,
trend, rhythm exactly). With --repeat N, the insight stage and the single-process baseline
run N times each and the efficiencies use the median CPU of each (the one-Scorer stages run
once).
"""

import argparse
import sys
import time

import dask
import numpy as np
import pandas as pd
from distributed import Client, LocalCluster, progress, wait

import relscore
import relscore.dask
from relscore.datasets import synthetic_log


def worker_cpu_seconds(client: Client) -> float:
    """User + system CPU seconds used so far by every worker process (psutil comes with
    distributed); the system part alone is kept in WORKER_SYSTEM_CPU."""

    def used() -> tuple:
        import psutil

        times = psutil.Process().cpu_times()
        return times.user, times.system

    used_by = list(client.run(used).values())
    WORKER_SYSTEM_CPU[0] = sum(system for _, system in used_by)
    return sum(user + system for user, system in used_by)


WORKER_SYSTEM_CPU = [0.0]  # of the last worker_cpu_seconds()


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
    parser.add_argument("--shards", type=int, help="partitions after the shuffle by pair (default: 1 per worker "
                                                   "thread; fewer, larger shards intern each person fewer times)")
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per LocalCluster worker")
    parser.add_argument("--memory-limit", default="4GiB", help="per LocalCluster worker")
    parser.add_argument("--no-malloc-trim", action="store_true",
                        help="start the LocalCluster's workers without Dask's MALLOC_TRIM_THRESHOLD_=65536 (its "
                             "default; it fixes glibc's thresholds, so every array over 128 KiB is a fresh mmap, "
                             "page-faulted in and unmapped again: docs/scale-out.md)")
    parser.add_argument("--scheduler", help="address of a running scheduler (tcp://host:8786) instead of a LocalCluster")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="show Dask's progress bar for the long stages (default: when the output is a terminal)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--check", action="store_true", help="compare with a single-process ingest (slow)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run the insight stage, and with --check the single-process baseline, this many times "
                             "and take the median CPU of each (on a shared machine, one run's CPU varies by 10 %%)")
    parser.add_argument("--parquet", help="also write every relationship's insight row, scored shard by shard with "
                                          "nothing merged (relscore.dask.insight_frame), to this Parquet folder")
    args = parser.parse_args()
    events = int(args.events)

    timings, cpu, client_cpu = {}, {}, {}
    show_progress = sys.stdout.isatty() if args.progress is None else args.progress

    def finish(futures):
        """Wait for a stage's futures; in the console, progress() draws its bar until they are done."""
        if show_progress:
            progress(futures)  # the bar erases itself when done
        wait(futures)

    def stage(name, start, cpu_start=None, client_cpu_start=None):
        """Wall time, the workers' CPU seconds (every thread of every worker process:
        tasks, serialization, transfers) and this process's (the client, and a
        LocalCluster's scheduler, which runs here)."""
        timings[name] = time.perf_counter() - start
        line = f"  {name}: {timings[name]:.2f} s"
        if cpu_start is not None:  # on a shared machine, CPU seconds say more than wall time
            system_start = WORKER_SYSTEM_CPU[0]
            cpu[name] = worker_cpu_seconds(client) - cpu_start
            line += f" (worker CPU {cpu[name]:.2f} s, of which system {WORKER_SYSTEM_CPU[0] - system_start:.2f} s)"
        if client_cpu_start is not None:
            client_cpu[name] = time.process_time() - client_cpu_start
            line += f" (CPU of this process {client_cpu[name]:.2f} s)"
        print(line, flush=True)

    start = time.perf_counter()
    if args.scheduler:
        cluster, client = None, Client(args.scheduler)
    else:
        if args.no_malloc_trim:  # None unsets a variable of the workers' environment
            dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None})
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=args.threads,
                               memory_limit=args.memory_limit, dashboard_address=":0")  # a free port
        client = Client(cluster)
    cores = sum(w["nthreads"] for w in client.scheduler_info()["workers"].values())
    print(f"cluster: {client.scheduler.address}, {len(client.scheduler_info()['workers'])} workers, {cores} threads")
    trim = sorted({str(v) for v in client.run(lambda: __import__("os").environ.get("MALLOC_TRIM_THRESHOLD_")).values()})
    print(f"workers' MALLOC_TRIM_THRESHOLD_: {', '.join(trim)} (None: glibc's default, a dynamic mmap threshold)")
    if client.dashboard_link:
        print(f"dashboard: {client.dashboard_link}")
    stage("start", start)

    frame = relscore.dask.synthetic_log(events, npartitions=args.partitions, people=args.people, seed=args.seed)
    print(f"log: {events:,} interactions, {args.people:,} people, {args.partitions} partitions")

    print("1. generate", flush=True)
    start, cpu_start = time.perf_counter(), worker_cpu_seconds(client)
    frame = frame.persist()
    finish(frame)
    stage("generate", start, cpu_start)
    shards = args.shards or cores

    print(f"2. shuffle by relationship into {shards} shards, and score each shard, in one graph", flush=True)
    start, cpu_start, client_start = time.perf_counter(), worker_cpu_seconds(client), time.process_time()
    partials = client.compute(relscore.dask.partial_snapshots(frame, shards=shards, missing_weight="default"))
    finish(partials)
    stage("score", start, cpu_start, client_start)

    print("3. fetch the partial snapshots", flush=True)
    start, cpu_start, client_start = time.perf_counter(), worker_cpu_seconds(client), time.process_time()
    snapshots = client.gather(partials)
    del partials
    shipped = sum(len(b) for b in snapshots)
    stage("fetch", start, cpu_start, client_start)

    print("4. combine here, in one pass", flush=True)
    start, cpu_start, client_start = time.perf_counter(), worker_cpu_seconds(client), time.process_time()
    scorer = relscore.dask.combine_snapshots(snapshots)
    del snapshots
    stage("combine", start, cpu_start, client_start)

    print("5. query", flush=True)
    start = time.perf_counter()
    table = scorer.to_pandas()
    busiest = table.groupby("a", observed=True)["interactions"].sum().idxmax()
    top_person = scorer.top_frame(busiest, args.top)
    stage("query", start)

    print("6. insight rows by shard, nothing combined (relscore.dask.insight_frame)", flush=True)
    insight_runs = []
    for run in range(max(1, args.repeat)):
        rows = None  # the previous run's rows, released before the next run
        start, cpu_start, client_start = time.perf_counter(), worker_cpu_seconds(client), time.process_time()
        rows = relscore.dask.insight_frame(frame, shards=shards, missing_weight="default")
        rows = rows.to_parquet(args.parquet, compute=False) if args.parquet else rows
        rows = client.persist(rows)
        finish(rows)
        stage("insight", start, cpu_start, client_start)
        insight_runs.append((cpu["insight"], timings["insight"], client_cpu["insight"]))
    if len(insight_runs) > 1:  # the median run's CPU (and its wall time)
        cpu["insight"], timings["insight"], client_cpu["insight"] = sorted(insight_runs)[len(insight_runs) // 2]
        print(f"  insight, {len(insight_runs)} runs: worker CPU {', '.join(f'{c:.2f}' for c, _, _ in insight_runs)} s; "
              f"median {cpu['insight']:.2f} s", flush=True)
    del frame  # the log is scored: free the workers' memory

    to_scorer = ("score", "fetch", "combine")
    # The workers' CPU in every stage, and this process's in receiving and combining the partials.
    scorer_cpu = sum(cpu[k] for k in to_scorer) + client_cpu["fetch"] + client_cpu["combine"]
    scorer_wall = sum(timings[k] for k in to_scorer)
    print()
    print(f"partial snapshots shipped: {shipped / 1e6:,.1f} MB in {shards} partials")
    print(f"result: {scorer!r}")
    print("\n| stage | wall | worker CPU | CPU of this process (client, scheduler) |\n|---|---:|---:|---:|")
    for name, label in (("score", f"shuffle by pair ({args.partitions} -> {shards} partitions) and score, snapshots out"),
                        ("fetch", f"fetch ({shipped / 1e9:.2f} GB of partial snapshots)"),
                        ("combine", "combine (here, one pass)"),
                        ("insight", "insight_frame by shard" + (", to Parquet" if args.parquet else ", kept on the workers"))):
        print(f"| {label} | {timings[name]:.2f} s | {cpu[name]:.2f} s | {client_cpu[name]:.2f} s |")
    print(f"\nto one Scorer here (shuffle + score + fetch + combine, {cores} worker threads): {scorer_wall:.2f} s wall, "
          f"{scorer_cpu:.2f} s CPU (the workers', and this process's fetch and combine): {events / scorer_cpu / 1e6:.2f} M "
          f"interactions per CPU second")
    print(f"to insight rows on the workers: {timings['insight']:.2f} s wall, {cpu['insight']:.2f} s worker CPU: "
          f"{events / cpu['insight'] / 1e6:.2f} M interactions per CPU second")
    print(f"\n== the {args.top} strongest relationships ==")
    print(table.head(args.top).to_string(index=False))
    print(f"\n== {busiest}'s {args.top} strongest relationships ==")
    print(top_person.to_string(index=False))

    if args.check:
        print("\nchecking against a single-process ingest (one batch) ...", flush=True)
        sizes = [events // args.partitions + (1 if k < events % args.partitions else 0) for k in range(args.partitions)]
        log = pd.concat([synthetic_log(size, people=args.people, seed=args.seed, part=k) for k, size in enumerate(sizes)],
                        ignore_index=True)
        baseline = []
        for run in range(max(1, args.repeat)):
            single = relscore.Scorer()
            cpu_start = time.process_time()
            single.add_dataframe(log, missing_weight="default")
            ingest_cpu = time.process_time() - cpu_start
            cpu_start = time.process_time()
            want = single.insight_frame(sort=False)
            baseline.append((ingest_cpu, time.process_time() - cpu_start))
        single_cpu = sorted(b[0] for b in baseline)[len(baseline) // 2]
        single_insight_cpu = sorted(b[1] for b in baseline)[len(baseline) // 2]
        if len(baseline) > 1:
            print(f"one process, {len(baseline)} runs: bulk ingest {', '.join(f'{b[0]:.2f}' for b in baseline)} CPU s, "
                  f"insight_frame {', '.join(f'{b[1]:.2f}' for b in baseline)} CPU s (medians below)")
        print(f"one process, bulk ingest: {single_cpu:.2f} CPU s ({events / single_cpu / 1e6:.2f} M interactions per "
              f"CPU second), then insight_frame: {single_insight_cpu:.2f} CPU s")
        print(f"efficiency to one Scorer (one process's ingest / the workers' CPU and this process's fetch and combine): "
              f"{single_cpu / scorer_cpu:.0%}")
        print(f"efficiency to insight rows (one process's ingest and insight_frame / the workers' CPU): "
              f"{(single_cpu + single_insight_cpu) / cpu['insight']:.0%} ({single_cpu / cpu['insight']:.0%} against "
              f"the ingest alone)")
        want = canonical(want)
        results = [("the combined Scorer", scorer.insight_frame(sort=False))]
        if not args.parquet:
            results.append(("the insight rows by shard", rows.compute()))
        for what, result in results:
            got = canonical(result)
            if not (got["a"].equals(want["a"]) and got["b"].equals(want["b"])):
                raise SystemExit(f"check failed: {what} has different relationships")
            worst = float(np.max(np.abs(got["strength"].to_numpy() - want["strength"].to_numpy())
                                 / want["strength"].to_numpy()))
            exact = [c for c in want.columns if c not in ("strength", "volume_ab", "volume_ba", "reciprocity",
                                                          "trend_change", "overdue")]
            differ = [c for c in exact if not (got[c].astype(str).to_numpy() == want[c].astype(str).to_numpy()).all()]
            print(f"{what}: same {len(got):,} relationships; largest relative difference in strength: {worst:.1e}; "
                  f"columns that differ: {', '.join(differ) or 'none'} (of {', '.join(exact)})")
            if worst > 1e-12 or differ:
                raise SystemExit(f"check failed: {what}")

    client.close()
    if cluster is not None:
        cluster.close()


if __name__ == "__main__":
    main()
