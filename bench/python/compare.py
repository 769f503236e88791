#!/usr/bin/env python3
"""relscore against what analysts use instead, on the same log, in one process.

    .venv/bin/python bench/python/compare.py                      # 10 M interactions + email-Eu-core
    .venv/bin/python bench/python/compare.py --sizes 1e5 --no-real   # a quick run
    .venv/bin/python bench/python/compare.py --plot docs/performance-throughput.png   # plus the sweeps

Every contender computes the same thing from the same arrays: for each directed pair
(a, b), the decayed volume at the newest interaction T,

    V_ab = sum over interactions a->b of 2^(-(T - t_i) / h)     (one channel, weight 1, h = 30 days)

and every answer is CHECKED against relscore's directed volumes (``volume_ab`` and
``volume_ba`` of ``Scorer.table()``), relative tolerance 1e-9: a fast wrong answer
fails the run. The contenders, run one after another:

- relscore bulk: ``Scorer.add_arrays`` from int64 numpy columns, then ``table()``;
  once with ``conversations=False`` (volumes only) and once with the default
  ``conversations=True`` (reply/rhythm/trend statistics kept per pair as well).
- relscore streaming: ``Scorer.add`` once per interaction from a Python loop, then
  ``table()``; both settings again.
- pandas: exp-weighted rows, then one ``groupby(["src", "dst"]).sum()``.
- numpy: ``np.unique(src * N + dst, return_inverse=True)`` + ``np.bincount`` with weights.
- Python dict: a plain ``for`` loop adding ``2 ** ((t - T) / h)`` into a dict.
- raphtory (PyPI, skipped if it is not installed): ``Graph.load_edges`` from the
  DataFrame, then each edge's timestamps from ``edges.history.t.collect()`` reduced to
  the same decayed sums with numpy.

Timing: wall clock of everything from the in-memory input (numpy arrays, a DataFrame,
or Python lists for the pure-Python loops, all built before timing) to the per-pair
sums. Each contender runs once untimed (warm-up), then ``--repeat`` timed runs; the
table shows the MEDIAN. A contender whose warm-up took longer than ``--slow`` seconds
gets one timed run. Ratios are against relscore bulk with ``conversations=False`` (the
like-for-like setting) and with the default.

The synthetic log (seeded): people with Zipf-like popularity, a pool of exactly
``--pairs`` distinct directed pairs drawn from it, each pair used at least once (when
the log is long enough) and the rest by a Zipf-like choice of pair; times over two years
with Pareto-distributed gaps (bursty: many near-simultaneous interactions, rare long
silences), in whole seconds, in time order, with ties.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple

import numpy as np
import pandas as pd

import relscore

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # its logs are in the module beside it, however it is run
from compare_logs import EMAIL_EU, Log, email_eu_core, synthetic_log  # noqa: E402

HALF_LIFE_S = 30 * 86_400
CHANNEL = "contact"
RTOL = 1e-9

BASELINE = "relscore bulk (volumes only)"
DEFAULT_BULK = "relscore bulk (default)"


# ---- the contenders: each returns (source ids, target ids, decayed volume) per directed pair --

PairSums = Tuple[np.ndarray, np.ndarray, np.ndarray]


def new_scorer(conversations: bool, threads: int = 1) -> relscore.Scorer:
    return relscore.Scorer(defaults=False, channels={CHANNEL: (1.0, f"{HALF_LIFE_S}s")},
                           conversations=conversations, threads=threads)


def relscore_directed(s: relscore.Scorer) -> PairSums:
    """A scorer's directed volumes at its newest interaction: both directions of each row."""
    t = s.table()
    ids = np.array(s.people, dtype=np.int64)  # names are the decimal ids
    a, b = ids[t["a"].astype(np.int64)], ids[t["b"].astype(np.int64)]
    return np.concatenate([a, b]), np.concatenate([b, a]), np.concatenate([t["volume_ab"], t["volume_ba"]])


