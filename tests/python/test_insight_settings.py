"""Non-default insight settings change the answers as their definitions say: the reply
window, the touch gap, the trend horizon and threshold, and the rhythm floor, each against
a reference written from the definitions in include/relscore/insight.hpp."""

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import relscore

T0 = 1_700_000_000
HOUR, DAY = 3600, 86400

# One pair: (seconds since T0, direction 0 a→b / 1 b→a / 2 mutual), in time order.
events = st.lists(
    st.tuples(st.integers(0, 12 * DAY), st.sampled_from([0, 0, 1, 2])), min_size=1, max_size=30
).map(lambda es: sorted(es, key=lambda e: e[0]))
windows = st.sampled_from([HOUR, 6 * HOUR, DAY, 3 * DAY])
gaps = st.sampled_from([10 * 60, 2 * HOUR, 12 * HOUR, DAY])


def scorer_of(evs, **kwargs):
    s = relscore.Scorer(**kwargs)
    for t, d in evs:
        a, b = ("ana", "ben") if d != 1 else ("ben", "ana")
        s.add(T0 + t, a, b, channel="call", mutual=d == 2)
    return s


def reference(evs, window, touch_gap, at):
    """Conversations, touches and a→b's waits, straight from the definitions."""
    conversations = touches = 0
    for i, (t, _) in enumerate(evs):
        conversations += i == 0 or t - evs[i - 1][0] > window
        # A touch: the first contact in a period of touch_gap seconds (from the epoch, UTC).
        touches += i == 0 or (T0 + t) // touch_gap != (T0 + evs[i - 1][0]) // touch_gap
    waits = answered = resolved = 0
    i = 0
    while i < len(evs):
        if evs[i][1] != 0:
            i += 1
            continue
        last = evs[i][0]
        j = i + 1
        while j < len(evs) and evs[j][1] == 0 and evs[j][0] - last <= window:
            last = evs[j][0]
            j += 1
        waits += 1
        if j == len(evs):
            resolved += at - last > window
        else:
            ok = evs[j][1] != 0 and evs[j][0] - last <= window
            answered += ok
            resolved += 1
        i = j
    return conversations, touches, waits, answered, resolved


@settings(max_examples=150, deadline=None)
@given(evs=events, window=windows, touch_gap=gaps, later=st.integers(0, 5 * DAY))
def test_reply_window_and_touch_gap_against_their_definitions(evs, window, touch_gap, later):
    s = scorer_of(evs, reply_window=pd.Timedelta(seconds=window), touch_gap=pd.Timedelta(seconds=touch_gap))
    at = T0 + evs[-1][0] + later
    c = s.conversation("ana", "ben", at=at)
    conversations, touches, waits, answered, resolved = reference(evs, window, touch_gap, at - T0)
    assert (c.conversations, c.touches) == (conversations, touches)
    assert (c.a_to_b.waits, c.a_to_b.answered, c.a_to_b.resolved) == (waits, answered, resolved)
    assert c.a_to_b.messages == sum(d == 0 for _, d in evs)


def test_the_settings_change_the_answers():
    # ana writes, ben answers 2 days later, three times, 10 days apart.
    evs = [(k * 10 * DAY, 0) for k in range(3)] + [(k * 10 * DAY + 2 * DAY, 1) for k in range(3)]
    evs.sort()
    wide = scorer_of(evs).conversation("ana", "ben")
    narrow = scorer_of(evs, reply_window="1d").conversation("ana", "ben")
    assert (wide.a_to_b.answered, wide.a_to_b.reply_rate, wide.conversations) == (3, 1.0, 1)
    assert (narrow.a_to_b.answered, narrow.a_to_b.reply_rate, narrow.conversations) == (0, 0.0, 6)
    assert narrow.a_to_b.latency_median is None
    # Two days apart: six days with contact; in 3-day periods, fewer (pairs share a period
    # unless a period boundary falls between them).
    assert scorer_of(evs).conversation("ana", "ben").touches == 6
    three_day_periods = len({(T0 + t) // (3 * DAY) for t, _ in evs})
    assert three_day_periods < 6
    assert scorer_of(evs, touch_gap="3d").conversation("ana", "ben").touches == three_day_periods


@pytest.mark.parametrize("horizon_days, threshold", [(30, 0.3), (5, 0.3), (30, 0.1)])
def test_trend_horizon_and_threshold(horizon_days, threshold):
    # Weekly calls for a year, then 20 days of silence.
    s = relscore.Scorer(trend_horizon=f"{horizon_days}d", trend_threshold=threshold)
    times = [T0 + k * 7 * DAY for k in range(52)]
    for t in times:
        s.add(t, "ana", "ben", channel="call")
    at = times[-1] + 20 * DAY
    h = horizon_days * DAY
    recent = sum(2.0 ** (-(at - t) / h) for t in times)
    long_run = sum(2.0 ** (-(at - t) / (4 * h)) for t in times)
    change = 4 * recent / long_run - 1
    tr = s.trend("ana", "ben", at=at)
    assert tr.change_over_horizon == pytest.approx(change, rel=1e-12)
    assert tr.rate_per_day == pytest.approx(change / horizon_days, rel=1e-12)
    assert tr.direction == ("cooling" if change < -threshold else "rising" if change > threshold else "steady")
    # The three settings give three different answers.
    expected = {(30, 0.3): "steady", (5, 0.3): "cooling", (30, 0.1): "cooling"}
    assert tr.direction == expected[(horizon_days, threshold)]


def test_rhythm_floor_and_new_tie_rhythm():
    s = relscore.Scorer()
    low = relscore.Scorer(min_rhythm="1d", new_tie_rhythm="3d")
    for t in range(0, 40 * DAY, 2 * DAY):  # every two days
        s.add(T0 + t, "ana", "ben", channel="message")
        low.add(T0 + t, "ana", "ben", channel="message")
    s.add(T0, "ana", "cy", channel="message")
    low.add(T0, "ana", "cy", channel="message")
    assert s.rhythm("ana", "ben").typical_gap == pd.Timedelta(days=7)  # the 7-day floor
    assert pd.Timedelta(days=2) <= low.rhythm("ana", "ben").typical_gap < pd.Timedelta(days=4)
    assert s.rhythm("ana", "cy").typical_gap == pd.Timedelta(days=30)
    assert low.rhythm("ana", "cy").typical_gap == pd.Timedelta(days=3)
    at = T0 + 38 * DAY + 5 * DAY
    assert s.rhythm("ana", "ben", at=at).overdue == pytest.approx(5 / 7, rel=1e-15)
    assert "ben" not in set(s.due("ana", at=at)["b"])
    assert "ben" in set(low.due("ana", at=at)["b"])
