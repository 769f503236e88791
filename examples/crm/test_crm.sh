#!/usr/bin/env bash
# End-to-end test of the crm example on a scratch SQLite database (run by CTest):
#   test_crm.sh CRM RELSCORE_CLI SAMPLE.csv SCRATCH_DIR
# Imports the bundled sample, checks scores against the relscore CLI, logs interactions,
# and checks that a missing or stale snapshot is rebuilt to the same answers.
set -euo pipefail
crm=$1 relscore=$2 sample=$3 scratch=$4
rm -rf "$scratch" && mkdir -p "$scratch"
export CRM_DB="$scratch/crm.db"
snapshot="$CRM_DB.scores"
at=2026-11-01T00:00:00Z
fail() { echo "FAIL: $*" >&2; exit 1; }

"$crm" init "Sam Rivera"
"$crm" import "$sample"
[ -f "$snapshot" ] || fail "no snapshot after import"

# Strengths agree with the relscore CLI on the same log, at the same time.
"$crm" show "Sam Rivera" --at "$at" --top 40 > "$scratch/show_sam.txt"
cat "$scratch/show_sam.txt"
checked=0
while IFS=, read -r a b strength _; do
  [ "$a" = "Sam Rivera" ] || continue
  want=$(printf '%.4f' "$strength")
  got=$(grep -E "^  $b +[0-9]" "$scratch/show_sam.txt" | awk '{print $(NF-5)}')
  [ "$got" = "$want" ] || fail "strength of $b: crm says '$got', relscore says '$want'"
  checked=$((checked + 1))
done < <("$relscore" score "$sample" --for "Sam Rivera" --at "$at" --format csv)
[ "$checked" -ge 20 ] || fail "compared only $checked relationships"
echo "crm agrees with relscore on $checked relationships"

"$crm" today --at "$at" > "$scratch/today_before.txt"
grep -q "Due a touch" "$scratch/today_before.txt" || fail "today does not list who is due a touch"
grep -A3 "Due a touch" "$scratch/today_before.txt" | grep -q "Jordan Kim" || fail "Jordan Kim (drifting) is not due"

# Logging updates the scores incrementally: a new meeting with Jordan Kim strengthens the tie.
"$crm" log "Jordan Kim" -c meeting --mutual --at 2026-10-30T18:00:00Z --note "coffee, finally"
"$crm" show "Jordan Kim" --at "$at" > "$scratch/show_jordan.txt"
grep -q "coffee, finally" "$scratch/show_jordan.txt" || fail "show does not list the logged interaction"
"$crm" today --at "$at" > "$scratch/today_after.txt"
! cmp -s "$scratch/today_before.txt" "$scratch/today_after.txt" || fail "logging a meeting changed nothing"

# Bad input changes nothing: exit status 2, a message, the same scores.
if "$crm" log "Sam Rivera" --at "$at" 2> "$scratch/error.txt"; then fail "a self-interaction was accepted"; fi
grep -q "self-interaction" "$scratch/error.txt" || fail "unclear error: $(cat "$scratch/error.txt")"
if "$crm" log "Priya Shah" -c telepathy 2> "$scratch/error.txt"; then fail "an unknown channel was accepted"; fi
grep -q "unknown channel 'telepathy'" "$scratch/error.txt" || fail "unclear error: $(cat "$scratch/error.txt")"
"$crm" today --at "$at" > "$scratch/today_again.txt"
cmp "$scratch/today_after.txt" "$scratch/today_again.txt" || fail "a refused log changed the scores"

# A missing snapshot is rebuilt from the interactions table, with the same answers.
rm "$snapshot"
"$crm" today --at "$at" > "$scratch/today_rebuilt.txt" 2> "$scratch/rebuild.txt"
grep -q "rebuilt" "$scratch/rebuild.txt" || fail "no rebuild reported"
cmp "$scratch/today_after.txt" "$scratch/today_rebuilt.txt" || fail "rebuilt scores differ"
[ -f "$snapshot" ] || fail "the rebuilt snapshot was not saved"

# A stale snapshot (older than the table) is detected and rebuilt.
cp "$snapshot" "$scratch/old.scores"
"$crm" log "Priya Shah" -c call --from-them --at 2026-10-31T09:00:00Z
"$crm" today --at "$at" > "$scratch/today_fresh.txt" 2> "$scratch/fresh.txt"
[ ! -s "$scratch/fresh.txt" ] || fail "a fresh snapshot was rebuilt: $(cat "$scratch/fresh.txt")"
cp "$scratch/old.scores" "$snapshot"
"$crm" today --at "$at" > "$scratch/today_stale.txt" 2> "$scratch/stale.txt"
grep -q "stale" "$scratch/stale.txt" || fail "stale snapshot not detected"
cmp "$scratch/today_fresh.txt" "$scratch/today_stale.txt" || fail "scores after a stale snapshot differ"

# A corrupted snapshot is rebuilt too.
size=$(stat -c %s "$snapshot")
printf 'XXXX' | dd of="$snapshot" bs=1 seek=$((size / 2)) conv=notrunc status=none
"$crm" today --at "$at" > "$scratch/today_corrupt.txt" 2> "$scratch/corrupt.txt"
grep -q "unreadable" "$scratch/corrupt.txt" || fail "corrupted snapshot not detected"
cmp "$scratch/today_fresh.txt" "$scratch/today_corrupt.txt" || fail "scores after a corrupted snapshot differ"
cat "$scratch/today_fresh.txt"
echo "crm end-to-end: ok"
