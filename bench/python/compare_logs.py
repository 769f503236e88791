"""The logs bench/python/compare.py runs its contenders on: a seeded synthetic log and
email-Eu-core (from ../shared/data, or RELSCORE_DATA), each in every form a contender
starts from, built before timing. See compare.py's docstring for the log's shape."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Optional, Tuple

import numpy as np
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.environ.get("RELSCORE_DATA", os.path.join(ROOT, "..", "shared", "data"))
EMAIL_EU = os.path.join(DATA, "snap-email-eu-core-temporal", "email-Eu-core-temporal.txt.gz")


@dataclass
class Log:
    """One interaction log in every form a contender starts from (built before timing)."""

    name: str
    time_s: np.ndarray   # int64 seconds
    source: np.ndarray   # int64 ids
    target: np.ndarray
    frame: pd.DataFrame = field(init=False)
    lists: Tuple[list, list, list] = field(init=False, default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        self.frame = pd.DataFrame({"t": self.time_s, "src": self.source, "dst": self.target})

    @property
    def size(self) -> int:
        return int(self.time_s.shape[0])

    @property
    def newest(self) -> int:
        return int(self.time_s.max())

    def python_lists(self) -> Tuple[list, list, list]:
        if self.lists is None:
            self.lists = (self.time_s.tolist(), self.source.tolist(), self.target.tolist())
        return self.lists

    def distinct_pairs(self) -> int:
        return int(np.unique(self.source * (int(max(self.source.max(), self.target.max())) + 1) + self.target).size)


def zipf_like(rng: np.random.Generator, n_items: int, exponent: float, size: int) -> np.ndarray:
    """Indices in [0, n_items) with P(rank r) roughly proportional to (r + 1)^-exponent
    (inverse CDF of a continuous power law; exponent != 1)."""
    u = rng.random(size)
    top = (n_items + 1.0) ** (1.0 - exponent)
    x = (1.0 + u * (top - 1.0)) ** (1.0 / (1.0 - exponent))
    return np.minimum(x.astype(np.int64) - 1, n_items - 1)


def synthetic_log(size: int, pairs: int, seed: int = 6) -> Log:
    """A seeded log of `size` interactions over min(size, pairs) distinct directed pairs."""
    rng = np.random.default_rng(seed)
    people = max(64, pairs // 4)
    # The pair pool: pairs of Zipf-popular people, in order of first draw (so pairs of
    # popular people tend to get the low ranks and, below, the most interactions).
    pool = np.empty(0, dtype=np.int64)
    while pool.size < pairs:
        want = 2 * (pairs - pool.size) + 1024
        src = zipf_like(rng, people, 1.1, want)
        dst = zipf_like(rng, people, 1.1, want)
        keys = np.concatenate([pool, (src * people + dst)[src != dst]])
        _, first = np.unique(keys, return_index=True)
        pool = keys[np.sort(first)]
    pool = pool[:pairs]
    # Each pair once (if the log is long enough), the rest heavy-tailed over the pool.
    once = rng.permutation(pairs)[: min(size, pairs)]
    rest = zipf_like(rng, pairs, 0.9, size - once.size)
    chosen = pool[rng.permutation(np.concatenate([once, rest]))]
    # Bursty times: Pareto gaps (alpha 1.2), scaled to two years, whole seconds, sorted.
    gaps = rng.pareto(1.2, size)
    seconds = np.cumsum(gaps)
    seconds *= (2 * 365 * 86_400) / seconds[-1]
    time_s = 1_704_067_200 + seconds.astype(np.int64)  # from 2024-01-01
    return Log(f"synthetic {size:,} x {min(size, pairs):,} pairs", time_s, chosen // people, chosen % people)


def email_eu_core() -> Optional[Log]:
    """SNAP email-Eu-core-temporal, sorted by time (stable); None when absent."""
    if not os.path.exists(EMAIL_EU):
        return None
    frame = pd.read_csv(EMAIL_EU, sep=" ", header=None, names=["src", "dst", "t"], dtype=np.int64)
    frame = frame.sort_values("t", kind="stable").reset_index(drop=True)
    return Log(f"email-Eu-core ({len(frame):,})", frame["t"].to_numpy(), frame["src"].to_numpy(),
               frame["dst"].to_numpy())
