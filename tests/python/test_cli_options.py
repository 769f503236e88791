"""Every documented input option of the `relscore` CLI changes what it should: the column
names, the delimiter, --quiet, --touch-gap and --reply-window (against references written
from the definitions in include/relscore/insight.hpp), and the `evaluate` subcommand with
its --results writer. The CLI is $RELSCORE_BUILD_DIR/relscore (default build/), which
`make test` builds before pytest runs."""

import csv
import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import relscore

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("RELSCORE_BUILD_DIR", ROOT / "build"))
SAMPLE = ROOT / "examples" / "data" / "job_search.csv"
DAY = 86400


@pytest.fixture(scope="module")
def cli():
    path = BUILD / "relscore"
    assert path.exists(), f"{path} is not built (make build)"
    return str(path)


def run(*args, check=True):
    r = subprocess.run(list(args), capture_output=True, text=True)
    if check:
        assert r.returncode == 0, r.stderr
    return r


def sample_rows():
    with open(SAMPLE, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_renamed_columns_and_delimiters_read_the_same_log(cli, tmp_path):
    rows = sample_rows()
    # The sample uses every optional column: weights, mutual meetings, six channels.
    assert any(r["weight"] for r in rows) and any(r["mutual"] == "true" for r in rows)
    assert len({r["channel"] for r in rows}) == 6
    expected = run(cli, "score", str(SAMPLE), "--format", "csv").stdout
    names = {"time": "when", "source": "from", "target": "to", "channel": "via", "weight": "w", "mutual": "both"}
    order = ["both", "to", "w", "when", "via", "from"]  # a different column order too
    renamed = [{names[k]: v for k, v in r.items()} for r in rows]
    options = ["--time-col", "when", "--source-col", "from", "--target-col", "to", "--channel-col", "via",
               "--weight-col", "w", "--mutual-col", "both"]
    for delimiter, flag in ((";", ";"), ("\t", "tab"), ("|", "|")):
        path = tmp_path / "renamed.csv"  # .csv: the delimiter is not guessed from the name
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=order, delimiter=delimiter)
            w.writeheader()
            w.writerows(renamed)
        got = run(cli, "score", str(path), "--format", "csv", "--delimiter", flag, *options).stdout
        assert got == expected
    # Each renaming is needed: leaving out any one of them changes the answer or fails.
    for k in range(0, len(options), 2):
        partial = options[:k] + options[k + 2:]
        r = run(cli, "score", str(path), "--format", "csv", "--delimiter", "|", *partial, check=False)
        assert r.returncode != 0 or r.stdout != expected, options[k]
    # Without --delimiter the '|' file is one column: refused.
    r = run(cli, "score", str(path), *options, check=False)
    assert r.returncode == 2 and "column" in r.stderr


def test_quiet_silences_the_progress_display(cli, tmp_path):
    # Progress shows for inputs over 1 MiB when stderr is a terminal.
    path = tmp_path / "big.csv"
    with open(path, "w", encoding="utf-8") as f:
        f.write("time,source,target\n")
        for i in range(40_000):
            f.write(f"{1_700_000_000 + i},person{i % 97},person{(i * 7 + 1) % 97 if (i * 7 + 1) % 97 != i % 97 else 96}\n")
    assert path.stat().st_size > 1 << 20

    def stderr_on_a_terminal(*extra):
        master, slave = pty.openpty()
        try:
            r = subprocess.run([cli, "score", str(path), "--top", "1", *extra], stdout=subprocess.PIPE,
                               stderr=slave, text=True)
            os.close(slave)
            out = b""
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the terminal's other side is closed and drained
                    break
                if not chunk:
                    break
                out += chunk
        finally:
            os.close(master)
        assert r.returncode == 0
        return out.decode()

    assert "reading" in stderr_on_a_terminal()
    assert stderr_on_a_terminal("--quiet") == ""
    assert stderr_on_a_terminal("-q") == ""


def pair_events(a, b):
    """(seconds, direction: 0 a→b, 1 b→a, 2 mutual) of one pair in the sample, in file order."""
    out = []
    for r in sample_rows():
        if {r["source"], r["target"]} != {a, b}:
            continue
        t = pd.Timestamp(r["time"]).value // 10**9
        out.append((t, 2 if r["mutual"] == "true" else 0 if r["source"] == a else 1))
    return out


