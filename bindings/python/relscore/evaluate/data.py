"""The edge lists an evaluation runs on, and their two file formats (DyGLib's benchmark CSV
and SNAP / SocioPatterns event logs)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["TemporalEdges", "load_benchmark", "load_event_log"]


@dataclass(frozen=True)
class TemporalEdges:
    """A chronological edge list: edge k goes from ``src[k]`` to ``dst[k]`` at ``ts[k]``
    (seconds since the first edge). Node ids are the data set's own integers."""

    src: np.ndarray
    dst: np.ndarray
    ts: np.ndarray
    name: str = ""

    def __post_init__(self) -> None:
        if not (len(self.src) == len(self.dst) == len(self.ts)):
            raise ValueError(f"{self.name or 'edges'}: src, dst and ts must have the same length")
        if len(self.ts) > 1 and np.any(np.diff(self.ts) < 0):
            k = int(np.argmax(np.diff(self.ts) < 0)) + 1
            raise ValueError(f"{self.name or 'edges'}: edges must be in time order (edge {k} is older than edge {k - 1})")

    def __len__(self) -> int:
        return len(self.ts)

    def take(self, index: np.ndarray) -> "TemporalEdges":
        return TemporalEdges(self.src[index], self.dst[index], self.ts[index], self.name)


def load_benchmark(path: str, name: str = "") -> TemporalEdges:
    """Load DyGLib/DGB's benchmark format (``ml_<name>.csv``: columns ``u,i,ts,label,idx``,
    sorted by time)."""
    frame = pd.read_csv(path)
    missing = {"u", "i", "ts"} - set(frame.columns)
    if missing:
        raise ValueError(f"{path}: not the benchmark format, missing column(s) {sorted(missing)}")
    return TemporalEdges(frame["u"].to_numpy(np.int64), frame["i"].to_numpy(np.int64),
                         frame["ts"].to_numpy(np.float64), name or path)


def load_event_log(path: str, order: str = "src,dst,time", name: str = "") -> TemporalEdges:
    """Load a whitespace-separated event log (``SRC DST TIME`` per line, as SNAP's
    CollegeMsg and email-Eu-core; ``order="time,src,dst"`` for SocioPatterns' ``t i j``).
    A first line that is not numeric is a header and skipped. Times become seconds since
    the first row, as in DyGLib's ``ml_uci.csv``; the row order is kept (it must be
    chronological; a stable sort is applied when it is not, which is reported in ``name``)."""
    fields = order.split(",")
    if sorted(fields) != ["dst", "src", "time"]:
        raise ValueError(f"order must name src, dst and time once each, got {order!r}")
    frame = pd.read_csv(path, sep=r"\s+", header=None, dtype=str, usecols=[0, 1, 2])
    if len(frame) and not _is_number(frame.iat[0, 0]):
        frame = frame.iloc[1:]
    try:
        columns = {f: pd.to_numeric(frame.iloc[:, k], errors="raise") for k, f in enumerate(fields)}
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None
    ts = columns["time"].to_numpy(np.float64)
    src = columns["src"].to_numpy(np.int64)
    dst = columns["dst"].to_numpy(np.int64)
    label = name or path
    if len(ts) > 1 and np.any(np.diff(ts) < 0):
        order_index = np.argsort(ts, kind="stable")
        src, dst, ts = src[order_index], dst[order_index], ts[order_index]
        label += " (sorted by time)"
    if len(ts):
        ts = ts - ts[0]
    return TemporalEdges(src, dst, ts, label)


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False
