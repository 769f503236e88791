"""Fitting a scorer's channel weights, half-lives and ρ to a user's own labels (the
numerics behind :meth:`relscore.Scorer.fit`).

Design notes
------------
- **What is fitted.** Per channel seen in the labelled pairs' interactions: its weight (as
  a log, relative to one reference channel whose weight stays as given, since only ratios
  of weights matter much to a ranking) and its half-life (as a log); the reciprocity
  weight ρ in [0, 1]; and a link from strength to labels, on ``log(1 + S)``: logistic
  with a slope and an intercept for binary labels, cumulative logit (proportional odds,
  one cutpoint between each pair of adjacent star levels) for stars. The fit maximizes
  the likelihood plus a weak ridge (``l2``) pulling log-weights and log-half-lives toward
  the starting configuration, so a channel the labels say little about stays near it.
- **Why it is cheap.** Only the labelled pairs' interactions matter. They are reduced
  once to (pair, direction, channel, age, own weight) rows; one likelihood evaluation is
  then one ``exp2`` per row and a ``bincount`` (V_ab and V_ba per pair), the same sums the
  C++ engine keeps (``w · 2^(−age/h)``), so the strengths agree with a scorer built from
  the fitted configuration (tests/python/test_fit.py checks it to 1e-9).
- **Optimizer.** L-BFGS-B with box bounds (ρ in [0, 1], half-lives from a minute to a
  century, weights within a factor 1000 of the start), started from the best common
  scaling of all half-lives on a small grid (the likelihood in a half-life has several
  local optima on short logs).
- **Cross-validation.** K folds over the labelled pairs (stratified by label); in each,
  the parameters are fitted on the other folds and the held-out pairs are scored three
  ways: fitted, the starting configuration ("defaults"), and the raw number of
  interactions ("count"). Reported: Spearman's ρ between score and label, and AUC (binary
  labels: ROC AUC; stars: the concordance over pairs of pairs rated differently, the
  ordinal generalisation of the AUC).
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from . import _convert, _core
from ._columns import LogColumns

CONFIG_FORMAT = "relscore-config"
CONFIG_VERSION = 1

_DAY_US = 86_400e6
_MIN_HALF_LIFE_DAYS = 1.0 / 1440.0  # one minute
_MAX_HALF_LIFE_DAYS = 36_525.0  # a century
_MAX_WEIGHT_FACTOR = 1000.0


# ----------------------------------------------------------------------------- config files

def make_config(reciprocity: float, channels: Sequence[Tuple[str, float, int]],
                star_thresholds: Optional[Sequence[float]] = None, fit: Optional[Mapping[str, Any]] = None
                ) -> Dict[str, Any]:
    """A configuration as the JSON object a file holds (channels: name, weight, half-life
    in microseconds)."""
    config: Dict[str, Any] = {
        "format": CONFIG_FORMAT,
        "version": CONFIG_VERSION,
        "reciprocity": float(reciprocity),
        "channels": [{"name": str(n), "weight": float(w), "half_life_us": int(h)} for n, w, h in channels],
    }
    if star_thresholds is not None:
        config["star_thresholds"] = [float(x) for x in star_thresholds]
    if fit is not None:
        config["fit"] = dict(fit)
    return config


def read_config(config: Any) -> Dict[str, Any]:
    """A configuration from a dict, a FitResult or a JSON file's path, read by the C++
    reader (io::parse_config_file), so Python takes exactly what the CLI and the C API
    take; ValueError with its message (naming the file, and for JSON errors the line and
    column)."""
    if isinstance(config, FitResult):
        config = config.config
    where = "relscore.Scorer.from_config(): "
    if isinstance(config, (str, os.PathLike)):
        path = os.fspath(config)
        with open(path, "rb") as f:  # Python's own OSError for a file it cannot open
            text = f.read()
        read = _parse(text, os.fsdecode(path), where)
        return make_config(read["reciprocity"], read["channels"], read["star_thresholds"])
    if not isinstance(config, Mapping):
        raise ValueError(f"{where}not a relscore configuration (no \"format\": \"{CONFIG_FORMAT}\")")
    config = dict(config)
    # Apart: JSON cannot hold a NaN threshold, which the core's check names.
    thresholds = config.pop("star_thresholds", None)
    try:
        text = json.dumps(config, allow_nan=False, default=_json_scalar).encode()
    except (TypeError, ValueError) as e:
        raise ValueError(f"{where}the configuration is not JSON ({e})") from None
    read = _parse(text, "", where)
    if thresholds is not None:
        what = f"{where}star_thresholds"
        if not isinstance(thresholds, (list, tuple)) or not all(
                x is None or (isinstance(x, (int, float)) and not isinstance(x, bool)) for x in thresholds):
            raise ValueError(f"{what} must be a list of 5 numbers (strengths for 1..5 stars), got {thresholds!r}")
        # None (null in a file): no strength earns that star (JSON has no infinity)
        thresholds = [math.inf if x is None else float(x) for x in thresholds]
        _core.check_star_thresholds(thresholds, what)
    return make_config(read["reciprocity"], read["channels"], thresholds)


def _parse(text: bytes, name: str, where: str) -> Dict[str, Any]:
    try:
        return _core.parse_config(text, name)
    except ValueError as e:
        raise ValueError(f"{where}{e}") from None


def _json_scalar(value: Any) -> Any:
    """A numpy number as the Python number it holds (json.dumps takes no numpy types)."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def config_as_json(config: Mapping[str, Any]) -> str:
    """The JSON text of a configuration: an infinite star threshold (no strength earns
    that star, as calibration gives when no rating calls for it) is written as null, which
    every reader (Python, the C++ library, the CLI, the C API) takes back as infinity."""
    out = dict(config)
    if out.get("star_thresholds") is not None:
        out["star_thresholds"] = [None if math.isinf(x) and x > 0 else x for x in out["star_thresholds"]]
    if out.get("fit") is not None:  # diagnostics only: a score undefined on a fold (no spread) is NaN there
        out["fit"] = _nan_as_null(out["fit"])
    return json.dumps(out, indent=2, allow_nan=False)


