"""Every accepted input type, DataFrame round trips, pickling and error paths."""

import copy
import datetime as dt
import os
import pickle

import numpy as np
import pandas as pd
import pytest

import relscore

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(ROOT, "examples", "data", "job_search.csv")

T = "2026-01-05T10:00:00Z"
T_US = 1767607200 * 10**6


@pytest.mark.parametrize(
    "value",
    [
        T,
        "2026-01-05 10:00:00",
        1767607200,
        1767607200.0,
        dt.datetime(2026, 1, 5, 10),
        dt.datetime(2026, 1, 5, 11, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        np.datetime64("2026-01-05T10:00:00"),
        np.datetime64("2026-01-05T10:00:00.000000000"),
        pd.Timestamp("2026-01-05 10:00"),
        pd.Timestamp("2026-01-05 05:00", tz="US/Eastern"),
    ],
)
def test_times_of_every_kind(value):
    assert relscore.to_micros(value) == T_US


@pytest.mark.parametrize(
    "value", ["90d", dt.timedelta(days=90), np.timedelta64(90, "D"), pd.Timedelta(days=90), 90 * 86400]
)
def test_durations_of_every_kind(value):
    assert relscore.parse_duration(value) == pd.Timedelta(days=90)


def reference_scorer():
    s = relscore.Scorer()
    s.add("2026-01-01", "ana", "ben", channel="email")
    s.add("2026-01-02", "ben", "ana", channel="call", weight=2.5)
    s.add("2026-01-03", "ana", "cy", channel="meeting", mutual=True)
    return s


@pytest.mark.parametrize(
    "times",
    [
        np.array(["2026-01-01", "2026-01-02", "2026-01-03"], dtype="datetime64[D]"),
        np.array(["2026-01-01", "2026-01-02", "2026-01-03"], dtype="datetime64[ns]"),
        np.array([1767225600, 1767312000, 1767398400], dtype=np.int64),
        np.array([1767225600.0, 1767312000.0, 1767398400.0]),
        ["2026-01-01", "2026-01-02", "2026-01-03"],
        pd.Series(pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03"], utc=True)),
    ],
)
@pytest.mark.parametrize(
    "ids",
    [
        (np.array(["ana", "ben", "ana"]), np.array(["ben", "ana", "cy"])),
        (np.array(["ana", "ben", "ana"], dtype=object), np.array(["ben", "ana", "cy"], dtype=object)),
        (
            pd.Categorical(["ana", "ben", "ana"], categories=["ana", "ben", "cy"]),
            pd.Categorical(["ben", "ana", "cy"], categories=["ana", "ben", "cy"]),
        ),
    ],
)
def test_bulk_ingest_matches_one_by_one(times, ids):
    s = relscore.Scorer()
    s.add_arrays(times, ids[0], ids[1], channel=["email", "call", "meeting"], weight=[1.0, 2.5, 3.0],
                 mutual=[False, False, True])
    assert s.to_bytes() == reference_scorer().to_bytes()


def test_integer_ids_stay_integers_and_do_not_mix_with_strings():
    # Integer ids used to come back as strings ("7"), so a join with the caller's integer
    # ids matched nothing (issue 17). Now they come back as given, and mixing kinds raises.
    s = relscore.Scorer()
    s.add_arrays(np.array([0, 1], dtype=np.int64), np.array([7, 8]), np.array([8, 9]))
    assert s.people == [7, 8, 9] and s.ids == "int"
    s.add(2, 7, 9)
    assert s.between(7, 9).interactions == 1
    assert s.between("7", "9").interactions == 1  # queries find a person by either spelling
    with pytest.raises(ValueError, match="all integers or all strings"):
        s.add(3, 7, "9")
    with pytest.raises(ValueError, match="this scorer's ids are integers"):
        s.add_arrays(np.array([3]), np.array(["x"]), np.array(["y"]))
    assert len(s) == 3 and s.people == [7, 8, 9]  # unchanged


def test_dataframe_round_trip_and_top_frame():
    frame = pd.read_csv(SAMPLE)
    s = relscore.Scorer()
    s.add_dataframe(frame, missing_weight="default")
    table = s.to_pandas()
    assert list(table.columns) == ["a", "b", "strength", "volume_ab", "volume_ba", "reciprocity",
                                   "last_interaction", "interactions", "first_interaction", "touches"]
    assert table["interactions"].sum() == len(frame)
    assert table["strength"].is_monotonic_decreasing
    top = s.top_frame("Sam Rivera", 3)
    assert list(top["b"]) == ["Marcus Lee", "Priya Shah", "Aisha Rahman"]
    assert (top["a"] == "Sam Rivera").all()
    # The same numbers as the CLI prints (golden file).
    with open(os.path.join(ROOT, "tests", "golden", "score_sam.txt"), encoding="utf-8") as f:
        golden = f.read().splitlines()[2]
    assert f"{top['strength'][0]:.4f}" in golden


def test_renamed_columns():
    frame = pd.DataFrame({"when": ["2026-01-01"], "from": ["a"], "to": ["b"]})
    s = relscore.Scorer()
    s.add_dataframe(frame, time="when", source="from", target="to")
    assert s.between("a", "b").volume_ab == 1.0
    with pytest.raises(KeyError, match="no column 'time'"):
        s.add_dataframe(frame)


def test_pickle_copy_deepcopy_are_exact():
    s = relscore.Scorer(reciprocity=0.3, channels={"coffee": (2.0, "45d")})
    s.add_dataframe(pd.read_csv(SAMPLE), missing_weight="default")
    for clone in (pickle.loads(pickle.dumps(s)), copy.copy(s), copy.deepcopy(s), s.copy()):
        assert clone.to_bytes() == s.to_bytes()
        a, b = clone.to_pandas(), s.to_pandas()
        assert (a["strength"].to_numpy() == b["strength"].to_numpy()).all()  # to the last bit
        assert clone.reciprocity == 0.3
    clone = copy.deepcopy(s)
    clone.add("2027-01-01", "x", "y")
    assert len(clone) == len(s) + 1  # independent


def test_merge_from_python():
    a, b = relscore.Scorer(), relscore.Scorer()
    a.add("2026-01-01", "x", "y")
    b.add("2026-01-02", "y", "x")
    a.merge(b)
    assert a.between("x", "y").reciprocity == pytest.approx(2 * 2 ** (-1 / 60) / (1 + 2 ** (-1 / 60)))
    with pytest.raises(ValueError, match="different configurations"):
        a.merge(relscore.Scorer(reciprocity=0.9))
    with pytest.raises(TypeError):
        a.merge("not a scorer")


def test_shrink_to_fit_changes_no_result():
    rng = np.random.default_rng(5)
    n = 5000
    t = np.datetime64("2026-01-01") + rng.integers(0, 86400 * 365, n).astype("timedelta64[s]")
    src = rng.integers(0, 60, n)
    dst = (src + 1 + rng.integers(0, 59, n)) % 60
    channel = rng.choice(["email", "call", "meeting"], n)
    s = relscore.Scorer()
    s.add_arrays(t, src.astype(str), dst.astype(str), channel=channel)
    before = s.to_bytes()
    s.shrink_to_fit()
    assert s.to_bytes() == before
    s.add("2027-06-01", "0", "1")  # ingest goes on after it
    assert s.between("0", "1").interactions >= 1


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(time=["2026-01-01", "2026-01-02"], source=["a"], target=["b", "c"]), ValueError, "length mismatch"),
        (dict(time=np.array(["2026-01-01", "NaT"], dtype="datetime64[s]"), source=["a", "b"], target=["b", "c"]),
         ValueError, "NaT at row 1"),
        (dict(time=[1.0, np.nan], source=["a", "b"], target=["b", "c"]), ValueError, "NaN or infinite value at row 1"),
        (dict(time=[1, 2], source=["a", "b"], target=["b", "c"], weight=[1.0, -2.0]), ValueError,
         r"weight must be finite, >= 0 and <= 1e\+15 \(relscore.MAX_WEIGHT\), got -2.0 at row 1"),
        (dict(time=[1, 2], source=["a", "b"], target=["b", "c"], weight=[np.nan, 1.0]), ValueError,
         "missing_weight='default'"),
        (dict(time=[1, 2], source=["a", "b"], target=["b", "c"], channel=["email", "pigeon"]), ValueError,
         "unknown channel 'pigeon'"),
        (dict(time=[1, 2], source=["a", "b"], target=["b", "b"]), ValueError, "row 1: self-interaction"),
        (dict(time=[1, 2], source=["a", None], target=["b", "c"]), ValueError, "source has a missing id at row 1"),
        (dict(time=[1, 2], source=["a", "b"], target=["b", "c"], mutual=["yes", "maybe"]), ValueError,
         "cannot read 'maybe'"),
    ],
)
def test_bad_arrays_raise_before_any_change(kwargs, error, message):
    s = reference_scorer()
    before = s.to_bytes()
    with pytest.raises(error, match=message):
        s.add_arrays(kwargs.pop("time"), kwargs.pop("source"), kwargs.pop("target"), **kwargs)
    assert s.to_bytes() == before


