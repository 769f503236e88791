"""The analyst's pieces of issue 17: ids keep their type, between_many, top over everyone,
relative times with origin=/unit=, history at past times, documented result fields and
reply times rounded to what their bins support."""

import dataclasses
import math
import pickle
import pydoc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import relscore
from relscore import _insight

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "data" / "job_search.csv"
T0 = 1_700_000_000


def int_scorer(**kwargs) -> relscore.Scorer:
    s = relscore.Scorer(**kwargs)
    s.add_arrays(T0 + np.array([0, 3600, 7200, 86400, 90000]), np.array([10, 20, 10, 30, 20]),
                 np.array([20, 10, 30, 10, 30]), channel=np.array(["email", "email", "call", "meeting", "message"]))
    return s


# ---- 1. ids keep their type ------------------------------------------------------------


def test_integer_ids_come_back_as_integers_everywhere():
    s = int_scorer(retain_events=True)
    assert s.people == [10, 20, 30]
    r = s.between(10, 20)
    assert (r.a, r.b) == (10, 20) and type(r.a) is int
    assert [type(x.b) for x in s.top(10)] == [int, int]
    assert {type(x.a) for x in s.top(k=3)} == {int}
    for frame in (s.to_pandas(), s.top_frame(10), s.top_frame(k=2), s.insight_frame(), s.due(k=5, at=T0 + 90 * 86400)):
        assert frame["a"].dtype == np.int64 and frame["b"].dtype == np.int64, frame
    assert set(s.to_pandas()["a"]) | set(s.to_pandas()["b"]) == {10, 20, 30}
    c = s.conversation(10, 20)
    assert (c.a, c.b) == (10, 20)
    x = s.explain(10, 20)
    assert (x.a, x.b) == (10, 20) and set(x.parts["source"]) <= {10, 20}
    assert set(x.receipts["source"].dropna()) <= {10, 20}


def test_a_join_on_integer_ids_finds_the_relationships():
    # The bug of issue 17: integer labels joined with the scorer's string names matched nothing.
    s = int_scorer()
    labels = pd.DataFrame({"a": [10, 10], "b": [20, 30], "strong": [True, False]})
    joined = labels.merge(s.to_pandas(), on=["a", "b"])
    assert len(joined) == 2


def test_string_ids_stay_strings_and_categoricals():
    s = relscore.Scorer()
    s.add_dataframe(pd.read_csv(SAMPLE), missing_weight="default")
    assert s.ids == "str" and isinstance(s.people[0], str)
    for frame in (s.to_pandas(), s.top_frame("Sam Rivera"), s.due("Sam Rivera")):
        assert isinstance(frame["a"].dtype, pd.CategoricalDtype)


def test_integer_categoricals_and_object_columns_are_integer_ids():
    s = relscore.Scorer()
    s.add_arrays(np.array([T0, T0 + 1]), pd.Categorical([1, 2]), pd.Categorical([2, 3]))
    assert s.people == [1, 2, 3]
    t = relscore.Scorer()
    t.add_arrays(np.array([T0]), np.array([5], dtype=object), np.array([6], dtype=object))
    assert t.people == [5, 6]


def test_mixing_kinds_raises_and_changes_nothing():
    s = int_scorer()
    before = s.to_bytes()
    with pytest.raises(ValueError, match="mix integer and string"):
        relscore.Scorer().add_arrays(np.array([T0, T0]), np.array([1, "x"], dtype=object), np.array([2, 3]))
    with pytest.raises(ValueError, match="ids are integers"):
        s.add(T0 + 10**6, "ana", "ben")
    strings = relscore.Scorer()
    strings.add(T0, "ana", "ben")
    with pytest.raises(ValueError, match="merge"):
        s.merge(strings)
    assert s.to_bytes() == before


def test_integer_ids_survive_pickle_copy_and_snapshots():
    s = int_scorer()
    for other in (pickle.loads(pickle.dumps(s)), s.copy(), relscore.Scorer.from_bytes(s.to_bytes(), ids="int")):
        assert other.people == [10, 20, 30]
        assert other.to_pandas().equals(s.to_pandas())
    assert relscore.Scorer.from_bytes(s.to_bytes()).people == ["10", "20", "30"]  # a snapshot names people by strings
    empty = s.empty_like()
    empty.merge(s)
    assert empty.people == [10, 20, 30]


