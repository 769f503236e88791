#!/usr/bin/env python3
"""Where the workers' CPU goes in relscore.dask.insight_frame on a LocalCluster: per
worker process, user and system CPU, minor page faults, and the CPU of each thread (the
task thread against the event loop's: transfers, serialization, heartbeats); and, from
Dask's task stream, every task group's compute and transfer time.

    .venv/bin/python bench/python/dask_workers.py [--workers 2] [--events 10e6] [--runs 2]
    .venv/bin/python bench/python/dask_workers.py --no-malloc-trim   # workers without Dask's MALLOC_TRIM_THRESHOLD_

The log is examples/python/dask_scale.py's (synthetic, 200 k people, 100 partitions,
generated on the workers and persisted first); the insight stage runs --runs times on it
(the first run also warms the workers up: imports, first allocations), with
--shards-per-thread shards per worker thread (default 1, as dask_scale.py). A transfer in
a task group means that task's input was moved to the worker that ran it.
"""

import argparse
import time

import dask
from distributed import Client, LocalCluster, get_task_stream, wait

import relscore.dask


def used() -> tuple:
    """This process's user and system CPU, minor page faults, and each thread's CPU."""
    import resource
    import threading

    import psutil

    process = psutil.Process()
    times, usage = process.cpu_times(), resource.getrusage(resource.RUSAGE_SELF)
    names = {thread.native_id: thread.name for thread in threading.enumerate()}
    threads = {names.get(t.id, str(t.id)): t.user_time + t.system_time for t in process.threads()}
    return times.user, times.system, usage.ru_minflt, threads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--events", type=float, default=10e6)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--shards-per-thread", type=int, default=1)
    parser.add_argument("--no-malloc-trim", action="store_true")
    args = parser.parse_args()
    if args.no_malloc_trim:
        dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None})
    cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, memory_limit="6GiB", dashboard_address=":0")
    client = Client(cluster)
    frame = relscore.dask.synthetic_log(int(args.events), npartitions=100, people=200_000, seed=0).persist()
    wait(frame)
    for run in range(args.runs):
        before = client.run(used)
        start = time.perf_counter()
        with get_task_stream(client) as stream:
            rows = client.persist(relscore.dask.insight_frame(frame, shards=args.shards_per_thread * args.workers,
                                                              missing_weight="default"))
            wait(rows)
        wall = time.perf_counter() - start
        after = client.run(used)
        total = 0.0
        for worker in sorted(after):
            user, system = after[worker][0] - before[worker][0], after[worker][1] - before[worker][1]
            faults = after[worker][2] - before[worker][2]
            total += user + system
            threads = {name: cpu - before[worker][3].get(name, 0.0) for name, cpu in after[worker][3].items()}
            busy = ", ".join(f"{name} {cpu:.2f} s" for name, cpu in sorted(threads.items(), key=lambda kv: -kv[1])
                             if cpu >= 0.005)
            print(f"run {run}, worker {worker}: user {user:.2f} s, system {system:.2f} s, {faults / 1e3:,.0f} k minor "
                  f"faults; threads: {busy}")
        print(f"run {run}: {wall:.2f} s wall, {total:.2f} s worker CPU")
        groups: dict = {}
        for task in stream.data:
            name = task["key"] if isinstance(task["key"], str) else task["key"][0]
            group = dask.utils.key_split(name)
            for part in task["startstops"]:
                entry = groups.setdefault((group, part["action"]), [0, 0.0])
                entry[0] += 1
                entry[1] += part["stop"] - part["start"]
        for (group, action), (count, seconds) in sorted(groups.items(), key=lambda kv: -kv[1][1]):
            print(f"    {group:<28} {action:<9} {count:4d} x, {seconds:6.2f} s")
        del rows
    client.close()
    cluster.close()


if __name__ == "__main__":
    main()