def relscore_bulk(conversations: bool, threads: int = 1) -> Callable[[Log], PairSums]:
    def run(log: Log) -> PairSums:
        s = new_scorer(conversations, threads)
        s.add_arrays(log.time_s, log.source, log.target, channel=CHANNEL)
        return relscore_directed(s)
    return run


def relscore_streaming(conversations: bool) -> Callable[[Log], PairSums]:
    def run(log: Log) -> PairSums:
        s = new_scorer(conversations)
        add = s.add
        for t, a, b in zip(*log.python_lists()):
            add(t, a, b, channel=CHANNEL)
        return relscore_directed(s)
    return run


def pandas_groupby(log: Log) -> PairSums:
    frame = log.frame
    weighted = frame.assign(w=np.exp2((frame["t"] - log.newest) / HALF_LIFE_S))
    sums = weighted.groupby(["src", "dst"], sort=False)["w"].sum()
    return (sums.index.get_level_values(0).to_numpy(), sums.index.get_level_values(1).to_numpy(),
            sums.to_numpy())


def numpy_bincount(log: Log) -> PairSums:
    stride = int(max(log.source.max(), log.target.max())) + 1
    keys, inverse = np.unique(log.source * stride + log.target, return_inverse=True)
    sums = np.bincount(inverse, weights=np.exp2((log.time_s - log.newest) / HALF_LIFE_S))
    return keys // stride, keys % stride, sums


def python_dict(log: Log) -> PairSums:
    times, sources, targets = log.python_lists()
    newest, h = log.newest, float(HALF_LIFE_S)
    sums: Dict[Tuple[int, int], float] = {}
    get = sums.get
    for t, a, b in zip(times, sources, targets):
        key = (a, b)
        sums[key] = get(key, 0.0) + 2.0 ** ((t - newest) / h)
    keys = np.array(list(sums.keys()), dtype=np.int64).reshape(-1, 2)
    return keys[:, 0], keys[:, 1], np.fromiter(sums.values(), dtype=np.float64, count=len(sums))


class _quiet_stderr:
    """raphtory draws a progress bar on stderr (fd 2) while loading; hide it."""

    def __enter__(self) -> None:
        sys.stderr.flush()
        self.saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)

    def __exit__(self, *exc: object) -> None:
        os.dup2(self.saved, 2)
        os.close(self.saved)


def raphtory_history(log: Log) -> PairSums:
    import raphtory  # optional: checked in available_contenders()

    graph = raphtory.Graph()
    with _quiet_stderr():
        graph.load_edges(log.frame, time="t", src="src", dst="dst")
    edges = graph.edges
    ids = np.array(edges.id.collect(), dtype=np.int64).reshape(-1, 2)
    histories = edges.history.t.collect()  # one int64 array of timestamps per edge
    lengths = np.fromiter((h.size for h in histories), dtype=np.int64, count=len(histories))
    weights = np.exp2((np.concatenate(histories) - log.newest) / HALF_LIFE_S)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    return ids[:, 0], ids[:, 1], np.add.reduceat(weights, starts)


SLOW = {"relscore streaming (volumes only)", "relscore streaming (default)", "Python dict loop"}


def available_contenders(skip: List[str]) -> Tuple[Dict[str, Callable[[Log], PairSums]], List[str]]:
    contenders: Dict[str, Callable[[Log], PairSums]] = {
        BASELINE: relscore_bulk(False),
        DEFAULT_BULK: relscore_bulk(True),
        # Scorer(threads=2): the only contender on two threads (its table() and the
        # conversion of ids run on one; every other contender runs on one throughout).
        "relscore bulk (volumes only, 2 threads)": relscore_bulk(False, 2),
        "relscore bulk (default, 2 threads)": relscore_bulk(True, 2),
        "relscore streaming (volumes only)": relscore_streaming(False),
        "relscore streaming (default)": relscore_streaming(True),
        "pandas groupby": pandas_groupby,
        "numpy unique + bincount": numpy_bincount,
        "Python dict loop": python_dict,
        "raphtory": raphtory_history,
    }
    notes = []
    try:
        import raphtory
        notes.append(f"raphtory {raphtory.__version__}")
    except ImportError as e:
        del contenders["raphtory"]
        notes.append(f"raphtory: skipped, cannot import it ({e}); `pip install raphtory` to include it")
    for name in list(contenders):
        if any(word.lower() in name.lower() for word in skip) and name != BASELINE:
            del contenders[name]
    return contenders, notes


