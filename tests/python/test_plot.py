"""Plots render to PNG files that are real pictures, not blank canvases."""

import os

import numpy as np
import pandas as pd
import pytest

import relscore

matplotlib = pytest.importorskip("matplotlib")
pytest.importorskip("networkx")
matplotlib.use("Agg")
import matplotlib.colors  # noqa: E402
import matplotlib.dates  # noqa: E402
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


def render(ax, path):
    ax.figure.savefig(path, dpi=80)
    check_png(path)


def assert_legend_inside(ax):
    ax.figure.canvas.draw()
    legend = ax.get_legend()
    assert legend is not None
    box, frame = legend.get_window_extent(), ax.get_window_extent()
    assert frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1 and frame.y0 - 1 <= box.y0 and box.y1 <= frame.y1 + 1, \
        (box, frame)


def assert_tick_labels_do_not_overlap(ax):
    ax.figure.canvas.draw()
    boxes = [t.get_window_extent() for t in ax.get_xticklabels() if t.get_text() and t.get_visible()]
    assert len(boxes) >= 3
    boxes.sort(key=lambda b: b.x0)
    for left, right in zip(boxes, boxes[1:]):
        assert left.x1 <= right.x0, (left, right)


def test_timeline_png(sample, tmp_path):
    s, events = sample
    ax = plot.timeline(s, events, "Sam Rivera", "Daniel Okafor")
    render(ax, tmp_path / "timeline.png")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "strength" in labels and "email" in labels
    assert "Sam Rivera → Daniel Okafor" in labels
    assert isinstance(ax.xaxis.get_major_formatter(), matplotlib.dates.ConciseDateFormatter)
    assert_tick_labels_do_not_overlap(ax)
    assert_legend_inside(ax)
    plt.close(ax.figure)


def test_timeline_into_a_given_axes_keeps_its_legend_inside(sample, tmp_path):
    s, events = sample
    fig, axes = plt.subplots(2, 2, figsize=(9, 6), layout="constrained")
    ax = plot.timeline(s, events, "Sam Rivera", "Jordan Kim", ax=axes[0, 1])
    assert ax is axes[0, 1] and axes[0, 0].get_legend() is None
    render(ax, tmp_path / "timeline_ax.png")
    assert_legend_inside(ax)
    assert_tick_labels_do_not_overlap(ax)
    plt.close(fig)


def test_timeline_colours_direction_and_channel_apart(sample):
    s, events = sample
    ax = plot.timeline(s, events, "Sam Rivera", "Daniel Okafor")
    lines = {line.get_label(): matplotlib.colors.to_hex(line.get_color()) for line in ax.get_lines()}
    direction = {lines["volume Sam Rivera → Daniel Okafor"], lines["volume Daniel Okafor → Sam Rivera"]}
    fills = {matplotlib.colors.to_hex(c) for coll in ax.collections for c in coll.get_facecolors()}
    edges = {matplotlib.colors.to_hex(c) for coll in ax.collections for c in coll.get_edgecolors()}
    assert len(direction) == 2 and not direction & fills  # no channel wears a direction's colour
    assert direction <= edges  # the marks' edges say the direction
    plt.close(ax.figure)


def test_timeline_with_thousands_of_interactions_draws_density_strips(tmp_path):
    rng = np.random.default_rng(0)
    n = 5000
    src = rng.choice(["a", "b"], n)
    events = pd.DataFrame({"time": np.sort(1_700_000_000 + rng.integers(0, 365 * 86400, n)), "source": src,
                           "target": np.where(src == "a", "b", "a"), "channel": rng.choice(["email", "call", "message"], n),
                           "mutual": rng.random(n) < 0.1})
    s = relscore.Scorer()
    s.add_dataframe(events)
    ax = plot.timeline(s, events, "a", "b", points=200)
    marks = sum(len(c.get_offsets()) for c in ax.collections)
    assert marks == 0  # no scatter of 5000 markers
    assert 50 <= len(ax.patches) <= 9 * 200  # binned: at most one bar per bin, channel and direction
    render(ax, tmp_path / "dense.png")
    assert_legend_inside(ax)
    assert_tick_labels_do_not_overlap(ax)
    plt.close(ax.figure)


def _edges(ax):
    from matplotlib.collections import LineCollection

    collections = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert collections
    return np.concatenate([c.get_linewidths() for c in collections]), sum(len(c.get_segments()) for c in collections)


def test_network_png(sample, tmp_path):
    s, _ = sample
    ax = plot.network(s, "Sam Rivera", k=12)
    render(ax, tmp_path / "network.png")
    widths, count = _edges(ax)
    assert count >= 12  # every tie of Sam's, and the contacts' ties among themselves
    assert widths.max() > 4 * widths.min() and widths.min() >= 0.8
    positions = {t.get_text(): t.get_position() for t in ax.texts}
    assert "Marcus Lee" in positions and "Sam Rivera" in positions
    assert_legend_inside(ax)
    plt.close(ax.figure)


