#!/usr/bin/env bash
# gitgate schema-validation benchmark against PyPI kubernetes-validate (same schemas family:
# kubernetes-json-schema 1.37, strict), in one run on this machine.
#
# Generates N core-kind documents (bench/gen_validate.py, default 2,000, ~2% with a planted
# mistake), then measures:
#   (a) kubernetes-validate --strict --quiet <all files>   (one process, as documented; once)
#   (b) gitgate check DIR --format json --fail-on never    (walk + load + validate; best of N)
# and prints wall/CPU/peak RSS, the ratio (a)/(b) (target >= 50x), gitgate's documents per
# second per core (documents / CPU seconds), and how many documents each tool rejected.
#
# Requirements: python3, pip (installs kubernetes-validate==1.37.0 if missing), GNU /usr/bin/time,
# cargo. Usage: bench/validate.sh [--docs N] [--seed N] [--runs N] [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."

DOCS=2000; SEED=1; RUNS=3; BUILD=1
while [ $# -gt 0 ]; do
    case "$1" in
        --docs) DOCS="$2"; shift 2 ;;
        --seed) SEED="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        -h|--help) sed -n 2,14p "$0"; exit 0 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done

BIN="${GITGATE_BIN:-${CARGO_TARGET_DIR:-target}/release/gitgate}"
if [ "$BUILD" = 1 ]; then
    echo "==> cargo build --release"
    cargo build --release --quiet
fi
if ! command -v kubernetes-validate >/dev/null; then
    echo "==> pip install kubernetes-validate==1.37.0"
    python3 -m pip install --quiet --disable-pip-version-check kubernetes-validate==1.37.0
fi

WORK="$(mktemp -d /tmp/gitgate-validate-bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
python3 bench/gen_validate.py "$WORK/repo" --docs "$DOCS" --seed "$SEED"

# measure NAME CMD...: wall (best of RUNS), CPU and peak RSS of the best run.
measure() {
    local name="$1"; shift
    local best="" cpu="" rss=""
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$@" > "$WORK/$name.out" 2>&1 || true
        read -r wall user sys maxrss < <(tail -1 "$WORK/time")
        if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then
            best="$wall"; cpu=$(awk "BEGIN{print $user + $sys}"); rss=$((maxrss / 1024))
        fi
    done
    echo "$best $cpu $rss"
}

echo "==> (a) kubernetes-validate --strict (once: ~30 s)"
read -r KV_WALL KV_CPU KV_RSS < <(cd "$WORK/repo" && RUNS=1 measure kv kubernetes-validate --strict --quiet ./*.yaml)
echo "==> (b) gitgate check (best of $RUNS)"
read -r GG_WALL GG_CPU GG_RSS < <(measure gg "$BIN" check "$WORK/repo" --root "$WORK/repo" --format json --fail-on never)

KV_BAD=$(grep -c '^ERROR' "$WORK/kv.out" || true)
GG_BAD=$(python3 -c "
import json,sys
d=json.load(open('$WORK/gg.out'))
print(len({f['location']['path'] for f in d['findings'] if f['rule'].startswith('SCHEMA')}))")
VALIDATED=$(python3 -c "import json; print(json.load(open('$WORK/gg.out'))['summary']['validated_objects'])")

printf '\ngitgate validation benchmark: %s documents (seed %s), %s CPUs, load avg %s\n' \
    "$DOCS" "$SEED" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-44s %8s %8s %12s\n' "measurement" "wall s" "CPU s" "peak RSS MiB"
printf '%-44s %8s %8s %12s\n' "(a) kubernetes-validate --strict" "$KV_WALL" "$KV_CPU" "$KV_RSS"
printf '%-44s %8s %8s %12s\n' "(b) gitgate check (walk+load+validate)" "$GG_WALL" "$GG_CPU" "$GG_RSS"
printf '\ndocuments rejected: kubernetes-validate %s, gitgate %s (files with a SCHEMA finding); gitgate validated %s\n' \
    "$KV_BAD" "$GG_BAD" "$VALIDATED"
awk -v a="$KV_WALL" -v b="$GG_WALL" -v n="$DOCS" -v c="$GG_CPU" 'BEGIN{
    printf "kubernetes-validate wall / gitgate wall = %.1fx   (target >= 50x: %s)\n", a/b, (a/b >= 50 ? "OK" : "MISSED");
    printf "gitgate: %.0f documents/s per core (documents / CPU seconds, including walk and parse)\n", n/c }'
