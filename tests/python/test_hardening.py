"""Issue 19 from Python: one Scorer used from many threads (it segfaulted), weights that
overflowed to inf/nan, and ids or flags that were silently converted ("None", "nan",
mutual=2) or raised pybind11's signature dump instead of a ValueError."""

from __future__ import annotations

import math
import pickle
import threading

import numpy as np
import pandas as pd
import pytest

import relscore
import relscore.network as net

T0 = pd.Timestamp("2025-01-01", tz="UTC")


# ---- threads ---------------------------------------------------------------------------

def writer_batches(w: int, rounds: int):
    """Writer w's interactions, round by round: (time, source, target, channel, weight, mutual)."""
    rng = np.random.default_rng(w)
    for r in range(rounds):
        n = 400
        people = [f"p{int(x)}" for x in rng.integers(0, 40, size=2 * n)]
        rows = []
        for i in range(n):
            a, b = people[2 * i], people[2 * i + 1]
            if a == b:
                continue
            when = T0 + pd.Timedelta(minutes=int(rng.integers(0, 60 * 24 * 365)))
            rows.append((when, a, b, "email" if i % 2 else "call", float(rng.uniform(0.5, 3)), bool(i % 3 == 0)))
        yield rows


def apply_batch(s: relscore.Scorer, rows, as_arrays: bool) -> None:
    if as_arrays:
        t, a, b, c, w, m = zip(*rows)
        s.add_arrays(list(t), list(a), list(b), channel=np.array(c), weight=np.array(w), mutual=np.array(m))
    else:
        for t, a, b, c, w, m in rows:
            s.add(t, a, b, channel=c, weight=w, mutual=m)


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows keyed by the sorted pair of names (ids, and so a/b order, follow arrival order)."""
    a, b = frame["a"].astype(str).to_numpy(), frame["b"].astype(str).to_numpy()
    swap = a > b
    out = pd.DataFrame({
        "lo": np.where(swap, b, a), "hi": np.where(swap, a, b),
        "volume_ab": np.where(swap, frame["volume_ba"], frame["volume_ab"]),
        "volume_ba": np.where(swap, frame["volume_ab"], frame["volume_ba"]),
        "strength": frame["strength"].to_numpy(), "interactions": frame["interactions"].to_numpy(),
    })
    return out.set_index(["lo", "hi"]).sort_index()


def test_one_scorer_from_eight_threads_matches_a_single_thread_replay():
    writers, rounds = 4, 20
    s = relscore.Scorer()
    errors: list = []
    done = threading.Event()
    at = T0 + pd.Timedelta(days=400)  # after every interaction: a valid query time throughout

    def write(w: int) -> None:
        try:
            for r, rows in enumerate(writer_batches(w, rounds)):
                apply_batch(s, rows, as_arrays=(r + w) % 2 == 0)
                if r % 4 == 3:
                    s.merge(relscore.Scorer())  # an empty merge: takes the exclusive lock
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    def read(k: int) -> None:
        try:
            while not done.is_set():
                table = s.table(at=at)
                assert np.isfinite(table["strength"]).all()
                people = s.people
                if len(people) > 1:
                    s.top(people[0], 5, at=at)
                    k = min(50, len(people) - 1)
                    s.between_many(people[:k], people[1:k + 1], at=at)  # the GIL released under the shared lock
                s.to_pandas(at=at)
                if k == 0:
                    relscore.Scorer.from_bytes(s.to_bytes())
                    pickle.loads(pickle.dumps(s))
                    s.copy()
                elif k == 1:
                    net.strength_matrix(s, at=at)
                    net.suggest(s, k=3, at=at)
                elif k == 2:
                    s.insight_frame(at=at)
                    s.due(k=3, at=at)
                else:
                    len(s), repr(s), s.newest
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    readers = [threading.Thread(target=read, args=(k,)) for k in range(4)]
    for t in readers + threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    done.set()
    for t in readers:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads + readers), "a thread hung (deadlock?)"
    assert errors == []

    replay = relscore.Scorer()
    for w in range(writers):
        for r, rows in enumerate(writer_batches(w, rounds)):
            apply_batch(replay, rows, as_arrays=(r + w) % 2 == 0)
    got, want = canonical(s.to_pandas(at=at)), canonical(replay.to_pandas(at=at))
    assert (got.index == want.index).all()
    assert len(got) == len(want) > 100
    assert (got["interactions"].to_numpy() == want["interactions"].to_numpy()).all()
    assert int(got["interactions"].sum()) == sum(len(rows) for w in range(writers) for rows in writer_batches(w, rounds))
    for column in ("strength", "volume_ab", "volume_ba"):
        np.testing.assert_allclose(got[column].to_numpy(), want[column].to_numpy(), rtol=1e-12)


def test_merging_two_scorers_both_ways_at_once_does_not_deadlock():
    a, b = relscore.Scorer(), relscore.Scorer()
    a.add(T0, "x", "y")
    b.add(T0, "y", "z")
    errors: list = []

    def merge(dst, src, times):
        for _ in range(times):
            try:
                dst.merge(src)
            except ValueError as e:  # the counts double: after ~30 rounds merges are refused at the limit
                if "max_pair_interactions" not in str(e):
                    errors.append(e)  # pragma: no cover
            except Exception as e:  # pragma: no cover
                errors.append(e)

    # a ← b and b ← a alternate; a ← a merges a scorer into itself (one lock, no self-deadlock).
    threads = [threading.Thread(target=merge, args=(a, b, 200)), threading.Thread(target=merge, args=(b, a, 200)),
               threading.Thread(target=merge, args=(a, a, 5))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "deadlock"
    assert errors == []
    assert math.isfinite(a.between("x", "y").strength)


# ---- finite totals ---------------------------------------------------------------------

@pytest.mark.parametrize("bad", [1e308, np.nextafter(relscore.MAX_WEIGHT, 2e15), math.inf])
def test_weights_above_the_maximum_are_refused_everywhere_and_change_nothing(bad):
    s = relscore.Scorer()
    s.add(T0, "a", "b", weight=1.0, mutual=True)
    before = s.to_bytes()
    with pytest.raises(ValueError, match="weight must be finite, >= 0 and <= 1e\\+15"):
        s.add(T0, "a", "c", weight=bad, mutual=True)
    with pytest.raises(ValueError, match="row 1"):
        s.add_arrays([T0, T0], ["a", "c"], ["c", "d"], weight=[1.0, bad])
    with pytest.raises(ValueError, match="row 0"):
        s.add_dataframe(pd.DataFrame({"time": [T0], "source": ["a"], "target": ["e"], "weight": [bad]}))
    with pytest.raises(ValueError, match="weight"):
        relscore.Scorer(channels={"big": (bad, "30d")})
    assert s.to_bytes() == before


def test_the_maximum_weight_is_accepted_and_merge_refuses_before_overflow():
    s = relscore.Scorer()
    s.add(T0, "a", "b", weight=relscore.MAX_WEIGHT, mutual=True)
    s.add(T0, "b", "a", weight=relscore.MAX_WEIGHT)
    r = s.between("a", "b")
    assert math.isfinite(r.strength) and math.isfinite(r.reciprocity)
    for _ in range(400):
        before = s.to_bytes()
        try:
            s.merge(s)
        except ValueError as e:
            # the counts reach max_pair_interactions (2**32 - 1) long before a sum reaches max_total
            assert "would hold more than relscore::max_pair_interactions" in str(e)
            assert s.to_bytes() == before
            break
        r = s.between("a", "b")
        assert math.isfinite(r.strength) and math.isfinite(r.reciprocity)
    else:
        pytest.fail("merge never refused")
    frame = s.insight_frame()
    assert np.isfinite(frame[["strength", "volume_ab", "volume_ba", "reciprocity"]].to_numpy()).all()


# ---- ids, flags and times --------------------------------------------------------------

@pytest.mark.parametrize("bad", [None, float("nan"), pd.NaT, np.nan, 1.5, True, object(), b"bytes", ""])
@pytest.mark.parametrize("field", ["source", "target"])
def test_person_ids_that_are_not_strings_or_integers_are_refused(bad, field):
    s = relscore.Scorer()
    ids = {"source": "x", "target": "y"}
    ids[field] = bad
    with pytest.raises(ValueError, match=field):
        s.add(T0, ids["source"], ids["target"])
    assert s.people == []


def test_integer_ids_come_back_as_integers():
    s = relscore.Scorer()
    s.add(T0, 7, np.int64(8))
    assert s.people == [7, 8] and all(type(p) is int for p in s.people)


@pytest.mark.parametrize("bad", [float("nan"), 2, -1, "yes", None, 0.5])
def test_mutual_takes_only_booleans_and_0_1(bad):
    s = relscore.Scorer()
    with pytest.raises(ValueError, match="mutual"):
        s.add(T0, "x", "y", mutual=bad)
    assert len(s) == 0
    for good in (True, False, 0, 1, np.bool_(True)):
        s.add(T0, "x", "y", mutual=good)
    assert s.between("x", "y").interactions == 5


def test_mutual_arrays_refuse_integers_other_than_0_1():
    s = relscore.Scorer()
    with pytest.raises(ValueError, match="mutual must be 0 or 1, got 2 at row 1"):
        s.add_arrays([T0, T0], ["x", "y"], ["y", "z"], mutual=np.array([1, 2]))
    assert len(s) == 0


@pytest.mark.parametrize("bad", [pd.NaT, np.datetime64("NaT"), 1e20, 2**70, -(2**70), float("nan"), None])
def test_times_out_of_range_are_value_errors_naming_the_field(bad):
    s = relscore.Scorer()
    with pytest.raises(ValueError, match="time"):
        s.add(bad, "x", "y")
    s.add(T0, "x", "y")
    with pytest.raises(ValueError, match="at"):
        s.between("x", "y", at=2**70)


@pytest.mark.parametrize("bad", [np.datetime64(2**62, "D"), np.datetime64(2**62 + 5, "D"), np.datetime64(-(2**62), "h"),
                                 np.datetime64(2**60, "W"), np.datetime64(10**12, "M"), np.datetime64(10**15, "Y"),
                                 np.datetime64(2**62, "s"), np.datetime64("10000-01-01", "D"),
                                 np.datetime64("1399-12-31", "D"), np.datetime64("1399-12-26", "W")])
def test_datetime64_scalars_out_of_range_never_wrap(bad):
    # numpy's astype to microseconds wraps silently (2**62 days landed in 1970).
    s = relscore.Scorer()
    with pytest.raises(ValueError, match="time .* is outside years 1400..9999"):
        s.add(bad, "x", "y")
    assert len(s) == 0
    s.add("2020-01-01", "x", "y")
    with pytest.raises(ValueError, match="at .* is outside years 1400..9999"):
        s.between("x", "y", at=bad)
    for good in (np.datetime64("1400-01-01", "D"), np.datetime64("9999-12-31", "D"), np.datetime64(9999 - 1970, "Y")):
        s.add(good, "x", "z")
    assert s.newest == pd.Timestamp("9999-12-31", tz="UTC")


@pytest.mark.parametrize("unit", ["s", "ms", "us"])
@pytest.mark.parametrize("when", ["1600-01-01", "1400-01-01", "9999-06-01 12:00:00.000001", "2262-04-12"])
def test_timestamps_beyond_nanoseconds_range_are_taken(when, unit):
    # Timestamp.value is nanoseconds: it overflowed outside 1677..2262 (pandas' OverflowError),
    # even for the library's own results (unit "us").
    t = pd.Timestamp(when).as_unit(unit)
    for given in (t, t.tz_localize("UTC"), t.tz_localize("UTC").tz_convert("Asia/Tokyo")):
        s = relscore.Scorer()
        s.add(given, "a", "b")
        assert s.newest == t.tz_localize("UTC")
        s.add(s.newest, "a", "c")  # a returned timestamp goes back in
        assert s.between("a", "b", at=s.newest).interactions == 1
        assert relscore.parse_time(given) == t.tz_localize("UTC")


def test_timestamps_and_timedeltas_far_out_are_value_errors():
    far = pd.Timestamp(np.datetime64(2**50, "s"))  # year 35 million, as a pandas Timestamp of unit "s"
    s = relscore.Scorer()
    with pytest.raises(ValueError, match="time .* is outside years 1400..9999"):
        s.add(far, "a", "b")
    with pytest.raises(ValueError, match="time .* is outside years 1400..9999"):
        s.add(far.tz_localize("UTC"), "a", "b")
    s.add("2020-01-01", "a", "b")
    with pytest.raises(ValueError, match="at .* is outside years 1400..9999"):
        s.between("a", "b", at=far)
    long = pd.Timedelta(days=400 * 365).as_unit("s")  # beyond int64 nanoseconds
    assert relscore.parse_duration(long) == pd.Timedelta(days=400 * 365)
    for bad in (pd.Timedelta(np.timedelta64(2**62, "s")), np.timedelta64(2**62, "D")):
        with pytest.raises(ValueError, match="duration"):
            relscore.parse_duration(bad)


def test_a_float_column_of_whole_numbers_is_refused_with_the_fix():
    # dropna() leaves an integer column with missing values as float64: its ids became "1.0".
    frame = pd.DataFrame({"time": ["2020-01-01", "2020-01-02", "2020-01-03"],
                          "source": [1, 2, None], "target": [2, 3, None]}).dropna()
    s = relscore.Scorer()
    with pytest.raises(ValueError, match=r'source at row 0: person id 1\.0 is a float.*\.astype\("int64"\)'):
        s.add_dataframe(frame)
    assert s.people == []
    s.add_dataframe(frame.astype({"source": "int64", "target": "int64"}))
    assert s.people == [1, 2, 3] and s.between(1, 2).interactions == 1


@pytest.mark.parametrize("source, target, message", [
    (["a", "b", "c"], [1.5, 2.5, 3.5], "target at row 0: person id 1.5 is a float"),
    (np.array([True, False, True]), ["b", "c", "d"], "source at row 0: person id True is a bool"),
    ([b"x", b"y", b"z"], ["b", "c", "d"], "source at row 0: person id b'x' is a bytes"),
    (np.array([b"x", b"y", b"z"]), ["b", "c", "d"], "source at row 0: person id b'x' is a bytes"),
    (["a", "b", "c"], ["b", ("t",), "d"], r"target at row 1: person id \('t',\) is a tuple"),
    (["a", "b", "c"], ["b", "c", 2.0], "target at row 2: person id 2.0 is a float"),
    ([1, 2, 3], [2, 3, 4.5], r"target at row 0: person id 2\.0 is a float.*astype"),
    ([1, 2, 3], pd.Series([2, 3, 4.5], dtype=object), "target at row 2: person id 4.5 is a float"),
    ([1, 2, 3], [2, 3, True], "target at row 2: person id True is a bool"),
    ([1, 2, 3], pd.Series([2.0, 3.0, 4.0], dtype="Float64"), "target at row 0: person id 2.0 is a float"),
    (pd.Categorical([1.0, 2.0, 1.0]), [2, 3, 4], r"source at row 0: person id 1\.0 is a float.*astype"),
    (pd.Categorical(["a", "b", "a"]), pd.Categorical(["b", 2.5, "c"]), "target at row 1: person id 2.5 is a float"),
    (["a", "b", "c"], pd.to_datetime(["2020-01-01"] * 3).to_series(), "target at row 0: person id Timestamp"),
])
def test_id_columns_that_are_not_strings_or_integers_are_refused(source, target, message):
    s = relscore.Scorer()
    s.add("2019-01-01", "p", "q")
    before = s.to_bytes()
    with pytest.raises(ValueError, match=message):
        s.add_arrays(np.array([1.6e9] * 3), source, target)
    assert s.to_bytes() == before


def test_id_columns_of_strings_and_integers_keep_working():
    for source, target in [
        (pd.Series(["a", "b"], dtype="string"), pd.Series(["b", "c"], dtype="string")),
        (pd.Categorical(["a", "b"]), np.array(["b", "c"])),
        (pd.Series(["a", None]).dropna().astype(object).tolist() + ["b"], ["b", "c"]),
        (pd.Categorical([1, 2]), np.array([2, 3], dtype=np.uint16)),
        (pd.Series([1, 2], dtype=object), pd.Series([2, 3], dtype="Int64")),
    ]:
        s = relscore.Scorer()
        s.add_arrays([1.6e9, 1.6e9], source, target)
        assert len(s.people) == 3


@pytest.mark.parametrize("bad", [None, float("nan"), np.nan, pd.NaT, 1.0, True, b"a", ("a",)])
def test_queries_refuse_ids_that_are_not_strings_or_integers(bad):
    # str() of the argument found people named "None" or "nan".
    s = relscore.Scorer(retain_events=True)
    for name in ("None", "nan", "NaT", "1.0", "True", "b'a'", "('a',)"):
        s.add("2020-01-01", name, "b")
    s.add("2020-01-02", "a", "b")
    for call, what in [
        (lambda: s.between(bad, "b"), "a"), (lambda: s.between("b", bad), "b"),
        (lambda: s.history(bad, "b", ["2020-01-03"]), "a"), (lambda: s.conversation("b", bad), "b"),
        (lambda: s.trend(bad, "b"), "a"), (lambda: s.rhythm(bad, "b"), "a"),
        (lambda: s.explain(bad, "b"), "a"), (lambda: s.stars("b", bad), "b"),
        (lambda: s.between_many(["a", bad], ["b", "b"]), r"a\[1\]"),
        (lambda: s.calibrate_stars(pd.DataFrame({"a": ["a", bad], "b": ["b", "b"], "stars": [1, 2]})),
         r"ratings\['a'\] at row 1"),
        (lambda: relscore.intro(s, bad, "b"), "a"), (lambda: relscore.intro(s, "a", "b", avoid=[bad]), "avoid"),
    ] + ([(lambda: s.top(bad), "person"), (lambda: s.top_frame(bad), "person"), (lambda: s.due(bad), "person"),
          (lambda: relscore.suggest(s, bad), "person")] if bad is not None else []):  # None: everyone
        with pytest.raises(ValueError, match=f"{what} must be a string or an integer id"):
            call()
    assert s.between("a", "b").interactions == 1 and s.between("nan", "b").interactions == 1


def _with_interactions(n):
    """A scorer whose relationship a–b holds n interactions (n < 2**32), built by merges."""
    power, out = relscore.Scorer(), relscore.Scorer()
    power.add(T0, "a", "b")
    bit = 1
    while bit <= n:
        if n & bit:
            out.merge(power)
        if bit <= n // 2:
            power.merge(power)
        bit <<= 1
    return out


def test_ingest_refuses_a_relationship_past_max_pair_interactions_and_changes_nothing():
    limit = relscore.MAX_PAIR_INTERACTIONS
    assert limit == 2**32 - 1
    s = _with_interactions(limit)
    assert s.between("a", "b").interactions == limit
    before = s.to_bytes()
    message = r"the relationship of 'a' and 'b' would hold more than relscore::max_pair_interactions \(4294967295\)"
    with pytest.raises(ValueError, match=message):
        s.add(T0, "b", "a")
    with pytest.raises(ValueError, match=message):
        s.add_dataframe(pd.DataFrame({"time": [T0, T0], "source": ["c", "a"], "target": ["d", "b"]}))
    assert s.to_bytes() == before  # no person "c" or "d", no pair c–d
    s.add_dataframe(pd.DataFrame({"time": [T0], "source": ["c"], "target": ["d"]}))  # another pair: taken
    with pytest.raises(ValueError, match=message):  # and a–b still refused after it
        s.add(T0, "a", "b")
    assert s.between("a", "b").interactions == limit


def test_an_id_column_of_objects_is_scanned_for_its_type_once(monkeypatch):
    """Review: the slow path of the id kind (an object column) called infer_dtype, a scan of
    every value, twice."""
    from relscore import _convert

    calls = []
    infer = pd.api.types.infer_dtype
    monkeypatch.setattr(pd.api.types, "infer_dtype", lambda *args, **kwargs: calls.append(1) or infer(*args, **kwargs))
    for col, kind in ((pd.Series(["a", 1], dtype=object), None), (pd.Series(["a", None], dtype=object), "str"),
                      (pd.Series([1, 2], dtype=object), "int"), (pd.Categorical([5, 7], categories=[5, 7, "x"]), "int")):
        calls.clear()
        assert _convert._column_kind(pd.Series(col), "source") == kind
        assert len(calls) == (2 if isinstance(col, pd.Categorical) else 1)  # categories again without the unused
    calls.clear()
    with pytest.raises(ValueError, match=r"source at row 1: person id 2\.5 is a float"):
        _convert._column_kind(pd.Series(["a", 2.5], dtype=object), "source")
    assert len(calls) == 1


def test_argument_corners_found_in_review():
    # Unused categories of another kind make no people, so they do not decide the ids' kind.
    people = pd.Categorical([5, 7], categories=[5, 7, "x"])
    s = relscore.Scorer()
    s.add_dataframe(pd.DataFrame({"time": [T0, T0], "source": people, "target": pd.Categorical([7, 5], categories=[5, 7, "x"])}))
    assert sorted(s.people) == [5, 7] and s.between(5, 7).interactions == 2
    for threads in (True, 1.0, 2.0):
        with pytest.raises(ValueError, match="threads"):
            relscore.Scorer(threads=threads)
    for span in (pd.Timedelta(days=-400), -1, "-30d"):
        with pytest.raises(ValueError, match="log_span"):
            s.insight_frame(log_span=span)


def test_names_holding_nul_are_refused():
    # Review: "ann\0smith" and "ann\0jones" were taken, then came out of the C API as "ann" twice.
    s = relscore.Scorer()
    for source, channel, what in (("ann\0smith", "email", "person id"), ("ann", "em\0ail", "channel name")):
        with pytest.raises(ValueError, match=f"{what} contains a NUL character"):
            s.add("2026-01-01", source, "bob", channel=channel)
    assert s.people == []
