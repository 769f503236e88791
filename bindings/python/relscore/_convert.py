"""Conversions from what analysts hold (datetime, numpy, pandas, strings) to what the
C++ core takes (int64 microseconds, int64 codes, float64 weights)."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

from . import _core

TimeLike = Union[_dt.datetime, _dt.date, np.datetime64, pd.Timestamp, str, int, float]
DurationLike = Union[_dt.timedelta, np.timedelta64, pd.Timedelta, str, int, float]

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_NAT = np.iinfo(np.int64).min


def to_micros(value: TimeLike, name: str = "time") -> int:
    """One point in time as int64 microseconds since the epoch (UTC).

    Naive datetimes are taken as UTC; numbers are UNIX seconds; strings are ISO 8601 or
    UNIX seconds, parsed by the C++ core (the same parser as the CLI). A time outside
    years 1400..9999, NaT or NaN raises ValueError naming `name`."""
    if value is None or value is pd.NaT:
        raise ValueError(f"{name} is {value!r}: expected a time")
    us = _micros(value)
    if not _MIN_US <= us <= _MAX_US:
        raise ValueError(f"{name} {_shown(value)} is outside years 1400..9999")
    return us


def _shown(value: Any) -> str:
    """repr(value); a Timestamp past Python's years 1..9999 has none, so its datetime64's."""
    try:
        return repr(value)
    except (ValueError, NotImplementedError):
        return repr(value.to_datetime64()) if isinstance(value, pd.Timestamp) else object.__repr__(value)


def _micros(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError("a time cannot be a bool")
    if value is pd.NaT:  # NaT is no Timestamp but passes as a datetime, giving NaN below
        raise ValueError("time is NaT")
    if isinstance(value, pd.Timestamp):  # UTC, aware or not
        try:
            return int(value.value // 1000)
        except OverflowError:  # .value is nanoseconds: outside 1677..2262, convert at the Timestamp's own unit
            return _datetime64_micros(value.to_datetime64())
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.timezone.utc)
        delta = value - _EPOCH
        return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    if isinstance(value, _dt.date):
        return to_micros(_dt.datetime(value.year, value.month, value.day))
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            raise ValueError("time is NaT")
        return _datetime64_micros(value)
    if isinstance(value, str):
        return int(_core.parse_time(value))
    if isinstance(value, (int, np.integer)):
        return int(value) * 1_000_000
    if isinstance(value, (float, np.floating)):
        if not np.isfinite(value):
            raise ValueError(f"time must be finite, got {value}")
        return int(round(float(value) * 1_000_000))
    raise TypeError(f"cannot use {type(value).__name__} as a time")


def _datetime64_micros(value: np.datetime64) -> int:
    """A datetime64 scalar of any unit in microseconds. One outside the core's range gives
    a value just outside it (to_micros names the argument): numpy's conversion to
    microseconds would wrap around int64 silently (2**62 days landed in 1970)."""
    dtype = value.dtype
    if np.datetime_data(dtype)[0] not in ("ns", "ps", "fs", "as"):  # finer units cannot leave the range
        if value < np.datetime64(_MIN_US, "us").astype(dtype):
            return _MIN_US - 1
        if value > np.datetime64(_MAX_US, "us").astype(dtype):
            return _MAX_US + 1
    return int(value.astype("datetime64[us]").astype(np.int64))


def optional_micros(value: Optional[TimeLike], name: str = "at") -> Optional[int]:
    return None if value is None else to_micros(value, name)


def person_name(value: Any, what: str) -> str:
    """A person id as the core's name: a string, or an integer written in decimal. None,
    NaN, NaT, floats, bools and other objects raise ValueError naming `what` (str() of
    them would silently create people named "None" or "nan")."""
    if isinstance(value, str):
        if not value:
            raise ValueError(f"{what} is an empty string")
        return check_text(value, what)
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return str(int(value))
    raise ValueError(f"{what} must be a string or an integer id, got {value!r} ({type(value).__name__})")


def query_name(value: Any, what: str) -> str:
    """A person id in a query as the core's name: a string as it is, an integer by its
    decimal digits. None, NaN, NaT, floats, bools and other objects raise ValueError naming
    `what` (str() of them would find people named "None" or "nan")."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return str(int(value))
    raise ValueError(f"{what} must be a string or an integer id, got {value!r} ({type(value).__name__})")


