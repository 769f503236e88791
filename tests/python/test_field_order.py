"""One description per result type (issue 15): the C++ description of each result
(relscore/describe.hpp, as relscore._core.result_fields) is what Python's result classes,
its frames, and the CLI's CSV header and JSON keys show, in the same order. A field added
to a C++ result and missing from any of them fails here."""

import csv
import dataclasses
import io
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import relscore
from relscore import _core
from relscore._describe import FIELDS
from relscore.plot import _retained
from relscore._insight import Replies, Trend

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("RELSCORE_BUILD_DIR", ROOT / "build"))
SAMPLE = ROOT / "examples" / "data" / "job_search.csv"

KINDS = {"name", "time", "duration", "count", "real", "flag", "label", "channel", "side"}
# The Python class of each described result type.
CLASSES = {"relationship": relscore.Relationship, "reply_stats": Replies, "trend": Trend, "rhythm": relscore.Rhythm}
# Described result types Python shows as frames only.
FRAMES = {"meeting_suggestion", "due_item", "strength_part", "receipt", "intro_hop"}


def names(result):
    return [name for name, _, _ in FIELDS[result]]


def cli_names(result):
    """CSV/JSON names: durations in days, as `<field>_days`."""
    return [name + ("_days" if kind == "duration" else "") for name, kind, _ in FIELDS[result]]


@pytest.fixture(scope="module")
def scorer():
    s = relscore.Scorer()
    s.add_dataframe(pd.read_csv(SAMPLE), missing_weight="default")
    return s


def test_every_result_type_is_described_and_bound():
    assert set(_core.result_fields()) == set(CLASSES) | FRAMES
    for result, fields in FIELDS.items():
        assert fields, result
        assert len({name for name, _, _ in fields}) == len(fields), result
        assert {kind for _, kind, _ in fields} <= KINDS, result
        assert all(doc for _, _, doc in fields), result


@pytest.mark.parametrize("result", sorted(CLASSES))
def test_python_class_fields_are_the_description(result):
    cls = CLASSES[result]
    assert [f.name for f in dataclasses.fields(cls)] == names(result)
    # What type checkers see (the class's own annotations) is the description, in order.
    declared = list(cls._declared)
    assert declared == [n for n in names(result) if n in declared]


def test_relationship_values_and_frames_follow_the_description(scorer):
    r = scorer.between("Sam Rivera", "Daniel Okafor")
    kinds = {name: kind for name, kind, _ in FIELDS["relationship"]}
    for name, kind in kinds.items():
        value = getattr(r, name)
        if kind == "time":
            assert isinstance(value, pd.Timestamp) and value.tz is not None, name
        elif kind == "count":
            assert isinstance(value, int), name
        elif kind == "real":
            assert isinstance(value, float), name
    for frame in (scorer.to_pandas(), scorer.top_frame("Sam Rivera", 5), scorer.top_frame(k=5)):
        assert list(frame.columns) == names("relationship")
    assert list(scorer.insight_frame().columns)[: len(names("relationship"))] == names("relationship")
    assert list(scorer.table()) == names("relationship")
    top, frame = scorer.top(k=3), scorer.top_frame(k=3)
    for name in names("relationship"):
        assert getattr(top[0], name) == frame[name].iloc[0], name


def test_reply_stats_values_follow_the_description(scorer):
    c = scorer.conversation("Sam Rivera", "Daniel Okafor")
    for side in (c.a_to_b, c.b_to_a):
        assert isinstance(side, Replies)
        for name, kind, _ in FIELDS["reply_stats"]:
            value = getattr(side, name)
            if value is None:
                assert kind in ("time", "duration"), name
            elif kind == "duration":
                assert isinstance(value, pd.Timedelta), name
            elif kind == "flag":
                assert isinstance(value, bool), name


@pytest.fixture(scope="module")
def cli():
    path = BUILD / "relscore"
    assert path.exists(), f"{path} is not built (make build)"
    return str(path)


