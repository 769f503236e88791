"""The shuffle by pair behind relscore.dask: every interaction of an unordered pair
into one shard, so each relationship is scored whole and every statistic is exact.

Design notes
- A direct exchange for few shards: the input partitions are cut in as many groups as
  there are shards (a persisted log's partitions grouped by the worker that holds them),
  each group into one piece per shard in one task (a stable sort by shard, then slices),
  and each shard's task joins its pieces and runs the work on them (scoring, insight
  rows) in the same task. Past ``_MAX_PIECES`` pieces, Dask's own staged shuffle.
- People travel as int32 codes of one table for the whole log (a Categorical's codes, or
  string names factorized once), and the shard of a pair is a hash of its two codes.
- Each row's original partition is not carried through the exchange but restored from
  each piece's row counts per partition, so errors name the partition the user knows;
  a row's index label travels as its int32 position where the partition has a
  RangeIndex (the label is worked out only when an error names the row).
- What the scheduler sees: a persisted log's partitions enter the split tasks as the
  futures that hold them (no alias task per partition), each split task's output is
  one tuple, and each shard's pieces are taken out of those by a task group of their
  own (``relscore-piece-<shard>``), so that the scheduler never takes the pieces for
  "root-ish" tasks to be placed without regard for their input (it then moved whole
  split outputs between workers). A piece is one array per column.
"""

from __future__ import annotations

import operator
import re
from typing import Any, Dict, List, Optional, Sequence

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd
from dask.dataframe.utils import UNKNOWN_CATEGORIES
from dask.delayed import Delayed

from . import _core

try:  # a private module of Dask (its task spec, 2024.12 on): without it, no shortcut for persisted logs
    from dask._task_spec import Alias as _Alias

    _ALIAS: Optional[type] = _Alias
except ImportError:  # pragma: no cover - older Dask
    _ALIAS = None


# The column that carries each row's original partition number through the shuffle, so an
# error can name the partition the user knows.
_ORIGIN = "_relscore_partition"

# The row an error names: "at row 12" (Python layer), "row 12:" (C++ core).
_ROW = re.compile(r"\brow (\d+)\b")


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


# The direct exchange below makes groups x shards small tasks (one piece each); past this
# many, Dask's own shuffle (which stages the exchange) is used instead. Its cost grows
# with the log and the direct exchange's with the pieces, so where they cross depends on
# the log: measured with examples/python/dask_scale.py on 2 workers (docs/scale-out.md,
# 2026-12-03), the insight stage's worker CPU, direct against Dask's: 2 M interactions,
# 32 x 32 pieces 2.7 s against 5.3 s, 64 x 64 6.0 s against 6.4 s (about even, at ~500
# rows a piece); 10 M, 32 x 32 6.9 s against 12.9 s, 64 x 64 10.3 s against 13.7 s.
# 2,048 pieces (up to 45 shards) keeps about 1,000 rows a piece or more, twice that crossing,
# for logs of 2 M rows and up (not measured below 2 M, where both are quick anyway).
_MAX_PIECES = 2048


def _by_pair(frame: dd.DataFrame, source: str, target: str, npartitions: Optional[int]) -> dd.DataFrame:
    exchange = _exchange(frame, source, target, npartitions, None)
    if exchange is None:
        return _by_pair_staged(frame, source, target, npartitions or frame.npartitions, _coded(frame, source, target))
    join = dask.delayed(_join_shard, pure=True)
    out = [join(pieces, exchange.numbers, source, target, exchange.table, False) for pieces in exchange.pieces]
    return dd.from_delayed(out, meta=exchange.meta, verify_meta=False)