# ---- checking and timing ------------------------------------------------------------------

class CheckFailed(AssertionError):
    pass


def canonical(sums: PairSums) -> Tuple[np.ndarray, np.ndarray]:
    """(sorted keys, volumes) of the pairs with a nonzero volume."""
    src, dst, vol = (np.asarray(x) for x in sums)
    keep = vol != 0
    keys = (src[keep].astype(np.int64) << 32) | dst[keep].astype(np.int64)
    order = np.argsort(keys, kind="stable")
    return keys[order], vol[keep][order].astype(np.float64)


def check(name: str, got: PairSums, reference: Tuple[np.ndarray, np.ndarray]) -> float:
    """The largest relative difference from the reference; CheckFailed beyond RTOL."""
    keys, vol = canonical(got)
    ref_keys, ref_vol = reference
    if keys.shape != ref_keys.shape or not np.array_equal(keys, ref_keys):
        missing = np.setdiff1d(ref_keys, keys).size
        extra = np.setdiff1d(keys, ref_keys).size
        raise CheckFailed(f"{name}: wrong set of pairs ({keys.size:,} pairs; {missing:,} missing, {extra:,} extra)")
    rel = np.abs(vol - ref_vol) / np.maximum(np.abs(ref_vol), np.finfo(np.float64).tiny)
    worst = float(rel.max()) if rel.size else 0.0
    if not worst <= RTOL:
        i = int(np.argmax(rel))
        raise CheckFailed(f"{name}: pair {ref_keys[i] >> 32}->{ref_keys[i] & 0xFFFFFFFF}: {vol[i]!r} "
                          f"but relscore says {ref_vol[i]!r} (relative difference {worst:.2e} > {RTOL:g})")
    return worst


@dataclass
class Result:
    name: str
    seconds: float          # median of the timed runs (or the warm-up, with repeat 0)
    runs: int
    cold_only: bool         # only the warm-up ran (repeat 0)
    worst_rel: float
    size: int

    @property
    def throughput(self) -> float:
        return self.size / self.seconds


def timed(run: Callable[[Log], PairSums], log: Log) -> Tuple[float, PairSums]:
    start = time.perf_counter()
    out = run(log)
    return time.perf_counter() - start, out


def measure(name: str, run: Callable[[Log], PairSums], log: Log, reference: Optional[Tuple[np.ndarray, np.ndarray]],
            repeat: int, slow: float) -> Tuple[Result, PairSums]:
    if name in SLOW:
        log.python_lists()  # built before timing, like the arrays
    gc.collect()  # the previous contender's garbage is not this one's cost
    first, out = timed(run, log)  # warm-up (and the answer to check)
    worst = check(name, out, reference) if reference is not None else 0.0
    if repeat <= 0:
        return Result(name, first, 1, True, worst, log.size), out
    times = []
    for _ in range(repeat if first <= slow else 1):
        seconds, again = timed(run, log)
        times.append(seconds)
        del again
    return Result(name, statistics.median(times), len(times), False, worst, log.size), out


def compare(log: Log, contenders: Dict[str, Callable[[Log], PairSums]], repeat: int, slow: float,
            verbose: bool = True) -> List[Result]:
    results: List[Result] = []
    reference = None
    for name, run in contenders.items():
        result, out = measure(name, run, log, reference, repeat, slow)
        if reference is None:  # the baseline runs first and is the reference for everyone else
            reference = canonical(out)
            result.worst_rel = 0.0
        del out
        results.append(result)
        if verbose:
            print(f"  {name:<36} {result.seconds:9.3f} s  {result.throughput / 1e6:9.3f} M/s", file=sys.stderr,
                  flush=True)
    log.lists = None  # free the Python lists
    return results