def test_network_keeps_near_zero_ties_visible_and_takes_integer_ids(tmp_path):
    s = relscore.Scorer()
    s.add(1_700_000_000, 1, 2, channel="meeting", mutual=True)
    s.add(1_700_000_000, 1, 3, channel="email", weight=1e-9)  # a tie next to nothing
    s.add(1_700_000_000, 2, 3, channel="call")
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    ax = plot.network(s, "1", ax=axes[0])  # either spelling of an integer id
    widths, count = _edges(ax)
    assert count == 3 and widths.min() >= 0.8
    assert {t.get_text() for t in ax.texts} >= {"1", "2", "3"}
    whole = plot.network(s, k=5, ax=axes[1])
    assert _edges(whole)[1] == 3
    render(ax, tmp_path / "small.png")
    assert_legend_inside(ax)
    assert_legend_inside(whole)
    plt.close(fig)


def test_timeline_rejects_strangers(sample):
    s, events = sample
    with pytest.raises(ValueError, match="no interactions"):
        plot.timeline(s, events, "Sam Rivera", "Nobody")


def test_timeline_from_retained_events_draws_the_same_curves(sample, tmp_path):
    _, events = sample
    s = relscore.Scorer(retain_events=True)
    s.add_dataframe(events, missing_weight="default")
    from_log = plot.timeline(s, events, "Sam Rivera", "Daniel Okafor", points=120)
    kept = plot.timeline(s, None, "Sam Rivera", "Daniel Okafor", points=120)
    for x, y in zip(from_log.get_lines(), kept.get_lines()):
        assert x.get_label() == y.get_label()
        np.testing.assert_allclose(x.get_ydata(), y.get_ydata(), rtol=1e-12)
    assert len(from_log.collections) == len(kept.collections)
    render(kept, tmp_path / "kept.png")
    plt.close("all")
    plain = relscore.Scorer()
    plain.add_dataframe(events, missing_weight="default")
    with pytest.raises(ValueError, match="retain_events=True"):
        plot.timeline(plain, None, "Sam Rivera", "Daniel Okafor")


def test_timeline_takes_integer_ids_as_the_scorer_does_and_refuses_other_types():
    """Review: timeline() matched ids by str(), so a float 1.0 or True was looked up as "1.0"
    or "True" (and a float column of ids as "1.0"), never refused; it now reads ids as
    add_dataframe and every query do."""
    events = pd.DataFrame({"time": [1_700_000_000, 1_700_086_400, 1_700_172_800],
                           "source": [1, 2, 1], "target": [2, 1, 3], "channel": ["call", "email", "email"]})
    s = relscore.Scorer()
    s.add_dataframe(events)
    ax = plot.timeline(s, events, 1, 2, points=20)
    again = plot.timeline(s, events, np.int64(2), 1, points=20)  # numpy ints, either order: the pair seen from 2
    lines, lines_again = ax.get_lines(), again.get_lines()
    assert len(lines) == len(lines_again) == 3
    for axes, (a, b) in ((ax, (1, 2)), (again, (2, 1))):  # each curve ends at the scorer's value, named by direction
        r = s.between(a, b)
        ends = [line.get_ydata()[-1] for line in axes.get_lines()]
        assert ends == pytest.approx([r.strength, r.volume_ab, r.volume_ba])
        assert [line.get_label() for line in axes.get_lines()] == ["strength", f"volume {a} → {b}", f"volume {b} → {a}"]
    for k, k_again in ((0, 0), (1, 2), (2, 1)):  # strength; each direction's volume, the other way round
        assert lines_again[k_again].get_label() == lines[k].get_label()
        np.testing.assert_array_equal(lines_again[k_again].get_xdata(), lines[k].get_xdata())
        np.testing.assert_allclose(lines_again[k_again].get_ydata(), lines[k].get_ydata())

    def marks(axes, a, b):  # each interaction's mark: time, direction (a → b's row on top), fill colour
        ys = [y for c in axes.collections for _, y in c.get_offsets()]
        row = {max(ys): f"{a} → {b}", min(ys): f"{b} → {a}"}
        return sorted((x, row[y], tuple(c.get_facecolor()[0])) for c in axes.collections for x, y in c.get_offsets())

    pair = events[events.target != 3]  # the interactions of 1 and 2, each in its own direction's row
    got = marks(ax, 1, 2)
    assert [d for _, d, _ in got] == [f"{u} → {v}" for u, v in zip(pair.source, pair.target)]
    assert [x for x, _, _ in got] == pytest.approx(matplotlib.dates.date2num(pd.to_datetime(pair.time, unit="s", utc=True)))
    assert marks(again, 2, 1) == got
    for a, b, what in ((1.0, 2, "a"), (1, True, "b"), (None, 2, "a")):
        with pytest.raises(ValueError, match=f"{what} must be a string or an integer id"):
            plot.timeline(s, events, a, b)
    floats = events.astype({"source": float})
    with pytest.raises(ValueError, match=r"source at row 0: person id 1\.0 is a float"):
        plot.timeline(s, floats, 1, 2)
    for points in (0, -5, 2.5):
        with pytest.raises(ValueError, match="points"):
            plot.timeline(s, events, 1, 2, points=points)
    with pytest.raises(ValueError, match="max_markers"):
        plot.timeline(s, events, 1, 2, max_markers=-1)
    plt.close("all")
