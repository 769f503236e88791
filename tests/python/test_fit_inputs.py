"""relscore.fit and `relscore fit` (relscore._fit_main) on awkward inputs (review 2).

- A cross-validated score undefined on a fold (NaN) is saved as null, and the command
  exits 0 with a file every reader takes; a log too small to fit is refused.
- `relscore fit` reads ids as the CLI does: "007" and "7" are two people, an empty id is
  an error naming file, line and column; relscore.fit() checks ids as add_dataframe().
- Labels: stars outside 0..5, missing labels, whole-number folds are refused by name.
"""

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import relscore
from relscore import _fit, _fit_main

ROOT = Path(__file__).resolve().parents[2]
CLI = Path(os.environ.get("RELSCORE_BUILD_DIR", ROOT / "build")) / "relscore"

LOG = """time,source,target
2026-01-01T00:00:00Z,ann,bob
2026-01-02T00:00:00Z,bob,carl
2026-01-03T00:00:00Z,carl,ann
2026-01-04T00:00:00Z,carl,dan
2026-01-05T00:00:00Z,dan,bob
2026-01-06T00:00:00Z,dan,ann
"""
LABELS = """a,b,label
ann,bob,1
bob,carl,0
carl,ann,1
carl,dan,0
dan,bob,1
dan,ann,0
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_a_nan_cross_validated_score_is_saved_as_null(tmp_path, capsys):
    """Every pair has one interaction: the count baseline's Spearman is NaN on each fold.
    `relscore fit` died in FitResult.save (json allow_nan=False) with exit 1."""
    out = tmp_path / "config.json"
    assert _fit_main.main([write(tmp_path, "log.csv", LOG), write(tmp_path, "labels.csv", LABELS),
                           "--out", str(out)]) == 0
    saved = json.loads(out.read_text())  # strict JSON: NaN would not load in every reader
    assert "NaN" not in out.read_text()
    assert saved["fit"]["cross_validated"]["count"]["spearman"] is None
    assert relscore.Scorer.from_config(str(out)).reciprocity == saved["reciprocity"]
    if CLI.exists():  # the C++ reader takes the file too
        r = subprocess.run([str(CLI), "score", "-q", str(tmp_path / "log.csv"), "--config", str(out)],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
    assert "wrote" in capsys.readouterr().out


def test_a_log_too_small_to_fit_is_refused(tmp_path, capsys):
    labels = pd.read_csv(write(tmp_path, "labels.csv", LABELS))
    empty = pd.DataFrame({"time": pd.to_datetime([], utc=True), "source": [], "target": []})
    with pytest.raises(ValueError, match="no interaction between labelled pairs"):
        relscore.fit(empty, labels)
    log = pd.read_csv(write(tmp_path, "log.csv", LOG))
    with pytest.raises(ValueError, match="6 labelled pairs are too few for 7 folds"):
        relscore.fit(log, labels, folds=7)
    with pytest.raises(ValueError, match="no labels"):
        relscore.fit(log, labels.head(0))
    write(tmp_path, "empty.csv", "time,source,target\n")
    assert _fit_main.main([str(tmp_path / "empty.csv"), str(tmp_path / "labels.csv"),
                           "--out", str(tmp_path / "c.json")]) == 2
    assert "nothing to fit" in capsys.readouterr().err and not (tmp_path / "c.json").exists()


def test_the_fit_command_reads_ids_as_text(tmp_path):
    """pandas' defaults made "007" the person 7 (so one person with "7"), as
    `relscore score` does not."""
    log = write(tmp_path, "log.csv", LOG.replace("ann", "007").replace("bob", "7"))
    frame = _fit_main._read_log(log)
    assert list(frame["source"][:2]) == ["007", "7"] and list(frame["target"][:1]) == ["7"]
    labels = _fit_main._read_labels(write(tmp_path, "labels.csv", LABELS.replace("ann", "007").replace("bob", "7")))
    assert list(labels["a"][:1]) == ["007"] and labels["label"].dtype == np.int64
    fit = relscore.fit(frame, labels, folds=2)
    assert fit.labels == 6  # "007"-"7" and the others: six pairs, not five


@pytest.mark.parametrize("column, text, where", [
    ("source", LOG.replace("2026-01-02T00:00:00Z,bob", "2026-01-02T00:00:00Z,"), "log.csv:3:2: column 'source'"),
    ("target", LOG.replace("dan,ann\n", "dan,\n"), "log.csv:7:3: column 'target'"),
])
def test_the_fit_command_refuses_an_empty_id_as_the_cli_does(tmp_path, capsys, column, text, where):
    log = write(tmp_path, "log.csv", text)
    assert _fit_main.main([log, write(tmp_path, "labels.csv", LABELS), "--out", str(tmp_path / "c.json")]) == 2
    assert f"{where}: empty person id" in capsys.readouterr().err


def test_the_fit_command_refuses_an_empty_label_id_and_a_bad_weight(tmp_path, capsys):
    log = write(tmp_path, "log.csv", LOG)
    labels = write(tmp_path, "labels.csv", LABELS.replace("carl,dan,0", ",dan,0"))
    assert _fit_main.main([log, labels, "--out", str(tmp_path / "c.json")]) == 2
    assert "labels.csv:5:1: column 'a': empty person id" in capsys.readouterr().err
    weighted = write(tmp_path, "w.csv", LOG.replace("target\n", "target,weight\n").replace("Z,ann,bob", "Z,ann,bob,x")
                     .replace("ann\n", "ann,\n").replace("bob\n", "bob,2\n").replace("carl\n", "carl,1\n")
                     .replace("dan\n", "dan,1\n"))
    assert _fit_main.main([weighted, write(tmp_path, "l.csv", LABELS), "--out", str(tmp_path / "c.json")]) == 2
    assert "w.csv:2:4: column 'weight': invalid weight 'x'" in capsys.readouterr().err


def test_na_texts_are_people_in_the_fit_command(tmp_path):
    """"NA", "null", "None" are ids in the CLI; pandas' defaults made them missing."""
    frame = _fit_main._read_log(write(tmp_path, "log.csv", LOG.replace("dan", "NA").replace("carl", "null")))
    assert set(frame["source"]) == {"ann", "bob", "null", "NA"}


