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
- The shuffle is a direct exchange: the input partitions are cut in as many groups of
  adjacent partitions as there are shards, each group into one piece per shard (groups x
  shards pieces, one small task each), and each shard's task joins its pieces and scores
  them in the same task (nothing kept in between). For few shards this costs a fraction
  of Dask's staged shuffle; past ``_MAX_PIECES`` pieces its per-task cost dominates and
  Dask's own shuffle takes over. Fewer, larger shards (a few per worker thread, as memory
  allows) are cheapest: each shard interns its people once.

Limits: the final scorer lives on one machine (the client), so its state — about 40
bytes per (relationship, direction, channel) plus names — must fit there, together with
the partial snapshots while they are combined; the log itself need not.
:func:`relationships` and :func:`insight_frame` avoid even that by scoring shards of pairs
separately.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
import pandas as pd

try:
    import dask
    import dask.dataframe as dd
    from dask.dataframe.utils import UNKNOWN_CATEGORIES
    from dask.delayed import Delayed
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError("relscore.dask needs dask: pip install 'relscore[dask]'") from exc

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
    shards: Optional[int] = None,
) -> List[Delayed]:
    """One lazy task per partition of ``frame`` (a dask or pandas DataFrame, or a list of
    Delayed pandas DataFrames) that scores that partition and returns its snapshot bytes.
    With ``shards=k`` (a dask DataFrame only), one task per shard of :func:`by_pair`
    instead, each joining its shard's pieces and scoring them (what :func:`score` does):
    the snapshots then hold disjoint relationships, for :func:`combine_snapshots`.

    ``template`` gives the configuration (channels, reciprocity; default ``Scorer()``);
    its contents are not used. Column arguments are as in :meth:`Scorer.add_dataframe`."""
    config = (template if template is not None else Scorer()).empty_like().to_bytes()
    columns = dict(time=time, source=source, target=target, channel=channel, weight=weight, mutual=mutual,
                   default_channel=default_channel, missing_weight=missing_weight)
    if shards is not None:
        if not isinstance(frame, dd.DataFrame):
            raise TypeError(f"relscore.dask.partial_snapshots(): shards= needs a dask DataFrame, got {type(frame).__name__}")
        return _by_pair_tasks(frame, source, target, shards, _score_partition, config, -1, columns)
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
    """``frame`` shuffled into ``npartitions`` partitions (default: as many as it has) so
    that every interaction of an unordered pair lands in the same partition: each
    relationship is then scored whole, in one partition, and every statistic of the
    combined result is exact. Rows keep their index labels; string people come back as a
    Categorical over every name of the log (factorized once; see the design notes)."""
    return _by_pair(frame, source, target, npartitions).drop(columns=_ORIGIN)


# The column that carries each row's original partition number through the shuffle, so an
# error can name the partition the user knows.
_ORIGIN = "_relscore_partition"


# The direct exchange below makes groups x shards small tasks (one piece each), at
# about 1.7 ms of worker CPU per piece; past this many, Dask's own shuffle (which stages
# the exchange) is cheaper and is used instead. Measured on 2 M interactions, one split
# task per input partition (before groups): 100 x 4 pieces 0.41 s against Dask's 0.92 s;
# 20 x 20 even; 100 x 20 3.6 s against 2.2 s; 100 x 100 17.5 s against 3.6 s.
_MAX_PIECES = 500


def _by_pair(frame: dd.DataFrame, source: str, target: str, npartitions: Optional[int]) -> dd.DataFrame:
    exchange = _exchange(frame, source, target, npartitions, None)
    if exchange is None:
        return _by_pair_staged(frame, source, target, npartitions or frame.npartitions, _coded(frame, source, target))
    join = dask.delayed(_join_shard, pure=True)
    out = [join(pieces, exchange.numbers, source, target, exchange.table, False) for pieces in exchange.pieces]
    return dd.from_delayed(out, meta=exchange.meta, verify_meta=False)


