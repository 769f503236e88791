"""`relscore evaluate` (= ``python -m relscore.evaluate``): evaluate scores on one data set
and print a row per score x setting x negative sampling.

``relscore evaluate --results docs/results.md`` writes the results document instead
(:mod:`relscore.evaluate.results`, which uses :func:`evaluate_scores` over the shared data
sets; ``__main__`` hands it to :func:`main`, so that this module does not import it)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from .data import TemporalEdges, load_benchmark, load_event_log
from . import fitting
from .fitting import fit_link_booster, link_booster_pooled_plans, run_link_booster
from .negatives import STRATEGIES
from .persistence import FittedModel, default_model
from .plan import KNOWLEDGE, SETTINGS, make_plan, run_plan
from .scores import SCORES
from .splits import split

__all__ = ["Row", "COMBINERS", "evaluate_scores", "load", "params_text", "main"]


@dataclass
class Row:
    data: str
    score: str
    setting: str
    strategy: str
    ap: float
    auc: float
    seconds: float
    validation_ap: Optional[float]
    params: Dict[str, float]
    knowledge: str = "batch"


COMBINERS: Tuple[str, ...] = ("logistic", "hgb")


def evaluate_scores(edges: TemporalEdges, scores: Sequence[str], settings: Sequence[str],
                    strategies: Sequence[str], fit: bool, max_evaluations: int,
                    models: Sequence[FittedModel] = (), save_dir: Optional[str] = None,
                    echo: bool = True, knowledge: str = "batch",
                    custom: Optional[Mapping[str, Callable[[], Any]]] = None,
                    combiner: str = "logistic") -> List[Row]:
    """Every score x setting x strategy: fit on validation (if asked and the score has
    parameters), then evaluate on test. The wall time covers fitting and evaluation (not
    the shared negative sampling, reported as its own row). ``custom`` maps a row name to a
    factory of a fresh user model (the protocol of ``help(relscore.evaluate.plan)``),
    evaluated as is on the same test plans, after the built-in scores. ``combiner="hgb"``
    fits relscore's score as gradient-boosted trees over its features instead of a weighted
    sum (:func:`relscore.evaluate.fit_link_booster`; needs ``fit``, cannot be saved)."""
    if combiner not in COMBINERS:
        raise ValueError(f"combiner must be one of {COMBINERS}, got {combiner!r}")
    if combiner != "logistic" and not fit:
        raise ValueError(f"the {combiner} combiner is fitted on validation: it needs fitting (--fit)")
    data = split(edges)
    rows: List[Row] = []
    for setting in settings:
        for strategy in strategies:
            started = time.perf_counter()
            test_plan = make_plan(data, setting, strategy, "test", knowledge=knowledge)
            val_plan = make_plan(data, setting, strategy, "val", knowledge=knowledge) if fit else None
            sampling = time.perf_counter() - started
            if echo:
                print(f"# {edges.name}, {setting}, {strategy} negatives, {knowledge} knowledge (sampling {sampling:.1f} s)",
                      flush=True)
            chosen = [(s, None) for s in scores] + [(m.score, m) for m in models]
            for score, given in chosen:
                t0 = time.perf_counter()
                if given is None and score == "relscore" and combiner == "hgb":
                    assert val_plan is not None  # fit is checked above
                    booster = fit_link_booster(val_plan, link_booster_pooled_plans(data, setting, strategy, knowledge))
                    result = run_link_booster(test_plan, booster)
                    row = Row(edges.name, "relscore (hgb)", setting, strategy, result.ap, result.auc,
                              time.perf_counter() - t0, run_link_booster(val_plan, booster, fast_metrics=True).ap,
                              {}, knowledge)
                    rows.append(row)
                    if echo:
                        _echo(row)
                    continue
                if given is not None:
                    model = given
                elif fit and SCORES[score].parameters:
                    model = fitting.fit(score, data, setting, strategy, max_evaluations, plan=val_plan)
                else:
                    model = default_model(score)
                result = run_plan(test_plan, model.make())
                row = Row(edges.name, score, setting, strategy, result.ap, result.auc, time.perf_counter() - t0,
                          model.fitted_on.get("validation_ap"), model.params, knowledge)
                rows.append(row)
                if save_dir and model.params:
                    os.makedirs(save_dir, exist_ok=True)
                    suffix = "" if knowledge == "batch" else f"-{knowledge}"
                    model.save(os.path.join(save_dir, f"{score}-{setting}-{strategy}{suffix}.json"))
                if echo:
                    _echo(row)
            for name, make in (custom or {}).items():
                t0 = time.perf_counter()
                result = run_plan(test_plan, make())
                row = Row(edges.name, name, setting, strategy, result.ap, result.auc, time.perf_counter() - t0,
                          None, {}, knowledge)
                rows.append(row)
                if echo:
                    _echo(row)
    return rows


def _echo(row: Row) -> None:
    print(f"{row.score:28s} AP {row.ap:6.2f}  AUC {row.auc:6.2f}  {row.seconds:6.1f} s  {params_text(row)}",
          flush=True)


def load(path: str, order: str, name: str) -> TemporalEdges:
    if path.endswith(".csv"):
        return load_benchmark(path, name)
    return load_event_log(path, order, name)


def params_text(row: Row) -> str:
    if row.score == "relscore":
        ranked = sorted(row.params.items(), key=lambda kv: -abs(kv[1]))[:4]
        return (f"{len(row.params)} feature weights (see `--save-models`); largest: "
                + ", ".join(f"{k}={v:.3g}" for k, v in ranked))
    return ", ".join(f"{k}={v:.4g}" for k, v in row.params.items())


def main(argv: Optional[Sequence[str]] = None,
         write_results: Optional[Callable[[Sequence[str], str], int]] = None) -> int:
    """``relscore evaluate``. ``write_results(args, command)`` runs ``--results`` (the
    generator of :mod:`relscore.evaluate.results`, passed in by ``__main__``)."""
    parser = argparse.ArgumentParser(
        prog="relscore evaluate",
        description="Dynamic link prediction exactly as DyGLib evaluates it, with relscore's scores and baselines.")
    parser.add_argument("data", nargs="?", help="an event log (SRC DST TIME per line) or a benchmark ml_*.csv")
    parser.add_argument("--results", metavar="OUT",
                        help="instead: evaluate every shared data set and write the results document (docs/results.md)")
    parser.add_argument("--data-dir", help="with --results: the shared data directory (default $RELSCORE_DATA or "
                        "../shared/data)")
    parser.add_argument("--order", default="src,dst,time", help="column order of an event log (default src,dst,time)")
    parser.add_argument("--score", action="append", choices=list(SCORES),
                        help="score(s) to evaluate (default: all)")
    parser.add_argument("--model", action="append", default=[], help="a fitted model JSON to evaluate as is")
    parser.add_argument("--setting", action="append", choices=SETTINGS, help="default: transductive")
    parser.add_argument("--negatives", action="append", choices=STRATEGIES, help="default: random")
    parser.add_argument("--fit", action="store_true", help="fit parameters on validation before testing")
    parser.add_argument("--knowledge", choices=KNOWLEDGE, default="batch",
                        help="what a query may know: the edges before its batch (batch, the protocol; default) or "
                        "every edge strictly older than itself (event, as DyGLib's neural models' neighbour samplers)")
    parser.add_argument("--combiner", choices=COMBINERS, default="logistic",
                        help="how relscore's score combines its features when fitted: a weighted sum fitted by "
                        "logistic regression (default) or gradient-boosted trees (hgb, what docs/results.md reports)")
    parser.add_argument("--max-evaluations", type=int, default=300, help="optimizer budget per fit")
    parser.add_argument("--save-models", metavar="DIR", help="write each fitted model as JSON into DIR")
    args = parser.parse_args(argv)
    if args.results is not None:
        if args.data is not None:
            parser.error("--results evaluates the shared data sets: give no data file")
        if write_results is None:
            parser.error("--results: run it as `relscore evaluate --results OUT` or `python -m relscore.evaluate`")
        return write_results([args.results] + (["--data-dir", args.data_dir] if args.data_dir else []),
                             f"relscore evaluate --results {args.results}")
    if args.data is None:
        parser.error("the data file is required (or --results OUT)")
    try:
        edges = load(args.data, args.order, os.path.basename(args.data))
        models = [FittedModel.load(p) for p in args.model]
        scores = args.score if args.score is not None else ([] if models else list(SCORES))
        evaluate_scores(edges, scores, args.setting or ["transductive"], args.negatives or ["random"], args.fit,
                        args.max_evaluations, models, args.save_models, knowledge=args.knowledge,
                        combiner=args.combiner)
        return 0
    except (ValueError, OSError) as e:
        print(f"relscore evaluate: error: {e}", file=sys.stderr)
        return 2
