"""One evaluation as a plan (the batches, what a model knows before each, the negatives),
and the loop that runs a model over it.

Design notes
- What a model knows when it scores a batch: the training edges (new nodes masked), then the
  evaluated stage's edges (validation or test, all of them) that come before the batch's first
  edge in file order. In the transductive setting that is exactly DyGLib's EdgeBank history;
  in the inductive setting the model also sees the earlier test edges that touch no new node,
  as DyGLib's neighbour samplers do. ``knowledge="event"`` (not the protocol's default) lets
  each query see every edge strictly older than itself, which is what DyGLib's neural models
  get from their neighbour samplers; the negatives and the metric batches do not change.
- A plan is drawn once and run on any number of fresh models: a compiled
  ``relscore._eval.LinkModel`` runs the whole stream in C++; any other object with
  ``observe`` and ``score`` is driven by a Python loop (the protocol below).

The protocol a model follows to be evaluated by :func:`run_plan`: ``observe`` edges, then
``score`` queries without learning from them. A worked example beside the built-in
baselines: ``examples/python/my_score.py``.

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
  as :func:`relscore.evaluate.fit` does, then evaluate a fresh model on the test plan.

**Example**::

    class Count:
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

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Iterator, List, Optional, Sequence, Tuple

import numpy as np

from .. import _eval
from .data import TemporalEdges
from .metrics import average_precision, batch_metrics
from .negatives import NegativeSampler
from .splits import Split

__all__ = ["SETTINGS", "KNOWLEDGE", "LinkPredictionResult", "Plan", "batches", "make_plan", "run_plan",
           "evaluate_link_prediction"]

SETTINGS: Tuple[str, ...] = ("transductive", "inductive")


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
    """Score a plan with a fresh model: a compiled ``relscore._eval.LinkModel`` (the whole
    stream runs in C++) or any object with ``observe`` and ``score`` (a Python loop; the
    protocol is in ``help(relscore.evaluate.plan)``).
    ``fast_metrics`` uses :func:`average_precision` (same definition, no scikit-learn call,
    no AUC) for fitting."""
    started = time.perf_counter()
    full = plan.data.full
    if isinstance(model, _eval.LinkModel):
        positive, negative = _eval.run_stream(model, full.src, full.dst, full.ts, plan.learn_index, plan.learn_offset,
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
    return plan_metrics(plan, positive, negative, fast_metrics, started)


def plan_metrics(plan: Plan, positive: np.ndarray, negative: np.ndarray, fast_metrics: bool,
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


def evaluate_link_prediction(model: Any, data: Split, setting: str = "transductive", strategy: str = "random",
                             stage: str = "test", batch_size: int = 200, knowledge: str = "batch") -> LinkPredictionResult:
    """Run DyGLib's evaluation loop on a fresh ``model`` (see :func:`make_plan` for the
    arguments and :func:`run_plan` for the models accepted)."""
    plan = make_plan(data, setting, strategy, stage, batch_size, knowledge=knowledge)
    result = run_plan(plan, model)
    result.seconds += plan.sampling_seconds
    return result
