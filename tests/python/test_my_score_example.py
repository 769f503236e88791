"""examples/python/my_score.py: a user's own model evaluated beside the built-in scores under
the same protocol (relscore.evaluate.plan), on a synthetic log made here."""

import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest

import relscore.evaluate as ev

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "examples", "python", "my_score.py")


def load_example():
    spec = importlib.util.spec_from_file_location("my_score", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


my_score = load_example()


def synthetic(n=2500, nodes=50, seed=11):
    """A chronological log where people mostly write to a few favourite contacts, with
    bursts of equal timestamps (so "event" knowledge differs from "batch")."""
    rng = np.random.default_rng(seed)
    favourites = {u: rng.choice(nodes, size=3, replace=False) for u in range(nodes)}
    src = rng.integers(0, nodes, n)
    dst = np.array([rng.choice(favourites[u]) if rng.random() < 0.85 else rng.integers(0, nodes) for u in src])
    dst = np.where(dst == src, (dst + 1) % nodes, dst)
    ts = np.cumsum(rng.integers(0, 3, n) * 900).astype(float)
    return ev.TemporalEdges(src.astype(np.int64), dst.astype(np.int64), ts - ts[0], "synthetic")


class Wrapped:
    """A Python model that returns a compiled model's scores: it must get the compiled AP."""

    def __init__(self, score):
        self.inner = ev.default_model(score).make()

    def observe(self, src, dst, ts):
        self.inner.observe(src, dst, ts)

    def score(self, src, dst, ts):
        return np.asarray(self.inner.score(src, dst, ts))


@pytest.mark.parametrize("knowledge", ev.KNOWLEDGE)
def test_a_python_model_returning_a_builtin_score_gets_its_exact_numbers(knowledge):
    models = {"decay, from Python": lambda: Wrapped("decay"), "relscore, from Python": lambda: Wrapped("relscore")}
    rows = my_score.compare(synthetic(), models, baselines=("decay", "relscore"), settings=ev.SETTINGS,
                            knowledge=knowledge, fit=False, echo=False)
    by_cell = {(r.score, r.setting, r.strategy): r for r in rows}
    assert len(by_cell) == 4 * len(ev.SETTINGS) * len(ev.STRATEGIES)
    for setting in ev.SETTINGS:
        for strategy in ev.STRATEGIES:
            for score in ("decay", "relscore"):
                builtin = by_cell[(score, setting, strategy)]
                mine = by_cell[(f"{score}, from Python", setting, strategy)]
                assert (mine.ap, mine.auc) == (builtin.ap, builtin.auc), (score, setting, strategy)
                assert mine.knowledge == knowledge


def test_the_example_model_gets_a_row_per_cell_and_learns_the_favourites(capsys):
    rows = my_score.compare(synthetic(), fit=False, baselines=("edgebank_unlimited",))
    printed = capsys.readouterr().out
    mine = [r for r in rows if r.score == "my decayed count"]
    assert [r.strategy for r in mine] == list(ev.STRATEGIES)
    for r in mine:
        assert 0 <= r.ap <= 100 and 0 <= r.auc <= 100
        assert f"my decayed count             AP {r.ap:6.2f}  AUC {r.auc:6.2f}" in printed
    random_cell = next(r for r in mine if r.strategy == "random")
    edgebank = next(r for r in rows if r.score == "edgebank_unlimited" and r.strategy == "random")
    # Most messages go to a few favourites: a decayed count ranks them well above random
    # destinations, and its popularity tie-break does better than EdgeBank's 0/1.
    assert random_cell.ap > 85
    assert random_cell.ap > edgebank.ap


def test_the_model_learns_nothing_while_scoring():
    model = my_score.DecayedCount()
    model.observe(np.array([1, 1, 2]), np.array([2, 3, 1]), np.array([0.0, 10.0, 20.0]))
    src, dst, ts = np.array([1, 3, 2, 1]), np.array([3, 1, 3, 4]), np.full(4, 30.0)
    first = model.score(src, dst, ts)
    assert np.array_equal(first, model.score(src, dst, ts))
    # 1 -> 3 happened; 3 -> 1 only the other way (half); 2 -> 3 never, but 3 receives
    # messages; 1 -> 4 never and 4 receives nothing.
    assert first[0] > first[1] > first[2] > first[3] == 0


def test_the_script_runs_on_a_log_and_skips_without_data(tmp_path):
    edges = synthetic(n=1200)
    log = tmp_path / "log.txt"
    log.write_text("".join(f"{s} {d} {int(t)}\n" for s, d, t in zip(edges.src, edges.dst, edges.ts)))
    run = subprocess.run([sys.executable, SCRIPT, str(log), "--negatives", "historical"], capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "historical negatives, batch knowledge" in run.stdout
    assert "my decayed count" in run.stdout and "relscore " in run.stdout

    env = dict(os.environ, RELSCORE_DATA=str(tmp_path / "absent"))
    run = subprocess.run([sys.executable, SCRIPT], capture_output=True, text=True, timeout=120, env=env)
    assert run.returncode == 0, run.stderr
    assert "not found" in run.stdout
