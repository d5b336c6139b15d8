#!/usr/bin/env bash
# Policy-stage benchmark: the whole bundled library (policies/{argocd,flux,secrets,workloads})
# over a generated GitOps repository of about N objects (default 6,000), laid out as
#   clusters/{production,staging}/  Flux bootstrap, infrastructure and per-app Kustomizations,
#                                   image automation, Argo CD AppProjects (sync windows),
#                                   Applications (some multi-source) and ApplicationSets
#   infrastructure/                 HelmRepositories, GitRepositories, HelmReleases (dependsOn
#                                   chains, valuesFrom ConfigMaps) per environment
#   tenants/<env>/<team>/           Namespaces
#   apps/<env>/<team>/<app>/        Deployments, StatefulSets, Argo Rollouts (canary and
#                                   blue-green) and Flagger Canaries, Services, ConfigMaps,
#                                   Secrets (most SOPS-encrypted, with a full `sops:` block),
#                                   HPAs, some app HelmReleases
# so that environments are detected and every rule family has objects to look at. Mistakes are
# seeded (deterministically) so that about 4-5% of the objects draw a finding and every bundled
# rule fires at least once.
# A `.gitgate.yaml` turns on `argocd-require-sync-window` so GG-ARGO-027 does its work too.
# Runs `gitgate check -v --no-validate --format json` once and prints rules, objects, rule
# evaluations, evaluations/s, the policy stage's and the whole run's seconds, and the ten rules
# with the most findings.
# Usage: bench/policy.sh [--objects N] [--bin PATH] [--keep]
#   --keep  leave the generated repository in /tmp (its path is printed) for further runs
set -euo pipefail
cd "$(dirname "$0")/.."
N=6000
BIN="${CARGO_TARGET_DIR:-target}/release/gitgate"
KEEP=0
while [ $# -gt 0 ]; do
    case "$1" in
        --objects) N="$2"; shift 2 ;;
        --bin) BIN="$2"; shift 2 ;;
        --keep) KEEP=1; shift ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -x "$BIN" ] || cargo build --release --quiet
WORK="$(mktemp -d /tmp/gitgate-policy-bench.XXXXXX)"
if [ "$KEEP" = 1 ]; then
    trap 'rm -f "$WORK.err" "$WORK.json"' EXIT
else
    trap 'rm -rf "$WORK" "$WORK.err" "$WORK.json"' EXIT
fi
python3 - "$WORK" "$N" <<'PY'
import hashlib, os, random, sys

root, target = sys.argv[1], int(sys.argv[2])
rng = random.Random(1)
REPO = "https://github.com/acme/gitops.git"
CHARTS = "https://charts.acme.example"
ENVS = ["production", "staging"]
FLUX_TEAMS = ["payments", "search", "identity", "catalog", "checkout", "billing"]
ARGO_TEAMS = ["growth", "data", "ml", "notifications", "shipping", "platform"]
NOUNS = ["api", "worker", "gateway", "indexer", "scheduler", "router", "ledger", "profile",
         "session", "cart", "pricing", "inventory", "feed", "mailer", "audit", "export"]
COMPONENTS = [  # infrastructure HelmReleases: name, chart, version, depends on
    ("cert-manager", "cert-manager", "1.15.3", []),
    ("ingress-nginx", "ingress-nginx", "4.11.2", ["cert-manager"]),
    ("external-dns", "external-dns", "1.14.5", ["ingress-nginx"]),
    ("external-secrets", "external-secrets", "0.10.3", ["cert-manager"]),
    ("kube-prometheus-stack", "kube-prometheus-stack", "62.3.1", ["cert-manager"]),
    ("loki", "loki", "6.12.0", ["kube-prometheus-stack"]),
    ("tempo", "tempo", "1.10.3", ["kube-prometheus-stack"]),
    ("flagger", "flagger", "1.38.0", ["kube-prometheus-stack"]),
    ("argo-rollouts", "argo-rollouts", "2.37.6", []),
    ("keda", "keda", "2.15.1", ["kube-prometheus-stack"]),
    ("velero", "velero", "7.2.1", ["external-secrets"]),
    ("kyverno", "kyverno", "3.2.6", ["cert-manager"]),
]
count = 0
files = {}