def _nan_as_null(value: Any) -> Any:
    """`value` with every NaN float, however deep in dicts and lists, as None (JSON null)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, Mapping):
        return {k: _nan_as_null(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_nan_as_null(v) for v in value]
    return value


# ----------------------------------------------------------------------------- the result

@dataclass
class FitResult:
    """A configuration fitted to labels, and how well it agrees with them out of sample.

    Attributes
    ----------
    config:
        The fitted configuration (channels, ρ, star thresholds for star labels), as
        :meth:`save` writes it and :meth:`relscore.Scorer.from_config` reads it.
    kind:
        "binary" (labels 0/1) or "stars" (ordinal ratings).
    link:
        The fitted link on ``log(1 + S)``: ``slope`` and ``intercept`` (binary) or
        ``cutpoints`` (stars).
    cv:
        One row per fold and model ("fitted", "defaults": the starting configuration,
        "count": the pair's number of interactions): held-out Spearman and AUC.
    star_thresholds:
        For star labels: the strength thresholds :meth:`relscore.Scorer.calibrate_stars`
        fits on the fitted scorer (pass them as ``thresholds=`` to ``stars``).
    """

    config: Dict[str, Any]
    kind: str
    link: Dict[str, Any]
    cv: pd.DataFrame
    star_thresholds: Optional[List[float]] = None
    labels: int = 0
    interactions: int = 0
    start: Dict[str, Any] = field(default_factory=dict)

    @property
    def summary(self) -> pd.DataFrame:
        """Mean and standard deviation over the folds of held-out Spearman and AUC, per
        model (fitted, defaults, count)."""
        grouped = self.cv.groupby("model", sort=False)[["spearman", "auc"]]
        mean, sd = grouped.mean(), grouped.std(ddof=1)
        return pd.DataFrame({"spearman": mean["spearman"], "spearman_sd": sd["spearman"], "auc": mean["auc"],
                             "auc_sd": sd["auc"]})

    @property
    def reciprocity(self) -> float:
        """The fitted ρ."""
        return float(self.config["reciprocity"])

    @property
    def channels(self) -> pd.DataFrame:
        """The fitted channels: weight and half-life, with the starting values beside."""
        start = {c["name"]: c for c in self.start.get("channels", [])}
        rows = []
        for c in self.config["channels"]:
            s = start.get(c["name"], c)
            rows.append({"channel": c["name"], "weight": c["weight"],
                         "half_life": pd.Timedelta(microseconds=c["half_life_us"]),
                         "start_weight": s["weight"], "start_half_life": pd.Timedelta(microseconds=s["half_life_us"]),
                         "fitted": c["name"] in self.config.get("fit", {}).get("channels_fitted", [])})
        return pd.DataFrame(rows)

    def save(self, path: Any) -> None:
        """Write the fitted configuration as JSON (read it with
        ``relscore.Scorer.from_config(path)``)."""
        text = config_as_json(self.config)
        tmp = os.fspath(path) + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text + "\n")
        os.replace(tmp, path)

    def __repr__(self) -> str:
        s = self.summary
        parts = ", ".join(f"{m}: spearman={r.spearman:.3f} auc={r.auc:.3f}" for m, r in s.iterrows())
        return f"FitResult({self.kind}, {self.labels} labels, rho={self.reciprocity:.3f}; cross-validated {parts})"


# ----------------------------------------------------------------------------- data preparation

def _names(source: Any, target: Any, what: str) -> Tuple[np.ndarray, np.ndarray]:
    """Two columns of person ids as the core names them, checked as add_dataframe checks
    them (missing, float or mixed ids raise ValueError); `what` names the pair of columns."""
    try:
        src, tgt, people, _ = _convert.id_columns(source, target)
    except ValueError as e:
        raise ValueError(f"relscore.Scorer.fit(): {what}: {e}") from None
    names = np.array(people, dtype=object)
    return names[src], names[tgt]


def _label_values(labels: pd.DataFrame, column: str, allowed: str, least: int, most: int) -> np.ndarray:
    """Column `column` of the labels as int64, each a whole number in least..most (bools
    as 0/1, 3.0 as 3); a missing or other value raises ValueError naming the row."""
    col = labels[column]
    missing = col.isna().to_numpy()
    if missing.any():
        raise ValueError(f"relscore.Scorer.fit(): labels' {column!r} has a missing value at row "
                         f"{int(np.argmax(missing))} (expected {allowed})")
    values = col.to_numpy()
    if values.dtype.kind in "biu":
        whole = np.ones(values.shape, dtype=bool)
    elif values.dtype.kind == "f":
        whole = values == np.round(values)
    else:  # objects: e.g. a nullable column's own numbers
        whole = np.array([isinstance(v, (int, np.integer, np.bool_))
                          or (isinstance(v, (float, np.floating)) and float(v).is_integer()) for v in values], dtype=bool)
    numbers = values.astype(np.int64) if whole.all() else np.zeros(values.shape, dtype=np.int64)
    bad = ~whole | (numbers < least) | (numbers > most)
    if bad.any():
        row = int(np.argmax(bad))
        v = values[row].item() if isinstance(values[row], np.generic) else values[row]
        raise ValueError(f"relscore.Scorer.fit(): labels' {column!r} must hold {allowed}, got {v!r} at row {row}")
    return numbers


@dataclass
class _Problem:
    """The labelled pairs' interactions, reduced to what the likelihood needs."""

    pairs: int                 # labelled pairs
    slot: np.ndarray           # pair * 2 + direction, per row (a mutual interaction is two rows)
    channel: np.ndarray        # channel index per row
    age_days: np.ndarray       # at − t, in days
    own_weight: np.ndarray     # the row's own weight, NaN for the channel's
    count: np.ndarray          # interactions per pair (a mutual one once)
    y: np.ndarray              # label per pair (0/1, or star level index 0..L-1)
    levels: np.ndarray         # the star levels (or [0, 1])


def _prepare(frame: pd.DataFrame, labels: pd.DataFrame, kind: str, channel_index: Mapping[str, int], *,
             at_us: Optional[int], columns: LogColumns) -> Tuple[_Problem, int]:
    columns.require(frame)
    time_us = _convert.time_column(frame[columns.time], origin=columns.origin, unit=columns.unit)
    n = time_us.shape[0]
    if at_us is None:
        at_us = int(time_us.max()) if n else 0
    src, tgt = _names(frame[columns.source], frame[columns.target], "the log's source and target")
    ch_col = columns.optional(frame, columns.channel)
    if ch_col is not None:
        ch_names = ch_col.astype(str).to_numpy()
    else:
        ch_names = np.full(n, columns.default_channel, dtype=object)
    unknown = sorted(set(pd.unique(ch_names)) - set(channel_index))
    if unknown:
        raise ValueError(f"relscore.Scorer.fit(): unknown channel(s) {unknown} (give them to the starting scorer)")
    ch = pd.Series(ch_names).map(channel_index).to_numpy(dtype=np.int64)
    w_col = columns.optional(frame, columns.weight)
    if w_col is not None:
        own = pd.to_numeric(w_col, errors="raise").to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        own = np.full(n, np.nan)
    m_col = columns.optional(frame, columns.mutual)
    mutual = (_convert.mutual_column(m_col.to_numpy(), n).astype(bool)
              if m_col is not None else np.zeros(n, dtype=bool))

    la, lb = _names(labels["a"], labels["b"], "the labels' a and b")
    lo, hi = np.where(la < lb, la, lb), np.where(la < lb, lb, la)
    if (lo == hi).any():
        raise ValueError("relscore.Scorer.fit(): a label pairs a person with themself")
    keys = pd.MultiIndex.from_arrays([lo, hi])
    if keys.has_duplicates:
        raise ValueError("relscore.Scorer.fit(): a pair is labelled twice")
    e_lo, e_hi = np.where(src < tgt, src, tgt), np.where(src < tgt, tgt, src)
    pair = keys.get_indexer(pd.MultiIndex.from_arrays([e_lo, e_hi]))
    keep = (pair >= 0) & (time_us <= at_us)
    forward = (src < tgt)  # direction 0: from the lower name to the higher
    pair, ch, own, mutual, forward = pair[keep], ch[keep], own[keep], mutual[keep], forward[keep]
    age = (at_us - time_us[keep]) / _DAY_US
    slot = pair * 2 + np.where(forward, 0, 1)
    other = pair * 2 + np.where(forward, 1, 0)
    slot = np.concatenate([slot, other[mutual]])
    rows = np.concatenate([np.arange(pair.size), np.flatnonzero(mutual)])
    count = np.bincount(pair, minlength=len(keys)).astype(np.float64)

    if kind == "binary":
        y = _label_values(labels, "label", "0/1 (or booleans)", 0, 1)
        levels = np.array([0, 1])
    else:
        stars = _label_values(labels, "stars", "whole numbers 0..5", 0, 5)
        levels, y = np.unique(stars, return_inverse=True)
    if levels.size < 2 or np.bincount(y).min() == 0:
        raise ValueError("relscore.Scorer.fit(): the labels need at least two different values")
    problem = _Problem(len(keys), slot.astype(np.int64), ch[rows], age[rows], own[rows], count, y, levels)
    return problem, at_us


# ----------------------------------------------------------------------------- the model

@dataclass
class _Params:
    weights: np.ndarray        # per channel (all channels)
    half_lives: np.ndarray     # per channel, days
    rho: float


def strengths(problem: _Problem, p: _Params, pairs: Optional[np.ndarray] = None) -> np.ndarray:
    """S per labelled pair under parameters p (the engine's formulas)."""
    w = np.where(np.isnan(problem.own_weight), p.weights[problem.channel], problem.own_weight)
    contrib = w * np.exp2(-problem.age_days / p.half_lives[problem.channel])
    v = np.bincount(problem.slot, weights=contrib, minlength=2 * problem.pairs).reshape(-1, 2)
    s = (1 - p.rho) * (v[:, 0] + v[:, 1]) + p.rho * 2 * np.minimum(v[:, 0], v[:, 1])
    return s if pairs is None else s[pairs]


def _log_sigmoid(x: np.ndarray) -> np.ndarray:
    return -np.logaddexp(0.0, -x)


def _link_nll(x: np.ndarray, y: np.ndarray, link: np.ndarray, levels: int) -> float:
    """Mean negative log-likelihood of labels y given x = log(1 + S) and the link params
    (slope as a log, then intercept, or then the first cutpoint and log gaps)."""
    slope = math.exp(link[0])
    eta = slope * x
    if levels == 2 and link.size == 2:
        z = eta + link[1]
        return float(-np.mean(np.where(y == 1, _log_sigmoid(z), _log_sigmoid(-z))))
    cut = link[1] + np.concatenate([[0.0], np.cumsum(np.exp(link[2:]))])
    upper = np.concatenate([cut, [np.inf]])[y] - eta     # P(Y <= y) = sigmoid(cut_y - eta)
    lower = np.concatenate([[-np.inf], cut])[y] - eta
    # log(sigmoid(u) - sigmoid(l)), stably: sigmoid(u) * (1 - exp(l - u) ...) via logs
    su, sl = _log_sigmoid(upper), _log_sigmoid(lower)
    diff = su + np.log1p(-np.exp(np.minimum(sl - su, -1e-12)))
    return float(-np.mean(diff))


class _Model:
    """The free parameter vector and its mapping to (weights, half-lives, ρ, link)."""

    def __init__(self, problem: _Problem, start: _Params, l2: float) -> None:
        self.problem, self.start, self.l2 = problem, start, l2
        channels_used = np.unique(problem.channel)
        by_channel = np.isnan(problem.own_weight)
        weighted = np.unique(problem.channel[by_channel])
        counts = np.bincount(problem.channel[by_channel], minlength=start.weights.size)
        # Weights are fitted relative to the channel most rows take their weight from.
        self.reference = int(np.argmax(counts)) if weighted.size else -1
        self.w_fit = np.array([c for c in weighted if c != self.reference], dtype=np.int64)
        self.h_fit = channels_used.astype(np.int64)
        self.fit_rho = True
        self.levels = problem.levels.size
        self.link_size = 2 if self.levels == 2 else self.levels

    def pack(self, p: _Params, link: np.ndarray) -> np.ndarray:
        return np.concatenate([np.log(p.weights[self.w_fit]), np.log(p.half_lives[self.h_fit]), [p.rho], link])

    def unpack(self, x: np.ndarray) -> Tuple[_Params, np.ndarray]:
        w = self.start.weights.copy()
        h = self.start.half_lives.copy()
        i = 0
        w[self.w_fit] = np.exp(x[i:i + self.w_fit.size]); i += self.w_fit.size
        h[self.h_fit] = np.exp(x[i:i + self.h_fit.size]); i += self.h_fit.size
        rho = float(x[i]); i += 1
        return _Params(w, h, rho), x[i:]

    def bounds(self) -> List[Tuple[Optional[float], Optional[float]]]:
        lw = np.log(self.start.weights[self.w_fit])
        b: List[Tuple[Optional[float], Optional[float]]] = []
        b += [(v - math.log(_MAX_WEIGHT_FACTOR), v + math.log(_MAX_WEIGHT_FACTOR)) for v in lw]
        b += [(math.log(_MIN_HALF_LIFE_DAYS), math.log(_MAX_HALF_LIFE_DAYS))] * self.h_fit.size
        b += [(0.0, 1.0)]
        b += [(-6.0, 6.0)] + [(None, None)] + [(-10.0, 5.0)] * (self.link_size - 2)
        return b

    def objective(self, x: np.ndarray, pairs: np.ndarray) -> float:
        p, link = self.unpack(x)
        s = strengths(self.problem, p, pairs)
        nll = _link_nll(np.log1p(s), self.problem.y[pairs], link, self.levels)
        ridge = (np.sum((np.log(p.weights[self.w_fit]) - np.log(self.start.weights[self.w_fit])) ** 2)
                 + np.sum((np.log(p.half_lives[self.h_fit]) - np.log(self.start.half_lives[self.h_fit])) ** 2))
        return nll + self.l2 * ridge / max(pairs.size, 1)

    def initial_link(self, pairs: np.ndarray) -> np.ndarray:
        y = self.problem.y[pairs]
        if self.levels == 2:
            m = min(max(y.mean(), 1e-3), 1 - 1e-3)
            return np.array([0.0, math.log(m / (1 - m))])
        cum = np.cumsum(np.bincount(y, minlength=self.levels))[:-1] / y.size
        cum = np.clip(cum, 1e-3, 1 - 1e-3)
        cut = np.log(cum / (1 - cum))
        gaps = np.maximum(np.diff(cut), 1e-2)
        return np.concatenate([[0.0, cut[0]], np.log(gaps)])

    def fit(self, pairs: np.ndarray) -> Tuple[_Params, np.ndarray]:
        from scipy.optimize import minimize

        # Start from the best common scaling of the half-lives (a coarse grid, link only).
        best = None
        for factor in np.exp2(np.arange(-8.0, 5.0, 1.0)):
            h = np.clip(self.start.half_lives * factor, _MIN_HALF_LIFE_DAYS, _MAX_HALF_LIFE_DAYS)
            p = _Params(self.start.weights.copy(), h, self.start.rho)
            link0 = self.initial_link(pairs)
            x = np.log1p(strengths(self.problem, p, pairs))
            y = self.problem.y[pairs]
            r = minimize(lambda l: _link_nll(x, y, l, self.levels), link0, method="L-BFGS-B",
                         bounds=self.bounds()[-self.link_size:])
            if best is None or r.fun < best[0]:
                best = (r.fun, p, r.x)
        assert best is not None
        x0 = np.clip(self.pack(best[1], best[2]), [lo if lo is not None else -np.inf for lo, _ in self.bounds()],
                     [hi if hi is not None else np.inf for _, hi in self.bounds()])
        result = minimize(self.objective, x0, args=(pairs,), method="L-BFGS-B", bounds=self.bounds(),
                          options={"maxiter": 300})
        return self.unpack(result.x)


# ----------------------------------------------------------------------------- agreement

def _concordance(score: np.ndarray, y: np.ndarray) -> float:
    """ROC AUC for two levels; for more, the share of pairs of differently labelled items
    whose scores are ordered as their labels (ties count half)."""
    from scipy.stats import rankdata

    levels = np.unique(y)
    if levels.size < 2:
        return float("nan")
    num = den = 0.0
    for i, lo in enumerate(levels):
        for hi in levels[i + 1:]:
            a, b = score[y == lo], score[y == hi]
            ranks = rankdata(np.concatenate([a, b]))
            u = ranks[a.size:].sum() - b.size * (b.size + 1) / 2  # Mann-Whitney U of the higher level
            num += u
            den += a.size * b.size
    return float(num / den)


def _spearman(score: np.ndarray, y: np.ndarray) -> float:
    from scipy.stats import spearmanr

    if np.ptp(score) == 0 or np.ptp(y) == 0:
        return float("nan")
    return float(spearmanr(score, y).statistic)


# ----------------------------------------------------------------------------- entry point

def fit(frame: pd.DataFrame, labels: pd.DataFrame, start_channels: Sequence[Tuple[str, float, int]],
        start_rho: float, *, at_us: Optional[int], columns: LogColumns, folds: int, seed: int,
        l2: float) -> FitResult:
    """Fit and cross-validate (see :meth:`relscore.Scorer.fit`)."""
    if "stars" in labels.columns:
        kind = "stars"
    elif "label" in labels.columns:
        kind = "binary"
    else:
        raise ValueError("relscore.Scorer.fit(): labels need columns a, b and either 'stars' (0..5) or 'label' (0/1)")
    for c in ("a", "b"):
        if c not in labels.columns:
            raise ValueError(f"relscore.Scorer.fit(): labels lack column {c!r}")
    names = [n for n, _, _ in start_channels]
    index = {n: i for i, n in enumerate(names)}
    if len(labels) == 0:
        raise ValueError("relscore.Scorer.fit(): no labels (labels has no rows)")
    problem, at_us = _prepare(frame, labels, kind, index, at_us=at_us, columns=columns)
    # Too little to fit: a model of no interactions, or a fold with no pair to hold out.
    if problem.count.sum() == 0:
        raise ValueError("relscore.Scorer.fit(): the log has no interaction between labelled pairs (at or before "
                         "`at`): nothing to fit")
    if problem.pairs < folds:
        raise ValueError(f"relscore.Scorer.fit(): {problem.pairs} labelled pairs are too few for {folds} folds "
                         "(each fold holds out at least one; pass a smaller folds=)")
    start = _Params(np.array([w for _, w, _ in start_channels], dtype=np.float64),
                    np.array([h / _DAY_US for _, _, h in start_channels], dtype=np.float64), float(start_rho))
    model = _Model(problem, start, l2)

    from sklearn.model_selection import KFold, StratifiedKFold

    everyone = np.arange(problem.pairs)
    smallest = np.bincount(problem.y).min()
    splitter = (StratifiedKFold(folds, shuffle=True, random_state=seed) if smallest >= folds
                else KFold(folds, shuffle=True, random_state=seed))
    rows = []
    for k, (train, test) in enumerate(splitter.split(everyone, problem.y)):
        fitted, _ = model.fit(train)
        y = problem.y[test]
        for name, score in (("fitted", strengths(problem, fitted, test)), ("defaults", strengths(problem, start, test)),
                            ("count", problem.count[test])):
            rows.append({"fold": k, "model": name, "spearman": _spearman(score, y), "auc": _concordance(score, y)})
    cv = pd.DataFrame(rows)

    final, link = model.fit(everyone)
    channels = [(n, float(final.weights[i]), int(round(final.half_lives[i] * _DAY_US)))
                for i, n in enumerate(names)]
    summary = cv.groupby("model", sort=False)[["spearman", "auc"]].mean()
    slope = math.exp(link[0])
    if kind == "binary":
        link_out: Dict[str, Any] = {"slope": slope, "intercept": float(link[1])}
    else:
        cut = link[1] + np.concatenate([[0.0], np.cumsum(np.exp(link[2:]))])
        link_out = {"slope": slope, "cutpoints": [float(c) for c in cut], "levels": [int(v) for v in problem.levels]}
    fit_record = {
        "kind": kind, "labels": int(problem.pairs), "interactions": int(problem.count.sum()),
        "at": pd.Timestamp(at_us, unit="us", tz="UTC").isoformat(),
        "channels_fitted": [names[i] for i in model.h_fit],
        "reference_channel": names[model.reference] if model.reference >= 0 else None,
        "link": link_out,
        "cross_validated": {m: {"spearman": float(r.spearman), "auc": float(r.auc)} for m, r in summary.iterrows()},
        "folds": int(folds), "seed": int(seed), "l2": float(l2),
    }
    config = make_config(final.rho, channels, fit=fit_record)
    return FitResult(config=config, kind=kind, link=link_out, cv=cv, labels=int(problem.pairs),
                     interactions=int(problem.count.sum()), start=make_config(start_rho, start_channels))
