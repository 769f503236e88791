#!/usr/bin/env python3
"""The hold-out inside the validation stage on which relscore's learned link score is tuned
(issue 16): for each cell, the booster (relscore.evaluate.fit_link_booster's parameters) is
fitted on the first 70 % of the validation batches and scored on the last 30 %. The test
stage is never built. Prints the hold-out AP x100 of every cell and their mean.

    python scripts/link_holdout.py [--data PATH --order src,dst,time] [--knowledge batch]
        [--setting inductive] [--negatives random] [--drop FEATURE ...] [--param name=value ...]
        [--monotone FEATURE=-1 ...] [--all-features] [--spectral K [--spectral-days D]]

Each cell's booster reads the features relscore.evaluate.link_booster_columns() gives its
negative sampling (all but relscore.evaluate.LINK_BOOSTER_LEFT_OUT), minus --drop.
--spectral K adds the two columns of a trial that was left out (issue 16, sixth round):
spectral embeddings of the known graph (spectral_columns()).

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


def spectral_columns(plan, k, days=0.0, every=200):
    """Two columns per query of the plan: the rank-k truncated SVD of the known directed
    adjacency (log(1 + count), or weights decayed over `days`), source out-vector against
    destination in-vector both ways, and the same product on the symmetrized graph;
    recomputed whenever `every` more edges are known. Positives and negatives."""
    import scipy.sparse as sp
    from scipy.sparse.linalg import svds

    full = plan.data.full
    n = int(max(full.src.max(), full.dst.max())) + 1
    out = (np.zeros((len(plan.batch_index), 2)), np.zeros((len(plan.batch_index), 2)))
    known, embedded_at, emb = np.zeros(0, np.int64), None, None
    for g in range(plan.group_count):
        known = np.concatenate([known, plan.learn_index[plan.learn_offset[g]:plan.learn_offset[g + 1]]])
        part = slice(plan.stream_offset[g], plan.stream_offset[g + 1])
        if part.start == part.stop or len(known) <= k + 1:
            continue
        if emb is None or len(known) - embedded_at >= every:
            embedded_at = len(known)
            t = full.ts[known]
            w = np.ones(len(known)) if days == 0 else np.exp(-(t.max() - t) / (days * 86400))
            a = sp.coo_matrix((w, (full.src[known], full.dst[known])), shape=(n, n)).tocsr()
            if days == 0:
                a.data = np.log1p(a.data)
            u, sigma, vt = svds(a, k=k, random_state=0)  # ARPACK starts from a random vector
            us, ss, _ = svds(a + a.T, k=k, random_state=0)
            emb = (u * np.sqrt(sigma), vt.T * np.sqrt(sigma), us * np.sqrt(np.abs(ss)), np.sign(ss))
        out_vec, in_vec, sym, sign = emb
        edges = plan.batch_index[part]
        for (src, dst), m in zip(((full.src[edges], full.dst[edges]), (plan.neg_src[part], plan.neg_dst[part])), out):
            m[part, 0] = np.einsum("ij,ij->i", out_vec[src], in_vec[dst]) + np.einsum("ij,ij->i", out_vec[dst], in_vec[src])
            m[part, 1] = np.einsum("ij,ij->i", sym[src] * sign, sym[dst])
    return out


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
    parser.add_argument("--spectral", type=int, default=0, metavar="K",
                        help="add the two spectral-embedding columns of rank K (a trial left out)")
    parser.add_argument("--spectral-days", type=float, default=0.0, metavar="D",
                        help="with --spectral: edge weights decayed over D days instead of log(1 + count)")
    args = parser.parse_args()
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    data = split(load(args.data, args.order, os.path.basename(args.data)))
    params = {**LINK_BOOSTER_PARAMS, **{k: json.loads(v) for k, v in (p.split("=", 1) for p in args.param)}}
    constraints = list(params["monotonic_cst"])
    for name, value in (m.split("=", 1) for m in args.monotone):
        constraints[LINK_FEATURES.index(name)] = int(value)
    aps = []

    def with_spectral(plan, features):
        if not args.spectral:
            return features
        extra = spectral_columns(plan, args.spectral, args.spectral_days)
        return np.hstack([features[0], extra[0]]), np.hstack([features[1], extra[1]])
    for knowledge in args.knowledge or ("batch", "event"):
        for setting in args.setting or ("transductive", "inductive"):
            for strategy in args.negatives or ("random", "historical", "inductive"):
                started = time.perf_counter()
                usable = range(len(LINK_FEATURES)) if args.all_features else link_booster_columns(strategy)
                keep = [j for j in usable if LINK_FEATURES[j] not in args.drop]
                params["monotonic_cst"] = [constraints[j] for j in keep]
                if args.spectral:  # the two extra columns come after LINK_FEATURES, unconstrained
                    keep += [len(LINK_FEATURES), len(LINK_FEATURES) + 1]
                    params["monotonic_cst"] += [0, 0]
                plan = make_plan(data, setting, strategy, "val", knowledge=knowledge)
                cut = int(0.7 * plan.batch_count)
                features = with_spectral(plan, link_features(plan))
                x, y = rows(plan, features, range(cut))
                weight = np.ones(len(y))
                held_out_from = data.full.ts[plan.batch_index[plan.batch_offset[cut]]]
                other = link_booster_pooled_plans(data, setting, strategy, knowledge)
                if other:
                    weight[:] = LINK_BOOSTER_OWN_WEIGHT  # the cell's own rows; the pooled ones weigh 1
                for pooled in other:
                    ends = data.full.ts[pooled.batch_index[pooled.batch_offset[1:] - 1]]
                    px, py = rows(pooled, with_spectral(pooled, link_features(pooled, link_at_newest(plan))),
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
