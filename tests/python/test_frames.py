"""Every DataFrame of relationships names and types the columns it shares alike:
to_pandas, top_frame (of a person and of everyone), due and insight_frame (issue 17)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import relscore

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "data" / "job_search.csv"
T0 = 1_700_000_000

# The shared columns and their dtypes; "person" is int64 for integer ids, a categorical
# of strings otherwise.
SHARED = {
    "a": "person",
    "b": "person",
    "strength": "float64",
    "volume_ab": "float64",
    "volume_ba": "float64",
    "reciprocity": "float64",
    "last_interaction": "datetime64[us, UTC]",
    "interactions": "int64",
    # Issue 15: every field of the C++ description of a relationship (relscore/describe.hpp).
    "first_interaction": "datetime64[us, UTC]",
    "touches": "int64",
}
# Per frame: which of SHARED it has (all unless listed), and its own timed columns.
DUE = ["a", "b", "strength", "last_interaction"]
EXTRA = {
    "due": {"priority": "float64", "typical_gap": "timedelta64[us]", "rhythm_learned": "bool", "due": "datetime64[us, UTC]",
            "overdue": "float64"},
    "insight_frame": {"first_interaction": "datetime64[us, UTC]", "typical_gap": "timedelta64[us]",
                      "due": "datetime64[us, UTC]", "overdue": "float64", "touches": "int64"},
}


def frames(s, person):
    at = s.newest + pd.Timedelta(days=200)
    return {
        "to_pandas": s.to_pandas(),
        "top_frame(person)": s.top_frame(person, 5),
        "top_frame()": s.top_frame(k=5),
        "due": s.due(k=5, at=at),
        "due(person)": s.due(person, k=5, at=at),
        "insight_frame": s.insight_frame(),
    }


def check(s, person, person_dtype):
    for name, frame in frames(s, person).items():
        assert len(frame), name
        wanted = DUE if name.startswith("due") else list(SHARED)
        assert [c for c in frame.columns if c in SHARED] == wanted, name
        for column in wanted:
            want = SHARED[column]
            got = frame[column].dtype
            if want == "person":
                assert person_dtype(got), (name, column, got)
            else:
                assert str(got) == want, (name, column, got)
        for column, want in EXTRA.get(name.split("(")[0], {}).items():
            assert str(frame[column].dtype) == want, (name, column, frame[column].dtype)


def test_frames_share_names_and_dtypes_for_string_ids():
    s = relscore.Scorer()
    s.add_dataframe(pd.read_csv(SAMPLE), missing_weight="default")
    check(s, "Sam Rivera", lambda d: isinstance(d, pd.CategoricalDtype) and pd.api.types.is_string_dtype(d.categories))


def test_frames_share_names_and_dtypes_for_integer_ids():
    rng = np.random.default_rng(3)
    n = 400
    src = rng.integers(0, 12, n)
    s = relscore.Scorer()
    s.add_arrays(np.sort(T0 + rng.integers(0, 200 * 86400, n)), src, (src + 1 + rng.integers(0, 11, n)) % 12,
                 channel="email")
    check(s, 3, lambda d: d == np.int64)


def test_times_are_utc_and_agree_across_frames():
    s = relscore.Scorer()
    s.add_dataframe(pd.read_csv(SAMPLE), missing_weight="default")
    everyone = s.to_pandas().set_index(["a", "b"])["last_interaction"]
    at = s.newest + pd.Timedelta(days=200)
    for frame in (s.top_frame("Sam Rivera"), s.due("Sam Rivera", at=at), s.top_frame(k=3)):
        for a, b, last in zip(frame["a"], frame["b"], frame["last_interaction"]):
            key = (a, b) if (a, b) in everyone.index else (b, a)
            assert last == everyone[key] and last.tz is not None
    assert s.between("Sam Rivera", "Jordan Kim").last_interaction.tz is not None
    assert s.rhythm("Sam Rivera", "Jordan Kim").last_interaction == s.rhythm("Sam Rivera", "Jordan Kim").last_contact


def test_empty_frames_have_the_same_columns():
    s = relscore.Scorer()
    s.add(T0, "ana", "ben")
    assert list(s.top_frame(k=0).columns) == list(s.to_pandas().columns) == list(s.top_frame("ana").columns)
    assert list(s.due(k=0).columns) == list(s.due(k=5, at=T0 + 400 * 86400).columns)
    with pytest.raises(KeyError):
        s.top_frame("nobody")
