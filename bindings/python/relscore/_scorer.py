"""relscore.Scorer: the Pythonic face of the C++ scorer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

import numpy as np
import pandas as pd

from . import _convert, _core, _insight
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


@dataclass(frozen=True)
class Relationship:
    """One relationship at one time, seen from `a`."""

    a: str
    b: str
    strength: float
    volume_ab: float
    volume_ba: float
    reciprocity: float
    last_interaction: Optional[pd.Timestamp]
    interactions: int

    @classmethod
    def _from_tuple(cls, t: tuple) -> "Relationship":
        a, b, s, vab, vba, r, last, n = t
        return cls(a, b, s, vab, vba, r, _convert.from_micros(last), n)

    def __repr__(self) -> str:
        last = self.last_interaction.isoformat() if self.last_interaction is not None else None
        return (
            f"Relationship({self.a!r} - {self.b!r}: strength={self.strength:.4g}, volume_ab={self.volume_ab:.4g}, "
            f"volume_ba={self.volume_ba:.4g}, reciprocity={self.reciprocity:.3f}, last={last}, "
            f"interactions={self.interactions})"
        )


_COLUMNS = ["a", "b", "strength", "volume_ab", "volume_ba", "reciprocity", "last_interaction", "interactions"]

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


def _relationship_frame(t: Dict[str, np.ndarray], people: List[str], sort: bool) -> pd.DataFrame:
    """The to_pandas() frame of table() columns `t` (a and b index `people`)."""
    names = pd.Index(people)
    frame = pd.DataFrame(
        {
            "a": pd.Categorical.from_codes(t["a"].astype(np.int64), categories=names),
            "b": pd.Categorical.from_codes(t["b"].astype(np.int64), categories=names),
            "strength": t["strength"],
            "volume_ab": t["volume_ab"],
            "volume_ba": t["volume_ba"],
            "reciprocity": t["reciprocity"],
            "last_interaction": pd.DatetimeIndex(t["last_interaction"]).tz_localize("UTC"),
            "interactions": t["interactions"],
        }
    )
    if sort:
        frame = frame.sort_values("strength", ascending=False, kind="stable").reset_index(drop=True)
    return frame


class Scorer:
    """Scores relationships from interactions: time-decaying, reciprocity-weighted.

    Directed volume of a toward b at time t sums each interaction a→b (and each mutual
    one) as ``w · 2^(−(t − t_i)/h)`` with the channel's weight w and half-life h.
    Strength is ``(1 − ρ)(V_ab + V_ba) + ρ·2·min(V_ab, V_ba)``; reciprocity is
    ``2·min / (V_ab + V_ba)``.

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

    __slots__ = ("_core",)

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

    # ---- construction helpers --------------------------------------------------------

    @classmethod
    def _wrap(cls, core: _core.Scorer) -> "Scorer":
        obj = cls.__new__(cls)
        obj._core = core
        return obj

    @classmethod
    def from_bytes(cls, data: bytes) -> "Scorer":
        """Rebuild a scorer from :meth:`to_bytes` (relscore's snapshot format)."""
        return cls._wrap(_core.Scorer.from_bytes(data))

    def to_bytes(self) -> bytes:
        """The complete state in relscore's versioned, checksummed snapshot format."""
        return self._core.to_bytes()

    def __getstate__(self) -> bytes:
        return self.to_bytes()

    def __setstate__(self, state: bytes) -> None:
        self._core = _core.Scorer.from_bytes(state)

    def __copy__(self) -> "Scorer":
        return self._wrap(self._core.copy())

    def __deepcopy__(self, memo: dict) -> "Scorer":
        return self._wrap(self._core.copy())

    def copy(self) -> "Scorer":
        """An independent copy."""
        return self.__copy__()

    def empty_like(self) -> "Scorer":
        """A new, empty scorer with the same configuration (channels, reciprocity), so
        the two can merge."""
        return self._wrap(
            _core.Scorer(reciprocity=self.reciprocity, channels=self._core.channels,
                         insight=self._core.insight_settings, kernels=self._core.kernels)
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
    def people(self) -> List[str]:
        """Every person's name, in order of first appearance."""
        return self._core.people()

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
        and the scorer is unchanged."""
        self._core.add(
            time_us=_convert.to_micros(time, "time"),
            source=_convert.person_name(source, "source"),
            target=_convert.person_name(target, "target"),
            channel=_convert.check_text(channel, "channel") if isinstance(channel, str) else _bad_channel(channel),
            weight=_convert.weight_value(weight),
            mutual=_convert.mutual_value(mutual),
        )

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
    ) -> None:
        """Add many interactions from arrays, without per-row Python work.

        ``time``: datetime64 of any unit, int or float UNIX seconds, or ISO strings.
        ``source``/``target``: string, object or integer ids, or pandas Categoricals
        (their codes are used directly). ``channel``: one name for all, or an array of
        names. ``weight``: floats (default: each channel's weight; a NaN raises, or with
        ``missing_weight="default"`` takes its channel's weight, as a blank cell does in
        the CLI). ``mutual``: bools.

        The whole batch is validated before anything changes: on error the scorer is as
        it was."""
        time_us = _convert.time_column(time)
        n = time_us.shape[0]
        src, tgt, people = _convert.id_columns(source, target)
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
    ) -> None:
        """Add the interactions of a DataFrame; arguments name its columns. ``time``,
        ``source`` and ``target`` are required; the others are used when present. See
        :meth:`add_arrays` for the accepted dtypes and ``missing_weight``."""
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
        )

    def merge(self, other: "Scorer") -> None:
        """Fold ``other`` in: afterwards this scorer answers as if fed both logs."""
        if not isinstance(other, Scorer):
            raise TypeError(f"can only merge a relscore.Scorer, not {type(other).__name__}")
        self._core.merge(other._core)

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
        return Relationship._from_tuple(self._core.between(a=str(a), b=str(b), at_us=_convert.optional_micros(at)))

    def top(self, person: Any, k: int = 10, *, at: Optional[TimeLike] = None) -> List[Relationship]:
        """``person``'s ``k`` strongest relationships, strongest first."""
        rows = self._core.top(person=str(person), k=int(k), at_us=_convert.optional_micros(at))
        return [Relationship._from_tuple(t) for t in rows]

    def top_frame(self, person: Any, k: int = 10, *, at: Optional[TimeLike] = None) -> pd.DataFrame:
        """``person``'s ``k`` strongest relationships as a DataFrame."""
        rows = self._core.top(person=str(person), k=int(k), at_us=_convert.optional_micros(at))
        frame = pd.DataFrame(rows, columns=_COLUMNS)
        frame["last_interaction"] = pd.to_datetime(frame["last_interaction"].astype("Int64"), unit="us", utc=True)
        frame["interactions"] = frame["interactions"].astype(np.int64)
        return frame

    def table(self, *, at: Optional[TimeLike] = None) -> Dict[str, np.ndarray]:
        """Every relationship as numpy columns: ``a`` and ``b`` (person ids, see
        :attr:`people`), ``strength``, ``volume_ab``, ``volume_ba``, ``reciprocity``,
        ``last_interaction`` (datetime64[us], UTC) and ``interactions``."""
        t = self._core.table(at_us=_convert.optional_micros(at))
        t.pop("at_us")
        t["last_interaction"] = t.pop("last_interaction_us").view("datetime64[us]")
        return t

    def to_pandas(self, *, at: Optional[TimeLike] = None, sort: bool = True) -> pd.DataFrame:
        """Every relationship as a DataFrame (names as categoricals), strongest first
        unless ``sort=False``."""
        t = self.table(at=at)
        return _relationship_frame(t, self.people, sort)

    # ---- insight: replies, trend, rhythm, due, explanations, stars ------------------------

    def conversation(self, a: Any, b: Any, *, at: Optional[TimeLike] = None) -> Conversation:
        """Replies, persistence and initiation between ``a`` and ``b``, seen from ``a``:
        per direction the reply rate, Kaplan–Meier reply-latency quartiles (unanswered
        attempts censored), the unanswered streak and the share of conversations started."""
        return Conversation._from(self._core.conversation(a=str(a), b=str(b), at_us=_convert.optional_micros(at)))

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
        return _insight.due_frame(rows)

    def explain(self, a: Any, b: Any, *, receipts: int = 10, at: Optional[TimeLike] = None) -> Explanation:
        """The exact breakdown of the strength of ``a`` and ``b`` by channel and direction
        (the parts sum to the strength) and, with ``retain_events=True``, the ``receipts``
        interactions that contribute most."""
        return Explanation._from(
            self._core.explain(a=str(a), b=str(b), receipts=int(receipts), at_us=_convert.optional_micros(at))
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
                      sort: bool = True) -> pd.DataFrame:
        """:meth:`to_pandas` plus, per relationship: ``stars``, ``first_interaction``,
        ``touches``, ``trend`` (cooling/steady/rising, or "not enough history" for a pair
        known for less than the trend horizon) and ``trend_change``,
        ``typical_gap``, ``due`` and ``overdue``."""
        # One core call gives the table and its insight columns from one state, even while
        # other threads add interactions.
        cols = self._core.insight_columns(at_us=_convert.optional_micros(at),
                                          thresholds=None if star_thresholds is None else list(star_thresholds))
        cols["last_interaction"] = cols.pop("last_interaction_us").view("datetime64[us]")
        frame = _relationship_frame(cols, cols["people"], sort=False)
        frame["stars"] = cols["stars"]
        frame["first_interaction"] = pd.to_datetime(cols["first_interaction_us"], unit="us", utc=True)
        frame["touches"] = cols["touches"]
        frame["trend"] = pd.Categorical.from_codes(cols["trend"].astype(np.int64) + 1,
                                                   categories=["cooling", "steady", "rising", "not enough history"])
        frame["trend_change"] = cols["trend_change"]
        frame["typical_gap"] = pd.to_timedelta(cols["typical_gap_us"], unit="us")
        frame["due"] = pd.to_datetime(cols["due_us"], unit="us", utc=True)
        frame["overdue"] = cols["overdue"]
        if sort:
            frame = frame.sort_values("strength", ascending=False, kind="stable").reset_index(drop=True)
        return frame


DEFAULT_CHANNELS: Tuple[Channel, ...] = tuple(Scorer().channels)
"""The default channels: message 0.5/30d, email 1/60d, contact 1/60d, call 2/90d,
meeting 3/120d, introduction 5/180d, favour 5/180d (weight/half-life)."""
