"""What every part of :class:`relscore.Scorer` stands on: the compiled core scorer, the
kind of person ids, and the conversions between them. The Scorer's jobs are written as
classes over this base (ingest, queries, insight), which Scorer combines."""

from __future__ import annotations

from typing import Any, List, Optional

import pandas as pd

from . import _convert
from ._core import Scorer as CoreScorer
from ._relationship import Channel

__all__ = ["ScorerBase"]


class ScorerBase:
    """The state of a Scorer: its core (``_core``) and the kind of its person ids
    (``_ids``: "int" or "str", None before the first ingest). The core names people by
    strings (an integer by its decimal digits); results turn names back into integers
    for a scorer of integer ids."""

    __slots__ = ("_core", "_ids")
    _core: CoreScorer
    _ids: Optional[str]

    # ---- properties -----------------------------------------------------------------

    @property
    def reciprocity(self) -> float:
        """The reciprocity weight ρ."""
        return self._core.reciprocity

    @property
    def channels(self) -> List[Channel]:
        """The channels, in id order."""
        return [Channel(n, w, pd.Timedelta(microseconds=h)) for n, w, h in self._core.channels]

    def _person(self, name: Any) -> Any:
        """A core name as the id the caller gave: an int for a scorer of integer ids."""
        return int(name) if self._ids == "int" and name is not None else name

    def _admit(self, kind: str, what: str) -> None:
        """Refuse ids of the other kind than the scorer's (before anything changes)."""
        if self._ids is not None and kind != self._ids:
            raise _convert.mixed_ids_error(what, self._ids, kind)

    def _empty_core(self) -> CoreScorer:
        """A new, empty core scorer with this one's configuration (channels, reciprocity,
        insight settings, kernels)."""
        return CoreScorer(reciprocity=self.reciprocity, channels=self._core.channels,
                          insight=self._core.insight_settings, kernels=self._core.kernels)
