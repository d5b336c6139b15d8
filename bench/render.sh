#!/usr/bin/env bash
# gitgate render benchmark: native Kustomize engine vs `kubectl kustomize`.
#
# Generates a Kustomize monorepo (bench/gen_overlays.py: 3 overlays per app, bases,
# a shared Component, SMP and JSON 6902 patches, generators) in a temp dir and, in
# the same run, measures:
#   (a) kubectl kustomize DIR    for every overlay, sequentially (must all succeed)
#   (b) gitgate render DIR       for every overlay, sequentially, one process each;
#                                output compared byte for byte with (a)
#   (c) gitgate check REPO --format json --fail-on never   once, under GNU time
#                                (every kustomization dir, in-process, in parallel)
# and prints a table and the ratios
#   kubectl total / gitgate render total
#   kubectl total / gitgate check wall      (target >= 50)
#
# Default size: --apps 70 = 210 overlays (+ 70 bases + 1 component, 281
# kustomization dirs).  (a) dominates the run: kubectl took 0.24-0.32 s per overlay
# on the 2-core dev machine (load avg 2-3 from other builds), i.e. 50-68 s; (b) and
# (c) take a few seconds, so the whole run is about 1-1.5 min (less on an idle
# machine).  `kubectl` is often a dispatcher script (gcloud SDK) that adds its own
# start-up to every call: that is what a user running `kubectl kustomize` pays, so
# it is measured as installed.
#
# Requirements: bash >= 5 (EPOCHREALTIME), python3 (stdlib only), GNU /usr/bin/time,
# cargo, kubectl (or KUBECTL=/path/to/kubectl).
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: bench/render.sh [--apps N] [--seed N] [--no-build] [--keep] [--show N] [--strict]

  --apps N      apps to generate, 3 overlays each (default 70 = 210 overlays)
  --seed N      generator seed (default 1)
  --no-build    skip `cargo build --release` (binary must already exist)
  --keep        keep the temp dir (repo, every output and diff) and print its path
  --show N      print the diff of at most N mismatching overlays (default 10)
  --strict      exit 1 if any overlay's output differs or check's ratio < 50

Environment: GITGATE_BIN overrides the binary and skips the build (default
target/release/gitgate, honouring CARGO_TARGET_DIR); KUBECTL overrides kubectl
(default: kubectl on PATH).
EOF
}

APPS=70
SEED=1
BUILD=1
KEEP=0
SHOW=10
STRICT=0
TARGET_RATIO=50

need_arg() { [[ $# -ge 2 && -n $2 ]] || { echo "error: $1 needs a value" >&2; usage >&2; exit 2; }; }
while (($#)); do
    case $1 in
        --apps) need_arg "$@"; APPS=$2; shift 2 ;;
        --apps=*) APPS=${1#*=}; shift ;;
        --seed) need_arg "$@"; SEED=$2; shift 2 ;;
        --seed=*) SEED=${1#*=}; shift ;;
        --show) need_arg "$@"; SHOW=$2; shift 2 ;;
        --show=*) SHOW=${1#*=}; shift ;;
        --no-build) BUILD=0; shift ;;
        --keep) KEEP=1; shift ;;
        --strict) STRICT=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "error: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
for v in APPS SEED SHOW; do
    [[ ${!v} =~ ^[0-9]+$ ]] || { echo "error: --${v,,} must be a non-negative integer (got '${!v}')" >&2; exit 2; }
done
((APPS >= 1)) || { echo "error: --apps must be >= 1" >&2; exit 2; }

[[ -n ${EPOCHREALTIME:-} ]] || { echo "error: bash >= 5 required (EPOCHREALTIME)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "error: GNU time not found at /usr/bin/time (apt-get install time)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "error: python3 not found" >&2; exit 1; }
KUBECTL=${KUBECTL:-kubectl}
command -v "$KUBECTL" >/dev/null || { echo "error: $KUBECTL not found (set KUBECTL=...)" >&2; exit 1; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ -n ${GITGATE_BIN:-} ]]; then
    BIN=$GITGATE_BIN
