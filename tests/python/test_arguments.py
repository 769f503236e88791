"""Integer and duration arguments out of the core's range raise ValueError or OverflowError
naming the argument and the allowed range (not pybind11's generic TypeError or
RuntimeError), and change nothing."""

import pytest

import relscore
from relscore import network


@pytest.fixture
def s():
    s = relscore.Scorer()
    s.add("2026-01-01", "ana", "ben", channel="email")
    s.add("2026-01-02", "ben", "cy", channel="call")
    return s


@pytest.mark.parametrize("call", [
    lambda s, k: s.top("ana", k=k),
    lambda s, k: s.top(k=k),
    lambda s, k: s.top_frame("ana", k=k),
    lambda s, k: s.top_frame(k=k),
    lambda s, k: s.due("ana", k=k),
    lambda s, k: s.explain("ana", "ben", receipts=k),
    lambda s, k: network.suggest(s, k=k),
])
def test_a_count_out_of_range_names_the_argument_and_the_range(s, call):
    before = s.to_bytes()
    in_range = r"(k|receipts) must be a whole number in 0\.\.9223372036854775807, got "
    with pytest.raises(ValueError, match=in_range + "-1"):
        call(s, -1)
    with pytest.raises(OverflowError, match=in_range + "18446744073709551616"):
        call(s, 2**64)
    with pytest.raises(ValueError, match=r"(k|receipts) must be a whole number .* got 1\.5"):
        call(s, 1.5)
    call(s, 2**63 - 1)  # the largest count is fine: "at most k"
    assert s.to_bytes() == before


def test_other_counts_name_their_range(s):
    with pytest.raises(ValueError, match=r"k must be a whole number in 1\.\.9223372036854775807, got 0"):
        network.intro(s, "ana", "cy", k=0)
    with pytest.raises(OverflowError, match=r"max_intermediary_degree \(or None\) must be a whole number in 1\.\."):
        network.suggest(s, max_intermediary_degree=2**64)
    with pytest.raises(OverflowError, match=r"threads \(0: one per core\) must be a whole number in 0\.\.4294967295"):
        s.threads = 2**32
    assert s.threads == 1


@pytest.mark.parametrize("argument", ["reply_window", "touch_gap", "trend_horizon", "new_tie_rhythm", "min_rhythm",
                                      "half_life"])
def test_a_duration_beyond_int64_microseconds_names_the_argument(argument):
    with pytest.raises(OverflowError, match=rf"^{argument} 1000000000000000 is 1e\+21 microseconds, outside int64"):
        relscore.Scorer(**{argument: 10**15})
    with pytest.raises(ValueError, match=rf"^{argument}: duration must be finite, got nan"):
        relscore.Scorer(**{argument: float("nan")})


def test_durations_of_channels_kernels_and_log_span_name_what_they_are(s):
    with pytest.raises(OverflowError, match=r"half-life of channel 'email' .* outside int64 microseconds"):
        relscore.Scorer(channels={"email": (1.0, 10**15)})
    with pytest.raises(OverflowError, match=r"length of kernel 'email' .* outside int64 microseconds"):
        relscore.Scorer(kernels={"email": ("window", 10**15)})
    with pytest.raises(OverflowError, match=r"log_span .* outside int64 microseconds"):
        s.insight_frame(log_span=10**15)


def test_a_channel_whose_half_life_is_over_292_years_prints():
    # Its Timedelta holds it in seconds; in nanoseconds (pandas' .value) it overflows.
    s = relscore.Scorer(channels={"archive": (1.0, "300000d")})
    (archive,) = [c for c in s.channels if c.name == "archive"]
    assert repr(archive) == "Channel('archive', weight=1, half_life='300000d')"
    longest = relscore.Scorer(channels={"archive": (1.0, 10**12)})  # seconds: about 31,700 years
    assert "half_life='1000000000000s'" in repr([c for c in longest.channels if c.name == "archive"][0])
