"""Plots (needs matplotlib, and networkx for :func:`network`: ``pip install relscore[plot]``).

- :func:`timeline`: one relationship over time — strength and each direction's volume,
  with the interactions marked by channel (fill colour) and direction (shape and edge
  colour, the colours of the volume curves); past ``max_markers`` interactions the marks
  become density strips, so thousands stay readable.
- :func:`network`: a person's strongest ties (or the strongest pairs overall) as a graph:
  a force-directed layout, edge width by strength (the faintest tie still shows), edge
  colour by reciprocity.

Both draw into ``ax=`` when given and keep their legend inside that axes.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import numpy as np
import pandas as pd

from . import _convert
from ._columns import LogColumns
from ._convert import TimeLike
from ._describe import raw_records
from ._scorer import Scorer

__all__ = ["timeline", "network"]

# Direction colours (the volume curves and the marker edges) and channel colours (the
# marker fill) come from disjoint palettes, so neither is read as the other.
_DIRECTION_COLORS = ("#1f5fbf", "#d9480f", "#555555")  # a → b, b → a, mutual
_CHANNEL_COLORS = ("#2ca02c", "#9467bd", "#e6ab02", "#17becf", "#e377c2", "#8c564b", "#bcbd22", "#66a61e",
                   "#7570b3", "#a6761d")


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:  # pragma: no cover - exercised only without matplotlib
        raise ImportError("relscore.plot needs matplotlib: pip install 'relscore[plot]'") from e
    return plt


def _date_axis(ax: Any) -> None:
    """Dates that never overlap: as many ticks as fit, labelled concisely (2026, Feb, 12)."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _retained(scorer: Scorer, a: str, b: str) -> pd.DataFrame:
    """The pair's interactions as the scorer retained them (Scorer(retain_events=True))."""
    if not scorer._core.insight_settings["retain_events"]:
        raise ValueError("relscore.plot.timeline(): pass the log as events=, or score with "
                         "Scorer(retain_events=True) so the pair's interactions can be replayed")
    receipts = raw_records("receipt", scorer._core.explain(a=a, b=b, receipts=2**62, at_us=None)["receipts"])
    return pd.DataFrame({
        "time": np.array([r["time"] for r in receipts], dtype=np.int64).view("datetime64[us]"),
        "source": [a if r["mutual"] else r["source"] for r in receipts],
        "target": [b if r["mutual"] or r["source"] == a else a for r in receipts],
        "channel": [r["channel"] for r in receipts],
        "weight": np.array([r["weight"] for r in receipts], dtype=np.float64),
        "mutual": np.array([r["mutual"] for r in receipts], dtype=bool),
    })


