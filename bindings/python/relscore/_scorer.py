"""relscore.Scorer: the Pythonic face of the C++ scorer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

from . import _convert, _core, _fit, _insight
from ._describe import FIELDS, Record, field_names, frame_columns, raw_records
from ._convert import DurationLike, TimeLike
from ._insight import Conversation, Explanation, Rhythm, StarCalibration, Trend

__all__ = ["Channel", "Relationship", "Scorer", "DEFAULT_CHANNELS"]


@dataclass(frozen=True)
class Channel:
    """How two people interacted: its weight (what one interaction is worth) and its
    half-life (how fast that worth fades)."""

    name: str
    weight: float
    half_life: pd.Timedelta

    def __repr__(self) -> str:
        return f"Channel({self.name!r}, weight={self.weight:g}, half_life={_short(self.half_life)!r})"


class Relationship(Record, result="relationship"):
    """One relationship at one time, seen from ``a``.

    Its fields are the C++ description of a relationship (``relscore/describe.hpp``), in
    that order: a field added there appears here too.

    Attributes
    ----------
    a, b:
        The two people, as given to the scorer (integers stay integers).
    strength:
        ``(1 − ρ)(V_ab + V_ba) + ρ·2·min(V_ab, V_ba)``: the decayed volume both ways,
        with its one-sided excess discounted by ρ; 0 for people who never interacted.
    volume_ab:
        Decayed volume from ``a`` toward ``b`` (each a→b and each mutual interaction
        counts ``w · 2^(−age/h)``, with its channel's weight w and half-life h).
    volume_ba:
        Decayed volume from ``b`` toward ``a``.
    reciprocity:
        ``2·min(V_ab, V_ba) / (V_ab + V_ba)`` in [0, 1]: 1 balanced, 0 one-sided.
    last_interaction:
        Time of the pair's newest interaction (UTC Timestamp), None if none.
    interactions:
        How many interactions the pair had, both directions.
    first_interaction:
        Time of the pair's first interaction (UTC Timestamp), None if none.
    touches:
        Touch periods (``touch_gap``, UTC days by default) with contact.
    """

    a: Any
    b: Any
    strength: float
    volume_ab: float
    volume_ba: float
    reciprocity: float
    last_interaction: Optional[pd.Timestamp]
    interactions: int
    first_interaction: Optional[pd.Timestamp]
    touches: int

    @classmethod
    def _from_tuple(cls, t: tuple, person: Any = None) -> "Relationship":
        return cls._from_values(t, person)

    def __repr__(self) -> str:
        last = self.last_interaction.isoformat() if self.last_interaction is not None else None
        return (
            f"Relationship({self.a!r} - {self.b!r}: strength={self.strength:.4g}, volume_ab={self.volume_ab:.4g}, "
            f"volume_ba={self.volume_ba:.4g}, reciprocity={self.reciprocity:.3f}, last={last}, "
            f"interactions={self.interactions})"
        )


_COLUMNS = field_names("relationship")

ChannelSpec = Union[Channel, Tuple[float, DurationLike], Mapping[str, Any]]


def _bad_channel(channel: Any) -> str:
    raise ValueError(f"channel must be a string, got {channel!r}")


def _short(td: pd.Timedelta) -> str:
    us = int(td.value // 1000)
    for unit, size in (("w", 7 * 86_400_000_000), ("d", 86_400_000_000), ("h", 3_600_000_000), ("m", 60_000_000),
                       ("s", 1_000_000)):
        if us and us % size == 0:
            return f"{us // size}{unit}"
    return f"{us}us"


# Every DataFrame of relationships (to_pandas, top_frame, due, insight_frame) names and
# types its shared columns alike (tests/python/test_frames.py lists them): person columns
# a and b are int64 for a scorer of integer ids and categoricals of strings otherwise;
# times are datetime64[us, UTC] (microseconds, the core's unit, span years 1400..9999,
# which nanoseconds cannot); durations timedelta64[us]; counts int64; numbers float64.
TIME_DTYPE = "datetime64[us, UTC]"


def utc_times(us: Any) -> pd.Series:
    """int64 microseconds (or datetime64) as a datetime64[us, UTC] Series."""
    array = np.asarray(us)
    if array.dtype.kind != "M":
        array = array.astype(np.int64).view("datetime64[us]")
    return pd.Series(pd.DatetimeIndex(array.astype("datetime64[us]")).tz_localize("UTC"))


def person_column(codes_or_names: Any, people: List[Any], kind: Optional[str], *, codes: bool) -> Any:
    """A column of people: int64 for integer ids, else a categorical of the names."""
    if kind == "int":
        if codes:
            return np.asarray(people, dtype=np.int64)[np.asarray(codes_or_names, dtype=np.int64)]
        return np.asarray([int(x) for x in codes_or_names], dtype=np.int64)
    if codes:
        return pd.Categorical.from_codes(np.asarray(codes_or_names, dtype=np.int64), categories=pd.Index(people))
    values = [str(x) for x in codes_or_names]
    return pd.Categorical(values, categories=pd.Index(sorted(set(values))))


def _name_array(values: Any, what: str) -> np.ndarray:
    """Person ids as an array of the core's names (integers by their decimal digits)."""
    array = np.asarray(values.to_numpy() if isinstance(values, (pd.Series, pd.Index)) else values)
    if array.ndim != 1:
        raise ValueError(f"relscore.Scorer.between_many(): {what} must be one-dimensional")
    if array.dtype.kind in "iu":
        return array.astype(str).astype(object)
    return np.array([str(int(v)) if isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))
                     else str(v) for v in array], dtype=object)


