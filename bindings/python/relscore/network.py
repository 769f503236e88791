"""The strength graph, warm introductions and who should meet whom.

- :func:`strength_matrix`: every relationship at one time as a symmetric
  ``scipy.sparse.csr_matrix`` (rows and columns are people, in :attr:`Scorer.people` order).
- :func:`intro`: the chains of ties from ``a`` to ``z`` with the largest product of
  normalized strengths (each tie divided by the strongest tie in the network, so each
  factor is in (0, 1]), best first, with alternatives.
- :func:`suggest`: pairs with no tie ranked by ``Σ_z min(S_az, S_zb)`` over their common
  contacts ``z``.

>>> import relscore, relscore.network as net
>>> s = relscore.Scorer()
>>> s.add("2026-01-05", "ana", "ben", channel="call", mutual=True)
>>> s.add("2026-01-06", "ben", "cleo", channel="email", mutual=True)
>>> net.intro(s, "ana", "cleo")[["path", "hop", "from", "to"]].values.tolist()
[[1, 1, 'ana', 'ben'], [1, 2, 'ben', 'cleo']]
"""

from __future__ import annotations

from typing import Any, Iterable, List, Optional, Tuple

import numpy as np
import pandas as pd

from . import _convert, _core
from ._convert import TimeLike
from ._describe import field_names, frame_columns, records_frame
from ._scorer import Scorer

__all__ = ["intro", "strength_matrix", "suggest"]

_SUGGEST_COLUMNS = field_names("meeting_suggestion")


def _core_of(scorer: Scorer) -> _core.Scorer:
    if not isinstance(scorer, Scorer):
        raise TypeError(f"expected a relscore.Scorer, not {type(scorer).__name__}")
    return scorer._core


def strength_matrix(scorer: Scorer, at: Optional[TimeLike] = None) -> Tuple[Any, List[str]]:
    """The strength graph at ``at`` (default: the newest interaction) and the person names.

    Returns ``(matrix, people)``: ``matrix`` is an n × n symmetric
    ``scipy.sparse.csr_matrix`` of float64 with ``matrix[i, j]`` the strength between
    ``people[i]`` and ``people[j]``; pairs with strength 0 are not stored. Needs scipy.
    """
    import scipy.sparse  # only this function needs scipy

    core = _core_of(scorer)
    data, indices, indptr, n = _core.strength_matrix(scorer=core, at_us=_convert.optional_micros(at))
    matrix = scipy.sparse.csr_matrix((data, indices, indptr), shape=(n, n))
    names = core.people()[:n]  # people added since by another thread are not in the matrix
    return matrix, [scorer._person(p) for p in names]


def _people(ids: Any) -> Iterable[Any]:
    """One id (a str is one name, not its characters) or an iterable of them."""
    return [ids] if isinstance(ids, (str, int, np.integer)) else ids


def intro(
    scorer: Scorer,
    a: Any,
    z: Any,
    k: int = 3,
    *,
    avoid: Iterable[Any] = (),
    at: Optional[TimeLike] = None,
) -> pd.DataFrame:
    """The ``k`` best chains of introductions from ``a`` to ``z`` (the best and ``k − 1``
    alternatives), one row per hop.

    A chain is worth the product of its ties' strengths, each divided by the strongest tie
    in the network at ``at``; chains visit nobody twice and skip the people in ``avoid``
    (a list of ids, or one id).
    Columns: ``path`` (1 = best), ``hop`` (1 = from ``a``), ``from``, ``to``, ``strength``,
    ``normalized`` (strength / strongest tie) and ``product`` (the chain's worth, in
    (0, 1]). Empty if no chain links them. Raises KeyError for an unknown person and
    ValueError if ``a == z`` or an end is avoided."""
    paths = _convert.whole_number(k, "k", least=1)
    hops, _ = _core.introductions(
        scorer=_core_of(scorer),
        a=_convert.query_name(a, "a"),
        z=_convert.query_name(z, "z"),
        paths=paths,
        avoid=[_convert.query_name(p, "avoid") for p in _people(avoid)],
        at_us=_convert.optional_micros(at),
    )
    # Every described field of a hop (relscore/describe.hpp), in its order; people as given
    # to the scorer (object columns).
    return records_frame("intro_hop", hops, lambda names: pd.Series([scorer._person(x) for x in names], dtype=object))


def suggest(
    scorer: Scorer,
    person: Optional[Any] = None,
    k: int = 10,
    *,
    max_intermediary_degree: Optional[int] = None,
    at: Optional[TimeLike] = None,
) -> pd.DataFrame:
    """Who should meet whom: pairs with no tie, highest score first.

    The score of a pair (a, b) is ``Σ_z min(S_az, S_zb)`` over the people z tied to both:
    an introduction through z is only as good as z's weaker tie. With ``person``, only
    pairs (person, b); otherwise every pair (a before b in :attr:`Scorer.people` order).
    ``max_intermediary_degree`` ignores common contacts with more ties than that (hubs),
    which also bounds the work on big graphs. Columns: ``a``, ``b``, ``score``, ``common``
    (how many common contacts), ``via`` (the contact with the strongest two-sided link)
    and ``via_strength``."""
    top = _convert.whole_number(k, "k")
    cap = 0 if max_intermediary_degree is None else _convert.whole_number(
        max_intermediary_degree, "max_intermediary_degree (or None)", least=1)
    rows = _core.suggest_meetings(
        scorer=_core_of(scorer),
        person=None if person is None else _convert.query_name(person, "person"),
        top=top,
        max_intermediary_degree=cap,
        at_us=_convert.optional_micros(at),
    )
    # Every described field of a suggestion (relscore/describe.hpp), in its order; people
    # as given to the scorer (object columns).
    columns = dict(zip(_SUGGEST_COLUMNS, zip(*rows))) if rows else {c: () for c in _SUGGEST_COLUMNS}
    return pd.DataFrame(frame_columns("meeting_suggestion", columns,
                                      lambda names: pd.Series([scorer._person(x) for x in names], dtype=object)))
