"""Scorer's insight: replies, trend, rhythm, due, explanations, stars (see
:class:`relscore.Scorer`)."""

from __future__ import annotations

from typing import Any, List, Optional

import numpy as np
import pandas as pd

from . import _convert, _core, _insight
from ._convert import DurationLike, TimeLike, query_name
from ._frames import person_column, relationship_frame, utc_times
from ._insight import Conversation, Explanation, Rhythm, StarCalibration, Trend
from ._scorer_base import ScorerBase

__all__ = ["ScorerInsight"]


class ScorerInsight(ScorerBase):
    """The insight methods of :class:`relscore.Scorer`: replies, trend, rhythm, due,
    explanations, stars."""

    __slots__ = ()

    def conversation(self, a: Any, b: Any, *, at: Optional[TimeLike] = None) -> Conversation:
        """Replies, persistence and initiation between ``a`` and ``b``, seen from ``a``:
        per direction the reply rate, Kaplan–Meier reply-latency quartiles (unanswered
        attempts censored), the unanswered streak and the share of conversations started."""
        return Conversation._from(self._core.conversation(a=query_name(a, "a"), b=query_name(b, "b"),
                                                          at_us=_convert.optional_micros(at)), self._person)

    def trend(self, a: Any, b: Any, *, at: Optional[TimeLike] = None) -> Trend:
        """Rising, steady or cooling: the recent pace of contact against the long-run pace."""
        return Trend._from(self._core.trend_of(a=query_name(a, "a"), b=query_name(b, "b"),
                                               at_us=_convert.optional_micros(at)))

    def rhythm(self, a: Any, b: Any, *, at: Optional[TimeLike] = None) -> Rhythm:
        """The relationship's typical gap between touches, its due date and how overdue it is."""
        return Rhythm._from(self._core.rhythm_of(a=query_name(a, "a"), b=query_name(b, "b"),
                                                 at_us=_convert.optional_micros(at)))

    def due(self, person: Any = None, k: int = 20, *, at: Optional[TimeLike] = None) -> pd.DataFrame:
        """The relationships (of ``person``, or of everyone) due a touch: past their own
        rhythm, ranked by strength × overdue. Any interaction resets a relationship's clock."""
        rows = self._core.due(person=None if person is None else query_name(person, "person"), k=_convert.whole_number(k, "k"),
                              at_us=_convert.optional_micros(at))
        return _insight.due_frame(rows, lambda names: person_column(names, [], self._ids, codes=False))

    def explain(self, a: Any, b: Any, *, receipts: int = 10, at: Optional[TimeLike] = None) -> Explanation:
        """The exact breakdown of the strength of ``a`` and ``b`` by channel and direction
        (the parts sum to the strength) and, with ``retain_events=True``, the ``receipts``
        interactions that contribute most."""
        return Explanation._from(
            self._core.explain(a=query_name(a, "a"), b=query_name(b, "b"), receipts=_convert.whole_number(receipts, "receipts"),
                               at_us=_convert.optional_micros(at)),
            self._person,
        )

    def stars(self, a: Any, b: Any, *, at: Optional[TimeLike] = None,
              thresholds: Optional[List[float]] = None) -> int:
        """Stars (0–5) of a relationship: the default mapping (docs/concepts.md), or the
        strength thresholds of :meth:`calibrate_stars`."""
        return int(self._core.stars_of(a=query_name(a, "a"), b=query_name(b, "b"), at_us=_convert.optional_micros(at),
                                       thresholds=None if thresholds is None else [float(x) for x in thresholds]))

    def calibrate_stars(self, ratings: pd.DataFrame, *, at: Optional[TimeLike] = None) -> StarCalibration:
        """Fit the star thresholds to a user's own ratings (a DataFrame with columns ``a``,
        ``b``, ``stars``): an exact ordinal fit maximizing the share rated alike. Returns
        the thresholds and the agreement before and after."""
        missing = {"a", "b", "stars"} - set(ratings.columns)
        if missing:
            raise ValueError(f"relscore.Scorer.calibrate_stars(): ratings lack column(s) {sorted(missing)}")
        given = ratings["stars"].to_numpy()
        if not np.issubdtype(given.dtype, np.integer):
            raise ValueError("relscore.Scorer.calibrate_stars(): 'stars' must hold whole numbers 0..5")
        a, b = ([query_name(x, f"ratings[{c!r}] at row {i}") for i, x in enumerate(ratings[c])] for c in ("a", "b"))
        fit = _core.calibrate_stars(self._core, a=a, b=b,
                                    stars=[int(x) for x in given], at_us=_convert.optional_micros(at))
        return StarCalibration(thresholds=list(fit["thresholds"]), before=dict(fit["before"]), after=dict(fit["after"]))

    def insight_frame(self, *, at: Optional[TimeLike] = None, star_thresholds: Optional[List[float]] = None,
                      sort: bool = True, log_span: Optional[DurationLike] = None) -> pd.DataFrame:
        """:meth:`to_pandas` plus, per relationship: ``stars``, ``trend`` (cooling/steady/rising, or "not enough history" for a pair
        known for less than the trend horizon) and ``trend_change``,
        ``typical_gap``, ``due`` and ``overdue``.

        The star gates that take time fit the span of the log (docs/concepts.md, "Stars");
        ``log_span`` gives that span for a scorer that holds part of a longer log (as
        :func:`relscore.dask.insight_frame`'s shards do); default: this scorer's own."""
        return self._insight_frame(at, star_thresholds, sort, log_span, strings=False)

    def _insight_frame(self, at: Optional[TimeLike], star_thresholds: Optional[List[float]], sort: bool,
                       log_span: Optional[DurationLike], *, strings: bool) -> pd.DataFrame:
        """insight_frame(); ``strings``: string ids as strings, not a Categorical (relscore.dask's rows)."""
        # One core call gives the table and its insight columns from one state, even while
        # other threads add interactions.
        log_span_us = None if log_span is None else _convert.to_duration_micros(log_span, "log_span")
        if log_span_us is not None and log_span_us < 0:  # as "-30d" is: a span is never negative
            raise ValueError(f"relscore.Scorer.insight_frame(): log_span must not be negative, got {log_span!r}")
        cols = self._core.insight_columns(at_us=_convert.optional_micros(at),
                                          thresholds=None if star_thresholds is None else list(star_thresholds),
                                          log_span_us=log_span_us)
        # The insight columns go into the frame as it is built: each column assigned after
        # would be copied (pandas' copy-on-write), and the frame's blocks consolidated.
        trend = cols["trend"]
        trend += 1  # the core's int8 (-1 cooling .. 2 not enough history), as category codes, in place
        extra = {
            "stars": cols["stars"],
            "trend": pd.Categorical.from_codes(trend, categories=["cooling", "steady", "rising", "not enough history"]),
            "trend_change": cols["trend_change"],
            "typical_gap": pd.Series(np.asarray(cols["typical_gap_us"], dtype=np.int64).view("timedelta64[us]"),
                                     copy=False),
            "due": utc_times(cols["due_us"]),
            "overdue": cols["overdue"],
        }
        frame = relationship_frame(cols, cols["people"], False, self._ids, strings=strings, extra=extra)
        if sort:
            frame = frame.sort_values("strength", ascending=False, kind="stable").reset_index(drop=True)
        return frame
