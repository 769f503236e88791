"""``relscore fit EVENTS.csv LABELS.csv [--out FILE]``: the command line's fit (the CLI hands
its arguments to ``python -m relscore._fit_main``, as it does for ``relscore evaluate``).

Reads the log (the CLI's columns: time, source, target, optional channel, weight, mutual)
and the labels (a, b and either stars 0..5 or label 0/1), fits channel weights,
half-lives and ρ with cross-validation (docs/fitting.md), prints the cross-validated
agreement of the fitted model, the defaults and a raw count, and the fitted channels, and
writes the configuration that ``relscore score --config FILE`` (and
``relscore.Scorer.from_config``) read.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import List, Optional

import numpy as np
import pandas as pd

import relscore


def _delimiter(path: str) -> str:
    """The CLI's choice (src/event_log.cpp): tab for .tsv, or a header with tabs and no commas."""
    if path.lower().endswith(".tsv"):
        return "\t"
    with open(path, "rb") as f:
        header = f.readline()
    return "\t" if b"\t" in header and b"," not in header else ","


def _read(path: str) -> pd.DataFrame:
    # Every cell as its text, as the CLI reads it: "007" stays "007" (not the person 7),
    # an empty cell stays empty (not NaN, nor are "NA" or "null" missing values).
    return pd.read_csv(path, sep=_delimiter(path), dtype=str, keep_default_na=False, na_filter=False,
                       encoding="utf-8-sig")


def _bad(path: str, frame: pd.DataFrame, column: str, row: int, what: str) -> ValueError:
    """An error as the CLI words it: file:line:column: column 'name': what."""
    return ValueError(f"{path}:{row + 2}:{frame.columns.get_loc(column) + 1}: column '{column}': {what}")


def _no_empty_ids(path: str, frame: pd.DataFrame, columns: List[str]) -> None:
    for column in columns:
        if column in frame.columns:
            empty = (frame[column] == "").to_numpy()
            if empty.any():
                raise _bad(path, frame, column, int(np.argmax(empty)), "empty person id")


def _read_log(path: str) -> pd.DataFrame:
    """The log as the CLI reads it: ids and times as text (times are parsed by the core's
    parser, as the CLI's), a blank weight the channel's; the mutual flags stay as read:
    fit() parses them as add_dataframe() does (the CLI's true/false, 1/0, yes/no, t/f,
    y/n, blank = false; anything else is an error naming the row)."""
    frame = _read(path)
    _no_empty_ids(path, frame, ["source", "target"])
    if "channel" in frame.columns:  # a blank channel is the default one, as in the CLI
        frame["channel"] = frame["channel"].replace("", relscore.LogColumns().default_channel)
    if "weight" in frame.columns:
        text = frame["weight"]
        weight = pd.to_numeric(text.where(text != ""), errors="coerce")
        unread = (weight.isna() & (text != "")).to_numpy()
        if unread.any():
            row = int(np.argmax(unread))
            raise _bad(path, frame, "weight", row, f"invalid weight '{text.iloc[row]}'")
        frame["weight"] = weight.astype(np.float64)
    return frame


_WHOLE = re.compile(r"-?[0-9]+")


def _read_labels(path: str) -> pd.DataFrame:
    """The labels: a and b as text (empty refused), stars or label as whole numbers."""
    frame = _read(path)
    _no_empty_ids(path, frame, ["a", "b"])
    for column in ("stars", "label"):
        if column in frame.columns:
            whole = frame[column].map(lambda t: _WHOLE.fullmatch(t.strip()) is not None).to_numpy(dtype=bool)
            if not whole.all():
                row = int(np.argmax(~whole))
                raise _bad(path, frame, column, row, f"invalid {column} '{frame[column].iloc[row]}' (expected a whole "
                                                     f"number: {'0..5' if column == 'stars' else '0 or 1'})")
            frame[column] = frame[column].str.strip().astype(np.int64) if len(frame) else frame[column].astype(np.int64)
    return frame


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="relscore fit", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("events", help="the interaction log (CSV with a header row)")
    parser.add_argument("labels", help="your labels: CSV with a, b and stars (0..5) or label (0/1)")
    parser.add_argument("--out", default="relscore-config.json", help="where to write the configuration (default %(default)s)")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (default %(default)s)")
    args = parser.parse_args(argv)
    try:
        fit = relscore.fit(_read_log(args.events), _read_labels(args.labels), folds=args.folds)
        print("cross-validated agreement with your labels (mean over folds):")
        print(fit.summary.round(3).to_string())
        print()
        print(fit.channels.round({"weight": 3, "start_weight": 3}).to_string(index=False))
        print(f"rho {fit.reciprocity:.3f}")
        fit.save(args.out)
    except (OSError, ValueError, KeyError, TypeError, OverflowError) as exc:  # the CLI's exit status 2: failed
        print(f"relscore fit: error: {exc}", file=sys.stderr)
        return 2
    print(f"\nwrote {args.out}: relscore score {args.events} --config {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