def _relationship_frame(t: Dict[str, np.ndarray], people: List[str], sort: bool,
                        kind: Optional[str] = None) -> pd.DataFrame:
    """The to_pandas() frame of table() columns `t` (a and b index `people`, the core's
    names; times int64 microseconds or datetime64): every described field of a
    relationship, in description order."""
    frame = pd.DataFrame(frame_columns("relationship", t, lambda v: person_column(v, people, kind, codes=True)))
    if sort:
        frame = frame.sort_values("strength", ascending=False, kind="stable").reset_index(drop=True)
    return frame


def _numpy_times(t: Dict[str, Any]) -> Dict[str, Any]:
    """Core table columns with the time fields as datetime64[us] and durations as
    timedelta64[us] (views of the int64 microseconds)."""
    for name, kind, _ in FIELDS["relationship"]:
        if kind in ("time", "duration"):
            t[name] = np.asarray(t[name]).view("datetime64[us]" if kind == "time" else "timedelta64[us]")
    return t


# add()'s fast path: the exact id types it takes, and their kind (bool is no int here).
_FAST_KIND = {str: "str", int: "int"}


def _fast_micros(time: Any) -> Optional[int]:
    """add()'s fast path for an aware Timestamp, in microseconds; None for any other type
    (seconds are the C++ add_common's, everything else the general path's)."""
    if type(time) is pd.Timestamp and time.tzinfo is not None:
        return int(time.value) // 1000
    return None