def _by_pair_tasks(frame: dd.DataFrame, source: str, target: str, npartitions: Optional[int], work: Any,
                   *work_args: Any, times: Optional[tuple] = None) -> List[Delayed]:
    """One task per shard of :func:`by_pair` that joins the shard's pieces and hands the
    result to ``work(shard, *work_args)`` in the same task: the shard is never a task
    output of its own (no extra task, nothing kept in memory between the two). With
    ``times=(column, convert)``, ``work`` also gets ``bounds=``, the earliest and latest
    time of the whole log in microseconds (None if it is empty), taken by the split tasks
    as they cut their groups (every shard task takes a piece of every group, so it sees
    them all): no pass over the log of its own."""
    exchange = _exchange(frame, source, target, npartitions, times)
    if exchange is None:
        staged = _by_pair_staged(frame, source, target, npartitions or frame.npartitions, _coded(frame, source, target))
        run = dask.delayed(_run, pure=True)
        extra = {} if times is None else {"bounds": _log_bounds(frame, *times)}
        return [run(part, work, *work_args, **extra) for part in staged.to_delayed(optimize_graph=True)]
    task = dask.delayed(_score_shard, pure=True)
    return [task(pieces, exchange.numbers, source, target, exchange.table, times is not None, work, *work_args)
            for pieces in exchange.pieces]


def _coded(frame: dd.DataFrame, source: str, target: str) -> bool:
    # People as Categoricals whose categories every partition shares (dask's "known"
    # categories): shuffle their integer codes, not the categories (which the shuffle
    # would otherwise carry into each piece), and restore them after.
    meta = frame._meta
    people = meta[source].dtype
    return bool(isinstance(people, pd.CategoricalDtype) and people == meta[target].dtype
                and frame[source].cat.known and frame[target].cat.known)


class _Exchange:
    """The graph of a direct exchange: ``pieces[j]`` are shard j's pieces (one per group
    of input partitions), ``numbers[g]`` the numbers of group g's partitions, ``table``
    the people's code table (a Delayed CategoricalDtype, or None), ``meta`` a joined
    shard's empty frame."""

    def __init__(self, pieces: List[List[Any]], numbers: List[List[int]], table: Any, meta: pd.DataFrame):
        self.pieces, self.numbers, self.table, self.meta = pieces, numbers, table, meta


def _exchange(frame: dd.DataFrame, source: str, target: str, npartitions: Optional[int],
              times: Optional[tuple]) -> Optional[_Exchange]:
    for role, name in (("source", source), ("target", target)):
        if name not in frame.columns:
            raise KeyError(f"relscore.dask: no column {name!r} for {role} (columns: {', '.join(map(str, frame.columns))})")
    shards = npartitions or frame.npartitions
    # Input partitions are split in groups, as many groups as shards: a split task then
    # holds about as much of the log as a shard task does, and the exchange is groups x
    # shards pieces, not partitions x shards (each piece is a task, at about 1 ms of worker
    # and scheduler CPU). Partitions held by one worker are grouped together
    # (_placed_groups), so a split task runs where its input is and moves none of it.
    groups = min(frame.npartitions, shards)
    if groups * shards > _MAX_PIECES:
        return None
    meta = frame._meta
    people = meta[source].dtype
    coded = _coded(frame, source, target)
    # A direct exchange: each group of input partitions is cut once into `shards` pieces
    # (one stable sort by shard, then slices), and each shard task takes its pieces. Only
    # the columns travel (people as codes); each row's original partition is not carried
    # but restored from the piece's row counts per partition, and the pair's hash is
    # computed once.
    parts = frame.to_delayed(optimize_graph=True)
    out_meta = meta.assign(**{_ORIGIN: np.int32(0)})
    named = isinstance(people, pd.StringDtype) and isinstance(meta[target].dtype, pd.StringDtype)
    if coded:
        table: Any = dask.delayed(people)
    elif named:
        # Names once: one code table of every name in the log (each partition's distinct
        # names, combined in one task), so the shuffle carries integer codes, not strings,
        # and each shard hands its scorer the names it uses without hashing a string per row.
        # The people come out as a Categorical over that table.
        table = dask.delayed(_code_table, pure=True)(*[dask.delayed(_names_in, pure=True)(part, source, target)
                                                      for part in parts])
        unknown = pd.CategoricalDtype([UNKNOWN_CATEGORIES])
        out_meta = out_meta.assign(**{source: out_meta[source].astype(unknown),
                                      target: out_meta[target].astype(unknown)})
    else:
        table = None
    numbers = _placed_groups(frame, groups)
    split = dask.delayed(_split_by_pair, pure=True, nout=shards)
    pieces = [split(shards, source, target, table, times, *[parts[k] for k in numbers[g]]) for g in range(groups)]
    return _Exchange([[p[j] for p in pieces] for j in range(shards)], numbers, table, out_meta)


