"""The C API (librelscore_c) from Python through ctypes: the path any language with a C
FFI takes (Go's cgo, Rust, PHP FFI, Node, Java). Checked against the relscore package.

The library is found through $RELSCORE_C_LIBRARY, else in $RELSCORE_BUILD_DIR (default
build/), where `make test` builds it."""

import ctypes
import math
import os
import re
import shutil
import subprocess

import pytest

import relscore

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("RELSCORE_BUILD_DIR", os.path.join(ROOT, "build"))
LIBRARY = os.environ.get("RELSCORE_C_LIBRARY", os.path.join(BUILD, "librelscore_c.so"))
SAMPLE = os.path.join(ROOT, "examples", "data", "job_search.csv")

pytestmark = pytest.mark.skipif(not os.path.exists(LIBRARY), reason=f"C library not built at {LIBRARY} (run make build)")

OK, INVALID_ARGUMENT, UNKNOWN_PERSON, TIME_ORDER, CONFIG_MISMATCH, PARSE, IO = range(7)
AT_NEWEST = -(2**63)


class Interaction(ctypes.Structure):
    _fields_ = [("time_us", ctypes.c_int64), ("time_text", ctypes.c_char_p), ("source", ctypes.c_char_p),
                ("target", ctypes.c_char_p), ("channel", ctypes.c_char_p), ("weight", ctypes.c_double),
                ("has_weight", ctypes.c_int), ("mutual", ctypes.c_int)]


class Relationship(ctypes.Structure):
    _fields_ = [("a", ctypes.c_char_p), ("b", ctypes.c_char_p), ("a_id", ctypes.c_uint32), ("b_id", ctypes.c_uint32),
                ("strength", ctypes.c_double), ("volume_ab", ctypes.c_double), ("volume_ba", ctypes.c_double),
                ("reciprocity", ctypes.c_double), ("last_interaction_us", ctypes.c_int64),
                ("interactions", ctypes.c_uint64)]


class RelationshipInfo(ctypes.Structure):
    """relscore_relationship_info: struct_size, then relscore_relationship's members, then the rest."""
    _fields_ = [("struct_size", ctypes.c_size_t)] + Relationship._fields_ + [
        ("first_interaction_us", ctypes.c_int64), ("touches", ctypes.c_uint64)]


@pytest.fixture(scope="module")
def lib():
    lib = ctypes.CDLL(LIBRARY)
    p = ctypes.c_void_p
    signatures = {
        "relscore_version": ([], ctypes.c_char_p),
        "relscore_last_error": ([], ctypes.c_char_p),
        "relscore_parse_time": ([ctypes.c_char_p, ctypes.POINTER(ctypes.c_int64)], ctypes.c_int),
        "relscore_config_new": ([ctypes.POINTER(p)], ctypes.c_int),
        "relscore_config_free": ([p], None),
        "relscore_config_set_reciprocity": ([p, ctypes.c_double], ctypes.c_int),
        "relscore_config_define_channel": ([p, ctypes.c_char_p, ctypes.c_double, ctypes.c_int64], ctypes.c_int),
        "relscore_scorer_new": ([p, ctypes.POINTER(p)], ctypes.c_int),
        "relscore_scorer_free": ([p], None),
        "relscore_add": ([p, ctypes.POINTER(Interaction)], ctypes.c_int),
        "relscore_add_batch": ([p, ctypes.POINTER(Interaction), ctypes.c_size_t], ctypes.c_int),
        "relscore_people_count": ([p, ctypes.POINTER(ctypes.c_size_t)], ctypes.c_int),
        "relscore_between": ([p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int64, ctypes.POINTER(Relationship)],
                             ctypes.c_int),
        "relscore_top": ([p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int64, ctypes.POINTER(Relationship),
                          ctypes.POINTER(ctypes.c_size_t)], ctypes.c_int),
        "relscore_table_new": ([p, ctypes.c_int64, ctypes.c_int, ctypes.POINTER(p)], ctypes.c_int),
        "relscore_table_free": ([p], None),
        "relscore_table_size": ([p], ctypes.c_size_t),
        "relscore_table_row": ([p, ctypes.c_size_t, ctypes.POINTER(Relationship)], ctypes.c_int),
        "relscore_top_info": ([p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int64, ctypes.POINTER(RelationshipInfo),
                               ctypes.POINTER(ctypes.c_size_t)], ctypes.c_int),
        "relscore_table_row_info": ([p, ctypes.c_size_t, ctypes.POINTER(RelationshipInfo)], ctypes.c_int),
        "relscore_save_bytes": ([p, ctypes.POINTER(ctypes.POINTER(ctypes.c_ubyte)), ctypes.POINTER(ctypes.c_size_t)],
                                ctypes.c_int),
        "relscore_load_bytes": ([ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(p)], ctypes.c_int),
        "relscore_save_file": ([p, ctypes.c_char_p], ctypes.c_int),
        "relscore_load_file": ([ctypes.c_char_p, ctypes.POINTER(p)], ctypes.c_int),
        "relscore_free": ([p], None),
    }
    for name, (args, result) in signatures.items():
        f = getattr(lib, name)
        f.argtypes, f.restype = args, result
    return lib


