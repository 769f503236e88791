"""Score interaction logs larger than one machine on Dask, exactly.

relscore's state is a sum of decayed weights kept at each relationship's newest time, so
scorers built on disjoint parts of a log merge into exactly the scorer of the whole log
(up to floating-point rounding: sums taken in another order differ in the last bits).
The conversation statistics (touches, replies, waits, streaks, rhythm) merge exactly when
the partitions split the log by time or by pair; partitions in which a pair's
interactions interleave give them approximately (see ``Scorer.merge``).
This module turns that into a Dask computation:

0. by default, a shuffle by relationship (:func:`by_pair`: each partition cut once into
   ``shards`` pieces by a hash of the unordered pair, each shard the concatenation of its
   pieces), so each relationship is scored whole in one shard and every statistic of the
   result is exact;
1. one partial scorer per shard (or, with ``partition="as_given"``, per partition of the
   ``dask.dataframe`` as read from Parquet, CSV or pandas), built where the data lives;
2. the partials combined: by pair they hold disjoint relationships, so they are gathered
   once and combined at the client in one pass (:func:`combine_snapshots`); as given, by a
   tree of merges (``split_every`` per task, :func:`merge_snapshots`); or, with
   :func:`insight_frame` and :func:`relationships`, not combined at all: each shard's rows
   are one partition of a dask DataFrame;
3. the result, a :class:`relscore.Scorer`, queried as usual, or turned back into a
   pandas or dask DataFrame.

>>> import dask.dataframe as dd, relscore.dask
>>> events = dd.read_parquet("events/")                      # doctest: +SKIP
>>> s = relscore.dask.score(events, missing_weight="default")  # doctest: +SKIP
>>> s.top("ana")                                             # doctest: +SKIP

Design notes
- Partial scorers travel between tasks as relscore snapshots (``Scorer.to_bytes()``:
  versioned, checksummed, compact), not as live objects. Bytes let Dask measure their
  size (for memory limits and spilling, which it cannot do for an opaque C++ object),
  the bytes shipped can be counted, and a task never mutates an input that Dask might
  hand to it again on a retry.
- Every partition is scored with the same configuration, taken from one template
  scorer's snapshot; merge() refuses scorers whose configurations differ anyway.
- People are matched by name when scorers merge, so partitions may intern people in any
  order; integer ids are named by their decimal value, Categoricals by their categories.
  A partition keeps only the categories it uses (dask gives every partition all of them),
  so people who appear in no interaction at all are not in the result's ``people``.
- Errors in a partition are raised as the original exception type, prefixed with the
  partition number and, where the core names a row, that row's index label.
- Names once: people given as Categoricals with known categories travel through the
  shuffle as their integer codes; people given as strings are first factorized into one
  code table for the whole log (each partition's distinct names, combined in one task),
  so the shuffle carries int32 codes and each shard hands its scorer only the names it
  uses, without hashing a string per row.
- Columnar shards: when people are codes of one table, the scoring tasks
  (:func:`partial_snapshots` with ``shards=``, :func:`relationships`,
  :func:`insight_frame`) move only the columns scoring reads, as numpy arrays (the people's
  codes, each row's index label for error messages (its int32 position in its partition
  where that has a RangeIndex), time, channel, weight, mutual), cut
  from each input partition where it is and joined once in the shard's task; the shard
  goes to the scorer as codes and names (no DataFrame, no Categorical rebuilt), and its
  insight rows take their person names from one array of the names. :func:`by_pair`
  itself still gives DataFrames.
- The shuffle is a direct exchange (``_dask_shuffle``): the input partitions are cut in
  as many groups as there are shards (a persisted log's partitions grouped by the worker
  that holds them, so none of them moves), each group into one piece per shard (groups x
  shards pieces, one small task each), and each shard's task joins its pieces and scores
  them in the same task (nothing kept in between). Up to 45 shards this costs a fraction
  of Dask's staged shuffle on logs of millions of rows; past ``_MAX_PIECES`` pieces
  (2,048) Dask's own shuffle takes over, since the direct exchange's cost grows with its
  pieces and Dask's with the log. Fewer, larger shards (a few per worker thread, as memory
  allows) are cheapest: each shard interns its people once.

Limits: the final scorer lives on one machine (the client), so its state — about 40
bytes per (relationship, direction, channel) plus names — must fit there, together with
the partial snapshots while they are combined; the log itself need not.
:func:`relationships` and :func:`insight_frame` avoid even that by scoring shards of pairs
separately.
"""

