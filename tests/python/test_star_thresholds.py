"""Star thresholds are checked by the core wherever they come in (stars(), insight_frame(),
a configuration): NaN, negative, decreasing or not five raise ValueError naming the
argument and the position. Equal thresholds and inf ("no strength earns this star") are
what calibrate_stars() gives, and are taken back."""

import json

import numpy as np
import pandas as pd
import pytest

import relscore


@pytest.fixture
def s():
    s = relscore.Scorer()
    for day in range(1, 30):
        s.add(f"2026-01-{day:02d}", "ana", "ben", channel="call", mutual=True)
    s.add("2026-01-03", "ana", "cy", channel="email")
    return s


BAD = [
    ([1, 2, float("nan"), 4, 5], r"thresholds\[2\] \(the strength for 3 stars\) is nan: not a number"),
    ([1, 2, 6, 4, 5], r"thresholds\[3\] \(the strength for 4 stars\) is 4: below the one for 3 stars \(6\)"),
    ([-1, 2, 3, 4, 5], r"thresholds\[0\] \(the strength for 1 star\) is -1: a threshold must be >= 0"),
    ([1, 2, 3, 4], r"thresholds must be 5 strengths \(for 1\.\.5 stars\), got 4"),
    ([1, 2, float("inf"), 4, 5], r"thresholds\[3\] \(the strength for 4 stars\) is 4: below"),
]


@pytest.mark.parametrize("thresholds, message", BAD)
def test_stars_and_insight_frame_refuse_bad_thresholds(s, thresholds, message):
    with pytest.raises(ValueError, match=r"^relscore\.Scorer\.stars\(\): " + message):
        s.stars("ana", "ben", thresholds=thresholds)
    with pytest.raises(ValueError, match=r"^relscore\.Scorer\.insight_frame\(\): star_" + message):
        s.insight_frame(star_thresholds=thresholds)


@pytest.mark.parametrize("thresholds, message", BAD)
def test_a_configuration_with_bad_thresholds_is_refused(s, thresholds, message, tmp_path):
    config = s.config()
    config["star_thresholds"] = thresholds
    with pytest.raises(ValueError, match=r"^relscore\.Scorer\.from_config\(\): star_" + message):
        relscore.Scorer.from_config(config)


def test_calibrated_thresholds_with_inf_and_ties_are_taken_back(s):
    ratings = pd.DataFrame({"a": ["ana", "ana"], "b": ["ben", "cy"], "stars": [5, 0]})
    fit = s.calibrate_stars(ratings)
    assert np.isinf(fit.thresholds).any() or len(set(fit.thresholds)) < 5  # what the check must allow
    assert 0 <= s.stars("ana", "ben", thresholds=fit.thresholds) <= 5
    assert s.insight_frame(star_thresholds=fit.thresholds).shape[0] == 2
    config = s.config()
    config["star_thresholds"] = list(fit.thresholds)
    relscore.Scorer.from_config(config)


def test_a_channel_listed_twice_in_a_configuration_is_refused(s, tmp_path):
    config = s.config()
    config["channels"].append(dict(config["channels"][1], weight=9.0))
    name = config["channels"][1]["name"]
    last = len(config["channels"]) - 1
    with pytest.raises(ValueError, match=rf"channels\[{last}\]: channel '{name}' is already defined"):
        relscore.Scorer.from_config(config)
    path = tmp_path / "twice.json"
    path.write_text(json.dumps(config))
    with pytest.raises(ValueError, match=rf"channels\[{last}\]: channel '{name}' is already defined"):
        relscore.Scorer.from_config(str(path))