def mutual_value(value: Any) -> bool:
    """One mutual flag: True/False or 1/0 (numpy's too); anything else raises ValueError."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)) and int(value) in (0, 1):
        return bool(value)
    raise ValueError(f"mutual must be True/False or 1/0, got {value!r}")


def weight_value(value: Any, name: str = "weight") -> Optional[float]:
    """One weight as a float (None: the channel's weight); the core checks its range."""
    if value is None:
        return None
    return real_number(value, name)


def flag(value: Any, name: str) -> bool:
    """A yes/no argument: True or False (numpy's too). Anything else raises TypeError: a
    string such as "false" is true to bool()."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r} ({type(value).__name__})")
    return bool(value)


def text_value(value: Any, name: str) -> str:
    """A name argument (a channel, ...): a str that encodes as UTF-8; else TypeError or
    ValueError naming ``name``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {value!r} ({type(value).__name__})")
    return check_text(value, name)


def real_number(value: Any, name: str, *, least: float = -np.inf, most: float = np.inf) -> float:
    """A real-valued argument (a weight, ``reciprocity``, ``l2``, ...) as a float in
    [least, most]: the one check for them. A bool, complex, str or other type raises
    TypeError, an int past a float's range OverflowError, NaN or a number outside the
    range ValueError; each names ``name``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    try:
        number = float(value)
    except OverflowError:
        raise OverflowError(f"{name} is too large for a float (an integer of {len(str(abs(int(value))))} digits)") \
            from None
    if not least <= number <= most:  # NaN fails both
        raise ValueError(f"{name} must be a number in [{least:g}, {most:g}], got {number}")
    return number


# The range of an int64: what the core takes for a duration (microseconds) or a count.
INT64_MAX = int(np.iinfo(np.int64).max)
UINT32_MAX = int(np.iinfo(np.uint32).max)


def whole_number(value: Any, name: str, *, least: int = 0, most: int = INT64_MAX) -> int:
    """A count argument (``k``, ``receipts``, ``threads``, ...) as an int in [least, most].

    The one check for every integer argument the core takes: without it pybind11 refuses
    a negative or too large number with a TypeError that names neither the argument nor
    the range. A bool, a float or any other type raises ValueError, a number below
    ``least`` ValueError, one above ``most`` OverflowError; each names ``name`` and the
    allowed range."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a whole number in {least}..{most}, got {value!r} ({type(value).__name__})")
    number = int(value)
    if number < least:
        raise ValueError(f"{name} must be a whole number in {least}..{most}, got {number}")
    if number > most:
        raise OverflowError(f"{name} must be a whole number in {least}..{most}, got {number}")
    return number


def to_duration_micros(value: DurationLike, name: Optional[str] = None) -> int:
    """A span of time as int64 microseconds: timedelta, numpy/pandas timedelta, a string
    like "90d" or "12h", or a number of seconds. NaN or infinite seconds raise ValueError,
    a span beyond int64 microseconds (about 292,000 years either way) OverflowError; with
    ``name`` (the argument), the message starts with it."""
    try:
        us = _duration_micros(value)
    except (ValueError, TypeError) as e:
        if name is None:
            raise
        raise type(e)(f"{name}: {e}") from None
    if not -INT64_MAX <= us <= INT64_MAX:
        name = "duration" if name is None else name
        raise OverflowError(f"{name} {_shown(value)} is {us:.3g} microseconds, outside int64 microseconds "
                            f"(at most {INT64_MAX} us, about 292,000 years, either way)")
    return us


