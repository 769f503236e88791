"""Result classes and frame columns built from the C++ description of each result type
(``relscore/describe.hpp``, exported as ``_core.result_fields()``).

Design notes
- Each described result type has one list of fields (name, kind, doc) in C++. The core
  hands results over as tuples in that order (persons by name, times and durations as
  int64 microseconds); :class:`Record` subclasses become frozen dataclasses whose fields
  are that list, and :func:`frame_columns` builds DataFrame columns from it. A field added
  in C++ appears here as an attribute and a column with no edit.
- A subclass may annotate its fields for type checkers (in description order; the
  field-order test checks them); fields it does not annotate still exist at run time.
- Conversion is by kind: ``name`` a person (through the scorer's id conversion), ``time``
  a UTC Timestamp (None if absent), ``duration`` a Timedelta, ``count`` int, ``real``
  float, ``flag`` bool, ``label`` str, ``channel`` str (the channel's name), ``side`` a
  person (the core sends the name of the pair's person it names). Columns: person columns,
  ``datetime64[us, UTC]``, ``timedelta64[us]``, int64, float64, bool, categorical, str.
  An absent value (a mutual receipt's source) is None.
- A field the class docstring's Attributes section does not list is appended to it with
  its C++ doc, so help() documents every field.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Dict, List, Optional, Tuple

import numpy as np
import pandas as pd

from . import _core

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:
    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        return lambda cls: cls

# result type -> ((field, kind, doc), ...), as the C++ description gives them.
FIELDS: Dict[str, Tuple[Tuple[str, str, str], ...]] = {
    str(name): tuple((str(f), str(k), str(d)) for f, k, d in fields) for name, fields in _core.result_fields().items()
}

# The Python type of each kind (annotations of fields a class does not annotate itself).
_KIND_TYPES = {
    "name": "Any",
    "time": "Optional[pd.Timestamp]",
    "duration": "Optional[pd.Timedelta]",
    "count": "int",
    "real": "float",
    "flag": "bool",
    "label": "str",
    "channel": "str",
    "side": "Any",
}

_NAT = np.iinfo(np.int64).min


def field_names(result: str) -> List[str]:
    """The fields of a result type, in description order."""
    return [name for name, _, _ in FIELDS[result]]


def raw_records(result: str, rows: List[Tuple[Any, ...]]) -> List[Dict[str, Any]]:
    """The core's tuples of `result` as dicts by field name, values as the core gives them
    (times as int64 microseconds)."""
    names = field_names(result)
    return [dict(zip(names, row)) for row in rows]


_UTC = pd.Timestamp(0, tz="UTC").tz  # the tz object "UTC" names: passing it skips the lookup


def _same(x: Any) -> Any:
    return x


# The conversion of each kind but the person kinds (see the module notes), as one
# function a field calls.
_VALUE_CONVERTERS: Dict[str, Callable[[Any], Any]] = {
    "time": lambda raw: None if raw is None else pd.Timestamp(int(raw), unit="us", tz=_UTC),
    "duration": lambda raw: None if raw is None else pd.Timedelta(int(raw), unit="us"),
    "count": lambda raw: None if raw is None else int(raw),
    "flag": lambda raw: None if raw is None else bool(raw),
    "label": lambda raw: None if raw is None else str(raw),
    "channel": lambda raw: None if raw is None else str(raw),
    "real": lambda raw: None if raw is None else float(raw),
}


def column(kind: str, values: Any, person: Callable[[Any], Any]) -> Any:
    """A frame column of one field from core values (int64 microseconds for times and
    durations, None or NaT-valued when absent); `person` builds person columns."""
    if kind in ("name", "side"):
        return person(values)
    if kind == "channel":
        return pd.Series([str(v) for v in values], dtype=object)
    if kind in ("time", "duration"):
        array = np.asarray(values)
        if array.dtype.kind not in "Mm":
            if array.dtype == object:
                array = np.array([_NAT if v is None else int(v) for v in array], dtype=np.int64)
            array = array.astype(np.int64, copy=False).view("datetime64[us]" if kind == "time" else "timedelta64[us]")
        # Views where the unit is already microseconds (the core's): the localized times are the one copy.
        if kind == "time":
            return pd.Series(pd.DatetimeIndex(array.astype("datetime64[us]", copy=False), copy=False).tz_localize("UTC"))
        return pd.Series(array.astype("timedelta64[us]", copy=False), copy=False)
    if kind == "count":
        return np.asarray(values, dtype=np.int64)
    if kind == "flag":
        return np.asarray(values, dtype=bool)
    if kind == "label":
        return pd.Categorical([str(v) for v in values])
    return np.asarray(values, dtype=np.float64)


def frame_columns(result: str, columns: Dict[str, Any], person: Callable[[Any], Any]) -> Dict[str, Any]:
    """Every described field of `result` as a column, in description order, from core
    columns keyed by field name."""
    return {name: column(kind, columns[name], person) for name, kind, _ in FIELDS[result]}


def records_frame(result: str, rows: List[Tuple[Any, ...]], person: Callable[[Any], Any]) -> pd.DataFrame:
    """A DataFrame of `result` from the core's tuples (description order), one row per
    tuple, every described field a column; `person` builds person columns from a list."""
    described = FIELDS[result]
    columns = {name: [row[i] for row in rows] for i, (name, _, _) in enumerate(described)}
    return pd.DataFrame(frame_columns(result, columns, person))


@dataclass_transform(frozen_default=True)
class Record:
    """Base of the result classes built from a C++ description: ``class X(Record,
    result="relationship")`` makes X a frozen dataclass of that result's fields."""

    _result: ClassVar[str] = ""
    # The fields the class annotates itself (for type checkers), in its order.
    _declared: ClassVar[Tuple[str, ...]] = ()
    # Per field, a conversion of the core's raw value other than by its kind.
    _converters: ClassVar[Dict[str, Callable[[Any], Any]]] = {}
    # Per field, the conversion _from_values() applies (None: a person), made on first use.
    _value_converters: ClassVar[Optional[Tuple[Optional[Callable[[Any], Any]], ...]]] = None
    # The fields in description order (the dataclass's own order).
    _field_names: ClassVar[Tuple[str, ...]] = ()

    def __init_subclass__(cls, result: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not result:
            return
        described = FIELDS[result]
        declared = dict(cls.__dict__.get("__annotations__", {}))
        unknown = set(declared) - {name for name, _, _ in described}
        if unknown:
            raise TypeError(f"{cls.__name__}: fields {sorted(unknown)} are not in the C++ description of {result}")
        cls.__annotations__ = {name: declared.get(name, _KIND_TYPES[kind]) for name, kind, _ in described}
        doc = cls.__doc__ or ""
        listed = {part for line in doc.splitlines() for part in line.strip().rstrip(":").split(", ")}
        missing = [(name, text) for name, _, text in described if name not in listed]
        if missing:
            cls.__doc__ = doc.rstrip() + "\n" + "".join(f"    {name}:\n        {text}.\n" for name, text in missing)
        cls._result = result
        cls._declared = tuple(declared)
        cls._field_names = tuple(name for name, _, _ in described)
        dataclasses.dataclass(frozen=True)(cls)
        if "__post_init__" in dir(cls):
            raise TypeError(f"{cls.__name__}: _from_values() does not call __post_init__")

    @classmethod
    def _from_values(cls, raw: Any, person: Optional[Callable[[Any], Any]] = None) -> Any:
        """An instance from the core's tuple (description order)."""
        converters = cls.__dict__.get("_value_converters")
        if converters is None:
            converters = cls._value_converters = tuple(
                cls._converters.get(name) or _VALUE_CONVERTERS.get(kind) for name, kind, _ in FIELDS[cls._result])
        to_person = person or _same
        # A per-field converter list, made once per class: queries that return one record
        # (between, top) are dominated by this conversion, not by the core. The fields go
        # straight into the instance's __dict__, as the frozen dataclass's __init__ would
        # put them (it sets them one object.__setattr__ call at a time; no class defines
        # __post_init__).
        record = object.__new__(cls)
        record.__dict__.update(zip(cls._field_names, [to_person(x) if convert is None else convert(x)
                                                      for convert, x in zip(converters, raw)]))
        return record

    @classmethod
    def _from_row(cls, row: Dict[str, Any], person: Callable[[Any], Any]) -> Any:
        """An instance from a frame row (values already converted, persons as shown)."""
        out = []
        for name, kind, _ in FIELDS[cls._result]:
            x = row[name]
            if kind in ("name", "side"):
                x = person(x)
            elif kind in ("time", "duration"):
                x = None if pd.isna(x) else x
            elif kind == "count":
                x = int(x)
            elif kind == "real":
                x = float(x)
            elif kind == "flag":
                x = bool(x)
            elif kind in ("label", "channel"):
                x = str(x)
            out.append(x)
        return cls(*out)
