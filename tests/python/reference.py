"""A small pure-Python reference of relscore's formulas (the README's model section)."""

from __future__ import annotations

import math
import sys
from typing import Dict, Iterable, Tuple

DEFAULTS: Dict[str, Tuple[float, float]] = {  # name -> (weight, half-life in seconds)
    "message": (0.5, 30 * 86400),
    "email": (1.0, 60 * 86400),
    "contact": (1.0, 60 * 86400),
    "call": (2.0, 90 * 86400),
    "meeting": (3.0, 120 * 86400),
    "introduction": (5.0, 180 * 86400),
    "favour": (5.0, 180 * 86400),
}


def volumes(events: Iterable[tuple], a: str, b: str, at: float, channels=DEFAULTS) -> Tuple[float, float]:
    """(V_ab, V_ba) at `at` (seconds) from events (t_seconds, source, target, channel, weight|None, mutual)."""
    vab = vba = 0.0
    for t, s, d, ch, w, mutual in events:
        if t > at or {s, d} != {a, b}:
            continue
        weight, half_life = channels[ch]
        weight = weight if w is None else w
        if weight < sys.float_info.min:  # a subnormal weight counts as 0, as the engine flushes it (detail/decay.hpp)
            weight = 0.0
        term = weight * 2.0 ** (-(at - t) / half_life)
        if mutual or s == a:
            vab += term
        if mutual or s == b:
            vba += term
    return vab, vba


def strength(vab: float, vba: float, rho: float) -> float:
    return (1 - rho) * (vab + vba) + rho * 2 * min(vab, vba)


def reciprocity(vab: float, vba: float) -> float:
    return 2 * min(vab, vba) / (vab + vba) if vab + vba > 0 else 0.0


def close(x: float, ref: float, rel: float = 1e-9) -> bool:
    return math.isclose(x, ref, rel_tol=rel, abs_tol=1e-300)
