"""relscore.evaluate: dynamic link prediction exactly as DyGLib (Yu et al., NeurIPS 2023)
and DGB (Poursafaei et al., NeurIPS 2022) evaluate it, so relscore's scores stand in the same
table as trained temporal graph networks.

Design notes
- This package only orchestrates: it splits the data, samples the negatives, cuts the batches
  and computes the metrics. Every built-in score is computed in C++ (``relscore._eval``, an
  extension of its own: the product module ``relscore._core`` links none of it) by a
  streaming model that is *queried* for a batch and only then *told* the batch's edges.
- The split and the negative samplers replicate DyGLib's code (commit 3aacc36) call for call,
  including its random number generators: Python's ``random`` (seed 2020) picks the new
  nodes, and ``numpy.random.RandomState`` (seed 0/1 for validation, 2/3 for test) draws the
  negatives.
- Metrics are scikit-learn's ``average_precision_score`` and ``roc_auc_score`` per batch,
  on scores rounded to float32 as DyGLib's ``torch.Tensor.float()`` does, averaged over batches.
- One module per job, each importing only the ones before it (no cycle):
  data (edge lists, files) -> splits -> negatives -> metrics, labels -> plan (batches and
  the loop; the model protocol is in its docstring) -> scores (the registry) -> persistence
  (JSON) -> fitting -> cli (``python -m relscore.evaluate``) -> label_results, results (the
  docs/results.md generator; ``__main__`` hands it to the CLI for ``--results``). This file
  only re-exports (not the two document modules, which need the shared data).
"""

from __future__ import annotations

from .._eval import LinkModel
from .cli import COMBINERS, Row, evaluate_scores
from .data import TemporalEdges, load_benchmark, load_event_log
from .fitting import (LINK_AT_NEWEST_SETTINGS, LINK_BOOSTER_INCREASING, LINK_BOOSTER_LEFT_OUT, LINK_BOOSTER_OWN_WEIGHT,
                      LINK_BOOSTER_PARAMS, LINK_BOOSTER_POOLED, LINK_BOOSTER_POOLED_KNOWLEDGE, LINK_QUERY_TIME_FEATURES,
                      LinkBooster, fit, fit_link_booster, fit_link_score, link_at_newest, link_booster_columns,
                      link_booster_pooled_plans, link_features, run_link_booster)
from .labels import group_labels, label_metrics, ranking_metrics
from .metrics import average_precision, batch_metrics
from .negatives import STRATEGIES, NegativeSampler
from .persistence import FittedModel, default_model
from .plan import (KNOWLEDGE, SETTINGS, LinkPredictionResult, Plan, batches, evaluate_link_prediction, make_plan,
                   run_plan)
from .scores import DAY, LINK_DEFAULT_WEIGHTS, LINK_FEATURES, SCORES, Parameter, ScoreSpec
from .splits import Split, split

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
    "link_at_newest",
    "fit_link_score",
    "fit_link_booster",
    "run_link_booster",
    "LinkBooster",
    "link_booster_columns",
    "link_booster_pooled_plans",
    "fit",
    "FittedModel",
    "default_model",
    "SCORES",
]
