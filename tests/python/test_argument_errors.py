"""Bad arguments raise TypeError / ValueError / OverflowError naming the argument (and
the row), and leave the scorer unchanged (review 2: they escaped as AttributeError,
IndexError, KeyError, pybind11's "incompatible constructor arguments", or were taken:
complex and bool weights, conversations="no")."""

import numpy as np
import pandas as pd
import pytest

import relscore
from relscore import Scorer

T = pd.to_datetime(["2026-01-02", "2026-01-03"], utc=True)
FRAME = pd.DataFrame({"time": T, "source": ["a", "x"], "target": ["b", "c"]})

CASES = [
    ("add_arrays default_channel=None", TypeError, "default_channel",
     lambda s: s.add_arrays(T, ["a", "x"], ["b", "c"], default_channel=None)),
    ("add_dataframe default_channel=5", TypeError, "default_channel",
     lambda s: s.add_dataframe(FRAME, default_channel=5)),
    ("channels as a list", TypeError, "channels must be a mapping", lambda s: Scorer(channels=[("x", 1, "1d")])),
    ("empty kernel", ValueError, "kernel of 'email'", lambda s: Scorer(kernels={"email": ()})),
    ("kernels as a list", TypeError, "kernels must be a mapping", lambda s: Scorer(kernels=[("email", "window")])),
    ("channel mapping without weight", ValueError, "channel 'x': a mapping needs 'weight'",
     lambda s: Scorer(channels={"x": {"half_life": "1d"}})),
    ("channel weight None", TypeError, "weight of channel 'x'", lambda s: Scorer(channels={"x": (None, "1d")})),
    ("surrogate channel name", ValueError, "channel name .* is not valid Unicode",
     lambda s: Scorer(channels={"\ud800": (1, "1d")})),
    ("channel name not a str", TypeError, "channel name must be a string", lambda s: Scorer(channels={5: (1, "1d")})),
    ("add weight=10**400", OverflowError, "^weight is too large", lambda s: s.add("2026-01-02", "a", "b", weight=10**400)),
    ("add weight='1'", TypeError, "^weight must be a real number", lambda s: s.add("2026-01-02", "a", "b", weight="1")),
    ("add weight=1j", TypeError, "^weight must be a real number", lambda s: s.add("2026-01-02", "a", "b", weight=1j)),
    ("add_arrays text weights", TypeError, "weight at row 0 must be a real number",
     lambda s: s.add_arrays(T, ["a", "x"], ["b", "c"], weight=np.array(["1", "x"], dtype=object))),
    ("add_arrays huge object weight", OverflowError, "weight at row 1 is too large",
     lambda s: s.add_arrays(T, ["a", "x"], ["b", "c"], weight=np.array([1, 10**400], dtype=object))),
    ("add_arrays complex weights", TypeError, "weight must be real numbers, got an array of dtype complex",
     lambda s: s.add_arrays(T, ["a", "x"], ["b", "c"], weight=np.array([1 + 5j, 2]))),
    ("add_arrays bool weights", TypeError, "weight must be real numbers, got an array of dtype bool",
     lambda s: s.add_arrays(T, ["a", "x"], ["b", "c"], weight=np.array([True, True]))),
    ("add_dataframe boolean weights", TypeError, "weight",
     lambda s: s.add_dataframe(FRAME.assign(weight=pd.array([True, False], dtype="boolean")))),
    ("channel tuple of three", ValueError, "channel 'x': expected \\(weight, half_life\\)",
     lambda s: Scorer(channels={"x": (1, "1d", 3)})),
    ("channel weight 10**400", OverflowError, "weight of channel 'x' is too large",
     lambda s: Scorer(channels={"x": {"weight": 10**400}})),
    ("trend_threshold='x'", TypeError, "trend_threshold", lambda s: Scorer(trend_threshold="x")),
    ("two target columns", ValueError, "2 columns named 'target'",
     lambda s: s.add_dataframe(pd.DataFrame([[T[0], "a", "b", "c"]], columns=["time", "source", "target", "target"]))),
    ("missing Int64 id at row 0", ValueError, "source has a missing id at row 0",
     lambda s: s.add_arrays(T, pd.array([None, 1], dtype="Int64"), pd.array([2, 3], dtype="Int64"))),
    ("conversations='no'", TypeError, "conversations must be True or False", lambda s: Scorer(conversations="no")),
    ("retain_events='false'", TypeError, "retain_events must be True or False", lambda s: Scorer(retain_events="false")),
]


@pytest.mark.parametrize("label, error, message, call", CASES, ids=[c[0] for c in CASES])
def test_a_bad_argument_raises_a_proper_error_naming_it(label, error, message, call):
    s = Scorer()
    s.add("2026-01-01", "a", "b")
    before = s.to_bytes()
    with pytest.raises(error, match=message):
        call(s)
    assert s.to_bytes() == before


def test_real_bools_and_numbers_still_work():
    assert Scorer(conversations=np.bool_(False), retain_events=True) is not None
    s = Scorer(channels={"x": {"weight": 2}, "y": [1.5, "2d"]}, trend_threshold=1)
    assert {c.name: c.weight for c in s.channels}["y"] == 1.5
    s.add_arrays(T, ["a", "x"], ["b", "c"], channel="x", weight=np.array([1, None], dtype=object),
                 missing_weight="default")
    assert s.between("a", "b").strength > 0
    s.add_dataframe(FRAME.assign(weight=pd.array([1, None], dtype="Int64")), channel=None, default_channel="x",
                    missing_weight="default")
    s.add("2026-01-04", "a", "b", weight=np.float32(2))


def test_intro_takes_one_name_as_one_name():
    """avoid="bob" was read as the people "b", "o", "b"."""
    s = Scorer()
    s.add("2026-01-01", "ann", "bob")
    s.add("2026-01-02", "bob", "cy")
    s.add("2026-01-03", "ann", "dee")
    s.add("2026-01-04", "dee", "cy")
    assert set(relscore.intro(s, "ann", "cy", avoid="bob")["to"]) == {"dee", "cy"}
    assert relscore.intro(s, "ann", "cy", avoid="bob").equals(relscore.intro(s, "ann", "cy", avoid=["bob"]))
    t = Scorer()
    t.add_arrays(T, [1, 2], [2, 3])
    assert relscore.intro(t, 1, 3, avoid=2).empty
