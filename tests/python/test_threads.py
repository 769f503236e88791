"""Scorer.threads: a large batch split among threads gives the same scorer, byte for byte,
as one thread (the C++ side is tested across configurations in tests/cpp/concurrency.cpp;
here the Python route: the setting, its validation, and add_arrays with it)."""

import numpy as np
import pytest

import relscore


def _log(seed: int, n: int):
    rng = np.random.default_rng(seed)
    people = 3000
    src = rng.integers(0, people, n)
    dst = (src + rng.integers(1, people, n)) % people  # never a self-interaction
    t = np.sort(rng.integers(0, 400 * 86_400, n)) + 1_600_000_000  # seconds, with ties
    t[rng.random(n) < 0.05] -= 86_400  # some out of order
    channel = rng.choice(np.array(["email", "call", "meeting"]), n)
    weight = np.where(rng.random(n) < 0.3, rng.random(n) * 3, np.nan)  # a float holds few of them
    mutual = rng.random(n) < 0.1
    return t, src, dst, channel, weight, mutual


@pytest.mark.parametrize("conversations", [True, False])
def test_a_threaded_batch_gives_the_same_bytes(conversations):
    # Two batches of 150,000 rows: each splits into two parts of at least 65,536 rows in
    # every pass; the second mixes known pairs with new ones.
    t, src, dst, channel, weight, mutual = _log(5, 300_000)
    snapshots = []
    for threads in (1, 2, 4):
        s = relscore.Scorer(conversations=conversations, threads=threads)
        assert s.threads == threads
        half = len(t) // 2
        for part in (slice(0, half), slice(half, None)):
            s.add_arrays(t[part], src[part], dst[part], channel=channel[part], weight=weight[part],
                         mutual=mutual[part], missing_weight="default", unit="s")
        snapshots.append(s.to_bytes())
    assert snapshots[1] == snapshots[0]
    assert snapshots[2] == snapshots[0]


def test_threads_setting():
    s = relscore.Scorer()
    assert s.threads == 1
    s.threads = 0  # one per core
    assert s.threads >= 1
    s.threads = 3
    assert s.copy().threads == 3
    assert relscore.Scorer.from_bytes(s.to_bytes()).threads == 1  # not saved
    for bad in (-1, 1.5, "2", True):
        with pytest.raises(ValueError, match="threads"):
            s.threads = bad
    with pytest.raises(ValueError, match="threads"):
        relscore.Scorer(threads=-2)
    assert s.threads == 3
