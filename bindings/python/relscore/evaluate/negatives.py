"""DyGLib's negative edge samplers, replicated call for call.

Design notes
- The historical and inductive pools are Python sets whose iteration order decides which
  negatives are drawn, so they are built with the same expressions DyGLib uses, and the
  draws come from ``numpy.random.RandomState`` as there. That is why negatives are sampled
  here, in Python, and not in C++.
- ``_CandidatePairs`` gives the pairs DyGLib's ``list(possible_edges - batch_edges)``
  lists, in the same order, without building that list for every batch.
"""

from __future__ import annotations

import itertools
from typing import Any, Dict, List, Optional, Set, Tuple

import numpy as np

from .data import TemporalEdges

__all__ = ["STRATEGIES", "NegativeSampler"]

STRATEGIES: Tuple[str, ...] = ("random", "historical", "inductive")


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