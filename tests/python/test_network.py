"""relscore.network against brute force: the scipy.sparse graph against Scorer.between,
introductions against every simple path, suggestions against every pair."""

import math
import os

import numpy as np
import pandas as pd
import pytest
import scipy.sparse
from hypothesis import given, settings
from hypothesis import strategies as st

import relscore
import relscore.network as net

SAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "data", "job_search.csv")
PEOPLE = [f"p{i}" for i in range(7)]
T0 = 1_700_000_000

event = st.tuples(
    st.integers(min_value=0, max_value=365 * 86400),
    st.sampled_from(PEOPLE),
    st.sampled_from(PEOPLE),
    st.sampled_from(["email", "call", "meeting", "message"]),
    st.booleans(),
).filter(lambda e: e[1] != e[2])
logs = st.lists(event, min_size=1, max_size=25)


def scorer_of(log):
    s = relscore.Scorer()
    for t, a, b, channel, mutual in log:
        s.add(T0 + t, a, b, channel=channel, mutual=mutual)
    return s


def simple_paths(dense, a, z):
    """Every simple path from a to z (indices), by depth-first search."""
    out, path = [], [a]

    def walk(u):
        if u == z:
            out.append(list(path))
            return
        for v in np.flatnonzero(dense[u]):
            if v not in path:
                path.append(int(v))
                walk(int(v))
                path.pop()

    walk(a)
    return out


@settings(max_examples=60, deadline=None)
@given(log=logs, later=st.integers(0, 200 * 86400))
def test_strength_matrix_equals_between(log, later):
    s = scorer_of(log)
    at = T0 + max(e[0] for e in log) + later
    matrix, people = net.strength_matrix(s, at=at)
    assert isinstance(matrix, scipy.sparse.csr_matrix)
    assert people == s.people
    assert matrix.shape == (len(people), len(people))
    assert (matrix != matrix.T).nnz == 0
    expected = np.zeros(matrix.shape)
    for i, a in enumerate(people):
        for j, b in enumerate(people):
            if i != j:
                expected[i, j] = s.between(a, b, at=at).strength
    np.testing.assert_allclose(matrix.toarray(), expected, rtol=1e-12, atol=0)
    assert matrix.nnz == np.count_nonzero(expected)


@settings(max_examples=60, deadline=None)
@given(log=logs, k=st.integers(1, 6), data=st.data())
def test_intro_is_the_best_simple_paths(log, k, data):
    s = scorer_of(log)
    # Both ends drawn from the people in the log, so every example reaches the assertions.
    a, z = data.draw(st.permutations(s.people).map(lambda p: p[:2]), label="ends")
    matrix, people = net.strength_matrix(s)
    dense = matrix.toarray()
    strongest = dense.max()
    index = {p: i for i, p in enumerate(people)}
    products = sorted(
        (math.prod(dense[p[h], p[h + 1]] / strongest for h in range(len(p) - 1)) for p in simple_paths(dense, index[a], index[z])),
        reverse=True,
    )
    frame = net.intro(s, a, z, k=k)
    assert list(frame.columns) == ["path", "hop", "from", "to", "strength", "normalized", "product"]
    chains = frame.groupby("path", sort=True)
    assert chains.ngroups == min(k, len(products))
    for rank, (path, hops) in enumerate(chains):
        assert path == rank + 1
        assert hops["from"].iloc[0] == a and hops["to"].iloc[-1] == z
        assert list(hops["hop"]) == list(range(1, len(hops) + 1))
        assert (hops["from"].iloc[1:].values == hops["to"].iloc[:-1].values).all()
        for source, target, strength in zip(hops["from"], hops["to"], hops["strength"]):
            assert strength == pytest.approx(s.between(source, target).strength, rel=1e-12)
        assert hops["product"].iloc[0] == pytest.approx(hops["normalized"].prod(), rel=1e-12)
        assert hops["product"].iloc[0] == pytest.approx(products[rank], rel=1e-9)


