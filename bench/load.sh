#!/usr/bin/env bash
# gitgate load benchmark.
#
# Generates a synthetic GitOps repo (bench/gen_repo.py, ~5,000 files / ~20 MB
# by default) in a temp dir and measures, best of N runs each:
#   (a) floor:   find ... -print0 | xargs -0 cat > /dev/null
#   (b) parse:   gitgate __parse-only --jobs 1 DIR   (single-threaded YAML parse;
#                time as reported by the tool, files already in memory)
#   (c) check:   gitgate check DIR --format json --fail-on never --no-render --no-validate
#                (the load stage: walk, read, parse, convert, YAML rules; default jobs = all cores)
#   (d) check with rendering (every kustomization directory built too), once
# and prints throughput, peak RSS, CPU utilisation and the ratios
#   check wall / single-thread parse seconds   (target <= 3.0)
#   check wall / cat wall
#
# Requirements: bash >= 5 (EPOCHREALTIME), python3 (stdlib only), GNU /usr/bin/time, cargo.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: bench/load.sh [--manifests N] [--seed N] [--runs N] [--no-build] [--strict]

  --manifests N   number of YAML files to generate (default 5000, ~20 MB)
  --seed N        generator seed (default 1)
  --runs N        runs per measurement, best is reported (default 3)
  --no-build      skip `cargo build --release` (binary must already exist)
  --strict        exit 1 if check wall / single-thread parse seconds > 3.0

Environment: GITGATE_BIN overrides the binary (default target/release/gitgate,
honouring CARGO_TARGET_DIR).
EOF
}

MANIFESTS=5000
SEED=1
RUNS=3
BUILD=1
STRICT=0
TARGET_RATIO=3.0

need_arg() { [[ $# -ge 2 && -n $2 ]] || { echo "error: $1 needs a value" >&2; usage >&2; exit 2; }; }
while (($#)); do
    case $1 in
        --manifests) need_arg "$@"; MANIFESTS=$2; shift 2 ;;
        --manifests=*) MANIFESTS=${1#*=}; shift ;;
        --seed) need_arg "$@"; SEED=$2; shift 2 ;;
        --seed=*) SEED=${1#*=}; shift ;;
        --runs) need_arg "$@"; RUNS=$2; shift 2 ;;
        --runs=*) RUNS=${1#*=}; shift ;;
        --no-build) BUILD=0; shift ;;
        --strict) STRICT=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "error: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
for v in MANIFESTS SEED RUNS; do
    [[ ${!v} =~ ^[0-9]+$ ]] || { echo "error: --${v,,} must be a non-negative integer (got '${!v}')" >&2; exit 2; }
done
((MANIFESTS >= 1 && RUNS >= 1)) || { echo "error: --manifests and --runs must be >= 1" >&2; exit 2; }

[[ -n ${EPOCHREALTIME:-} ]] || { echo "error: bash >= 5 required (EPOCHREALTIME)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "error: GNU time not found at /usr/bin/time (apt-get install time)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "error: python3 not found" >&2; exit 1; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ -n ${GITGATE_BIN:-} ]]; then
    BIN=$GITGATE_BIN
