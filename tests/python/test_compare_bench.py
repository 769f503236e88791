"""bench/python/compare.py at a tiny size, so the comparison cannot rot: every contender
runs and agrees with relscore, a wrong contender fails the run, the plot is written."""

import importlib.util
import os
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "bench", "python", "compare.py")


@pytest.fixture(scope="module")
def compare():
    spec = importlib.util.spec_from_file_location("relscore_compare_bench", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def test_synthetic_log_has_the_asked_pairs_no_self_loops_and_time_order(compare):
    log = compare.synthetic_log(20_000, 3_000, seed=1)
    assert log.size == 20_000
    assert log.distinct_pairs() == 3_000
    assert not (log.source == log.target).any()
    assert (np.diff(log.time_s) >= 0).all()
    assert np.unique(log.time_s).size < log.size  # bursty: some interactions share a second
    out_degree = np.bincount(log.source)
    assert out_degree.max() > 20 * np.median(out_degree[out_degree > 0])  # heavy-tailed
    short = compare.synthetic_log(500, 3_000, seed=1)
    assert short.distinct_pairs() == 500  # fewer interactions than pairs: every one a new pair


def test_every_contender_runs_checks_and_plots(compare, tmp_path, capsys):
    plot = tmp_path / "throughput.png"
    status = compare.main(["--sizes", "1e4", "--pairs", "1e3", "--repeat", "1", "--no-real", "--plot", str(plot),
                           "--sweep-sizes", "2000,5000", "--sweep-pairs", "100,1000", "--sweep-log-size", "2000"])
    out = capsys.readouterr().out
    assert status == 0, out
    contenders, _ = compare.available_contenders([])
    for name in contenders:
        assert f"\n{name} " in out
    assert "CHECK FAILED" not in out
    assert plot.stat().st_size > 10_000


def test_a_wrong_answer_fails_the_run(compare):
    log = compare.synthetic_log(5_000, 500, seed=2)

    def off_by_a_little(log):  # the right sums but one pair's volume 1e-6 too large
        src, dst, vol = compare.numpy_bincount(log)
        vol = vol.copy()
        vol[0] *= 1 + 1e-6
        return src, dst, vol

    def one_pair_missing(log):
        src, dst, vol = compare.numpy_bincount(log)
        return src[1:], dst[1:], vol[1:]

    for wrong in (off_by_a_little, one_pair_missing):
        contenders = {compare.BASELINE: compare.relscore_bulk(False), "wrong": wrong}
        with pytest.raises(compare.CheckFailed, match="wrong"):
            compare.compare(log, contenders, repeat=0, slow=60, verbose=False)


DATA = os.environ.get("RELSCORE_DATA", os.path.join(ROOT, "..", "shared", "data"))


@pytest.mark.skipif(not os.path.exists(os.path.join(DATA, "snap-email-eu-core-temporal")),
                    reason=f"real data not found under {DATA}")
def test_email_eu_core_agrees(compare, capsys):
    # The fast contenders only (the pure-Python loops take seconds on 332 k rows).
    status = compare.main(["--sizes", "2e3", "--pairs", "100", "--repeat", "0", "--skip", "streaming,dict"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "email-Eu-core (332,334)" in out
