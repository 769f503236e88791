"""examples/python/analyst.py runs on the bundled sample and writes real plots."""

import os
import subprocess
import sys

import pandas as pd
import pytest

pytest.importorskip("matplotlib")
import matplotlib.image  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "examples", "python", "analyst.py")


def test_analyst_on_the_sample(tmp_path):
    result = subprocess.run([sys.executable, SCRIPT, "--out", str(tmp_path), "--sample"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "job_search sample" in result.stdout
    assert "Sam Rivera's strongest tie: Marcus Lee" in result.stdout  # the sample's story
    for png in ("network.png", "timeline_strongest.png", "timeline_drifted.png", "reciprocity.png"):
        image = matplotlib.image.imread(tmp_path / png)
        assert image.shape[0] > 100 and image.std() > 0.01, f"{png} looks blank"
    table = pd.read_csv(tmp_path / "relationships.csv")
    assert list(table.columns[:3]) == ["a", "b", "strength"]
    assert table["strength"].is_monotonic_decreasing


def test_analyst_refuses_a_missing_out_flag():
    result = subprocess.run([sys.executable, SCRIPT], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--out" in result.stderr
