"""Scorer.add's fast path (plain int/float/aware-Timestamp times, two str or two int ids,
no weight) gives exactly what the general path gives, and every refusal still carries
the general path's message."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import relscore

T0 = 1_700_000_000
calls = st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 5), st.integers(0, 5), st.booleans(),
                           st.sampled_from(["int", "float", "timestamp"])), min_size=1, max_size=40)


def time_of(t, how):
    return {"int": T0 + t, "float": T0 + t + 0.25, "timestamp": pd.Timestamp(T0 + t, unit="s", tz="UTC")}[how]


def general_time(t, how):  # the same instant, in a type the fast path leaves to the general one
    return {"int": np.int64(T0 + t), "float": np.float64(T0 + t + 0.25),
            "timestamp": pd.Timestamp(T0 + t, unit="s")}[how]  # naive: taken as UTC


@settings(max_examples=50, deadline=None)
@given(calls=calls, ints=st.booleans())
def test_fast_and_general_paths_build_the_same_scorer(calls, ints):
    fast, general = relscore.Scorer(), relscore.Scorer()
    for t, a, b, mutual, how in calls:
        if a == b:
            continue
        x, y = (a, b) if ints else (f"p{a}", f"p{b}")
        fast.add(time_of(t, how), x, y, channel="call", mutual=mutual)
        gx, gy = (np.int64(a), np.int64(b)) if ints else (x, y)
        general.add(general_time(t, how), gx, gy, channel="call", mutual=np.bool_(mutual) if ints else mutual)
    assert fast.to_bytes() == general.to_bytes()
    assert fast.ids == general.ids


def test_refusals_keep_their_messages():
    s = relscore.Scorer()
    with pytest.raises(ValueError, match="self-interaction"):
        s.add(T0, "ana", "ana")
    with pytest.raises(ValueError, match="source is an empty string"):
        s.add(T0, "", "ben")
    with pytest.raises(ValueError, match="outside years 1400..9999"):
        s.add(10**13, "ana", "ben")
    with pytest.raises(ValueError, match="finite"):
        s.add(float("nan"), "ana", "ben")
    with pytest.raises(ValueError, match="not valid Unicode"):
        s.add(T0, "ana\ud800", "ben")
    s.add(T0, "ana", "ben")
    with pytest.raises(ValueError, match="integer"):
        s.add(T0, 1, 2)  # a scorer of string ids
    assert len(s) == 1
