"""Reply-time quartiles from Python against scipy's Kaplan-Meier estimator
(scipy.stats.ecdf on censored data), a reference that shares no code with relscore.

Binned data cannot say whether an unanswered wait came before or after the answers in its
bin, so (docs/concepts.md) each quartile lies between the product-limit quartiles with the
unanswered waits at the start and at the end of their bins: bins of a factor 2 from one
minute, the last one open from 2^14 minutes."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import CensoredData, ecdf

import relscore

MINUTE = 60_000_000  # microseconds
DAY = 1440 * MINUTE
WINDOW = 3 * DAY
LAST_BIN = 15


def bin_of(us):
    return 0 if us < MINUTE else min(int(math.floor(math.log2(us / MINUTE))) + 1, LAST_BIN)


def lower(k):
    return MINUTE // 2 if k == 0 else MINUTE << (k - 1)


def upper(k):
    return MINUTE << k


def km_quantile(answered, unanswered, q):
    """The first answer time where scipy's survival function reaches 1 - q, or None."""
    if not answered:
        return None
    fit = ecdf(CensoredData(uncensored=np.array(answered, float), right=np.array(unanswered, float)))
    times, survival = fit.sf.quantiles, fit.sf.probabilities
    reached = np.flatnonzero(survival <= 1 - q + 1e-12)
    return int(times[reached[0]]) if len(reached) else None


def episodes(rng, n):
    """a's waits toward b: (offsets of a's messages, b's answer or None), from a's first message."""
    out = []
    for _ in range(n):
        offsets = [0]
        while rng.random() < 0.3 and len(offsets) < 3:
            offsets.append(offsets[-1] + int(rng.random() * WINDOW))
        answer = None
        if rng.random() < rng.choice([0.15, 0.5, 0.9]):
            r = int(rng.choice([30 * MINUTE, 120 * MINUTE, WINDOW])) if rng.random() < 0.3 else \
                min(int(rng.lognormal(math.log(180 * MINUTE), 1.6)), WINDOW)
            answer = offsets[-1] + max(r, 1_000_000)
        out.append((offsets, answer))
    return out


@pytest.mark.parametrize("seed", range(40))
def test_quartiles_against_scipy_kaplan_meier(seed):
    rng = np.random.default_rng(seed)
    s = relscore.Scorer(reply_window=pd.Timedelta(microseconds=WINDOW))
    t = 1_750_000_000 * 1_000_000
    answered, unanswered = [], []
    eps = episodes(rng, int(rng.integers(1, 40)))
    query_after = int(rng.random() * 2 * WINDOW)
    for i, (offsets, answer) in enumerate(eps):
        for off in offsets:
            s.add(pd.Timestamp(t + off, unit="us"), "ana", "ben", channel="email")
        end = offsets[-1]
        if answer is not None:
            s.add(pd.Timestamp(t + answer, unit="us"), "ben", "ana", channel="email")
            answered.append(answer)
            end = answer
        elif i + 1 < len(eps):
            unanswered.append(offsets[-1] + WINDOW)
        else:  # the open wait, watched until the query time
            unanswered.append(min(offsets[-1] + query_after, offsets[-1] + WINDOW))
        at = t + end + query_after
        t += end + 3 * WINDOW
    replies = s.conversation("ana", "ben", at=pd.Timestamp(at, unit="us")).a_to_b
    assert replies.answered == len(answered) and replies.waits == len(eps)
    early = [-1 if bin_of(c) == 0 else lower(bin_of(c)) - 1 for c in unanswered]
    late = [2**62 if bin_of(c) == LAST_BIN else upper(bin_of(c)) - 1 for c in unanswered]
    for q, got in ((0.25, replies.latency_p25), (0.5, replies.latency_median), (0.75, replies.latency_p75)):
        first, last = km_quantile(answered, early, q), km_quantile(answered, late, q)
        if first is None:
            assert got is None, q
            continue
        if got is None:
            assert last is None, q
            continue
        us = got.value // 1000
        assert us >= lower(bin_of(first)), q
        if last is not None:
            assert us <= upper(bin_of(last)), q
