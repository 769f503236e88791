"""Scorer's queries: one pair, many pairs, a person's strongest, every relationship, a
pair's past (see :class:`relscore.Scorer`)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import numpy as np
import pandas as pd

from . import _convert
from ._convert import TimeLike, query_name
from ._describe import frame_columns, raw_records
from ._frames import RELATIONSHIP_COLUMNS, name_list, numpy_times, person_column, relationship_frame, utc_times
from ._relationship import Relationship
from ._scorer_base import ScorerBase

__all__ = ["ScorerQueries"]


class ScorerQueries(ScorerBase):
    """The query methods of :class:`relscore.Scorer`."""

    __slots__ = ()

    def between(self, a: Any, b: Any, *, at: Optional[TimeLike] = None) -> Relationship:
        """The relationship of ``a`` with ``b`` at ``at`` (default: the newest interaction).
        Raises KeyError for an unknown person, ValueError for a time before the newest
        interaction."""
        return Relationship._from_tuple(self._core.between(a=query_name(a, "a"), b=query_name(b, "b"),
                                                           at_us=_convert.optional_micros(at)), self._person)

    def between_many(self, a: Any, b: Any, *, at: Optional[TimeLike] = None) -> np.ndarray:
        """The strengths of many pairs at once: ``a[i]`` with ``b[i]`` for each i.

        ``a`` and ``b`` are equally long arrays, lists or Series of person ids; returns a
        float64 numpy array, in one core call that looks each pair up (so asking for k
        pairs costs O(k), however many relationships the scorer holds).
        A pair that never interacted (or a person with themself) gives 0.0; a pair where
        either person is unknown to the scorer gives NaN, so ids of the wrong kind or
        spelling show up instead of passing for weak ties.

        >>> s = Scorer(); s.add("2026-01-05", "ana", "ben", channel="call", mutual=True)
        >>> s.between_many(["ana", "ben", "ana"], ["ben", "ana", "zoe"]).round(3).tolist()
        [4.0, 4.0, nan]
        """
        left, right = name_list(a, "a"), name_list(b, "b")
        if len(left) != len(right):
            raise ValueError(f"relscore.Scorer.between_many(): a has {len(left)} ids, b has {len(right)}")
        return self._core.strengths_between(left, right, _convert.optional_micros(at))

    def top(self, person: Any = None, k: int = 10, *, at: Optional[TimeLike] = None) -> List[Relationship]:
        """``person``'s ``k`` strongest relationships, strongest first; with no ``person``
        (``s.top(k=5)``), the ``k`` strongest relationships in the whole scorer."""
        if person is None:
            frame = self.top_frame(k=k, at=at)
            names = list(frame.columns)
            return [Relationship._from_row(dict(zip(names, row)), lambda p: self._person(str(p)))
                    for row in frame.itertuples(index=False, name=None)]
        rows = self._core.top(person=query_name(person, "person"), k=_convert.whole_number(k, "k"),
                              at_us=_convert.optional_micros(at))
        return [Relationship._from_tuple(t, self._person) for t in rows]

    def top_frame(self, person: Any = None, k: int = 10, *, at: Optional[TimeLike] = None) -> pd.DataFrame:
        """``person``'s ``k`` strongest relationships as a DataFrame (the columns of
        :meth:`to_pandas`); with no ``person``, the ``k`` strongest in the whole scorer."""
        k = _convert.whole_number(k, "k")
        if person is None:
            t = self.table(at=at)
            strength = t["strength"]
            if k < len(strength):
                pick = np.argpartition(-strength, k - 1)[:k] if k else np.zeros(0, dtype=np.int64)
            else:
                pick = np.arange(len(strength))
            pick = pick[np.argsort(-strength[pick], kind="stable")]
            return relationship_frame({c: v[pick] for c, v in t.items()}, self._core.people(), False, self._ids)
        rows = self._core.top(person=query_name(person, "person"), k=k, at_us=_convert.optional_micros(at))
        cols: List[Any] = list(zip(*rows)) if rows else [[] for _ in RELATIONSHIP_COLUMNS]
        return pd.DataFrame(frame_columns("relationship", dict(zip(RELATIONSHIP_COLUMNS, cols)),
                                          lambda v: person_column(v, [], self._ids, codes=False)))

    def history(self, a: Any, b: Any, times: Any) -> pd.DataFrame:
        """The relationship of ``a`` and ``b`` at past (or future) ``times``.

        The pair's retained interactions are replayed in time order into a fresh scorer
        with this one's configuration, and the relationship is read at each time: the same
        answer a scorer fed only the log up to that time gives. Needs
        ``Scorer(retain_events=True)``; without it, keep snapshots (:meth:`to_bytes`) at
        the times of interest, or replay the log (as :func:`relscore.plot.timeline` does).

        ``times``: a time or an array/list/Series of times (anything :meth:`add_arrays`
        takes). Returns one row per time, in the given order: ``time`` and the
        :class:`Relationship` fields ``strength``, ``volume_ab``, ``volume_ba``,
        ``reciprocity``, ``last_interaction`` (NaT before the first interaction) and
        ``interactions``."""
        if not self._core.insight_settings["retain_events"]:
            raise ValueError(
                "relscore.Scorer.history(): this scorer keeps no past interactions; create it with "
                "Scorer(retain_events=True) to replay a pair, or keep snapshots (Scorer.to_bytes(), "
                "relscore::save_snapshot) at the times you want and query those")
        name_a, name_b = query_name(a, "a"), query_name(b, "b")
        scalar = np.ndim(times) == 0 and not isinstance(times, (list, tuple))
        when = _convert.time_column(pd.Series([times]) if scalar else times, "times")
        x = self._core.explain(a=name_a, b=name_b, receipts=2**62, at_us=None)
        events = sorted(raw_records("receipt", x["receipts"]), key=lambda r: r["time"])
        replay = self._empty_core()
        order = np.argsort(when, kind="stable")
        n = len(when)
        cols = {c: np.zeros(n) for c in ("strength", "volume_ab", "volume_ba", "reciprocity")}
        last = np.full(n, _convert._NAT, dtype=np.int64)
        count = np.zeros(n, dtype=np.int64)
        k = 0
        for i in order:
            t = int(when[i])
            while k < len(events) and events[k]["time"] <= t:
                ev = events[k]
                src = name_a if ev["mutual"] else ev["source"]
                replay.add(time_us=ev["time"], source=src, target=name_b if src == name_a else name_a,
                                 channel=ev["channel"], weight=ev["weight"], mutual=ev["mutual"])
                k += 1
            if k:
                r = dict(zip(RELATIONSHIP_COLUMNS, replay.between(a=name_a, b=name_b, at_us=t)))
                for c in ("strength", "volume_ab", "volume_ba", "reciprocity"):
                    cols[c][i] = r[c]
                last[i] = _convert._NAT if r["last_interaction"] is None else int(r["last_interaction"])
                count[i] = int(r["interactions"])
        return pd.DataFrame({
            "time": utc_times(when),
            **cols,
            "last_interaction": pd.Series(pd.DatetimeIndex(
                np.where(last == _convert._NAT, np.datetime64("NaT", "us"), last.view("datetime64[us]"))
            ).tz_localize("UTC")),
            "interactions": count,
        })

    def table(self, *, at: Optional[TimeLike] = None) -> Dict[str, np.ndarray]:
        """Every relationship as numpy columns, one per :class:`Relationship` field: ``a``
        and ``b`` (indexes into :attr:`people`), ``strength``, ``volume_ab``,
        ``volume_ba``, ``reciprocity``, ``last_interaction`` (datetime64[us], UTC: numpy
        has no time zones), ``interactions``, ``first_interaction`` and ``touches``."""
        t = self._core.table(at_us=_convert.optional_micros(at))
        t.pop("at_us")
        return numpy_times(t)

    def to_pandas(self, *, at: Optional[TimeLike] = None, sort: bool = True) -> pd.DataFrame:
        """Every relationship as a DataFrame, strongest first unless ``sort=False``.

        Columns (shared with :meth:`top_frame`, :meth:`due` and :meth:`insight_frame`):
        ``a``, ``b`` (int64 for integer ids, else categoricals), ``strength``,
        ``volume_ab``, ``volume_ba``, ``reciprocity`` (float64), ``last_interaction``
        (datetime64[us, UTC]), ``interactions`` (int64), ``first_interaction`` and
        ``touches``: every :class:`Relationship` field, in its order."""
        t = self.table(at=at)
        return relationship_frame(t, self._core.people(), sort, self._ids)
