"""The relationship columns and frames the Scorer's queries share: every DataFrame of
relationships names and types its columns alike."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

import numpy as np
import pandas as pd

from ._convert import query_name
from ._describe import FIELDS, field_names, frame_columns

# The fields of a relationship, in description order.
RELATIONSHIP_COLUMNS = field_names("relationship")


# Every DataFrame of relationships (to_pandas, top_frame, due, insight_frame) names and
# types its shared columns alike (tests/python/test_frames.py lists them): person columns
# a and b are int64 for a scorer of integer ids and categoricals of strings otherwise;
# times are datetime64[us, UTC] (microseconds, the core's unit, span years 1400..9999,
# which nanoseconds cannot); durations timedelta64[us]; counts int64; numbers float64.
TIME_DTYPE = "datetime64[us, UTC]"


def utc_times(us: Any) -> pd.Series:
    """int64 microseconds (or datetime64) as a datetime64[us, UTC] Series (one copy: the
    localized times; the microseconds are viewed, not copied, on the way)."""
    array = np.asarray(us)
    if array.dtype.kind != "M":
        array = array.astype(np.int64, copy=False).view("datetime64[us]")
    return pd.Series(pd.DatetimeIndex(array.astype("datetime64[us]", copy=False), copy=False).tz_localize("UTC"))


def person_column(codes_or_names: Any, people: List[Any], kind: Optional[str], *, codes: bool) -> Any:
    """A column of people: int64 for integer ids, else a categorical of the names."""
    if kind == "int":
        if codes:
            return np.asarray(people, dtype=np.int64)[np.asarray(codes_or_names, dtype=np.int64)]
        return np.asarray([int(x) for x in codes_or_names], dtype=np.int64)
    if codes:
        return pd.Categorical.from_codes(np.asarray(codes_or_names, dtype=np.int64), categories=pd.Index(people))
    values = [str(x) for x in codes_or_names]
    return pd.Categorical(values, categories=pd.Index(sorted(set(values))))


def name_list(values: Any, what: str) -> List[str]:
    """Person ids as a list of the core's names (integers by their decimal digits); ids
    neither strings nor integers raise ValueError naming `what` and the position."""
    if isinstance(values, (list, tuple)):  # as given: numpy would make ["a", nan] the strings ["a", "nan"]
        items = list(values)
    else:
        array = np.asarray(values.to_numpy() if isinstance(values, (pd.Series, pd.Index)) else values)
        if array.ndim != 1:
            raise ValueError(f"relscore.Scorer.between_many(): {what} must be one-dimensional")
        if array.dtype.kind in "iu":
            return array.astype(str).tolist()
        items = array.tolist()
    if all(type(v) is str for v in items):  # the usual case: names already
        return items
    return [query_name(v, f"relscore.Scorer.between_many(): {what}[{i}]") for i, v in enumerate(items)]


def relationship_frame(t: Dict[str, np.ndarray], people: List[str], sort: bool,
                        kind: Optional[str] = None, *, strings: bool = False,
                        extra: Optional[Dict[str, Any]] = None) -> pd.DataFrame:
    """The to_pandas() frame of table() columns `t` (a and b index `people`, the core's
    names; times int64 microseconds or datetime64): every described field of a
    relationship, in description order, then the columns ``extra``. ``strings``: string
    ids as a column of strings (each row's name taken from one array of the names) rather
    than a Categorical. The columns are this call's own arrays (the core's, or made from
    them), so the frame takes them as they are: not copied into consolidated blocks."""
    if strings and kind != "int":
        names = pd.array(people, dtype="str")
        person: Callable[[Any], Any] = lambda v: names.take(np.asarray(v, dtype=np.int64))  # noqa: E731
    else:
        person = lambda v: person_column(v, people, kind, codes=True)  # noqa: E731
    columns = frame_columns("relationship", t, person)
    if extra:
        columns.update(extra)
    frame = pd.DataFrame(columns, copy=False)
    if sort:
        frame = frame.sort_values("strength", ascending=False, kind="stable").reset_index(drop=True)
    return frame


def numpy_times(t: Dict[str, Any]) -> Dict[str, Any]:
    """Core table columns with the time fields as datetime64[us] and durations as
    timedelta64[us] (views of the int64 microseconds)."""
    for name, kind, _ in FIELDS["relationship"]:
        if kind in ("time", "duration"):
            t[name] = np.asarray(t[name]).view("datetime64[us]" if kind == "time" else "timedelta64[us]")
    return t