def emit(path, doc):
    global count
    count += 1
    files.setdefault(path, []).append(doc.strip("\n") + "\n")


def bad(p=0.05):
    return rng.random() < p


turn = [0]


def pick(choices):
    """Round robin over the mistakes that apply, so that each rule gets its share."""
    turn[0] += 1
    return choices[turn[0] % len(choices)]


def b64(seed, n):
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    h = hashlib.sha256(seed.encode()).digest() * (n // 32 + 1)
    return "".join(alphabet[c % 64] for c in h[:n])


def enc(seed, n=24):
    return (f"ENC[AES256_GCM,data:{b64(seed, n)},iv:{b64(seed + 'iv', 43)}=,"
            f"tag:{b64(seed + 'tag', 22)}==,type:str]")


def sops_block(seed, mac=True):
    lines = f"""sops:
  kms: []
  gcp_kms: []
  azure_kv: []
  hc_vault: []
  age:
    - recipient: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p
      enc: |
        -----BEGIN AGE ENCRYPTED FILE-----
        {b64(seed + 'a1', 64)}
        {b64(seed + 'a2', 64)}
        {b64(seed + 'a3', 44)}
        -----END AGE ENCRYPTED FILE-----
  lastmodified: "2024-11-05T09:12:44Z"
"""
    if mac:
        lines += f"  mac: {enc(seed + 'mac', 44)}\n"
    return lines + """  pgp: []
  encrypted_regex: ^(data|stringData)$
  version: 3.9.1
"""


# --- infrastructure sources (shared by both clusters) ---------------------------------------
for name in ["bitnami", "jetstack", "ingress-nginx", "prometheus-community", "grafana",
             "fluxcd-community", "external-secrets", "kedacore", "vmware-tanzu", "kyverno",
             "argoproj", "acme-charts"]:
    emit("infrastructure/sources/helmrepositories.yaml", f"""
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: {name}
  namespace: flux-system
spec:
  interval: 1h
  url: https://charts.example.com/{name}
""")
emit("infrastructure/sources/helmrepositories.yaml", """
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: acme-oci
  namespace: flux-system
spec:
  type: oci
  interval: 5m
  url: oci://ghcr.io/acme/charts
""")
for name in ["platform-config", "shared-dashboards"]:
    emit("infrastructure/sources/gitrepositories.yaml", f"""
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: {name}
  namespace: flux-system
spec:
  interval: 10m
  url: https://github.com/acme/{name}.git
  ref:
    tag: v2.4.1
""")



def flux_ks(path, name, spec_path, depends, env, source="flux-system", decrypt=False):
    interval, timeout, prune = "10m", "5m", "true"
    health = "  wait: true\n"
    if bad(0.015):
        interval = "30s"
    elif bad(0.015):
        interval = "10 minutes"
    if bad(0.015):
        timeout = "15m"
    if bad(0.015):
        prune = "false"
    if env == "production" and bad(0.015):
        health = ""
    if bad(0.005):
        source = "flux-sytem"
    deps = ""
    if depends:
        deps = "  dependsOn:\n" + "".join(f"    - name: {d}\n" for d in depends)
    dec = "  decryption:\n    provider: sops\n    secretRef:\n      name: sops-age\n" if decrypt else ""
    emit(path, f"""
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: {name}
  namespace: flux-system
spec:
  interval: {interval}
  retryInterval: 2m
  timeout: {timeout}
  path: {spec_path}
  prune: {prune}
{health}  sourceRef:
    kind: GitRepository
    name: {source}
{deps}{dec}""")


for env in ENVS:
    c = f"clusters/{env}"
    # --- Flux bootstrap, infrastructure layers ----------------------------------------------
    emit(f"{c}/flux-system/gotk-sync.yaml", f"""
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m0s
  ref:
    branch: main
  secretRef:
    name: flux-system
  url: ssh://git@github.com/acme/gitops
""")
    emit(f"{c}/flux-system/gotk-sync.yaml", f"""
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m0s
  path: ./clusters/{env}
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
""")
    flux_ks(f"{c}/infrastructure.yaml", "infra-sources", "./infrastructure/sources", [], env)
    flux_ks(f"{c}/infrastructure.yaml", "infra-controllers", f"./infrastructure/{env}/controllers",
            ["infra-sources"], env)
    flux_ks(f"{c}/infrastructure.yaml", "infra-configs", f"./infrastructure/{env}/configs",
            ["infra-controllers"], env)
    flux_ks(f"{c}/infrastructure.yaml", "tenants", f"./tenants/{env}", ["infra-configs"], env)
    # --- infrastructure HelmReleases with dependsOn chains ----------------------------------
    for name, chart, version, deps in COMPONENTS:
        path = f"infrastructure/{env}/controllers/{name}.yaml"
        repo = {"cert-manager": "jetstack", "flagger": "fluxcd-community",
                "argo-rollouts": "argoproj", "velero": "vmware-tanzu"}.get(name, "bitnami")
        mistake = pick(["version", "retries", "values"]) if bad(0.1) else None
        if mistake == "version":
            version = rng.choice(["1.x", ">=1.0.0", "*"])
        retries = "" if mistake == "retries" else "    remediation:\n      retries: 3\n"
        values = f"{name}-overrides" if mistake == "values" else f"{name}-values"
        dep = "".join(f"    - name: {d}\n      namespace: {d}\n" for d in deps)
        dep = f"  dependsOn:\n{dep}" if dep else ""
        emit(path, f"""
apiVersion: v1
kind: Namespace
metadata:
  name: {name}
  labels:
    toolkit.fluxcd.io/tenant: platform
""")
        emit(path, f"""
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-values
  namespace: {name}
data:
  values.yaml: |
    replicaCount: 2
    resources:
      requests:
        cpu: 100m
        memory: 128Mi
    serviceMonitor:
      enabled: true
""")
        emit(path, f"""
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: {name}
  namespace: {name}
spec:
  interval: 30m
  timeout: 10m
  chart:
    spec:
      chart: {chart}
      version: "{version}"
      interval: 12h
      sourceRef:
        kind: HelmRepository
        name: {repo}
        namespace: flux-system
{dep}  install:
    crds: CreateReplace
{retries}  upgrade:
    crds: CreateReplace
    remediation:
      retries: 3
      remediateLastFailure: true
  valuesFrom:
    - kind: ConfigMap
      name: {values}
      valuesKey: values.yaml
  values:
    global:
      environment: {env}
""")
    for name in ["cluster-issuers", "cluster-secret-store", "priority-classes"]:
        emit(f"infrastructure/{env}/configs/{name}.yaml", f"""
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}
  namespace: flux-system
data:
  environment: {env}
  owner: platform
""")
    # --- tenants: Namespaces; Argo CD projects with sync windows ----------------------------
    for t in FLUX_TEAMS + ARGO_TEAMS:
        emit(f"tenants/{env}/{t}/namespace.yaml", f"""
apiVersion: v1
kind: Namespace
metadata:
  name: {t}
  labels:
    team: {t}
    environment: {env}
""")
    for i, t in enumerate(ARGO_TEAMS):
        windows = f"""
    - kind: allow
      schedule: "0 6 * * 1-5"
      duration: 12h
      timeZone: Europe/Berlin
      applications:
        - "{t}-*"
    - kind: deny
      schedule: "0 22 24 12 *"
      duration: 48h
      timeZone: Europe/Berlin
      namespaces:
        - "{t}-*"
      manualSync: {'true' if env == 'staging' and i == 0 else 'false'}"""
        if i == 1:
            windows += """
    - kind: allow
      schedule: "0 25 * * *"
      duration: 1h
      clusters:
        - {env}"""
        elif i == 3:
            windows += f"""
    - kind: deny
      schedule: "0 0 * * 0"
      duration: 4h
      applications:
        - "batch-{t}-*\""""
        repos = f'    - "{REPO}"\n    - "{CHARTS}"\n    - "https://charts.example.com/*"'
        cluster_wl = "    - group: \"\"\n      kind: Namespace"
        if t == "platform" and env == "production":
            repos = '    - "*"'
            cluster_wl = "    - group: \"*\"\n      kind: \"*\""
        emit(f"{c}/argocd/projects.yaml", f"""
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: {t}-{env}
  namespace: argocd
spec:
  description: {t} team applications in {env}
  sourceRepos:
{repos}
  destinations:
    - name: {env}
      namespace: "{t}-*"
    - name: {env}
      namespace: {t}
    - name: {env}
      namespace: "!kube-*"
  clusterResourceWhitelist:
{cluster_wl}
  namespaceResourceBlacklist:
    - group: ""
      kind: ResourceQuota
    - group: ""
      kind: LimitRange
  syncWindows:{windows}
""")


# --- apps ------------------------------------------------------------------------------------
def env_vars(seed, with_bad):
    env = [("LOG_LEVEL", "info"), ("PORT", '"8080"'), ("GOMAXPROCS", '"2"'),
           ("DATABASE_HOST", "postgres.db.svc.cluster.local"), ("OTEL_EXPORTER_OTLP_ENDPOINT",
           "http://tempo.tempo:4317"), ("FEATURE_FLAGS", "checkout-v2,search-boost"),
           ("CACHE_TTL_SECONDS", '"300"'), ("TOKEN_ISSUER", "https://auth.acme.example")]
    out = "".join(f"            - name: {k}\n              value: {v}\n" for k, v in env)
    out += ("            - name: DATABASE_PASSWORD\n              valueFrom:\n"
            f"                secretKeyRef:\n                  name: {seed}-secrets\n"
            "                  key: DATABASE_PASSWORD\n")
    if with_bad:
        out += f"            - name: API_TOKEN\n              value: {b64(seed, 32).replace('+', 'x').replace('/', 'y')}9\n"
    return out


def pod_template(name, version, mistake):
    image = f"ghcr.io/acme/{name}:{'latest' if mistake == 'image' else version}"
    return f"""  template:
    metadata:
      labels:
        app.kubernetes.io/name: {name}
    spec:
      serviceAccountName: {name}
      containers:
        - name: app
          image: {image}
          ports:
            - containerPort: 8080
          env:
{env_vars(name, mistake == 'env')}          envFrom:
            - configMapRef:
                name: {name}-config
          resources:
            requests:
              cpu: 100m
              memory: 256Mi
            limits:
              memory: 512Mi
          readinessProbe:
            httpGet:
              path: /healthz
              port: 8080
        - name: proxy
          image: envoyproxy/envoy:v1.31.0
"""


def app(env, team, name, deployer, k):
    """One application directory; returns the mistakes it carries."""
    d = f"apps/{env}/{team}/{name}"
    ns = team if deployer == "flux" else f"{team}-{name.split('-', 1)[1]}"
    version = f"1.{k % 20}.{k % 7}"
    r = rng.random()
    shape = "deployment" if r < 0.55 else "statefulset" if r < 0.7 else "rollout" if r < 0.85 \
        else "canary"
    hpa = shape in ("deployment", "canary") and rng.random() < 0.6
    mistakes = ["image", "env", "configmap", "secret", "sops"]
    mistakes += ["hpa"] if hpa and deployer == "argo" else []
    mistakes += {"rollout": ["rollout"] * 3, "canary": ["canary"] * 3}.get(shape, [])
    mistake = pick(mistakes) if bad(0.12) else None
    meta = f"metadata:\n  name: {name}\n  namespace: {ns}\n  labels:\n    app.kubernetes.io/name: {name}\n    app.kubernetes.io/part-of: {team}\n"
    sel = f"  selector:\n    matchLabels:\n      app.kubernetes.io/name: {name}\n"
    if shape in ("deployment", "canary"):
        emit(f"{d}/deployment.yaml", f"apiVersion: apps/v1\nkind: Deployment\n{meta}spec:\n"
             f"  replicas: 3\n{sel}{pod_template(name, version, mistake)}")
    elif shape == "statefulset":
        emit(f"{d}/statefulset.yaml", f"apiVersion: apps/v1\nkind: StatefulSet\n{meta}spec:\n"
             f"  replicas: 3\n  serviceName: {name}\n{sel}{pod_template(name, version, mistake)}"
             "  volumeClaimTemplates:\n    - metadata:\n        name: data\n      spec:\n"
             "        accessModes: [ReadWriteOnce]\n        resources:\n          requests:\n"
             "            storage: 10Gi\n")
    else:
        if rng.random() < 0.6:
            steps = ("        - setWeight: 20\n        - pause:\n            duration: 5m\n"
                     "        - analysis:\n            templates:\n              - templateName: success-rate\n"
                     "        - setWeight: 50\n        - pause:\n            duration: 10m\n")
            analysis = ""
            if mistake == "rollout":
                steps = "        - setWeight: 20\n        - setWeight: 50\n        - setWeight: 100\n"
                analysis = ""
            strategy = f"    canary:\n      canaryService: {name}-canary\n      stableService: {name}\n      steps:\n{steps}{analysis}"
        else:
            promote = "      autoPromotionEnabled: false\n"
            if mistake == "rollout":
                promote = ""
            strategy = (f"    blueGreen:\n      activeService: {name}\n      previewService: {name}-preview\n"
                        f"{promote}      scaleDownDelaySeconds: 30\n")
        emit(f"{d}/rollout.yaml", f"apiVersion: argoproj.io/v1alpha1\nkind: Rollout\n{meta}spec:\n"
             f"  replicas: 4\n  revisionHistoryLimit: 3\n{sel}{pod_template(name, version, mistake)}"
             f"  strategy:\n{strategy}")
    emit(f"{d}/service.yaml", f"""apiVersion: v1
kind: Service
{meta}spec:
  selector:
    app.kubernetes.io/name: {name}
  ports:
    - name: http
      port: 80
      targetPort: 8080
""")
    leaked = f"  stripe_api_key: sk_live_{b64(name, 28).replace('+', 'q').replace('/', 'z')}\n" \
        if mistake == "configmap" else ""
    emit(f"{d}/configmap.yaml", f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-config
  namespace: {ns}
data:
  APP_ENV: {env}
  LOG_FORMAT: json
  UPSTREAM_URL: http://{team}-gateway.{team}.svc.cluster.local
  SENTRY_DSN_HOST: sentry.acme.example
  PASSWORD_MIN_LENGTH: "12"
  SESSION_COOKIE_NAME: acme_session
  config.yaml: |
    server:
      port: 8080
      readTimeout: 5s
    features:
      - checkout-v2
{leaked}""")
    if mistake == "secret":
        emit(f"{d}/secret.yaml", f"""apiVersion: v1
kind: Secret
metadata:
  name: {name}-secrets
  namespace: {ns}
type: Opaque
stringData:
  DATABASE_PASSWORD: hunter2-{k}
""")
    else:
        plain = f"  DATABASE_USER: {name}\n" if mistake == "sops" and rng.random() < 0.5 else ""
        emit(f"{d}/secret.sops.yaml", f"""apiVersion: v1
kind: Secret
metadata:
  name: {name}-secrets
  namespace: {ns}
type: Opaque
stringData:
  DATABASE_PASSWORD: {enc(name + 'pw')}
  DATABASE_URL: {enc(name + 'url', 60)}
{plain}{sops_block(name, mac=not (mistake == 'sops' and not plain))}""")
    if hpa:
        emit(f"{d}/hpa.yaml", f"""apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {name}
  namespace: {ns}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {name}
  minReplicas: 3
  maxReplicas: 12
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
""")
    if shape == "canary":
        threshold = "" if mistake == "canary" and rng.random() < 0.5 else "    threshold: 5\n"
        rangefield = "" if mistake == "canary" and not threshold == "" else \
            "        thresholdRange:\n          min: 99\n"
        emit(f"{d}/canary.yaml", f"""apiVersion: flagger.app/v1beta1
kind: Canary
metadata:
  name: {name}
  namespace: {ns}
spec:
  targetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {name}
  autoscalerRef:
    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    name: {name}
  service:
    port: 80
    targetPort: 8080
  analysis:
    interval: 1m
{threshold}    maxWeight: 50
    stepWeight: 10
    metrics:
      - name: request-success-rate
{rangefield}        interval: 1m
      - name: request-duration
        thresholdRange:
          max: 500
        interval: 1m
""")
    return d, ns, version, hpa, mistake


def argo_application(env, team, name, d, ns, version, hpa, app_mistake):
    path = f"clusters/{env}/argocd/apps/{team}.yaml"
    r = rng.random()
    mistakes = ["prune", "retry", "finalizer", "allowempty", "project", "namespace", "repo",
                "destination", "window", "kinds", "default"]
    mistakes += ["selfheal", "revision"] * 2 if env == "production" else []
    mistake = pick(mistakes) if bad(0.1) else None
    app_name = f"{name}-{env}" if mistake != "window" else f"legacy-{name}-{env}"
    project = {"project": f"{team}-{env}x", "default": "default"}.get(mistake, f"{team}-{env}")
    rev = "main" if env == "staging" or mistake == "revision" else f"v{version}"
    repo = f"https://gitlab.example.org/{team}/deploy.git" if mistake == "repo" else REPO
    dest_ns = "kube-system" if mistake == "destination" else ns
    options = ["ServerSideApply=true", "PruneLast=true"]
    if mistake != "namespace":
        options.append("CreateNamespace=true")
    ignore = ""
    if hpa:
        options.append("RespectIgnoreDifferences=true")
        if app_mistake != "hpa":
            ignore = ("  ignoreDifferences:\n    - group: apps\n      kind: Deployment\n"
                      "      jsonPointers:\n        - /spec/replicas\n")
    if r < 0.2:
        source = f"""  sources:
    - repoURL: {CHARTS}
      chart: service
      targetRevision: 3.2.1
      helm:
        releaseName: {name}
        valueFiles:
          - $values/{d}/values.yaml
    - repoURL: {repo}
      targetRevision: {rev}
      ref: values
    - repoURL: {repo}
      targetRevision: {rev}
      path: {d}
"""
    else:
        source = f"""  source:
    repoURL: {repo}
    targetRevision: {rev}
    path: {d}
"""
    automated = {"prune": "true", "selfHeal": "true"}
    if mistake == "prune":
        automated["prune"] = "false"
    if mistake == "selfheal":
        del automated["selfHeal"]
    if mistake == "allowempty":
        automated["allowEmpty"] = "true"
    auto = "".join(f"      {k_}: {v}\n" for k_, v in automated.items())
    retry = "" if mistake == "retry" else ("    retry:\n      limit: 5\n      backoff:\n"
                                           "        duration: 5s\n        factor: 2\n"
                                           "        maxDuration: 3m\n")
    fin = "" if mistake == "finalizer" else "  finalizers:\n    - resources-finalizer.argocd.argoproj.io\n"
    emit(path, f"""
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {app_name}
  namespace: argocd
{fin}  labels:
    team: {team}
spec:
  project: {project}
{source}  destination:
    name: {env}
    namespace: {dest_ns}
{ignore}  syncPolicy:
    automated:
{auto}    syncOptions:
""" + "".join(f"      - {o}\n" for o in options) + retry)
    if mistake == "kinds":
        emit(f"{d}/clusterrole.yaml", f"""apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {name}-reader
rules:
  - apiGroups: [""]
    resources: [pods]
    verbs: [get, list, watch]
""")


def image_automation(env, team, name, k):
    path = f"clusters/{env}/image-automation/{team}.yaml"
    rng_range = ">=1.0.0 <2.0.0" if env == "production" else "^1.x"
    if bad():
        rng_range = rng.choice(["1.2.3.4", "latest", "=>>1.0"])
    emit(path, f"""
apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImageRepository
metadata:
  name: {name}
  namespace: flux-system
spec:
  image: ghcr.io/acme/{name}
  interval: 5m
""")
    emit(path, f"""
apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImagePolicy
metadata:
  name: {name}
  namespace: flux-system
spec:
  imageRepositoryRef:
    name: {name}
  policy:
    semver:
      range: "{rng_range}"
""")


def helm_app(env, team, name, k):
    path = f"apps/{env}/{team}/{name}/release.yaml"
    mistake = pick(["version", "retries", "values"]) if bad(0.1) else None
    version = "3.x" if mistake == "version" else "3.2.1"
    values = f"{name}-values-{env}" if mistake == "values" else f"{name}-values"
    retries = "" if mistake == "retries" else "    remediation:\n      retries: 3\n"
    emit(path, f"""
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-values
  namespace: {team}
data:
  values.yaml: |
    image:
      repository: ghcr.io/acme/{name}
      tag: 1.{k % 20}.0
    ingress:
      enabled: true
      host: {name}.{env}.acme.example
""")
    emit(path, f"""
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: {name}
  namespace: {team}
spec:
  interval: 15m
  chart:
    spec:
      chart: service
      version: "{version}"
      sourceRef:
        kind: HelmRepository
        name: acme-charts
        namespace: flux-system
  dependsOn:
    - name: ingress-nginx
      namespace: ingress-nginx
  install:
    createNamespace: false
{retries}  upgrade:
    remediation:
      retries: 3
  valuesFrom:
    - kind: ConfigMap
      name: {values}
""")


# Fill with apps until the target is reached, alternating environments and teams.
team_apps = {}
flux_prev = {}
k = 0
while count < target:
    env = ENVS[k % 2]
    teams = FLUX_TEAMS + ARGO_TEAMS
    team = teams[(k // 2) % len(teams)]
    n = team_apps.setdefault((env, team), 0)
    team_apps[(env, team)] = n + 1
    name = f"{team}-{NOUNS[n % len(NOUNS)]}" + (f"-{n // len(NOUNS)}" if n >= len(NOUNS) else "")
    if team in FLUX_TEAMS:
        if rng.random() < 0.15:
            helm_app(env, team, name, k)
            d = None
        else:
            d, ns, version, _, mistake = app(env, team, name, "flux", k)
        # dependsOn: the tenant layer, sometimes the previous app of the team (chains of <= 3)
        deps = ["tenants"]
        prev = flux_prev.get((env, team))
        if prev and prev[1] < 2 and rng.random() < 0.3:
            deps.append(prev[0])
            flux_prev[(env, team)] = (name, prev[1] + 1)
        else:
            flux_prev[(env, team)] = (name, 0)
        if bad(0.01):
            deps.append(f"{team}-database")
        decrypt = d is not None and not bad(0.02)
        flux_ks(f"clusters/{env}/apps/{team}.yaml", name, f"./apps/{env}/{team}/{name}", deps,
                env, decrypt=decrypt)
        if rng.random() < 0.3:
            image_automation(env, team, name, k)
    else:
        d, ns, version, hpa, mistake = app(env, team, name, "argo", k)
        argo_application(env, team, name, d, ns, version, hpa, mistake)
    k += 1

# One small dependsOn cycle per cluster (two Kustomizations that wait for each other).
for env in ENVS:
    for a, b in [("payments-reconciler", "payments-settlement")]:
        flux_ks(f"clusters/{env}/apps/payments-batch.yaml", a, f"./apps/{env}/payments/batch/{a}",
                ["tenants", b], env)
        flux_ks(f"clusters/{env}/apps/payments-batch.yaml", b, f"./apps/{env}/payments/batch/{b}",
                [a], env)

# A few ApplicationSets per cluster (git directory generators over the platform team's apps).
for env in ENVS:
    for i, sub in enumerate(["addons", "dashboards", "jobs"]):
        emit(f"clusters/{env}/argocd/applicationsets.yaml", f"""
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: platform-{sub}-{env}
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - git:
        repoURL: {REPO}
        revision: v2.4.1
        directories:
          - path: platform/{env}/{sub}/*
  template:
    metadata:
      name: "{{{{.path.basename}}}}-{env}"
      finalizers:
        - resources-finalizer.argocd.argoproj.io
    spec:
      project: platform-{env}
      source:
        repoURL: {REPO}
        targetRevision: v2.4.1
        path: "{{{{.path.path}}}}"
      destination:
        name: {env}
        namespace: "platform-{{{{.path.basename}}}}"
      syncPolicy:
        automated:
          prune: true
          selfHeal: true
        retry:
          limit: 3
          backoff:
            duration: 10s
        syncOptions:
          - CreateNamespace=true
""")

for path, docs in files.items():
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write("---\n".join(docs))
with open(os.path.join(root, ".gitgate.yaml"), "w") as f:
    f.write("policy-parameters:\n  argocd-require-sync-window: true\n")
print(f"generated {count:,} objects in {len(files):,} files")
PY
start=$(date +%s.%N)
"$BIN" check "$WORK" --root "$WORK" --no-validate --fail-on never --format json -v \
    2>"$WORK.err" >"$WORK.json" || true
end=$(date +%s.%N)
grep "policy rules" "$WORK.err" || { cat "$WORK.err" >&2; exit 1; }
python3 - "$WORK.json" "$WORK.err" "$start" "$end" <<'PY'
import collections, json, re, sys
r = json.load(open(sys.argv[1]))
m = re.search(r"(\d+) policy rules from \d+ files on (\d+) objects: (\d+) evaluations in ([\d.]+) ms",
              open(sys.argv[2]).read())
rules, objects, ev, ms = int(m.group(1)), int(m.group(2)), int(m.group(3)), float(m.group(4))
by_rule = collections.Counter(f["rule"] for f in r["findings"])
gg = {k: v for k, v in by_rule.items() if k.startswith("GG-")}
print(f"rules: {rules}")
print(f"objects: {objects:,}")
print(f"rule evaluations: {ev:,}")
print(f"evaluations/s: {ev/(ms/1000):,.0f}")
print(f"policy stage: {ms/1000:.3f} s")
print(f"whole run: {float(sys.argv[4]) - float(sys.argv[3]):.3f} s")
print("target: policy stage under 1 s on 2 cores")
print(f"policy findings: {sum(gg.values()):,} from {len(gg)} rules"
      + "".join(f"; {k}: {v}" for k, v in sorted(by_rule.items()) if not k.startswith("GG-")))
print("top rules by findings:")
for rule, n in sorted(gg.items(), key=lambda kv: (-kv[1], kv[0]))[:10]:
    print(f"  {rule:<12} {n:>6}")
PY
[ "$KEEP" = 1 ] && echo "repository kept at $WORK" || true
