#!/usr/bin/env python3
"""The hold-out inside the validation stage on which relscore's learned link score is tuned
(issue 16): for each cell, the booster (relscore.evaluate.fit_link_booster's parameters) is
fitted on the first 70 % of the validation batches and scored on the last 30 %. The test
stage is never built. Prints the hold-out AP x100 of every cell and their mean.

    python scripts/link_holdout.py [--data PATH --order src,dst,time] [--knowledge batch]
        [--setting inductive] [--negatives random] [--drop FEATURE ...] [--param name=value ...]
        [--monotone FEATURE=-1 ...] [--all-features]

Each cell's booster reads the features relscore.evaluate.link_booster_columns() gives its
negative sampling (all but relscore.evaluate.LINK_BOOSTER_LEFT_OUT), minus --drop.

A pooled cell also learns from the validation batches of the plans
relscore.evaluate.link_booster_pooled_plans() gives it (the other setting's, LINK_BOOSTER_POOLED;
its own under the other knowledge row, LINK_BOOSTER_POOLED_KNOWLEDGE) that end before the
held-out part starts (its own rows weigh relscore.evaluate.LINK_BOOSTER_OWN_WEIGHT)."""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

from relscore.evaluate import (LINK_BOOSTER_OWN_WEIGHT, LINK_BOOSTER_PARAMS, LINK_FEATURES, link_at_newest,
                               link_booster_columns, link_booster_pooled_plans, link_features, make_plan, split)
from relscore.evaluate.cli import load
from relscore.evaluate.metrics import average_precision

DATA = os.environ.get("RELSCORE_DATA", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data"))


def rows(plan, features, batches):
    """The feature rows and labels of the given batches of a plan."""
    positive, negative = features
    parts = [slice(plan.batch_offset[b], plan.batch_offset[b + 1]) for b in batches]
    x = np.vstack([m[p] for p in parts for m in (positive, negative)])
    y = np.concatenate([np.r_[np.ones(p.stop - p.start), np.zeros(p.stop - p.start)] for p in parts])
    return x, y


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.path.join(DATA, "snap-collegemsg/CollegeMsg.txt.gz"))
    parser.add_argument("--order", default="src,dst,time")
    parser.add_argument("--knowledge", action="append", choices=("batch", "event"))
    parser.add_argument("--setting", action="append", choices=("transductive", "inductive"))
    parser.add_argument("--negatives", action="append", choices=("random", "historical", "inductive"))
    parser.add_argument("--drop", action="append", default=[], help="leave a feature out (repeatable)")
    parser.add_argument("--all-features", action="store_true",
                        help="every feature in every cell (ignore relscore.evaluate.LINK_BOOSTER_LEFT_OUT)")
    parser.add_argument("--param", action="append", default=[], help="a booster parameter, name=JSON value")
    parser.add_argument("--monotone", action="append", default=[],
                        help="a feature's monotonic constraint, name=1, 0 or -1 (repeatable)")
    args = parser.parse_args()
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    data = split(load(args.data, args.order, os.path.basename(args.data)))
    params = {**LINK_BOOSTER_PARAMS, **{k: json.loads(v) for k, v in (p.split("=", 1) for p in args.param)}}
    constraints = list(params["monotonic_cst"])
    for name, value in (m.split("=", 1) for m in args.monotone):
        constraints[LINK_FEATURES.index(name)] = int(value)
    aps = []
    for knowledge in args.knowledge or ("batch", "event"):
        for setting in args.setting or ("transductive", "inductive"):
            for strategy in args.negatives or ("random", "historical", "inductive"):
                started = time.perf_counter()
                usable = range(len(LINK_FEATURES)) if args.all_features else link_booster_columns(strategy)
                keep = [j for j in usable if LINK_FEATURES[j] not in args.drop]
                params["monotonic_cst"] = [constraints[j] for j in keep]
                plan = make_plan(data, setting, strategy, "val", knowledge=knowledge)
                cut = int(0.7 * plan.batch_count)
                features = link_features(plan)
                x, y = rows(plan, features, range(cut))
                weight = np.ones(len(y))
                held_out_from = data.full.ts[plan.batch_index[plan.batch_offset[cut]]]
                other = link_booster_pooled_plans(data, setting, strategy, knowledge)
                if other:
                    weight[:] = LINK_BOOSTER_OWN_WEIGHT  # the cell's own rows; the pooled ones weigh 1
                for pooled in other:
                    ends = data.full.ts[pooled.batch_index[pooled.batch_offset[1:] - 1]]
                    px, py = rows(pooled, link_features(pooled, link_at_newest(plan)),
                                  np.flatnonzero(ends < held_out_from))
                    x, y, weight = np.vstack([x, px]), np.r_[y, py], np.r_[weight, np.ones(len(py))]
                with threadpool_limits(1):
                    booster = HistGradientBoostingClassifier(**params).fit(
                        x[:, keep], y, sample_weight=weight if other else None)  # unit weights: None, faster
                    scores = [booster.decision_function(m[:, keep]) for m in features]
                ap = 100 * float(np.mean([average_precision(scores[0][p], scores[1][p]) for p in
                                          (slice(plan.batch_offset[b], plan.batch_offset[b + 1])
                                           for b in range(cut, plan.batch_count))]))
                aps.append(ap)
                print(f"{knowledge:6} {setting:12} {strategy:10} hold-out AP {ap:6.2f}  "
                      f"({time.perf_counter() - started:.1f} s)", flush=True)
    print(f"mean {np.mean(aps):.2f} over {len(aps)} cells")


if __name__ == "__main__":
    main()
