"""relscore.evaluate: dynamic link prediction exactly as DyGLib (Yu et al., NeurIPS 2023)
and DGB (Poursafaei et al., NeurIPS 2022) evaluate it, so relscore's scores stand in the same
table as trained temporal graph networks.

Design notes
- This module only orchestrates: it splits the data, samples the negatives, cuts the batches
  and computes the metrics. Every score is computed in C++ (``relscore._core``) by a streaming
  model that is *queried* for a batch and only then *told* the batch's edges.
- The split and the negative samplers replicate DyGLib's code (commit 3aacc36) call for call,
  including its random number generators: Python's ``random`` (seed 2020) picks the new
  nodes, and ``numpy.random.RandomState`` (seed 0/1 for validation, 2/3 for test) draws the
  negatives. The historical and inductive pools are Python sets whose iteration order decides
  which negatives are drawn, so they are built with the same expressions DyGLib uses. That is
  why negatives are sampled here, in Python, and not in C++.
- Metrics are scikit-learn's ``average_precision_score`` and ``roc_auc_score`` per batch,
  on scores rounded to float32 as DyGLib's ``torch.Tensor.float()`` does, averaged over batches.
- What a model knows when it scores a batch: the training edges (new nodes masked), then the
  evaluated stage's edges (validation or test, all of them) that come before the batch's first
  edge in file order. In the transductive setting that is exactly DyGLib's EdgeBank history;
  in the inductive setting the model also sees the earlier test edges that touch no new node,
  as DyGLib's neighbour samplers do. ``knowledge="event"`` (not the protocol's default) lets
  each query see every edge strictly older than itself, which is what DyGLib's neural models
  get from their neighbour samplers; the negatives and the metric batches do not change.
- relscore's own link score is a weighted sum of features computed in C++ (LINK_FEATURES,
  formulas in include/relscore/eval/link_models.hpp); fit() fits its weights by logistic
  regression on the validation stage, the other scores' parameters by Nelder-Mead.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Set, Tuple

import numpy as np
import pandas as pd

from . import _core
from ._labels import group_labels, label_metrics, ranking_metrics

__all__ = [
    "TemporalEdges",
    "Split",
    "NegativeSampler",
    "LinkPredictionResult",
    "LinkModel",
    "load_benchmark",
    "load_event_log",
    "split",
    "evaluate_link_prediction",
    "make_plan",
    "run_plan",
    "Plan",
    "batch_metrics",
    "average_precision",
    "label_metrics",
    "group_labels",
    "ranking_metrics",
    "LINK_FEATURES",
    "link_features",
    "fit_link_score",
    "fit_link_booster",
    "run_link_booster",
]

SETTINGS: Tuple[str, ...] = ("transductive", "inductive")
STRATEGIES: Tuple[str, ...] = ("random", "historical", "inductive")


# ----------------------------------------------------------------------------- data


@dataclass(frozen=True)
class TemporalEdges:
    """A chronological edge list: edge k goes from ``src[k]`` to ``dst[k]`` at ``ts[k]``
    (seconds since the first edge). Node ids are the data set's own integers."""

    src: np.ndarray
    dst: np.ndarray
    ts: np.ndarray
    name: str = ""

    def __post_init__(self) -> None:
        if not (len(self.src) == len(self.dst) == len(self.ts)):
            raise ValueError(f"{self.name or 'edges'}: src, dst and ts must have the same length")
        if len(self.ts) > 1 and np.any(np.diff(self.ts) < 0):
            k = int(np.argmax(np.diff(self.ts) < 0)) + 1
            raise ValueError(f"{self.name or 'edges'}: edges must be in time order (edge {k} is older than edge {k - 1})")

    def __len__(self) -> int:
        return len(self.ts)

    def take(self, index: np.ndarray) -> "TemporalEdges":
        return TemporalEdges(self.src[index], self.dst[index], self.ts[index], self.name)


def load_benchmark(path: str, name: str = "") -> TemporalEdges:
    """Load DyGLib/DGB's benchmark format (``ml_<name>.csv``: columns ``u,i,ts,label,idx``,
    sorted by time)."""
    frame = pd.read_csv(path)
    missing = {"u", "i", "ts"} - set(frame.columns)
    if missing:
        raise ValueError(f"{path}: not the benchmark format, missing column(s) {sorted(missing)}")
    return TemporalEdges(frame["u"].to_numpy(np.int64), frame["i"].to_numpy(np.int64),
                         frame["ts"].to_numpy(np.float64), name or path)


def load_event_log(path: str, order: str = "src,dst,time", name: str = "") -> TemporalEdges:
    """Load a whitespace-separated event log (``SRC DST TIME`` per line, as SNAP's
    CollegeMsg and email-Eu-core; ``order="time,src,dst"`` for SocioPatterns' ``t i j``).
    A first line that is not numeric is a header and skipped. Times become seconds since
    the first row, as in DyGLib's ``ml_uci.csv``; the row order is kept (it must be
    chronological; a stable sort is applied when it is not, which is reported in ``name``)."""
    fields = order.split(",")
    if sorted(fields) != ["dst", "src", "time"]:
        raise ValueError(f"order must name src, dst and time once each, got {order!r}")
    frame = pd.read_csv(path, sep=r"\s+", header=None, dtype=str, usecols=[0, 1, 2])
    if len(frame) and not _is_number(frame.iat[0, 0]):
        frame = frame.iloc[1:]
    try:
        columns = {f: pd.to_numeric(frame.iloc[:, k], errors="raise") for k, f in enumerate(fields)}
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None
    ts = columns["time"].to_numpy(np.float64)
    src = columns["src"].to_numpy(np.int64)
    dst = columns["dst"].to_numpy(np.int64)
    label = name or path
    if len(ts) > 1 and np.any(np.diff(ts) < 0):
        order_index = np.argsort(ts, kind="stable")
        src, dst, ts = src[order_index], dst[order_index], ts[order_index]
        label += " (sorted by time)"
    if len(ts):
        ts = ts - ts[0]
    return TemporalEdges(src, dst, ts, label)


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


# ----------------------------------------------------------------------------- split


