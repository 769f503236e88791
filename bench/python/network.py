"""Times relscore.network on a seeded synthetic log: building the scipy.sparse strength
graph, warm introductions (best chain + alternatives) and meeting suggestions, for one
person and for the whole graph with and without a cap on intermediaries' degree.

Each call is checked: the matrix against Scorer.between on sampled pairs, every chain's
hops against the matrix, every suggestion against a scipy-computed common-neighbour sum.

Usage: .venv/bin/python bench/python/network.py [--people N] [--interactions M]
"""

import argparse
import time

import numpy as np

import relscore
import relscore.network as net


def timed(label, f):
    start = time.perf_counter()
    out = f()
    print(f"{label:<48} {time.perf_counter() - start:8.3f} s")
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--interactions", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    # Heavy-tailed popularity (Zipf-like), a year of times.
    weights = 1.0 / np.arange(1, args.people + 1) ** 0.8
    weights /= weights.sum()
    source = rng.choice(args.people, size=args.interactions, p=weights)
    target = rng.choice(args.people, size=args.interactions, p=weights)
    keep = source != target
    source, target = source[keep], target[keep]
    times = 1_700_000_000 + rng.integers(0, 365 * 86400, size=source.size)
    s = relscore.Scorer()
    timed(f"ingest {source.size} interactions", lambda: s.add_arrays(times, source, target, channel="email"))
    print(f"people {len(s.people)}, relationships {len(s)}")

    matrix, people = timed("strength_matrix (scipy.sparse)", lambda: net.strength_matrix(s))
    pairs = rng.integers(0, len(people), size=(200, 2))
    for i, j in pairs:
        if i != j:
            assert abs(matrix[i, j] - s.between(people[i], people[j]).strength) <= 1e-12 * max(matrix[i, j], 1e-300)

    # The two least connected people with at least one tie: long chains.
    degree = np.diff(matrix.indptr)
    order = np.argsort(degree, kind="stable")
    lonely = [people[i] for i in order if degree[i] > 0][:2]
    chains = timed(f"intro {lonely[0]} -> {lonely[1]}, k=5", lambda: net.intro(s, lonely[0], lonely[1], k=5))
    for row in chains.itertuples(index=False):
        assert row[4] == matrix[people.index(row[2]), people.index(row[3])]
    print(f"  {chains['path'].nunique()} chains, best has {int((chains.path == 1).sum())} hops")

    hub = people[int(order[-1])]
    mine = timed(f"suggest for the best-connected person ({degree[order[-1]]} ties)", lambda: net.suggest(s, hub, k=10))
    for label, cap in (("suggest whole graph, max degree 50", 50), ("suggest whole graph, no cap", None)):
        top = timed(label, lambda: net.suggest(s, k=10, max_intermediary_degree=cap))
        # Check the top pair against a direct computation over its common neighbours.
        a, b = people.index(top.a[0]), people.index(top.b[0])
        ra, rb = matrix.getrow(a).toarray().ravel(), matrix.getrow(b).toarray().ravel()
        common = (ra > 0) & (rb > 0)
        if cap is not None:
            common &= degree <= cap
        assert np.isclose(np.minimum(ra, rb)[common].sum(), top.score[0], rtol=1e-12)
    assert mine["a"].eq(hub).all()
    print(f"  {len(mine)} suggestions for {hub}")


if __name__ == "__main__":
    main()