def timeline(
    scorer: Scorer,
    events: Optional[pd.DataFrame],
    a: Any,
    b: Any,
    *,
    start: Optional[TimeLike] = None,
    end: Optional[TimeLike] = None,
    points: int = 500,
    max_markers: int = 300,
    ax: Any = None,
    **columns: Any,
) -> Any:
    """Plot the relationship of ``a`` and ``b`` over time and return the Axes.

    The curve is recomputed from ``events`` (the same log, as a DataFrame; or None for
    the interactions a ``Scorer(retain_events=True)`` kept) with ``scorer``'s
    configuration: the pair's interactions are replayed in time order and the
    relationship is sampled at ``points`` times between ``start`` and ``end`` (default:
    the pair's first interaction to ``scorer.newest``). ``columns``: the names of
    ``events``' columns, as :meth:`Scorer.add_dataframe` takes them
    (:class:`relscore.LogColumns`: ``time=``, ``source=``, ``target=``, ``channel=``,
    ``weight=``, ``mutual=``, ``default_channel=``).

    Above the curves each interaction is a mark in its direction's row (▲ ``a`` → ``b``,
    ◆ mutual, ▼ ``b`` → ``a``): fill colour is its channel, edge colour its direction.
    With more than ``max_markers`` interactions, each row becomes a density strip per
    channel instead (binned counts, darker = more). The legend stays inside the axes."""
    plt = _pyplot()
    # The core's names of a and b (an integer id by its decimal digits), as every query
    # takes them; str() would make a float 7.0 "7.0" and True "True" instead of refusing them.
    name_a, name_b = _convert.query_name(a, "a"), _convert.query_name(b, "b")
    points = _convert.whole_number(points, "relscore.plot.timeline(): points", least=2, most=10_000_000)
    max_markers = _convert.whole_number(max_markers, "relscore.plot.timeline(): max_markers")
    roles = LogColumns.of("relscore.plot.timeline()", columns, without=("missing_weight", "origin", "unit"))
    if events is None:
        pair = _retained(scorer, name_a, name_b)
        roles = LogColumns(default_channel=roles.default_channel)  # _retained's frame has the default names
    time, source, target = roles.time, roles.source, roles.target
    channel, weight, mutual = roles.channel, roles.weight, roles.mutual
    from_a_rows = None
    if events is not None:
        roles.require(events)
        # The log's people as add_dataframe reads them (one conversion, which refuses ids of
        # other types naming the row), matched by the core's names.
        src, tgt, people, _ = _convert.id_columns(events[source], events[target])
        code = {name: k for k, name in enumerate(people)}
        code_a, code_b = code.get(name_a, -1), code.get(name_b, -1)
        rows = ((src == code_a) & (tgt == code_b)) | ((src == code_b) & (tgt == code_a))
        pair = events[rows].copy()
        from_a_rows = src[rows] == code_a
    if pair.empty:
        raise ValueError(f"no interactions between {a!r} and {b!r} in events")
    pair["_us"] = _convert.time_column(pair[time])
    pair["_from_a"] = from_a_rows if from_a_rows is not None else pair[source].to_numpy(dtype=object) == name_a
    pair = pair.sort_values("_us", kind="stable")
    t0 = _convert.to_micros(start) if start is not None else int(pair["_us"].iloc[0])
    newest = scorer.newest
    t1 = _convert.to_micros(end) if end is not None else (
        _convert.to_micros(newest) if newest is not None else int(pair["_us"].iloc[-1]))
    grid = np.linspace(t0, t1, points).astype(np.int64)

    has = lambda name: name in pair.columns  # noqa: E731
    n = len(pair)
    default_channel = roles.default_channel
    channels = (pair[channel].where(pair[channel].notna(), default_channel).astype(str).to_numpy() if has(channel)
                else np.full(n, default_channel))
    weights = pair[weight].to_numpy(dtype=np.float64, na_value=np.nan) if has(weight) else np.full(n, np.nan)
    mutual_flags = (_convert.mutual_column(pair[mutual].to_numpy(dtype=object), n).astype(bool)
                    if has(mutual) else np.zeros(n, dtype=bool))
    from_a = pair["_from_a"].to_numpy(dtype=bool)
    times_us = pair["_us"].to_numpy()

    replay = scorer.empty_like()._core  # the core takes names as they are
    strength, v_ab, v_ba = np.zeros(points), np.zeros(points), np.zeros(points)
    k = 0
    for i, t in enumerate(grid):
        while k < n and times_us[k] <= t:
            w = None if np.isnan(weights[k]) else float(weights[k])
            first, second = (name_a, name_b) if from_a[k] or mutual_flags[k] else (name_b, name_a)
            replay.add(time_us=int(times_us[k]), source=first, target=second, channel=channels[k], weight=w,
                       mutual=bool(mutual_flags[k]))
            k += 1
        if k:
            _, _, strength[i], v_ab[i], v_ba[i], *_ = replay.between(a=name_a, b=name_b, at_us=int(t))

    if ax is None:
        _, ax = plt.subplots(figsize=(11, 4.5), layout="constrained")
    when = pd.to_datetime(grid, unit="us", utc=True)
    label_ab, label_ba = f"{a} → {b}", f"{b} → {a}"
    ax.plot(when, strength, color="black", lw=2, label="strength")
    ax.plot(when, v_ab, color=_DIRECTION_COLORS[0], lw=1.2, ls="--", label=f"volume {label_ab}")
    ax.plot(when, v_ba, color=_DIRECTION_COLORS[1], lw=1.2, ls="--", label=f"volume {label_ba}")
    top = max(strength.max(), v_ab.max(), v_ba.max(), 1e-12)

    direction = np.where(mutual_flags, 1, np.where(from_a, 0, 2))  # rows: a → b, mutual, b → a
    rows = [(0, label_ab, "^", _DIRECTION_COLORS[0]), (1, "mutual", "D", _DIRECTION_COLORS[2]),
            (2, label_ba, "v", _DIRECTION_COLORS[1])]
    names = sorted(set(channels))
    colors = {c: _CHANNEL_COLORS[i % len(_CHANNEL_COLORS)] for i, c in enumerate(names)}
    row_height = 0.09 * top
    base = 1.06 * top  # rows sit above the curves, the a → b row on top
    event_times = pd.to_datetime(times_us, unit="us", utc=True)
    dense = n > max_markers
    if dense:
        import matplotlib.colors as mcolors

        edges = np.linspace(min(t0, times_us[0]), max(t1, times_us[-1]) + 1, min(200, max(20, n // 10)) + 1)
        centers = pd.to_datetime(((edges[:-1] + edges[1:]) / 2).astype(np.int64), unit="us", utc=True)
        width = pd.to_timedelta(np.diff(edges).mean(), unit="us")
    for d, _, marker, edge in rows:
        y = base + (2 - d) * row_height
        in_row = direction == d
        if not in_row.any():
            continue
        if dense:
            present = [c for c in names if (in_row & (channels == c)).any()]
            band = 0.8 * row_height / len(present)
            for j, c in enumerate(present):
                counts, _ = np.histogram(times_us[in_row & (channels == c)], bins=edges)
                alpha = np.where(counts > 0, 0.25 + 0.75 * counts / counts.max(), 0.0)
                rgba = np.tile(mcolors.to_rgba(colors[c]), (len(counts), 1))
                rgba[:, 3] = alpha
                ax.bar(centers, band, width=width, bottom=y - 0.4 * row_height + j * band, color=rgba,
                       linewidth=0, align="center")
        else:
            for c in names:
                sel = in_row & (channels == c)
                if sel.any():
                    ax.scatter(event_times[sel], np.full(int(sel.sum()), y), marker=marker, s=34,
                               facecolor=colors[c], edgecolor=edge, linewidth=1.2, zorder=3)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles, labels = ax.get_legend_handles_labels()
    handles += [Line2D([], [], ls="none", marker=m, markersize=7, markerfacecolor="white", markeredgecolor=e,
                       markeredgewidth=1.5) for d, _, m, e in rows if (direction == d).any()]
    labels += [label for d, label, _, _ in rows if (direction == d).any()]
    handles += [Patch(facecolor=colors[c]) for c in names]
    labels += names
    ax.set_ylim(0, base + 3 * row_height + 0.02 * top)
    ax.set_ylabel("decayed volume / strength")
    mode = "density strips: darker = more interactions" if dense else "fill: channel, shape and edge: direction"
    ax.set_title(f"{a} – {b}   ({n:,} interactions; {mode})", fontsize=10)
    _date_axis(ax)
    ax.grid(alpha=0.3)
    ax.legend(handles, labels, loc="center left", fontsize="x-small", ncols=2 if len(labels) > 8 else 1,
              framealpha=0.85)
    return ax


def network(scorer: Scorer, person: Any = None, k: int = 15, *, at: Optional[TimeLike] = None, ax: Any = None,
            seed: int = 7) -> Any:
    """Draw ``person``'s ``k`` strongest ties as a graph and return the Axes (needs networkx).

    Nodes are ``person`` and their ``k`` strongest contacts; edges are every tie among
    them (the contacts' ties to each other too), placed by networkx's spring layout
    (``seed`` for a stable picture). Edge width grows with strength from a floor
    that keeps the faintest tie visible; edge colour is reciprocity (red: one-sided,
    green: balanced), with a colour bar. With no ``person``, the ``k`` strongest pairs
    of the whole scorer and their people. A legend of widths stays inside the axes."""
    plt = _pyplot()
    try:
        import networkx as nx
    except ImportError as e:  # pragma: no cover - exercised only without networkx
        raise ImportError("relscore.plot.network needs networkx: pip install 'relscore[plot]'") from e
    ties = scorer.top_frame(person, k, at=at) if person is not None else scorer.top_frame(k=k, at=at)
    if ties.empty:
        raise ValueError(f"{person!r} has no relationships" if person is not None else "the scorer has no relationships")
    nodes: List[Any] = []
    for v in list(ties["a"]) + list(ties["b"]):
        if v not in nodes:
            nodes.append(v)
    # Every tie among the nodes, in one vectorised lookup.
    i, j = np.triu_indices(len(nodes), 1)
    left, right = [nodes[x] for x in i], [nodes[x] for x in j]
    strength = scorer.between_many(left, right, at=at)
    keep = strength > 0
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    reciprocity: Dict[Any, float] = {}
    if keep.any():
        table = scorer.to_pandas(at=at)
        key = {frozenset((x, y)): r for x, y, r in zip(table["a"], table["b"], table["reciprocity"])}
        for x, y, w in zip(np.asarray(left, dtype=object)[keep], np.asarray(right, dtype=object)[keep], strength[keep]):
            graph.add_edge(x, y, weight=float(w))
            reciprocity[frozenset((x, y))] = float(key.get(frozenset((x, y)), 0.0))
    edges = list(graph.edges(data="weight"))
    strongest = max(w for _, _, w in edges)
    widths = [0.8 + 7.2 * w / strongest for _, _, w in edges]
    recip = [reciprocity[frozenset((x, y))] for x, y, _ in edges]
    # Laid out by who is tied to whom, not by strength: strength-weighted springs pull the
    # strongest contacts onto the centre, where their labels hide each other.
    pos = nx.spring_layout(graph, weight=None, k=2.0 / np.sqrt(len(nodes)), seed=seed)

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 7), layout="constrained")
    cmap = plt.get_cmap("RdYlGn")
    order = np.argsort(widths)  # strong ties drawn last, on top
    nx.draw_networkx_edges(graph, pos, ax=ax, edgelist=[edges[o][:2] for o in order],
                           width=[widths[o] for o in order], edge_color=[recip[o] for o in order],
                           edge_cmap=cmap, edge_vmin=0.0, edge_vmax=1.0, alpha=0.9)
    centre = [scorer._person(str(person))] if person is not None else []  # as the scorer gives ids back
    others = [v for v in nodes if v not in centre]
    nx.draw_networkx_nodes(graph, pos, ax=ax, nodelist=others, node_size=260, node_color="#dfe7f2",
                           edgecolors="#4a5a70")
    if centre:
        nx.draw_networkx_nodes(graph, pos, ax=ax, nodelist=centre, node_size=520, node_color="#1f5fbf",
                               edgecolors="black")
    nx.draw_networkx_labels(graph, pos, ax=ax, font_size=8,
                            labels={v: str(v) for v in nodes})
    when = pd.Timestamp(at if at is not None else scorer.newest)
    title = f"{person}: strongest ties" if person is not None else f"the {len(ties)} strongest ties"
    ax.set_title(f"{title} at {when:%Y-%m-%d}   (width: strength, colour: reciprocity)", fontsize=10)
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(0, 1))
    ax.figure.colorbar(sm, ax=ax, label="reciprocity (0: one-sided, 1: balanced)", shrink=0.7)
    from matplotlib.lines import Line2D

    samples = sorted({strongest, strongest / 2, min(w for _, _, w in edges)}, reverse=True)
    ax.legend([Line2D([], [], color="#555555", lw=0.8 + 7.2 * w / strongest) for w in samples],
              [f"strength {w:.3g}" for w in samples], loc="lower left", fontsize="x-small", framealpha=0.85)
    ax.set_axis_off()
    ax.margins(0.08)
    return ax
