"""DyGLib's chronological split (train / validation / test, with new nodes held out)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Set

import numpy as np

from .data import TemporalEdges

__all__ = ["Split", "split"]


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