"""Time texts read one way everywhere (review 2): Scorer.add(), add_arrays(),
add_dataframe() and the CLI parse a time string with the core's parser
(relscore::parse_time; columns via relscore._core.parse_times). add_arrays once read
strings with pandas: "20260101" was 2026-01-01 there but UNIX seconds (1970-08-23) in
add(), and forms one accepted the other refused."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

import relscore
from relscore import _core

TEXTS = ["1767225600", "1767225600.5", "2026-01-01", "2026-01-01 10:00:00+05:30", "2026-01-01T10:00:00.1234567891Z",
         "1500-06-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-01-01T10:00:00+0530", "2026-01-01t10:00:00z",
         "2026-01-01T10:00Z", "2026-01-01T24:00:00Z", "2026-W01-1", "2026-001", "20260101", "2026-01-01T10",
         " 2026-01-01 ", "2026-01-01T10:00:00,5Z", "-1", "2026-01-01T10:00:00+14:00", "2026-01-01T10:00:00-00:00",
         "1399-12-31T23:59:59Z", "10000-01-01", "", "nan", "NaT"]


def outcome(how, text):
    s = relscore.Scorer()
    try:
        if how == "add":
            s.add(text, "a", "b")
        elif how == "add_arrays":
            s.add_arrays([text], ["a"], ["b"])
        else:
            s.add_dataframe(pd.DataFrame({"time": pd.Series([text], dtype=how), "source": ["a"], "target": ["b"]}))
        return s.newest
    except ValueError:
        return "refused"


@pytest.mark.parametrize("text", TEXTS)
def test_add_and_the_column_paths_read_a_text_alike(text):
    expected = outcome("add", text)
    assert outcome("add_arrays", text) == expected
    assert outcome(object, text) == expected
    assert outcome("string", text) == expected


def test_digits_are_unix_seconds_in_a_column_too():
    s = relscore.Scorer()
    s.add_arrays(np.array(["20260101"]), ["a"], ["b"])
    assert s.newest == pd.Timestamp(20260101, unit="s", tz="UTC")


def test_a_bad_text_is_named_with_its_row():
    s = relscore.Scorer()
    with pytest.raises(ValueError, match=r"time at row 2: .*'2026-13-01'"):
        s.add_arrays(["2026-01-01", "2026-01-02", "2026-13-01"], ["a", "b", "c"], ["b", "c", "a"])
    with pytest.raises(ValueError, match=r"time at row 1 is None"):
        s.add_arrays(np.array(["2026-01-01", None], dtype=object), ["a", "b"], ["b", "c"])
    with pytest.raises(ValueError, match=r"time at row 1: .*is not valid Unicode"):
        s.add_arrays(["2026-01-01", "2026-01-02\ud800"], ["a", "b"], ["b", "c"])
    assert len(s) == 0


def test_texts_among_datetimes_are_read_by_the_core_parser():
    s = relscore.Scorer()
    s.add_arrays(np.array([pd.Timestamp("1970-01-02", tz="UTC"), "20260101"], dtype=object), ["a", "b"], ["b", "c"])
    assert s.newest == pd.Timestamp(20260101, unit="s", tz="UTC")  # pandas read 2026-01-01
    with pytest.raises(ValueError, match="time at row 1"):
        s.add_arrays(np.array([pd.Timestamp("2026-01-02", tz="UTC"), None, "x"], dtype=object), ["a"] * 3, ["b"] * 3)


def test_parse_times_is_parse_time_for_each():
    texts = ["2026-01-01", "1767225600", "2026-01-01T10:00:00+05:30"]
    assert _core.parse_times(texts, "t").tolist() == [_core.parse_time(t) for t in texts]
    assert _core.parse_times([], "t").dtype == np.int64


# Texts near the forms the parser knows: digits, separators, zones, and their mix-ups.
PIECES = st.sampled_from(["2026", "-", "01", "12", "31", "T", "t", " ", ":", "00", "59", "60", "24", "Z", "z", "+05:30",
                          "-0800", ".", "5", "123456789", "W", "e", "1767225600", "0", "1400", "9999", ","])


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, min_size=1, max_size=8).map("".join))
def test_add_and_add_arrays_agree_on_generated_texts(text):
    assert outcome("add_arrays", text) == outcome("add", text)