def new_scorer(lib, config=None):
    handle = ctypes.c_void_p()
    assert lib.relscore_scorer_new(config, ctypes.byref(handle)) == OK, lib.relscore_last_error()
    return handle


def sample_interactions():
    import csv

    with open(SAMPLE, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    keep = []  # the strings must outlive the structs that point at them
    items = (Interaction * len(rows))()
    for item, row in zip(items, rows):
        fields = [row["time"].encode(), row["source"].encode(), row["target"].encode(), row["channel"].encode()]
        keep.append(fields)
        item.time_text, item.source, item.target, item.channel = fields
        if row["weight"]:
            item.weight, item.has_weight = float(row["weight"]), 1
        item.mutual = row["mutual"].strip().lower() in ("1", "true", "yes")
    return items, keep


@pytest.mark.skipif(shutil.which("nm") is None, reason="nm (binutils) is not installed")
def test_the_library_exports_exactly_the_functions_of_the_header():
    """src/c_api.map exports every function relscore.h declares (the *_info ones too), and nothing else."""
    with open(os.path.join(ROOT, "include", "relscore", "relscore.h"), encoding="utf-8") as f:
        declared = set(re.findall(r"RELSCORE_C_API[^;(]*?\b(relscore_\w+)\s*\(", f.read()))
    assert {"relscore_between_info", "relscore_top_info", "relscore_table_row_info", "relscore_between"} <= declared
    out = subprocess.run(["nm", "-D", "--defined-only", LIBRARY], capture_output=True, text=True, check=True).stdout
    exported = {line.split()[-1] for line in out.splitlines() if len(line.split()) == 3 and line.split()[1] != "A"}
    assert exported == declared


def test_version_matches_the_package(lib):
    assert lib.relscore_version().decode() == relscore.__version__


def test_sample_scores_match_the_python_package(lib):
    items, _keep = sample_interactions()
    s = new_scorer(lib)
    assert lib.relscore_add_batch(s, items, len(items)) == OK, lib.relscore_last_error()

    import pandas as pd

    expected = relscore.Scorer()
    expected.add_dataframe(pd.read_csv(SAMPLE), missing_weight="default")
    at = ctypes.c_int64()
    assert lib.relscore_parse_time(b"2026-12-01", ctypes.byref(at)) == OK

    out = (Relationship * 10)()
    n = ctypes.c_size_t()
    assert lib.relscore_top(s, b"Sam Rivera", 10, at, out, ctypes.byref(n)) == OK
    want = expected.top("Sam Rivera", 10, at="2026-12-01")
    assert n.value == len(want) == 10
    for got, r in zip(out, want):
        assert got.b.decode() == r.b
        assert math.isclose(got.strength, r.strength, rel_tol=1e-12)
        assert got.interactions == r.interactions

    table = ctypes.c_void_p()
    assert lib.relscore_table_new(s, AT_NEWEST, 1, ctypes.byref(table)) == OK
    frame = expected.to_pandas()
    assert lib.relscore_table_size(table) == len(frame)
    row = Relationship()
    for i in range(len(frame)):
        assert lib.relscore_table_row(table, i, ctypes.byref(row)) == OK
        assert math.isclose(row.strength, frame["strength"].iloc[i], rel_tol=1e-12)
    lib.relscore_table_free(table)
    lib.relscore_scorer_free(s)


def test_info_structs_have_every_field_of_a_relationship(lib):
    """relscore_relationship_info: every field of the Python Relationship, first
    interaction and touches included."""
    items, _keep = sample_interactions()
    s = new_scorer(lib)
    assert lib.relscore_add_batch(s, items, len(items)) == OK, lib.relscore_last_error()

    import pandas as pd

    expected = relscore.Scorer()
    expected.add_dataframe(pd.read_csv(SAMPLE), missing_weight="default")
    out = (RelationshipInfo * 10)()
    out[0].struct_size = ctypes.sizeof(RelationshipInfo)
    n = ctypes.c_size_t()
    assert lib.relscore_top_info(s, b"Sam Rivera", 10, AT_NEWEST, out, ctypes.byref(n)) == OK, lib.relscore_last_error()
    want = expected.top("Sam Rivera", 10)
    assert n.value == len(want) == 10
    micros = lambda t: t.value // 1000  # a UTC Timestamp in microseconds
    for got, r in zip(out, want):
        assert got.struct_size == ctypes.sizeof(RelationshipInfo)
        assert got.b.decode() == r.b and math.isclose(got.strength, r.strength, rel_tol=1e-12)
        assert (got.interactions, got.touches) == (r.interactions, r.touches)
        assert (got.first_interaction_us, got.last_interaction_us) == (micros(r.first_interaction),
                                                                       micros(r.last_interaction))
    assert any(got.touches < got.interactions for got in out)  # touches are not a copy of the count

    table = ctypes.c_void_p()
    assert lib.relscore_table_new(s, AT_NEWEST, 0, ctypes.byref(table)) == OK
    frame = expected.to_pandas().set_index(["a", "b"])
    assert lib.relscore_table_size(table) == len(frame)
    row = RelationshipInfo(struct_size=ctypes.sizeof(RelationshipInfo))
    for i in range(len(frame)):
        assert lib.relscore_table_row_info(table, i, ctypes.byref(row)) == OK
        r = frame.loc[(row.a.decode(), row.b.decode())]
        assert (row.interactions, row.touches) == (r["interactions"], r["touches"])
        assert row.first_interaction_us == micros(r["first_interaction"])
    row.struct_size = 8
    assert lib.relscore_table_row_info(table, 0, ctypes.byref(row)) == INVALID_ARGUMENT
    assert b"struct_size is 8" in lib.relscore_last_error()
    lib.relscore_table_free(table)
    lib.relscore_scorer_free(s)


def test_errors_have_codes_and_messages_and_change_nothing(lib):
    s = new_scorer(lib)
    e = Interaction(time_text=b"2026-01-01", source=b"ana", target=b"ben", channel=b"telepathy")
    assert lib.relscore_add(s, ctypes.byref(e)) == INVALID_ARGUMENT
    assert b"unknown channel 'telepathy'" in lib.relscore_last_error()
    e.channel, e.time_text = b"email", b"not a time"
    assert lib.relscore_add(s, ctypes.byref(e)) == PARSE
    assert b"not a time" in lib.relscore_last_error()
    count = ctypes.c_size_t()
    assert lib.relscore_people_count(s, ctypes.byref(count)) == OK and count.value == 0
    e.time_text = b"2026-01-01"
    assert lib.relscore_add(s, ctypes.byref(e)) == OK
    r = Relationship()
    assert lib.relscore_between(s, b"ana", b"zoe", AT_NEWEST, ctypes.byref(r)) == UNKNOWN_PERSON
    assert b"'zoe'" in lib.relscore_last_error()
    assert lib.relscore_between(s, b"ana", b"ben", 0, ctypes.byref(r)) == TIME_ORDER
    assert lib.relscore_add(None, ctypes.byref(e)) == INVALID_ARGUMENT
    assert lib.relscore_last_error() == b"relscore_add(): scorer is NULL"

    config = ctypes.c_void_p()
    assert lib.relscore_config_new(ctypes.byref(config)) == OK
    assert lib.relscore_config_set_reciprocity(config, -0.1) == INVALID_ARGUMENT
    assert lib.relscore_config_define_channel(config, b"coffee", 2.5, 10 * 86400 * 10**6) == OK
    other = new_scorer(lib, config)
    lib.relscore_config_free(config)
    assert lib.relscore_load_file(b"/nonexistent/relscore.snapshot", ctypes.byref(ctypes.c_void_p())) == IO
    lib.relscore_scorer_free(other)
    lib.relscore_scorer_free(s)


def test_weights_above_the_maximum_are_refused(lib):
    s = new_scorer(lib)
    e = Interaction(time_text=b"2026-01-01", source=b"ana", target=b"ben", weight=1e308, has_weight=1, mutual=1)
    assert lib.relscore_add(s, ctypes.byref(e)) == INVALID_ARGUMENT
    assert b"(relscore::max_weight), got 1e+308" in lib.relscore_last_error()
    count = ctypes.c_size_t()
    assert lib.relscore_people_count(s, ctypes.byref(count)) == OK and count.value == 0
    e.weight = 1e15
    assert lib.relscore_add(s, ctypes.byref(e)) == OK
    r = Relationship()
    assert lib.relscore_between(s, b"ana", b"ben", AT_NEWEST, ctypes.byref(r)) == OK
    assert math.isfinite(r.strength) and math.isfinite(r.reciprocity)
    lib.relscore_scorer_free(s)


def test_snapshots_round_trip_through_bytes_and_files(lib, tmp_path):
    items, _keep = sample_interactions()
    s = new_scorer(lib)
    assert lib.relscore_add_batch(s, items, len(items)) == OK
    data = ctypes.POINTER(ctypes.c_ubyte)()
    size = ctypes.c_size_t()
    assert lib.relscore_save_bytes(s, ctypes.byref(data), ctypes.byref(size)) == OK
    blob = ctypes.string_at(data, size.value)
    lib.relscore_free(data)
    # The C snapshot is the Python package's snapshot format: same bytes, both ways.
    from_python = relscore.Scorer.from_bytes(blob)
    assert from_python.to_bytes() == blob

    loaded = ctypes.c_void_p()
    assert lib.relscore_load_bytes(blob, len(blob), ctypes.byref(loaded)) == OK
    path = str(tmp_path / "scores.snapshot").encode()
    assert lib.relscore_save_file(loaded, path) == OK
    with open(path, "rb") as f:
        assert f.read() == blob
    corrupted = bytearray(blob)
    corrupted[len(blob) // 2] ^= 0xFF
    assert lib.relscore_load_bytes(bytes(corrupted), len(corrupted), ctypes.byref(ctypes.c_void_p())) == PARSE
    for handle in (s, loaded):
        lib.relscore_scorer_free(handle)
