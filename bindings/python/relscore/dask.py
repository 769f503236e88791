"""Score interaction logs larger than one machine on Dask, exactly.

relscore's state is a sum of decayed weights kept at each relationship's newest time, so
scorers built on disjoint parts of a log merge into exactly the scorer of the whole log
(up to floating-point rounding: sums taken in another order differ in the last bits).
The conversation statistics (touches, replies, waits, streaks, rhythm) merge exactly when
the partitions split the log by time or by pair; partitions in which a pair's
interactions interleave give them approximately (see ``Scorer.merge``).
This module turns that into a Dask computation:

0. by default, a shuffle by relationship (:func:`by_pair`: Dask's own shuffle on a hash
   of the unordered pair), so each relationship is scored whole in one partition and
   every statistic of the result is exact;
1. one partial scorer per partition of a ``dask.dataframe`` (read from Parquet, CSV or
   pandas), built where the partition lives;
2. a tree reduction of merges (``split_every`` scorers per merge), so no task ever
   receives more than ``split_every`` partial states;
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

Limits: the final scorer lives on one machine (the client), so its state — about 40
bytes per (relationship, direction, channel) plus names — must fit there; the log itself
need not. :func:`relationships` avoids even that by scoring shards of pairs separately.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
import pandas as pd

try:
    import dask
    import dask.dataframe as dd
    from dask.delayed import Delayed
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError("relscore.dask needs dask: pip install 'relscore[dask]'") from exc

from ._describe import FIELDS
from ._scorer import Scorer

__all__ = [
    "by_pair",
    "insight_frame",
    "merge_snapshots",
    "partial_snapshots",
    "relationships",
    "score",
    "synthetic_log",
    "to_dask_dataframe",
]

# ---- the pieces of the computation --------------------------------------------------


def partial_snapshots(
    frame: Any,
    *,
    template: Optional[Scorer] = None,
    time: str = "time",
    source: str = "source",
    target: str = "target",
    channel: Optional[str] = "channel",
    weight: Optional[str] = "weight",
    mutual: Optional[str] = "mutual",
    default_channel: str = "contact",
    missing_weight: str = "raise",
) -> List[Delayed]:
    """One lazy task per partition of ``frame`` (a dask or pandas DataFrame, or a list of
    Delayed pandas DataFrames) that scores that partition and returns its snapshot bytes.

    ``template`` gives the configuration (channels, reciprocity; default ``Scorer()``);
    its contents are not used. Column arguments are as in :meth:`Scorer.add_dataframe`."""
    config = (template if template is not None else Scorer()).empty_like().to_bytes()
    columns = dict(time=time, source=source, target=target, channel=channel, weight=weight, mutual=mutual,
                   default_channel=default_channel, missing_weight=missing_weight)
    parts = _partitions(frame)
    score_one = dask.delayed(_score_partition, pure=True)
    # Keys name what is computed (data, configuration, columns), so Dask can reuse results
    # across calls but never confuse two scorings of the same data.
    return [score_one(part, config, index, columns,
                      dask_key_name=f"relscore-partial-{_token((part, config, columns))}-{index}")
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
    """``frame`` shuffled (Dask's own shuffle) so that every interaction of an unordered
    pair lands in the same partition: each relationship is then scored whole, in one
    partition, and every statistic of the merged result is exact."""
    return _by_pair(frame, source, target, npartitions).drop(columns=_ORIGIN)


# The column that carries each row's original partition number through the shuffle, so an
# error can name the partition the user knows.
_ORIGIN = "_relscore_partition"


def _by_pair(frame: dd.DataFrame, source: str, target: str, npartitions: Optional[int]) -> dd.DataFrame:
    for role, name in (("source", source), ("target", target)):
        if name not in frame.columns:
            raise KeyError(f"relscore.dask: no column {name!r} for {role} (columns: {', '.join(map(str, frame.columns))})")
    shards = npartitions or frame.npartitions
    meta = frame._meta
    # People as Categoricals whose categories every partition shares (dask's "known"
    # categories): shuffle their integer codes, not the categories (which the shuffle
    # would otherwise carry into each of partitions x shards pieces), and restore them after.
    people = meta[source].dtype
    coded = (isinstance(people, pd.CategoricalDtype) and people == meta[target].dtype
             and frame[source].cat.known and frame[target].cat.known)
    if coded:
        frame = frame.map_partitions(_people_as_codes, source, target,
                                     meta=meta.assign(**{source: meta[source].cat.codes, target: meta[target].cat.codes}))
    pair_key = frame.map_partitions(_pair_hash, source, target, meta=(None, "uint64"))
    tagged = frame.map_partitions(_tag_origin, meta=frame._meta.assign(**{_ORIGIN: np.int32(0)}))
    shuffled = tagged.assign(_relscore_shard=pair_key % np.uint64(shards)).shuffle("_relscore_shard", npartitions=shards)
    shuffled = shuffled.drop(columns="_relscore_shard")
    if coded:
        shuffled = shuffled.map_partitions(_people_from_codes, source, target, dask.delayed(people),
                                           meta=meta.assign(**{_ORIGIN: np.int32(0)}))
    return shuffled


def _people_as_codes(part: pd.DataFrame, source: str, target: str) -> pd.DataFrame:
    return part.assign(**{source: part[source].cat.codes, target: part[target].cat.codes})


def _people_from_codes(part: pd.DataFrame, source: str, target: str, people: pd.CategoricalDtype) -> pd.DataFrame:
    return part.assign(**{c: pd.Categorical.from_codes(part[c].to_numpy(), dtype=people) for c in (source, target)})


def _tag_origin(part: pd.DataFrame, partition_info: Optional[Dict[str, Any]] = None) -> pd.DataFrame:
    number = partition_info["number"] if partition_info else -1
    return part.assign(**{_ORIGIN: np.int32(number)})


def score(frame: Any, *, split_every: int = 8, template: Optional[Scorer] = None, partition: str = "by_pair",
          **columns: Any) -> Scorer:
    """Score every interaction of ``frame`` on the current Dask scheduler (a
    ``distributed.Client`` if one is active) and return the merged :class:`Scorer`.

    ``partition="by_pair"`` (the default, for a dask DataFrame) first shuffles the rows so
    that each relationship is in one partition (:func:`by_pair`): the partial scorers then
    hold disjoint relationships, and the result equals a single ``Scorer.add_dataframe``
    of the whole log in every field (volumes to rounding, ~1e-15 relative; touches,
    replies, rhythm, trend, stars exactly), whatever the order of rows.
    ``partition="as_given"`` scores the partitions as they are (no shuffle): the volumes
    are still exact; the conversation statistics are exact only if the partitions split
    the log by time or by pair (``Scorer.merge`` says which fields are approximate
    otherwise). ``columns`` are the keyword arguments of :meth:`Scorer.add_dataframe`
    (``time=``, ``source=``, …, ``missing_weight=``). Integer id columns give a scorer of
    integer ids."""
    if partition not in ("by_pair", "as_given"):
        raise ValueError(f"relscore.dask.score(): partition must be 'by_pair' or 'as_given', got {partition!r}")
    if partition == "by_pair" and isinstance(frame, dd.DataFrame) and frame.npartitions > 1:
        frame = _by_pair(frame, columns.get("source", "source"), columns.get("target", "target"), None)
    merged = merge_snapshots(partial_snapshots(frame, template=template, **columns), split_every=split_every)
    (data,) = dask.compute(merged)
    # Snapshots name people by strings: integer id columns give integers back, as
    # Scorer.add_dataframe does.
    ids = [frame[columns.get(c, c)].dtype for c in ("source", "target")]
    return Scorer.from_bytes(data, ids="int" if all(getattr(d, "kind", "O") in "iu" for d in ids) else None)


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
    time: str = "time",
    source: str = "source",
    target: str = "target",
    **columns: Any,
) -> dd.DataFrame:
    """Every relationship of ``frame`` as a dask DataFrame, without ever holding the
    whole state on one machine: rows are shuffled so that each unordered pair lands in one
    of ``shards`` shards (default: as many as partitions), each shard is scored on its own,
    and each shard's table is one partition of the result.

    Every shard's table is taken at the same time ``at`` (default: the newest interaction
    of the whole log, computed first), so the rows agree with :func:`score`'s
    ``to_pandas(at=at)``. Person columns are strings; rows are not sorted."""
    template = template if template is not None else Scorer()
    config = template.empty_like().to_bytes()
    if at is None:  # a datetime64 or a number of UNIX seconds, as Scorer's at= takes it
        at = frame[time].max().compute()
    shuffled = _by_pair(frame, source, target, shards)
    meta = _relationship_meta()
    return shuffled.map_partitions(
        _shard_table, config, dict(time=time, source=source, target=target, **columns), at, meta=meta,
        enforce_metadata=False)


def insight_frame(
    frame: dd.DataFrame,
    *,
    shards: Optional[int] = None,
    at: Any = None,
    template: Optional[Scorer] = None,
    time: str = "time",
    source: str = "source",
    target: str = "target",
    **columns: Any,
) -> dd.DataFrame:
    """Every relationship of ``frame`` with its insight (:meth:`Scorer.insight_frame`:
    stars, touches, trend, rhythm, due) as a dask DataFrame, scored by pair (each shard of
    :func:`by_pair` on its own, nothing merged), so every column equals the single-process
    ``insight_frame`` of the whole log; write it out with ``to_parquet``.

    All shards answer at the same time ``at`` (default: the newest interaction of the
    log) and fit their stars to the span of the whole log (both computed first). Person
    columns are strings; rows are not sorted."""
    template = template if template is not None else Scorer()
    config = template.empty_like().to_bytes()
    convert = {k: columns[k] for k in ("origin", "unit") if k in columns}
    bounds = frame[time].map_partitions(_time_bounds, convert, meta=(None, "int64")).compute()  # 2 per partition
    lo, hi = int(bounds.min()), int(bounds.max())
    at_value = at if at is not None else pd.Timestamp(hi, unit="us", tz="UTC")
    shuffled = _by_pair(frame, source, target, shards)
    return shuffled.map_partitions(
        _shard_insight, config, dict(time=time, source=source, target=target, **columns), at_value,
        pd.Timedelta(hi - lo, unit="us"), meta=_insight_meta(template), enforce_metadata=False)


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

_ROW = re.compile(r"\brow (\d+)\b")  # "at row 12" (Python layer), "row 12:" (C++ core)


def _score_partition(part: pd.DataFrame, config: bytes, index: int, columns: Dict[str, Any]) -> bytes:
    return _scored(part, config, index, columns).to_bytes()


def _scored(part: pd.DataFrame, config: bytes, index: int, columns: Dict[str, Any]) -> Scorer:
    # A partition of _by_pair() carries each row's original partition: errors name that.
    origin = part[_ORIGIN].to_numpy() if _ORIGIN in part.columns else None
    if origin is not None:
        part = part.drop(columns=_ORIGIN)
    scorer = Scorer.from_bytes(config)
    try:
        scorer.add_dataframe(_without_unused_people(part, columns.get("source", "source"),
                                                    columns.get("target", "target")), **columns)
    except (ValueError, KeyError, TypeError) as exc:
        raise _located(exc, part, index, origin) from exc
    return scorer


def _without_unused_people(part: pd.DataFrame, source: str, target: str) -> pd.DataFrame:
    # A dask Categorical carries every category in every partition. The scorer interns
    # each category as a person, so a partition with 100 k rows of a 1 M-person
    # Categorical would ship and merge 1 M names; keep only the people it mentions.
    if source not in part.columns or target not in part.columns:
        return part  # add_dataframe names the missing column
    src, tgt = part[source], part[target]
    if not (isinstance(src.dtype, pd.CategoricalDtype) and isinstance(tgt.dtype, pd.CategoricalDtype)
            and src.cat.categories.equals(tgt.cat.categories)):
        return part
    categories = src.cat.categories
    codes = np.concatenate([src.cat.codes.to_numpy(np.int64), tgt.cat.codes.to_numpy(np.int64)])
    used = np.bincount(codes[codes >= 0], minlength=len(categories)) > 0
    if used.all():
        return part
    renumber = np.cumsum(used) - 1
    dtype = pd.CategoricalDtype(categories[used])

    def recode(column: pd.Series) -> pd.Series:
        old = column.cat.codes.to_numpy(np.int64)
        new = np.where(old >= 0, renumber[np.maximum(old, 0)], -1)
        return pd.Series(pd.Categorical.from_codes(new, dtype=dtype), index=column.index)

    return part.assign(**{source: recode(src), target: recode(tgt)})


def _merge_group(*snapshots: bytes) -> bytes:
    if len(snapshots) == 1:
        return snapshots[0]
    merged = Scorer.from_bytes(snapshots[0])
    for data in snapshots[1:]:
        merged.merge(Scorer.from_bytes(data))
    return merged.to_bytes()


def _shard_table(part: pd.DataFrame, config: bytes, columns: Dict[str, Any], at: Any) -> pd.DataFrame:
    scorer = _scored(part, config, -1, columns)
    if len(scorer) == 0:
        return _relationship_meta()
    table = scorer.to_pandas(at=at, sort=False)
    table["a"] = table["a"].astype(str)
    table["b"] = table["b"].astype(str)
    return table


def _time_bounds(times: pd.Series, convert: Dict[str, Any]) -> pd.Series:
    from ._convert import time_column

    us = time_column(times, **convert) if len(times) else np.array([], dtype=np.int64)
    return pd.Series(us[[us.argmin(), us.argmax()]] if len(us) else [], dtype=np.int64)


def _shard_insight(part: pd.DataFrame, config: bytes, columns: Dict[str, Any], at: Any, log_span: pd.Timedelta) -> pd.DataFrame:
    scorer = _scored(part, config, -1, columns)
    if len(scorer) == 0:
        return _insight_meta(Scorer.from_bytes(config))
    table = scorer.insight_frame(at=at, sort=False, log_span=log_span)
    table["a"] = table["a"].astype(str)
    table["b"] = table["b"].astype(str)
    return table


def _insight_meta(template: Scorer) -> pd.DataFrame:
    empty = template.empty_like()
    empty.add(0, "x", "y")  # one row gives the columns and their dtypes
    meta = empty.insight_frame().iloc[:0]
    meta["a"] = meta["a"].astype(str)
    meta["b"] = meta["b"].astype(str)
    return meta


def _pair_hash(part: pd.DataFrame, source: str, target: str) -> pd.Series:
    # Hash of the unordered pair {source, target} by name, so a→b and b→a land together
    # and the shard does not depend on how a partition happened to encode the ids (or by
    # the codes of categories every partition shares: _by_pair).
    def hashed(column: pd.Series) -> np.ndarray:
        if column.dtype.kind in "iu":
            return pd.util.hash_array(column.to_numpy(np.int64))
        return pd.util.hash_array(column.astype(str).to_numpy(dtype=object))

    a, b = hashed(part[source]), hashed(part[target])
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    return pd.Series(lo * np.uint64(0x9E3779B97F4A7C15) ^ hi, index=part.index)


def _relationship_meta() -> pd.DataFrame:
    """An empty frame of :meth:`Scorer.to_pandas`'s columns (every described field of a
    relationship, relscore/describe.hpp), with the person columns as strings."""
    dtypes = {"name": str, "time": "datetime64[us, UTC]", "duration": "timedelta64[us]", "count": np.int64,
              "real": np.float64, "flag": bool, "label": str}
    return pd.DataFrame({name: pd.Series([], dtype=dtypes[kind]) for name, kind, _ in FIELDS["relationship"]})


def _located(exc: Exception, part: pd.DataFrame, index: int, origin: Optional[np.ndarray] = None) -> Exception:
    message = str(exc.args[0]) if exc.args else str(exc)
    where = f"partition {index}"
    match = _ROW.search(message)
    if match and int(match.group(1)) < len(part):
        row = int(match.group(1))
        if origin is not None:
            where = f"partition {int(origin[row])}"
        label = part.index[row]
        where += f", index label {label.item() if isinstance(label, np.generic) else label!r}"
    elif origin is not None:
        where = f"a partition of the input (rows shuffled by pair into partition {index})"
    return type(exc)(f"relscore.dask: {where}: {message}")


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
