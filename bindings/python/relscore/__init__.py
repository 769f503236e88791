"""relscore: relationship strength from interaction logs.

Time-decaying, reciprocity-weighted, explainable, fast: a C++ core (``relscore._core``)
under a thin Python layer that takes and gives numpy arrays and pandas DataFrames.

>>> import relscore
>>> s = relscore.Scorer()
>>> s.add("2026-01-05", "ana", "ben", channel="email")
>>> s.top("ana")
[Relationship('ana' - 'ben': ...)]

Plots live in :mod:`relscore.plot` (needs matplotlib); warm introductions, who should meet
whom and the strength graph as a scipy.sparse matrix in :mod:`relscore.network`.
"""

from __future__ import annotations

import pandas as pd

from . import _core
from ._columns import LogColumns
from ._convert import DurationLike, TimeLike, to_duration_micros, to_micros
from ._insight import Conversation, Explanation, Replies, Rhythm, StarCalibration, Trend
from ._fit import FitResult
from ._scorer import DEFAULT_CHANNELS, Channel, Relationship, Scorer
from . import network
from .network import intro, strength_matrix, suggest

__version__: str = _core.__version__
MAX_WEIGHT: float = _core.max_weight
"""The largest weight an interaction or a channel may have (1e15; relscore::max_weight):
with it no sum can reach inf (docs/guarantees.md)."""
MAX_PAIR_INTERACTIONS: int = _core.max_pair_interactions
"""The most interactions one relationship may hold (2**32 - 1; relscore::max_pair_interactions):
ingest and merge refuse, changing nothing, what would pass it (docs/guarantees.md)."""

__all__ = [
    "Channel",
    "Conversation",
    "DEFAULT_CHANNELS",
    "Explanation",
    "FitResult",
    "LogColumns",
    "MAX_PAIR_INTERACTIONS",
    "MAX_WEIGHT",
    "Relationship",
    "Replies",
    "Rhythm",
    "Scorer",
    "StarCalibration",
    "Trend",
    "fit",
    "intro",
    "network",
    "parse_duration",
    "parse_time",
    "strength_matrix",
    "suggest",
    "__version__",
]


def parse_time(value: TimeLike) -> pd.Timestamp:
    """Parse a time (ISO 8601 string, UNIX seconds, datetime, numpy or pandas) into a UTC
    pandas Timestamp, exactly as the C++ core and the CLI do."""
    return pd.Timestamp(to_micros(value), unit="us", tz="UTC")


def parse_duration(value: DurationLike) -> pd.Timedelta:
    """Parse a duration ("90d", "12h", "2w", "30m", timedelta, numpy timedelta64) into a
    pandas Timedelta."""
    return pd.Timedelta(microseconds=to_duration_micros(value))


def fit(log: pd.DataFrame, labels: pd.DataFrame, **options: object) -> FitResult:
    """Fit channel weights, half-lives and ρ to your own labels (stars or 0/1 ties), with
    cross-validated agreement against the defaults and a raw count: :meth:`Scorer.fit`."""
    return Scorer.fit(log, labels, **options)  # type: ignore[arg-type]


for _obj in (Channel, Conversation, Explanation, FitResult, LogColumns, Relationship, Replies, Rhythm, Scorer,
             StarCalibration, Trend):
    _obj.__module__ = "relscore"
