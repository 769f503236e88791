"""The outputs the README shows are the golden files the CLI tests pin
(tests/cpp/cli.cpp and cli_network.cpp run `make demo`'s commands against tests/golden/)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A marker line, then a fenced block: <!-- golden: tests/golden/NAME.txt ... -->
BLOCK = re.compile(r"<!-- golden: (\S+)[^\n]*-->\n```\n(.*?)```\n", re.S)


def excerpt_matches(shown: str, golden: str) -> bool:
    """True if `shown` is `golden` with runs of lines left out where it says "...":
    each part between "..." lines appears as consecutive lines of the golden, in order."""
    lines = golden.splitlines()
    parts, part = [], []
    for line in shown.splitlines():
        if line.startswith("$ "):  # the command, shown before its output
            continue
        if line == "...":
            parts.append(part)
            part = []
        else:
            part.append(line)
    parts.append(part)
    at = 0
    for part in parts:
        if not part:
            continue
        for start in range(at, len(lines) - len(part) + 1):
            if lines[start:start + len(part)] == part:
                at = start + len(part)
                break
        else:
            return False
    return True


def test_every_readme_output_block_is_its_golden_file():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = BLOCK.findall(readme)
    assert {name for name, _ in blocks} == {
        "tests/golden/stars_sam.txt", "tests/golden/explain_sam_daniel.txt", "tests/golden/due_sam.txt",
        "tests/golden/intro_sam_grace.txt", "tests/golden/fit_stars.txt"}
    for name, shown in blocks:
        golden = (ROOT / name).read_text(encoding="utf-8")
        assert excerpt_matches(shown, golden), f"README's block for {name} differs from the golden file"
    # Every marker is followed by its block (a marker without one would be skipped above).
    assert readme.count("<!-- golden:") == len(blocks)


def test_excerpts_are_strict():
    golden = "h\n-\na\nb\nc\nd\n"
    assert excerpt_matches("h\n-\na\n...\nd\n", golden)
    assert excerpt_matches("c\nd\n", golden)
    assert not excerpt_matches("h\n-\nb\n", golden)       # a line left out without "..."
    assert not excerpt_matches("h\n-\na\n...\nx\n", golden)
    assert not excerpt_matches("d\n...\na\n", golden)     # out of order
    assert not excerpt_matches("h\n-\na \n", golden)       # whitespace counts