from __future__ import annotations

from typing import Any, List, Optional, Sequence

import numpy as np
import pandas as pd

try:
    import dask
    import dask.dataframe as dd
    from dask.delayed import Delayed
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError("relscore.dask needs dask: pip install 'relscore[dask]'") from exc

from ._columns import LogColumns
from ._convert import time_column
from ._dask_shuffle import _ORIGIN, _by_pair, _by_pair_tasks, _located, _Shard
from ._describe import FIELDS
from ._scorer import Scorer

__all__ = [
    "by_pair",
    "combine_snapshots",
    "insight_frame",
    "merge_snapshots",
    "partial_snapshots",
    "relationships",
    "score",
    "synthetic_log",
    "to_dask_dataframe",
]

# ---- the pieces of the computation --------------------------------------------------


def _shard_count(value: Any, where: str, name: str = "shards") -> Optional[int]:
    """``shards=`` / ``npartitions=``: None (as many as the frame has) or a whole number >= 1."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{where}: {name} must be a whole number or None, got {value!r}")
    if value < 1:
        raise ValueError(f"{where}: {name} must be at least 1, got {value}")
    return int(value)


def _require_columns(frame: Any, roles: LogColumns) -> None:
    # Before any task runs: a misspelled column is named at once, with the frame's columns.
    if isinstance(frame, (dd.DataFrame, pd.DataFrame)):
        roles.require(frame)


def partial_snapshots(
    frame: Any,
    *,
    template: Optional[Scorer] = None,
    shards: Optional[int] = None,
    **columns: Any,
) -> List[Delayed]:
    """One lazy task per partition of ``frame`` (a dask or pandas DataFrame, or a list of
    Delayed pandas DataFrames) that scores that partition and returns its snapshot bytes.
    With ``shards=k`` (a dask DataFrame only), one task per shard of :func:`by_pair`
    instead, each joining its shard's pieces and scoring them (what :func:`score` does):
    the snapshots then hold disjoint relationships, for :func:`combine_snapshots`.

    ``template`` gives the configuration (channels, reciprocity; default ``Scorer()``);
    its contents are not used. ``columns``: the keyword arguments of
    :meth:`Scorer.add_dataframe` (:class:`relscore.LogColumns`)."""
    config = (template if template is not None else Scorer()).empty_like().to_bytes()
    roles = LogColumns.of("relscore.dask.partial_snapshots()", columns)
    shards = _shard_count(shards, "relscore.dask.partial_snapshots()")
    _require_columns(frame, roles)
    if shards is not None:
        if not isinstance(frame, dd.DataFrame):
            raise TypeError(f"relscore.dask.partial_snapshots(): shards= needs a dask DataFrame, got {type(frame).__name__}")
        return _by_pair_tasks(frame, roles.source, roles.target, shards, _score_partition, config, -1, roles,
                              keep=_read(roles))
    parts = _partitions(frame)
    score_one = dask.delayed(_score_partition, pure=True)
    # Keys name what is computed (data, configuration, columns), so Dask can reuse results
    # across calls but never confuse two scorings of the same data.
    return [score_one(part, config, index, roles,
                      dask_key_name=f"relscore-partial-{_token((part, config, roles))}-{index}")
            for index, part in enumerate(parts)]


def merge_snapshots(snapshots: Sequence[Any], *, split_every: int = 8) -> Delayed:
    """Merge snapshot bytes (Delayed, futures or bytes) by a tree reduction: each task
    merges at most ``split_every`` of them, so the tree has ceil(log_k(n)) levels.
    Returns one Delayed of the merged snapshot's bytes."""
    if split_every < 2:
        raise ValueError(f"merge_snapshots(): split_every must be >= 2, got {split_every}")
    if not snapshots:
        raise ValueError("merge_snapshots(): nothing to merge (the frame has no partitions)")
    level: List[Any] = list(snapshots)
    merge_group = dask.delayed(_merge_group, pure=True)
    depth = 0
    while len(level) > 1 or depth == 0:
        level = [merge_group(*level[i:i + split_every], dask_key_name=f"relscore-merge-{_token(level)}-{depth}-{i}")
                 for i in range(0, len(level), split_every)]
        depth += 1
    return level[0]


