#!/usr/bin/env bash
# Policy-stage benchmark: the bundled library over a generated repository of N objects
# (default 6,000: ⅓ Deployments with 2 containers, ⅓ Flux Kustomizations, ⅓ Argo CD
# Applications; ~5% of each violate their rule). Runs `gitgate check -v --no-validate` and
# prints the policy stage's own line (rules, objects, evaluations, milliseconds) and
# evaluations per second. Usage: bench/policy.sh [--objects N] [--bin PATH]
set -euo pipefail
cd "$(dirname "$0")/.."
N=6000
BIN="${CARGO_TARGET_DIR:-target}/release/gitgate"
while [ $# -gt 0 ]; do
    case "$1" in
        --objects) N="$2"; shift 2 ;;
        --bin) BIN="$2"; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -x "$BIN" ] || cargo build --release --quiet
WORK="$(mktemp -d /tmp/gitgate-policy-bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
python3 - "$WORK" "$N" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n // 3):
    bad = i % 20 == 0
    with open(os.path.join(root, f"obj-{i:05}.yaml"), "w") as f:
        f.write(f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
spec:
  selector:
    matchLabels: {{app: app-{i}}}
  template:
    metadata:
      labels: {{app: app-{i}}}
    spec:
      containers:
      - name: app
        image: {'app' if bad else 'app:1.0.' + str(i)}
      - name: proxy
        image: envoyproxy/envoy:v1.31.0
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ks-{i}
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps/{i}
  prune: {'false' if bad else 'true'}
  sourceRef: {{kind: GitRepository, name: flux-system}}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: app-{i}
  namespace: argocd
spec:
  project: default
  source: {{repoURL: 'https://example.com/r.git', path: 'apps/{i}', targetRevision: v1}}
  destination: {{server: 'https://kubernetes.default.svc', namespace: app-{i}}}
  syncPolicy:
    automated: {{prune: {'false' if bad else 'true'}}}
""")
PY
start=$(date +%s.%N)
"$BIN" check "$WORK" --root "$WORK" --no-validate --fail-on never --format json -v \
    2>"$WORK.err" >"$WORK.json" || true
end=$(date +%s.%N)
grep "policy rules" "$WORK.err"
python3 - "$WORK.json" "$WORK.err" "$start" "$end" <<'PY'
import json, re, sys
r = json.load(open(sys.argv[1]))
hits = sum(1 for f in r["findings"] if f["rule"].startswith("GG-"))
m = re.search(r"(\d+) evaluations in ([\d.]+) ms", open(sys.argv[2]).read())
ev, ms = int(m.group(1)), float(m.group(2))
print(f"policy findings: {hits}")
print(f"policy stage: {ms/1000:.3f} s, {ev/(ms/1000):,.0f} rule evaluations/s")
print(f"whole run: {float(sys.argv[4]) - float(sys.argv[3]):.3f} s")
PY
rm -f "$WORK.err" "$WORK.json"
