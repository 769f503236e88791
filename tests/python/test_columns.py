"""The columns of a log are named once (relscore.LogColumns): every function that takes a
log as a DataFrame accepts the same keywords with the same defaults, refuses a keyword it
does not know by name (changing nothing), and the command line's fit reads the mutual
flags as the rest of the package does."""

import dataclasses

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

import relscore
import relscore.dask as rdask
from relscore import _fit_main

ROLES = ("time", "source", "target", "channel", "weight", "mutual")


@pytest.fixture(scope="module")
def log():
    rng = np.random.default_rng(5)
    n = 400
    people = np.array(["ana", "ben", "cy", "dee", "eve"])
    return pd.DataFrame({
        "time": pd.Timestamp("2026-01-01", tz="UTC") + pd.to_timedelta(np.sort(rng.integers(0, 90 * 86400, n)), unit="s"),
        "source": people[rng.integers(0, 5, n)],
        "target": people[rng.integers(0, 5, n)],
        "channel": np.array(["email", "call", "meeting"])[rng.integers(0, 3, n)],
        "weight": rng.uniform(0.5, 3.0, n),
        "mutual": rng.random(n) < 0.2,
    }).query("source != target").reset_index(drop=True)


def renamed(log):
    """The log with every column renamed, and the keywords that name them."""
    names = {role: f"my_{role}" for role in ROLES}
    return log.rename(columns=names), names


def test_the_roles_and_defaults_are_the_ones_documented():
    defaults = {f.name: f.default for f in dataclasses.fields(relscore.LogColumns)}
    assert defaults == {"time": "time", "source": "source", "target": "target", "channel": "channel",
                        "weight": "weight", "mutual": "mutual", "default_channel": "contact",
                        "missing_weight": "raise", "origin": None, "unit": None}


def test_renamed_columns_give_the_same_scorer_in_every_entry_point(log):
    expected = relscore.Scorer()
    expected.add_dataframe(log)
    frame, names = renamed(log)

    by_frame = relscore.Scorer()
    by_frame.add_dataframe(frame, **names)
    assert by_frame.to_bytes() == expected.to_bytes()

    with dask.config.set(scheduler="synchronous"):
        parts = dd.from_pandas(frame, npartitions=2, sort=False)
        by_dask = rdask.score(parts, **names)
        table = rdask.relationships(parts, **names).compute()
    pd.testing.assert_frame_equal(by_dask.to_pandas(), expected.to_pandas(), check_exact=False, rtol=1e-12)
    assert len(table) == len(expected)

    # A column set to None is ignored: no weight column means each channel's weight.
    without = relscore.Scorer()
    without.add_dataframe(frame, **{**names, "weight": None})
    plain = relscore.Scorer()
    plain.add_dataframe(log.drop(columns="weight"))
    assert without.to_bytes() == plain.to_bytes()


def test_a_keyword_that_names_no_role_is_refused_by_name_and_changes_nothing(log):
    s = relscore.Scorer()
    with pytest.raises(TypeError, match=r"relscore\.Scorer\.add_dataframe\(\).*'tme'"):
        s.add_dataframe(log, tme="time")
    assert len(s) == 0
    with pytest.raises(TypeError, match=r"relscore\.dask\.score\(\).*'sorce'"):
        rdask.score(dd.from_pandas(log, npartitions=1), sorce="source")
    with pytest.raises(TypeError, match=r"relscore\.dask\.partial_snapshots\(\).*'wieght'"):
        rdask.partial_snapshots(log, wieght="weight")
    labels = pd.DataFrame({"a": ["ana"], "b": ["ben"], "label": [1]})
    # fit() always takes a missing weight from its channel, so it has no missing_weight.
    with pytest.raises(TypeError, match=r"relscore\.Scorer\.fit\(\).*'missing_weight'"):
        relscore.Scorer.fit(log, labels, missing_weight="raise")


def test_a_missing_required_column_is_named(log):
    s = relscore.Scorer()
    with pytest.raises(KeyError, match="'when'"):
        s.add_dataframe(log, time="when")
    assert len(s) == 0


def test_the_fit_command_reads_mutual_flags_as_the_package_does(tmp_path, log, capsys):
    """`relscore fit` once parsed the flags on its own ("t", "y" read as false, anything
    unknown silently false); now fit() parses them as add_dataframe() does."""
    events = log.head(6).copy()
    events["mutual"] = ["t", "y", "", "no", "TRUE", "0"]
    path = tmp_path / "events.csv"
    events.to_csv(path, index=False)
    read = _fit_main._read_log(str(path))
    from_file, from_bools = relscore.Scorer(), relscore.Scorer()
    from_file.add_dataframe(read)
    from_bools.add_dataframe(events.assign(mutual=[True, True, False, False, True, False]))
    assert from_file.to_bytes() == from_bools.to_bytes()

    events["mutual"] = ["t", "maybe", "", "no", "1", "0"]
    events.to_csv(path, index=False)
    labels = tmp_path / "labels.csv"
    pd.DataFrame({"a": ["ana"], "b": ["ben"], "label": [1]}).to_csv(labels, index=False)
    assert _fit_main.main([str(path), str(labels), "--out", str(tmp_path / "out.json")]) == 2
    assert "mutual: cannot read 'maybe' at row 1" in capsys.readouterr().err
    assert not (tmp_path / "out.json").exists()


def test_unused_categories_of_a_categorical_person_column_become_no_people():
    """Review: a Categorical's categories were all interned as people, so a filtered frame
    (which keeps every category) added people with no relationships."""
    people = pd.CategoricalDtype(["ana", "ben", "cy", "dee", "eve"])
    frame = pd.DataFrame({"time": ["2026-01-01", "2026-01-02"],
                          "source": pd.Series(["ben", "dee"], dtype=people),
                          "target": pd.Series(["dee", "ben"], dtype=people)})
    s = relscore.Scorer()
    s.add_dataframe(frame)
    assert sorted(s.people) == ["ben", "dee"]
    plain = relscore.Scorer()
    plain.add_dataframe(frame.astype({"source": str, "target": str}))
    assert s.to_bytes() == plain.to_bytes()
    ints = pd.CategoricalDtype([5, 7, 9, 11])
    s = relscore.Scorer()
    s.add_arrays(np.array([1, 2]), pd.Series([11, 5], dtype=ints), pd.Series([5, 11], dtype=ints))
    assert sorted(s.people) == [5, 11] and s.between(5, 11).strength > 0