def by_pair(frame: dd.DataFrame, *, source: str = "source", target: str = "target",
            npartitions: Optional[int] = None) -> dd.DataFrame:
    """``frame`` shuffled into ``npartitions`` partitions (default: as many as it has) so
    that every interaction of an unordered pair lands in the same partition: each
    relationship is then scored whole, in one partition, and every statistic of the
    combined result is exact. Rows keep their index labels; string people come back as a
    Categorical over every name of the log (factorized once; see the design notes) when
    the split is a direct exchange (up to 2,048 pieces: input partitions grouped by
    shards, times shards), and as given past that, where Dask's own shuffle is used."""
    npartitions = _shard_count(npartitions, "relscore.dask.by_pair()", "npartitions")
    return _by_pair(frame, source, target, npartitions).drop(columns=_ORIGIN)


def score(frame: Any, *, split_every: int = 8, template: Optional[Scorer] = None, partition: str = "by_pair",
          shards: Optional[int] = None, **columns: Any) -> Scorer:
    """Score every interaction of ``frame`` on the current Dask scheduler (a
    ``distributed.Client`` if one is active) and return the merged :class:`Scorer`.

    ``partition="by_pair"`` (the default, for a dask DataFrame) first shuffles the rows
    into ``shards`` partitions (default: as many as ``frame`` has) so that each
    relationship is in one of them (:func:`by_pair`): the partial scorers then hold
    disjoint relationships, so they are not merged by a tree but gathered once and
    combined here in one pass (:func:`combine_snapshots`), and the result equals a single
    ``Scorer.add_dataframe`` of the whole log in every field (volumes to rounding, ~1e-15
    relative; touches, replies, rhythm, trend, stars exactly), whatever the order of rows.
    Fewer, larger shards (a few per worker thread, as memory allows) cost less: each
    partial interns its people once.
    ``partition="as_given"`` scores the partitions as they are (no shuffle) and merges
    them by a tree of ``split_every``: the volumes are still exact; the conversation
    statistics are exact only if the partitions split the log by time or by pair
    (``Scorer.merge`` says which fields are approximate otherwise). ``columns`` are the
    keyword arguments of :meth:`Scorer.add_dataframe` (:class:`relscore.LogColumns`:
    ``time=``, ``source=``, …, ``missing_weight=``). Integer id columns give a scorer of
    integer ids."""
    roles = LogColumns.of("relscore.dask.score()", columns)
    if partition not in ("by_pair", "as_given"):
        raise ValueError(f"relscore.dask.score(): partition must be 'by_pair' or 'as_given', got {partition!r}")
    shards = _shard_count(shards, "relscore.dask.score()")
    _require_columns(frame, roles)
    # A list of Delayed frames has no dtypes to read before it is computed: string ids.
    ids = _ids_of(frame, roles) if isinstance(frame, (dd.DataFrame, pd.DataFrame)) else None
    if partition == "by_pair":
        if isinstance(frame, dd.DataFrame) and (frame.npartitions > 1 or (shards or 1) > 1):
            shards = shards or frame.npartitions
        else:
            shards = None
        partials = dask.compute(*partial_snapshots(frame, template=template, shards=shards, **columns))
        return combine_snapshots(partials, ids=ids)
    merged = merge_snapshots(partial_snapshots(frame, template=template, **columns), split_every=split_every)
    (data,) = dask.compute(merged)
    return Scorer.from_bytes(data, ids=ids)


def _ids_of(frame: Any, columns: LogColumns) -> Optional[str]:
    # Snapshots name people by strings: integer id columns give integers back, as
    # Scorer.add_dataframe does.
    kinds = [_id_kind(frame, c) for c in (columns.source, columns.target)]
    return "int" if all(k == "int" for k in kinds) else None