def _duration_micros(value: DurationLike) -> int:
    if isinstance(value, bool):
        raise TypeError("a duration cannot be a bool")
    if isinstance(value, pd.Timedelta):  # at its own unit: .value (nanoseconds) overflows beyond 292 years
        value = value.to_timedelta64()
    if isinstance(value, _dt.timedelta):
        return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    if isinstance(value, np.timedelta64):
        if np.isnat(value):
            raise ValueError("duration is NaT")
        if np.datetime_data(value.dtype)[0] in ("W", "D", "h", "m", "s", "ms") and \
                abs(value) > np.timedelta64(np.iinfo(np.int64).max, "us").astype(value.dtype):
            raise ValueError(f"duration {value!r} does not fit in int64 microseconds")
        return int(value.astype("timedelta64[us]").astype(np.int64))
    if isinstance(value, str):
        return int(_core.parse_duration(value))
    if isinstance(value, (int, np.integer)):
        return int(value) * 1_000_000
    if isinstance(value, (float, np.floating)):
        if not np.isfinite(value):
            raise ValueError(f"duration must be finite, got {value}")
        return int(round(float(value) * 1_000_000))
    raise TypeError(f"cannot use {type(value).__name__} as a duration")


def from_micros(us: Optional[int]) -> Optional[pd.Timestamp]:
    return None if us is None else pd.Timestamp(us, unit="us", tz="UTC")


# The range of times the C++ core accepts (scorer::min_time_us, scorer::max_time_us): years
# 1400..9999. Checked here before unit conversions, which would otherwise overflow int64
# silently (numpy wraps) and could land a wrong time inside the range.
_MIN_US = -17987443200 * 1_000_000
_MAX_US = 253402300799999999


_UNIT_HINT = ("; numbers are UNIX seconds unless told otherwise: pass unit='ms' (or 'us', 'ns') for finer UNIX "
              "times, origin= and unit= for times relative to a start")


def _range_error(name: str, bad: np.ndarray, values: np.ndarray, hint: str = "") -> ValueError:
    row = int(np.argmax(bad))
    return ValueError(f"{name} at row {row} is outside years 1400..9999 (got {values[row]!r}){hint}")


