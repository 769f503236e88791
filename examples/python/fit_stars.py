"""Fit relscore to your own stars (README, "Fit it to your own stars"; tests/python/test_fit.py
checks that the README shows this script and its output, tests/golden/fit_stars.txt).

    python examples/python/fit_stars.py      (writes my_relscore.json in the current directory)
"""
import numpy as np, pandas as pd, relscore
from relscore.datasets import synthetic_log

log = synthetic_log(20_000, people=200, seed=7)      # time, source, target, channel, weight, mutual
# Stand-in for your own ratings (a, b, stars): a taste that values calls and meetings, forgets
# messages within a week and counts two-way contact most (rho 0.9), rated with some noise.
taste = relscore.Scorer(reciprocity=0.9, channels={"message": (0.2, "7d"), "call": (4, "90d"), "meeting": (4, "60d")})
taste.add_dataframe(log, missing_weight="default")
truth = taste.to_pandas()
noisy = np.log1p(truth["strength"]) + np.random.default_rng(7).normal(0, 0.3, len(truth))
ratings = truth[["a", "b"]].assign(stars=np.digitize(noisy, np.quantile(noisy, [0.4, 0.7, 0.85, 0.95, 0.99])))

fit = relscore.fit(log, ratings)                     # 5-fold cross-validated, against defaults and a count
print(fit.summary.round(3).to_string())
channels = fit.channels.query("channel in ['email', 'message', 'call', 'meeting']").copy()
channels[["half_life", "start_half_life"]] = channels[["half_life", "start_half_life"]].apply(lambda c: c.dt.round("1h"))
print(channels.round({"weight": 2, "start_weight": 2}).to_string(index=False))
print("rho", round(fit.reciprocity, 3), "star thresholds", np.round(fit.star_thresholds, 2).tolist())
fit.save("my_relscore.json")                         # relscore.Scorer.from_config("my_relscore.json")