@dataclass
class Split:
    """DyGLib's chronological split (``get_link_prediction_data``)."""

    full: TemporalEdges
    val_time: float
    test_time: float
    train_mask: np.ndarray
    val_mask: np.ndarray
    test_mask: np.ndarray
    new_node_val_mask: np.ndarray
    new_node_test_mask: np.ndarray
    new_test_nodes: Set[int] = field(repr=False)
    new_nodes: Set[int] = field(repr=False)

    def indices(self, mask: np.ndarray) -> np.ndarray:
        return np.flatnonzero(mask)


def split(edges: TemporalEdges, val_ratio: float = 0.15, test_ratio: float = 0.15, seed: int = 2020) -> Split:
    """70/15/15 by event quantiles of time; 10 % of the nodes active after ``val_time`` are
    held out of training as new nodes (``random.seed(2020)``, then ``random.sample``)."""
    src, dst, ts = edges.src, edges.dst, edges.ts
    val_time, test_time = list(np.quantile(ts, [(1 - val_ratio - test_ratio), (1 - test_ratio)]))
    node_set = set(src) | set(dst)
    num_total_unique_node_ids = len(node_set)
    # The same expression as DyGLib: the set's iteration order decides the sample.
    test_node_set = set(src[ts > val_time]).union(set(dst[ts > val_time]))
    sampler = random.Random(seed)  # identical to random.seed(seed) then random.sample(...)
    new_test_node_set = set(sampler.sample(tuple(test_node_set), int(0.1 * num_total_unique_node_ids)))
    new_test_nodes = np.array(sorted(new_test_node_set), dtype=np.int64)
    observed = ~np.isin(src, new_test_nodes) & ~np.isin(dst, new_test_nodes)
    train_mask = (ts <= val_time) & observed
    train_node_set = set(src[train_mask]).union(dst[train_mask])
    new_node_set = node_set - train_node_set
    new_nodes = np.array(sorted(new_node_set), dtype=np.int64)
    val_mask = (ts <= test_time) & (ts > val_time)
    test_mask = ts > test_time
    has_new_node = np.isin(src, new_nodes) | np.isin(dst, new_nodes)
    return Split(edges, float(val_time), float(test_time), train_mask, val_mask, test_mask, val_mask & has_new_node,
                 test_mask & has_new_node, {int(n) for n in new_test_node_set}, {int(n) for n in new_node_set})


# ----------------------------------------------------------------------------- negatives


