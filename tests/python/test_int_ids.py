"""Integer person ids are factorized in C++ (relscore._core.factorize_int_ids): the codes and
names must be exactly what pandas.factorize gives for source then target, and a scorer fed
through that path must equal one fed the same ids as strings."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import relscore
from relscore import _convert

ids = hnp.arrays(np.int64, st.integers(1, 60), elements=st.integers(-(2**63), 2**63 - 1) | st.integers(-5, 20))


def by_pandas(source: np.ndarray, target: np.ndarray):
    codes, uniques = pd.factorize(np.concatenate([source, target]))
    return codes[: len(source)], codes[len(source):], [str(v) for v in uniques]


@settings(max_examples=200, deadline=None)
@given(ids, st.data())
def test_codes_and_names_are_pandas_factorize(source, data):
    target = data.draw(hnp.arrays(np.int64, len(source), elements=st.sampled_from(list(source)) | st.integers(-5, 20)))
    src, tgt, names, kind = _convert.id_columns(source, target)
    want_src, want_tgt, want_names = by_pandas(source, target)
    assert kind == "int"
    np.testing.assert_array_equal(src, want_src)
    np.testing.assert_array_equal(tgt, want_tgt)
    assert names == want_names


def test_other_integer_dtypes_and_series_take_the_same_path():
    source = np.array([7, 3, 7, 900], dtype=np.int32)
    target = pd.Series(np.array([3, 11, 2**40, 7], dtype=np.uint64))
    src, tgt, names, kind = _convert.id_columns(source, target)
    assert (list(src), list(tgt), names, kind) == ([0, 1, 0, 2], [1, 3, 4, 0], ["7", "3", "900", "11", str(2**40)], "int")
    # uint64 beyond int64 cannot be named through int64: pandas' own path takes it.
    big = np.array([2**64 - 1, 1], dtype=np.uint64)
    src, tgt, names, kind = _convert.id_columns(big, np.array([1, 2], dtype=np.uint64))
    assert names == [str(2**64 - 1), "1", "2"] and kind == "int"


def test_a_scorer_fed_integer_ids_answers_as_one_fed_their_names():
    rng = np.random.default_rng(3)
    n = 5000
    t = 1_700_000_000 + np.sort(rng.integers(0, 10**7, n))
    a, b = rng.integers(-50, 50, n), rng.integers(-50, 50, n)
    keep = a != b
    t, a, b = t[keep], a[keep], b[keep]
    by_int, by_str = relscore.Scorer(), relscore.Scorer()
    by_int.add_arrays(t, a, b, channel="email")
    by_str.add_arrays(t, a.astype(str), b.astype(str), channel="email")
    assert [str(p) for p in by_int.people] == list(by_str.people)
    x, y = by_int.table(), by_str.table()
    np.testing.assert_array_equal(x["a"], y["a"])
    np.testing.assert_array_equal(x["b"], y["b"])
    for column in ("strength", "volume_ab", "volume_ba"):
        np.testing.assert_array_equal(x[column], y[column])