def test_errors_map_to_python_exceptions():
    s = reference_scorer()
    with pytest.raises(KeyError, match="unknown person 'nobody'"):
        s.between("nobody", "ana")
    with pytest.raises(ValueError, match="earlier than the newest interaction"):
        s.top("ana", 3, at="2025-01-01")
    with pytest.raises(ValueError, match="self-interaction"):
        s.add("2026-02-01", "ana", "ana")
    with pytest.raises(ValueError, match="invalid time 'soon'"):
        s.add("soon", "ana", "ben")
    with pytest.raises(ValueError, match="snapshot"):
        relscore.Scorer.from_bytes(b"garbage")
    with pytest.raises(TypeError):
        s.add(True, "ana", "ben")


def test_reprs_and_docstrings():
    s = reference_scorer()
    assert repr(s).startswith("relscore.Scorer(people=3, relationships=2")
    assert "strength=" in repr(s.between("ana", "ben"))
    for obj in (relscore.Scorer, relscore.Relationship, relscore.Channel, relscore.parse_time,
                relscore.parse_duration):
        assert obj.__doc__
    for name in dir(relscore.Scorer):
        if not name.startswith("_"):
            assert getattr(relscore.Scorer, name).__doc__, name


def test_table_is_numpy():
    t = reference_scorer().table()
    assert t["strength"].dtype == np.float64 and t["last_interaction"].dtype == np.dtype("datetime64[us]")
    assert len(t["a"]) == 2