def test_from_bytes_refuses_int_ids_for_names():
    sam = relscore.Scorer()
    sam.add(T0, "ana", "ben")
    with pytest.raises(ValueError, match="not an integer"):
        relscore.Scorer.from_bytes(sam.to_bytes(), ids="int")


# ---- 2. between_many and top over everyone ----------------------------------------------


def test_between_many_matches_between_pair_by_pair():
    s = relscore.Scorer()
    s.add_dataframe(pd.read_csv(SAMPLE), missing_weight="default")
    frame = s.to_pandas()
    a, b = frame["a"].astype(str).to_numpy(), frame["b"].astype(str).to_numpy()
    at = s.newest + pd.Timedelta(days=30)
    got = s.between_many(pd.Series(b), a, at=at)  # either order
    want = np.array([s.between(x, y, at=at).strength for x, y in zip(a, b)])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)
    assert isinstance(got, np.ndarray) and got.dtype == np.float64


def test_between_many_gives_zero_for_no_tie_and_nan_for_strangers():
    s = int_scorer()
    got = s.between_many([10, 20, 10, 10, 99, 10], np.array([20, 10, 10, 30, 10, 1]))
    assert got[0] == got[1] == s.between(10, 20).strength
    assert got[2] == 0.0 and got[3] == s.between(10, 30).strength
    assert math.isnan(got[4]) and math.isnan(got[5])
    s.add(T0 + 100_000, 40, 50)
    assert s.between_many([10], [40]).tolist() == [0.0]  # both known, never interacted
    with pytest.raises(ValueError, match="a has 2 ids, b has 1"):
        s.between_many([10, 20], [30])
    assert relscore.Scorer().between_many([], []).shape == (0,)


def test_between_many_looks_pairs_up_without_the_whole_table():
    s = int_scorer()

    class NoTable:  # the core, except that table() fails: k pairs must not cost a pass over all
        def __init__(self, core):
            self._core = core

        def __getattr__(self, name):
            if name == "table":
                raise AssertionError("between_many() read the whole table")
            return getattr(self._core, name)

    s._core = NoTable(s._core)
    got = s.between_many([10, 99], [20, 10])
    assert got[0] == s.between(10, 20).strength and math.isnan(got[1])
    early = s.newest - pd.Timedelta(days=1)
    for a, b in (([10], [20]), ([98], [99])):  # refused even when nobody is known
        with pytest.raises(ValueError, match="earlier than the newest interaction"):
            s.between_many(a, b, at=early)
    with pytest.raises(TypeError, match=r"a\[1\] is not a str"):
        s._core.strengths_between(["10", 20], ["20", "10"], None)
    with pytest.raises(TypeError, match=r"b\[0\] is not a str"):
        s._core.strengths_between(["10"], [None], None)
    # A str with no UTF-8 form (a lone surrogate) names nobody: NaN, as any unknown person.
    assert math.isnan(s.between_many(["a\udcff"], ["10"])[0])


def test_top_without_a_person_is_the_strongest_pairs_overall():
    s = relscore.Scorer()
    s.add_dataframe(pd.read_csv(SAMPLE), missing_weight="default")
    everyone = s.to_pandas()
    top = s.top_frame(k=5)
    pd.testing.assert_frame_equal(top, everyone.head(5).astype({"a": top["a"].dtype, "b": top["b"].dtype}))
    rels = s.top(k=5)
    assert [(r.a, r.b) for r in rels] == list(zip(top["a"].astype(str), top["b"].astype(str)))
    assert rels[0] == s.between(rels[0].a, rels[0].b)
    assert len(s.top_frame(k=10**6)) == len(s) and len(s.top_frame(k=0)) == 0


# ---- 4. relative times ------------------------------------------------------------------


