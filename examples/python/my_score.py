"""Your own link-prediction score, evaluated beside relscore's built-in baselines under the
same protocol (DyGLib's, as `relscore evaluate` replicates it) and printed in the same table.

    python examples/python/my_score.py                      # UCI (CollegeMsg) from ../shared/data
    python examples/python/my_score.py --knowledge event --setting inductive
    python examples/python/my_score.py LOG.txt              # any "SRC DST TIME" log

A model is any object with two methods (the protocol: `help(relscore.evaluate.plan)`):
`observe(src, dst, ts)` learns edges in time order, and `score(src, dst, ts)` returns one
score per query (higher = more likely) without learning. The harness calls them so that a
model only ever knows what the knowledge row allows, and draws the same negatives for every
model, so the rows below compare like with like.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence

import numpy as np

import relscore.evaluate as ev

# The loop and the table of `relscore evaluate` itself, so that your rows are computed and
# printed by exactly the code that computes and prints the built-in ones.
from relscore.evaluate import Row, evaluate_scores

DAY = 86400.0
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UCI = os.path.join("snap-collegemsg", "CollegeMsg.txt.gz")

# Built-in scores to show beside yours (names: relscore.evaluate.SCORES); with --fit (the
# default) their parameters are fitted on the validation stage only.
BASELINES = ("edgebank_unlimited", "decay", "relscore")


class DecayedCount:
    """A user-written score in plain Python: the decayed number of messages u -> v plus half
    of v -> u (half-life `half_life` seconds). Pairs that never met all score 0 on the tie,
    so they are ordered by the destination's decayed in-degree, scaled far below one message
    so that it only breaks ties."""

    def __init__(self, half_life: float = 7 * DAY) -> None:
        self.rate = math.log(2) / half_life
        # key -> (decayed count at time `at`, at); decayed lazily when read or updated.
        self.pair: Dict[Any, tuple] = {}
        self.inbound: Dict[Any, tuple] = {}

    def _value(self, table: Dict[Any, tuple], key: Any, t: float) -> float:
        value, at = table.get(key, (0.0, t))
        return value * math.exp(-self.rate * (t - at))

    def observe(self, src: np.ndarray, dst: np.ndarray, ts: np.ndarray) -> None:
        for u, v, t in zip(src.tolist(), dst.tolist(), ts.tolist()):
            self.pair[(u, v)] = (self._value(self.pair, (u, v), t) + 1.0, t)
            self.inbound[v] = (self._value(self.inbound, v, t) + 1.0, t)

    def score(self, src: np.ndarray, dst: np.ndarray, ts: np.ndarray) -> np.ndarray:
        out = np.empty(len(src))
        for k, (u, v, t) in enumerate(zip(src.tolist(), dst.tolist(), ts.tolist())):
            tie = self._value(self.pair, (u, v), t) + 0.5 * self._value(self.pair, (v, u), t)
            popularity = self._value(self.inbound, v, t)
            out[k] = tie + 1e-3 * popularity / (1.0 + popularity)
        return out


# Your models: row name -> a factory of a fresh model (each cell needs one).
MY_MODELS: Dict[str, Callable[[], Any]] = {"my decayed count": DecayedCount}


def compare(edges: ev.TemporalEdges, models: Mapping[str, Callable[[], Any]] = MY_MODELS,
            baselines: Sequence[str] = BASELINES, settings: Sequence[str] = ("transductive",),
            strategies: Sequence[str] = ev.STRATEGIES, knowledge: str = "batch", fit: bool = True,
            echo: bool = True) -> List[Row]:
    """One row per model (baselines first) x setting x negative sampling, on the test stage
    of DyGLib's split of `edges`; printed as `relscore evaluate` prints them when `echo`."""
    return evaluate_scores(edges, list(baselines), settings, strategies, fit, max_evaluations=300, echo=echo,
                           knowledge=knowledge, custom=models)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", help="an event log (SRC DST TIME per line); default: UCI (CollegeMsg) "
                        "from $RELSCORE_DATA or ../shared/data")
    parser.add_argument("--order", default="src,dst,time", help="column order of the log (default src,dst,time)")
    parser.add_argument("--setting", action="append", choices=ev.SETTINGS, help="default: transductive")
    parser.add_argument("--negatives", action="append", choices=ev.STRATEGIES, help="default: all three")
    parser.add_argument("--knowledge", choices=ev.KNOWLEDGE, default="batch",
                        help="batch (the protocol, default) or event (every edge older than the query)")
    parser.add_argument("--no-fit", action="store_true", help="use the baselines' default parameters")
    args = parser.parse_args(argv)
    path = args.data
    if path is None:
        data_dir = os.environ.get("RELSCORE_DATA") or os.path.join(ROOT, "..", "shared", "data")
        path = os.path.join(data_dir, UCI)
        if not os.path.exists(path):
            print(f"my_score.py: UCI (CollegeMsg) not found at {path}: nothing to evaluate (give a log, or set "
                  f"RELSCORE_DATA)")
            return 0
    edges = ev.load_event_log(path, args.order, "UCI (CollegeMsg)" if args.data is None else os.path.basename(path))
    compare(edges, settings=args.setting or ["transductive"], strategies=args.negatives or list(ev.STRATEGIES),
            knowledge=args.knowledge, fit=not args.no_fit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