def _placed_groups(frame: dd.DataFrame, groups: int) -> List[List[int]]:
    """The partition numbers of ``frame`` cut in about ``groups`` groups of adjacent ones;
    when ``frame`` is persisted on a distributed cluster, each worker's partitions are cut
    apart (its share of the groups in proportion to how many it holds, at least one), so
    each group is on one worker, where Dask then runs its split task. Dask places
    partitions on alternating workers: adjacent groups would each gather half of theirs."""
    count = frame.npartitions
    adjacent = [list(range(count * g // groups, count * (g + 1) // groups)) for g in range(groups)]
    try:
        from distributed import futures_of, get_client

        futures = futures_of(frame)
        if not futures:
            return adjacent
        where = get_client().who_has(futures)
    except (ImportError, ValueError):  # no distributed, or no client
        return adjacent
    # A persisted frame's futures are named (layer, partition number); anything else (two
    # layers, a partition missing or not held) leaves the groups as they are.
    keys = sorted((key for key in where if isinstance(key, tuple) and len(key) == 2 and where[key]),
                  key=lambda key: key[1])
    if [number for _, number in keys] != list(range(count)) or len({layer for layer, _ in keys}) != 1:
        return adjacent
    held: Dict[str, List[int]] = {}
    for layer, number in keys:
        held.setdefault(sorted(where[(layer, number)])[0], []).append(number)
    quota = {w: groups * len(numbers) / count for w, numbers in held.items()}
    share = {w: max(1, int(q)) for w, q in quota.items()}
    for w in sorted(quota, key=lambda w: share[w] - quota[w])[:max(0, groups - sum(share.values()))]:
        share[w] += 1  # the largest remainders
    out = []
    for w, numbers in held.items():
        k = min(share[w], len(numbers))
        out += [numbers[len(numbers) * g // k:len(numbers) * (g + 1) // k] for g in range(k)]
    return out


def _names_in(part: pd.DataFrame, source: str, target: str) -> np.ndarray:
    return pd.unique(np.concatenate([part[source].to_numpy(dtype=object, na_value=None),
                                     part[target].to_numpy(dtype=object, na_value=None)]))


def _code_table(*names: np.ndarray) -> pd.CategoricalDtype:
    every = pd.unique(np.concatenate(names)) if names else np.array([], dtype=object)
    return pd.CategoricalDtype(pd.Index([n for n in every if n is not None], dtype="str"))


def _split_by_pair(shards: int, source: str, target: str, people: Optional[pd.CategoricalDtype],
                   times: Optional[tuple], *parts: pd.DataFrame) -> tuple:
    """``parts`` (a group of input partitions) cut into ``shards`` pieces by pair: piece j
    is (rows of shard j in input order, rows of it from each input partition, the group's
    earliest and latest time in microseconds: None without ``times=(column, convert)``
    or rows)."""
    sizes = [len(p) for p in parts]
    if people is not None:
        parts = tuple(_people_as_codes(p, source, target) if isinstance(p[source].dtype, pd.CategoricalDtype)
                      # names once: codes into the log's code table (-1, a missing id, fails in scoring)
                      else p.assign(**{c: people.categories.get_indexer(p[c]).astype(np.int32) for c in (source, target)})
                      for p in parts)
    part = pd.concat(parts) if len(parts) > 1 else parts[0]
    if people is not None:  # codes into one table for the whole log: a multiplicative hash of the pair's codes
        shard = _code_pair_shard(part[source].to_numpy(), part[target].to_numpy(), shards)
    else:
        shard = (_pair_hash(part, source, target).to_numpy() % np.uint64(shards)).astype(np.int64)
    # A stable sort of small integers is a radix sort in numpy: 16-bit keys when they fit.
    order = np.argsort(shard.astype(np.uint16) if shards <= 1 << 16 else shard, kind="stable")
    within = np.repeat(np.arange(len(parts), dtype=np.int64), sizes)
    counts = np.bincount(shard * len(parts) + within, minlength=shards * len(parts)).reshape(shards, len(parts))
    bounds = np.concatenate([[0], np.cumsum(counts.sum(axis=1))])
    taken = part.take(order)
    span = _time_bounds(part[times[0]], times[1]) if times is not None and len(part) else None
    return tuple((taken.iloc[bounds[j]:bounds[j + 1]], counts[j], span) for j in range(shards))


def _join_shard(pieces: List[tuple], numbers: List[List[int]], source: str, target: str,
                people: Optional[pd.CategoricalDtype], trim: bool) -> pd.DataFrame:
    """One shard from its pieces, each row tagged with its original partition; people back
    as a Categorical over the code table (``trim``: over the names this shard uses only)."""
    frames = [piece[0] for piece in pieces]
    origin = np.concatenate([np.repeat(np.asarray(group, dtype=np.int32), piece[1])
                             for group, piece in zip(numbers, pieces)])
    joined = pd.concat(frames) if len(frames) > 1 else frames[0].copy()
    joined[_ORIGIN] = origin
    if people is not None:
        joined = _people_from_codes(joined, source, target, people, trim)
    return joined


def _score_shard(pieces: List[tuple], numbers: List[List[int]], source: str, target: str,
                 people: Optional[pd.CategoricalDtype], timed: bool, work: Any, *work_args: Any) -> Any:
    extra = {}
    if timed:  # the whole log's time bounds, from every group's
        spans = [piece[2] for piece in pieces if piece[2] is not None]
        extra["bounds"] = (min(lo for lo, _ in spans), max(hi for _, hi in spans)) if spans else None
    return work(_join_shard(pieces, numbers, source, target, people, True), *work_args, **extra)


def _run(part: pd.DataFrame, work: Any, *work_args: Any, **work_kwargs: Any) -> Any:
    return work(part, *work_args, **work_kwargs)


def _by_pair_staged(frame: dd.DataFrame, source: str, target: str, shards: int, coded: bool) -> dd.DataFrame:
    # Dask's own shuffle, for very many partitions x shards.
    meta = frame._meta
    people = meta[source].dtype
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


def _people_from_codes(part: pd.DataFrame, source: str, target: str, people: pd.CategoricalDtype,
                       trim: bool = False) -> pd.DataFrame:
    codes = [part[c].to_numpy() for c in (source, target)]
    if trim:  # only the names this part uses (see _without_unused_people), from the codes directly
        used = np.zeros(len(people.categories) + 1, dtype=bool)  # the last entry: code -1, a missing id
        for column in codes:
            used[column] = True
        used = used[:-1]
        if not used.all():
            renumber = np.append(np.cumsum(used, dtype=np.int32) - 1, np.int32(-1))
            codes = [renumber[column] for column in codes]
            people = pd.CategoricalDtype(people.categories[used])
    return part.assign(**{c: pd.Categorical.from_codes(k, dtype=people) for c, k in zip((source, target), codes)})


def _tag_origin(part: pd.DataFrame, partition_info: Optional[Dict[str, Any]] = None) -> pd.DataFrame:
    number = partition_info["number"] if partition_info else -1
    return part.assign(**{_ORIGIN: np.int32(number)})


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
    keyword arguments of :meth:`Scorer.add_dataframe` (``time=``, ``source=``, …,
    ``missing_weight=``). Integer id columns give a scorer of integer ids."""
    if partition not in ("by_pair", "as_given"):
        raise ValueError(f"relscore.dask.score(): partition must be 'by_pair' or 'as_given', got {partition!r}")
    if partition == "by_pair":
        if isinstance(frame, dd.DataFrame) and (frame.npartitions > 1 or (shards or 1) > 1):
            shards = shards or frame.npartitions
        else:
            shards = None
        partials = dask.compute(*partial_snapshots(frame, template=template, shards=shards, **columns))
        return combine_snapshots(partials, ids=_ids_of(frame, columns))
    merged = merge_snapshots(partial_snapshots(frame, template=template, **columns), split_every=split_every)
    (data,) = dask.compute(merged)
    return Scorer.from_bytes(data, ids=_ids_of(frame, columns))


def _ids_of(frame: Any, columns: Dict[str, Any]) -> Optional[str]:
    # Snapshots name people by strings: integer id columns give integers back, as
    # Scorer.add_dataframe does.
    kinds = [getattr(frame[columns.get(c, c)].dtype, "kind", "O") for c in ("source", "target")]
    return "int" if all(k in "iu" for k in kinds) else None


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
    tasks = _by_pair_tasks(frame, source, target, shards, _shard_table, config,
                           dict(time=time, source=source, target=target, **columns), at)
    return dd.from_delayed(tasks, meta=_relationship_meta(), verify_meta=False)


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
    log) and fit their stars to the span of the whole log (both taken as the log is
    split by pair, with no pass of their own). Person
    columns are strings; rows are not sorted."""
    template = template if template is not None else Scorer()
    config = template.empty_like().to_bytes()
    if time not in frame.columns:
        raise KeyError(f"relscore.dask: no column {time!r} for time (columns: {', '.join(map(str, frame.columns))})")
    convert = {k: columns[k] for k in ("origin", "unit") if k in columns}
    tasks = _by_pair_tasks(frame, source, target, shards, _shard_insight, config,
                           dict(time=time, source=source, target=target, **columns), at, times=(time, convert))
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
    table["a"], table["b"] = _as_str(table["a"]), _as_str(table["b"])
    return table


def _time_bounds(times: pd.Series, convert: Dict[str, Any]) -> Optional[tuple]:
    """The earliest and latest of ``times`` in microseconds (None if there are none)."""
    from ._convert import time_column

    if not len(times):
        return None
    us = time_column(times, **convert)
    return int(us.min()), int(us.max())


def _bounds_series(times: pd.Series, convert: Dict[str, Any]) -> pd.Series:
    return pd.Series(_time_bounds(times, convert) or [], dtype=np.int64)


def _log_bounds(frame: dd.DataFrame, time: str, convert: Dict[str, Any]) -> Optional[tuple]:
    # A pass of its own, for Dask's staged shuffle (the direct exchange takes the bounds as it splits).
    bounds = frame[time].map_partitions(_bounds_series, convert, meta=(None, "int64")).compute()
    return (int(bounds.min()), int(bounds.max())) if len(bounds) else None


def _shard_insight(part: pd.DataFrame, config: bytes, columns: Dict[str, Any], at: Any, *,
                   bounds: Optional[tuple]) -> pd.DataFrame:
    scorer = _scored(part, config, -1, columns)
    if len(scorer) == 0 or bounds is None:
        return _insight_meta(Scorer.from_bytes(config))
    lo, hi = bounds  # of the whole log: every shard answers at its newest time, with stars fitted to its span
    at = at if at is not None else pd.Timestamp(hi, unit="us", tz="UTC")
    table = scorer.insight_frame(at=at, sort=False, log_span=pd.Timedelta(hi - lo, unit="us"))
    table["a"], table["b"] = _as_str(table["a"]), _as_str(table["b"])
    return table


def _insight_meta(template: Scorer) -> pd.DataFrame:
    empty = template.empty_like()
    empty.add(0, "x", "y")  # one row gives the columns and their dtypes
    meta = empty.insight_frame().iloc[:0]
    meta["a"], meta["b"] = _as_str(meta["a"]), _as_str(meta["b"])
    return meta


def _code_pair_shard(a: np.ndarray, b: np.ndarray, shards: int) -> np.ndarray:
    """The shard of each unordered pair of codes (a -> b and b -> a alike): Fibonacci
    hashing of the pair's 64-bit key, whose high bits are well mixed. A fifth of the
    cost of pandas' hash_array of both columns, which the codes do not need: they are
    numbers of one table, the same in every partition."""
    lo, hi = np.minimum(a, b).astype(np.uint64), np.maximum(a, b).astype(np.uint64)
    key = ((lo << np.uint64(32)) | (hi & np.uint64(0xFFFFFFFF))) * np.uint64(0x9E3779B97F4A7C15)
    return ((key >> np.uint64(32)) % np.uint64(shards)).astype(np.int64)


def _as_str(people: pd.Series) -> pd.Series:
    # A Categorical's names taken by code: no string built per row, as astype(str) does.
    if isinstance(people.dtype, pd.CategoricalDtype):
        return pd.Series(people.cat.categories.astype(str).take(people.cat.codes.to_numpy()), index=people.index)
    return people.astype(str)


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
        where = "a partition of the input (rows shuffled by pair" + (f" into partition {index})" if index >= 0 else ")")
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