def check_text(value: str, what: str) -> str:
    """`value`, if it can be encoded as UTF-8 (no lone surrogates); else ValueError."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise ValueError(f"{what} {value!r} is not valid Unicode ({e.reason})") from None
    return value


# Units of numeric times (as pandas.to_datetime's unit=), in microseconds.
_UNITS = {"D": 86_400_000_000, "h": 3_600_000_000, "m": 60_000_000, "s": 1_000_000, "ms": 1_000, "us": 1, "ns": 0.001}


def numeric_time_column(values: Any, name: str, origin: Any, unit: Optional[str]) -> np.ndarray:
    """Numeric times counted in ``unit`` from ``origin`` as int64 microseconds (UTC).

    ``origin`` is "unix" (1970-01-01, the default) or any time :func:`to_micros` takes;
    ``unit`` one of D, h, m, s (the default), ms, us, ns, as in ``pandas.to_datetime``.
    Non-numeric columns with an ``origin`` or ``unit`` raise: a datetime needs neither."""
    unit = "s" if unit is None else unit
    if unit not in _UNITS:
        raise ValueError(f"{name}: unit must be one of {', '.join(_UNITS)}, got {unit!r}")
    array = values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)
    if array.dtype.kind not in "iuf":
        raise ValueError(f"{name}: origin= and unit= are for numeric times, got an array of dtype {array.dtype}")
    base = 0 if origin is None or (isinstance(origin, str) and origin == "unix") else to_micros(origin, "origin")
    scale = _UNITS[unit]
    if array.dtype.kind in "iu" and scale >= 1 and base == 0 and unit == "s":
        return time_column(array, name)
    floats = array.astype(np.float64)
    bad = ~np.isfinite(floats)
    if bad.any():
        raise ValueError(f"{name} has a NaN or infinite value at row {int(np.argmax(bad))}")
    if array.dtype.kind in "iu" and scale >= 1:  # exact in int64 while inside the range checked below
        limit = (_MAX_US - _MIN_US) // int(scale) + 1
        if (np.abs(floats) > limit).any():
            raise _range_error(name, np.abs(floats) > limit, array)
        micros = base + array.astype(np.int64) * int(scale)
    else:
        micros_f = base + np.rint(floats * scale)
        bad = (micros_f < _MIN_US) | (micros_f > _MAX_US)
        if bad.any():
            raise _range_error(name, bad, array)
        micros = micros_f.astype(np.int64)
    bad = (micros < _MIN_US) | (micros > _MAX_US)
    if bad.any():
        raise _range_error(name, bad, array)
    return np.ascontiguousarray(micros)


def time_column(values: Any, name: str = "time", *, origin: Any = None, unit: Optional[str] = None) -> np.ndarray:
    """A column of times as a C-contiguous int64 array of microseconds.

    datetime64 of any unit (zero-copy when already microseconds), timezone-aware pandas
    columns, int64 or float UNIX seconds (or numbers of ``unit`` since ``origin``, see
    :func:`numeric_time_column`), and strings (parsed by the C++ core, as :func:`to_micros`
    and the CLI read them)."""
    if origin is not None or unit is not None:
        return numeric_time_column(values, name, origin, unit)
    if isinstance(values, pd.Series):
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            values = values.dt.tz_convert("UTC").dt.tz_localize(None)
        values = values.to_numpy()
    elif isinstance(values, pd.DatetimeIndex):
        values = (values.tz_convert("UTC").tz_localize(None) if values.tz is not None else values).to_numpy()
    array = np.asarray(values)
    kind = array.dtype.kind
    if kind == "M":
        # Checked by the least and greatest time first (NaT is both): no array of flags the
        # length of the column, only when one is wrong, to name its row.
        dtype = array.dtype
        if array.size:
            least, greatest = array.min(), array.max()
            outside = False
            if np.datetime_data(dtype)[0] not in ("ns", "ps", "fs", "as"):  # finer units cannot leave the range
                low, high = np.datetime64(_MIN_US, "us").astype(dtype), np.datetime64(_MAX_US, "us").astype(dtype)
                outside = bool(least < low or greatest > high)
            if np.isnat(least) or outside:
                nat = np.isnat(array)
                if nat.any():
                    raise ValueError(f"{name} has NaT at row {int(np.argmax(nat))}")
                raise _range_error(name, (array < low) | (array > high), array)
        micros = array.astype("datetime64[us]", copy=False).view(np.int64)
        return np.ascontiguousarray(micros)
    if kind in "iu":
        lo, hi = -(-_MIN_US // 1_000_000), _MAX_US // 1_000_000
        if array.size and (array.min() < lo or array.max() > hi):
            raise _range_error(name, (array < lo) | (array > hi), array, _UNIT_HINT)
        return np.ascontiguousarray(array.astype(np.int64, copy=False) * 1_000_000)
    if kind == "f":
        bad = ~np.isfinite(array)
        if bad.any():
            raise ValueError(f"{name} has a NaN or infinite value at row {int(np.argmax(bad))}")
        micros = np.rint(array * 1e6)
        bad = (micros < _MIN_US) | (micros > _MAX_US)
        if bad.any():
            raise _range_error(name, bad, array, _UNIT_HINT)
        return np.ascontiguousarray(micros.astype(np.int64))
    if kind == "S":
        array = array.astype(str)
        kind = "U"
    if kind == "U" or (kind == "O" and pd.api.types.infer_dtype(array, skipna=False) == "string"):
        return _text_times(array.tolist(), name)
    if kind == "O" and any(isinstance(v, str) for v in array):  # texts among datetimes or missing values
        return _mixed_times(array, name)
    if kind == "O":
        try:
            parsed = pd.to_datetime(pd.Series(array), utc=True, format="ISO8601")
        except (ValueError, TypeError, OverflowError) as e:  # pandas' message names no row
            raise _unreadable_time(array, name, e) from e
        return time_column(parsed, name)
    raise TypeError(f"{name}: cannot use an array of dtype {array.dtype} as times")


def _text_times(values: list, name: str) -> np.ndarray:
    """Time texts parsed by the C++ core, as add() and the CLI read them (pandas would read
    "20260101" as a date, the core reads UNIX seconds); errors name the row and the text."""
    micros = _core.parse_times(values, name)
    bad = (micros < _MIN_US) | (micros > _MAX_US)
    if bad.any():
        raise _range_error(name, bad, np.asarray(values, dtype=object))
    return micros


def _mixed_times(values: np.ndarray, name: str) -> np.ndarray:
    """An object column of texts among other times: each as to_micros reads it (texts by
    the core's parser), row by row; a missing or unreadable one raises naming its row."""
    out = np.empty(len(values), dtype=np.int64)
    for row, v in enumerate(values):
        try:
            out[row] = to_micros(v, f"{name} at row {row}")
        except (TypeError, ValueError, OverflowError) as e:
            message = str(e)
            raise ValueError(message if message.startswith(name) else f"{name} at row {row}: {message}") from None
    return out


def _unreadable_time(array: np.ndarray, name: str, error: Exception) -> ValueError:
    """The error for a column of texts pandas cannot read as times: its first bad row."""
    texts = pd.Series(array)
    unread = pd.to_datetime(texts, utc=True, format="ISO8601", errors="coerce").isna() & texts.notna()
    for row in np.flatnonzero(unread.to_numpy()):  # the first is usually it: each alone to be sure
        value = array[row]
        try:
            pd.to_datetime(pd.Series([value]), utc=True, format="ISO8601")
        except (ValueError, TypeError, OverflowError):
            return ValueError(f"{name} at row {row}: cannot read {value!r} as a time (expected ISO 8601, e.g. "
                              "2026-01-05 or 2026-01-05T09:30:00Z)")
    return ValueError(f"{name}: {error}")


def id_kind_of(value: Any) -> str:
    """"int" for an integer id, "str" for a string one (see :func:`person_name`)."""
    return "int" if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)) else "str"


