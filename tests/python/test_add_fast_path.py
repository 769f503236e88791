"""Scorer.add's fast path (plain int/float/aware-Timestamp times, two str or two int ids,
no weight) gives exactly what the general path gives, and every refusal still carries
the general path's message."""

import inspect

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import relscore
from relscore import _core

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


@pytest.mark.parametrize("time", [T0 + 0.5e-6, T0 + 1.5e-6, T0 + 2.5e-6, -1.5e-6, 0.0, -0.0, 1e-7, T0 + 0.999999,
                                  -12_000_000_000.0, 253_402_300_799.0, 253_402_300_799.9999995])
def test_float_seconds_round_as_the_general_path(time):
    # Python's round(): half to even; the C++ conversion must agree at every half.
    fast, general = relscore.Scorer(), relscore.Scorer()
    for s, t in ((fast, time), (general, np.float64(time))):
        try:
            s.add(t, "ana", "ben", channel="email")
        except ValueError:
            pass
    assert fast.to_bytes() == general.to_bytes()


@pytest.mark.parametrize("ids", [(-5, 7), (0, 2**40), (2**63 - 1, 3), (2**70, 1)])
def test_int_ids_are_named_as_the_general_path_names_them(ids):
    a, b = ids
    fast, general = relscore.Scorer(), relscore.Scorer()
    fast.add(T0, a, b)
    general.add(np.int64(T0), a, b, weight=1.0)  # a weight: never the common shape
    assert list(fast.people) == list(general.people) == [a, b]  # named by their digits, given back as ints
    assert fast.ids == general.ids == "int"


def test_the_common_shape_refuses_what_it_does_not_convert():
    s = relscore.Scorer()
    core = s._core

    def add_common(*args):
        return _core.add_common(core, *args)

    assert add_common(T0, True, False, "email", False, None) is None      # bools are not ids
    assert add_common(T0, "ana", 1, "email", False, None) is None         # mixed kinds
    assert add_common(T0, "ana", "ben", "email", 1, None) is None         # mutual must be a bool
    assert add_common(np.int64(T0), "ana", "ben", "email", False, None) is None
    assert add_common(T0, "ana", "ben", "nope", False, None) is None      # refused: unknown channel
    assert add_common(T0, "ana", "ana", "email", False, None) is None     # refused: self-interaction
    assert add_common(T0, "ana", "ben", "email", False, "int") is None    # the scorer's ids are ints
    assert len(s) == 0                                                          # nothing half-applied
    assert add_common(T0, "ana", "ben", "email", False, None) == "str"
    assert len(s) == 1


def test_the_common_shape_checks_its_arguments():
    s = relscore.Scorer()
    with pytest.raises(TypeError, match="7 positional arguments"):
        _core.add_common(s._core, T0, "ana", "ben", "email", False)
    with pytest.raises(TypeError):
        _core.add_common(object(), T0, "ana", "ben", "email", False, None)  # not a scorer
    assert len(s) == 0
    assert str(inspect.signature(_core.add_common)) == "(core, time, source, target, channel, mutual, ids, /)"
