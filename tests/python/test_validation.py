"""Bad batches from Python (arrays and DataFrames) raise an error naming the row and the
field, and leave the scorer byte-identical; bad snapshot bytes say what is wrong."""

import numpy as np
import pandas as pd
import pytest

import relscore


def seeded() -> relscore.Scorer:
    s = relscore.Scorer()
    s.add("2026-01-01", "ana", "ben", channel="email")
    s.add("2026-01-02", "ben", "ana", channel="call")
    return s


GOOD = dict(time=["2026-02-01", "2026-02-02", "2026-02-03"], source=["x", "y", "z"], target=["y", "z", "x"])


def with_row2(**changes):
    """The good frame with row 2 of some columns replaced."""
    frame = pd.DataFrame(GOOD)
    for column, value in changes.items():
        if column not in frame:
            frame[column] = pd.Series([frame_default(column)] * len(frame), dtype=object)
        frame[column] = frame[column].astype(object)
        frame.loc[2, column] = value
    return frame


def frame_default(column):
    return {"weight": 1.0, "channel": "email", "mutual": False}[column]


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(weight=np.nan), "row 2"),
        (dict(weight=np.inf), r"weight must be finite, >= 0 and <= 1e\+15 \(relscore.MAX_WEIGHT\), got inf at row 2"),
        (dict(weight=-1.0), r"weight must be finite, >= 0 and <= 1e\+15 \(relscore.MAX_WEIGHT\), got -1.0 at row 2"),
        (dict(time="1200-01-01"), "row 2.* 1400..9999"),  # the core's parser's words, as in add()
        (dict(time=pd.NaT), "row 2"),
        (dict(source=""), "empty person id"),
        (dict(target="z"), "row 2: self-interaction"),
        (dict(channel="pigeon"), "unknown channel 'pigeon'"),
        (dict(source="n" * 5000), "person id longer than 4096 bytes"),
    ],
)
def test_bad_dataframe_rows_change_nothing(changes, message):
    s = seeded()
    before = s.to_bytes()
    frame = with_row2(**changes)
    with pytest.raises(ValueError, match=message):
        s.add_dataframe(frame)
    assert s.to_bytes() == before
    # The same through add_arrays with numpy columns.
    with pytest.raises(ValueError, match=message):
        s.add_arrays(
            frame["time"].to_numpy(),
            frame["source"].to_numpy(),
            frame["target"].to_numpy(),
            **{k: frame[k].to_numpy() for k in ("channel", "weight") if k in frame},
        )
    assert s.to_bytes() == before


@pytest.mark.parametrize(
    "times",
    [
        np.array([1.0e9, 1.0e15]),  # float seconds: * 1e6 would not fit in int64
        np.array([10**9, 18446744073709]),  # int seconds: * 10**6 would wrap around int64
        np.array([10**9, 2**63 + 5], dtype=np.uint64),
        np.array(["2000-01-01", "1300-06-01"], dtype="datetime64[s]"),
        np.array(["2000-01-01", "200000-01-01"], dtype="datetime64[D]"),
    ],
)
def test_out_of_range_times_never_wrap(times):
    s = seeded()
    before = s.to_bytes()
    with pytest.raises(ValueError, match="time at row 1 is outside years 1400..9999"):
        s.add_arrays(times, ["a", "b"], ["b", "c"])
    assert s.to_bytes() == before


def test_names_that_are_not_unicode_scalars_are_refused():
    s = seeded()
    before = s.to_bytes()
    with pytest.raises(ValueError, match="source at row 1: person id 'lone \\\\ud800 surrogate' is not valid Unicode"):
        s.add_arrays([1.0e9, 1.0e9], ["a", "lone \ud800 surrogate"], ["b", "b"])
    with pytest.raises(ValueError, match="target 'lone \\\\udfff' is not valid Unicode"):
        s.add("2026-03-01", "b", "lone \udfff")
    assert s.to_bytes() == before
    with pytest.raises(ValueError, match="channel at row 1: '\\\\udc80' is not valid Unicode"):
        s.add_arrays([1.0e9] * 3, ["a", "b", "c"], ["b", "c", "d"], channel=["email", "\udc80", "email"])
    with pytest.raises(ValueError, match="channel '\\\\udc80' is not valid Unicode"):
        s.add_arrays([1.0e9] * 2, ["a", "b"], ["b", "c"], channel="\udc80")
    s.add("2026-03-01", "José", "王小明")  # real non-ASCII names are fine
    assert "王小明" in s.people


def test_bad_snapshot_bytes_say_what_is_wrong():
    good = seeded().to_bytes()
    with pytest.raises(ValueError, match="not a relscore snapshot"):
        relscore.Scorer.from_bytes(b"PK\x03\x04 a zip file")
    with pytest.raises(ValueError, match="truncated snapshot"):
        relscore.Scorer.from_bytes(good[: len(good) // 2])
    flipped = bytearray(good)
    flipped[-10] ^= 0x01
    with pytest.raises(ValueError, match="corrupted snapshot: checksum mismatch"):
        relscore.Scorer.from_bytes(bytes(flipped))
    future = bytearray(good)
    future[8] = 200
    with pytest.raises(ValueError, match="unsupported snapshot version 200"):
        relscore.Scorer.from_bytes(bytes(future))


def test_a_time_that_cannot_be_read_names_the_column_and_row():
    s = seeded()
    before = s.to_bytes()
    frame = pd.DataFrame({"time": ["2026-03-01", "2026-03-02", "garbage"], "source": ["a", "b", "c"],
                          "target": ["b", "c", "d"]})
    with pytest.raises(ValueError, match="time at row 2: .*invalid time 'garbage'"):
        s.add_dataframe(frame)
    with pytest.raises(ValueError, match="time at row 1: .*invalid time '2026-13-45'"):
        s.add_arrays(np.array(["2026-03-01", "2026-13-45"], dtype=object), ["a", "b"], ["b", "c"])
    assert s.to_bytes() == before


def test_missing_weight_default_names_an_unknown_channel_and_its_row():
    # It blamed the NaN weight and said to pass missing_weight='default', as the caller had.
    s = seeded()
    before = s.to_bytes()
    with pytest.raises(ValueError, match=r"channel at row 1: unknown channel 'zzz' \(known: .*email"):
        s.add_arrays(np.array([1.6e9] * 3), ["a", "b", "c"], ["b", "c", "d"], channel=["email", "zzz", "email"],
                     weight=[1.0, np.nan, 1.0], missing_weight="default")
    with pytest.raises(ValueError, match=r"channel at row 0: unknown channel 'zzz'"):
        s.add_arrays(np.array([1.6e9] * 2), ["a", "b"], ["b", "c"], channel="zzz", weight=[np.nan, 1.0],
                     missing_weight="default")
    assert s.to_bytes() == before
    s.add_arrays(np.array([1.6e9] * 2), ["a", "b"], ["b", "c"], channel=["email", "call"], weight=[np.nan, 2.0],
                 missing_weight="default")
    assert s.between("a", "b").interactions == 1