def touches(evs, gap):
    """Touch periods with contact: periods of `gap` seconds from the UNIX epoch (UTC days)."""
    return len({t // gap for t, _ in evs})


def waits(evs, window, at):
    """a→b's (waits, answered, resolved) from the definitions."""
    n = answered = resolved = i = 0
    while i < len(evs):
        if evs[i][1] != 0:
            i += 1
            continue
        last, j = evs[i][0], i + 1
        while j < len(evs) and evs[j][1] == 0 and evs[j][0] - last <= window:
            last, j = evs[j][0], j + 1
        n += 1
        if j == len(evs):
            resolved += at - last > window
        else:
            answered += evs[j][1] != 0 and evs[j][0] - last <= window
            resolved += 1
        i = j
    return n, answered, resolved


def test_touch_gap_counts_touches_as_defined(cli):
    for gap_option, gap in ((None, DAY), ("7d", 7 * DAY), ("12h", DAY // 2)):
        extra = [] if gap_option is None else ["--touch-gap", gap_option]
        table = pd.read_csv(pd.io.common.StringIO(
            run(cli, "stars", str(SAMPLE), "--for", "Sam Rivera", "--format", "csv", *extra).stdout))
        assert len(table) > 20
        for row in table.itertuples():
            assert row.touches == touches(pair_events(row.a, row.b), gap), (gap_option, row.b)
    # The option matters on the sample: a week's gap merges Marcus's touches.
    evs = pair_events("Sam Rivera", "Marcus Lee")
    assert touches(evs, 7 * DAY) < touches(evs, DAY)


def test_reply_window_decides_what_is_an_answer(cli):
    evs = pair_events("Sam Rivera", "Daniel Okafor")
    seen = set()
    for option, window in ((None, 14 * DAY), ("2d", 2 * DAY), ("60d", 60 * DAY)):
        extra = [] if option is None else ["--reply-window", option]
        doc = json.loads(run(cli, "explain", str(SAMPLE), "Sam Rivera", "Daniel Okafor", "--format", "json",
                             *extra).stdout)
        got = doc["replies"]["a_to_b"]
        at = pd.Timestamp(doc["at"]).value // 10**9  # the newest interaction of the whole log
        assert (got["waits"], got["answered"], got["resolved"]) == waits(evs, window, at), option
        seen.add(got["answered"])
    assert len(seen) == 3  # three windows, three different answers


def relscore_entry_point():
    # `relscore evaluate` runs `python -m relscore.evaluate` with the Python beside the CLI:
    # the one installed into the environment that runs the tests (make python).
    path = Path(sys.executable).parent / "relscore"
    assert path.exists(), f"{path}: the Python package's CLI is not installed (make python)"
    return str(path)


def test_evaluate_runs_the_protocol_on_a_small_log(tmp_path):
    # A tiny log where the same pairs recur: EdgeBank remembers every seen pair.
    path = tmp_path / "tiny.txt"
    lines = [f"{i % 5} {(i % 5) + 5} {1000 + 10 * i}" for i in range(300)]
    path.write_text("\n".join(lines) + "\n")
    r = run(relscore_entry_point(), "evaluate", str(path), "--score", "edgebank_unlimited")
    assert "edgebank_unlimited" in r.stdout
    bad = run(relscore_entry_point(), "evaluate", str(path), "--score", "no_such_score", check=False)
    assert bad.returncode == 2 and "no_such_score" in bad.stderr


def tiny_log(tmp_path):
    path = tmp_path / "tiny.txt"
    path.write_text("".join(f"{i % 5} {(i % 5) + 5} {1000 + 10 * i}\n" for i in range(300)))
    return str(path)


def test_evaluate_from_the_build_tree_finds_the_projects_python(cli, tmp_path):
    # build/relscore with no Python on PATH that has relscore (the system's only), no
    # RELSCORE_PYTHON: it finds the environment the package was installed into (the
    # .venv of the source tree, or the Python beside the executable) instead of failing
    # with "No module named 'relscore'".
    env = {k: v for k, v in os.environ.items() if k not in ("RELSCORE_PYTHON", "VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = "/usr/bin:/bin"
    venv = Path(sys.executable).parent.parent
    if not Path(cli).resolve().is_relative_to(venv.parent):
        pytest.skip(f"{cli} is not in the tree of {venv}")
    r = subprocess.run([cli, "evaluate", tiny_log(tmp_path), "--score", "edgebank_unlimited"], capture_output=True,
                       text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert "edgebank_unlimited" in r.stdout


def test_evaluate_without_the_package_says_what_to_install(cli, tmp_path):
    env = dict(os.environ, RELSCORE_PYTHON=str(tmp_path / "no-python"))
    r = subprocess.run([cli, "evaluate", tiny_log(tmp_path)], capture_output=True, text=True, env=env)
    assert r.returncode == 127
    assert "No module named" not in r.stderr
    assert str(tmp_path / "no-python") in r.stderr  # what was tried
    assert "pip install 'relscore[evaluate]'" in r.stderr and "RELSCORE_PYTHON" in r.stderr


def test_evaluate_results_writes_the_document_and_names_missing_data(tmp_path):
    # `relscore evaluate --results docs/results.md` regenerates docs/results.md (issue 16).
    out = tmp_path / "results.md"
    empty = tmp_path / "no-data"
    empty.mkdir()
    r = run(relscore_entry_point(), "evaluate", "--results", str(out), "--data-dir", str(empty))
    assert f"wrote {out}" in r.stdout
    text = out.read_text(encoding="utf-8")
    assert f"relscore evaluate --results {out}" in text  # the command that made it
    assert "skipped" in text
    bad = run(relscore_entry_point(), "evaluate", "x.txt", "--results", str(out), check=False)
    assert bad.returncode == 2 and "no data file" in bad.stderr


def test_results_script_writes_the_table_and_names_missing_data(tmp_path):
    # scripts/results.py runs the same generator (relscore.evaluate.results) with this Python.
    out = tmp_path / "results.md"
    empty = tmp_path / "no-data"
    empty.mkdir()
    script = Path(__file__).resolve().parents[2] / "scripts" / "results.py"
    r = run(sys.executable, str(script), str(out), "--data-dir", str(empty))
    assert f"wrote {out}" in r.stdout
    text = out.read_text(encoding="utf-8")
    assert f"python scripts/results.py {out}" in text  # the command that made it
    assert "skipped" in text


def test_config_file_from_python_scores_the_same_on_the_command_line(cli, tmp_path):
    """--config reads the JSON a fitted (or any) Python scorer writes: the CLI's numbers are
    the Python scorer's; its star thresholds drive `stars`; bad files say what is wrong."""
    log = pd.DataFrame({"time": pd.to_datetime(["2026-01-01", "2026-01-05", "2026-02-01", "2026-02-03"], utc=True),
                        "source": ["ana", "ben", "ana", "cy"], "target": ["ben", "ana", "cy", "ana"],
                        "channel": ["email", "call", "email", "call"]})
    events = tmp_path / "log.csv"
    log.to_csv(events, index=False)
    scorer = relscore.Scorer(reciprocity=0.8, channels={"email": (2.0, "30d"), "call": (3.0, "10d")}, defaults=False)
    config = scorer.config()
    config["star_thresholds"] = [0.1, 0.5, 100, 200, 300]
    path = tmp_path / "fitted.json"
    path.write_text(json.dumps(config))
    table = pd.read_csv(io.StringIO(run(cli, "score", str(events), "--config", str(path), "--format", "csv").stdout))
    python = relscore.Scorer.from_config(path)
    python.add_dataframe(log)
    for row in table.itertuples():
        assert row.strength == pytest.approx(python.between(row.a, row.b).strength, rel=1e-12)
    stars = pd.read_csv(io.StringIO(run(cli, "stars", str(events), "--config", str(path), "--format", "csv").stdout))
    for row in stars.itertuples():
        assert row.stars == python.stars(row.a, row.b, thresholds=config["star_thresholds"])
    assert set(stars["stars"]) <= {0, 1, 2}  # the file's thresholds: 3 stars need a strength of 100
    for text, message in (("nope", "not JSON"), ("{}", "not a relscore configuration"),
                          ('{"format": "relscore-config", "version": 9}', "version 9 is not supported"),
                          ('{"format": "relscore-config", "version": 1, "reciprocity": 2, "channels": []}',
                           "reciprocity 2 is not in [0, 1]")):
        bad = tmp_path / "bad.json"
        bad.write_text(text)
        r = run(cli, "score", str(events), "--config", str(bad), check=False)
        assert r.returncode == 2 and f"--config {bad}" in r.stderr and message in r.stderr, r.stderr
    r = run(cli, "score", str(events), "--config", str(path), "--reciprocity", "0.3", check=False)
    assert r.returncode != 0 and "excludes" in r.stderr


def test_fit_command_writes_the_config_that_score_reads(cli, tmp_path):
    """`relscore fit EVENTS LABELS --out FILE` (Python does the fit) writes a file that
    `relscore score --config` and Scorer.from_config read alike."""
    sample = relscore.Scorer()
    sample.add_dataframe(pd.read_csv(SAMPLE), missing_weight="default")
    labels = tmp_path / "labels.csv"
    sample.insight_frame()[["a", "b", "stars"]].to_csv(labels, index=False)
    out = tmp_path / "fitted.json"
    env = dict(os.environ, RELSCORE_PYTHON=sys.executable)
    r = subprocess.run([cli, "fit", str(SAMPLE), str(labels), "--out", str(out), "--folds", "3"],
                       capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "cross-validated agreement" in r.stdout and "fitted" in r.stdout
    config = json.loads(out.read_text())
    assert config["format"] == "relscore-config" and config["fit"]["kind"] == "stars"
    table = pd.read_csv(io.StringIO(run(cli, "score", str(SAMPLE), "--config", str(out), "--format", "csv").stdout))
    python = relscore.Scorer.from_config(out)
    python.add_dataframe(pd.read_csv(SAMPLE), missing_weight="default")
    for row in table.head(10).itertuples():
        assert row.strength == pytest.approx(python.between(row.a, row.b).strength, rel=1e-9)
    r = subprocess.run([cli, "fit", str(SAMPLE), str(tmp_path / "missing.csv")], capture_output=True, text=True, env=env)
    assert r.returncode == 2 and "missing.csv" in r.stderr


def test_a_saved_fit_with_infinite_star_thresholds_is_valid_json_every_reader_takes(cli, tmp_path):
    """Calibration gives +inf for a star no rating calls for; JSON has no infinity, so a
    saved configuration writes null, and Python and the command line take it back as inf
    (json.dumps would write `Infinity`, which the C++ reader refuses as not JSON)."""
    log = pd.DataFrame({"time": pd.to_datetime(["2026-01-01", "2026-01-05", "2026-02-01"], utc=True),
                        "source": ["ana", "ben", "ana"], "target": ["ben", "ana", "cy"],
                        "channel": ["email", "call", "email"]})
    events = tmp_path / "log.csv"
    log.to_csv(events, index=False)
    s = relscore.Scorer()
    s.add_dataframe(log)
    fit = s.calibrate_stars(pd.DataFrame({"a": ["ana", "ana"], "b": ["ben", "cy"], "stars": [2, 0]}))
    assert np.isinf(fit.thresholds).any()
    config = s.config()
    config["star_thresholds"] = list(fit.thresholds)
    path = tmp_path / "fitted.json"
    relscore._fit.FitResult(config=config, kind="stars", link={}, cv=pd.DataFrame()).save(path)
    text = path.read_text()
    assert "Infinity" not in text and json.loads(text)["star_thresholds"].count(None) == int(np.isinf(fit.thresholds).sum())
    assert relscore.Scorer.from_config(path) is not None
    assert relscore._fit.read_config(str(path))["star_thresholds"] == list(fit.thresholds)
    stars = pd.read_csv(io.StringIO(run(cli, "stars", str(events), "--config", str(path), "--format", "csv").stdout))
    for row in stars.itertuples():
        assert row.stars == s.stars(row.a, row.b, thresholds=list(fit.thresholds))