def run(*args):
    r = subprocess.run(list(args), capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_cli_csv_header_and_json_keys_are_the_description(cli):
    header = next(csv.reader(io.StringIO(run(cli, "score", str(SAMPLE), "--top", "3", "--format", "csv"))))
    assert header == cli_names("relationship")
    doc = json.loads(run(cli, "score", str(SAMPLE), "--top", "3", "--format", "json"))
    for row in doc["relationships"]:
        assert list(row) == cli_names("relationship")
    doc = json.loads(run(cli, "explain", str(SAMPLE), "Sam Rivera", "Daniel Okafor", "--format", "json"))
    for side in ("a_to_b", "b_to_a"):
        assert list(doc["replies"][side]) == cli_names("reply_stats")
    assert list(doc["trend"]) == cli_names("trend")


def test_stars_and_explain_print_the_relationship_by_its_description(cli):
    relationship = cli_names("relationship")
    want = ["a", "b", "stars", "strength", "reciprocity", "touches", "known_days", "trend", "trend_change"]
    assert set(want) - {"stars", "known_days", "trend", "trend_change"} <= set(relationship)
    rows = list(csv.reader(io.StringIO(run(cli, "stars", str(SAMPLE), "--for", "Sam Rivera", "--format", "csv"))))
    assert rows[0] == want
    doc = json.loads(run(cli, "stars", str(SAMPLE), "--for", "Sam Rivera", "--format", "json"))
    assert doc["relationships"] and all(list(row) == want for row in doc["relationships"])
    # CSV is exact, as for every described result: the strength as the JSON has it.
    assert [float(r[3]) for r in rows[1:]] == [row["strength"] for row in doc["relationships"]]
    doc = json.loads(run(cli, "explain", str(SAMPLE), "Sam Rivera", "Daniel Okafor", "--format", "json"))
    assert list(doc)[: len(relationship) + 1] == ["at"] + relationship


def test_suggestions_follow_the_description(scorer, cli):
    import relscore.network as net

    frame = net.suggest(scorer, "Sam Rivera", 3)
    assert len(frame) and list(frame.columns) == names("meeting_suggestion")
    assert list(net.suggest(scorer, "Sam Rivera", 0).columns) == names("meeting_suggestion")
    header = next(csv.reader(io.StringIO(run(cli, "suggest", str(SAMPLE), "--for", "Sam Rivera", "--format", "csv"))))
    assert header == cli_names("meeting_suggestion")
    doc = json.loads(run(cli, "suggest", str(SAMPLE), "--for", "Sam Rivera", "--format", "json"))
    assert doc["suggestions"] and all(list(row) == cli_names("meeting_suggestion") for row in doc["suggestions"])


def test_intro_hops_follow_the_description(scorer, cli):
    import relscore.network as net

    frame = net.intro(scorer, "Sam Rivera", "Grace Liu", 3)
    assert len(frame) and list(frame.columns) == names("intro_hop")
    check_kinds("intro_hop", frame.iloc[0].to_dict())
    assert list(net.intro(scorer, "Sam Rivera", "Grace Liu", 1, at=scorer.newest).columns) == names("intro_hop")
    out = run(cli, "intro", str(SAMPLE), "Sam Rivera", "Grace Liu", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == cli_names("intro_hop")
    # The CLI's rows are the frame's, value for value.
    assert [r[:4] for r in rows[1:]] == [[str(v) for v in r] for r in frame[["path", "hop", "from", "to"]].values.tolist()]
    assert [float(r[4]) for r in rows[1:]] == frame["strength"].tolist()
    doc = json.loads(run(cli, "intro", str(SAMPLE), "Sam Rivera", "Grace Liu", "--format", "json"))
    assert doc["hops"] and all(list(row) == cli_names("intro_hop") for row in doc["hops"])


def test_trend_values_follow_the_description(scorer):
    t = scorer.trend("Sam Rivera", "Daniel Okafor")
    assert isinstance(t, Trend) and isinstance(t.direction, str) and isinstance(t.rate_per_day, float)


def test_a_field_missing_from_the_docstring_is_documented_from_the_description():
    for result, cls in CLASSES.items():
        for name, _, _ in FIELDS[result]:
            assert name in (cls.__doc__ or ""), (result, name)


def check_kinds(result, values):
    """`values` (field -> value) are of the Python type of each field's kind."""
    for name, kind, _ in FIELDS[result]:
        value = values[name]
        if value is None or (not isinstance(value, (str, bool)) and pd.isna(value)):
            continue
        if kind == "time":
            assert isinstance(value, pd.Timestamp) and value.tz is not None, name
        elif kind == "duration":
            assert isinstance(value, pd.Timedelta), name
        elif kind == "count":
            assert isinstance(value, (int, np.integer)) and not isinstance(value, bool), name
        elif kind == "real":
            assert isinstance(value, (float, np.floating)), name
        elif kind == "flag":
            assert isinstance(value, (bool, np.bool_)), name
        elif kind in ("label", "channel"):
            assert isinstance(value, str), name


def test_rhythm_follows_the_description(scorer):
    r = scorer.rhythm("Sam Rivera", "Daniel Okafor")
    assert isinstance(r, relscore.Rhythm)
    check_kinds("rhythm", {name: getattr(r, name) for name in names("rhythm")})
    assert "last_interaction" in names("rhythm") and "last_contact" not in names("rhythm")
    assert r.last_contact == r.last_interaction  # the old attribute name still works


def test_due_frames_follow_the_description(scorer):
    at = scorer.newest + pd.Timedelta(days=200)
    for frame in (scorer.due("Sam Rivera", k=5, at=at), scorer.due(k=5, at=at), scorer.due("Sam Rivera", k=0)):
        assert list(frame.columns) == names("due_item")
    frame = scorer.due("Sam Rivera", k=5, at=at)
    assert len(frame)
    check_kinds("due_item", frame.iloc[0].to_dict())
    # The due item's rhythm fields agree with the rhythm of the pair.
    row = frame.iloc[0]
    r = scorer.rhythm(row["a"], row["b"], at=at)
    assert (row["last_interaction"], row["typical_gap"], row["due"], row["gaps"]) == (
        r.last_interaction, r.typical_gap, r.due, r.gaps)


def test_explanation_frames_follow_the_description():
    s = relscore.Scorer(retain_events=True)
    s.add_dataframe(pd.read_csv(SAMPLE), missing_weight="default")
    s.add(s.newest, "Sam Rivera", "Daniel Okafor", mutual=True)
    x = s.explain("Sam Rivera", "Daniel Okafor", receipts=1000)
    assert list(x.parts.columns) == names("strength_part")
    assert list(x.receipts.columns) == names("receipt")
    assert len(x.parts) and len(x.receipts)
    check_kinds("strength_part", x.parts.iloc[0].to_dict())
    check_kinds("receipt", x.receipts.iloc[0].to_dict())
    assert set(x.parts["source"]) <= {"Sam Rivera", "Daniel Okafor"}
    # who sent it is `source`, None for a mutual interaction
    assert x.receipts["mutual"].any()
    assert (x.receipts["source"].isna() == x.receipts["mutual"]).all()
    assert list(_retained(s, "Sam Rivera", "Daniel Okafor").columns)[0] == "time"


def test_cli_prints_rhythm_due_parts_and_receipts_by_the_description(cli):
    doc = json.loads(run(cli, "explain", str(SAMPLE), "Sam Rivera", "Daniel Okafor", "--receipts", "5",
                         "--format", "json"))
    assert list(doc["rhythm"]) == cli_names("rhythm")
    assert doc["parts"] and all(list(row) == cli_names("strength_part") for row in doc["parts"])
    assert doc["receipts"] and all(list(row) == cli_names("receipt") for row in doc["receipts"])
    want = cli_names("due_item") + ["stars", "trend"]
    header = next(csv.reader(io.StringIO(run(cli, "due", str(SAMPLE), "--for", "Sam Rivera", "--format", "csv"))))
    assert header == want
    doc = json.loads(run(cli, "due", str(SAMPLE), "--for", "Sam Rivera", "--format", "json"))
    assert doc["due"] and all(list(row) == want for row in doc["due"])
