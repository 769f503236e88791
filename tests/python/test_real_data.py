"""On a real log (SNAP CollegeMsg, read from ../shared/data; skipped when absent):
bulk ingest agrees with the pure-Python reference, and split-and-merge equals one ingest."""

import os

import numpy as np
import pandas as pd
import pytest

import relscore
from reference import close, strength, volumes

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.environ.get("RELSCORE_DATA", os.path.join(ROOT, "..", "shared", "data"))
COLLEGE_MSG = os.path.join(DATA, "snap-collegemsg", "CollegeMsg.txt.gz")

pytestmark = pytest.mark.skipif(not os.path.exists(COLLEGE_MSG), reason=f"real data not found at {COLLEGE_MSG}")


@pytest.fixture(scope="module")
def messages():
    frame = pd.read_csv(COLLEGE_MSG, sep=" ", header=0, names=["source", "target", "time"])
    return frame[frame["source"] != frame["target"]].reset_index(drop=True)  # drop self-messages, if any


def test_college_msg_agrees_with_reference(messages):
    s = relscore.Scorer(half_life="7d")
    s.add_arrays(messages["time"].to_numpy(), messages["source"], messages["target"], channel="message")
    assert s.to_pandas()["interactions"].sum() == len(messages)
    at = int(messages["time"].max()) + 3600
    table = s.to_pandas(at=at)
    # Integer ids come back as integers (issue 17), so the reference uses them as they are.
    events = list(zip(messages["time"], messages["source"], messages["target"],
                      ["message"] * len(messages), [None] * len(messages), [False] * len(messages)))
    channels = {"message": (0.5, 7 * 86400)}
    for row in table.sample(25, random_state=1).itertuples():
        pair = [e for e in events if {e[1], e[2]} == {row.a, row.b}]
        vab, vba = volumes(pair, row.a, row.b, at, channels)
        assert close(row.volume_ab, vab) and close(row.volume_ba, vba)
        assert close(row.strength, strength(vab, vba, 0.5))


def test_college_msg_split_and_merged_equals_one_ingest(messages):
    whole = relscore.Scorer(half_life="1d")
    whole.add_arrays(messages["time"].to_numpy(), messages["source"], messages["target"])
    rng = np.random.default_rng(0)
    part = rng.integers(0, 3, size=len(messages))
    pieces = []
    for k in range(3):
        chunk = messages[part == k].sample(frac=1.0, random_state=k)  # shuffled: out of order
        piece = whole.empty_like()
        piece.add_arrays(chunk["time"].to_numpy(), chunk["source"], chunk["target"])
        pieces.append(piece)
    pieces[0].merge(pieces[1])
    pieces[0].merge(pieces[2])
    merged = pieces[0]
    a = whole.to_pandas(sort=False).set_index(["a", "b"])
    b = merged.to_pandas(sort=False)
    b_key = [tuple(sorted(k)) for k in zip(b["a"].astype(str), b["b"].astype(str))]
    a_key = {tuple(sorted(k)): v for k, v in zip(zip(a.index.get_level_values(0).astype(str),
                                                    a.index.get_level_values(1).astype(str)), a["strength"])}
    assert len(b_key) == len(a_key)
    assert all(close(s, a_key[k], 1e-12) for k, s in zip(b_key, b["strength"]))
