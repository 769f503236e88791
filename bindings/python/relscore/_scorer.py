"""relscore.Scorer: the Pythonic face of the C++ scorer. Its jobs live beside it:
ingest (_scorer_ingest.py), queries (_scorer_queries.py) and insight
(_scorer_insight.py), over the state and conversions of _scorer_base.py."""

from __future__ import annotations

import dataclasses

from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from . import _convert, _core, _fit
from ._columns import LogColumns
from ._convert import DurationLike, TimeLike
from ._relationship import Channel, ChannelSpec, Relationship
from ._scorer_ingest import ScorerIngest
from ._scorer_insight import ScorerInsight
from ._scorer_queries import ScorerQueries

__all__ = ["Channel", "Relationship", "Scorer", "DEFAULT_CHANNELS"]


def _mapping(value: Any, name: str, example: str) -> Mapping[Any, Any]:
    """A by-name argument (channels=, kernels=): a mapping, or None for none."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(f"relscore.Scorer: {name} must be a mapping by channel name such as {example}, got "
                        f"{type(value).__name__}")
    return value


class Scorer(ScorerIngest, ScorerQueries, ScorerInsight):
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
        Track replies, rhythm and trend (176 bytes for each pair that interacted more
        than once); False for volume-only scoring of very many pairs.
    retain_events:
        Keep every interaction (24 bytes each) so :meth:`explain` can list receipts.
    kernels:
        Decay kernels other than the exponential, by channel name:
        ``{"message": ("power_law", "2d", 1.2)}`` for ``(1 + age/2d)^-1.2`` (an optional
        fourth item sets the range the approximation holds over, default 1000·τ), or
        ``{"meeting": ("window", "30d")}`` to count each meeting for 30 days, then nothing.
    threads:
        Threads a large batch may use (:attr:`threads`): 1 by default, 0 for one per
        core. Results are the same, bit for bit, with any number.

    Example
    -------
    >>> s = Scorer()
    >>> s.add("2026-01-05T10:00:00Z", "ana", "ben", channel="email")
    >>> s.add("2026-01-06T09:00:00Z", "ben", "ana", channel="call")
    >>> round(s.between("ana", "ben").strength, 4)
    2.9773
    """

    __slots__ = ()

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
        threads: int = 1,
    ) -> None:
        specs: Dict[str, Tuple[float, int]] = {}
        if defaults:
            for name, weight, hl in _core.Scorer(reciprocity=0.5, channels=[]).channels:
                specs[name] = (weight, hl)
        if half_life is not None:
            h = _convert.to_duration_micros(half_life, "half_life")
            specs = {name: (w, h) for name, (w, _) in specs.items()}
        for name, spec in _mapping(channels, "channels", "{'coffee': (2.5, '90d')}").items():
            name = _convert.text_value(name, "relscore.Scorer: channels: a channel name")
            where = f"relscore.Scorer: channel {name!r}"
            if isinstance(spec, Channel):
                weight, hl = spec.weight, _convert.to_duration_micros(spec.half_life, f"half-life of channel {name!r}")
            elif isinstance(spec, Mapping):
                if "weight" not in spec:
                    raise ValueError(f"{where}: a mapping needs 'weight' (and optionally 'half_life'), got {dict(spec)!r}")
                weight = spec["weight"]
                hl = _convert.to_duration_micros(spec.get("half_life", half_life or "60d"), f"half-life of channel {name!r}")
            elif isinstance(spec, (tuple, list)) and len(spec) == 2:
                weight, hl_like = spec
                hl = _convert.to_duration_micros(hl_like, f"half-life of channel {name!r}")
            else:
                raise ValueError(f"{where}: expected (weight, half_life), a Channel or {{'weight': ..., 'half_life': "
                                 f"...}}, got {spec!r}")
            specs[name] = (_convert.real_number(weight, f"weight of channel {name!r}"), hl)
        if not specs:
            raise ValueError("relscore.Scorer: no channels (defaults=False needs channels=...)")
        insight: Dict[str, Any] = {"conversations": _convert.flag(conversations, "conversations"),
                                   "retain_events": _convert.flag(retain_events, "retain_events")}
        for key, value in (("reply_window_us", reply_window), ("touch_gap_us", touch_gap),
                           ("trend_horizon_us", trend_horizon), ("new_tie_rhythm_us", new_tie_rhythm),
                           ("min_rhythm_us", min_rhythm)):
            if value is not None:
                insight[key] = _convert.to_duration_micros(value, key[:-3])
        if trend_threshold is not None:
            insight["trend_threshold"] = _convert.real_number(trend_threshold, "trend_threshold")
        kernel_specs: Dict[str, Tuple[str, int, float, int]] = {}
        for name, given in _mapping(kernels, "kernels", "{'message': ('power_law', '2d', 1.2)}").items():
            if not isinstance(given, (tuple, list)) or not given:
                raise ValueError(f"relscore.Scorer: kernel of {name!r}: expected ('power_law', tau, beta[, range]) or "
                                 f"('window', length), got {given!r}")
            parts: List[Any] = list(given)
            kind = str(parts[0])
            if kind == "power_law":
                if len(parts) not in (3, 4):
                    raise ValueError(f"relscore.Scorer: kernel of '{name}': expected ('power_law', tau, beta[, range])")
                kernel_specs[name] = (kind, _convert.to_duration_micros(parts[1], f"tau of kernel {name!r}"),
                                      _convert.real_number(parts[2], f"beta of kernel {name!r}"),
                                      _convert.to_duration_micros(parts[3], f"range of kernel {name!r}")
                                      if len(parts) == 4 else 0)
            elif kind == "window":
                if len(parts) != 2:
                    raise ValueError(f"relscore.Scorer: kernel of '{name}': expected ('window', length)")
                kernel_specs[name] = (kind, _convert.to_duration_micros(parts[1], f"length of kernel {name!r}"), 0.0, 0)
            else:
                raise ValueError(f"relscore.Scorer: kernel of '{name}': unknown kernel '{kind}' (power_law or window)")
        self._core = _core.Scorer(
            reciprocity=reciprocity, channels=[(n, w, h) for n, (w, h) in specs.items()], insight=insight,
            kernels=kernel_specs,
        )
        self._ids: Optional[str] = None
        if not (type(threads) is int and threads == 1):  # the setter checks anything else (True, 1.0, ...)
            self.threads = threads

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
        channels = {c["name"]: (float(c["weight"]), np.timedelta64(c["half_life_us"], "us"))  # any int64
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
        **columns: Any,
    ) -> "_fit.FitResult":
        """Fit channel weights, half-lives and ρ to your own labels, with cross-validation.

        ``log``: the interactions, a DataFrame as :meth:`add_dataframe` takes it (its
        keyword arguments, :class:`relscore.LogColumns`, alike but ``missing_weight``: a
        missing weight is the channel's).
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
        roles = dataclasses.replace(LogColumns.of("relscore.Scorer.fit()", columns, without=("missing_weight",)),
                                    missing_weight="default")
        result = _fit.fit(log, labels, list(base._core.channels), base.reciprocity,
                          at_us=_convert.optional_micros(at), columns=roles,
                          folds=_convert.whole_number(folds, "relscore.Scorer.fit(): folds", least=2),
                          seed=_convert.whole_number(seed, "relscore.Scorer.fit(): seed", most=_convert.UINT32_MAX),
                          l2=_convert.real_number(l2, "relscore.Scorer.fit(): l2", least=0.0))
        if result.kind == "stars":
            fitted = cls.from_config(result.config, conversations=True)
            fitted._add_log(log, roles)
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
        return self._wrap(self._empty_core(), self._ids)

    # ---- properties -----------------------------------------------------------------

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

    # ---- combining ------------------------------------------------------------------

    def merge(self, other: "Scorer") -> None:
        """Fold ``other`` in: afterwards this scorer answers as if fed both logs.

        Exact for the volumes and strength (to rounding) always; exact for every other
        field (touches, replies, latencies, waits, streaks, rhythm; stars to rounding)
        when, for each pair, one scorer's interactions all come strictly before the
        other's (a log split by time, no instant in both) and the newer one has no late
        interaction. Otherwise the conversation statistics are each part's own view added
        up: touches and conversations can only be over-counted, waits may be over- or
        under-counted, and a reply across the parts counts as an unanswered wait. Partition by pair (as :mod:`relscore.dask`
        does) or by time to stay exact."""
        if not isinstance(other, Scorer):
            raise TypeError(f"can only merge a relscore.Scorer, not {type(other).__name__}")
        if other._ids is not None:
            self._admit(other._ids, "merge()")
        self._core.merge(other._core)
        self._ids = self._ids or other._ids


DEFAULT_CHANNELS: Tuple[Channel, ...] = tuple(Scorer().channels)
"""The default channels: message 0.5/30d, email 1/60d, contact 1/60d, call 2/90d,
meeting 3/120d, introduction 5/180d, favour 5/180d (weight/half-life)."""
