#!/usr/bin/env bash
# Recomputes the figures the docs state that are cheap to recompute, and fails when a doc
# is more than 10 % off. A figure is marked in the docs by a comment right after its
# number, e.g. `about 522<!-- check-docs: snapshot_bytes_per_relationship --> bytes`;
# whoever changes what a figure measures updates that number, nothing here.
#
#   scripts/check-docs.sh            (run by `make test`; BUILD and PY as in the Makefile)
#
# Figures:
#   ctest_tests_asan                  tests `make test-asan` runs (no consumers, no Doxygen, no
#                                     benchmarks): ctest --test-dir build -N --label-exclude consumer
#                                     -E 'docs_doxygen|bench_smoke'
#   snapshot_bytes_per_relationship   len(Scorer().to_bytes()) / relationships, SNAP email-Eu-core
#   snapshot_bytes_per_relationship_volumes_only   the same with Scorer(conversations=False)
#   email_eu_core_snapshot_mb         len(Scorer().to_bytes()) / 1e6 on that log
# The last three need ../shared/data (or $RELSCORE_DATA): without it they are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
PY=${PY:-.venv/bin/python}
DATA=${RELSCORE_DATA:-../shared/data}
EMAIL_EU="$DATA/snap-email-eu-core-temporal/email-Eu-core-temporal.txt.gz"

figures=$(mktemp)
trap 'rm -f "$figures"' EXIT

tests=$(ctest --test-dir "$BUILD" -N --label-exclude consumer -E 'docs_doxygen|bench_smoke' | sed -n 's/^Total Tests: \([0-9]*\)$/\1/p')
if [ -z "$tests" ]; then
  echo "check-docs: cannot count the tests in $BUILD (build it first)" >&2
  exit 1
fi
echo "ctest_tests_asan $tests" >> "$figures"

if [ -f "$EMAIL_EU" ]; then
  "$PY" - "$EMAIL_EU" >> "$figures" <<'EOF'
import sys

import pandas as pd

import relscore

log = pd.read_csv(sys.argv[1], sep=" ", header=None, names=["source", "target", "time"])
log["channel"] = "email"
for suffix, kwargs in (("", {}), ("_volumes_only", {"conversations": False})):
    s = relscore.Scorer(**kwargs)
    s.add_dataframe(log, missing_weight="default")
    size = len(s.to_bytes())
    print(f"snapshot_bytes_per_relationship{suffix} {size / len(s)}")
    if not kwargs:
        print(f"email_eu_core_snapshot_mb {size / 1e6}")
EOF
else
  echo "check-docs: $EMAIL_EU not found: snapshot figures skipped"
fi

"$PY" - "$figures" README.md docs/*.md <<'EOF'
import re
import sys

computed = {}
with open(sys.argv[1]) as f:
    for line in f:
        name, value = line.split()
        computed[name] = float(value)
known = {"ctest_tests_asan", "snapshot_bytes_per_relationship", "snapshot_bytes_per_relationship_volumes_only",
         "email_eu_core_snapshot_mb"}
marker = re.compile(r"([0-9][0-9,]*(?:\.[0-9]+)?)<!-- check-docs: (\S+) -->")
failures, seen = [], set()
for path in sys.argv[2:]:
    text = open(path, encoding="utf-8").read()
    for m in marker.finditer(text):
        doc, name = float(m.group(1).replace(",", "")), m.group(2)
        line = text.count("\n", 0, m.start()) + 1
        if name not in known:
            failures.append(f"{path}:{line}: unknown figure '{name}'")
            continue
        seen.add(name)
        if name not in computed:
            continue  # skipped (no shared data)
        actual = computed[name]
        drift = abs(doc - actual) / actual
        status = "ok" if drift <= 0.10 else "DRIFTED"
        print(f"check-docs: {path}:{line}: {name} = {m.group(1)}, recomputed {actual:.4g} ({drift:.1%}) {status}")
        if drift > 0.10:
            failures.append(f"{path}:{line}: {name} is {m.group(1)} in the doc but {actual:.4g} now (off by {drift:.0%})")
for name in sorted(known - seen):
    failures.append(f"no doc states the figure '{name}' (a marker was removed?)")
for f in failures:
    print(f"check-docs: {f}", file=sys.stderr)
sys.exit(1 if failures else 0)
EOF
