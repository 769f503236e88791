"""Public Python functions that no other test calls directly, each checked for its effect:
relscore.parse_time, relscore.to_duration_micros and relscore.dask.partial_snapshots."""

import datetime as dt

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

import relscore
import relscore.dask as rdask

INSTANT_US = 1_766_053_800_000_000  # 2025-12-18T10:30:00Z


@pytest.mark.parametrize("value", [
    "2025-12-18T10:30:00Z", "2025-12-18 10:30:00", "2025-12-18T12:30:00+02:00", "1766053800",
    1766053800, 1766053800.0, np.int64(1766053800),
    dt.datetime(2025, 12, 18, 10, 30), dt.datetime(2025, 12, 18, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    np.datetime64("2025-12-18T10:30:00"), pd.Timestamp("2025-12-18 05:30", tz="US/Eastern"),
])
def test_parse_time_gives_one_utc_instant_whatever_the_input(value):
    t = relscore.parse_time(value)
    assert isinstance(t, pd.Timestamp) and str(t.tz) == "UTC"
    assert t.value // 1000 == INSTANT_US


def test_parse_time_keeps_microseconds_and_refuses_bad_input():
    assert relscore.parse_time("2025-12-18T10:30:00.000001Z").value // 1000 == INSTANT_US + 1
    assert relscore.parse_time(dt.date(2025, 12, 18)).value // 1000 == INSTANT_US - (10 * 3600 + 1800) * 10**6
    with pytest.raises(ValueError, match="yesterday"):
        relscore.parse_time("yesterday")
    with pytest.raises(TypeError, match="bool"):
        relscore.parse_time(True)
    with pytest.raises(ValueError, match="NaT"):
        relscore.parse_time(pd.NaT)
    with pytest.raises(ValueError, match="NaT"):  # was a TypeError about a NaN time
        relscore.Scorer().add(pd.NaT, "ana", "ben")


@pytest.mark.parametrize("value, micros", [
    ("90d", 90 * 86400 * 10**6), ("12h", 12 * 3600 * 10**6), ("2w", 14 * 86400 * 10**6), ("30m", 1800 * 10**6),
    ("1.5d", 129600 * 10**6), ("01:02:03", 3723 * 10**6), (45, 45 * 10**6), (0.25, 250_000),
    (dt.timedelta(days=1, microseconds=7), 86400 * 10**6 + 7), (pd.Timedelta("3h"), 3 * 3600 * 10**6),
    (np.timedelta64(5, "ms"), 5000),
])
def test_to_duration_micros(value, micros):
    assert relscore.to_duration_micros(value) == micros
    assert relscore.parse_duration(value) == pd.Timedelta(microseconds=micros)


def test_to_duration_micros_refuses_bad_input():
    with pytest.raises(ValueError, match="3 fortnights"):
        relscore.to_duration_micros("3 fortnights")
    with pytest.raises(TypeError, match="bool"):
        relscore.to_duration_micros(False)
    with pytest.raises(ValueError, match="NaT"):
        relscore.to_duration_micros(np.timedelta64("NaT"))


def log_frame():
    rng = np.random.default_rng(5)
    n = 400
    people = np.array(["ana", "ben", "cy", "dee", "eve"])
    src = rng.integers(0, 5, n)
    dst = (src + rng.integers(1, 5, n)) % 5
    return pd.DataFrame({
        "when": 1_700_000_000 + np.sort(rng.integers(0, 200 * 86400, n)),
        "who": people[src], "whom": people[dst],
        "how": rng.choice(["email", "call", "meeting"], n),
        "w": np.where(rng.random(n) < 0.3, rng.random(n) * 3, np.nan),
        "both": rng.random(n) < 0.2,
    })


def test_partial_snapshots_score_each_partition_as_a_scorer_would():
    frame = log_frame()
    template = relscore.Scorer(reciprocity=0.2, half_life="20d")
    template.add("2020-01-01", "zed", "yan")  # its contents are not used, only its configuration
    columns = dict(time="when", source="who", target="whom", channel="how", weight="w", mutual="both",
                   missing_weight="default")
    ddf = dd.from_pandas(frame, npartitions=3, sort=False)
    tasks = rdask.partial_snapshots(ddf, template=template, **columns)
    assert len(tasks) == 3
    snapshots = dask.compute(*tasks, scheduler="synchronous")
    parts = [p.compute() for p in ddf.to_delayed()]
    merged = template.empty_like()
    for part, data in zip(parts, snapshots):
        got = relscore.Scorer.from_bytes(data)
        expected = template.empty_like()
        expected.add_dataframe(part, **columns)
        assert got.reciprocity == 0.2 and "zed" not in got.people
        pd.testing.assert_frame_equal(got.to_pandas(at="2025-01-01"), expected.to_pandas(at="2025-01-01"))
        merged.merge(got)
    whole = template.empty_like()
    whole.add_dataframe(frame, **columns)
    a, b = merged.to_pandas(at="2025-01-01"), whole.to_pandas(at="2025-01-01")
    assert list(a[["a", "b"]].itertuples(index=False)) == list(b[["a", "b"]].itertuples(index=False))
    np.testing.assert_allclose(a["strength"], b["strength"], rtol=1e-12, atol=0)
    assert (a["interactions"] == b["interactions"]).all()
    # A pandas DataFrame is one partition; a misspelled column is named before anything runs.
    (single,) = rdask.partial_snapshots(frame, template=template, **columns)
    assert len(relscore.Scorer.from_bytes(single.compute()).people) == 5
    with pytest.raises(KeyError, match="no column 'nope'"):
        rdask.partial_snapshots(frame, **{**columns, "time": "nope"})
    with pytest.raises(TypeError, match="expected a dask or pandas DataFrame"):
        rdask.partial_snapshots("not a frame")