def _inferred_type(values: Any) -> str:
    """pd.api.types.infer_dtype(values, skipna=True), at once from the dtype of integers or
    strings (for an object column it is a scan of every value: callers keep its answer)."""
    if values.dtype.kind in "iu":
        return "integer"
    if values.dtype.kind == "U" or isinstance(values.dtype, pd.StringDtype):
        return "string"
    return pd.api.types.infer_dtype(values, skipna=True)


_KIND_OF_INFERRED = {"integer": "int", "string": "str"}


def _column_kind(col: pd.Series, name: Optional[str] = None) -> Optional[str]:
    """"int", "str", or None for a column mixing both (an error for the caller). Ids of any
    other type (floats, bools, bytes, ...) raise ValueError naming column `name` and the
    first row holding one (str() of them would create people named "1.0" or "True");
    without `name` (a list of names, not a column), just the id."""
    categorical = isinstance(col.dtype, pd.CategoricalDtype)
    values = col.cat.categories if categorical else col
    inferred = _inferred_type(values)
    if categorical and inferred not in _KIND_OF_INFERRED:
        col = col.cat.remove_unused_categories()  # unused categories make no people, so no kind either
        values = col.cat.categories
        inferred = _inferred_type(values)
    if inferred in _KIND_OF_INFERRED:
        return _KIND_OF_INFERRED[inferred]
    if inferred == "empty":  # all missing, refused by the caller naming the row
        return "str"
    for k, v in enumerate(values):  # the first id neither a string nor an integer, if any
        if not (isinstance(v, str) or (isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)))
                or v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v)):
            break
    else:
        return None if inferred == "mixed-integer" else "str"  # strings and integers, or missing values
    if name is None:
        where = "person ids"
    elif categorical:
        used = col.cat.codes.to_numpy() == k
        where = f"{name} at row {int(np.argmax(used))}" if used.any() else f"{name}'s categories"
    else:
        where = f"{name} at row {k}"
    v = v.item() if isinstance(v, np.generic) else v  # 2.0, not np.float64(2.0)
    hint = ""
    if isinstance(v, float) and v.is_integer():
        hint = ("; a column of whole numbers is float when it held missing values (as after dropna()): convert it "
                "with .astype(\"int64\")")
    raise ValueError(f"{where}: person id {v!r} is a {type(v).__name__}, not a string or an integer{hint}")


def mixed_ids_error(what: str, have: str, got: str) -> ValueError:
    kinds = {"int": "integers", "str": "strings"}
    return ValueError(
        f"relscore.Scorer: {what}: person ids are {kinds[got]}, but this scorer's ids are {kinds[have]}; a scorer's "
        "ids are all integers or all strings (results give them back as given), so convert one side, "
        "e.g. with .astype(str)")