# ---- output -------------------------------------------------------------------------------

def table(results: List[Result], markdown: bool) -> str:
    base = next(r for r in results if r.name == BASELINE)
    default = next((r for r in results if r.name == DEFAULT_BULK), None)
    head = ["contender", "seconds", "runs", "interactions/s", "vs relscore bulk (volumes only)",
            "vs relscore bulk (default)", "check: max rel. diff"]
    rows = []
    for r in results:
        rows.append([
            r.name,
            f"{r.seconds:.3f}",
            "1 (warm-up only)" if r.cold_only else (f"median of {r.runs}" if r.runs > 1 else "1 after warm-up"),
            f"{r.throughput / 1e6:.3f} M",
            f"{r.throughput / base.throughput:.3f}x",
            f"{r.throughput / default.throughput:.3f}x" if default else "-",
            "reference" if r.name == BASELINE else f"{r.worst_rel:.1e}",
        ])
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    fmt = lambda row: "  ".join(str(x).ljust(w) if i == 0 else str(x).rjust(w) for i, (x, w) in enumerate(zip(row, widths)))
    return "\n".join([fmt(head), "  ".join("-" * w for w in widths)] + [fmt(row) for row in rows])


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        with open("/etc/os-release") as f:
            osname = next(line.split("=", 1)[1].strip().strip('"') for line in f if line.startswith("PRETTY_NAME"))
    except (OSError, StopIteration):
        osname = platform.platform()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{cpu}, {os.cpu_count()} cores, {osname}, Python {platform.python_version()}, "
            f"relscore {relscore.__version__}, numpy {np.__version__}, pandas {pd.__version__}; load average {load}")


def parse_count(text: str) -> int:
    value = float(text)
    if value < 2 or value != int(value):
        raise argparse.ArgumentTypeError(f"expected a whole number >= 2, got {text!r}")
    return int(value)


def counts(text: str) -> List[int]:
    return [parse_count(x) for x in text.split(",") if x.strip()]


def sweep(title: str, axis: str, points: List[int], make_log: Callable[[int], Log], contenders, repeat: int,
          slow: float, slow_max: int) -> Dict[str, List[Tuple[int, float]]]:
    """Throughput of each contender at each point (the pure-Python loops only up to slow_max)."""
    print(f"\n== sweep: {title} ==", flush=True)
    series: Dict[str, List[Tuple[int, float]]] = {}
    for x in points:
        log = make_log(x)  # one at a time: the 10 M logs are big
        chosen = {n: r for n, r in contenders.items() if n not in SLOW or log.size <= slow_max}
        print(f"{axis} = {x:,}: {log.name}", file=sys.stderr, flush=True)
        for r in compare(log, chosen, repeat, slow):
            series.setdefault(r.name, []).append((x, r.throughput))
        del log
    for name, pts in series.items():
        print(f"  {name:<36} " + "  ".join(f"{x:,}: {tp / 1e6:.3f} M/s" for x, tp in pts), flush=True)
    return series