def _by_pair_tasks(frame: dd.DataFrame, source: str, target: str, npartitions: Optional[int], work: Any,
                   *work_args: Any, times: Optional[tuple] = None, keep: Optional[List[str]] = None) -> List[Delayed]:
    """One task per shard of :func:`by_pair` that joins the shard's pieces and hands the
    result to ``work(shard, *work_args)`` in the same task: the shard is never a task
    output of its own (no extra task, nothing kept in memory between the two). With
    ``times=(column, convert)``, ``work`` also gets ``bounds=``, the earliest and latest
    time of the whole log in microseconds (None if it is empty), taken by the split tasks
    as they cut their groups (every shard task takes a piece of every group, so it sees
    them all): no pass over the log of its own. With ``keep`` (the other columns ``work``
    reads) and people as codes of one table, the shards are columnar (:class:`_Shard`):
    only those columns travel, as numpy arrays, and nothing is rebuilt as a DataFrame."""
    exchange = _exchange(frame, source, target, npartitions, times, keep)
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
              times: Optional[tuple], keep: Optional[List[str]] = None) -> Optional[_Exchange]:
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
    # A persisted log's partitions are taken as the futures that hold them: to_delayed()
    # would add one alias task per partition (each scheduled and run on a worker).
    parts = frame.to_delayed(optimize_graph=True)
    held = _persisted(frame, parts)
    if held is not None:
        parts = held[0]
    numbers = _placed_groups(frame, groups, held)
    if len(numbers) * shards > _MAX_PIECES:  # every worker holding partitions makes a group of its own
        return None
    meta = frame._meta
    people = meta[source].dtype
    coded = _coded(frame, source, target)
    # A direct exchange: each group of input partitions is cut once into `shards` pieces
    # (one stable sort by shard, then slices), and each shard task takes its pieces. Only
    # the columns travel (people as codes); each row's original partition is not carried
    # but restored from the piece's row counts per partition, and the pair's hash is
    # computed once.
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
    columnar = None
    if keep is not None and table is not None:
        columnar = [c for c in dict.fromkeys(keep) if c in meta.columns and c not in (source, target)]
    split = dask.delayed(_split_by_pair, pure=True)
    take = dask.delayed(operator.getitem, pure=True)
    pieces = []
    for g in range(len(numbers)):
        out = split(shards, source, target, table, times, *[parts[k] for k in numbers[g]], columnar=columnar,
                    numbers=numbers[g])
        token = str(out.key).rsplit("-", 1)[-1]
        # Each shard's pieces are a task group of their own ("relscore-piece-<shard in
        # letters>"). In one group, groups x shards tasks over a few split tasks (fewer
        # than 5) are "root-ish" to Dask's scheduler, which then places them with no
        # regard for where their input is: it moved whole split outputs (all of a group's
        # pieces) to the other worker to take one piece out of each. A group of at most 4
        # tasks (one per split) is not root-ish on 2 or more threads.
        pieces.append([take(out, j, dask_key_name=f"relscore-piece-{_letters(j)}-{token}") for j in range(shards)])
    return _Exchange([[p[j] for p in pieces] for j in range(shards)], numbers, table, out_meta)


def _persisted(frame: dd.DataFrame, parts: List[Delayed]) -> Optional[tuple]:
    """The futures that hold the partitions of ``frame``, in order, and where each is (the
    workers, from the scheduler's ``who_has``), if ``frame`` is persisted on a
    distributed cluster as it is (each of ``parts``, its partitions as Delayed, an alias
    of a future's key: not a column projection or any other step on top of a persisted
    frame); otherwise None."""
    try:
        from distributed import futures_of, get_client

        futures = futures_of(frame)
        if not futures:
            return None
        where = get_client().who_has(futures)
    except (ImportError, ValueError):  # no distributed, or no client
        return None
    # A persisted frame's futures are named (layer, partition number); anything else (two
    # layers, a partition missing or not held) is not taken as persisted.
    by_key = {future.key: future for future in futures}
    keys = sorted((key for key in where if isinstance(key, tuple) and len(key) == 2 and where[key] and key in by_key),
                  key=lambda key: key[1])
    if [number for _, number in keys] != list(range(frame.npartitions)) or len({layer for layer, _ in keys}) != 1:
        return None
    for part, key in zip(parts, keys):
        task = part.__dask_graph__().get(part.key)
        if _ALIAS is None or not isinstance(task, _ALIAS) or getattr(task, "target", None) != key:
            return None
    return [by_key[key] for key in keys], [sorted(where[key]) for key in keys]