def _id_kind(frame: Any, column: str) -> Optional[str]:
    # The kind one process reads (_convert._column_kind): integers also as a Categorical of
    # integers or objects that are all integers. Those not told by the metadata (objects,
    # unknown categories) are read from the partitions, in a pass of their own.
    from ._convert import _column_kind

    def kind(values: pd.Series) -> Optional[str]:
        try:
            return _column_kind(values) if len(values) else "empty"
        except ValueError:
            return None

    if not isinstance(frame, dd.DataFrame):
        return kind(frame[column])
    dtype = frame._meta[column].dtype
    if getattr(dtype, "kind", "O") in "iu" or isinstance(dtype, pd.StringDtype):
        return "int" if dtype.kind in "iu" else "str"
    if isinstance(dtype, pd.CategoricalDtype) and frame[column].cat.known:
        return kind(pd.Series(dtype.categories))
    found = set(frame[column].map_partitions(lambda part: pd.Series([kind(part)], dtype=object),
                                             meta=(column, object)).compute()) - {"empty"}
    return found.pop() if len(found) == 1 else None


def combine_snapshots(snapshots: Sequence[bytes], *, ids: Optional[str] = None) -> Scorer:
    """One :class:`Scorer` from partial scorers' snapshot bytes, combined in this process
    in one pass. Meant for partials that hold disjoint relationships (:func:`by_pair`),
    where it is exact in every field: they are decoded straight into one scorer
    (:meth:`Scorer.from_bytes_many`: no partial scorer is built, nothing is merged or
    re-encoded). Partials that share relationships are combined as before, each loaded
    once and merged once into the result. ``ids="int"`` as in :meth:`Scorer.from_bytes`."""
    if not snapshots:
        raise ValueError("combine_snapshots(): nothing to combine (the frame has no partitions)")
    # The largest first: the others are then appended (or folded) into it.
    ordered = [snapshots[k] for k in sorted(range(len(snapshots)), key=lambda k: -len(snapshots[k]))]
    try:
        return Scorer.from_bytes_many(ordered, ids=ids)
    except ValueError as exc:
        if _OVERLAP not in str(exc):
            raise
    result = Scorer.from_bytes(ordered[0], ids=ids)
    for data in ordered[1:]:
        result.merge(Scorer.from_bytes(data, ids=ids))
    return result


# What Scorer.from_bytes_many says when two partials share a relationship.
_OVERLAP = "combines scorers of disjoint relationships only"


# ---- results as DataFrames -----------------------------------------------------------


def to_dask_dataframe(scorer: Scorer, *, npartitions: int = 1, at: Any = None, sort: bool = True) -> dd.DataFrame:
    """The scorer's relationships (:meth:`Scorer.to_pandas`) as a dask DataFrame, to join
    with other dask data or write out with ``to_parquet``."""
    return dd.from_pandas(scorer.to_pandas(at=at, sort=sort), npartitions=npartitions, sort=False)


def relationships(
    frame: dd.DataFrame,
    *,
    shards: Optional[int] = None,
    at: Any = None,
    template: Optional[Scorer] = None,
    **columns: Any,
) -> dd.DataFrame:
    """Every relationship of ``frame`` as a dask DataFrame, without ever holding the
    whole state on one machine: rows are shuffled so that each unordered pair lands in one
    of ``shards`` shards (default: as many as partitions), each shard is scored on its own,
    and each shard's table is one partition of the result.

    Every shard's table is taken at the same time ``at`` (default: the newest interaction
    of the whole log, read as ``time=`` with its ``origin=``/``unit=``, taken as the log is
    split), so the rows agree with :func:`score`'s
    ``to_pandas(at=at)``. Person columns are strings; rows are not sorted. ``columns``: the
    keyword arguments of :meth:`Scorer.add_dataframe` (:class:`relscore.LogColumns`)."""
    roles = LogColumns.of("relscore.dask.relationships()", columns)
    shards = _shard_count(shards, "relscore.dask.relationships()")
    _require_columns(frame, roles)
    template = template if template is not None else Scorer()
    config = template.empty_like().to_bytes()
    convert = {"origin": roles.origin, "unit": roles.unit}
    tasks = _by_pair_tasks(frame, roles.source, roles.target, shards, _shard_table, config, roles, at,
                           times=(roles.time, convert), keep=_read(roles))
    return dd.from_delayed(tasks, meta=_relationship_meta(), verify_meta=False)