def brute_force_suggestions(dense, person=None, cap=None):
    n = dense.shape[0]
    degree = (dense > 0).sum(axis=1)
    rows = []
    for x in range(n):
        for y in range(n):
            if x == y or dense[x, y] > 0 or (x != person if person is not None else x > y):
                continue
            links = [(min(dense[x, zz], dense[zz, y]), zz) for zz in range(n)
                     if dense[x, zz] > 0 and dense[zz, y] > 0 and (cap is None or degree[zz] <= cap)]
            if links:
                best = max(links, key=lambda m: (m[0], -m[1]))
                rows.append((x, y, sum(m for m, _ in links), len(links), best[1]))
    return sorted(rows, key=lambda r: (-r[2], r[0], r[1]))


@settings(max_examples=60, deadline=None)
@given(log=logs, cap=st.sampled_from([None, 1, 2, 3]))
def test_suggest_equals_brute_force(log, cap):
    s = scorer_of(log)
    matrix, people = net.strength_matrix(s)
    dense = matrix.toarray()
    index = {p: i for i, p in enumerate(people)}
    for person in [None] + people:
        want = brute_force_suggestions(dense, None if person is None else index[person], cap)
        got = net.suggest(s, person, k=1000, max_intermediary_degree=cap)
        assert list(got.columns) == ["a", "b", "score", "common", "via", "via_strength"]
        assert len(got) == len(want)
        for row, (x, y, score, common, via) in zip(got.itertuples(), want):
            assert (row.a, row.b, row.via) == (people[x], people[y], people[via])
            assert row.score == pytest.approx(score, rel=1e-12)
            assert row.common == common


@pytest.fixture(scope="module")
def sample():
    s = relscore.Scorer()
    s.add_dataframe(pd.read_csv(SAMPLE), missing_weight="default")
    return s


def test_the_sample_tells_the_story(sample):
    # Sam's closest tie is Marcus, but Aisha knows Grace far better: ask Aisha.
    chains = net.intro(sample, "Sam Rivera", "Grace Liu", k=3)
    best = chains[chains.path == 1]
    assert list(best["from"]) + [best["to"].iloc[-1]] == ["Sam Rivera", "Aisha Rahman", "Grace Liu"]
    assert chains.groupby("path")["product"].first().is_monotonic_decreasing
    # Grace is the one person Sam has never been in touch with.
    mine = relscore.suggest(sample, "Sam Rivera")
    assert list(mine["b"]) == ["Grace Liu"]
    assert mine["via"].iloc[0] == "Aisha Rahman"
    # Avoiding Aisha gives the next best way in, through someone else.
    avoided = net.intro(sample, "Sam Rivera", "Grace Liu", k=1, avoid=["Aisha Rahman"])
    assert "Aisha Rahman" not in set(avoided["from"]) | set(avoided["to"])


def test_errors(sample):
    with pytest.raises(KeyError, match="Nobody"):
        net.intro(sample, "Sam Rivera", "Nobody")
    with pytest.raises(KeyError, match="Nobody"):
        net.suggest(sample, "Nobody")
    with pytest.raises(ValueError, match="same person"):
        net.intro(sample, "Sam Rivera", "Sam Rivera")
    with pytest.raises(ValueError, match="cannot be avoided"):
        net.intro(sample, "Sam Rivera", "Grace Liu", avoid=["Grace Liu"])
    with pytest.raises(ValueError, match="earlier than the newest"):
        net.strength_matrix(sample, at="2020-01-01")
    with pytest.raises(ValueError):
        net.intro(sample, "Sam Rivera", "Grace Liu", k=0)
    with pytest.raises(ValueError):
        net.suggest(sample, max_intermediary_degree=0)
    with pytest.raises(TypeError):
        net.intro(object(), "a", "b")  # type: ignore[arg-type]


def test_no_chain_is_an_empty_frame():
    s = relscore.Scorer()
    s.add("2026-01-01", "ana", "ben")
    s.add("2026-01-02", "cleo", "dev")
    frame = net.intro(s, "ana", "dev")
    assert frame.empty
    assert list(frame.columns) == ["path", "hop", "from", "to", "strength", "normalized", "product"]
    assert net.suggest(s).empty
