"""Times the lookups a CRM makes from Python on a large scorer: one relationship
(``between``), a person's strongest ties (``top``), and the strengths of k given pairs
(``between_many``, k = 100 and 10,000), on a seeded synthetic log.

Every answer is checked: ``between_many`` against ``between`` pair by pair (to 1e-12),
``top`` against ``between`` for each tie it returns.

Usage: .venv/bin/python bench/python/queries.py [--interactions N] [--people P]
"""

import argparse
import time

import numpy as np
import pandas as pd

import relscore


def per_call_us(f, repeat):
    """Median over 5 runs of the mean time of `repeat` calls, in microseconds."""
    f()
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(repeat):
            f()
        runs.append((time.perf_counter() - start) / repeat * 1e6)
    return float(np.median(runs))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--interactions", type=int, default=2_000_000)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    source = rng.integers(0, args.people, args.interactions)
    target = rng.integers(0, args.people, args.interactions)
    keep = source != target
    seconds = np.sort(rng.integers(0, 365 * 86_400, int(keep.sum())))
    log = pd.DataFrame({"time": pd.Timestamp("2026-01-01", tz="UTC") + pd.to_timedelta(seconds, unit="s"),
                        "source": source[keep].astype(str), "target": target[keep].astype(str)})
    s = relscore.Scorer()
    s.add_dataframe(log, missing_weight="default")
    relationships = len(s)
    print(f"{len(log):,} interactions, {relationships:,} relationships")

    pick = rng.integers(0, len(log), 10_000)
    a, b = log["source"].to_numpy()[pick], log["target"].to_numpy()[pick]
    for k in (100, 10_000):
        got = s.between_many(a[:k], b[:k])
        want = np.array([s.between(x, y).strength for x, y in zip(a[:k], b[:k])])
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=0, err_msg="between_many differs from between")
    person = a[0]
    for r in s.top(person, 10):
        assert r.strength == s.between(r.a, r.b).strength, "top differs from between"

    rows = [
        ("between(a, b)", per_call_us(lambda: s.between(a[0], b[0]), 20_000)),
        ("top(person, 10)", per_call_us(lambda: s.top(person, 10), 2_000)),
        ("between_many, 100 pairs", per_call_us(lambda: s.between_many(a[:100], b[:100]), 20)),
        ("between_many, 10,000 pairs", per_call_us(lambda: s.between_many(a, b), 5)),
    ]
    print("| call | µs per call |")
    print("|---|---:|")
    for label, us in rows:
        print(f"| {label} | {us:,.1f} |")


if __name__ == "__main__":
    main()