else
    TARGET_DIR=${CARGO_TARGET_DIR:-target}
    [[ $TARGET_DIR == /* ]] || TARGET_DIR=$ROOT/$TARGET_DIR
    BIN=$TARGET_DIR/release/gitgate
fi

log() { printf '==> %s\n' "$*" >&2; }
now_us() { local t=${EPOCHREALTIME//[.,]/}; echo "$t"; }
# child_cpu: cumulative user+sys seconds of this shell's finished children, from the
# `times` builtin (run in this shell, not in a $(...) subshell) -> CHILD_CPU.
child_cpu() {
    times >"$WORK/times.txt"
    CHILD_CPU=$(awk 'NR == 2 { s = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); s += a[1] * 60 + a[2] } printf "%.3f", s }' "$WORK/times.txt")
}

if ((BUILD)) && [[ -z ${GITGATE_BIN:-} ]]; then
    log "building: cargo build --release (in $ROOT, CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target})"
    (cd "$ROOT" && CARGO_TARGET_DIR=$TARGET_DIR cargo build --release)
fi
[[ -x $BIN ]] || { echo "error: gitgate binary not found at $BIN" >&2; exit 1; }
"$BIN" render --help >/dev/null 2>&1 || { echo "error: $BIN has no 'render' subcommand (too old?)" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gitgate-render-bench.XXXXXX")
cleanup() {
    if ((KEEP)); then log "kept $WORK (repo/, kubectl/, gitgate/, diffs/)"; else rm -rf -- "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
REPO=$WORK/repo
mkdir -p "$WORK/kubectl" "$WORK/gitgate" "$WORK/diffs"

log "generating repo: --apps $APPS --seed $SEED"
python3 "$ROOT/bench/gen_overlays.py" "$REPO" --apps "$APPS" --seed "$SEED" >&2
mapfile -t OVERLAYS <"$REPO/overlays.txt"
M=${#OVERLAYS[@]}
N_KUST=$(find "$REPO" -name kustomization.yaml | wc -l)
NPROC=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
KUBECTL_VER=$("$KUBECTL" version --client 2>/dev/null | tr '\n' ' ' | sed 's/ *$//')
GITGATE_VER=$("$BIN" --version 2>/dev/null || echo '?')
LOAD=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')

# Warm the page cache and both tools (first start of a binary is not measured).
find "$REPO" -type f -print0 | xargs -0 cat >/dev/null
"$KUBECTL" kustomize "$REPO/${OVERLAYS[0]}" >/dev/null 2>&1 || true
"$BIN" render "$REPO/${OVERLAYS[0]}" >/dev/null 2>&1 || true

# ------------------------------------------------------- (a) kubectl kustomize
log "(a) $KUBECTL kustomize, $M overlays, sequentially"
child_cpu; cpu0=$CHILD_CPU
t0=$(now_us)
for i in "${!OVERLAYS[@]}"; do
    if ! "$KUBECTL" kustomize "$REPO/${OVERLAYS[i]}" >"$WORK/kubectl/$i.yaml" 2>"$WORK/kubectl/$i.err"; then
        echo "error: kubectl kustomize failed on ${OVERLAYS[i]} (the generator must only write valid overlays):" >&2
        sed 's/^/  /' "$WORK/kubectl/$i.err" | head -n 20 >&2
        exit 1
    fi
done
t1=$(now_us)
KUBECTL_US=$((t1 - t0))
child_cpu; KUBECTL_CPU=$(awk -v a="$cpu0" -v b="$CHILD_CPU" 'BEGIN { printf "%.3f", b - a }')

# ---------------------------------------------------------- (b) gitgate render
log "(b) gitgate render, $M overlays, sequentially (one process each)"
declare -a RC
child_cpu; cpu0=$CHILD_CPU
t0=$(now_us)
for i in "${!OVERLAYS[@]}"; do
    rc=0
    "$BIN" render "$REPO/${OVERLAYS[i]}" >"$WORK/gitgate/$i.yaml" 2>"$WORK/gitgate/$i.err" || rc=$?
    RC[i]=$rc
done
t1=$(now_us)
RENDER_US=$((t1 - t0))
child_cpu; RENDER_CPU=$(awk -v a="$cpu0" -v b="$CHILD_CPU" 'BEGIN { printf "%.3f", b - a }')

# Byte-for-byte comparison (outside the timed loop).
MATCH=0 DIFFER=0 FAILED=0
MISMATCHES=()
for i in "${!OVERLAYS[@]}"; do
    echo "${RC[i]}" >"$WORK/gitgate/$i.rc"
    if ((RC[i] != 0)); then
        FAILED=$((FAILED + 1)); MISMATCHES+=("$i")
    elif cmp -s "$WORK/kubectl/$i.yaml" "$WORK/gitgate/$i.yaml"; then
        MATCH=$((MATCH + 1))
    else
        DIFFER=$((DIFFER + 1)); MISMATCHES+=("$i")
        diff -u --label "kubectl/${OVERLAYS[i]}" --label "gitgate/${OVERLAYS[i]}" \
            "$WORK/kubectl/$i.yaml" "$WORK/gitgate/$i.yaml" >"$WORK/diffs/$i.diff" || true
    fi
done

# Peak RSS of one process of each tool, on the overlay with the largest output
# (measured separately, outside the timed loops).
BIG=0
for i in "${!OVERLAYS[@]}"; do
    (($(stat -c %s "$WORK/kubectl/$i.yaml") > $(stat -c %s "$WORK/kubectl/$BIG.yaml"))) && BIG=$i
done
/usr/bin/time -f '%M' -o "$WORK/rss-kubectl.txt" "$KUBECTL" kustomize "$REPO/${OVERLAYS[BIG]}" >/dev/null 2>&1
/usr/bin/time -f '%M' -o "$WORK/rss-gitgate.txt" "$BIN" render "$REPO/${OVERLAYS[BIG]}" >/dev/null 2>&1 || true
KUBECTL_RSS_KB=$(tail -n 1 "$WORK/rss-kubectl.txt")
RENDER_RSS_KB=$(tail -n 1 "$WORK/rss-gitgate.txt")

# ----------------------------------------------------------- (c) gitgate check
log "(c) gitgate check --format json --fail-on never (all kustomizations, in-process)"
rc=0
t0=$(now_us)
/usr/bin/time -f '%e %U %S %M' -o "$WORK/time.txt" \
    "$BIN" check "$REPO" --format json --fail-on never >"$WORK/report.json" 2>"$WORK/check.err" || rc=$?
t1=$(now_us)
if ((rc != 0)); then
    echo "error: gitgate check exited with status $rc" >&2
    sed 's/^/  stderr: /' "$WORK/check.err" | head -n 40 >&2
    exit 1
fi
CHECK_US=$((t1 - t0))
read -r _ CHECK_USER CHECK_SYS CHECK_RSS_KB < <(tail -n 1 "$WORK/time.txt")

# ------------------------------------------------------------------ report
printf '%s\n' "${OVERLAYS[@]}" >"$WORK/overlays.txt"
printf '%s\n' "${MISMATCHES[@]}" >"$WORK/mismatches.txt"
set +e
python3 - "$WORK" <<PY
import json, os, sys

work = sys.argv[1]
m, n_kust, nproc, apps, seed = $M, $N_KUST, $NPROC, $APPS, $SEED
kubectl_s, kubectl_cpu = $KUBECTL_US / 1e6, $KUBECTL_CPU
render_s, render_cpu = $RENDER_US / 1e6, $RENDER_CPU
check_s, check_user, check_sys, check_rss = $CHECK_US / 1e6, $CHECK_USER, $CHECK_SYS, $CHECK_RSS_KB
kubectl_rss, render_rss, big = $KUBECTL_RSS_KB, $RENDER_RSS_KB, "${OVERLAYS[BIG]}"
match, differ, failed = $MATCH, $DIFFER, $FAILED
target, strict, show = $TARGET_RATIO, $STRICT, $SHOW
kubectl_ver, load, gitgate_ver = """$KUBECTL_VER""", "$LOAD", """$GITGATE_VER"""
repo = "$REPO/"

try:
    report = json.load(open(os.path.join(work, "report.json")))
    summary = report["summary"]
    overlays = summary.get("overlays")
    objects = summary.get("rendered_objects")
    missing = [k for k in ("overlays", "rendered_objects") if k not in summary]
    if missing:
        print(f"warning: check's JSON summary lacks {', '.join(missing)}", file=sys.stderr)
    build_errors = sum(1 for f in report.get("findings", []) if f.get("rule") == "KUST001")
    version = report.get("version")
except Exception as e:  # noqa: BLE001
    sys.exit(f"error: could not read check's JSON report: {e}")

def ms(x):
    return f"{x * 1000:.1f}"

print()
print(f"gitgate render benchmark: {apps} apps (seed {seed}), {m} overlays, "
      f"{n_kust} kustomization dirs; {nproc} CPUs, load avg at start {load}")
print(f"kubectl: {kubectl_ver}; {gitgate_ver} (report version {version})")
print()
hdr = f"{'measurement':<44} {'procs':>5} {'wall s':>8} {'ms/overlay':>10} {'CPU s':>7} {'peak RSS MiB':>12}"
print(hdr)
print("-" * len(hdr))
print(f"{'(a) kubectl kustomize, each overlay':<44} {m:>5} {kubectl_s:>8.3f} {ms(kubectl_s / m):>10} {kubectl_cpu:>7.2f} {kubectl_rss / 1024:>10.1f} [2]")
print(f"{'(b) gitgate render, each overlay':<44} {m:>5} {render_s:>8.3f} {ms(render_s / m):>10} {render_cpu:>7.2f} {render_rss / 1024:>10.1f} [2]")
print(f"{'(c) gitgate check (all kustomizations) [1]':<44} {1:>5} {check_s:>8.3f} {ms(check_s / m):>10} "
      f"{check_user + check_sys:>7.2f} {check_rss / 1024:>12.1f}")
print("-" * len(hdr))
print(f"[1] one process, default --jobs; user {check_user:.2f} s + sys {check_sys:.2f} s; "
      f"summary.overlays = {overlays} (kustomizations rendered, of {n_kust}),")
print(f"    summary.rendered_objects = {objects}, KUST001 build errors = {build_errors}.")
print(f"[2] peak RSS of one process, on the overlay with the largest output ({big});")
print(f"    CPU s of (a)/(b) = user+sys of all the child processes (bash 'times').")
print()
print(f"gitgate render output byte-identical to kubectl: {match}/{m}"
      + (f"   ({differ} differ, {failed} gitgate render failed)" if differ or failed else ""))
r_render = kubectl_s / render_s if render_s > 0 else float("inf")
r_check = kubectl_s / check_s if check_s > 0 else float("inf")
print(f"kubectl total / gitgate render total = {r_render:8.1f}x")
print(f"kubectl total / gitgate check wall   = {r_check:8.1f}x   "
      f"(target >= {target}x: {'OK' if r_check >= target else 'BELOW TARGET'})")

if failed:
    print(f"warning: gitgate failed on {failed} overlays (an error exit is cheaper than a render), "
          "so the ratios above are not a like-for-like comparison")
if build_errors:
    print(f"warning: gitgate check reported {build_errors} KUST001 build errors")
names = open(os.path.join(work, "overlays.txt")).read().split("\n")
mis = [int(x) for x in open(os.path.join(work, "mismatches.txt")).read().split()]
diffs = [i for i in mis if os.path.exists(os.path.join(work, "diffs", f"{i}.diff"))]
fails = [i for i in mis if i not in set(diffs)]
if diffs:
    print()
    print(f"output differs from kubectl ({len(diffs)} overlays; diff -u kubectl gitgate):")
    for k, i in enumerate(diffs):
        text = open(os.path.join(work, "diffs", f"{i}.diff")).read().splitlines()
        changed = sum(1 for l in text if l[:1] in "+-" and l[:3] not in ("+++", "---"))
        print(f"  DIFF  {names[i]}  ({changed} changed lines)")
        if k < show:
            for l in text[:30]:
                print(f"        {l}")
            if len(text) > 30:
                print(f"        ... ({len(text) - 30} more diff lines)")
    if len(diffs) > show:
        print(f"  (diffs shown for the first {show}; --show N / --keep for more)")
if fails:
    print()
    print(f"gitgate render failed ({len(fails)} overlays):")
    groups = {}
    for k, i in enumerate(fails):
        err = open(os.path.join(work, "gitgate", f"{i}.err")).read().strip().splitlines()
        first = err[0].replace(repo, "") if err else "(no message)"
        if k < show:
            print(f"  FAIL  {names[i]} (exit {open(os.path.join(work, 'gitgate', f'{i}.rc')).read().strip()}): {first}")
        groups[first.rsplit(": ", 1)[-1]] = groups.get(first.rsplit(": ", 1)[-1], 0) + 1
    if len(fails) > show:
        print(f"  (first {show} shown) by cause:")
        for msg, c in sorted(groups.items(), key=lambda kv: -kv[1]):
            print(f"  {c:>5} x {msg}")
if strict and (mis or r_check < target):
    sys.exit(1)
PY
status=$?
set -e
exit "$status"