def insight_frame(
    frame: dd.DataFrame,
    *,
    shards: Optional[int] = None,
    at: Any = None,
    template: Optional[Scorer] = None,
    **columns: Any,
) -> dd.DataFrame:
    """Every relationship of ``frame`` with its insight (:meth:`Scorer.insight_frame`:
    stars, touches, trend, rhythm, due) as a dask DataFrame, scored by pair (each shard of
    :func:`by_pair` on its own, nothing merged), so every column equals the single-process
    ``insight_frame`` of the whole log; write it out with ``to_parquet``.

    All shards answer at the same time ``at`` (default: the newest interaction of the
    log) and fit their stars to the span of the whole log (both taken as the log is
    split by pair, with no pass of their own). Person
    columns are strings; rows are not sorted. ``columns``: the keyword arguments of
    :meth:`Scorer.add_dataframe` (:class:`relscore.LogColumns`)."""
    roles = LogColumns.of("relscore.dask.insight_frame()", columns)
    shards = _shard_count(shards, "relscore.dask.insight_frame()")
    template = template if template is not None else Scorer()
    config = template.empty_like().to_bytes()
    if roles.time not in frame.columns:
        raise KeyError(f"relscore.dask: no column {roles.time!r} for time (columns: {', '.join(map(str, frame.columns))})")
    _require_columns(frame, roles)
    convert = {"origin": roles.origin, "unit": roles.unit}
    tasks = _by_pair_tasks(frame, roles.source, roles.target, shards, _shard_insight, config, roles, at,
                           times=(roles.time, convert), keep=_read(roles))
    return dd.from_delayed(tasks, meta=_insight_meta(template), verify_meta=False)


# ---- synthetic data, generated on the workers ---------------------------------------