def test_relative_times_take_an_origin_and_a_unit():
    start = pd.Timestamp("2024-03-01", tz="UTC")
    hours = np.array([0, 5, 30])
    s = relscore.Scorer()
    s.add_arrays(hours, np.array(["a", "b", "a"]), np.array(["b", "a", "c"]), origin=start, unit="h")
    t = relscore.Scorer()
    t.add_arrays(start + pd.to_timedelta(hours, unit="h"), np.array(["a", "b", "a"]), np.array(["b", "a", "c"]))
    assert s.to_bytes() == t.to_bytes()
    assert s.newest == start + pd.Timedelta(hours=30)
    u = relscore.Scorer()
    u.add_dataframe(pd.DataFrame({"time": hours * 3_600_000.0, "source": ["a", "b", "a"], "target": ["b", "a", "c"]}),
                    origin="2024-03-01", unit="ms")
    assert u.to_bytes() == t.to_bytes()
    ms = relscore.Scorer()
    ms.add_arrays(np.array([T0 * 1000]), np.array(["a"]), np.array(["b"]), unit="ms")  # UNIX milliseconds
    assert ms.newest == pd.Timestamp(T0, unit="s", tz="UTC")


def test_origin_and_unit_are_checked():
    s = relscore.Scorer()
    with pytest.raises(ValueError, match="unit must be one of"):
        s.add_arrays(np.array([1]), np.array(["a"]), np.array(["b"]), origin="2024-01-01", unit="weeks")
    with pytest.raises(ValueError, match="for numeric times"):
        s.add_arrays(np.array(["2024-01-01"]), np.array(["a"]), np.array(["b"]), origin="2024-01-01")
    with pytest.raises(ValueError, match="outside years"):
        s.add_arrays(np.array([10**9]), np.array(["a"]), np.array(["b"]), origin="2024-01-01", unit="D")
    assert len(s) == 0


# ---- 5. history at past times -----------------------------------------------------------


def _replay_log(log, s, upto):
    fresh = s.empty_like()
    for t, a, b, ch, w, m in log:
        if t <= upto:
            fresh.add(t, a, b, channel=ch, weight=w, mutual=m)
    return fresh


PEOPLE = ["ana", "ben", "cy"]
event = st.tuples(
    st.integers(min_value=T0, max_value=T0 + 300 * 86400),
    st.sampled_from(PEOPLE),
    st.sampled_from(PEOPLE),
    st.sampled_from(["message", "email", "call", "meeting"]),
    st.one_of(st.none(), st.floats(min_value=0, max_value=10)),
    st.booleans(),
).filter(lambda e: e[1] != e[2])


@settings(max_examples=60, deadline=None)
@given(log=st.lists(event, min_size=1, max_size=40),
       times=st.lists(st.integers(T0 - 86400, T0 + 400 * 86400), min_size=1, max_size=8),
       kernels=st.sampled_from([None, {"message": ("power_law", "2d", 1.2)}, {"meeting": ("window", "30d")}]))
def test_history_equals_a_scorer_fed_the_log_up_to_each_time(log, times, kernels):
    log = sorted(log, key=lambda e: e[0])
    s = relscore.Scorer(retain_events=True, kernels=kernels)
    for t, a, b, ch, w, m in log:
        s.add(t, a, b, channel=ch, weight=w, mutual=m)
    a, b = log[0][1], log[0][2]
    h = s.history(a, b, pd.to_datetime(times, unit="s", utc=True))
    assert list(h["time"]) == list(pd.to_datetime(times, unit="s", utc=True))
    for i, t in enumerate(times):
        fresh = _replay_log(log, s, t)
        if len(fresh) and any(e[0] <= t and {e[1], e[2]} == {a, b} for e in log):
            want = fresh.between(a, b, at=t)
            assert h["strength"][i] == pytest.approx(want.strength, rel=1e-12, abs=1e-300)
            assert h["volume_ab"][i] == pytest.approx(want.volume_ab, rel=1e-12, abs=1e-300)
            assert h["interactions"][i] == want.interactions
            assert h["last_interaction"][i] == want.last_interaction
        else:
            assert h["strength"][i] == 0 and h["interactions"][i] == 0 and pd.isna(h["last_interaction"][i])


def test_history_without_retained_events_points_to_snapshots():
    s = relscore.Scorer()
    s.add(T0, "ana", "ben")
    with pytest.raises(ValueError, match="retain_events=True.*snapshots"):
        s.history("ana", "ben", [T0])


