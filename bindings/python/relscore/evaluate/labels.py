"""Label evaluation and per-person ranking metrics (re-exported by relscore.evaluate).

Strengths come from relscore's own scorer (``relscore.Scorer.to_pandas()``: columns a, b,
strength); these functions only compare them with labels."""

from __future__ import annotations

from typing import Dict, Hashable, Iterable, Mapping, Set, Tuple

import numpy as np
import pandas as pd


def _pair_keys(a: Iterable[Hashable], b: Iterable[Hashable]) -> list:
    return [frozenset((x, y)) for x, y in zip(a, b)]


def _example(frame: pd.DataFrame) -> str:
    value = frame["a"].iloc[0]
    value = value.item() if isinstance(value, np.generic) else value  # 1, not np.int64(1)
    return f"people like {value!r} ({type(value).__name__})"


def label_metrics(strengths: pd.DataFrame, labels: pd.DataFrame) -> Dict[str, float]:
    """AUC and average precision of the strength for telling labelled strong pairs
    (``labels.strong`` true) from labelled weak ones. Pairs are unordered. A labelled pair
    that never interacted has strength 0; a pair without a label is unknown and left out,
    never counted as a negative."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    for name, frame, needed in (("strengths", strengths, {"a", "b", "strength"}), ("labels", labels, {"a", "b", "strong"})):
        missing = needed - set(frame.columns)
        if missing:
            raise ValueError(f"{name} needs column(s) {sorted(missing)}")
    strength_of = dict(zip(_pair_keys(strengths["a"], strengths["b"]), strengths["strength"].astype(float)))
    keys = _pair_keys(labels["a"], labels["b"])
    if keys and strength_of and not any(k in strength_of for k in keys):
        # Every labelled pair would score 0 and the AUC would be 0.5: almost always ids of
        # another type (labels read as integers, a scorer that names people by strings).
        raise ValueError("label_metrics(): no labelled pair is among the strengths' pairs; the labels name "
                         f"{_example(labels)} and the strengths {_example(strengths)} (convert the ids, "
                         "e.g. labels.astype({'a': str, 'b': str}))")
    y = labels["strong"].astype(bool).to_numpy()
    score = np.array([strength_of.get(k, 0.0) for k in keys])
    if y.all() or not y.any():
        raise ValueError("labels need at least one strong and one weak pair")
    return {"auc": float(roc_auc_score(y, score)), "ap": float(average_precision_score(y, score)),
            "strong": int(y.sum()), "weak": int((~y).sum())}


def group_labels(strengths: pd.DataFrame, group_of: Mapping[Hashable, Hashable]) -> pd.DataFrame:
    """The weak group proxy: every pair in ``strengths`` whose two people both have a group
    is labelled strong when the groups are equal, weak otherwise; the others stay unlabelled."""
    rows = [(a, b, group_of[a] == group_of[b]) for a, b in zip(strengths["a"], strengths["b"])
            if a in group_of and b in group_of]
    return pd.DataFrame(rows, columns=["a", "b", "strong"])


def ranking_metrics(strengths: pd.DataFrame, next_contacts: Mapping[Hashable, Set[Hashable]],
                    k: int = 10) -> Dict[str, float]:
    """"Whom will this person contact next period": for each person with at least one
    contact in ``next_contacts``, rank the people they already have a relationship with by
    strength (strongest first), then average precision@k, NDCG@k (binary gains) and MRR
    (0 when no contact is ranked) over those people."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    ranked: Dict[Hashable, list] = {}
    for a, b, s in zip(strengths["a"], strengths["b"], strengths["strength"].astype(float)):
        ranked.setdefault(a, []).append((s, b))
        ranked.setdefault(b, []).append((s, a))
    precision, ndcg, mrr = [], [], []
    discounts = 1 / np.log2(np.arange(2, k + 2))
    for person, relevant in next_contacts.items():
        if not relevant:
            continue
        order = [other for _, other in sorted(ranked.get(person, []), key=lambda t: -t[0])]
        hits = np.array([other in relevant for other in order], dtype=float)
        top = np.zeros(k)
        top[:min(k, len(hits))] = hits[:k]
        precision.append(top.sum() / k)
        ideal = discounts[:min(k, len(relevant))].sum()
        ndcg.append(float((top * discounts).sum() / ideal))
        first = np.flatnonzero(hits)
        mrr.append(1 / (first[0] + 1) if len(first) else 0.0)
    if not precision:
        raise ValueError("nobody has a contact in next_contacts")
    return {f"precision@{k}": float(np.mean(precision)), f"ndcg@{k}": float(np.mean(ndcg)), "mrr": float(np.mean(mrr)),
            "people": len(precision)}