def plot(path: str, by_size, by_pairs, pairs: int, smallest_log: int, size_for_pairs: int, note: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 5.6), sharey=True)
    for ax, series, xlabel, title in (
        (axes[0], by_size, "interactions in the log", f"{pairs:,} distinct directed pairs" if smallest_log >= pairs else f"at most {pairs:,} distinct directed pairs"),
        (axes[1], by_pairs, "distinct directed pairs", f"log of {size_for_pairs:,} interactions"),
    ):
        for name, pts in series.items():
            xs, ys = zip(*pts)
            ax.plot(xs, ys, marker="o", label=name, linewidth=2.2 if name.startswith("relscore bulk") else 1.2)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("interactions per second")
    legend = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            legend.setdefault(label, handle)
    fig.legend(list(legend.values()), list(legend.keys()), loc="lower center", ncol=4, fontsize=8, frameon=False, bbox_to_anchor=(0.5, 0.035))
    fig.suptitle("Decayed per-pair sums from a synthetic log: relscore against the alternatives", fontsize=11)
    fig.text(0.5, 0.005, note, ha="center", fontsize=7)
    fig.tight_layout(rect=(0, 0.13, 1, 1))
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=counts, default=[10_000_000],
                        help="log sizes of the main tables, comma-separated (default 1e7)")
    parser.add_argument("--pairs", type=parse_count, default=1_000_000,
                        help="distinct directed pairs in the synthetic log (default 1e6)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs after the warm-up (median reported)")
    parser.add_argument("--slow", type=float, default=20.0,
                        help="a contender whose warm-up takes longer gets one timed run (seconds, default 20)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--no-real", action="store_true", help="skip email-Eu-core")
    parser.add_argument("--skip", default="", help="comma-separated words: skip contenders whose name has one")
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    parser.add_argument("--plot", help="also run the sweeps and save the plot here (PNG)")
    parser.add_argument("--sweep-sizes", type=counts, default=[100_000, 300_000, 1_000_000, 3_000_000, 10_000_000])
    parser.add_argument("--sweep-size-pairs", type=parse_count, default=100_000,
                        help="distinct pairs in the sweep over log size (default 1e5: the same at every size)")
    parser.add_argument("--sweep-pairs", type=counts, default=[1_000, 10_000, 100_000, 1_000_000])
    parser.add_argument("--sweep-log-size", type=parse_count, default=1_000_000,
                        help="log size of the sweep over distinct pairs (default 1e6)")
    parser.add_argument("--sweep-repeat", type=int, default=3, help="timed runs per sweep point (median)")
    parser.add_argument("--sweep-slow-max", type=parse_count, default=3_000_000,
                        help="largest log on which the sweeps run the pure-Python loops (default 3e6)")
    args = parser.parse_args(argv)

    contenders, notes = available_contenders([w.strip() for w in args.skip.split(",") if w.strip()])
    print(f"machine: {machine()}")
    for note in notes:
        print(note)
    print(f"decay: one channel, weight 1, half-life {HALF_LIFE_S // 86_400} days, sums at the newest interaction; "
          f"times: median of {args.repeat} timed runs after an untimed warm-up (warm-up > {args.slow:g} s: "
          f"one timed run); every answer checked against {BASELINE!r}, rtol {RTOL:g}", flush=True)

    try:
        for size in args.sizes:
            log = synthetic_log(size, args.pairs, args.seed)
            print(f"\n== {log.name} ({log.distinct_pairs():,} distinct directed pairs, "
                  f"{len(np.union1d(log.source, log.target)):,} people) ==", flush=True)
            print(table(compare(log, contenders, args.repeat, args.slow), args.markdown), flush=True)
            del log
        if not args.no_real:
            log = email_eu_core()
            if log is None:
                print(f"\n== email-Eu-core: skipped, not found at {EMAIL_EU} (set RELSCORE_DATA) ==")
            else:
                print(f"\n== {log.name} interactions, {log.distinct_pairs():,} distinct directed pairs, "
                      f"sorted by time ==", flush=True)
                print(table(compare(log, contenders, args.repeat, args.slow), args.markdown), flush=True)
        if args.plot:
            by_size = sweep(f"log size, {args.sweep_size_pairs:,} pairs", "interactions",
                            args.sweep_sizes, lambda n: synthetic_log(n, args.sweep_size_pairs, args.seed),
                            contenders, args.sweep_repeat, args.slow, args.sweep_slow_max)
            by_pairs = sweep(f"distinct pairs, {args.sweep_log_size:,} interactions", "pairs",
                             args.sweep_pairs, lambda p: synthetic_log(args.sweep_log_size, p, args.seed),
                             contenders, args.sweep_repeat, args.slow, args.sweep_slow_max)
            plot(args.plot, by_size, by_pairs, args.sweep_size_pairs, min(args.sweep_sizes), args.sweep_log_size, machine())
            print(f"\nplot: {args.plot}")
    except CheckFailed as e:
        print(f"\nCHECK FAILED: {e}", file=sys.stderr)
        return 1
    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