else
    TARGET_DIR=${CARGO_TARGET_DIR:-target}
    [[ $TARGET_DIR == /* ]] || TARGET_DIR=$ROOT/$TARGET_DIR
    BIN=$TARGET_DIR/release/gitgate
fi

log() { printf '==> %s\n' "$*" >&2; }

if ((BUILD)); then
    log "building: cargo build --release (in $ROOT)"
    (cd "$ROOT" && cargo build --release)
fi
[[ -x $BIN ]] || { echo "error: gitgate binary not found at $BIN" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gitgate-bench.XXXXXX")
cleanup() { rm -rf -- "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
REPO=$WORK/repo

log "generating synthetic repo: --manifests $MANIFESTS --seed $SEED"
python3 "$ROOT/bench/gen_repo.py" "$REPO" --manifests "$MANIFESTS" --seed "$SEED" >&2

N_FILES=$(find "$REPO" -type f \( -name '*.yaml' -o -name '*.yml' \) | wc -l)
N_BYTES=$(find "$REPO" -type f \( -name '*.yaml' -o -name '*.yml' \) -print0 | xargs -0 cat | wc -c)
NPROC=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)

# timed OUTFILE CMD... : run CMD under GNU time; sets WALL_US (microseconds,
# from EPOCHREALTIME), T_USER, T_SYS (seconds), T_RSS_KB.  Aborts on failure.
timed() {
    local out=$1; shift
    local t0 t1 rc=0
    t0=${EPOCHREALTIME//[.,]/}
    /usr/bin/time -f '%e %U %S %M' -o "$WORK/time.txt" "$@" >"$out" 2>"$WORK/stderr.txt" || rc=$?
    t1=${EPOCHREALTIME//[.,]/}
    if ((rc != 0)); then
        echo "error: command failed with exit status $rc: $*" >&2
        sed 's/^/  stderr: /' "$WORK/stderr.txt" | head -n 40 >&2
        exit 1
    fi
    WALL_US=$((t1 - t0))
    local e
    read -r e T_USER T_SYS T_RSS_KB < <(tail -n 1 "$WORK/time.txt")
}

# Warm the page cache so every measurement reads from memory.
find "$REPO" -type f \( -name '*.yaml' -o -name '*.yml' \) -print0 | xargs -0 cat >/dev/null

# ---------------------------------------------------------------- (a) cat floor
log "(a) cat floor, best of $RUNS"
CAT_US=
for ((i = 1; i <= RUNS; i++)); do
    timed /dev/null sh -c 'find "$1" -type f \( -name "*.yaml" -o -name "*.yml" \) -print0 | xargs -0 cat >/dev/null' sh "$REPO"
    if [[ -z $CAT_US ]] || ((WALL_US < CAT_US)); then
        CAT_US=$WALL_US CAT_USER=$T_USER CAT_SYS=$T_SYS
    fi
done

# ---------------------------------------------- (b) single-threaded parse only
log "(b) gitgate __parse-only --jobs 1, best of $RUNS"
PARSE_S= PARSE_US=
for ((i = 1; i <= RUNS; i++)); do
    timed "$WORK/parse.json" "$BIN" __parse-only --jobs 1 "$REPO"
    vals=$(python3 - "$WORK/parse.json" <<'PY'
import json, sys
lines = [l for l in open(sys.argv[1]).read().splitlines() if l.strip()]
if not lines:
    sys.exit("error: __parse-only printed nothing")
d = json.loads(lines[-1])
for k in ("files", "bytes", "documents", "seconds"):
    if k not in d:
        sys.exit(f"error: __parse-only output lacks {k!r}: {lines[-1]}")
print(repr(float(d["seconds"])), int(d["documents"]), int(d["files"]), int(d["bytes"]))
PY
    )
    read -r s pdocs pfiles pbytes <<<"$vals"
    if [[ -z $PARSE_S ]] || awk -v a="$s" -v b="$PARSE_S" 'BEGIN { exit !(a + 0 < b + 0) }'; then
        PARSE_S=$s PARSE_US=$WALL_US PARSE_DOCS=$pdocs PARSE_FILES=$pfiles PARSE_BYTES=$pbytes
        PARSE_USER=$T_USER PARSE_SYS=$T_SYS PARSE_RSS=$T_RSS_KB
    fi
done

# ------------------------------------------------------------ (c) full check
log "(c) gitgate check --format json --fail-on never --no-render --no-validate (default jobs), best of $RUNS"
CHECK_US=
for ((i = 1; i <= RUNS; i++)); do
    timed "$WORK/report.json" "$BIN" check "$REPO" --format json --fail-on never --no-render --no-validate
    if [[ -z $CHECK_US ]] || ((WALL_US < CHECK_US)); then
        CHECK_US=$WALL_US CHECK_USER=$T_USER CHECK_SYS=$T_SYS CHECK_RSS=$T_RSS_KB
        cp "$WORK/report.json" "$WORK/best-report.json"
    fi
done

# -------------------------------------------------- (d) check with rendering
log "(d) gitgate check --format json --fail-on never (with rendering), once"
timed "$WORK/render-report.json" "$BIN" check "$REPO" --format json --fail-on never
RENDER_US=$WALL_US RENDER_USER=$T_USER RENDER_SYS=$T_SYS RENDER_RSS=$T_RSS_KB

# ------------------------------------------------------------------ report
python3 - "$WORK/best-report.json" "$WORK/render-report.json" <<PY
import json, sys

bytes_, files, nproc, runs = $N_BYTES, $N_FILES, $NPROC, $RUNS
cat_s, cat_user, cat_sys = $CAT_US / 1e6, $CAT_USER, $CAT_SYS
parse_s, parse_wall = $PARSE_S, $PARSE_US / 1e6
parse_docs, parse_files, parse_bytes = $PARSE_DOCS, $PARSE_FILES, $PARSE_BYTES
parse_user, parse_sys, parse_rss = $PARSE_USER, $PARSE_SYS, $PARSE_RSS
check_s, check_user, check_sys, check_rss = $CHECK_US / 1e6, $CHECK_USER, $CHECK_SYS, $CHECK_RSS
render_s, render_user, render_sys, render_rss = $RENDER_US / 1e6, $RENDER_USER, $RENDER_SYS, $RENDER_RSS
target, strict = $TARGET_RATIO, $STRICT

try:
    report = json.load(open(sys.argv[1]))
    summary = report["summary"]
    check_files, check_docs = int(summary["files"]), int(summary["documents"])
    findings = len(report.get("findings", []))
    version = report.get("version")
except Exception as e:  # noqa: BLE001
    sys.exit(f"error: could not read check's JSON report: {e}")

mb = bytes_ / 1e6
docs = check_docs
def f(x, spec):
    return format("-", ">" + spec.split(".")[0]) if x is None else format(x, spec)
def row(name, wall, docs_n, rss_kb, user, sys_):
    util = None if user is None or wall <= 0 else (user + sys_) / wall
    print(f"{name:<34} {wall:>9.3f} {f(mb / wall if wall > 0 else None, '9.1f')} "
          f"{f(docs_n / wall if docs_n is not None and wall > 0 else None, '11.0f')} "
          f"{f(None if rss_kb is None else rss_kb / 1024, '12.1f')} {f(util, '9.2f')}")

print()
print(f"gitgate load benchmark: {files} YAML files, {mb:.1f} MB ({bytes_} bytes), "
      f"{docs} documents; {nproc} CPUs; best of {runs} runs")
print()
print(f"{'measurement':<34} {'wall s':>9} {'MB/s':>9} {'docs/s':>11} {'peak RSS MiB':>12} {'CPU util':>9}")
print("-" * 89)
row("(a) cat floor (find|xargs cat)", cat_s, None, None, cat_user, cat_sys)
row("(b) __parse-only --jobs 1 [1]", parse_s, parse_docs, parse_rss, None, None)
row("(c) check --no-render [2]", check_s, check_docs, check_rss, check_user, check_sys)
rs = json.load(open(sys.argv[2]))["summary"]
row("(d) check, rendering too [3]", render_s, check_docs, render_rss, render_user, render_sys)
print("-" * 89)
print("[1] seconds = YAML parse time reported by the tool (files already in memory, 1 thread);")
print(f"    the whole process took {parse_wall:.3f} s wall, peak RSS {parse_rss / 1024:.1f} MiB.")
print("[2] whole process wall (read + parse + JSON conversion + rules + report), default --jobs;")
print(f"    user {check_user:.2f} s + sys {check_sys:.2f} s; CPU util = (user+sys)/wall, "
      f"max {nproc:.2f} with {nproc} CPUs.")
print(f"    report: version {version}, {check_files} files, {check_docs} documents, {findings} findings.")
print(f"[3] the same plus building every kustomization directory: {rs['overlays']} built, "
      f"{rs['rendered_objects']} objects (cluster-level kustomizations rebuild the overlays they list).")
print()
ratio = check_s / parse_s if parse_s > 0 else float("inf")
verdict = "OK" if ratio <= target else "ABOVE TARGET"
print(f"load (check --no-render) / single-thread parse = {ratio:6.2f}   (target <= {target}: {verdict})")
print(f"check wall / cat wall                    = {check_s / cat_s:6.2f}")

warn = []
if check_files != files:
    warn.append(f"check saw {check_files} files, the repo has {files} YAML files")
if parse_files != files:
    warn.append(f"__parse-only saw {parse_files} files, the repo has {files} YAML files")
if parse_bytes != bytes_:
    warn.append(f"__parse-only read {parse_bytes} bytes, the repo has {bytes_}")
if parse_docs != check_docs:
    warn.append(f"__parse-only counted {parse_docs} documents, check counted {check_docs}")
for w in warn:
    print(f"warning: {w}")
if strict and ratio > target:
    sys.exit(1)
PY
