"""Results of the insight queries: replies and persistence, trend, rhythm, explanations,
stars calibration. Plain frozen dataclasses built from the compiled module's dicts (times
as UTC pandas Timestamps, durations as Timedeltas, tables as DataFrames).

The definitions (what a wait, a reply, a touch is) are in the C++ header
``relscore/insight.hpp`` and in ``docs/concepts.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import pandas as pd


def _ts(us: Optional[int]) -> Optional[pd.Timestamp]:
    return None if us is None else pd.Timestamp(us, unit="us", tz="UTC")


def _td(us: Optional[int]) -> Optional[pd.Timedelta]:
    return None if us is None else pd.Timedelta(us, unit="us")


@dataclass(frozen=True)
class Replies:
    """One side's outreach (``a`` toward ``b``) and how the other side answers it."""

    messages: int
    waits: int
    answered: int
    resolved: int
    reply_rate: float
    latency_p25: Optional[pd.Timedelta]
    latency_median: Optional[pd.Timedelta]
    latency_p75: Optional[pd.Timedelta]
    initiated: int
    initiated_share: float
    unanswered_streak: int
    attempts_before_first_answer: int
    ever_answered: bool
    waiting_since: Optional[pd.Timestamp]

    @classmethod
    def _from(cls, d: Dict[str, Any]) -> "Replies":
        return cls(
            messages=d["messages"],
            waits=d["waits"],
            answered=d["answered"],
            resolved=d["resolved"],
            reply_rate=d["reply_rate"],
            latency_p25=_td(d["latency_p25_us"]),
            latency_median=_td(d["latency_median_us"]),
            latency_p75=_td(d["latency_p75_us"]),
            initiated=d["initiated"],
            initiated_share=d["initiated_share"],
            unanswered_streak=d["unanswered_streak"],
            attempts_before_first_answer=d["attempts_before_first_answer"],
            ever_answered=d["ever_answered"],
            waiting_since=_ts(d["waiting_since_us"]),
        )


@dataclass(frozen=True)
class Conversation:
    """Replies, persistence and initiation between ``a`` and ``b``."""

    a: str
    b: str
    a_to_b: Replies
    b_to_a: Replies
    conversations: int
    touches: int
    late: int
    first_interaction: Optional[pd.Timestamp]
    last_interaction: Optional[pd.Timestamp]

    @classmethod
    def _from(cls, d: Dict[str, Any]) -> "Conversation":
        return cls(
            a=d["a"],
            b=d["b"],
            a_to_b=Replies._from(d["a_to_b"]),
            b_to_a=Replies._from(d["b_to_a"]),
            conversations=d["conversations"],
            touches=d["touches"],
            late=d["late"],
            first_interaction=_ts(d["first_interaction_us"]),
            last_interaction=_ts(d["last_interaction_us"]),
        )


@dataclass(frozen=True)
class Trend:
    """Rising / steady / cooling: the recent pace of contact against the long-run pace."""

    direction: str
    change_over_horizon: float
    rate_per_day: float

    @classmethod
    def _from(cls, d: Dict[str, Any]) -> "Trend":
        return cls(direction=d["direction"], change_over_horizon=d["change_over_horizon"], rate_per_day=d["rate_per_day"])


@dataclass(frozen=True)
class Rhythm:
    """A relationship's typical gap between touches, and how overdue it is."""

    typical_gap: pd.Timedelta
    learned: bool
    gaps: int
    last_contact: pd.Timestamp
    due: pd.Timestamp
    overdue: float

    @classmethod
    def _from(cls, d: Dict[str, Any]) -> "Rhythm":
        return cls(
            typical_gap=pd.Timedelta(d["typical_gap_us"], unit="us"),
            learned=d["learned"],
            gaps=d["gaps"],
            last_contact=pd.Timestamp(d["last_contact_us"], unit="us", tz="UTC"),
            due=pd.Timestamp(d["due_us"], unit="us", tz="UTC"),
            overdue=d["overdue"],
        )


@dataclass(frozen=True)
class Explanation:
    """An exact breakdown of a strength: ``parts`` (by channel and direction) sum to
    ``strength``; ``receipts`` are the interactions that contribute most (when the scorer
    retains events)."""

    a: str
    b: str
    at: pd.Timestamp
    strength: float
    parts: pd.DataFrame
    receipts: pd.DataFrame
    receipts_total: int

    @classmethod
    def _from(cls, d: Dict[str, Any]) -> "Explanation":
        parts = pd.DataFrame(d["parts"], columns=["channel", "source", "volume", "contribution"])
        receipts = pd.DataFrame(d["receipts"], columns=["time_us", "channel", "source", "mutual", "weight", "contribution"])
        receipts.insert(0, "time", pd.to_datetime(receipts.pop("time_us").astype("int64"), unit="us", utc=True))
        return cls(
            a=d["a"],
            b=d["b"],
            at=pd.Timestamp(d["at_us"], unit="us", tz="UTC"),
            strength=d["strength"],
            parts=parts,
            receipts=receipts,
            receipts_total=d["receipts_total"],
        )


@dataclass(frozen=True)
class StarCalibration:
    """Star thresholds fitted to a user's ratings, and the agreement before and after.
    Pass ``thresholds`` to :meth:`relscore.Scorer.stars` or ``to_pandas(insight=True,
    star_thresholds=...)``."""

    thresholds: List[float]
    before: Dict[str, float] = field(default_factory=dict)
    after: Dict[str, float] = field(default_factory=dict)


def due_frame(rows: List[Dict[str, Any]]) -> pd.DataFrame:
    """The compiled module's due list as a DataFrame, highest priority first."""
    return pd.DataFrame(
        {
            "a": [r["a"] for r in rows],
            "b": [r["b"] for r in rows],
            "priority": pd.Series([r["priority"] for r in rows], dtype="float64"),
            "strength": pd.Series([r["strength"] for r in rows], dtype="float64"),
            "last_contact": pd.to_datetime(
                pd.Series([r["rhythm"]["last_contact_us"] for r in rows], dtype="int64"), unit="us", utc=True
            ),
            "typical_gap": pd.to_timedelta(pd.Series([r["rhythm"]["typical_gap_us"] for r in rows], dtype="int64"), unit="us"),
            "rhythm_learned": pd.Series([r["rhythm"]["learned"] for r in rows], dtype="bool"),
            "due": pd.to_datetime(pd.Series([r["rhythm"]["due_us"] for r in rows], dtype="int64"), unit="us", utc=True),
            "overdue": pd.Series([r["rhythm"]["overdue"] for r in rows], dtype="float64"),
        }
    )
