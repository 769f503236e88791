"""The columns of an interaction log, by role, and how to read them.

Design notes
- One frozen dataclass lists every role with its default, so :meth:`Scorer.add_dataframe`,
  :meth:`Scorer.fit`, :mod:`relscore.dask` and :func:`relscore.plot.relationship` take the
  same keywords (``time=``, ``source=``, …) without each writing the list again: a new role
  is one edit here.
- Those functions take ``**columns`` and build it with :meth:`LogColumns.of`, which names
  the function and the keyword it does not know (a misspelt role is an error, not ignored).
- Imports nothing from the package: every layer may use it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Collection, Mapping, Optional

import pandas as pd


@dataclass(frozen=True)
class LogColumns:
    """Which column of a log's DataFrame holds each part of an interaction, and how to read
    it; the keyword arguments of :meth:`Scorer.add_dataframe` and the functions that take a
    log like it.

    ``time``, ``source`` and ``target`` name required columns; ``channel``, ``weight`` and
    ``mutual`` are used when the frame has them (None: ignore the column).
    ``default_channel``: the channel of every row when there is no channel column.
    ``missing_weight``: ``"raise"`` on a missing weight, or ``"default"`` to take its
    channel's. ``origin=`` and ``unit=``: for numeric (relative) times, as
    :meth:`Scorer.add_arrays` takes them."""

    time: str = "time"
    source: str = "source"
    target: str = "target"
    channel: Optional[str] = "channel"
    weight: Optional[str] = "weight"
    mutual: Optional[str] = "mutual"
    default_channel: str = "contact"
    missing_weight: str = "raise"
    origin: Any = None
    unit: Optional[str] = None

    @classmethod
    def of(cls, where: str, columns: Mapping[str, Any], *, without: Collection[str] = ()) -> "LogColumns":
        """The roles given as keyword arguments to ``where`` (a function's name, for the
        error); ``without``: roles that function does not take."""
        known = [f.name for f in dataclasses.fields(cls) if f.name not in without]
        unknown = [name for name in columns if name not in known]
        if unknown:
            raise TypeError(f"{where} got an unexpected keyword argument {unknown[0]!r} "
                            f"(the log's columns and reading options are: {', '.join(known)})")
        return cls(**columns)

    def require(self, frame: pd.DataFrame) -> None:
        """Raise KeyError naming the first required column ``frame`` lacks, ValueError when
        two of its columns have the name of one role."""
        missing = [c for c in (self.time, self.source, self.target) if c not in frame.columns]
        if missing:
            raise KeyError(f"DataFrame has no column {missing[0]!r} (columns: {list(frame.columns)})")
        for role in ("time", "source", "target", "channel", "weight", "mutual"):
            name = getattr(self, role)
            # frame[name] would be a DataFrame, not a column: refuse it here, by name
            count = list(frame.columns).count(name) if name is not None else 0
            if count > 1:
                raise ValueError(f"DataFrame has {count} columns named {name!r} ({role}=)")

    def optional(self, frame: pd.DataFrame, name: Optional[str]) -> Optional[pd.Series]:
        """Column ``name`` of ``frame`` if it is given and present, else None."""
        return frame[name] if name is not None and name in frame.columns else None
