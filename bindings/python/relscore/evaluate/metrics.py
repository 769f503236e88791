"""Per-batch metrics as DyGLib computes them: scikit-learn's average precision and ROC AUC
on scores rounded to float32, and the same average precision in numpy for fitting."""

from __future__ import annotations

from typing import Tuple

import numpy as np

__all__ = ["batch_metrics", "average_precision"]


def batch_metrics(positive: np.ndarray, negative: np.ndarray) -> Tuple[float, float]:
    """(average precision, ROC AUC) of one batch, as DyGLib computes them: scikit-learn on
    float32 scores, positives labelled 1 and negatives 0."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    scores = np.concatenate([positive, negative]).astype(np.float32)
    labels = np.concatenate([np.ones(len(positive)), np.zeros(len(negative))])
    return float(average_precision_score(labels, scores)), float(roc_auc_score(labels, scores))


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