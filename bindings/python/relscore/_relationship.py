"""What a Scorer hands out about its configuration and its pairs: :class:`Channel`, and
:class:`Relationship`, whose fields are the C++ description of a relationship."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional, Tuple, Union

import pandas as pd

from ._convert import DurationLike, _duration_micros
from ._describe import Record

__all__ = ["Channel", "ChannelSpec", "Relationship"]


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


ChannelSpec = Union[Channel, Tuple[float, DurationLike], Mapping[str, Any]]


def _short(td: pd.Timedelta) -> str:
    us = _duration_micros(td)  # not td.value: nanoseconds overflow beyond 292 years
    for unit, size in (("w", 7 * 86_400_000_000), ("d", 86_400_000_000), ("h", 3_600_000_000), ("m", 60_000_000),
                       ("s", 1_000_000)):
        if us and us % size == 0:
            return f"{us // size}{unit}"
    return f"{us}us"
