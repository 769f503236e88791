"""The registry of scores ``relscore evaluate`` knows: each a compiled link predictor
(``relscore._eval``) with its parameters, their defaults and how an optimizer sees them.

relscore's own link score is a weighted sum of features computed in C++
(:data:`LINK_FEATURES`, formulas in include/relscore/eval/link_models.hpp)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Dict, Tuple

import numpy as np

from .. import _eval

__all__ = ["DAY", "Parameter", "ScoreSpec", "SCORES", "LINK_FEATURES", "LINK_DEFAULT_WEIGHTS", "score_spec"]

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


def _compiled(name: str) -> Callable[..., Any]:
    def make(**params: float) -> Any:
        return getattr(_eval, name)(**params)

    return make


def _edgebank(mode: str) -> Callable[..., Any]:
    def make() -> Any:
        return _eval.make_edgebank(mode)

    return make


# The features of relscore's link score, in the order of its weights, as the compiled
# score names them (their formulas: include/relscore/eval/link_models.hpp).
LINK_FEATURES: Tuple[str, ...] = tuple(_eval.link_feature_names())

# Unfitted weights: a week-scale tie both ways, its reciprocated part, the pair's recency,
# the destination's recent activity, and two-hop strength. Fitting replaces all of them.
LINK_DEFAULT_WEIGHTS: Dict[str, float] = {
    "tie_out_7d": 1.0, "tie_in_7d": 0.5, "reciprocated_7d": 0.5, "since_out": 0.1,
    "dst_in_1d": 0.5, "dst_out_1d": 0.5, "dst_since_active": 0.1, "two_hop_7d": 0.5}


def _relscore_link(**weights: float) -> Any:
    return _eval.make_relscore_link(np.array([weights[name] for name in LINK_FEATURES], dtype=np.float64))



SCORES: Dict[str, ScoreSpec] = {spec.name: spec for spec in [
    ScoreSpec("edgebank_unlimited", "EdgeBank, unlimited memory", (), _edgebank("unlimited")),
    ScoreSpec("edgebank_time_window", "EdgeBank, time window (last 15 % of history times)", (),
              _edgebank("time_window")),
    ScoreSpec("edgebank_repeat_interval", "EdgeBank, average repeat interval window", (),
              _edgebank("repeat_interval")),
    ScoreSpec("edgebank_repeat_threshold", "EdgeBank, pairs seen at least the average number of times", (),
              _edgebank("repeat_threshold")),
    ScoreSpec("count", "number of u -> v interactions", (), _compiled("make_count")),
    ScoreSpec("recency", "1 / (1 + days since the last u -> v interaction)", (), _compiled("make_recency")),
    ScoreSpec("decay", "exponentially decayed u -> v volume (no reciprocity)",
              (Parameter("half_life", 7 * DAY),), _compiled("make_decay")),
    ScoreSpec("decay_reciprocal", "relscore's strength: decayed volume both ways with reciprocity",
              (Parameter("half_life", 7 * DAY), Parameter("reciprocity", 0.5, "unit")),
              _compiled("make_decay_reciprocal")),
    ScoreSpec("power_law", "power-law kernel sum over u -> v interactions",
              (Parameter("tau", DAY), Parameter("exponent", 1.0)), _compiled("make_power_law")),
    ScoreSpec("hawkes", "Hawkes intensity: popularity base rate, self and reciprocal excitation",
              (Parameter("base_rate", 1.0), Parameter("decay_rate", 1 / (7 * DAY)),
               Parameter("reciprocal_excitation", 0.5)), _compiled("make_hawkes")),
    ScoreSpec("relscore", "relscore's link score: weighted sum of tie, reciprocity, recency, activity and "
              "two-hop features (fitted by logistic regression)",
              tuple(Parameter(name, LINK_DEFAULT_WEIGHTS.get(name, 0.0), "real") for name in LINK_FEATURES),
              _relscore_link),
]}

def score_spec(score: str) -> ScoreSpec:
    """The registry entry of ``score``; a ValueError names the known scores."""
    if score not in SCORES:
        raise ValueError(f"unknown score {score!r}; known: {', '.join(SCORES)}")
    return SCORES[score]
