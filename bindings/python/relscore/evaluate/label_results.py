"""Label evaluation on real data for the results table (docs/results.md, written by
:mod:`relscore.evaluate.results`): group labels as a
weak proxy for closeness, and "whom will this person contact next" ranking.

Strengths come from relscore's own scorer (relscore.Scorer); relscore.evaluate's
label_metrics / group_labels / ranking_metrics compare them with the labels.

Design notes
- Group proxy: every pair that interacted and whose two people both have a group label is
  labelled "same group" (strong) or "different groups" (weak); pairs that never interacted
  are not labelled (they have no strength to rank, and "never met" is not "weak"). The AUC
  then says how well a score ranks same-group pairs above cross-group ones among the pairs
  that met.
- Ranking: the log is cut at 70 % of its events; scores are taken at the cut from the
  events before it, and each person's relationships are ranked by score; the relevant
  people are those the person has contact with after the cut.
- Face-to-face contacts (SocioPatterns) are undirected: each is added as mutual. E-mails
  are directed. Self-interactions (e-mails to oneself) are dropped.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Callable, Dict, Hashable, List, Optional, Set, Tuple

import numpy as np
import pandas as pd

from .. import Scorer
from .data import TemporalEdges, load_event_log
from .labels import group_labels, label_metrics, ranking_metrics


@dataclass(frozen=True)
class LabelledData:
    name: str
    events: str  # relative to the data directory
    order: str  # column order of the event log
    labels: str  # "id group" per line (whitespace separated); the group column is given below
    group_column: int
    group_name: str
    undirected: bool
    id_column: int = 0


LABELLED: List[LabelledData] = [
    LabelledData("SocioPatterns high school 2012", "sociopatterns-highschool-2012/tij_thiers12.dat", "time,src,dst",
                 "sociopatterns-highschool-2012/metadata_thiers12.dat", 1, "class", True),
    LabelledData("SocioPatterns high school 2011", "sociopatterns-highschool-2011/tij_thiers11.dat", "time,src,dst",
                 "sociopatterns-highschool-2011/metadata_thiers11.dat", 1, "class", True),
    LabelledData("SocioPatterns primary school 2009", "sociopatterns-primary-school-2009/tij_PS09.dat.gz",
                 "time,src,dst", "sociopatterns-primary-school-2009/metadata_PS09.dat", 1, "class", True),
    LabelledData("SocioPatterns workplace 2015", "sociopatterns-workplace-2015/tij_InVS15.dat.gz", "time,src,dst",
                 "sociopatterns-workplace-2015/metadata_InVS15.dat", 1, "department", True),
    LabelledData("SocioPatterns workplace 2013", "sociopatterns-workplace-2013/tij_InVS13.dat", "time,src,dst",
                 "sociopatterns-workplace-2013/metadata_InVS13.dat", 1, "department", True),
    LabelledData("SocioPatterns hospital ward 2010", "sociopatterns-hospital-ward-2010/tij_hospital.dat",
                 "time,src,dst", "sociopatterns-hospital-ward-2010/metadata_hospital.dat", 2, "role", True, id_column=1),
    LabelledData("email-Eu-core", "snap-email-eu-core-temporal/email-Eu-core-temporal.txt.gz", "src,dst,time",
                 "snap-email-eu-core-temporal/email-Eu-core-department-labels.txt", 1, "department", False),
]

DAY = 86400.0


def read_groups(path: str, column: int, id_column: int = 0) -> Dict[Hashable, Hashable]:
    """Person id (as relscore names people: the id's text) -> group."""
    frame = pd.read_csv(path, sep=r"\s+", header=None, dtype=str)
    if frame.shape[1] <= max(column, id_column):
        raise ValueError(f"{path}: expected ids in column {id_column + 1} and groups in column {column + 1}, "
                         f"found {frame.shape[1]} column(s)")
    return dict(zip(frame.iloc[:, id_column], frame.iloc[:, column]))


def _scorer(edges: TemporalEdges, end: int, undirected: bool, half_life: Optional[float]) -> Scorer:
    scorer = Scorer(half_life=None if half_life is None else pd.Timedelta(seconds=half_life))
    keep = edges.src[:end] != edges.dst[:end]  # a person with themself is no relationship
    scorer.add_arrays(edges.ts[:end][keep], edges.src[:end][keep].astype(str), edges.dst[:end][keep].astype(str),
                      channel="contact" if undirected else "email",
                      mutual=np.full(int(keep.sum()), True) if undirected else None)
    return scorer


# A score of the pairs that met: (edges, number of events used, undirected) -> a, b, strength.
ScoreFn = Callable[[TemporalEdges, int, bool], pd.DataFrame]


def _relscore_strength(half_life: Optional[float]) -> ScoreFn:
    def score(edges: TemporalEdges, end: int, undirected: bool) -> pd.DataFrame:
        at = pd.Timestamp(float(edges.ts[end - 1]), unit="s", tz="UTC")  # the newest event used
        frame = _scorer(edges, end, undirected, half_life).to_pandas(at=at, sort=False)
        return pd.DataFrame({"a": frame["a"].astype(str), "b": frame["b"].astype(str),
                             "strength": frame["strength"].to_numpy()})
    return score


def _pair_table(edges: TemporalEdges, end: int) -> pd.DataFrame:
    keep = edges.src[:end] != edges.dst[:end]
    src, dst = edges.src[:end][keep], edges.dst[:end][keep]
    return pd.DataFrame({"a": np.minimum(src, dst).astype(str), "b": np.maximum(src, dst).astype(str),
                         "t": edges.ts[:end][keep]})


def _count(edges: TemporalEdges, end: int, undirected: bool) -> pd.DataFrame:
    pairs = _pair_table(edges, end)
    return pairs.groupby(["a", "b"], sort=False).size().rename("strength").reset_index().astype({"strength": float})


def _recency(edges: TemporalEdges, end: int, undirected: bool) -> pd.DataFrame:
    pairs = _pair_table(edges, end)
    return pairs.groupby(["a", "b"], sort=False)["t"].max().rename("strength").reset_index()


SCORES: List[Tuple[str, ScoreFn]] = [
    ("relscore strength (default half-life of the channel: 60 days)", _relscore_strength(None)),
    ("relscore strength, half-life 1 day", _relscore_strength(DAY)),
    ("relscore strength, half-life 1 hour", _relscore_strength(3600.0)),
    ("interaction count", _count),
    ("recency (time of the last contact)", _recency),
]


def _next_contacts(edges: TemporalEdges, start: int) -> Dict[Hashable, Set[Hashable]]:
    contacts: Dict[Hashable, Set[Hashable]] = {}
    for s, d in zip(edges.src[start:].astype(str), edges.dst[start:].astype(str)):
        if s != d:
            contacts.setdefault(s, set()).add(d)
            contacts.setdefault(d, set()).add(s)
    return contacts


def label_section(data_dir: str, command: str) -> str:
    """The markdown section of docs/results.md with both label evaluations on every
    labelled data set found in ``data_dir``."""
    lines = ["## Labels: group proxy and next-period ranking", "",
             f"Produced by the same command (`{command}`). Group proxy: among the pairs that met (whole log), "
             "AUC and average precision of each score for telling same-group pairs (strong) from cross-group pairs "
             "(weak); unlabelled pairs are left out. Ranking: scores at 70 % of the events (from the events before), "
             "each person's relationships ranked, relevant = the people they meet after the cut; precision@10, "
             "NDCG@10 and MRR averaged over people with a later contact. No parameter is fitted here. Each data "
             "set also gives the share of same-group pairs among the pairs that met, beside the share expected "
             "if people met at random: when the two are equal the groups say nothing about who meets, and "
             "AUCs near 50 follow.", ""]
    for ds in LABELLED:
        events, labels = os.path.join(data_dir, ds.events), os.path.join(data_dir, ds.labels)
        if not (os.path.exists(events) and os.path.exists(labels)):
            lines += [f"### {ds.name}", "", f"not found at `{ds.events}`: skipped.", ""]
            continue
        started = time.perf_counter()
        edges = load_event_log(events, ds.order, ds.name)
        groups = read_groups(labels, ds.group_column, ds.id_column)
        cut = int(0.7 * len(edges))
        next_contacts = _next_contacts(edges, cut)
        rows = []
        for name, score in SCORES:
            whole = score(edges, len(edges), ds.undirected)
            proxy = label_metrics(whole, group_labels(whole, groups))
            ranking = ranking_metrics(score(edges, cut, ds.undirected), next_contacts, k=10)
            rows.append((name, proxy, ranking))
        seconds = time.perf_counter() - started
        strong, weak = rows[0][1]["strong"], rows[0][1]["weak"]
        # What share of pairs would be same-group if people met at random: a share of met
        # pairs close to it means the groups say little about who meets (or do not match the ids).
        sizes = pd.Series(list(groups.values())).value_counts(normalize=True).to_numpy()
        lines += [f"### {ds.name} ({ds.group_name})", "",
                  f"`{ds.events}`: {len(edges):,} events; {strong:,} same-{ds.group_name} and {weak:,} "
                  f"cross-{ds.group_name} pairs met (same-{ds.group_name} share {100 * strong / (strong + weak):.1f} %; "
                  f"{100 * float(np.sum(sizes ** 2)):.1f} % for pairs drawn at random from the labelled people); "
                  f"{rows[0][2]['people']} people ranked. {seconds:.1f} s.", "",
                  f"| score | same-{ds.group_name} AUC | same-{ds.group_name} AP | precision@10 | NDCG@10 | MRR |",
                  "|---|---:|---:|---:|---:|---:|"]
        for name, proxy, ranking in rows:
            lines.append(f"| {name} | {100 * proxy['auc']:.2f} | {100 * proxy['ap']:.2f} | "
                         f"{100 * ranking['precision@10']:.2f} | {100 * ranking['ndcg@10']:.2f} | "
                         f"{100 * ranking['mrr']:.2f} |")
        lines.append("")
    return "\n".join(lines) + "\n"
