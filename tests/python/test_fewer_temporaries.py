"""The ingest and insight paths that allocate less (issue 18: under Dask's
MALLOC_TRIM_THRESHOLD_ every array over 128 KiB is fresh memory) give what the old
computations gave, bit for bit, and never write to the caller's arrays."""

import numpy as np
import pandas as pd
import pytest

import relscore
import relscore.dask
from relscore import _convert, _core
from relscore.datasets import synthetic_log


def _old_weights(values, defaults_by_row):
    """weight_column before: np.where over a per-row array of defaults."""
    array = np.asarray(values, dtype=np.float64)
    missing = np.isnan(array)
    return np.where(missing, defaults_by_row, array) if missing.any() else array


@pytest.mark.parametrize("owned", [False, True])
def test_weights_filled_by_channel_equal_the_old_where_and_leave_the_input_alone_unless_owned(owned):
    rng = np.random.default_rng(1)
    n = 10_000
    weight = np.where(rng.random(n) < 0.7, np.nan, rng.uniform(0, 5, n))
    channel = rng.integers(0, 3, n).astype(np.int64)
    table = np.array([1.0, 0.25, 3.5])
    given = weight.copy()
    want = _old_weights(weight, table[channel])
    got = _convert.weight_column(given, n, table, channel, owned=owned)
    np.testing.assert_array_equal(got, want)
    if owned:
        assert got is given  # filled in place
    else:
        np.testing.assert_array_equal(given, weight, strict=True)  # NaNs kept: the caller's array
    # one default for all (no channel column)
    np.testing.assert_array_equal(_convert.weight_column(weight, n, table[:1], None), _old_weights(weight, table[0]))


def test_a_weight_without_nan_is_not_copied_and_bad_rows_are_named_as_before():
    weight = np.array([1.0, 2.0, 0.0])
    assert _convert.weight_column(weight, 3, np.array([1.0]), None) is weight
    with pytest.raises(ValueError, match=r"got -1.0 at row 1$"):
        _convert.weight_column(np.array([1.0, -1.0, np.nan]), 3, np.array([1.0]), None)
    # an unknown channel's default is NaN: the row is named, with the hint
    with pytest.raises(ValueError, match=r"got nan at row 2 \(pass missing_weight='default'"):
        _convert.weight_column(np.array([1.0, 2.0, np.nan]), 3, np.array([1.0, np.nan]), np.array([0, 0, 1]))
    with pytest.raises(ValueError, match=r"got nan at row 0 \(pass missing_weight='default'"):
        _convert.weight_column(np.array([np.nan, 2.0]), 2)
    with pytest.raises(ValueError, match=r"got inf at row 1$"):
        _convert.weight_column(np.array([np.nan, np.inf]), 2, np.array([1.0]), None)


def test_fill_weights_refuses_an_array_it_would_have_to_copy():
    with pytest.raises(TypeError):
        _core.fill_weights(np.array([1, 2], dtype=np.int64), None, np.array([1.0]))


def test_add_dataframe_leaves_the_callers_weights_and_flags_alone():
    frame = synthetic_log(5_000, people=100, seed=2)
    before = frame.copy(deep=True)
    s = relscore.Scorer()
    s.add_dataframe(frame, missing_weight="default")
    pd.testing.assert_frame_equal(frame, before)
    assert frame["weight"].isna().any()


@pytest.mark.parametrize("unit", ["us", "ms", "s", "D"])
def test_times_checked_by_their_extremes_name_the_same_rows(unit):
    good = np.array(["2020-01-01", "2021-06-01"], dtype=f"datetime64[{unit}]")
    np.testing.assert_array_equal(_convert.time_column(good), good.astype("datetime64[us]").view(np.int64))
    nat = np.array(["2020-01-01", "NaT", "2021-01-01"], dtype=f"datetime64[{unit}]")
    with pytest.raises(ValueError, match="time has NaT at row 1"):
        _convert.time_column(nat)
    if unit in ("s", "D"):  # a unit coarse enough to leave years 1400..9999
        far = np.array(["2020-01-01", "2021-01-01", "1200-01-01"], dtype=f"datetime64[{unit}]")
        with pytest.raises(ValueError, match="time at row 2 is outside years 1400..9999"):
            _convert.time_column(far)
    with pytest.raises(ValueError, match="time at row 1 is outside years"):
        _convert.time_column(np.array([0, 10**12], dtype=np.int64))
    assert len(_convert.time_column(np.array([], dtype=f"datetime64[{unit}]"))) == 0