def _names(values: pd.Index) -> list:
    # Strings as they are: one conversion of the whole column (10x faster than str() of
    # each element of an Arrow-backed column); anything else named by str().
    if isinstance(values.dtype, pd.StringDtype):
        return values.tolist()
    return [str(v) for v in values.to_numpy(dtype=object)]


def id_columns(source: Any, target: Any) -> Tuple[np.ndarray, np.ndarray, list, str]:
    """Source and target ids as int64 codes into one shared list of names, and their kind.

    Categorical columns use their codes directly; plain integer columns are factorised
    in C++ (_core.factorize_int_ids, the same codes and names pandas gives); everything
    else by pandas (hash-based, no per-row Python). Integer ids are named by their
    decimal value and give kind "int", strings kind "str"; source and target together
    must be all one kind (ValueError otherwise)."""
    if _plain_int_ids(source) and _plain_int_ids(target) and len(source) == len(target) and len(source):
        src_codes, tgt_codes, names = _core.factorize_int_ids(np.asarray(source, dtype=np.int64),
                                                              np.asarray(target, dtype=np.int64))
        return src_codes, tgt_codes, names, "int"
    src, tgt = _as_id_series(source), _as_id_series(target)
    found = [_column_kind(col, name) for name, col in (("source", src), ("target", tgt)) if len(col)]
    if None in found or len(set(found)) > 1:
        raise ValueError("relscore.Scorer: source and target mix integer and string person ids; a scorer's ids are "
                         "all integers or all strings (results give them back as given), so convert one side, "
                         "e.g. with .astype(str)")
    kind = next((k for k in found if k is not None), "str")
    if len(src) != len(tgt):
        raise ValueError(f"length mismatch: source has {len(src)} rows, target has {len(tgt)}")
    for name, col in (("source", src), ("target", tgt)):
        if isinstance(col.dtype, pd.CategoricalDtype):  # the least code first: no array of flags unless one is -1
            codes = col.cat.codes.to_numpy()
            missing = (codes < 0) if len(codes) and codes.min() < 0 else None
        else:
            missing = col.isna().to_numpy()
        if missing is not None and missing.any():
            raise ValueError(f"{name} has a missing id at row {int(np.argmax(missing))}")
    if (
        isinstance(src.dtype, pd.CategoricalDtype)
        and isinstance(tgt.dtype, pd.CategoricalDtype)
        and src.cat.categories.equals(tgt.cat.categories)
    ):
        src_codes, tgt_codes, categories = _used_categories(src.cat.codes.to_numpy(), tgt.cat.codes.to_numpy(),
                                                            src.cat.categories)
        return np.ascontiguousarray(src_codes), np.ascontiguousarray(tgt_codes), _names(categories), kind
    both = pd.concat([src.astype(object), tgt.astype(object)] if src.dtype != tgt.dtype else [src, tgt],
                     ignore_index=True)
    codes, uniques = pd.factorize(both)
    codes = np.asarray(codes, dtype=np.int64)
    names = _names(pd.Index(uniques))
    if len(set(names)) != len(names):  # e.g. 7 and "7": one person, one code
        first: dict = {}
        remap = np.array([first.setdefault(name, len(first)) for name in names], dtype=np.int64)
        codes, names = remap[codes], list(first)
    n = len(src)
    _check_names(names, codes, n)
    return np.ascontiguousarray(codes[:n]), np.ascontiguousarray(codes[n:]), names, kind


def _used_categories(src: np.ndarray, tgt: np.ndarray, categories: pd.Index) -> Tuple[np.ndarray, np.ndarray, pd.Index]:
    """Codes (no -1) of a Categorical's source and target as int64 codes into the categories
    they use, and those categories: the core interns every name it is given as a person, so
    an unused category (a filtered frame keeps them all, as does a dask partition) would
    become a person with no relationships."""
    used = np.zeros(len(categories), dtype=bool)
    used[src] = True
    used[tgt] = True
    if used.all():
        return src.astype(np.int64), tgt.astype(np.int64), categories
    renumber = np.cumsum(used, dtype=np.int64) - 1
    return renumber[src], renumber[tgt], categories[used]


