"""Seeded synthetic interaction logs, for tests, examples and benchmarks.

The log looks like a company's e-mail: people have heavy-tailed activity (a few send a
lot), each writes mostly to a small circle of contacts (so pairs repeat, as in real
logs), about 40% of traffic goes back the other way (so ties are reciprocated), and
channels are mixed. Everything is a function of ``(seed, part)``, so partition ``k`` of a
large log can be generated where it is used — on a Dask worker — with nothing shipped.

>>> from relscore.datasets import synthetic_log
>>> frame = synthetic_log(1000, people=50, seed=1)
>>> list(frame.columns)
['time', 'source', 'target', 'channel', 'weight', 'mutual']
"""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np
import pandas as pd

__all__ = ["CHANNELS", "synthetic_log"]

CHANNELS: Tuple[str, ...] = ("email", "message", "call", "meeting")
"""The channels synthetic logs use (all among relscore's defaults)."""

_CHANNEL_SHARE = np.array([0.55, 0.30, 0.10, 0.05])
_START = np.datetime64("2024-01-01T00:00:00", "us")


def synthetic_log(
    n: int,
    *,
    people: int = 10_000,
    seed: int = 0,
    part: int = 0,
    span_days: float = 365.0,
    window: Optional[Tuple[float, float]] = None,
) -> pd.DataFrame:
    """``n`` interactions as a DataFrame with columns ``time`` (datetime64[us]),
    ``source`` and ``target`` (Categoricals over the same ``people`` names ``p0``…, so
    every part names people identically), ``channel`` (Categorical), ``weight`` (float,
    NaN on most rows: the channel's weight) and ``mutual`` (bool).

    ``part`` selects an independent stream for the same ``seed``. Times are uniform over
    ``span_days`` from 2024-01-01, in random order, or, with ``window=(lo, hi)`` (fractions
    of the span), only in that slice — to build logs partitioned by time."""
    if n < 0 or people < 2:
        raise ValueError(f"synthetic_log(): need n >= 0 and people >= 2, got n={n}, people={people}")
    rng = np.random.default_rng([seed, part])
    # Heavy-tailed activity: person i sends with probability ~ 1/(i+1)^0.8.
    activity = 1.0 / np.arange(1, people + 1) ** 0.8
    source = np.searchsorted(np.cumsum(activity / activity.sum()), rng.random(n), side="right")
    source = np.minimum(source, people - 1)
    # Contacts: a Zipf-distributed offset keeps most mail within a small circle.
    offset = rng.zipf(1.6, size=n) % (people - 1) + 1
    target = (source + offset) % people
    back = rng.random(n) < 0.4  # replies: the same pairs, the other way
    source, target = np.where(back, target, source), np.where(back, source, target)

    lo, hi = window if window is not None else (0.0, 1.0)
    span_us = span_days * 86_400e6
    offsets = (lo + (hi - lo) * rng.random(n)) * span_us
    time = _START + offsets.astype(np.int64).astype("timedelta64[us]")

    channel = rng.choice(len(CHANNELS), size=n, p=_CHANNEL_SHARE)
    weight = np.where(rng.random(n) < 0.1, rng.uniform(0.5, 3.0, size=n), np.nan)
    mutual = (channel == CHANNELS.index("meeting")) & (rng.random(n) < 0.8)

    names = pd.CategoricalDtype([f"p{i}" for i in range(people)])
    return pd.DataFrame(
        {
            "time": time,
            "source": pd.Categorical.from_codes(source, dtype=names),
            "target": pd.Categorical.from_codes(target, dtype=names),
            "channel": pd.Categorical.from_codes(channel, categories=list(CHANNELS)),
            "weight": weight,
            "mutual": mutual,
        }
    )