def _placed_groups(frame: dd.DataFrame, groups: int, held: Optional[tuple] = None) -> List[List[int]]:
    """The partition numbers of ``frame`` cut in about ``groups`` groups of adjacent ones;
    when ``frame`` is persisted on a distributed cluster (``held``: :func:`_persisted`),
    each worker's partitions are cut apart (its share of the groups in proportion to how
    many it holds, at least one), so each group is on one worker, where Dask then runs
    its split task. Dask places partitions on alternating workers: adjacent groups would
    each gather half of theirs."""
    count = frame.npartitions
    adjacent = [list(range(count * g // groups, count * (g + 1) // groups)) for g in range(groups)]
    if held is None:
        return adjacent
    by_worker: Dict[str, List[int]] = {}
    for number, workers in enumerate(held[1]):
        by_worker.setdefault(workers[0], []).append(number)
    quota = {w: groups * len(numbers) / count for w, numbers in by_worker.items()}
    share = {w: max(1, int(q)) for w, q in quota.items()}
    for w in sorted(quota, key=lambda w: share[w] - quota[w])[:max(0, groups - sum(share.values()))]:
        share[w] += 1  # the largest remainders
    out = []
    for w, numbers in by_worker.items():
        k = min(share[w], len(numbers))
        out += [numbers[len(numbers) * g // k:len(numbers) * (g + 1) // k] for g in range(k)]
    return out


def _letters(number: int) -> str:
    """``number`` in base 26 with the digits a..z (0 -> "a", 26 -> "ba"): a word that Dask's
    key_split keeps in a task group's name (it drops numbers and hex tokens)."""
    word = ""
    while True:
        number, digit = divmod(number, 26)
        word = chr(ord("a") + digit) + word
        if not number:
            return word


def _names_in(part: pd.DataFrame, source: str, target: str) -> np.ndarray:
    return pd.unique(np.concatenate([part[source].to_numpy(dtype=object, na_value=None),
                                     part[target].to_numpy(dtype=object, na_value=None)]))


def _code_table(*names: np.ndarray) -> pd.CategoricalDtype:
    every = pd.unique(np.concatenate(names)) if names else np.array([], dtype=object)
    return pd.CategoricalDtype(pd.Index([n for n in every if n is not None], dtype="str"))


def _split_by_pair(shards: int, source: str, target: str, people: Optional[pd.CategoricalDtype],
                   times: Optional[tuple], *parts: pd.DataFrame, columnar: Optional[List[str]] = None,
                   numbers: Optional[List[int]] = None) -> tuple:
    """``parts`` (a group of input partitions) cut into ``shards`` pieces by pair: piece j
    is (rows of shard j in input order, rows of it from each input partition, the group's
    earliest and latest time in microseconds: None without ``times=(column, convert)``
    or rows). With ``columnar`` (and ``people``), the rows are a :class:`_Columns` of the
    people's codes, the index labels and the ``columnar`` columns, not a DataFrame.
    ``numbers``: the partition numbers of ``parts`` (errors name them)."""
    numbers = list(numbers) if numbers is not None else [-1] * len(parts)
    if columnar is not None and people is not None:
        return _split_columnar(shards, source, target, people, times, parts, columnar, numbers)
    sizes = [len(p) for p in parts]
    if people is not None:
        parts = tuple(_people_as_codes(p, source, target, people, number)
                      if isinstance(p[source].dtype, pd.CategoricalDtype)
                      # names once: codes into the log's code table (-1, a missing id, fails in scoring)
                      else p.assign(**{c: people.categories.get_indexer(p[c]).astype(np.int32) for c in (source, target)})
                      for p, number in zip(parts, numbers))
    part = pd.concat(_frames_in_one_time_unit(parts)) if len(parts) > 1 else parts[0]
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
    span = None
    if times is not None and len(part):
        spans = [b for b in (_part_bounds(p[times[0]], times[1], p, k) for p, k in zip(parts, numbers)) if b is not None]
        span = (min(lo for lo, _ in spans), max(hi for _, hi in spans))
    return tuple((taken.iloc[bounds[j]:bounds[j + 1]], counts[j], span) for j in range(shards))


def _join_shard(pieces: List[tuple], numbers: List[List[int]], source: str, target: str,
                people: Optional[pd.CategoricalDtype], trim: bool) -> pd.DataFrame:
    """One shard from its pieces, each row tagged with its original partition; people back
    as a Categorical over the code table (``trim``: over the names this shard uses only)."""
    frames = [piece[0] for piece in pieces]
    origin = np.concatenate([np.repeat(np.asarray(group, dtype=np.int32), piece[1])
                             for group, piece in zip(numbers, pieces)])
    joined = pd.concat(_frames_in_one_time_unit(frames)) if len(frames) > 1 else frames[0].copy()
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
    if pieces and isinstance(pieces[0][0], _Chunks):
        return work(_Shard.join(pieces, numbers, source, target, people), *work_args, **extra)
    return work(_join_shard(pieces, numbers, source, target, people, True), *work_args, **extra)


# ---- columnar shards: the scoring path's pieces as numpy arrays ----------------------


class _Columns:
    """A piece of a columnar shard: the people as int32 codes of the log's one table,
    each input row's index label, and the other columns scoring reads, each either a
    numpy array, a pandas extension array, or a Categorical's codes (its dtype kept once,
    in ``dtypes``). When every partition of the group has a RangeIndex (``ranges``: each
    one's start and step), ``labels`` are the rows' int32 positions in their partition
    instead: half the bytes of int64 labels, and no RangeIndex made into an array."""

    __slots__ = ("source", "target", "labels", "data", "dtypes", "ranges")

    def __init__(self, source: np.ndarray, target: np.ndarray, labels: Any, data: Dict[str, Any],
                 dtypes: Dict[str, Any], ranges: Optional[np.ndarray] = None):
        self.source, self.target, self.labels, self.data, self.dtypes = source, target, labels, data, dtypes
        self.ranges = ranges

    def take(self, rows: Any) -> "_Columns":
        return _Columns(self.source[rows], self.target[rows], self.labels[rows],
                        {c: v[rows] for c, v in self.data.items()}, self.dtypes, self.ranges)

    def __len__(self) -> int:
        return len(self.source)


def _column_of(series: pd.Series, categories: Optional[pd.CategoricalDtype]) -> Any:
    if categories is not None:
        return series.cat.codes.to_numpy()
    # numpy dtypes (datetime64, numbers, bools) as their array (no copy), anything else as
    # the pandas extension array
    return series.to_numpy() if isinstance(series.dtype, np.dtype) else series.array


# The keys of a split's own columns, beside the data columns (strings): the people's
# codes, each row's index label (or position), and the row's number in its group.
_SOURCE, _TARGET, _LABELS, _ROWS = ("split", "source"), ("split", "target"), ("split", "labels"), ("split", "rows")


def _bytewise(values: List[Any]) -> bool:
    """Whether a column's arrays (one per partition) can be moved as bytes by
    _core.split_by_pair: numpy arrays of one dtype with values of 1 to 8 bytes, no objects."""
    first = values[0] if values else None
    return (isinstance(first, np.ndarray) and first.dtype.kind not in "OV" and first.itemsize in (1, 2, 4, 8)
            and all(isinstance(v, np.ndarray) and v.ndim == 1 and v.dtype == first.dtype for v in values))


class _Chunks(list):
    """A piece of a columnar shard: a list of :class:`_Columns` (joined once, in the
    shard's task; the split makes one)."""


def _split_columnar(shards: int, source: str, target: str, people: pd.CategoricalDtype, times: Optional[tuple],
                    parts: tuple, columnar: List[str], numbers: List[int]) -> tuple:
    # A Categorical column (a channel, say) travels as its codes when every part of the
    # group has the same categories; otherwise as its values.
    # Each column of each part taken out once (a DataFrame's __getitem__ costs about 50 us).
    taken: Dict[tuple, pd.Series] = {}

    def col(p: pd.DataFrame, c: str) -> pd.Series:
        key = (id(p), c)
        if key not in taken:
            taken[key] = p[c]
        return taken[key]

    dtypes: Dict[str, Any] = {}
    for c in columnar:
        kinds = {col(p, c).dtype for p in parts}
        only = next(iter(kinds)) if len(kinds) == 1 else None
        dtypes[c] = only if isinstance(only, pd.CategoricalDtype) else None

    same: Dict[int, pd.Index] = {}  # the group's categories found equal to the table's, by id

    def codes(p: pd.DataFrame, c: str, number: int) -> np.ndarray:
        column = col(p, c)
        if isinstance(column.dtype, pd.CategoricalDtype):  # the Categorical's codes, into the table
            role = "source" if c == source else "target"
            return _table_codes(column, people, role, p, number, same).astype(np.int32, copy=False)
        # names once: codes into the log's code table (-1, a missing id, fails in scoring)
        return people.categories.get_indexer(column).astype(np.int32, copy=False)

    def value(p: pd.DataFrame, c: str) -> Any:
        column = col(p, c)
        if dtypes[c] is not None:
            return column.array.codes
        if isinstance(column.dtype, pd.CategoricalDtype):  # categories differ between parts: the values
            return column.to_numpy(dtype=object)
        return _column_of(column, None)

    def joined(values: List[Any]) -> Any:
        if len(values) == 1:
            return values[0]
        values = _in_one_time_unit(values)
        if all(isinstance(v, np.ndarray) for v in values):
            return np.concatenate(values)
        return pd.concat([pd.Series(v, copy=False) for v in values], ignore_index=True).array

    span = None
    if times is not None and any(len(p) for p in parts):
        spans = [bounds for bounds in (_part_bounds(col(p, times[0]), times[1], p, k) for p, k in zip(parts, numbers))
                 if bounds is not None]
        span = (min(lo for lo, _ in spans), max(hi for _, hi in spans))
    ranged = all(isinstance(p.index, pd.RangeIndex) and len(p) < 1 << 31 for p in parts)
    ranges = np.array([[p.index.start, p.index.step] for p in parts], dtype=np.int64).reshape(-1, 2) if ranged else None
    steps = np.arange(max((len(p) for p in parts), default=0), dtype=np.int32) if ranged else None

    def labels(p: pd.DataFrame) -> np.ndarray:
        return steps[:len(p)] if steps is not None else p.index.to_numpy()

    # Every column as its array in each partition. Arrays of 1- to 8-byte values of one
    # dtype are cut in C++ (_core.split_by_pair: one pass to count, one scatter pass per
    # column, no copy of the group first); any other column (objects, pandas extension
    # arrays, dtypes that differ between partitions) is taken by row number afterwards.
    columns: Dict[Any, List[Any]] = {_SOURCE: [codes(p, source, k) for p, k in zip(parts, numbers)],
                                     _TARGET: [codes(p, target, k) for p, k in zip(parts, numbers)],
                                     _LABELS: [labels(p) for p in parts]}
    columns.update({c: [value(p, c) for p in parts] for c in columnar})
    moved = [k for k, values in columns.items() if _bytewise(values)]
    others = [k for k in columns if k not in moved]
    if others:
        columns[_ROWS] = np.split(np.arange(sum(len(p) for p in parts), dtype=np.int64),
                                  np.cumsum([len(p) for p in parts])[:-1])
        moved.append(_ROWS)
    counts, outputs = _core.split_by_pair(shards, [[np.ascontiguousarray(v) for v in columns[k]] for k in moved])
    out: Dict[Any, Any] = dict(zip(moved, outputs))
    for k in others:
        out[k] = (_joined_labels if k == _LABELS else joined)(columns[k]).take(out[_ROWS])
    starts = np.concatenate([[0], np.cumsum(counts.sum(axis=1))])

    def piece(k: Any, j: int) -> Any:
        return out[k][starts[j]:starts[j + 1]]

    pieces = [_Chunks([_Columns(piece(_SOURCE, j), piece(_TARGET, j), piece(_LABELS, j),
                                {c: piece(c, j) for c in columnar}, dtypes, ranges)]) for j in range(shards)]
    return tuple((pieces[j], counts[j], span) for j in range(shards))


def _in_one_time_unit(values: List[Any]) -> List[Any]:
    """Times of several partitions (datetime64 of any unit, or timezone-aware) in other
    dtypes, each as datetime64[us], converted as _convert.time_column converts them:
    joined as they are, numpy would take them all to the finest unit, and ns wraps after
    2262. Anything else as it is."""
    if len(values) < 2 or len({getattr(v, "dtype", None) for v in values}) < 2 or not all(
            (isinstance(v, np.ndarray) and v.dtype.kind == "M") or isinstance(getattr(v, "dtype", None), pd.DatetimeTZDtype)
            for v in values):
        return values
    return [_micros_of(v) for v in values]


def _frames_in_one_time_unit(frames: Sequence[pd.DataFrame]) -> List[pd.DataFrame]:
    """``frames`` with each time column whose dtype differs between them as
    :func:`_in_one_time_unit` gives it (pandas would join ns and us at ns, and fail past 2262)."""
    for c in frames[0].columns if len(frames) > 1 else ():
        dtypes = {f[c].dtype if c in f.columns else None for f in frames}
        if len(dtypes) > 1 and all(getattr(d, "kind", None) == "M" for d in dtypes):  # numpy's or tz-aware times
            same = _in_one_time_unit([f[c].array if isinstance(f[c].dtype, pd.DatetimeTZDtype) else f[c].to_numpy()
                                      for f in frames])
            frames = [f.assign(**{c: v}) for f, v in zip(frames, same)]
    return list(frames)


def _micros_of(times: Any) -> np.ndarray:
    from ._convert import _MAX_US, _MIN_US

    if not isinstance(times, np.ndarray):  # timezone-aware: its UTC times, as time_column reads them
        times = pd.Series(times, copy=False).dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
    unit = np.datetime_data(times.dtype)[0]
    if unit == "us":
        return times
    out = times.astype("datetime64[us]")  # numpy's cast, as time_column's (it floors: -1500 ns is -2 us)
    if unit not in ("ns", "ps", "fs", "as"):
        # A coarser unit can leave the core's years, and wrap in microseconds: such a time
        # becomes one just outside them, which time_column then refuses, naming its row.
        low, high = np.datetime64(_MIN_US, "us").astype(times.dtype), np.datetime64(_MAX_US, "us").astype(times.dtype)
        out[times < low] = np.datetime64(_MIN_US - 1, "us")
        out[times > high] = np.datetime64(_MAX_US + 1, "us")
    return out


def _joined_labels(values: List[Any]) -> Any:
    """Index labels of several partitions as one array: as objects when their dtypes
    differ (a RangeIndex's integers and a DatetimeIndex's times have no common numpy
    dtype, and ns and us times would be joined at ns, wrapping after 2262)."""
    if len(values) > 1 and len({getattr(v, "dtype", None) for v in values}) > 1:
        return np.concatenate([pd.Index(v).to_numpy(dtype=object) for v in values])
    return _Shard._joined(values)


def _labels_of(chunk: _Columns, group: List[int], counts: np.ndarray) -> Any:
    """A chunk's index labels (its positions made into labels, where it has them), for a
    shard that joins pieces of both kinds."""
    if chunk.ranges is None:
        return chunk.labels
    local = np.repeat(np.arange(len(group)), counts)  # each row's partition within its group
    return chunk.ranges[local, 0] + chunk.ranges[local, 1] * chunk.labels.astype(np.int64)


class _RangeLabels:
    """A shard's index labels, kept as each row's position in its partition and read one
    at a time (only an error message needs one): start + step x position."""

    def __init__(self, positions: np.ndarray, origin: np.ndarray, ranges: np.ndarray):
        self.positions, self.origin, self.ranges = positions, origin, ranges

    def __len__(self) -> int:
        return len(self.positions)

    def __getitem__(self, row: int) -> int:
        start, step = self.ranges[self.origin[row]]
        return int(start + step * int(self.positions[row]))


# Rows per np.take() of int32 codes (its int64 copy of them: 64 KiB, from the heap, not mmap).
_TAKE_ROWS = 1 << 13


class _Shard:
    """A columnar shard, joined from its pieces: enough of a DataFrame for scoring
    (``columns``, ``shard[name]``, ``len``, ``index`` for error messages), with the people
    as codes of the log's one table, handed to the scorer as they are (:meth:`add_to`).

    Nothing is joined up front: each column is joined from its pieces when it is first
    read (``shard[name]``), the people's codes are written from the pieces straight into
    the scorer's int64 codes (:meth:`people_codes`), and each row's original partition and
    index label (``origin``, ``index``) are worked out only when an error names a row.
    Under Dask's ``MALLOC_TRIM_THRESHOLD_`` every array over 128 KiB is fresh memory,
    page-faulted in: a column joined only to be converted again is one array too many."""

    def __init__(self, parts: List[_Columns], groups: List[List[int]], counts: List[np.ndarray],
                 numbers: List[List[int]], pieces_counts: List[np.ndarray],
                 people: pd.CategoricalDtype, source_name: str, target_name: str):
        # parts: every chunk of every piece, in order, each with its group's partition
        # numbers (groups) and its piece's rows per partition (counts); numbers and
        # pieces_counts: per piece, for each row's original partition.
        self._parts, self._groups, self._counts = parts, groups, counts
        self._numbers, self._pieces_counts = numbers, pieces_counts
        self._data: Dict[str, Any] = {}
        self._origin: Optional[np.ndarray] = None
        self._index: Any = None
        self.people = people
        self.columns = [source_name, target_name, *(parts[0].data if parts else {})]
        self._length = sum(len(p) for p in parts)

    @classmethod
    def join(cls, pieces: List[tuple], numbers: List[List[int]], source: str, target: str,
             people: pd.CategoricalDtype) -> "_Shard":
        parts = [chunk for piece in pieces for chunk in piece[0]]
        groups = [group for group, piece in zip(numbers, pieces) for _ in piece[0]]
        counts = [piece[1] for piece in pieces for _ in piece[0]]
        return cls(parts, groups, counts, numbers, [piece[1] for piece in pieces], people, source, target)

    @staticmethod
    def _joined(values: List[Any]) -> Any:
        values = _in_one_time_unit(values)
        if all(isinstance(v, np.ndarray) for v in values):
            return np.concatenate(values) if len(values) > 1 else values[0]
        return pd.concat([pd.Series(v, copy=False) for v in values], ignore_index=True).array

    @property
    def origin(self) -> np.ndarray:
        """Each row's original partition number (int32)."""
        if self._origin is None:
            self._origin = np.concatenate([np.repeat(np.asarray(group, dtype=np.int32), counts)
                                           for group, counts in zip(self._numbers, self._pieces_counts)]
                                          or [np.zeros(0, dtype=np.int32)])
        return self._origin

    @property
    def index(self) -> Any:
        """Each row's index label (read one at a time, by an error message)."""
        if self._index is None:
            parts = self._parts
            if all(p.ranges is not None for p in parts):  # positions, read as labels when an error names a row
                by_number = np.zeros((max(n for group in self._numbers for n in group) + 1, 2), dtype=np.int64)
                for group, chunk in zip(self._groups, parts):
                    if chunk.ranges is not None:  # every one, by the test above
                        by_number[group] = chunk.ranges
                self._index = _RangeLabels(self._joined([p.labels for p in parts]), self.origin, by_number)
            else:
                self._index = _joined_labels([_labels_of(p, group, counts)
                                              for p, group, counts in zip(parts, self._groups, self._counts)])
        return self._index

    @property
    def source(self) -> np.ndarray:
        return self._joined([p.source for p in self._parts])

    @property
    def target(self) -> np.ndarray:
        return self._joined([p.target for p in self._parts])

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, name: str) -> Any:
        if name not in self._data:
            self._data[name] = self._column(name)
        value = self._data[name]
        return value if isinstance(value, np.ndarray) else pd.Series(value, copy=False)

    def _column(self, c: str) -> Any:
        parts = self._parts
        kinds = [p.dtypes[c] for p in parts]
        if all(k is not None and k == kinds[0] for k in kinds):  # the same categories in every piece
            return pd.Categorical.from_codes(self._joined([p.data[c] for p in parts]), dtype=kinds[0])
        return self._joined([np.asarray(pd.Categorical.from_codes(p.data[c], dtype=k), dtype=object)
                             if k is not None else p.data[c] for p, k in zip(parts, kinds)])

    def owns(self, name: str) -> bool:
        """Whether column ``name`` as read is an array joined for this shard (several
        pieces), not a piece itself (a task's output, which must not be written to)."""
        return len(self._parts) > 1 and isinstance(self._data.get(name), np.ndarray)

    def people_codes(self) -> tuple:
        """The source and target codes (int64) into the names this shard uses, those
        names as the core takes them, and their id kind ("int" or "str"). The codes are
        written from the pieces straight into the int64 arrays (no joined int32 codes)."""
        from ._convert import _column_kind, _inferred_type, _names

        for name in ("source", "target"):
            if any(len(getattr(p, name)) and getattr(p, name).min() < 0 for p in self._parts):
                codes = getattr(self, name)
                raise ValueError(f"{name} has a missing id at row {int(np.argmax(codes < 0))}")
        used = np.zeros(len(self.people.categories), dtype=bool)
        for p in self._parts:
            used[p.source] = True
            used[p.target] = True
        renumber = np.cumsum(used, dtype=np.int64) - 1
        names = self.people.categories[used]
        kind = {"integer": "int", "string": "str"}.get(_inferred_type(names))
        if kind is None:
            # Floats, times, bools, mixed objects...: refused (or taken) as one process takes
            # the columns, naming the first row of a bad id (so the partition and label).
            people = self.people
            found = [_column_kind(pd.Series(pd.Categorical.from_codes(getattr(self, c), dtype=people)), c)
                     for c in ("source", "target") if len(self)]
            kind = found[0] if found and len(set(found)) == 1 else None if found else "str"
        if kind is None:  # as Scorer.add_dataframe says it
            raise ValueError("relscore.Scorer: source and target mix integer and string person ids; a scorer's ids "
                             "are all integers or all strings (results give them back as given), so convert one "
                             "side, e.g. with .astype(str)")

        def renumbered(name: str) -> np.ndarray:
            out = np.empty(len(self), dtype=np.int64)
            at = 0
            for p in self._parts:
                codes = getattr(p, name)
                # In runs of _TAKE_ROWS: take() casts int32 indices to int64 in a temporary
                # as long as its input (a fresh mmap under Dask's trim setting above 128 KiB).
                # mode="clip": the codes are in range (checked above); numpy's default
                # mode="raise" takes into a temporary copy of `out` first.
                for lo in range(0, len(codes), _TAKE_ROWS):
                    run = codes[lo:lo + _TAKE_ROWS]
                    np.take(renumber, run, out=out[at:at + len(run)], mode="clip")
                    at += len(run)
            return out

        return renumbered("source"), renumbered("target"), _names(names), kind


def _run(part: pd.DataFrame, work: Any, *work_args: Any, **work_kwargs: Any) -> Any:
    return work(part, *work_args, **work_kwargs)


def _by_pair_staged(frame: dd.DataFrame, source: str, target: str, shards: int, coded: bool) -> dd.DataFrame:
    # Dask's own shuffle, for very many partitions x shards.
    meta = frame._meta
    people = meta[source].dtype
    if coded:
        frame = frame.map_partitions(_people_as_codes, source, target, dask.delayed(people),
                                     meta=meta.assign(**{source: meta[source].cat.codes, target: meta[target].cat.codes}))
    pair_key = frame.map_partitions(_pair_hash, source, target, meta=(None, "uint64"))
    # Times at another unit than the metadata's (ns beside us) at us, as the shards'
    # joins take them: Dask's shuffle joins its pieces with pandas, at the finest unit.
    times = {c: d for c, d in frame._meta.dtypes.items() if isinstance(d, np.dtype) and d.kind == "M"}
    tagged = frame.map_partitions(_tag_origin, times, meta=frame._meta.assign(**{_ORIGIN: np.int32(0)}))
    shuffled = tagged.assign(_relscore_shard=pair_key % np.uint64(shards)).shuffle("_relscore_shard", npartitions=shards)
    shuffled = shuffled.drop(columns="_relscore_shard")
    if coded:
        shuffled = shuffled.map_partitions(_people_from_codes, source, target, dask.delayed(people),
                                           meta=meta.assign(**{_ORIGIN: np.int32(0)}))
    return shuffled


def _people_as_codes(part: pd.DataFrame, source: str, target: str, people: pd.CategoricalDtype,
                     number: Optional[int] = None, partition_info: Optional[Dict[str, Any]] = None) -> pd.DataFrame:
    if number is None:
        number = partition_info["number"] if partition_info else -1
    same: Dict[int, pd.Index] = {}  # source and target usually share their categories: compared once
    return part.assign(**{c: _table_codes(part[c], people, role, part, number, same)
                          for role, c in (("source", source), ("target", target))})


def _table_codes(column: pd.Series, table: pd.CategoricalDtype, role: str, part: pd.DataFrame,
                 number: int, same: Optional[Dict[int, pd.Index]] = None) -> np.ndarray:
    """A Categorical column's codes into the log's code table (the dask metadata's
    categories). Dask takes known categories to be every partition's, but dd.concat of
    frames with other categories (the metadata holds their union) or a map_partitions
    that changes them leave partitions whose own codes mean other people: those are
    recoded by name. The check is the identity, the length, then Index.equals (one
    pass over the categories per partition, none over the rows). ``same``: categories
    already found equal to the table's, by id (held there, so no id is reused): a
    partition's source and target usually share theirs, checked once."""
    array = column.array
    own, every, codes = array.categories, table.categories, array.codes
    if own is every or (same is not None and id(own) in same):
        return codes
    if len(own) == len(every) and own.equals(every):
        if same is not None:
            same[id(own)] = own
        return codes
    # the last entry for code -1 (a missing id), which stays -1 and fails in scoring
    recode = np.append(every.get_indexer(own).astype(np.int32, copy=False), np.int32(-1))
    out = recode[codes]
    lost = (out < 0) & (codes >= 0)
    if lost.any():
        # A person the metadata does not know: there is no code for it that the other
        # partitions would agree on (they were cut without seeing it).
        row = int(np.argmax(lost))
        raise _located(ValueError(
            f"{role} at row {row}: person id {own[codes[row]]!r} is not among the categories of the dask "
            "DataFrame's metadata, which dask takes to be every partition's; make them unknown with "
            ".cat.as_unknown() (or give the metadata every category with .cat.set_categories()) first"),
            part, number)
    return out


def _people_from_codes(part: pd.DataFrame, source: str, target: str, people: pd.CategoricalDtype,
                       trim: bool = False) -> pd.DataFrame:
    codes = [part[c].to_numpy() for c in (source, target)]
    if trim:  # only the names this part uses (see _convert._used_categories), from the codes directly
        used = np.zeros(len(people.categories) + 1, dtype=bool)  # the last entry: code -1, a missing id
        for column in codes:
            used[column] = True
        used = used[:-1]
        if not used.all():
            renumber = np.append(np.cumsum(used, dtype=np.int32) - 1, np.int32(-1))
            codes = [renumber[column] for column in codes]
            people = pd.CategoricalDtype(people.categories[used])
    return part.assign(**{c: pd.Categorical.from_codes(k, dtype=people) for c, k in zip((source, target), codes)})


def _tag_origin(part: pd.DataFrame, times: Optional[Dict[str, np.dtype]] = None,
                partition_info: Optional[Dict[str, Any]] = None) -> pd.DataFrame:
    number = partition_info["number"] if partition_info else -1
    other = {c: _micros_of(part[c].to_numpy()) for c, dtype in (times or {}).items()
             if c in part.columns and isinstance(part[c].dtype, np.dtype) and part[c].dtype.kind == "M"
             and part[c].dtype != dtype}
    return part.assign(**other, **{_ORIGIN: np.int32(number)})


def _time_bounds(times: pd.Series, convert: Dict[str, Any]) -> Optional[tuple]:
    """The earliest and latest of ``times`` in microseconds (None if there are none)."""
    from ._convert import time_column

    if not len(times):
        return None
    us = time_column(times, **convert)
    return int(us.min()), int(us.max())


def _part_bounds(times: pd.Series, convert: Dict[str, Any], part: Any, number: int) -> Optional[tuple]:
    """_time_bounds of one input partition; an error (a NaT, an unreadable time) names the
    partition and the row's label, as scoring's errors do."""
    try:
        return _time_bounds(times, convert)
    except (ValueError, KeyError, TypeError) as exc:
        raise _located(exc, part, number) from exc


def _bounds_series(times: pd.Series, convert: Dict[str, Any],
                   partition_info: Optional[Dict[str, Any]] = None) -> pd.Series:
    number = partition_info["number"] if partition_info else -1
    return pd.Series(_part_bounds(times, convert, times, number) or [], dtype=np.int64)


def _log_bounds(frame: dd.DataFrame, time: str, convert: Dict[str, Any]) -> Optional[tuple]:
    # A pass of its own, for Dask's staged shuffle (the direct exchange takes the bounds as it splits).
    bounds = frame[time].map_partitions(_bounds_series, convert, meta=(None, "int64")).compute()
    return (int(bounds.min()), int(bounds.max())) if len(bounds) else None


def _code_pair_shard(a: np.ndarray, b: np.ndarray, shards: int) -> np.ndarray:
    """The shard of each unordered pair of codes (a -> b and b -> a alike): Fibonacci
    hashing of the pair's 64-bit key, whose high bits are well mixed. A fifth of the
    cost of pandas' hash_array of both columns, which the codes do not need: they are
    numbers of one table, the same in every partition. The columnar split computes the
    same in C++ (_core.split_by_pair); this is the other paths' (int64, below ``shards``)."""
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    key = lo.astype(np.uint64)
    del lo
    key <<= np.uint64(32)
    key |= hi.view(np.uint32) if hi.dtype == np.int32 else hi.astype(np.uint64) & np.uint64(0xFFFFFFFF)
    del hi
    key *= np.uint64(0x9E3779B97F4A7C15)
    key >>= np.uint64(32)
    # The high 32 bits scaled to [0, shards) (h x shards / 2^32): a multiply and a shift,
    # not a 64-bit division per row as `%` is.
    key *= np.uint64(shards)
    key >>= np.uint64(32)
    return key.view(np.int64)


def _pair_hash(part: pd.DataFrame, source: str, target: str) -> pd.Series:
    # Hash of the unordered pair {source, target} by name, so a→b and b→a land together
    # and the shard does not depend on how a partition happened to encode the ids (or by
    # the codes of categories every partition shares: _by_pair).
    def hashed(column: pd.Series) -> np.ndarray:
        if column.dtype.kind in "iu":  # a missing id (nullable Int64) hashed as 0: scoring refuses its row
            return pd.util.hash_array(column.to_numpy(np.int64, na_value=0))
        return pd.util.hash_array(column.astype(str).to_numpy(dtype=object))

    a, b = hashed(part[source]), hashed(part[target])
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    return pd.Series(lo * np.uint64(0x9E3779B97F4A7C15) ^ hi, index=part.index)