class NegativeSampler:
    """DyGLib's ``NegativeEdgeSampler``, call for call (same RNG draws, same set arithmetic),
    so that the same seed gives the same negatives.

    ``edges`` is the data the sampler knows (the full data in the transductive setting, the
    new-node edges of the evaluated stage in the inductive one); ``last_observed_time`` is the
    newest time before the evaluated stage (for the inductive strategy)."""

    def __init__(self, edges: TemporalEdges, strategy: str = "random", seed: int = 2,
                 last_observed_time: Optional[float] = None, literal: bool = False) -> None:
        if strategy not in STRATEGIES:
            raise ValueError(f"negative sampling strategy must be one of {STRATEGIES}, got {strategy!r}")
        self.strategy = strategy
        self.seed = seed
        self.src_node_ids = edges.src
        self.dst_node_ids = edges.dst
        self.interact_times = edges.ts
        self.unique_src_node_ids = np.unique(edges.src)
        self.unique_dst_node_ids = np.unique(edges.dst)
        self.earliest_time = float(np.min(edges.ts)) if len(edges) else 0.0
        self.last_observed_time = last_observed_time
        self._possible_edges: Optional[Set[Tuple[Any, Any]]] = None
        # Python ints hash as numpy's int64 do, so sets of them iterate in the same order.
        self._src_list: List[int] = edges.src.tolist()
        self._dst_list: List[int] = edges.dst.tolist()
        self._historical: Set[Tuple[int, int]] = set()
        self._historical_end = 0  # edges [0, _historical_end) are in _historical
        if strategy == "inductive":
            if last_observed_time is None:
                raise ValueError("the inductive strategy needs last_observed_time")
            self.observed_edges = self._edges_between(self.earliest_time, last_observed_time)
        self.random_state = np.random.RandomState(seed)
        # literal: top up with DyGLib's own expression (slow); otherwise with _CandidatePairs,
        # which gives the same pairs (tests/python/test_evaluate.py checks it).
        self.literal = literal

    def reset(self) -> None:
        self.random_state = np.random.RandomState(self.seed)
        self._historical = set()
        self._historical_end = 0

    @property
    def possible_edges(self) -> Set[Tuple[Any, Any]]:
        # Every (src, dst) of unique sources x unique destinations: millions of tuples, so
        # built only when a batch needs it (DyGLib builds it eagerly; the set is the same).
        if self._possible_edges is None:
            self._possible_edges = set((s, d) for s in self.unique_src_node_ids.tolist()
                                       for d in self.unique_dst_node_ids.tolist())
        return self._possible_edges

    def _edges_between(self, start_time: float, end_time: float) -> Set[Tuple[Any, Any]]:
        selected = np.flatnonzero(np.logical_and(self.interact_times >= start_time, self.interact_times <= end_time))
        return set(zip(self.src_node_ids[selected].tolist(), self.dst_node_ids[selected].tolist()))

    def _historical_edges(self, end_time: float) -> Set[Tuple[int, int]]:
        # DyGLib rebuilds {edges with earliest <= ts <= end_time} for every batch. The edges
        # are in time order, so that is a prefix: adding the new part of the prefix, in order,
        # to the previous batch's set inserts the same tuples in the same order and gives the
        # same set (same iteration order), in time linear in the data instead of quadratic.
        end = int(np.searchsorted(self.interact_times, end_time, side="right"))
        if end < self._historical_end:  # time went backwards (a new loop without reset)
            self._historical, self._historical_end = set(), 0
        self._historical.update(zip(self._src_list[self._historical_end:end], self._dst_list[self._historical_end:end]))
        self._historical_end = end
        return self._historical

    def sample(self, size: int, batch_src: np.ndarray, batch_dst: np.ndarray, batch_start_time: float,
               batch_end_time: float) -> Tuple[np.ndarray, np.ndarray]:
        """Negatives for one batch of ``size`` positives (random: the positives' sources)."""
        if self.strategy == "random":
            self.random_state.randint(0, len(self.unique_src_node_ids), size)  # drawn and discarded, as DyGLib
            dst = self.unique_dst_node_ids[self.random_state.randint(0, len(self.unique_dst_node_ids), size)]
            return np.asarray(batch_src, dtype=np.int64), dst.astype(np.int64)
        historical = self._historical_edges(batch_start_time)
        current = self._edges_between(batch_start_time, batch_end_time)
        if self.strategy == "historical":
            pool = historical - current
        else:
            pool = historical - self.observed_edges - current
        pool_src = np.array([e[0] for e in pool])
        pool_dst = np.array([e[1] for e in pool])
        if size > len(pool):
            fill_src, fill_dst = self._random_with_collision_check(size - len(pool), batch_src, batch_dst)
            neg_src = np.concatenate([fill_src, pool_src])
            neg_dst = np.concatenate([fill_dst, pool_dst])
        else:
            chosen = self.random_state.choice(len(pool), size=size, replace=False)
            neg_src, neg_dst = pool_src[chosen], pool_dst[chosen]
        return neg_src.astype(np.int64), neg_dst.astype(np.int64)

    def _random_with_collision_check(self, size: int, batch_src: np.ndarray,
                                     batch_dst: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        batch_edges = set(zip(np.asarray(batch_src).tolist(), np.asarray(batch_dst).tolist()))
        if not self.literal:
            pairs = _CandidatePairs.of(self.unique_src_node_ids, self.unique_dst_node_ids)
            if pairs.exact_for(len(batch_edges)):
                removed = pairs.positions(batch_edges)
                count = pairs.size - len(removed)
                chosen = self.random_state.choice(count, size=size, replace=count < size)
                return pairs.pick(chosen, removed)
        candidates = list(self.possible_edges - batch_edges)
        chosen = self.random_state.choice(len(candidates), size=size, replace=len(candidates) < size)
        return (np.array([candidates[k][0] for k in chosen]), np.array([candidates[k][1] for k in chosen]))


class _CandidatePairs:
    """DyGLib's ``list(possible_edges - batch_edges)`` without building it for every batch.

    ``possible_edges`` is every (source, destination) of the unique sources x destinations
    (millions of pairs on UCI). For a small right-hand side, CPython computes ``a - b`` by
    copying ``a`` (a copy's layout depends on ``a`` alone) and deleting ``b``'s elements from
    the copy, which leaves the others where they are. So the difference lists the pairs in
    the order of ``list(a - set())``, minus the batch's: that order is built once per pair
    of unique-node arrays (and shared by the validation and test samplers), and the k-th
    candidate is found by skipping the removed positions. ``exact_for`` says when CPython
    takes that path (``len(a) >> 2 > len(b)``); otherwise the sampler uses the literal
    expression."""

    _cache: Dict[Tuple[bytes, bytes], "_CandidatePairs"] = {}

    def __init__(self, unique_src: np.ndarray, unique_dst: np.ndarray) -> None:
        possible = set(itertools.product(unique_src.tolist(), unique_dst.tolist()))  # DyGLib's order
        ordered = list(possible - set())
        del possible
        self.size = len(ordered)
        self.unique_src, self.unique_dst = unique_src, unique_dst
        flat = np.fromiter(itertools.chain.from_iterable(ordered), np.int64, 2 * self.size)
        del ordered
        self.src, self.dst = flat[0::2].copy(), flat[1::2].copy()
        # position_of[rank of src * number of destinations + rank of dst] = place in the order
        keys = np.searchsorted(unique_src, self.src) * len(unique_dst) + np.searchsorted(unique_dst, self.dst)
        self.position_of = np.empty(self.size, np.int64)
        self.position_of[keys] = np.arange(self.size)

    @classmethod
    def of(cls, unique_src: np.ndarray, unique_dst: np.ndarray) -> "_CandidatePairs":
        key = (unique_src.tobytes(), unique_dst.tobytes())
        if key not in cls._cache:
            # A few orders (one evaluation alternates between its validation and test
            # samplers); the oldest goes first.
            while len(cls._cache) >= 4:
                del cls._cache[next(iter(cls._cache))]
            cls._cache[key] = cls(unique_src, unique_dst)
        return cls._cache[key]

    def exact_for(self, removed: int) -> bool:
        return (self.size >> 2) > removed

    def positions(self, batch_edges: Set[Tuple[int, int]]) -> np.ndarray:
        """Where the given pairs are in the order (sorted; pairs not in it are ignored)."""
        if not batch_edges:
            return np.zeros(0, np.int64)
        src = np.fromiter((e[0] for e in batch_edges), np.int64, len(batch_edges))
        dst = np.fromiter((e[1] for e in batch_edges), np.int64, len(batch_edges))
        rs = np.searchsorted(self.unique_src, src)
        rd = np.searchsorted(self.unique_dst, dst)
        ok = (rs < len(self.unique_src)) & (rd < len(self.unique_dst))
        ok[ok] &= (self.unique_src[rs[ok]] == src[ok]) & (self.unique_dst[rd[ok]] == dst[ok])
        return np.sort(self.position_of[rs[ok] * len(self.unique_dst) + rd[ok]])

    def pick(self, chosen: np.ndarray, removed: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """The pairs at places ``chosen`` of the order without the ``removed`` positions."""
        kept_before = removed - np.arange(len(removed))  # kept pairs before each removed one
        place = chosen + np.searchsorted(kept_before, chosen, side="right")
        return self.src[place], self.dst[place]


# ----------------------------------------------------------------------------- metrics


def batch_metrics(positive: np.ndarray, negative: np.ndarray) -> Tuple[float, float]:
    """(average precision, ROC AUC) of one batch, as DyGLib computes them: scikit-learn on
    float32 scores, positives labelled 1 and negatives 0."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    scores = np.concatenate([positive, negative]).astype(np.float32)
    labels = np.concatenate([np.ones(len(positive)), np.zeros(len(negative))])
    return float(average_precision_score(labels, scores)), float(roc_auc_score(labels, scores))


# ----------------------------------------------------------------------------- loop


@dataclass
class LinkPredictionResult:
    """Mean per-batch AP and AUC (x100), and the per-batch values."""

    ap: float
    auc: float
    batch_ap: List[float]
    batch_auc: List[float]
    seconds: float
    setting: str
    strategy: str
    stage: str

    def __repr__(self) -> str:
        return (f"LinkPredictionResult({self.stage}, {self.setting}, {self.strategy} negatives: AP {self.ap:.2f}, "
                f"AUC {self.auc:.2f}, {len(self.batch_ap)} batches, {self.seconds:.2f} s)")


@dataclass
class _Stage:
    history: np.ndarray  # what is known before the first batch (indices into the full data)
    stage_all: np.ndarray  # every edge of the stage, in file order
    evaluated: np.ndarray  # the edges to predict, in file order
    sampler_edges: TemporalEdges
    seed: int
    last_observed_time: float


def _stage(data: Split, setting: str, stage: str) -> _Stage:
    if setting not in SETTINGS:
        raise ValueError(f"setting must be one of {SETTINGS}, got {setting!r}")
    full = data.full
    train = data.indices(data.train_mask)
    if stage == "test":
        history = np.flatnonzero(data.train_mask | data.val_mask)
        stage_all = data.indices(data.test_mask)
        new_mask, seeds = data.new_node_test_mask, (2, 3)
        last_observed = float(full.ts[data.indices(data.val_mask)[-1]])
    elif stage == "val":
        history = train
        stage_all = data.indices(data.val_mask)
        new_mask, seeds = data.new_node_val_mask, (0, 1)
        last_observed = float(full.ts[train[-1]])
    else:
        raise ValueError(f"stage must be 'val' or 'test', got {stage!r}")
    if setting == "transductive":
        return _Stage(history, stage_all, stage_all, full, seeds[0], last_observed)
    evaluated = data.indices(new_mask)
    return _Stage(history, stage_all, evaluated, full.take(evaluated), seeds[1], last_observed)


class LinkModel:
    """The protocol a link-prediction model follows to be evaluated by :func:`run_plan`:
    ``observe`` edges, then ``score`` queries without learning from them.

    The compiled models (``relscore._core.LinkModel``: EdgeBank, count, decay, relscore's
    link score, ...) follow it and run in C++. Any other object with these two methods is
    driven by a Python loop; subclassing this class is optional (it only documents the
    methods). A worked example beside the built-in baselines: ``examples/python/my_score.py``.

    The loop, for one plan (one setting, negative sampling, stage and knowledge row), on a
    fresh model:

    1. ``observe`` the history (the training edges, new nodes masked; for the test stage
       also the validation edges), then, before each group of queries, the stage's edges
       the queries may know. Knowledge "batch": a group is a batch of 200 positives and
       the model has seen every edge before the batch. Knowledge "event": a group is a
       run of equal timestamps and the model has seen every edge strictly older.
    2. ``score`` the group's positives (the real edges), then, in a second call, as many
       negatives (drawn as DyGLib draws them) at the positives' timestamps.

    Metrics are the mean over batches of scikit-learn's average precision and ROC AUC, on
    the scores rounded to float32 (as DyGLib does): differences below float32 precision
    are ties.

    Contract:

    - ``observe(src, dst, ts)``: ``src``/``dst`` int64 node ids, ``ts`` float64 seconds
      since the first edge of the data; the edges come in time order, across calls too.
      A call may be empty.
    - ``score(src, dst, ts)`` returns a float array of ``len(src)`` scores, higher meaning
      "more likely to interact at ``ts``". It must not learn (the same call twice gives the
      same scores) and must score each row from the row and the model's state alone: the
      positives and the negatives are scored in separate calls, so a score that depended on
      the call or on the other rows of the call would read the labels.
    - The model never sees a label, nor an edge of its own batch ("batch") or an edge at
      or after the query's timestamp ("event").
    - Fitting: tune parameters on a validation plan (``make_plan(..., stage="val")``) only,
      as :func:`fit` does, then evaluate a fresh model on the test plan.

    **Example**::

        class Count(LinkModel):
            def __init__(self):
                self.seen = {}

            def observe(self, src, dst, ts):
                for pair in zip(src.tolist(), dst.tolist()):
                    self.seen[pair] = self.seen.get(pair, 0) + 1

            def score(self, src, dst, ts):
                return np.array([self.seen.get(p, 0) for p in zip(src.tolist(), dst.tolist())], float)

        data = split(load_event_log("CollegeMsg.txt.gz"))
        run_plan(make_plan(data, "transductive", "historical"), Count()).ap
    """

    def observe(self, src: np.ndarray, dst: np.ndarray, ts: np.ndarray) -> None:  # pragma: no cover
        """Learn the edges ``src[k] -> dst[k]`` at ``ts[k]`` (in time order)."""
        raise NotImplementedError

    def score(self, src: np.ndarray, dst: np.ndarray, ts: np.ndarray) -> np.ndarray:  # pragma: no cover
        """Scores of ``src[k] -> dst[k]`` at ``ts[k]`` (higher = more likely); learns nothing."""
        raise NotImplementedError


def batches(data: Split, setting: str = "transductive", stage: str = "test",
            batch_size: int = 200) -> Iterator[Tuple[np.ndarray, np.ndarray]]:
    """Yield (edges the model must learn first, edges of the batch), as indices into the full data."""
    plan = _stage(data, setting, stage)
    yield plan.history, plan.evaluated[:0]
    known = 0  # position in plan.stage_all of the first edge not yet observed
    for start in range(0, len(plan.evaluated), batch_size):
        batch = plan.evaluated[start:start + batch_size]
        upto = int(np.searchsorted(plan.stage_all, batch[0]))
        yield plan.stage_all[known:upto], batch
        known = upto


@dataclass
class Plan:
    """One evaluation, ready to run on any number of models: the edges to learn before each
    batch, the batches and their negatives (drawn once, as DyGLib draws them)."""

    data: Split
    setting: str
    strategy: str
    stage: str
    learn_index: np.ndarray
    learn_offset: np.ndarray
    batch_index: np.ndarray
    batch_offset: np.ndarray
    neg_src: np.ndarray
    neg_dst: np.ndarray
    sampling_seconds: float
    # How the stream is fed: the learn edges learn_index[learn_offset[g]:learn_offset[g + 1]]
    # come before the queries batch_index[stream_offset[g]:stream_offset[g + 1]]. With
    # knowledge "batch" the groups are the batches (stream_offset is batch_offset); with
    # "event" they are the runs of equal timestamps, so that every query knows every edge
    # strictly older than itself. Metrics are always averaged over the batches.
    knowledge: str = "batch"
    group_offset: Optional[np.ndarray] = None  # None: the groups are the batches

    @property
    def stream_offset(self) -> np.ndarray:
        return self.batch_offset if self.group_offset is None else self.group_offset

    @property
    def batch_count(self) -> int:
        return len(self.batch_offset) - 1

    @property
    def group_count(self) -> int:
        return len(self.stream_offset) - 1


KNOWLEDGE: Tuple[str, ...] = ("batch", "event")


def make_plan(data: Split, setting: str = "transductive", strategy: str = "random", stage: str = "test",
              batch_size: int = 200, literal_sampler: bool = False, knowledge: str = "batch") -> Plan:
    """Cut the batches of one evaluation and sample their negatives.

    ``setting``: "transductive" (every edge of the stage) or "inductive" (edges with a node
    unseen in training); ``strategy``: "random", "historical" or "inductive" negatives;
    ``stage``: "test" (history = train + validation) or "val" (history = train; for fitting);
    ``literal_sampler``: draw the random top-up pairs with DyGLib's literal (slow) expression;
    ``knowledge``: what a query may know. "batch" (the protocol, and DyGLib's EdgeBank): the
    edges before its batch. "event": every edge strictly older than the query itself, which
    is what the temporal neighbour samplers of DyGLib's neural models give them (they read
    the full edge list up to each query's timestamp). The negatives are the same in both."""
    if knowledge not in KNOWLEDGE:
        raise ValueError(f"knowledge must be one of {KNOWLEDGE}, got {knowledge!r}")
    started = time.perf_counter()
    plan = _stage(data, setting, stage)
    sampler = NegativeSampler(plan.sampler_edges, strategy, plan.seed, plan.last_observed_time, literal_sampler)
    full = data.full
    learn: List[np.ndarray] = []
    evaluated: List[np.ndarray] = []
    neg_src: List[np.ndarray] = []
    neg_dst: List[np.ndarray] = []
    for known, batch in batches(data, setting, stage, batch_size):
        if not len(batch):  # the history, learnt before the first batch
            history = known
            continue
        if not evaluated:
            known = np.concatenate([history, known])
        ts = full.ts[batch]
        ns, nd = sampler.sample(len(batch), full.src[batch], full.dst[batch], float(ts[0]), float(ts[-1]))
        learn.append(known)
        evaluated.append(batch)
        neg_src.append(ns)
        neg_dst.append(nd)

    def offsets(parts: Sequence[np.ndarray]) -> np.ndarray:
        return np.concatenate([[0], np.cumsum([len(p) for p in parts])]).astype(np.int64)

    def joined(parts: Sequence[np.ndarray]) -> np.ndarray:
        return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)

    if knowledge == "batch":
        return Plan(data, setting, strategy, stage, joined(learn), offsets(learn), joined(evaluated),
                    offsets(evaluated), joined(neg_src), joined(neg_dst), time.perf_counter() - started)
    # Event knowledge: one group per run of equal timestamps; before it, every stage edge
    # strictly older than that timestamp (in file order, which is time order).
    batch_index = joined(evaluated)
    stage_times = full.ts[plan.stage_all]
    query_times = full.ts[batch_index]
    starts = np.flatnonzero(np.r_[True, query_times[1:] != query_times[:-1]])
    batch_starts = offsets(evaluated)[:-1]
    starts = np.union1d(starts, batch_starts)  # a group never spans two batches
    upto = np.searchsorted(stage_times, query_times[starts], side="left")
    upto = np.maximum.accumulate(upto)
    known_before = np.r_[0, upto]
    groups = [plan.history] + [plan.stage_all[known_before[g]:known_before[g + 1]] for g in range(1, len(starts))]
    groups[0] = np.concatenate([plan.history, plan.stage_all[:upto[0]]])
    return Plan(data, setting, strategy, stage, joined(groups), offsets(groups), batch_index, offsets(evaluated),
                joined(neg_src), joined(neg_dst), time.perf_counter() - started, knowledge,
                np.r_[starts, len(batch_index)].astype(np.int64))


def run_plan(plan: Plan, model: Any, fast_metrics: bool = False) -> LinkPredictionResult:
    """Score a plan with a fresh model: a compiled ``relscore._core.LinkModel`` (the whole
    stream runs in C++) or any object with ``observe`` and ``score`` (a Python loop; the
    protocol is :class:`LinkModel`'s).
    ``fast_metrics`` uses :func:`average_precision` (same definition, no scikit-learn call,
    no AUC) for fitting."""
    from . import _core

    started = time.perf_counter()
    full = plan.data.full
    if isinstance(model, _core.LinkModel):
        positive, negative = _core.run_stream(model, full.src, full.dst, full.ts, plan.learn_index, plan.learn_offset,
                                              plan.batch_index, plan.stream_offset, plan.neg_src, plan.neg_dst)
    else:
        positive = np.zeros(len(plan.batch_index))
        negative = np.zeros(len(plan.batch_index))
        for b in range(plan.group_count):
            learn = plan.learn_index[plan.learn_offset[b]:plan.learn_offset[b + 1]]
            model.observe(full.src[learn], full.dst[learn], full.ts[learn])
            part = slice(plan.stream_offset[b], plan.stream_offset[b + 1])
            batch = plan.batch_index[part]
            positive[part] = model.score(full.src[batch], full.dst[batch], full.ts[batch])
            negative[part] = model.score(plan.neg_src[part], plan.neg_dst[part], full.ts[batch])
    return _plan_metrics(plan, positive, negative, fast_metrics, started)


def _plan_metrics(plan: Plan, positive: np.ndarray, negative: np.ndarray, fast_metrics: bool,
                  started: float) -> LinkPredictionResult:
    batch_ap: List[float] = []
    batch_auc: List[float] = []
    for b in range(plan.batch_count):
        part = slice(plan.batch_offset[b], plan.batch_offset[b + 1])
        if fast_metrics:
            batch_ap.append(average_precision(positive[part], negative[part]))
            batch_auc.append(float("nan"))
        else:
            ap, auc = batch_metrics(positive[part], negative[part])
            batch_ap.append(ap)
            batch_auc.append(auc)
    return LinkPredictionResult(100 * float(np.mean(batch_ap)), 100 * float(np.mean(batch_auc)), batch_ap, batch_auc,
                                time.perf_counter() - started, plan.setting, plan.strategy, plan.stage)


def average_precision(positive: np.ndarray, negative: np.ndarray) -> float:
    """scikit-learn's average precision of one batch (float32 scores, ties grouped), in numpy:
    Σ over distinct thresholds of (recall step) x precision."""
    scores = np.concatenate([positive, negative]).astype(np.float32)
    labels = np.concatenate([np.ones(len(positive)), np.zeros(len(negative))])
    order = np.argsort(-scores, kind="mergesort")
    scores, labels = scores[order], labels[order]
    last_of_group = np.flatnonzero(np.r_[scores[1:] != scores[:-1], True])
    true_positives = np.cumsum(labels)[last_of_group]
    predicted = last_of_group + 1
    precision = true_positives / predicted
    recall_step = np.diff(np.r_[0.0, true_positives]) / max(len(positive), 1)
    return float(np.sum(recall_step * precision))


def evaluate_link_prediction(model: Any, data: Split, setting: str = "transductive", strategy: str = "random",
                             stage: str = "test", batch_size: int = 200, knowledge: str = "batch") -> LinkPredictionResult:
    """Run DyGLib's evaluation loop on a fresh ``model`` (see :func:`make_plan` for the
    arguments and :func:`run_plan` for the models accepted)."""
    plan = make_plan(data, setting, strategy, stage, batch_size, knowledge=knowledge)
    result = run_plan(plan, model)
    result.seconds += plan.sampling_seconds
    return result


# ----------------------------------------------------------------------------- scores and fitting

DAY = 86400.0


@dataclass(frozen=True)
class Parameter:
    """A fitted parameter: its default and how the optimizer sees it (``positive``: fitted
    as its log; ``unit``: in [0, 1], fitted as its logit; ``real``: as is)."""

    name: str
    default: float
    kind: str = "positive"

    def to_free(self, value: float) -> float:
        if self.kind == "positive":
            return math.log(max(value, 1e-300))
        if self.kind == "unit":
            v = min(max(value, 1e-9), 1 - 1e-9)
            return math.log(v / (1 - v))
        return value

    def from_free(self, z: float) -> float:
        if self.kind == "positive":
            return math.exp(min(z, 700.0))
        if self.kind == "unit":
            return 1 / (1 + math.exp(-z))
        return z


@dataclass(frozen=True)
class ScoreSpec:
    name: str
    description: str
    parameters: Tuple[Parameter, ...]
    factory: Callable[..., Any]


def _core_factory(name: str) -> Callable[..., Any]:
    def make(**params: float) -> Any:
        from . import _core

        return getattr(_core, name)(**params)

    return make


def _edgebank(mode: str) -> Callable[..., Any]:
    def make() -> Any:
        from . import _core

        return _core.make_edgebank(mode)

    return make


# The features of relscore's link score, in the order of its weights, as the compiled
# score names them (their formulas: include/relscore/eval/link_models.hpp).
LINK_FEATURES: Tuple[str, ...] = tuple(_core.link_feature_names())

# Unfitted weights: a week-scale tie both ways, its reciprocated part, the pair's recency,
# the destination's recent activity, and two-hop strength. Fitting replaces all of them.
LINK_DEFAULT_WEIGHTS: Dict[str, float] = {
    "tie_out_7d": 1.0, "tie_in_7d": 0.5, "reciprocated_7d": 0.5, "since_out": 0.1,
    "dst_in_1d": 0.5, "dst_out_1d": 0.5, "dst_since_active": 0.1, "two_hop_7d": 0.5}


def _relscore_link(**weights: float) -> Any:
    from . import _core

    return _core.make_relscore_link(np.array([weights[name] for name in LINK_FEATURES], dtype=np.float64))


def link_features(plan: "Plan") -> Tuple[np.ndarray, np.ndarray]:
    """The feature matrices (positives, negatives; one row per entry of the plan, columns
    :data:`LINK_FEATURES`) of relscore's link score over a plan, computed in C++ by the same
    stream as :func:`run_plan` (a batch's features use only what was known before it)."""
    from . import _core

    full = plan.data.full
    model = _core.make_relscore_link(np.zeros(len(LINK_FEATURES)))
    return _core.run_feature_stream(model, full.src, full.dst, full.ts, plan.learn_index, plan.learn_offset,
                                    plan.batch_index, plan.stream_offset, plan.neg_src, plan.neg_dst)


def fit_link_score(plan: "Plan", l2: float = 1.0) -> Tuple[Dict[str, float], Dict[str, Any]]:
    """Fit relscore's link score on a validation plan: L2-regularized logistic regression of
    "positive or negative" on the standardized features (scipy's trust-region Newton; ``l2`` as
    scikit-learn's 1/C). Returns the weights on the raw features and the fit's record,
    including the validation AP of the fitted score. Only the plan's edges are used."""
    from scipy.optimize import minimize
    from threadpoolctl import threadpool_limits

    positive, negative = link_features(plan)
    x = np.vstack([positive, negative])
    y = np.r_[np.ones(len(positive)), np.zeros(len(negative))]
    mean, scale = x.mean(axis=0), x.std(axis=0)
    usable = scale > 1e-12  # a constant feature cannot be fitted: weight 0
    z = np.zeros_like(x)
    z[:, usable] = (x[:, usable] - mean[usable]) / scale[usable]
    sign = 2 * y - 1

    design = np.hstack([z, np.ones((len(z), 1))])  # the last column is the intercept
    penalty = np.r_[np.full(z.shape[1], l2), 0.0]  # the intercept is not penalized

    def loss(theta: np.ndarray) -> float:
        margin = sign * (design @ theta)
        return float(np.sum(np.logaddexp(0.0, -margin)) + 0.5 * np.sum(penalty * theta * theta))

    def gradient(theta: np.ndarray) -> np.ndarray:
        margin = sign * (design @ theta)
        slope = -sign * 0.5 * (1 - np.tanh(margin / 2))  # d/dmargin log(1 + e^-margin), without overflow
        return design.T @ slope + penalty * theta

    def hessian(theta: np.ndarray) -> np.ndarray:
        p = 0.5 * (1 + np.tanh(design @ theta / 2))  # the logistic function, without overflow
        return (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty)

    with threadpool_limits(1):  # one core: threaded BLAS only slows a problem this small down
        # Convex with an exact Hessian (33 x 33): a trust-region Newton method converges in
        # a few dozen steps.
        best = minimize(loss, np.zeros(design.shape[1]), jac=gradient, hess=hessian, method="trust-exact",
                        options={"gtol": 1e-8, "maxiter": 200})
    standardized = best.x[:-1]
    raw = np.where(usable, standardized / np.where(usable, scale, 1.0), 0.0)
    weights = {name: float(w) for name, w in zip(LINK_FEATURES, raw)}
    ap = 100 * float(np.mean([average_precision(positive[part] @ raw, negative[part] @ raw)
                              for part in (slice(plan.batch_offset[b], plan.batch_offset[b + 1])
                                           for b in range(plan.batch_count))]))
    ranked = sorted(zip(LINK_FEATURES, standardized), key=lambda t: -abs(t[1]))
    return weights, {"validation_ap": ap, "optimizer": "logistic regression, scipy trust-exact", "l2": l2,
                     "iterations": int(best.nit),
                     # Newton steps stall once the gradient is at rounding level, which scipy
                     # reports as a failure: converged means a gradient that small.
                     "converged": bool(best.success or np.max(np.abs(best.jac)) < 1e-6 * len(y)),
                     "standardized_weights": {name: float(w) for name, w in ranked}}


# Features whose growth can only make a link more likely: a stronger tie either way, a more
# recent contact (since_* are minus the log of the time since), a busier or more recently
# active destination, more two-hop paths. Without these constraints the trees overfit the
# validation stage and lose to the weighted sum wherever inductive negatives or the
# inductive setting are involved (UCI, issue 16).
LINK_BOOSTER_INCREASING: Tuple[str, ...] = (
    "tie_out_1h", "tie_out_1d", "tie_out_7d", "tie_out_30d", "tie_in_1h", "tie_in_1d", "tie_in_7d", "tie_in_30d",
    "reciprocated_7d", "since_out", "since_in", "dst_in_1h", "dst_in_1d", "dst_in_7d", "dst_in_30d",
    "dst_since_active", "two_hop_7d", "common_neighbours")

# The non-linear combiner of the link features (issue 16): small trees, a fixed budget and
# no early stopping, so that a fit is deterministic and takes a few seconds on UCI.
LINK_BOOSTER_PARAMS: Dict[str, Any] = {
    "max_iter": 200, "learning_rate": 0.05, "max_leaf_nodes": 15, "min_samples_leaf": 40, "l2_regularization": 1.0,
    "early_stopping": False, "random_state": 0,
    "monotonic_cst": [1 if name in LINK_BOOSTER_INCREASING else 0 for name in LINK_FEATURES]}


def fit_link_booster(plan: "Plan", **params: Any) -> Any:
    """Fit a non-linear combiner of relscore's link features (:data:`LINK_FEATURES`) on a
    validation plan: scikit-learn's ``HistGradientBoostingClassifier`` (parameters
    :data:`LINK_BOOSTER_PARAMS`, overridden by ``params``; increasing in the features of
    :data:`LINK_BOOSTER_INCREASING`) of "positive or negative", on one
    thread. Only the plan's edges are used. Returns the fitted classifier, for
    :func:`run_link_booster`."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    if plan.stage != "val":
        raise ValueError("fit_link_booster() only fits on a validation plan")
    positive, negative = link_features(plan)
    with threadpool_limits(1):  # the evaluation's budget is one core
        return HistGradientBoostingClassifier(**{**LINK_BOOSTER_PARAMS, **params}).fit(
            np.vstack([positive, negative]), np.r_[np.ones(len(positive)), np.zeros(len(negative))])


def run_link_booster(plan: "Plan", booster: Any, fast_metrics: bool = False) -> LinkPredictionResult:
    """Score a plan with a fitted combiner of the link features (``booster.decision_function``,
    e.g. from :func:`fit_link_booster`): the features come from the same C++ stream as
    :func:`run_plan` (a query's features use only what it may know), the metrics are
    :func:`run_plan`'s. The log-odds, not probabilities, are the scores: probabilities near 1
    would tie once rounded to float32."""
    from threadpoolctl import threadpool_limits

    started = time.perf_counter()
    positive, negative = link_features(plan)
    with threadpool_limits(1):
        scores = booster.decision_function(np.vstack([positive, negative]))
    return _plan_metrics(plan, scores[:len(positive)], scores[len(positive):], fast_metrics, started)


SCORES: Dict[str, ScoreSpec] = {spec.name: spec for spec in [
    ScoreSpec("edgebank_unlimited", "EdgeBank, unlimited memory", (), _edgebank("unlimited")),
    ScoreSpec("edgebank_time_window", "EdgeBank, time window (last 15 % of history times)", (),
              _edgebank("time_window")),
    ScoreSpec("edgebank_repeat_interval", "EdgeBank, average repeat interval window", (),
              _edgebank("repeat_interval")),
    ScoreSpec("edgebank_repeat_threshold", "EdgeBank, pairs seen at least the average number of times", (),
              _edgebank("repeat_threshold")),
    ScoreSpec("count", "number of u -> v interactions", (), _core_factory("make_count")),
    ScoreSpec("recency", "1 / (1 + days since the last u -> v interaction)", (), _core_factory("make_recency")),
    ScoreSpec("decay", "exponentially decayed u -> v volume (no reciprocity)",
              (Parameter("half_life", 7 * DAY),), _core_factory("make_decay")),
    ScoreSpec("decay_reciprocal", "relscore's strength: decayed volume both ways with reciprocity",
              (Parameter("half_life", 7 * DAY), Parameter("reciprocity", 0.5, "unit")),
              _core_factory("make_decay_reciprocal")),
    ScoreSpec("power_law", "power-law kernel sum over u -> v interactions",
              (Parameter("tau", DAY), Parameter("exponent", 1.0)), _core_factory("make_power_law")),
    ScoreSpec("hawkes", "Hawkes intensity: popularity base rate, self and reciprocal excitation",
              (Parameter("base_rate", 1.0), Parameter("decay_rate", 1 / (7 * DAY)),
               Parameter("reciprocal_excitation", 0.5)), _core_factory("make_hawkes")),
    ScoreSpec("relscore", "relscore's link score: weighted sum of tie, reciprocity, recency, activity and "
              "two-hop features (fitted by logistic regression)",
              tuple(Parameter(name, LINK_DEFAULT_WEIGHTS.get(name, 0.0), "real") for name in LINK_FEATURES),
              _relscore_link),
]}


@dataclass
class FittedModel:
    """A score with its parameters, and where they were fitted. Saves to and loads from JSON."""

    score: str
    params: Dict[str, float]
    fitted_on: Dict[str, Any] = field(default_factory=dict)

    def make(self) -> Any:
        """A fresh compiled model (relscore._core.LinkModel)."""
        spec = _spec(self.score)
        unknown = set(self.params) - {p.name for p in spec.parameters}
        if unknown:
            raise ValueError(f"score {self.score!r} has no parameter(s) {sorted(unknown)}")
        values = {p.name: float(self.params.get(p.name, p.default)) for p in spec.parameters}
        return spec.factory(**values)

    def to_json(self) -> str:
        import json

        return json.dumps({"score": self.score, "params": self.params, "fitted_on": self.fitted_on}, indent=2)

    @classmethod
    def from_json(cls, text: str, source: str = "<json>") -> "FittedModel":
        import json

        try:
            doc = json.loads(text)
        except json.JSONDecodeError as e:
            raise ValueError(f"{source}: line {e.lineno}, column {e.colno}: {e.msg}") from None
        if not isinstance(doc, dict) or "score" not in doc:
            raise ValueError(f"{source}: expected an object with a 'score' field")
        params = doc.get("params", {})
        if not isinstance(params, dict) or not all(isinstance(v, (int, float)) for v in params.values()):
            raise ValueError(f"{source}: 'params' must map parameter names to numbers")
        model = cls(str(doc["score"]), {k: float(v) for k, v in params.items()}, dict(doc.get("fitted_on", {})))
        model.make()  # validates the score name and the parameters now, not at first use
        return model

    def save(self, path: str) -> None:
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.to_json() + "\n")

    @classmethod
    def load(cls, path: str) -> "FittedModel":
        with open(path, encoding="utf-8") as f:
            return cls.from_json(f.read(), path)


def _spec(score: str) -> ScoreSpec:
    if score not in SCORES:
        raise ValueError(f"unknown score {score!r}; known: {', '.join(SCORES)}")
    return SCORES[score]


def default_model(score: str) -> FittedModel:
    """A score with its default parameters (not fitted)."""
    return FittedModel(score, {p.name: p.default for p in _spec(score).parameters}, {"fitted": False})


def fit(score: str, data: Split, setting: str = "transductive", strategy: str = "random",
        max_evaluations: int = 300, plan: Optional[Plan] = None, knowledge: str = "batch") -> FittedModel:
    """Fit a score's parameters on the validation stage (history = train, batches = the
    validation edges, negatives drawn as DyGLib draws validation negatives) by maximizing the
    mean per-batch average precision with scipy's Nelder-Mead. The test edges are never seen."""
    from scipy.optimize import minimize

    spec = _spec(score)
    plan = plan or make_plan(data, setting, strategy, stage="val", knowledge=knowledge)
    if plan.stage != "val":
        raise ValueError("fit() only fits on a validation plan")
    started = time.perf_counter()
    if score == "relscore":  # linear in its weights: a convex fit, no search over a simplex
        weights, record = fit_link_score(plan)
        return FittedModel(score, weights, {"fitted": True, "data": data.full.name, "setting": setting,
                                            "negatives": strategy, "stage": "val", **record,
                                            "seconds": time.perf_counter() - started})
    if not spec.parameters:
        ap = run_plan(plan, spec.factory(), fast_metrics=True).ap
        return FittedModel(score, {}, {"fitted": True, "data": data.full.name, "setting": setting,
                                       "negatives": strategy, "validation_ap": ap, "evaluations": 1})

    def params_of(z: np.ndarray) -> Dict[str, float]:
        return {p.name: p.from_free(float(v)) for p, v in zip(spec.parameters, z)}

    evaluations = 0

    def loss(z: np.ndarray) -> float:
        nonlocal evaluations
        evaluations += 1
        return -run_plan(plan, spec.factory(**params_of(z)), fast_metrics=True).ap

    z0 = np.array([p.to_free(p.default) for p in spec.parameters])
    # Steps of one unit in the free space: a factor e in a half-life, a logit step of 1.
    simplex = np.vstack([z0] + [z0 + np.eye(len(z0))[k] for k in range(len(z0))])
    best = minimize(loss, z0, method="Nelder-Mead",
                    options={"initial_simplex": simplex, "maxfev": max_evaluations, "xatol": 1e-3, "fatol": 1e-4})
    return FittedModel(score, params_of(best.x), {
        "fitted": True, "data": data.full.name, "setting": setting, "negatives": strategy, "stage": "val",
        "validation_ap": -float(best.fun), "evaluations": evaluations, "seconds": time.perf_counter() - started})


if __name__ == "__main__":  # python -m relscore.evaluate (what `relscore evaluate` runs)
    import sys

    from ._results import main

    sys.exit(main())