def _plain_int_ids(values: Any) -> bool:
    """A numpy or pandas column of plain integers that fit int64 (no nullable or
    categorical dtype): factorized in C++ (_core.factorize_int_ids), the same codes and
    names pandas gives."""
    if not isinstance(values, (np.ndarray, pd.Series)) or values.ndim != 1:
        return False
    dtype = values.dtype
    if not isinstance(dtype, np.dtype) or dtype.kind not in "iu":
        return False
    return dtype.kind == "i" or len(values) == 0 or int(values.max()) <= np.iinfo(np.int64).max


def _first_not_utf8(names: list) -> Optional[Tuple[int, str]]:
    """The first name that does not encode as UTF-8 (Python strings may hold lone
    surrogates), as its index and the reason; None if all do. One C-level encode in the
    usual case."""
    try:
        "\n".join(names).encode("utf-8")
        return None
    except UnicodeEncodeError:
        pass
    for k, name in enumerate(names):
        try:
            name.encode("utf-8")
        except UnicodeEncodeError as e:
            return k, e.reason
    return None


def _check_names(names: list, codes: np.ndarray, n: int) -> None:
    """Names must encode as UTF-8; the error names the first row that uses a bad one."""
    bad = _first_not_utf8(names)
    if bad is not None:
        k, reason = bad
        row = int(np.argmax(codes == k))
        column = "source" if row < n else "target"
        raise ValueError(f"{column} at row {row % n}: person id {names[k]!r} is not valid Unicode ({reason})")


def channel_column(values: Any, n: int) -> Tuple[Optional[np.ndarray], list]:
    """Channels as int64 codes into a list of channel names (None: one for all)."""
    col = _as_id_series(values)  # a name with a lone surrogate reaches _channel_names, which names its row
    if len(col) != n:
        raise ValueError(f"length mismatch: time has {n} rows, channel has {len(col)}")
    if isinstance(col.dtype, pd.CategoricalDtype):  # fast path: the codes as they are
        codes = col.cat.codes.to_numpy()
        if len(codes) and codes.min() < 0:
            raise ValueError(f"channel has a missing value at row {int(np.argmax(codes < 0))}")
        return np.ascontiguousarray(codes, dtype=np.int64), _channel_names([str(c) for c in col.cat.categories], codes)
    if col.isna().any():
        raise ValueError(f"channel has a missing value at row {int(np.argmax(col.isna().to_numpy()))}")
    codes, uniques = pd.factorize(col)
    return (np.ascontiguousarray(np.asarray(codes, dtype=np.int64)),
            _channel_names([str(u) for u in np.asarray(uniques, dtype=object)], codes))


def _channel_names(names: list, codes: np.ndarray) -> list:
    """`names`, if each encodes as UTF-8; else ValueError naming the first row of a bad one
    (the core's conversion raised UnicodeEncodeError, no row)."""
    bad = _first_not_utf8(names)
    if bad is None:
        return names
    k, reason = bad
    used = np.asarray(codes) == k
    where = f"channel at row {int(np.argmax(used))}" if used.any() else "channel categories"
    raise ValueError(f"{where}: {names[k]!r} is not valid Unicode ({reason})")
    return names


def weight_column(values: Any, n: int, defaults: Optional[np.ndarray] = None,
                  channel: Optional[np.ndarray] = None, *, owned: bool = False) -> np.ndarray:
    """Weights as float64. Missing values (NaN) raise, unless `defaults` (each channel's
    weight: a table indexed by the int64 codes `channel`, or one weight for all) is given
    to fill them. Filled and checked in one pass in C++ (_core.fill_weights), in a copy
    of the column only when it has a NaN to fill (``owned``: `values` is this call's own
    float64 array, filled in place)."""
    if isinstance(values, pd.Series):
        numeric = values.dtype.kind in "iuf" and not isinstance(values.dtype, pd.BooleanDtype)
        values = values.to_numpy(dtype=np.float64, na_value=np.nan) if numeric else values.to_numpy()
    array = np.asarray(values)
    if array.dtype.kind not in "iuf":
        array = _real_column(array, "weight")
    array = np.ascontiguousarray(array, dtype=np.float64)
    if array.shape != (n,):
        raise ValueError(f"length mismatch: time has {n} rows, weight has {array.size}")
    table = None
    if defaults is not None and n and np.isnan(array.min()):  # NaN is the least: a weight to fill
        table = np.ascontiguousarray(defaults, dtype=np.float64)
        if not (owned and array is values and array.flags.writeable):
            array = array.copy()
    row = _core.fill_weights(array, None if table is None or len(table) == 1 else channel, table)
    if row >= 0:
        hint = " (pass missing_weight='default' to use the channel's weight)" if np.isnan(array[row]) else ""
        raise ValueError(f"weight must be finite, >= 0 and <= {_core.max_weight:g} (relscore.MAX_WEIGHT), "
                         f"got {array[row]} at row {row}{hint}")
    return array


