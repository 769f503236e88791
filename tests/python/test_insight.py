"""Replies, trend, rhythm, due lists, explanations and stars from Python."""

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import relscore

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "data" / "job_search.csv"
PEOPLE = ["ana", "ben", "cy", "dee"]
T0 = 1_700_000_000
CHANNELS = ["message", "email", "call", "meeting"]

event = st.tuples(
    st.integers(min_value=0, max_value=400 * 86400),
    st.sampled_from(PEOPLE),
    st.sampled_from(PEOPLE),
    st.sampled_from(CHANNELS),
    st.one_of(st.none(), st.floats(min_value=0, max_value=10)),
    st.booleans(),
).filter(lambda e: e[1] != e[2])
logs = st.lists(event, min_size=1, max_size=60)


def sample_scorer(**kwargs) -> relscore.Scorer:
    s = relscore.Scorer(**kwargs)
    s.add_dataframe(pd.read_csv(SAMPLE), missing_weight="default")
    return s


@settings(max_examples=100, deadline=None)
@given(log=logs, rho=st.sampled_from([0.0, 0.3, 1.0]), later=st.integers(0, 200 * 86400))
def test_explanation_parts_and_receipts_sum_to_the_strength(log, rho, later):
    s = relscore.Scorer(reciprocity=rho, retain_events=True)
    for t, a, b, ch, w, m in log:
        s.add(T0 + t, a, b, channel=ch, weight=w, mutual=m)
    at = T0 + max(e[0] for e in log) + later
    for row in s.to_pandas(at=at).itertuples():
        x = s.explain(row.a, row.b, receipts=1000, at=at)
        assert x.strength == s.between(row.a, row.b, at=at).strength
        assert x.strength == pytest.approx(row.strength, rel=1e-14, abs=1e-300)  # table() decays vectorized
        assert x.parts["contribution"].sum() == pytest.approx(x.strength, rel=1e-12, abs=1e-300)
        assert x.receipts["contribution"].sum() == pytest.approx(x.strength, rel=1e-9, abs=1e-300)
        assert x.receipts_total == row.interactions
        assert x.parts.loc[x.parts["source"] == row.a, "volume"].sum() == pytest.approx(row.volume_ab, rel=1e-12, abs=1e-300)


@settings(max_examples=60, deadline=None)
@given(log=logs, gap_days=st.integers(0, 300))
def test_due_resets_on_contact(log, gap_days):
    s = relscore.Scorer()
    for t, a, b, ch, w, m in log:
        s.add(T0 + t, a, b, channel=ch, weight=w, mutual=m)
    at = T0 + max(e[0] for e in log) + gap_days * 86400
    due = s.due(k=100, at=at)
    for row in due.itertuples():
        assert row.overdue >= 1
        assert row.priority == pytest.approx(row.strength * row.overdue, rel=1e-15)
        r = s.rhythm(row.a, row.b, at=at)
        assert r.overdue == row.overdue
    assert list(due["priority"]) == sorted(due["priority"], reverse=True)
    if len(due):
        first = due.iloc[0]
        s.add(at, first["a"], first["b"], channel="email")
        after = s.due(k=100, at=at)
        assert not ((after["a"] == first["a"]) & (after["b"] == first["b"])).any()


def test_the_sample_story():
    s = sample_scorer(retain_events=True)
    daniel = s.conversation("Sam Rivera", "Daniel Okafor")
    assert daniel.a_to_b.attempts_before_first_answer == 5  # five emails before an answer
    assert daniel.b_to_a.reply_rate > daniel.a_to_b.reply_rate
    assert isinstance(daniel.b_to_a.latency_median, pd.Timedelta)
    assert daniel.first_interaction < daniel.last_interaction
    due = s.due("Sam Rivera", k=5)
    assert due.iloc[0]["b"] == "Jordan Kim"
    assert s.trend("Sam Rivera", "Jordan Kim").direction == "cooling"
    assert s.stars("Sam Rivera", "Marcus Lee") == 5
    x = s.explain("Sam Rivera", "Marcus Lee", receipts=3)
    assert len(x.receipts) == 3 and x.receipts["time"].dt.tz is not None
    assert list(x.receipts["contribution"]) == sorted(x.receipts["contribution"], reverse=True)


def test_insight_frame_matches_the_one_at_a_time_queries():
    s = sample_scorer()
    frame = s.insight_frame()
    assert len(frame) == len(s)
    assert set(frame["trend"].cat.categories) == {"cooling", "steady", "rising", "not enough history"}
    for row in frame.head(40).itertuples():
        assert row.stars == s.stars(row.a, row.b)
        assert row.trend == s.trend(row.a, row.b).direction
        r = s.rhythm(row.a, row.b)
        assert row.overdue == r.overdue and row.due == r.due and row.typical_gap == r.typical_gap
    assert frame["stars"].between(0, 5).all()
    # Stars never fall as strength rises among ties with the same other gates.
    assert (frame.groupby("stars")["strength"].min().diff().dropna() > 0).all()


