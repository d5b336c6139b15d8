#!/usr/bin/env bash
# gitgate PR-mode benchmark: a full `gitgate check` vs `gitgate check --changed-since HEAD`
# on a repository where one base file changed.
#
# Generates a Kustomize monorepo (bench/gen_overlays.py: one base and three overlays per app,
# a shared Component; --apps 84 = 252 overlays, 337 kustomization directories), commits it
# in a fresh Git repository, then changes one base file (the first app's
# base/deployment.yaml: revisionHistoryLimit 10 -> 5), which that app's three overlays use.
# In the same run it measures, alternating, --runs times each:
#   (a) gitgate check REPO --format json --fail-on never
#   (b) gitgate check REPO --format json --fail-on never --changed-since HEAD
# and prints the median wall and CPU time of each and the ratio (b)/(a). PR mode renders only
# the kustomizations the change affects, so (b) should be a small fraction of (a).
#
# Requirements: bash >= 5 (EPOCHREALTIME), python3 (stdlib only), git, GNU /usr/bin/time,
# cargo.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: bench/changed.sh [--apps N] [--seed N] [--runs N] [--no-build] [--keep]

  --apps N      apps to generate, 3 overlays each (default 84 = 252 overlays)
  --seed N      generator seed (default 1)
  --runs N      timed runs of each command, alternating (default 5); medians are printed
  --no-build    skip `cargo build --release` (binary must already exist)
  --keep        keep the temp dir and print its path

Environment: GITGATE_BIN overrides the binary and skips the build (default
target/release/gitgate, honouring CARGO_TARGET_DIR).
EOF
}

APPS=84
SEED=1
RUNS=5
BUILD=1
KEEP=0
need_arg() { [[ $# -ge 2 && -n $2 ]] || { echo "error: $1 needs a value" >&2; usage >&2; exit 2; }; }
while (($#)); do
    case $1 in
        --apps) need_arg "$@"; APPS=$2; shift 2 ;;
        --seed) need_arg "$@"; SEED=$2; shift 2 ;;
        --runs) need_arg "$@"; RUNS=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --keep) KEEP=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "error: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
for v in APPS SEED RUNS; do
    [[ ${!v} =~ ^[0-9]+$ ]] || { echo "error: --${v,,} must be a non-negative integer (got '${!v}')" >&2; exit 2; }
done
((APPS >= 1 && RUNS >= 1)) || { echo "error: --apps and --runs must be >= 1" >&2; exit 2; }
[[ -n ${EPOCHREALTIME:-} ]] || { echo "error: bash >= 5 required (EPOCHREALTIME)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "error: GNU time not found at /usr/bin/time (apt-get install time)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "error: python3 not found" >&2; exit 1; }
command -v git >/dev/null || { echo "error: git not found" >&2; exit 1; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ -n ${GITGATE_BIN:-} ]]; then
    BIN=$GITGATE_BIN
