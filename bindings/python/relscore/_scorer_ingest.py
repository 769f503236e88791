"""Scorer's ingest: one interaction, arrays, a DataFrame (see :class:`relscore.Scorer`)."""

from __future__ import annotations

from typing import Any, List, Optional

import numpy as np
import pandas as pd

from . import _convert
from ._core import add_common as _add_common
from ._columns import LogColumns
from ._convert import TimeLike
from ._scorer_base import ScorerBase

__all__ = ["ScorerIngest"]


def _bad_channel(channel: Any) -> str:
    raise ValueError(f"channel must be a string, got {channel!r}")


# add()'s fast path: the exact id types it takes, and their kind (bool is no int here).
_FAST_KIND = {str: "str", int: "int"}


def _fast_micros(time: Any) -> Optional[int]:
    """add()'s fast path for an aware Timestamp, in microseconds; None for any other type
    (seconds are the C++ add_common's, everything else the general path's)."""
    if type(time) is pd.Timestamp and time.tzinfo is not None:
        return int(time.value) // 1000
    return None


class ScorerIngest(ScorerBase):
    """The ingest methods of :class:`relscore.Scorer`."""

    __slots__ = ()

    def add(
        self,
        time: TimeLike,
        source: Any,
        target: Any,
        *,
        channel: str = "contact",
        weight: Optional[float] = None,
        mutual: bool = False,
    ) -> None:
        """Add one interaction (``mutual=True`` counts it in both directions).

        ``source`` and ``target`` are strings or integer ids (an integer is named by its
        decimal digits); ``mutual`` is True/False or 1/0; ``weight`` is at most
        :data:`relscore.MAX_WEIGHT`. Anything else raises ValueError naming the argument,
        and the scorer is unchanged. A scorer's ids are all integers or all strings (see
        :attr:`ids`): the other kind raises ValueError."""
        # The common call (UNIX-seconds or Timestamp time, two str or two int ids, a
        # channel name, no weight) skips the general conversions: a Python loop of add()
        # is dominated by them. Seconds are converted in C++ (add_common), an aware
        # Timestamp below. Anything the core refuses is retried on the general path,
        # which says what was wrong (the core changes nothing when it refuses).
        if weight is None:
            kind = _add_common(self._core, time, source, target, channel, mutual, self._ids)
            if kind is not None:
                self._ids = kind
                return
        kind = _FAST_KIND.get(type(source))
        if (kind is not None and type(target) is type(source) and weight is None and type(channel) is str
                and (self._ids is None or self._ids == kind) and (mutual is False or mutual is True)):
            try:
                us = _fast_micros(time)
                if us is not None and _convert._MIN_US <= us <= _convert._MAX_US and source and target:
                    if kind == "int":
                        self._core.add(us, str(source), str(target), channel, None, mutual)
                    else:
                        self._core.add(us, source, target, channel, None, mutual)
                    self._ids = kind
                    return
            except (TypeError, ValueError, OverflowError):
                pass  # the general path below gives the message
        src, tgt = _convert.person_name(source, "source"), _convert.person_name(target, "target")
        kind = _convert.id_kind_of(source)
        if _convert.id_kind_of(target) != kind:
            raise ValueError("relscore.Scorer.add(): source and target mix an integer and a string id; a scorer's "
                             "ids are all integers or all strings")
        self._admit(kind, "add()")
        self._core.add(
            time_us=_convert.to_micros(time, "time"),
            source=src,
            target=tgt,
            channel=_convert.check_text(channel, "channel") if isinstance(channel, str) else _bad_channel(channel),
            weight=_convert.weight_value(weight),
            mutual=_convert.mutual_value(mutual),
        )
        self._ids = kind

    def add_arrays(
        self,
        time: Any,
        source: Any,
        target: Any,
        *,
        channel: Any = None,
        weight: Any = None,
        mutual: Any = None,
        default_channel: str = "contact",
        missing_weight: str = "raise",
        origin: Any = None,
        unit: Optional[str] = None,
    ) -> None:
        """Add many interactions from arrays, without per-row Python work.

        ``time``: datetime64 of any unit, ISO strings, or numbers: UNIX seconds by
        default; for relative times (seconds since the start of a study, say) give
        ``origin=`` (the time that 0 stands for: "unix", a Timestamp, an ISO string) and
        ``unit=`` ("D", "h", "m", "s", "ms", "us" or "ns"), as ``pandas.to_datetime``
        takes them, so they do not land in 1970. ``source``/``target``: string, object
        or integer ids, or pandas Categoricals (their codes are used directly); integer
        ids come back as integers in results, and a scorer's ids are all one kind (see
        :attr:`ids`). ``channel``: one name for all, or an array of names. ``weight``:
        floats (default: each channel's weight; a NaN raises, or with
        ``missing_weight="default"`` takes its channel's weight, as a blank cell does in
        the CLI). ``mutual``: bools.

        The whole batch is validated before anything changes: on error the scorer is as
        it was. It is applied in time order whatever its row order, so a shuffled batch
        gives the sorted batch's answers, bit for bit, for every field. An interaction
        older than its pair's newest from an *earlier* call is "late": it counts in the
        volumes and strength, not in touches, replies, waits, streaks or rhythm
        (:attr:`Conversation.late` counts them); feed history oldest first or in one batch."""
        time_us = _convert.time_column(time, origin=origin, unit=unit)
        src, tgt, people, kind = _convert.id_columns(source, target)
        self._add_coded(time_us, src, tgt, people, kind, channel=channel, weight=weight, mutual=mutual,
                        default_channel=default_channel, missing_weight=missing_weight)

    def _add_coded(self, time_us: np.ndarray, src: np.ndarray, tgt: np.ndarray, people: list, kind: str, *,
                   channel: Any, weight: Any, mutual: Any, default_channel: str, missing_weight: str,
                   weight_owned: bool = False) -> None:
        """add_arrays() after its time and person conversions: ``time_us`` int64
        microseconds, ``src``/``tgt`` int64 codes into ``people`` (the core's names, of
        id kind ``kind``). relscore.dask's shards come in here with their people already
        as codes of the log's one table. ``weight_owned``: ``weight`` is a float64 array
        of the caller's own, whose missing weights may be filled in place."""
        n = time_us.shape[0]
        if n:
            self._admit(kind, "add_arrays()")
        if src.shape[0] != n:
            raise ValueError(f"length mismatch: time has {n} rows, source has {src.shape[0]}")
        channel_codes: Optional[np.ndarray] = None
        channel_names: List[str] = []
        if isinstance(channel, str):
            default_channel = channel
        elif channel is not None:
            channel_codes, channel_names = _convert.channel_column(channel, n)
        _convert.text_value(default_channel, "default_channel")
        if missing_weight not in ("raise", "default"):
            raise ValueError(f"missing_weight must be 'raise' or 'default', got {missing_weight!r}")
        defaults = None  # each channel's weight, by channel code (one for all without a channel column)
        if weight is not None and missing_weight == "default":
            by_name = {c.name: c.weight for c in self.channels}
            names = channel_names if channel_codes is not None else [default_channel]
            defaults = np.array([by_name.get(name, np.nan) for name in names], dtype=np.float64)
            if np.isnan(defaults).any():  # the core refuses an unknown channel's rows; say so, not that a weight is NaN
                unknown = np.isnan(defaults[channel_codes]) if channel_codes is not None else np.ones(n, dtype=bool)
                if unknown.any():
                    row = int(np.argmax(unknown))
                    name = names[channel_codes[row]] if channel_codes is not None else names[0]
                    raise ValueError(f"channel at row {row}: unknown channel {name!r} (known: {', '.join(by_name)})")
        self._core.add_columns(
            time_us=time_us,
            source=src,
            target=tgt,
            people=people,
            channel=channel_codes,
            channel_names=channel_names,
            default_channel=default_channel,
            weight=None if weight is None else _convert.weight_column(weight, n, defaults, channel_codes,
                                                                       owned=weight_owned),
            mutual=None if mutual is None else _convert.mutual_column(mutual, n),
        )
        if n:
            self._ids = kind

    def add_dataframe(self, frame: pd.DataFrame, **columns: Any) -> None:
        """Add the interactions of a DataFrame. Keyword arguments name its columns and how
        to read them (:class:`relscore.LogColumns`: ``time=``, ``source=``, ``target=``,
        required; ``channel=``, ``weight=``, ``mutual=``, used when present;
        ``default_channel=``, ``missing_weight=``, ``origin=``, ``unit=``). See
        :meth:`add_arrays` for the accepted dtypes, ``missing_weight``, and ``origin=`` and
        ``unit=`` for numeric (relative) times."""
        self._add_log(frame, LogColumns.of("relscore.Scorer.add_dataframe()", columns))

    def _add_log(self, frame: pd.DataFrame, columns: LogColumns) -> None:
        columns.require(frame)
        self.add_arrays(
            frame[columns.time],
            frame[columns.source],
            frame[columns.target],
            channel=columns.optional(frame, columns.channel),
            weight=columns.optional(frame, columns.weight),
            mutual=columns.optional(frame, columns.mutual),
            default_channel=columns.default_channel,
            missing_weight=columns.missing_weight,
            origin=columns.origin,
            unit=columns.unit,
        )

    @property
    def threads(self) -> int:
        """Threads a batch (:meth:`add_arrays`, :meth:`add_dataframe`) may use: 1 by
        default; assign 0 for one per core. Each thread takes at least 65,536 of the
        batch's interactions, so smaller batches run on one. The result is the same, bit
        for bit, with any number. A setting of this scorer (kept by :meth:`copy`), not
        of its model: snapshots do not save it."""
        return int(self._core.threads)

    @threads.setter
    def threads(self, n: int) -> None:
        self._core.threads = _convert.whole_number(n, "relscore.Scorer.threads (0: one per core)",
                                                   most=_convert.UINT32_MAX)

    def shrink_to_fit(self) -> None:
        """Release spare capacity: every pair's decayed sums packed with no slack, every array
        trimmed to its size. Results are unchanged; worth calling once after a large ingest
        that is kept for querying (later ingest grows the storage again as needed)."""
        self._core.shrink_to_fit()
