#!/usr/bin/env bash
# gitgate baseline benchmark: what `--baseline` costs on a full check.
#
# Generates a synthetic GitOps repo (bench/gen_repo.py) with findings (the bundled policies
# find plenty in it), writes a baseline of every finding, then measures, best of N runs each:
#   (a) gitgate check REPO --format json              (no baseline)
#   (b) gitgate check REPO --format json --baseline B (every finding matched)
# and prints the findings, the baseline's size and the ratio (b)/(a) (target: <= 1.05).
#
# Usage: bench/baseline.sh [--manifests N] [--runs N] [--no-build]
# Environment: GITGATE_BIN overrides the binary (default target/release/gitgate, honouring
# CARGO_TARGET_DIR). Requirements: bash >= 5 (EPOCHREALTIME), python3.
set -euo pipefail

MANIFESTS=2000
RUNS=3
BUILD=1
while (($#)); do
    case $1 in
        --manifests) MANIFESTS=${2:?--manifests needs a value}; shift 2 ;;
        --runs) RUNS=${2:?--runs needs a value}; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "error: unknown argument: $1" >&2; exit 2 ;;
    esac
done
[[ $MANIFESTS =~ ^[1-9][0-9]*$ && $RUNS =~ ^[1-9][0-9]*$ ]] ||
    { echo "error: --manifests and --runs take positive integers" >&2; exit 2; }
[[ -n ${EPOCHREALTIME:-} ]] || { echo "error: bash >= 5 required (EPOCHREALTIME)" >&2; exit 1; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ -n ${GITGATE_BIN:-} ]]; then
    BIN=$GITGATE_BIN
else
    TARGET_DIR=${CARGO_TARGET_DIR:-target}
    [[ $TARGET_DIR == /* ]] || TARGET_DIR=$ROOT/$TARGET_DIR
    BIN=$TARGET_DIR/release/gitgate
    if ((BUILD)); then
        (cd "$ROOT" && cargo build --release >&2)
    fi
fi
[[ -x $BIN ]] || { echo "error: gitgate binary not found at $BIN" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gitgate-bench.XXXXXX")
trap 'rm -rf -- "$WORK"' EXIT
REPO=$WORK/repo
python3 "$ROOT/bench/gen_repo.py" "$REPO" --manifests "$MANIFESTS" --seed 1 >&2

# best_us CMD...: the best wall time of RUNS runs, in microseconds (exit codes 0 and 1 are
# results; anything else is an error).
best_us() {
    local best="" t0 t1 rc
    for ((i = 1; i <= RUNS; i++)); do
        t0=${EPOCHREALTIME//[.,]/}
        rc=0
        "$@" >"$WORK/out.json" 2>"$WORK/err.txt" || rc=$?
        t1=${EPOCHREALTIME//[.,]/}
        if ((rc > 1)); then
            echo "error: exit $rc: $*" >&2
            head -n 20 "$WORK/err.txt" >&2
            exit 1
        fi
        if [[ -z $best ]] || ((t1 - t0 < best)); then best=$((t1 - t0)); fi
    done
    echo "$best"
}

"$BIN" check "$REPO" --write-baseline "$WORK/baseline.json" >/dev/null 2>&1
A=$(best_us "$BIN" check "$REPO" --format json)
FINDINGS=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$WORK/out.json")
B=$(best_us "$BIN" check "$REPO" --format json --baseline "$WORK/baseline.json")
read -r NEW STILL < <(python3 -c 'import json,sys
b = json.load(open(sys.argv[1]))["summary"]["baseline"]
print(b["new"], b["still_present"])' "$WORK/out.json")
SIZE=$(wc -c <"$WORK/baseline.json")

python3 - "$MANIFESTS" "$FINDINGS" "$SIZE" "$A" "$B" "$NEW" "$STILL" <<'PY'
import sys
m, f, size, a, b, new, still = sys.argv[1:]
a, b = int(a) / 1e6, int(b) / 1e6
print(f"repo: {m} manifests; findings: {f}; baseline: {size} bytes")
print(f"(a) check, no baseline:   {a:8.3f} s")
print(f"(b) check with baseline:  {b:8.3f} s  ({new} new, {still} still present)")
print(f"ratio (b)/(a): {b / a:.3f} (target <= 1.05)")
PY