def test_calibration_recovers_a_strict_rater():
    s = sample_scorer()
    frame = s.insight_frame().head(60)
    ratings = pd.DataFrame({"a": frame["a"].astype(str), "b": frame["b"].astype(str),
                            "stars": np.maximum(frame["stars"].to_numpy() - 1, 0).astype(np.int64)})
    fit = s.calibrate_stars(ratings)
    assert fit.after["exact"] == 1.0
    assert fit.after["exact"] >= fit.before["exact"]
    assert len(fit.thresholds) == 5
    again = s.insight_frame(star_thresholds=fit.thresholds).head(60)
    assert (again["stars"].to_numpy() == ratings["stars"].to_numpy()).all()
    with pytest.raises(ValueError, match="whole numbers"):
        s.calibrate_stars(ratings.assign(stars=ratings["stars"] + 0.5))
    with pytest.raises(ValueError, match="lack column"):
        s.calibrate_stars(ratings.drop(columns="stars"))
    with pytest.raises(ValueError, match="not 0..5"):
        s.calibrate_stars(ratings.assign(stars=7))


def test_settings_travel_with_pickles_and_empty_like():
    s = relscore.Scorer(reply_window="3d", touch_gap="6h", trend_horizon="10d", retain_events=True)
    s.add("2026-01-01", "ana", "ben", channel="email")
    s.add("2026-01-02", "ben", "ana", channel="email")
    t = pickle.loads(pickle.dumps(s))
    assert t.conversation("ana", "ben") == s.conversation("ana", "ben")
    assert len(t.explain("ana", "ben").receipts) == 2
    e = s.empty_like()
    e.add("2026-01-03", "ana", "cy", channel="email")
    s.merge(e)  # same configuration: merges
    with pytest.raises(ValueError, match="different configurations"):
        s.merge(relscore.Scorer())


def test_bad_settings_and_queries_are_refused():
    with pytest.raises(ValueError, match="reply_window must be positive"):
        relscore.Scorer(reply_window="0s")
    s = relscore.Scorer(conversations=False)
    s.add("2026-01-01", "ana", "ben", channel="email")
    with pytest.raises(ValueError, match="conversation tracking is off"):
        s.due("ana")
    assert s.between("ana", "ben").strength == 0.5
    with pytest.raises(KeyError, match="unknown person 'zed'"):
        s.conversation("ana", "zed")


@settings(max_examples=60, deadline=None)
@given(log=logs, later=st.integers(0, 100 * 86400))
def test_power_law_and_window_kernels_against_brute_force(log, later):
    tau, beta, window = 2 * 86400, 1.2, 30 * 86400
    s = relscore.Scorer(kernels={"message": ("power_law", "2d", beta), "meeting": ("window", "30d")})
    for t, a, b, ch, w, m in log:
        s.add(T0 + t, a, b, channel=ch, weight=w, mutual=m)
    at = T0 + max(e[0] for e in log) + later
    weights = {"message": 0.5, "email": 1.0, "call": 2.0, "meeting": 3.0}
    half = {"email": 60 * 86400, "call": 90 * 86400}
    for row in s.to_pandas(at=at).itertuples():
        # Per direction: the power-law part (approximated, relative error <= 1e-3 as
        # documented) apart from the exact exponential and window parts (rounding only).
        vab, vba, pab, pba = 0.0, 0.0, 0.0, 0.0
        for t, a, b, ch, w, m in log:
            if {a, b} != {row.a, row.b}:
                continue
            age = at - (T0 + t)
            if ch == "message":
                k = (1 + age / tau) ** -beta
            elif ch == "meeting":
                k = 1.0 if age < window else 0.0
            else:
                k = 2.0 ** (-age / half[ch])
            term = (weights[ch] if w is None else w) * k
            power = term if ch == "message" else 0.0
            vab += term if (m or a == row.a) else 0.0
            vba += term if (m or a == row.b) else 0.0
            pab += power if (m or a == row.a) else 0.0
            pba += power if (m or a == row.b) else 0.0
        # (+1e-300: volumes below DBL_MIN are flushed to zero, as documented)
        assert abs(row.volume_ab - vab) <= 1e-3 * pab + 1e-12 * vab + 1e-300
        assert abs(row.volume_ba - vba) <= 1e-3 * pba + 1e-12 * vba + 1e-300
    assert s.empty_like()._core.kernels == s._core.kernels
    with pytest.raises(ValueError, match="unknown kernel"):
        relscore.Scorer(kernels={"message": ("cubic", "1d")})
    with pytest.raises(ValueError, match="0.05 <= beta"):
        relscore.Scorer(kernels={"message": ("power_law", "1d", -2)})
