"""Configuration files read alike by Scorer.from_config and the C++ reader (the CLI's
--config), review 2: Python took "weight": "2" and a float half_life_us, refused a UTF-8
byte order mark, and let UnicodeDecodeError and pandas' OutOfBoundsTimedelta out."""

import json
import os
import subprocess
from pathlib import Path

import pytest

import relscore

ROOT = Path(__file__).resolve().parents[2]
CLI = Path(os.environ.get("RELSCORE_BUILD_DIR", ROOT / "build")) / "relscore"


def config(**channel):
    return {"format": "relscore-config", "version": 1, "reciprocity": 0.5,
            "channels": [{"name": "email", "weight": 1, "half_life_us": 86_400_000_000, **channel}]}


def cli_accepts(tmp_path, path):
    log = tmp_path / "log.csv"
    log.write_text("time,source,target,channel\n2026-01-01T00:00:00Z,a,b,email\n")
    r = subprocess.run([str(CLI), "score", "-q", str(log), "--config", str(path)], capture_output=True)
    assert r.returncode in (0, 2), r.stderr
    return r.returncode == 0


BAD = [
    ("weight as text", json.dumps(config(weight="2")).encode(), r"channels\[0\]\.weight must be a number, got \"2\""),
    ("float half-life", json.dumps(config(half_life_us=8.64e10)).encode(),
     r"channels\[0\]\.half_life_us must be an integer \(microseconds\), got 86400000000\.0"),
    ("huge half-life", json.dumps(config(half_life_us=10**23)).encode(), r"channels\[0\]\.half_life_us must be an integer"),
    ("bool half-life", json.dumps(config(half_life_us=True)).encode(), r"channels\[0\]\.half_life_us must be an integer"),
    ("negative half-life", json.dumps(config(half_life_us=-5)).encode(), r"channels\[0\]: .*half-life"),
    ("weight out of range", json.dumps(config(weight=1e300)).encode(), r"channels\[0\]: .*weight"),
    ("reciprocity as text", json.dumps({**config(), "reciprocity": "0.5"}).encode(), "reciprocity must be a number"),
    ("not UTF-8", json.dumps(config()).replace("email", "caf\xe9").encode("latin-1"), r"not JSON: not UTF-8 text"),
    ("NaN", json.dumps(config(weight=float("nan"))).encode(), r"not JSON: NaN is no JSON number"),
]


@pytest.mark.parametrize("label, data, message", BAD, ids=[b[0] for b in BAD])
def test_python_refuses_what_the_cli_refuses_naming_file_and_field(tmp_path, label, data, message):
    path = tmp_path / "c.json"
    path.write_bytes(data)
    with pytest.raises(ValueError, match=message) as refused:
        relscore.Scorer.from_config(path)
    assert str(path) in str(refused.value)
    if CLI.exists():
        assert not cli_accepts(tmp_path, path)


def test_a_byte_order_mark_is_read_as_the_cli_reads_it(tmp_path):
    path = tmp_path / "c.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(config()).encode())
    assert [c.name for c in relscore.Scorer.from_config(path).channels] == ["email"]
    if CLI.exists():
        assert cli_accepts(tmp_path, path)


def test_a_half_life_past_pandas_nanoseconds_loads(tmp_path):
    """A half-life past 292 years (pandas' nanosecond Timedelta) is no OutOfBoundsTimedelta."""
    path = tmp_path / "c.json"
    path.write_text(json.dumps(config(half_life_us=2**62)))
    half_life = relscore.Scorer.from_config(path).channels[0].half_life
    assert half_life.to_timedelta64().astype("timedelta64[us]").astype("int64") == 2**62


def test_a_file_and_a_dict_are_read_by_the_cli_s_reader(tmp_path):
    """from_config reads through the C++ reader: its errors, naming line and column."""
    path = tmp_path / "c.json"
    path.write_text('{\n  "format": "relscore-config",\n  "version": 1,,\n}')
    with pytest.raises(ValueError, match=r"^relscore\.Scorer\.from_config\(\): .*parse error at line 3, column \d+") \
            as refused:
        relscore.Scorer.from_config(path)
    assert str(path) in str(refused.value)
    with pytest.raises(ValueError, match=r"^relscore\.Scorer\.from_config\(\): channels\[0\]\.half_life_us must be an "
                                         r"integer \(microseconds\), got 18446744073709551615$"):
        relscore.Scorer.from_config(config(half_life_us=2**64 - 1))