class Scorer:
    """Scores relationships from interactions: time-decaying, reciprocity-weighted.

    Directed volume of a toward b at time t sums each interaction a→b (and each mutual
    one) as ``w · 2^(−(t − t_i)/h)`` with the channel's weight w and half-life h.
    Strength is ``(1 − ρ)(V_ab + V_ba) + ρ·2·min(V_ab, V_ba)``; reciprocity is
    ``2·min / (V_ab + V_ba)``.

    Person ids are strings or integers and come back as given (see :attr:`ids`): the
    first interaction added sets the kind, and ids of the other kind raise ValueError.

    Parameters
    ----------
    reciprocity:
        ρ in [0, 1]: 0 ignores direction, 1 counts only reciprocated volume.
    channels:
        Extra or overriding channels: ``{"coffee": (2.5, "90d")}`` or ``Channel``
        objects. The defaults (message, email, contact, call, meeting, introduction,
        favour) stay unless ``defaults=False``.
    half_life:
        If given, every channel's half-life (before ``channels`` overrides).
    defaults:
        Start from the default channels (True) or from none (False).
    reply_window, touch_gap, trend_horizon, trend_threshold, new_tie_rhythm, min_rhythm:
        Settings of the conversation statistics, trend and keep-in-touch rhythm (defaults
        14d, 1d, 30d, 0.3, 30d, 7d; see :meth:`conversation`, :meth:`trend`,
        :meth:`rhythm`).
    conversations:
        Track replies, rhythm and trend (about 460 bytes per pair); False for
        volume-only scoring of very many pairs.
    retain_events:
        Keep every interaction (24 bytes each) so :meth:`explain` can list receipts.
    kernels:
        Decay kernels other than the exponential, by channel name:
        ``{"message": ("power_law", "2d", 1.2)}`` for ``(1 + age/2d)^-1.2`` (an optional
        fourth item sets the range the approximation holds over, default 1000·τ), or
        ``{"meeting": ("window", "30d")}`` to count each meeting for 30 days, then nothing.

    Example
    -------
    >>> s = Scorer()
    >>> s.add("2026-01-05T10:00:00Z", "ana", "ben", channel="email")
    >>> s.add("2026-01-06T09:00:00Z", "ben", "ana", channel="call")
    >>> round(s.between("ana", "ben").strength, 4)
    2.9773
    """

    # _ids: the kind of person ids ingested, "int" or "str" (None before the first
    # ingest). The core names people by strings (an integer by its decimal digits); results
    # turn names back into integers for a scorer of integer ids.
    __slots__ = ("_core", "_ids")

    def __init__(
        self,
        *,
        reciprocity: float = 0.5,
        channels: Optional[Mapping[str, ChannelSpec]] = None,
        half_life: Optional[DurationLike] = None,
        defaults: bool = True,
        reply_window: Optional[DurationLike] = None,
        touch_gap: Optional[DurationLike] = None,
        trend_horizon: Optional[DurationLike] = None,
        trend_threshold: Optional[float] = None,
        new_tie_rhythm: Optional[DurationLike] = None,
        min_rhythm: Optional[DurationLike] = None,
        conversations: bool = True,
        retain_events: bool = False,
        kernels: Optional[Mapping[str, Tuple[Any, ...]]] = None,
    ) -> None:
        specs: Dict[str, Tuple[float, int]] = {}
        if defaults:
            for name, weight, hl in _core.Scorer(reciprocity=0.5, channels=[]).channels:
                specs[name] = (weight, hl)
        if half_life is not None:
            h = _convert.to_duration_micros(half_life)
            specs = {name: (w, h) for name, (w, _) in specs.items()}
        for name, spec in (channels or {}).items():
            if isinstance(spec, Channel):
                weight, hl = spec.weight, _convert.to_duration_micros(spec.half_life)
            elif isinstance(spec, Mapping):
                weight = float(spec["weight"])
                hl = _convert.to_duration_micros(spec.get("half_life", half_life or "60d"))
            else:
                weight, hl_like = spec
                hl = _convert.to_duration_micros(hl_like)
            specs[name] = (float(weight), hl)
        if not specs:
            raise ValueError("relscore.Scorer: no channels (defaults=False needs channels=...)")
        insight: Dict[str, Any] = {"conversations": bool(conversations), "retain_events": bool(retain_events)}
        for key, value in (("reply_window_us", reply_window), ("touch_gap_us", touch_gap),
                           ("trend_horizon_us", trend_horizon), ("new_tie_rhythm_us", new_tie_rhythm),
                           ("min_rhythm_us", min_rhythm)):
            if value is not None:
                insight[key] = _convert.to_duration_micros(value)
        if trend_threshold is not None:
            insight["trend_threshold"] = float(trend_threshold)
        kernel_specs: Dict[str, Tuple[str, int, float, int]] = {}
        for name, given in (kernels or {}).items():
            parts: List[Any] = list(given)
            kind = str(parts[0])
            if kind == "power_law":
                if len(parts) not in (3, 4):
                    raise ValueError(f"relscore.Scorer: kernel of '{name}': expected ('power_law', tau, beta[, range])")
                kernel_specs[name] = (kind, _convert.to_duration_micros(parts[1]), float(parts[2]),
                                      _convert.to_duration_micros(parts[3]) if len(parts) == 4 else 0)
            elif kind == "window":
                if len(parts) != 2:
                    raise ValueError(f"relscore.Scorer: kernel of '{name}': expected ('window', length)")
                kernel_specs[name] = (kind, _convert.to_duration_micros(parts[1]), 0.0, 0)
            else:
                raise ValueError(f"relscore.Scorer: kernel of '{name}': unknown kernel '{kind}' (power_law or window)")
        self._core = _core.Scorer(
            reciprocity=reciprocity, channels=[(n, w, h) for n, (w, h) in specs.items()], insight=insight,
            kernels=kernel_specs,
        )
        self._ids: Optional[str] = None

    # ---- construction helpers --------------------------------------------------------

    @classmethod
    def _wrap(cls, core: _core.Scorer, ids: Optional[str] = None) -> "Scorer":
        obj = cls.__new__(cls)
        obj._core = core
        obj._ids = ids if ids is not None else ("str" if core.people_count else None)
        return obj

    @classmethod
    def from_bytes(cls, data: bytes, *, ids: Optional[str] = None) -> "Scorer":
        """Rebuild a scorer from :meth:`to_bytes` (relscore's snapshot format).

        A snapshot names people by strings; ``ids="int"`` gives them back as integers (as
        a pickle does by itself), for a scorer that was fed integer ids."""
        if ids not in (None, "int", "str"):
            raise ValueError(f"relscore.Scorer.from_bytes(): ids must be 'int' or 'str', got {ids!r}")
        obj = cls._wrap(_core.Scorer.from_bytes(data), ids)
        if obj._ids == "int":
            obj._check_int_names()
        return obj

    @classmethod
    def from_bytes_many(cls, snapshots: Sequence[bytes], *, ids: Optional[str] = None) -> "Scorer":
        """One scorer from the snapshots of scorers that hold **disjoint** relationships
        (the partials of a log partitioned by pair, as :mod:`relscore.dask` makes them),
        decoded in one pass: the first is loaded, each further one appended straight into
        it (people matched by name). The result equals ``from_bytes(snapshots[0])`` merged
        with ``from_bytes`` of each other one, in order, field for field (the same
        :meth:`to_bytes`), without building and merging each partial.

        A relationship found in two snapshots raises ``ValueError`` (combine those with
        :meth:`merge`); so do snapshots of different configurations, or a damaged one
        (naming its position). No snapshots give an empty ``Scorer()``. ``ids`` as in
        :meth:`from_bytes`."""
        if ids not in (None, "int", "str"):
            raise ValueError(f"relscore.Scorer.from_bytes_many(): ids must be 'int' or 'str', got {ids!r}")
        obj = cls._wrap(_core.Scorer.from_bytes_many(list(snapshots)), ids)
        if obj._ids == "int":
            obj._check_int_names()
        return obj

    @classmethod
    def from_config(cls, config: Any, **settings: Any) -> "Scorer":
        """A scorer with the channels and ρ of a configuration: a JSON file's path (as
        :meth:`relscore.FitResult.save` writes it), its dict (:meth:`config`) or a
        :class:`relscore.FitResult`. Only the listed channels exist. ``settings`` are the
        other keyword arguments of :class:`Scorer` (``reply_window``, ``conversations``, …).
        Star thresholds in the file are not applied by themselves: pass
        ``thresholds=config["star_thresholds"]`` to :meth:`stars`.

        >>> s = Scorer.from_config(Scorer(reciprocity=0.8).config())
        >>> s.reciprocity
        0.8
        """
        checked = _fit.read_config(config)
        for key in ("reciprocity", "channels", "defaults", "half_life"):
            if key in settings:
                raise ValueError(f"relscore.Scorer.from_config(): {key}= comes from the configuration")
        channels = {c["name"]: (float(c["weight"]), pd.Timedelta(microseconds=int(c["half_life_us"])))
                    for c in checked["channels"]}
        return cls(reciprocity=float(checked["reciprocity"]), channels=channels, defaults=False, **settings)

    def config(self) -> Dict[str, Any]:
        """The scoring configuration (channels with weights and half-lives, ρ) as the JSON
        object :meth:`from_config` reads (``{"format": "relscore-config", "version": 1,
        ...}``). Decay kernels other than the exponential are not part of it (ValueError)."""
        if self._core.kernels:
            raise ValueError("relscore.Scorer.config(): a configuration holds exponential channels only; this scorer "
                             "has other decay kernels")
        return _fit.make_config(self.reciprocity, [(n, w, h) for n, w, h in self._core.channels])

    @classmethod
    def fit(
        cls,
        log: pd.DataFrame,
        labels: pd.DataFrame,
        *,
        start: Optional[Any] = None,
        at: Optional[TimeLike] = None,
        folds: int = 5,
        seed: int = 0,
        l2: float = 1.0,
        time: str = "time",
        source: str = "source",
        target: str = "target",
        channel: Optional[str] = "channel",
        weight: Optional[str] = "weight",
        mutual: Optional[str] = "mutual",
        default_channel: str = "contact",
        origin: Any = None,
        unit: Optional[str] = None,
    ) -> "_fit.FitResult":
        """Fit channel weights, half-lives and ρ to your own labels, with cross-validation.

        ``log``: the interactions, a DataFrame as :meth:`add_dataframe` takes it (column
        names, ``origin=``/``unit=`` alike; a missing weight is the channel's).
        ``labels``: columns ``a``, ``b`` and either ``stars`` (whole numbers 0..5, your
        own ratings: an ordinal, cumulative-logit fit) or ``label`` (0/1, a tie or not: a
        logistic fit), both on ``log(1 + strength)`` at ``at`` (default: the newest
        interaction). ``start``: the configuration to start from and to compare with (a
        Scorer, a config dict or file; default: the defaults); its channels must include
        every channel of the log. ``folds``: cross-validation folds (stratified by label).
        ``l2``: a weak ridge toward the start on log-weights and log-half-lives.

        Returns a :class:`relscore.FitResult`: the fitted configuration (``save(path)``,
        then ``Scorer.from_config(path)``), per-fold held-out Spearman and AUC of the
        fitted model, of the start and of the raw interaction count (``summary``), and for
        stars the thresholds :meth:`calibrate_stars` fits on the fitted scorer.

        Weights are fitted relative to the channel most interactions take their weight
        from (its weight stays as started); a channel with no interaction among the
        labelled pairs keeps its start values. Method and measured numbers: docs/fitting.md.
        """
        base = (start if isinstance(start, Scorer) else
                cls() if start is None else cls.from_config(start))
        columns = {"time": time, "source": source, "target": target, "channel": channel, "weight": weight,
                   "mutual": mutual}
        result = _fit.fit(log, labels, list(base._core.channels), base.reciprocity,
                          at_us=_convert.optional_micros(at), columns=columns, default_channel=default_channel,
                          origin=origin, unit=unit, folds=int(folds), seed=int(seed), l2=float(l2))
        if result.kind == "stars":
            fitted = cls.from_config(result.config, conversations=True)
            fitted.add_dataframe(log, time=time, source=source, target=target, channel=channel, weight=weight,
                                 mutual=mutual, default_channel=default_channel, missing_weight="default",
                                 origin=origin, unit=unit)
            calibration = fitted.calibrate_stars(labels[["a", "b", "stars"]], at=at)
            result.star_thresholds = list(calibration.thresholds)
            result.config["star_thresholds"] = result.star_thresholds
            result.config["fit"]["stars_agreement"] = {"default_thresholds": calibration.before,
                                                       "fitted_thresholds": calibration.after}
        return result

    def _check_int_names(self) -> None:
        for name in self._core.people():
            if not (name.isascii() and name.lstrip("-").isdigit() and str(int(name)) == name):
                raise ValueError(f"relscore.Scorer: ids='int', but person {name!r} is not an integer")

    def to_bytes(self) -> bytes:
        """The complete state in relscore's versioned, checksummed snapshot format (people
        named by strings: pass ``ids="int"`` to :meth:`from_bytes` for integer ids)."""
        return self._core.to_bytes()

    def __getstate__(self) -> Any:
        # Integer ids travel beside the snapshot; a scorer of strings pickles as its bare
        # snapshot, as before (and older pickles, bare snapshots, still load).
        return self.to_bytes() if self._ids != "int" else (self.to_bytes(), "int")

    def __setstate__(self, state: Any) -> None:
        data, ids = state if isinstance(state, tuple) else (state, None)
        self._core = _core.Scorer.from_bytes(data)
        self._ids = ids if ids is not None else ("str" if self._core.people_count else None)

    def __copy__(self) -> "Scorer":
        return self._wrap(self._core.copy(), self._ids)

    def __deepcopy__(self, memo: dict) -> "Scorer":
        return self._wrap(self._core.copy(), self._ids)

    def copy(self) -> "Scorer":
        """An independent copy."""
        return self.__copy__()

    def empty_like(self) -> "Scorer":
        """A new, empty scorer with the same configuration (channels, reciprocity), so
        the two can merge."""
        return self._wrap(
            _core.Scorer(reciprocity=self.reciprocity, channels=self._core.channels,
                         insight=self._core.insight_settings, kernels=self._core.kernels),
            self._ids,
        )

    # ---- properties -----------------------------------------------------------------

    @property
    def reciprocity(self) -> float:
        """The reciprocity weight ρ."""
        return self._core.reciprocity

    @property
    def channels(self) -> List[Channel]:
        """The channels, in id order."""
        return [Channel(n, w, pd.Timedelta(microseconds=h)) for n, w, h in self._core.channels]

    @property
    def people(self) -> List[Any]:
        """Every person's id, in order of first appearance (integers for a scorer fed
        integer ids, strings otherwise)."""
        names = self._core.people()
        return [int(n) for n in names] if self._ids == "int" else names

    @property
    def ids(self) -> Optional[str]:
        """The kind of person ids: "int" or "str" (None before anything is added). A
        scorer's ids are all one kind, set by the first interaction added; results give
        them back as that kind."""
        return self._ids

    def _person(self, name: Any) -> Any:
        """A core name as the id the caller gave: an int for a scorer of integer ids."""
        return int(name) if self._ids == "int" and name is not None else name

    def _admit(self, kind: str, what: str) -> None:
        """Refuse ids of the other kind than the scorer's (before anything changes)."""
        if self._ids is not None and kind != self._ids:
            raise _convert.mixed_ids_error(what, self._ids, kind)

    @property
    def newest(self) -> Optional[pd.Timestamp]:
        """The newest interaction time ingested (UTC), or None."""
        return _convert.from_micros(self._core.newest_us)

    def __len__(self) -> int:
        """The number of relationships (pairs that ever interacted)."""
        return self._core.relationship_count

    def __repr__(self) -> str:
        newest = self.newest.isoformat() if self.newest is not None else None
        return (
            f"relscore.Scorer(people={self._core.people_count}, relationships={len(self)}, newest={newest}, "
            f"reciprocity={self.reciprocity:g}, channels=[{', '.join(c.name for c in self.channels)}])"
        )

    # ---- ingest ---------------------------------------------------------------------

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
            kind = self._core.add_common(time, source, target, channel, mutual, self._ids)
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
        n = time_us.shape[0]
        src, tgt, people, kind = _convert.id_columns(source, target)
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
        if missing_weight not in ("raise", "default"):
            raise ValueError(f"missing_weight must be 'raise' or 'default', got {missing_weight!r}")
        defaults = None
        if weight is not None and missing_weight == "default":
            by_name = {c.name: c.weight for c in self.channels}
            names = channel_names if channel_codes is not None else [default_channel]
            table = np.array([by_name.get(name, np.nan) for name in names], dtype=np.float64)
            defaults = table[channel_codes] if channel_codes is not None else np.full(n, table[0])
        self._core.add_columns(
            time_us=time_us,
            source=src,
            target=tgt,
            people=people,
            channel=channel_codes,
            channel_names=channel_names,
            default_channel=default_channel,
            weight=None if weight is None else _convert.weight_column(weight, n, defaults),
            mutual=None if mutual is None else _convert.mutual_column(mutual, n),
        )
        if n:
            self._ids = kind

    def add_dataframe(
        self,
        frame: pd.DataFrame,
        *,
        time: str = "time",
        source: str = "source",
        target: str = "target",
        channel: Optional[str] = "channel",
        weight: Optional[str] = "weight",
        mutual: Optional[str] = "mutual",
        default_channel: str = "contact",
        missing_weight: str = "raise",
        origin: Any = None,
        unit: Optional[str] = None,
    ) -> None:
        """Add the interactions of a DataFrame; arguments name its columns. ``time``,
        ``source`` and ``target`` are required; the others are used when present. See
        :meth:`add_arrays` for the accepted dtypes, ``missing_weight``, and ``origin=`` and
        ``unit=`` for numeric (relative) times."""
        missing = [c for c in (time, source, target) if c not in frame.columns]
        if missing:
            raise KeyError(f"DataFrame has no column {missing[0]!r} (columns: {list(frame.columns)})")

        def optional(name: Optional[str]) -> Any:
            return frame[name] if name is not None and name in frame.columns else None

        self.add_arrays(
            frame[time],
            frame[source],
            frame[target],
            channel=optional(channel),
            weight=optional(weight),
            mutual=optional(mutual),
            default_channel=default_channel,
            missing_weight=missing_weight,
            origin=origin,
            unit=unit,
        )

    def merge(self, other: "Scorer") -> None:
        """Fold ``other`` in: afterwards this scorer answers as if fed both logs.

        Exact for the volumes and strength (to rounding) always; exact for every other
        field (touches, replies, latencies, waits, streaks, rhythm, stars) when, for each
        pair, one scorer's interactions all come before the other's (a log split by time).
        When they interleave, the conversation statistics are each part's own view added
        up: touches, conversations and waits can only be over-counted, and a reply across
        the parts counts as an unanswered wait. Partition by pair (as :mod:`relscore.dask`
        does) or by time to stay exact."""
        if not isinstance(other, Scorer):
            raise TypeError(f"can only merge a relscore.Scorer, not {type(other).__name__}")
        if other._ids is not None:
            self._admit(other._ids, "merge()")
        self._core.merge(other._core)
        self._ids = self._ids or other._ids

    def shrink_to_fit(self) -> None:
        """Release spare capacity: every pair's decayed sums packed with no slack, every array
        trimmed to its size. Results are unchanged; worth calling once after a large ingest
        that is kept for querying (later ingest grows the storage again as needed)."""
        self._core.shrink_to_fit()

    # ---- queries --------------------------------------------------------------------

    def between(self, a: Any, b: Any, *, at: Optional[TimeLike] = None) -> Relationship:
        """The relationship of ``a`` with ``b`` at ``at`` (default: the newest interaction).
        Raises KeyError for an unknown person, ValueError for a time before the newest
        interaction."""
        return Relationship._from_tuple(self._core.between(a=str(a), b=str(b), at_us=_convert.optional_micros(at)),
                                        self._person)

    def between_many(self, a: Any, b: Any, *, at: Optional[TimeLike] = None) -> np.ndarray:
        """The strengths of many pairs at once: ``a[i]`` with ``b[i]`` for each i.

        ``a`` and ``b`` are equally long arrays, lists or Series of person ids; returns a
        float64 numpy array (one pass over the relationships, no per-pair core call).
        A pair that never interacted (or a person with themself) gives 0.0; a pair where
        either person is unknown to the scorer gives NaN, so ids of the wrong kind or
        spelling show up instead of passing for weak ties.

        >>> s = Scorer(); s.add("2026-01-05", "ana", "ben", channel="call", mutual=True)
        >>> s.between_many(["ana", "ben", "ana"], ["ben", "ana", "zoe"]).round(3).tolist()
        [4.0, 4.0, nan]
        """
        left, right = _name_array(a, "a"), _name_array(b, "b")
        if left.shape != right.shape:
            raise ValueError(f"relscore.Scorer.between_many(): a has {left.size} ids, b has {right.size}")
        t = self._core.table(at_us=_convert.optional_micros(at))
        names = pd.Index(self._core.people())
        n = max(len(names), 1)
        ia, ib = names.get_indexer(left), names.get_indexer(right)
        ta, tb = t["a"].astype(np.int64), t["b"].astype(np.int64)
        keys = np.minimum(ta, tb) * n + np.maximum(ta, tb)
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        wanted = np.minimum(ia, ib) * n + np.maximum(ia, ib)
        pos = np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))
        out = np.zeros(left.shape, dtype=np.float64)
        if len(keys):
            found = keys[pos] == wanted
            out[found] = t["strength"][order[pos[found]]]
        out[(ia < 0) | (ib < 0)] = np.nan
        return out

    def top(self, person: Any = None, k: int = 10, *, at: Optional[TimeLike] = None) -> List[Relationship]:
        """``person``'s ``k`` strongest relationships, strongest first; with no ``person``
        (``s.top(k=5)``), the ``k`` strongest relationships in the whole scorer."""
        if person is None:
            frame = self.top_frame(k=k, at=at)
            names = list(frame.columns)
            return [Relationship._from_row(dict(zip(names, row)), lambda p: self._person(str(p)))
                    for row in frame.itertuples(index=False, name=None)]
        rows = self._core.top(person=str(person), k=int(k), at_us=_convert.optional_micros(at))
        return [Relationship._from_tuple(t, self._person) for t in rows]

    def top_frame(self, person: Any = None, k: int = 10, *, at: Optional[TimeLike] = None) -> pd.DataFrame:
        """``person``'s ``k`` strongest relationships as a DataFrame (the columns of
        :meth:`to_pandas`); with no ``person``, the ``k`` strongest in the whole scorer."""
        if person is None:
            t = self.table(at=at)
            k = max(int(k), 0)
            strength = t["strength"]
            if k < len(strength):
                pick = np.argpartition(-strength, k - 1)[:k] if k else np.zeros(0, dtype=np.int64)
            else:
                pick = np.arange(len(strength))
            pick = pick[np.argsort(-strength[pick], kind="stable")]
            return _relationship_frame({c: v[pick] for c, v in t.items()}, self._core.people(), False, self._ids)
        rows = self._core.top(person=str(person), k=int(k), at_us=_convert.optional_micros(at))
        cols: List[Any] = list(zip(*rows)) if rows else [[] for _ in _COLUMNS]
        return pd.DataFrame(frame_columns("relationship", dict(zip(_COLUMNS, cols)),
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
        name_a, name_b = str(a), str(b)
        scalar = np.ndim(times) == 0 and not isinstance(times, (list, tuple))
        when = _convert.time_column(pd.Series([times]) if scalar else times, "times")
        x = self._core.explain(a=name_a, b=name_b, receipts=2**62, at_us=None)
        events = sorted(raw_records("receipt", x["receipts"]), key=lambda r: r["time"])
        replay = self.empty_like()
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
                replay._core.add(time_us=ev["time"], source=src, target=name_b if src == name_a else name_a,
                                 channel=ev["channel"], weight=ev["weight"], mutual=ev["mutual"])
                k += 1
            if k:
                r = dict(zip(_COLUMNS, replay._core.between(a=name_a, b=name_b, at_us=t)))
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
        return _numpy_times(t)

    def to_pandas(self, *, at: Optional[TimeLike] = None, sort: bool = True) -> pd.DataFrame:
        """Every relationship as a DataFrame, strongest first unless ``sort=False``.

        Columns (shared with :meth:`top_frame`, :meth:`due` and :meth:`insight_frame`):
        ``a``, ``b`` (int64 for integer ids, else categoricals), ``strength``,
        ``volume_ab``, ``volume_ba``, ``reciprocity`` (float64), ``last_interaction``
        (datetime64[us, UTC]), ``interactions`` (int64), ``first_interaction`` and
        ``touches``: every :class:`Relationship` field, in its order."""
        t = self.table(at=at)
        return _relationship_frame(t, self._core.people(), sort, self._ids)

    # ---- insight: replies, trend, rhythm, due, explanations, stars ------------------------

    def conversation(self, a: Any, b: Any, *, at: Optional[TimeLike] = None) -> Conversation:
        """Replies, persistence and initiation between ``a`` and ``b``, seen from ``a``:
        per direction the reply rate, Kaplan–Meier reply-latency quartiles (unanswered
        attempts censored), the unanswered streak and the share of conversations started."""
        return Conversation._from(self._core.conversation(a=str(a), b=str(b), at_us=_convert.optional_micros(at)),
                                  self._person)

    def trend(self, a: Any, b: Any, *, at: Optional[TimeLike] = None) -> Trend:
        """Rising, steady or cooling: the recent pace of contact against the long-run pace."""
        return Trend._from(self._core.trend_of(a=str(a), b=str(b), at_us=_convert.optional_micros(at)))

    def rhythm(self, a: Any, b: Any, *, at: Optional[TimeLike] = None) -> Rhythm:
        """The relationship's typical gap between touches, its due date and how overdue it is."""
        return Rhythm._from(self._core.rhythm_of(a=str(a), b=str(b), at_us=_convert.optional_micros(at)))

    def due(self, person: Any = None, k: int = 20, *, at: Optional[TimeLike] = None) -> pd.DataFrame:
        """The relationships (of ``person``, or of everyone) due a touch: past their own
        rhythm, ranked by strength × overdue. Any interaction resets a relationship's clock."""
        rows = self._core.due(person=None if person is None else str(person), k=int(k),
                              at_us=_convert.optional_micros(at))
        return _insight.due_frame(rows, lambda names: person_column(names, [], self._ids, codes=False))

    def explain(self, a: Any, b: Any, *, receipts: int = 10, at: Optional[TimeLike] = None) -> Explanation:
        """The exact breakdown of the strength of ``a`` and ``b`` by channel and direction
        (the parts sum to the strength) and, with ``retain_events=True``, the ``receipts``
        interactions that contribute most."""
        return Explanation._from(
            self._core.explain(a=str(a), b=str(b), receipts=int(receipts), at_us=_convert.optional_micros(at)),
            self._person,
        )

    def stars(self, a: Any, b: Any, *, at: Optional[TimeLike] = None,
              thresholds: Optional[List[float]] = None) -> int:
        """Stars (0–5) of a relationship: the default mapping (docs/concepts.md), or the
        strength thresholds of :meth:`calibrate_stars`."""
        return int(self._core.stars_of(a=str(a), b=str(b), at_us=_convert.optional_micros(at),
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
        fit = _core.calibrate_stars(self._core, a=[str(x) for x in ratings["a"]], b=[str(x) for x in ratings["b"]],
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
        # One core call gives the table and its insight columns from one state, even while
        # other threads add interactions.
        cols = self._core.insight_columns(at_us=_convert.optional_micros(at),
                                          thresholds=None if star_thresholds is None else list(star_thresholds),
                                          log_span_us=None if log_span is None else _convert.to_duration_micros(log_span))
        frame = _relationship_frame(cols, cols["people"], False, self._ids)
        frame["stars"] = cols["stars"]
        frame["trend"] = pd.Categorical.from_codes(cols["trend"].astype(np.int64) + 1,
                                                   categories=["cooling", "steady", "rising", "not enough history"])
        frame["trend_change"] = cols["trend_change"]
        frame["typical_gap"] = pd.Series(np.asarray(cols["typical_gap_us"], dtype=np.int64).view("timedelta64[us]"))
        frame["due"] = utc_times(cols["due_us"])
        frame["overdue"] = cols["overdue"]
        if sort:
            frame = frame.sort_values("strength", ascending=False, kind="stable").reset_index(drop=True)
        return frame


DEFAULT_CHANNELS: Tuple[Channel, ...] = tuple(Scorer().channels)
"""The default channels: message 0.5/30d, email 1/60d, contact 1/60d, call 2/90d,
meeting 3/120d, introduction 5/180d, favour 5/180d (weight/half-life)."""