def _real_column(array: np.ndarray, name: str) -> np.ndarray:
    """A non-numeric column of numbers as float64 (None and NaN stay missing): objects
    each as real_number takes them, naming the row; bools, complex numbers, texts and
    times raise TypeError (float() would take True as 1 and drop an imaginary part)."""
    if array.dtype.kind != "O":
        raise TypeError(f"{name} must be real numbers, got an array of dtype {array.dtype}")
    out = np.empty(array.shape, dtype=np.float64)
    for row, v in enumerate(array.reshape(-1)):
        out.reshape(-1)[row] = np.nan if _missing(v) else real_number(v, f"{name} at row {row}")
    return out


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


_TRUE = {"1", "true", "t", "yes", "y"}
_FALSE = {"", "0", "false", "f", "no", "n", "nan", "none"}


def mutual_column(values: Any, n: int) -> np.ndarray:
    """Mutual flags as uint8: bools, integers, or (from CSV files) objects such as
    True/NaN or "true"/"false"/"1"/"0"/"yes"/"no" (missing means directed)."""
    array = np.asarray(values)
    if array.shape != (n,):
        raise ValueError(f"length mismatch: time has {n} rows, mutual has {array.size}")
    if array.dtype.kind in "iu":
        bad = (array != 0) & (array != 1)
        if bad.any():
            row = int(np.argmax(bad))
            raise ValueError(f"mutual must be 0 or 1, got {array[row]} at row {row}")
    if array.dtype.kind == "b":  # True and False are the bytes 1 and 0: read as they are
        return np.ascontiguousarray(array).view(np.uint8)
    if array.dtype.kind in "iu":
        return np.ascontiguousarray(array != 0, dtype=np.uint8)
    if array.dtype.kind == "f" and np.isin(array[~np.isnan(array)], (0.0, 1.0)).all():
        return np.ascontiguousarray(array == 1.0, dtype=np.uint8)
    if array.dtype.kind in "OUS":
        text = pd.Series(array, dtype=object).map(lambda v: "" if v is None or v is pd.NA else str(v).strip().lower())
        bad = ~text.isin(_TRUE | _FALSE).to_numpy()
        if bad.any():
            row = int(np.argmax(bad))
            raise ValueError(f"mutual: cannot read {str(array[row])!r} at row {row} as true/false")
        return np.ascontiguousarray(text.isin(_TRUE).to_numpy(), dtype=np.uint8)
    raise TypeError(f"mutual must be bool, integer or true/false text, got dtype {array.dtype}")


def _as_id_series(values: Any) -> pd.Series:
    """Like _as_series, but a name that is not valid Unicode (a lone surrogate) must reach
    the check that names its row: pandas' Arrow-backed strings (with pyarrow installed)
    refuse it while building the Series, so fall back to plain objects then."""
    try:
        return _as_series(values)
    except UnicodeEncodeError:
        return pd.Series(list(values), dtype=object)


def _as_series(values: Any) -> pd.Series:
    if isinstance(values, pd.Series):
        return values.reset_index(drop=True)
    if isinstance(values, pd.api.extensions.ExtensionArray):  # e.g. Int64 with NA: np.asarray would make floats
        return pd.Series(values)
    return pd.Series(np.asarray(values) if not isinstance(values, Sequence) or isinstance(values, str) else list(values))