def synthetic_log(n: int, *, npartitions: int, people: int = 10_000, seed: int = 0, span_days: float = 365.0,
                  by_time: bool = False) -> dd.DataFrame:
    """A seeded synthetic log of ``n`` interactions (see :mod:`relscore.datasets`) as a
    dask DataFrame whose partitions are generated on the workers, so nothing large is
    shipped. ``by_time=True`` gives partition k the k-th slice of the time span (as logs
    stored by day or month are); otherwise every partition spans all of it."""
    from .datasets import synthetic_log as make

    sizes = [n // npartitions + (1 if k < n % npartitions else 0) for k in range(npartitions)]

    def window(k: int) -> Optional[tuple]:
        return (k / npartitions, (k + 1) / npartitions) if by_time else None

    specs = [(size, k, window(k)) for k, size in enumerate(sizes)]
    meta = make(0, people=people)
    return dd.from_map(
        lambda spec: make(spec[0], people=people, seed=seed, part=spec[1], span_days=span_days, window=spec[2]),
        specs, meta=meta, enforce_metadata=False)


# ---- tasks (run on the workers) -------------------------------------------------------



def _score_partition(part: pd.DataFrame, config: bytes, index: int, columns: LogColumns) -> bytes:
    return _scored(part, config, index, columns).to_bytes()


def _read(columns: LogColumns) -> List[str]:
    """The columns scoring reads besides the people (those present travel through the shuffle)."""
    return [c for c in (columns.time, columns.channel, columns.weight, columns.mutual) if c is not None]


def _scored(part: Any, config: bytes, index: int, columns: LogColumns) -> Scorer:
    if isinstance(part, _Shard):  # columnar, people as codes of the log's one table
        scorer = Scorer.from_bytes(config)
        try:
            columns.require(part)
            source, target, people, kind = part.people_codes()
            weight = columns.optional(part, columns.weight)
            scorer._add_coded(
                time_column(part[columns.time], origin=columns.origin, unit=columns.unit), source, target, people,
                kind, channel=columns.optional(part, columns.channel), weight=weight,
                mutual=columns.optional(part, columns.mutual), default_channel=columns.default_channel,
                missing_weight=columns.missing_weight,
                # a weight column joined for this shard is its own: missing weights filled in place
                weight_owned=weight is not None and columns.weight is not None and part.owns(columns.weight))
        except (ValueError, KeyError, TypeError) as exc:
            raise _located(exc, part, index, part.origin) from exc
        return scorer
    # A partition of _by_pair() carries each row's original partition: errors name that.
    origin = part[_ORIGIN].to_numpy() if _ORIGIN in part.columns else None
    if origin is not None:
        part = part.drop(columns=_ORIGIN)
    scorer = Scorer.from_bytes(config)
    try:
        scorer._add_log(part, columns)  # a Categorical's unused categories become no people (_convert.id_columns)
    except (ValueError, KeyError, TypeError) as exc:
        raise _located(exc, part, index, origin) from exc
    return scorer


def _merge_group(*snapshots: bytes) -> bytes:
    if len(snapshots) == 1:
        return snapshots[0]
    merged = Scorer.from_bytes(snapshots[0])
    for data in snapshots[1:]:
        merged.merge(Scorer.from_bytes(data))
    return merged.to_bytes()


def _shard_table(part: pd.DataFrame, config: bytes, columns: LogColumns, at: Any, *,
                 bounds: Optional[tuple]) -> pd.DataFrame:
    scorer = _scored(part, config, -1, columns)
    if len(scorer) == 0 or bounds is None:
        return _relationship_meta()
    # The whole log's newest time (from the split, as the scorer reads times), unless given.
    at = at if at is not None else pd.Timestamp(bounds[1], unit="us", tz="UTC")
    table = scorer.to_pandas(at=at, sort=False)
    table["a"], table["b"] = _as_str(table["a"]), _as_str(table["b"])
    return table


def _shard_insight(part: pd.DataFrame, config: bytes, columns: LogColumns, at: Any, *,
                   bounds: Optional[tuple]) -> pd.DataFrame:
    scorer = _scored(part, config, -1, columns)
    if len(scorer) == 0 or bounds is None:
        return _insight_meta(Scorer.from_bytes(config))
    lo, hi = bounds  # of the whole log: every shard answers at its newest time, with stars fitted to its span
    at = at if at is not None else pd.Timestamp(hi, unit="us", tz="UTC")
    # People as strings straight from the scorer's names (no Categorical built, then converted)
    table = scorer._insight_frame(at, None, False, pd.Timedelta(hi - lo, unit="us"), strings=True)
    if not isinstance(table["a"].dtype, pd.StringDtype):  # integer ids, named by their digits
        table["a"], table["b"] = _as_str(table["a"]), _as_str(table["b"])
    return table


def _insight_meta(template: Scorer) -> pd.DataFrame:
    empty = template.empty_like()
    empty.add(0, "x", "y", channel=empty.channels[0].name)  # one row gives the columns and their dtypes
    meta = empty.insight_frame().iloc[:0]
    meta["a"], meta["b"] = _as_str(meta["a"]), _as_str(meta["b"])
    return meta


def _as_str(people: pd.Series) -> pd.Series:
    # A Categorical's names taken by code: no string built per row, as astype(str) does.
    if isinstance(people.dtype, pd.CategoricalDtype):
        return pd.Series(people.cat.categories.astype(str).take(people.cat.codes.to_numpy()), index=people.index)
    return people.astype(str)


def _relationship_meta() -> pd.DataFrame:
    """An empty frame of :meth:`Scorer.to_pandas`'s columns (every described field of a
    relationship, relscore/describe.hpp), with the person columns as strings."""
    dtypes = {"name": str, "time": "datetime64[us, UTC]", "duration": "timedelta64[us]", "count": np.int64,
              "real": np.float64, "flag": bool, "label": str}
    return pd.DataFrame({name: pd.Series([], dtype=dtypes[kind]) for name, kind, _ in FIELDS["relationship"]})


def _partitions(frame: Any) -> List[Any]:
    if isinstance(frame, dd.DataFrame):
        return list(frame.to_delayed(optimize_graph=True))
    if isinstance(frame, pd.DataFrame):
        return [frame]
    if isinstance(frame, (list, tuple)):
        return list(frame)
    raise TypeError(f"relscore.dask: expected a dask or pandas DataFrame, got {type(frame).__name__}")


def _token(obj: Any) -> str:
    return dask.base.tokenize(obj)[:12]