def test_bool_flags_are_read_as_their_bytes():
    flags = np.array([True, False, True])
    got = _convert.mutual_column(flags, 3)
    assert got.dtype == np.uint8 and np.shares_memory(got, flags)
    np.testing.assert_array_equal(got, np.array([1, 0, 1], dtype=np.uint8))


def test_insight_frame_columns_are_not_copied_into_blocks_and_equal_the_assigned_frame():
    s = relscore.Scorer()
    s.add_dataframe(synthetic_log(20_000, people=300, seed=4), missing_weight="default")
    got = s.insight_frame(sort=False)
    # the old way: the relationships' frame, each insight column assigned after
    cols = s._core.insight_columns(at_us=None, thresholds=None, log_span_us=None)
    want = s.to_pandas(sort=False)
    want["stars"] = cols["stars"]
    want["trend"] = pd.Categorical.from_codes(cols["trend"].astype(np.int64) + 1,
                                              categories=["cooling", "steady", "rising", "not enough history"])
    want["trend_change"] = cols["trend_change"]
    want["typical_gap"] = pd.Series(np.asarray(cols["typical_gap_us"], dtype=np.int64).view("timedelta64[us]"))
    want["due"] = pd.Series(pd.DatetimeIndex(cols["due_us"].view("datetime64[us]")).tz_localize("UTC"))
    want["overdue"] = cols["overdue"]
    pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_a_shard_joins_a_column_only_when_read_and_reads_its_codes_from_the_pieces():
    import relscore._dask_shuffle as shuffle

    parts = [synthetic_log(3_000, people=200, seed=5, part=k) for k in range(4)]
    people = parts[0]["source"].dtype
    read = ["time", "channel", "weight", "mutual"]
    pieces = [shuffle._split_by_pair(2, "source", "target", people, ("time", {}), *parts[g:g + 2], columnar=read)
              for g in (0, 2)]
    numbers = [[0, 1], [2, 3]]
    for j in range(2):
        shard = shuffle._Shard.join([p[j] for p in pieces], numbers, "source", "target", people)
        assert not shard._data and shard._origin is None and shard._index is None
        src, tgt, names, kind = shard.people_codes()
        # the old way: the joined codes renumbered
        used = np.zeros(len(people.categories), dtype=bool)
        used[shard.source] = True
        used[shard.target] = True
        renumber = np.cumsum(used, dtype=np.int64) - 1
        np.testing.assert_array_equal(src, renumber[shard.source], strict=True)
        np.testing.assert_array_equal(tgt, renumber[shard.target], strict=True)
        assert names == list(people.categories[used]) and kind == "str"
        assert not shard._data  # no other column joined for that
        weight = shard["weight"]
        assert shard.owns("weight") and isinstance(weight, np.ndarray)
        assert shard.origin.dtype == np.int32 and len(shard.origin) == len(shard)
        for row in (0, len(shard) - 1):  # labels are positions in the partition (RangeIndex)
            original = parts[shard.origin[row]]
            assert 0 <= shard.index[row] < len(original)


def test_dask_shard_with_missing_weights_equals_one_process():
    dd = pytest.importorskip("dask.dataframe")
    frame = synthetic_log(20_000, people=300, seed=6)
    want = relscore.Scorer()
    want.add_dataframe(frame, missing_weight="default")
    before = frame.copy(deep=True)
    import dask

    with dask.config.set(scheduler="synchronous"):
        got = relscore.dask.score(dd.from_pandas(frame, npartitions=4), shards=2, missing_weight="default")
    pd.testing.assert_frame_equal(frame, before)
    a = want.to_pandas().sort_values(["a", "b"]).reset_index(drop=True)
    b = got.to_pandas().sort_values(["a", "b"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a.drop(columns=["strength", "volume_ab", "volume_ba", "reciprocity"]),
                                  b.drop(columns=["strength", "volume_ab", "volume_ba", "reciprocity"]), check_exact=True)
    np.testing.assert_allclose(a["strength"], b["strength"], rtol=1e-12)