def test_history_of_one_time_and_of_integer_ids():
    s = int_scorer(retain_events=True)
    h = s.history(10, 20, T0 + 86400)
    upto = relscore.Scorer()  # the same log without its last interaction (at T0 + 90000)
    upto.add_arrays(T0 + np.array([0, 3600, 7200, 86400]), np.array([10, 20, 10, 30]), np.array([20, 10, 30, 10]),
                    channel=np.array(["email", "email", "call", "meeting"]))
    assert len(h) == 1 and h["strength"][0] == pytest.approx(upto.between(10, 20, at=T0 + 86400).strength, rel=1e-12)
    assert str(h["time"].dtype) == "datetime64[us, UTC]"


# ---- 6. documented result fields, rounded reply times -----------------------------------


@pytest.mark.parametrize("cls", [relscore.Relationship, relscore.Conversation, relscore.Replies, relscore.Trend,
                                 relscore.Rhythm, relscore.Explanation, relscore.StarCalibration])
def test_every_result_field_is_documented_in_help(cls):
    text = pydoc.render_doc(cls, renderer=pydoc.plaintext)
    doc = cls.__doc__ or ""
    assert "Attributes" in doc
    for f in dataclasses.fields(cls):
        # each field is listed under Attributes with its own description line
        listed = [line for line in doc.splitlines() if line.strip().rstrip(":").split(", ").count(f.name)]
        assert listed, f"{cls.__name__}.{f.name} is not documented"
        assert f.name in text


def test_reply_times_are_rounded_to_two_figures_inside_their_bin():
    minute, hour, day = 60_000_000, 3_600_000_000, 86_400_000_000
    assert _insight.round_latency(None) is None
    assert _insight.round_latency(int(44.3 * hour)) == pd.Timedelta(hours=44)
    assert _insight.round_latency(int(3.237 * day)) == pd.Timedelta(days=3.2)
    assert _insight.round_latency(int(14.83 * day)) == pd.Timedelta(days=15)
    assert _insight.round_latency(int(1.234 * minute)) == pd.Timedelta(minutes=1.2)
    assert _insight.round_latency(4 * minute) == pd.Timedelta(minutes=4)  # a bin edge stays
    for us in np.unique(np.geomspace(1, 400 * day, 2000).astype(np.int64)):
        got = _insight.round_latency(int(us)).value // 1000
        low = 0 if us < minute else minute << int(math.floor(math.log2(us / minute)))
        assert low <= got <= max(2 * low, minute), us
        assert abs(got - us) <= 0.05 * us + 1, us


def test_conversation_reply_times_come_rounded():
    s = relscore.Scorer()
    s.add_dataframe(pd.read_csv(SAMPLE), missing_weight="default")
    r = s.conversation("Sam Rivera", "Daniel Okafor").b_to_a
    for q in (r.latency_p25, r.latency_median, r.latency_p75):
        if q is not None:
            assert q == _insight.round_latency(q.value // 1000)


def test_network_results_keep_integer_ids():
    s = relscore.Scorer()
    s.add(T0, 1, 2, channel="meeting", mutual=True)
    s.add(T0, 2, 3, channel="meeting", mutual=True)
    _, people = relscore.strength_matrix(s)
    assert people == [1, 2, 3]
    chain = relscore.intro(s, 1, 3)
    assert chain["from"].tolist() == [1, 2] and chain["to"].tolist() == [2, 3]
    meet = relscore.suggest(s)
    assert (meet["a"].iloc[0], meet["b"].iloc[0], meet["via"].iloc[0]) == (1, 3, 2)


def test_dask_score_keeps_integer_ids():
    dd = pytest.importorskip("dask.dataframe")
    import dask
    import relscore.dask

    frame = pd.DataFrame({"time": T0 + np.arange(6), "source": [1, 2, 3, 1, 2, 3], "target": [2, 3, 1, 3, 1, 2]})
    with dask.config.set(scheduler="synchronous"):
        merged = relscore.dask.score(dd.from_pandas(frame, npartitions=2))
    assert sorted(merged.people) == [1, 2, 3] and merged.ids == "int"


def test_unix_milliseconds_given_as_seconds_say_how_to_read_them():
    s = relscore.Scorer()
    with pytest.raises(ValueError, match=r"outside years 1400\.\.9999.*unit='ms'.*origin="):
        s.add_arrays(np.array([T0 * 1000]), np.array(["a"]), np.array(["b"]))
    with pytest.raises(ValueError, match=r"unit='ms'"):
        s.add_arrays(np.array([T0 * 1000.0]), np.array(["a"]), np.array(["b"]))
    assert len(s) == 0
