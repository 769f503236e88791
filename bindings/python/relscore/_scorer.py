"""relscore.Scorer: the Pythonic face of the C++ scorer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

import numpy as np
import pandas as pd

from . import _convert, _core
from ._convert import DurationLike, TimeLike

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


def _short(td: pd.Timedelta) -> str:
    us = int(td.value // 1000)
    for unit, size in (("w", 7 * 86_400_000_000), ("d", 86_400_000_000), ("h", 3_600_000_000), ("m", 60_000_000),
                       ("s", 1_000_000)):
        if us and us % size == 0:
            return f"{us // size}{unit}"
    return f"{us}us"


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
        self._core = _core.Scorer(reciprocity=reciprocity, channels=[(n, w, h) for n, (w, h) in specs.items()])

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
        return self._wrap(_core.Scorer(reciprocity=self.reciprocity, channels=self._core.channels))

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
        """Add one interaction (``mutual=True`` counts it in both directions)."""
        self._core.add(
            time_us=_convert.to_micros(time),
            source=_convert.check_text(str(source), "source"),
            target=_convert.check_text(str(target), "target"),
            channel=channel,
            weight=None if weight is None else float(weight),
            mutual=bool(mutual),
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
        names = pd.Index(self.people)
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


DEFAULT_CHANNELS: Tuple[Channel, ...] = tuple(Scorer().channels)
"""The default channels: message 0.5/30d, email 1/60d, contact 1/60d, call 2/90d,
meeting 3/120d, introduction 5/180d, favour 5/180d (weight/half-life)."""
