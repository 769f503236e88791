"""Plots (needs matplotlib: ``pip install relscore[plot]``).

- :func:`timeline`: one relationship over time — strength and each direction's volume,
  with the interactions marked by channel and direction.
- :func:`network`: a person's strongest ties at a glance — strength and reciprocity.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np
import pandas as pd

from . import _convert
from ._convert import TimeLike
from ._scorer import Scorer

__all__ = ["timeline", "network"]


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:  # pragma: no cover - exercised only without matplotlib
        raise ImportError("relscore.plot needs matplotlib: pip install 'relscore[plot]'") from e
    return plt


def timeline(
    scorer: Scorer,
    events: pd.DataFrame,
    a: Any,
    b: Any,
    *,
    start: Optional[TimeLike] = None,
    end: Optional[TimeLike] = None,
    points: int = 500,
    time: str = "time",
    source: str = "source",
    target: str = "target",
    channel: str = "channel",
    weight: str = "weight",
    mutual: str = "mutual",
    ax: Any = None,
) -> Any:
    """Plot the relationship of ``a`` and ``b`` over time and return the Axes.

    The scorer keeps no history, so the curve is recomputed from ``events`` (the same
    log, as a DataFrame) with ``scorer``'s configuration: the pair's interactions are
    replayed in time order and the relationship is sampled at ``points`` times between
    ``start`` and ``end`` (default: the pair's first interaction to ``scorer.newest``)."""
    plt = _pyplot()
    a, b = str(a), str(b)
    src, tgt = events[source].astype(str), events[target].astype(str)
    pair = events[((src == a) & (tgt == b)) | ((src == b) & (tgt == a))].copy()
    if pair.empty:
        raise ValueError(f"no interactions between {a!r} and {b!r} in events")
    pair["_us"] = _convert.time_column(pair[time])
    pair = pair.sort_values("_us", kind="stable")
    t0 = _convert.to_micros(start) if start is not None else int(pair["_us"].iloc[0])
    newest = scorer.newest
    t1 = _convert.to_micros(end) if end is not None else (
        _convert.to_micros(newest) if newest is not None else int(pair["_us"].iloc[-1]))
    grid = np.linspace(t0, t1, points).astype(np.int64)

    replay = scorer.empty_like()
    has = lambda name: name in pair.columns  # noqa: E731
    strength, v_ab, v_ba = np.zeros(points), np.zeros(points), np.zeros(points)
    rows = pair.to_dict("records")
    k = 0
    for i, t in enumerate(grid):
        while k < len(rows) and rows[k]["_us"] <= t:
            r = rows[k]
            w = r[weight] if has(weight) and pd.notna(r[weight]) else None
            ch = r[channel] if has(channel) and pd.notna(r[channel]) else "contact"
            m = bool(_convert.mutual_column(np.array([r[mutual]], dtype=object), 1)[0]) if has(mutual) else False
            replay.add(int(r["_us"]) / 1e6, str(r[source]), str(r[target]), channel=ch, weight=w, mutual=m)
            k += 1
        if len(replay):
            rel = replay.between(a, b, at=int(t) / 1e6)
            strength[i], v_ab[i], v_ba[i] = rel.strength, rel.volume_ab, rel.volume_ba

    if ax is None:
        _, ax = plt.subplots(figsize=(11, 4.5), layout="constrained")
    when = pd.to_datetime(grid, unit="us", utc=True)
    ax.plot(when, strength, color="black", lw=2, label="strength")
    ax.plot(when, v_ab, color="tab:blue", lw=1, ls="--", label=f"volume {a} → {b}")
    ax.plot(when, v_ba, color="tab:orange", lw=1, ls="--", label=f"volume {b} → {a}")
    top = max(strength.max(), v_ab.max(), v_ba.max(), 1e-12)
    channels = pair[channel].fillna("contact").astype(str) if has(channel) else pd.Series("contact", index=pair.index)
    mutual_flags = (_convert.mutual_column(pair[mutual].to_numpy(dtype=object), len(pair)).astype(bool)
                    if has(mutual) else np.zeros(len(pair), dtype=bool))
    directions = np.where(mutual_flags, "mutual", np.where(pair[source].astype(str) == a, f"{a} → {b}", f"{b} → {a}"))
    levels = {f"{a} → {b}": 1.10, "mutual": 1.06, f"{b} → {a}": 1.02}
    markers = {f"{a} → {b}": "^", "mutual": "D", f"{b} → {a}": "v"}
    colors = dict(zip(sorted(channels.unique()), plt.get_cmap("tab10").colors))
    event_times = pd.to_datetime(pair["_us"].to_numpy(), unit="us", utc=True)
    labelled = set()
    for ch, color in colors.items():
        for d, y in levels.items():
            sel = (channels.to_numpy() == ch) & (directions == d)
            if sel.any():
                ax.scatter(event_times[sel], np.full(sel.sum(), y * top), marker=markers[d], color=color, s=28,
                           label=None if ch in labelled else ch)
                labelled.add(ch)
    ax.set_ylim(0, 1.16 * top)
    ax.set_ylabel("decayed volume / strength")
    ax.set_title(f"{a} – {b}\n▲ {a} → {b}   ▼ {b} → {a}   ◆ mutual   (marker colour: channel)", fontsize=10)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    ax.grid(alpha=0.3)
    return ax


def network(scorer: Scorer, person: Any, k: int = 15, *, at: Optional[TimeLike] = None, ax: Any = None) -> Any:
    """Bar chart of ``person``'s ``k`` strongest ties: bar length is strength, colour is
    reciprocity (red: one-sided, green: balanced). Returns the Axes."""
    plt = _pyplot()
    ties = scorer.top_frame(person, k, at=at)
    if ties.empty:
        raise ValueError(f"{person!r} has no relationships")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.35 * len(ties) + 1.5), layout="constrained")
    cmap = plt.get_cmap("RdYlGn")
    y = np.arange(len(ties))[::-1]
    bars = ax.barh(y, ties["strength"], color=cmap(ties["reciprocity"].to_numpy()))
    ax.set_yticks(y, [str(v) for v in ties["b"]])
    for bar, recip in zip(bars, ties["reciprocity"]):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" r={recip:.2f}", va="center", fontsize=8)
    when = pd.Timestamp(at if at is not None else scorer.newest)
    ax.set_xlabel("strength")
    ax.set_title(f"{person}: strongest ties at {when:%Y-%m-%d}")
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(0, 1))
    ax.figure.colorbar(sm, ax=ax, label="reciprocity")
    ax.margins(x=0.15)
    return ax
