"""Plots render to PNG files that are real pictures, not blank canvases."""

import os

import numpy as np
import pandas as pd
import pytest

import relscore

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.image  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from relscore import plot  # noqa: E402

SAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "data", "job_search.csv")


@pytest.fixture(scope="module")
def sample():
    events = pd.read_csv(SAMPLE)
    s = relscore.Scorer()
    s.add_dataframe(events, missing_weight="default")
    return s, events


def check_png(path):
    assert os.path.getsize(path) > 10_000
    pixels = matplotlib.image.imread(path)[..., :3]
    # Non-trivial: many distinct colours and real variation, not a blank figure.
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 50
    assert pixels.std() > 0.05


def test_timeline_png(sample, tmp_path):
    s, events = sample
    ax = plot.timeline(s, events, "Sam Rivera", "Daniel Okafor")
    path = tmp_path / "timeline.png"
    ax.figure.savefig(path, dpi=80)
    plt.close(ax.figure)
    check_png(path)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "strength" in labels and "email" in labels


def test_network_png(sample, tmp_path):
    s, _ = sample
    ax = plot.network(s, "Sam Rivera", k=12)
    path = tmp_path / "network.png"
    ax.figure.savefig(path, dpi=80)
    plt.close(ax.figure)
    check_png(path)
    ticks = {t.get_text(): t.get_position()[1] for t in ax.get_yticklabels()}
    assert max(ticks, key=ticks.get) == "Marcus Lee"  # strongest on top


def test_timeline_rejects_strangers(sample):
    s, events = sample
    with pytest.raises(ValueError, match="no interactions"):
        plot.timeline(s, events, "Sam Rivera", "Nobody")