@pytest.mark.parametrize("bad", [None, np.nan, 1.5])
def test_fit_checks_ids_as_add_dataframe_does(tmp_path, bad):
    """relscore.fit() made people "None" and "nan" of missing ids."""
    log = pd.read_csv(write(tmp_path, "log.csv", LOG))
    log["source"] = log["source"].astype(object)
    log.loc[3, "source"] = bad
    with pytest.raises(ValueError) as refused:
        relscore.Scorer().add_dataframe(log)
    with pytest.raises(ValueError, match="the log's source and target") as fit_refused:
        relscore.fit(log, pd.read_csv(write(tmp_path, "labels.csv", LABELS)), folds=2)
    assert str(refused.value) in str(fit_refused.value)
    labels = pd.read_csv(write(tmp_path, "labels.csv", LABELS))
    labels["b"] = labels["b"].astype(object)
    labels.loc[2, "b"] = bad
    with pytest.raises(ValueError, match="the labels' a and b: .*row 2"):
        relscore.fit(pd.read_csv(write(tmp_path, "log.csv", LOG)), labels, folds=2)


@pytest.mark.parametrize("column, values, message", [
    ("stars", [0, 1, 6, 2, 3, 4], r"'stars' must hold whole numbers 0..5, got 6 at row 2"),
    ("stars", [0, 1, -1, 2, 3, 4], r"'stars' must hold whole numbers 0..5, got -1 at row 2"),
    ("stars", [0, 1, 2.5, 2, 3, 4], r"'stars' must hold whole numbers 0..5, got 2.5 at row 2"),
    ("label", [0, 1, 2, 0, 1, 0], r"'label' must hold 0/1 \(or booleans\), got 2 at row 2"),
    ("label", pd.array([True, False, None, True, False, True], dtype="boolean"), r"'label' has a missing value at row 2"),
    ("stars", pd.array([1, 2, None, 3, 4, 5], dtype="Int64"), r"'stars' has a missing value at row 2"),
])
def test_bad_label_values_are_refused_naming_the_row(tmp_path, column, values, message):
    labels = pd.read_csv(write(tmp_path, "labels.csv", LABELS)).drop(columns="label").assign(**{column: values})
    with pytest.raises(ValueError, match=message):
        relscore.fit(pd.read_csv(write(tmp_path, "log.csv", LOG)), labels, folds=2)


def test_nullable_and_boolean_labels_without_missing_values_fit(tmp_path):
    log = pd.read_csv(write(tmp_path, "log.csv", LOG))
    labels = pd.read_csv(write(tmp_path, "labels.csv", LABELS))
    plain = relscore.fit(log, labels, folds=2)
    for column in (labels["label"].astype(bool), labels["label"].astype("Int64"), labels["label"].astype("boolean")):
        again = relscore.fit(log, labels.assign(label=column), folds=2).config
        assert _fit.config_as_json(again) == _fit.config_as_json(plain.config)  # NaN != NaN: compare the texts


@pytest.mark.parametrize("folds, error", [(1.5, ValueError), (1, ValueError), (True, ValueError), (10**30, OverflowError)])
def test_folds_must_be_a_whole_number_of_at_least_two(tmp_path, folds, error):
    """folds=1.5 was truncated to 1 silently."""
    log = pd.read_csv(write(tmp_path, "log.csv", LOG))
    with pytest.raises(error, match="folds"):
        relscore.fit(log, pd.read_csv(write(tmp_path, "labels.csv", LABELS)), folds=folds)


def test_nan_as_null_leaves_numbers_and_other_values():
    text = _fit.config_as_json(_fit.make_config(0.5, [("email", 1.0, 10)], fit={"a": [float("nan"), 1.5],
                                                                              "b": {"c": float("nan"), "d": "x"}}))
    assert json.loads(text)["fit"] == {"a": [None, 1.5], "b": {"c": None, "d": "x"}}
    with pytest.raises(ValueError):  # the configuration itself stays strict
        _fit.config_as_json(_fit.make_config(float("nan"), [("email", 1.0, 10)]))
