"""Results of the insight queries: replies and persistence, trend, rhythm, explanations,
stars calibration. Plain frozen dataclasses built from the compiled module's dicts (times
as UTC pandas Timestamps, durations as Timedeltas, tables as DataFrames).

The definitions (what a wait, a reply, a touch is) are in the C++ header
``relscore/insight.hpp`` and in ``docs/concepts.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

import pandas as pd

from ._describe import Record, records_frame


def _ts(us: Optional[int]) -> Optional[pd.Timestamp]:
    return None if us is None else pd.Timestamp(us, unit="us", tz="UTC")


def _td(us: Optional[int]) -> Optional[pd.Timedelta]:
    return None if us is None else pd.Timedelta(us, unit="us")


def _same(name: Any) -> Any:
    return name


# Reply latencies are counted in power-of-two bins from one minute up
# (direction_history::latency_base_us in relscore/detail/history.hpp): [0, 1 min), [1, 2),
# [2, 4) min, ... The quartiles are interpolated inside one bin, so only the first two
# figures mean anything (a bin spans a factor of 2; the last, open one from 2^14 min up
# to the pair's span, docs/concepts.md).
_LATENCY_BASE_US = 60_000_000
_MINUTE, _HOUR, _DAY = 60_000_000, 3_600_000_000, 86_400_000_000


def round_latency(us: Optional[int]) -> Optional[pd.Timedelta]:
    """A binned latency estimate rounded to what it supports: two significant figures in
    minutes, hours (from 2 h) or days (from 2 d), kept inside its power-of-two bin."""
    if us is None:
        return None
    if us < _LATENCY_BASE_US:
        low, high = 0, _LATENCY_BASE_US
    else:
        k = int(math.floor(math.log2(us / _LATENCY_BASE_US)))
        low, high = _LATENCY_BASE_US << k, _LATENCY_BASE_US << (k + 1)
    if us <= low:  # a bin edge: a round number of minutes already
        return pd.Timedelta(int(us), unit="us")
    unit = _DAY if us >= 2 * _DAY else _HOUR if us >= 2 * _HOUR else _MINUTE  # as the CLI prints: 44h, 3.2d
    x = us / unit
    digits = 1 - int(math.floor(math.log10(x)))
    rounded = int(round(round(x, digits) * unit))
    return pd.Timedelta(min(max(rounded, low), high), unit="us")


class Replies(Record, result="reply_stats"):
    """One side's outreach (``a`` toward ``b``) and how the other side answers it.

    Its fields are the C++ description of reply statistics (``relscore/describe.hpp``), in
    that order: a field added there appears here too.

    Attributes
    ----------
    messages:
        Directed a→b interactions.
    waits:
        Runs of a→b messages awaiting an answer (a run ends when b gets in touch).
    answered:
        Waits that b answered within the reply window.
    resolved:
        Waits whose outcome is known at the query time (answered, or the window passed).
    reply_rate:
        ``answered / resolved`` (0 if none is resolved).
    latency_p25, latency_median, latency_p75:
        Kaplan–Meier quartiles of the time to an answer (unanswered waits censored), as
        Timedeltas; None when fewer than that share is ever answered. Estimated from
        power-of-two bins from one minute up, so rounded to two significant figures in
        minutes, hours or days.
    initiated:
        Conversations a started.
    initiated_share:
        a's share of the conversations (a mutual opening counts half to each).
    unanswered_streak:
        a's messages since b last got in touch.
    attempts_before_first_answer:
        a's messages before b first got in touch.
    ever_answered:
        Whether b has been in touch with a (b→a or mutual) at least once.
    waiting_since:
        First message of a's open wait (UTC Timestamp), None if a is not waiting.
    """

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

    # The latency quartiles come from power-of-two bins: rounded to what they support.
    _converters = {"latency_p25": round_latency, "latency_median": round_latency, "latency_p75": round_latency}

    @classmethod
    def _from(cls, raw: Any) -> "Replies":
        return cls._from_values(raw)


@dataclass(frozen=True)
class Conversation:
    """Replies, persistence and initiation between ``a`` and ``b``.

    Attributes
    ----------
    a, b:
        The two people, as given to the scorer (integers stay integers).
    a_to_b:
        :class:`Replies`: a's outreach toward b and how b answers it.
    b_to_a:
        :class:`Replies`: b's outreach toward a and how a answers it.
    conversations:
        Conversations (runs of contact after a silence longer than the reply window).
    touches:
        Touch periods with contact (UTC days by default, ``touch_gap``): a burst of
        emails on one day is one touch, daily contact one a day.
    late:
        Interactions that arrived, in a later call, after newer ones of the pair: they
        count in the volumes only (a batch is applied in time order, so none of its own).
    first_interaction, last_interaction:
        The pair's oldest and newest interaction (UTC Timestamps), None if none.
    """

    a: Any
    b: Any
    a_to_b: Replies
    b_to_a: Replies
    conversations: int
    touches: int
    late: int
    first_interaction: Optional[pd.Timestamp]
    last_interaction: Optional[pd.Timestamp]

    @classmethod
    def _from(cls, d: Dict[str, Any], person: Callable[[Any], Any] = _same) -> "Conversation":
        return cls(
            a=person(d["a"]),
            b=person(d["b"]),
            a_to_b=Replies._from(d["a_to_b"]),
            b_to_a=Replies._from(d["b_to_a"]),
            conversations=d["conversations"],
            touches=d["touches"],
            late=d["late"],
            first_interaction=_ts(d["first_interaction_us"]),
            last_interaction=_ts(d["last_interaction_us"]),
        )


class Trend(Record, result="trend"):
    """Rising / steady / cooling: the recent pace of contact against the long-run pace.

    Its fields are the C++ description of a trend (``relscore/describe.hpp``), in that
    order: a field added there appears here too.

    Attributes
    ----------
    direction:
        "rising", "steady" or "cooling" (``change_over_horizon`` beyond ±trend_threshold),
        or "not enough history".
    rate_per_day:
        ``change_over_horizon`` per day of the horizon.
    change_over_horizon:
        Relative change of the pace of contact over the trend horizon: the pace decayed
        with half-life H against that with 4H, minus 1 (0: steady; +3: a first contact).
    """

    direction: str
    rate_per_day: float
    change_over_horizon: float

    @classmethod
    def _from(cls, raw: Any) -> "Trend":
        return cls._from_values(raw)


class Rhythm(Record, result="rhythm"):
    """A relationship's typical silence between contacts, and how overdue it is.

    Its fields are the C++ description of a rhythm (``relscore/describe.hpp``), in that
    order: a field added there appears here too.

    Attributes
    ----------
    typical_gap:
        Median silence longer than the touch gap between consecutive interactions (a
        Timedelta), or the new-tie rhythm while there is none (``learned`` False: not
        enough history); at least min_rhythm.
    learned:
        True if ``typical_gap`` comes from the pair's own gaps, False if the default.
    gaps:
        How many gaps it was learned from.
    last_interaction:
        The pair's newest interaction (UTC Timestamp); ``last_contact`` is the old name.
    due:
        ``last_interaction + typical_gap``: when a touch is due.
    overdue:
        ``(query time − last_interaction) / typical_gap``; 1 or more means due.
    """

    typical_gap: pd.Timedelta
    learned: bool
    gaps: int
    last_interaction: pd.Timestamp
    due: pd.Timestamp
    overdue: float

    @property
    def last_contact(self) -> pd.Timestamp:
        """The old name of :attr:`last_interaction`."""
        return self.last_interaction

    @classmethod
    def _from(cls, raw: Any) -> "Rhythm":
        return cls._from_values(raw)


@dataclass(frozen=True)
class Explanation:
    """An exact breakdown of a strength: ``parts`` (by channel and direction) sum to
    ``strength``; ``receipts`` are the interactions that contribute most (when the scorer
    retains events).

    Attributes
    ----------
    a, b:
        The two people, as given to the scorer (integers stay integers).
    at:
        The time of the breakdown (UTC Timestamp).
    strength:
        The strength at ``at`` (as :meth:`relscore.Scorer.between` gives it).
    parts:
        DataFrame, one row per channel and direction, largest first: ``channel``,
        ``source`` (whose outreach: a or b), ``volume`` (its decayed volume) and
        ``contribution`` (its share of the strength; the shares sum to it). Its columns
        are the C++ description of an explanation part (``result_fields()["strength_part"]``).
    receipts:
        DataFrame of the interactions that contribute most, largest first: ``time``,
        ``channel``, ``source`` (None for a mutual one), ``mutual``, ``weight`` and
        ``contribution``. Empty unless the scorer was made with ``retain_events=True``.
        Its columns are the C++ description of a receipt (``result_fields()["receipt"]``).
    receipts_total:
        How many retained interactions the receipts were chosen from.
    """

    a: Any
    b: Any
    at: pd.Timestamp
    strength: float
    parts: pd.DataFrame
    receipts: pd.DataFrame
    receipts_total: int

    @classmethod
    def _from(cls, d: Dict[str, Any], person: Callable[[Any], Any] = _same) -> "Explanation":
        # Both frames are the C++ descriptions of a part and a receipt (describe.hpp).
        def people(values: List[Any]) -> pd.Series:
            return pd.Series([person(v) for v in values], dtype=object)

        parts = records_frame("strength_part", d["parts"], people)
        receipts = records_frame("receipt", d["receipts"], people)
        return cls(
            a=person(d["a"]),
            b=person(d["b"]),
            at=pd.Timestamp(d["at_us"], unit="us", tz="UTC"),
            strength=d["strength"],
            parts=parts,
            receipts=receipts,
            receipts_total=d["receipts_total"],
        )


@dataclass(frozen=True)
class StarCalibration:
    """Star thresholds fitted to a user's ratings, and the agreement before and after.
    Pass ``thresholds`` to :meth:`relscore.Scorer.stars` or
    :meth:`relscore.Scorer.insight_frame` (``star_thresholds=``).

    Attributes
    ----------
    thresholds:
        Five strengths: a relationship gets one star per threshold it reaches.
    before:
        Agreement of the default stars with the ratings (shares rated alike, within one).
    after:
        The same agreement with the fitted ``thresholds``.
    """

    thresholds: List[float]
    before: Dict[str, float] = field(default_factory=dict)
    after: Dict[str, float] = field(default_factory=dict)


def due_frame(rows: List[Any], people: Callable[[List[Any]], Any] = list) -> pd.DataFrame:
    """The compiled module's due list (tuples of ``result_fields()["due_item"]``) as a
    DataFrame, highest priority first: every field of the C++ description of a due item,
    in its order (dtypes as in relscore.Scorer.to_pandas where shared; `people` makes a
    person column of names)."""
    return records_frame("due_item", rows, people)