else
    TARGET_DIR=${CARGO_TARGET_DIR:-target}
    [[ $TARGET_DIR == /* ]] || TARGET_DIR=$ROOT/$TARGET_DIR
    BIN=$TARGET_DIR/release/gitgate
    if ((BUILD)); then
        echo "==> building: cargo build --release (CARGO_TARGET_DIR=$TARGET_DIR)" >&2
        (cd "$ROOT" && CARGO_TARGET_DIR=$TARGET_DIR cargo build --release)
    fi
fi
[[ -x $BIN ]] || { echo "error: gitgate binary not found at $BIN" >&2; exit 1; }
"$BIN" check --help 2>/dev/null | grep -q -- --changed-since ||
    { echo "error: $BIN has no --changed-since (too old?)" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gitgate-changed-bench.XXXXXX")
cleanup() {
    if ((KEEP)); then echo "==> kept $WORK" >&2; else rm -rf -- "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
REPO=$WORK/repo

echo "==> generating repo: --apps $APPS --seed $SEED" >&2
python3 "$ROOT/bench/gen_overlays.py" "$REPO" --apps "$APPS" --seed "$SEED" >&2
# Git, isolated from the user's configuration (no global ignore file, no hooks).
export HOME=$WORK GIT_CONFIG_NOSYSTEM=1
gitq() { git -C "$REPO" -c user.name=bench -c user.email=bench@example.com "$@"; }
gitq init -q -b main
gitq add -A
gitq commit -q -m "generated repository"

FIRST=$(head -n 1 "$REPO/overlays.txt")
APP_DIR=${FIRST%/overlays/*}
CHANGED=$APP_DIR/base/deployment.yaml
grep -q 'revisionHistoryLimit: 10' "$REPO/$CHANGED" ||
    { echo "error: $CHANGED has no 'revisionHistoryLimit: 10' to change" >&2; exit 1; }
sed -i 's/revisionHistoryLimit: 10/revisionHistoryLimit: 5/' "$REPO/$CHANGED"
USERS=$(grep -l -- '- ../../base' "$REPO/$APP_DIR"/overlays/*/kustomization.yaml | wc -l)
N_KUST=$(find "$REPO" -name kustomization.yaml | wc -l)
M=$(wc -l <"$REPO/overlays.txt")
echo "==> changed $CHANGED (used by $USERS overlays); git diff --stat:" >&2
gitq diff --stat >&2

FULL=(check "$REPO" --format json --fail-on never)
PR=(check "$REPO" --format json --fail-on never --changed-since HEAD)
# Warm the page cache and the binary; keep one report of each.
"$BIN" "${FULL[@]}" >"$WORK/full.json"
"$BIN" "${PR[@]}" >"$WORK/pr.json"

now_us() { local t=${EPOCHREALTIME//[.,]/}; echo "$t"; }
: >"$WORK/full.tsv"
: >"$WORK/pr.tsv"
measure() { # measure OUT.tsv ARGS... : one run, appends "wall_s cpu_s"
    local out=$1; shift
    local t0 t1
    t0=$(now_us)
    /usr/bin/time -f '%U %S' -o "$WORK/time.txt" "$BIN" "$@" >/dev/null
    t1=$(now_us)
    read -r u s <"$WORK/time.txt"
    awk -v w=$((t1 - t0)) -v u="$u" -v s="$s" 'BEGIN { printf "%.4f %.4f\n", w / 1e6, u + s }' >>"$out"
}
echo "==> timing $RUNS runs of each, alternating" >&2
for ((i = 0; i < RUNS; i++)); do
    measure "$WORK/full.tsv" "${FULL[@]}"
    measure "$WORK/pr.tsv" "${PR[@]}"
done

NPROC=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
LOAD=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
python3 - "$WORK" "$M" "$N_KUST" "$CHANGED" "$USERS" "$NPROC" "$LOAD" "$RUNS" <<'PY'
import json, statistics, sys

work, m, n_kust, changed, users, nproc, load, runs = sys.argv[1:]
def rows(name):
    return [tuple(map(float, l.split())) for l in open(f"{work}/{name}.tsv") if l.strip()]
def med(rs, i):
    return statistics.median(r[i] for r in rs)
full, pr = rows("full"), rows("pr")
fj, pj = json.load(open(f"{work}/full.json")), json.load(open(f"{work}/pr.json"))
fs, ps = fj["summary"], pj["summary"]
c = ps.get("changes") or sys.exit("error: the PR-mode report has no summary.changes")

print()
print(f"gitgate PR-mode benchmark: {m} overlays, {n_kust} kustomization directories; "
      f"{nproc} CPUs, load avg {load}; median of {runs} runs")
print(f"change: {changed} (used by {users} overlays)")
print()
hdr = f"{'run':<40} {'wall s':>8} {'CPU s':>7} {'rendered':>9} {'validated':>9} {'findings':>8}"
print(hdr)
print("-" * len(hdr))
def line(name, rs, s, n):
    print(f"{name:<40} {med(rs, 0):>8.3f} {med(rs, 1):>7.2f} {s['overlays']:>9} "
          f"{s.get('validated_objects', 0):>9} {n:>8}")
line("(a) gitgate check (full)", full, fs, len(fj["findings"]))
line("(b) gitgate check --changed-since HEAD", pr, ps, len(pj["findings"]))
print("-" * len(hdr))
k = c["kustomizations"]
print(f"PR mode: {c['changed_files']} changed file(s); checked {k['affected']} of {k['total']} "
      f"kustomizations ({k['index_only']} more for the policy index); "
      f"{c['hidden']} finding(s) of them not on changed lines")
wall = med(pr, 0) / med(full, 0)
cpu = med(pr, 1) / med(full, 1) if med(full, 1) > 0 else float("nan")
print(f"ratio (b)/(a): wall {wall:.3f} ({1 / wall:.1f}x faster), CPU {cpu:.3f} ({1 / cpu:.1f}x less)")
PY
