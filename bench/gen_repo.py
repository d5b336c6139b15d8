#!/usr/bin/env python3
"""Generate a synthetic GitOps repository for gitgate load benchmarks.

Usage: gen_repo.py OUTDIR [--manifests 5000] [--seed 1]

The layout mimics a real platform repo:

    clusters/<cluster>/flux-system/{gotk-sync.yaml,kustomization.yaml}
    clusters/<cluster>/{infrastructure.yaml,apps.yaml}
    infrastructure/<component>/{helmrepository.yaml,helmrelease.yaml,kustomization.yaml}
    apps/<team>/<app>/base/{deployment,service,configmap,kustomization}.yaml
    apps/<team>/<app>/base/extras.yaml          (some apps; multi-document)
    apps/<team>/<app>/overlays/<env>/{kustomization,deployment-patch}.yaml

With the default 5,000 manifests it writes roughly 20 MB of YAML.  The output
is fully deterministic for a given (--manifests, --seed) pair.  Only the
Python standard library is used; every file is valid YAML (1.1 and 1.2) and
free of the usual traps (unquoted yes/no, octal-looking or version-like
numbers, duplicate keys), so a linter run over it should produce no YAML
findings.
"""

import argparse
import json
import os
import random
import sys

TEAMS = [
    "payments", "search", "identity", "catalog", "checkout", "platform",
    "data", "ml", "growth", "notifications", "billing", "shipping",
]
NOUNS = [
    "api", "worker", "gateway", "indexer", "scheduler", "router", "ledger",
    "profile", "session", "cart", "pricing", "inventory", "feed", "mailer",
    "audit", "export", "import", "sync", "ranker", "tracker", "webhook",
    "renderer", "resolver", "broker", "cache", "reporter", "validator",
]
ADJS = [
    "core", "edge", "batch", "stream", "public", "internal", "legacy", "fast",
    "async", "bulk", "realtime", "secure", "geo", "smart", "tiny", "main",
]
ENVS = ["dev", "staging", "production"]
CLUSTERS = ["dev-eu-1", "staging-eu-1", "prod-eu-1", "prod-us-1"]
ENV_NAMES = [
    "LOG_LEVEL", "LOG_FORMAT", "HTTP_PORT", "GRPC_PORT", "METRICS_PORT",
    "DB_HOST", "DB_PORT", "DB_NAME", "DB_POOL_SIZE", "REDIS_URL", "KAFKA_BROKERS",
    "KAFKA_TOPIC", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME",
    "FEATURE_FLAGS_URL", "CACHE_TTL_SECONDS", "REQUEST_TIMEOUT", "MAX_BODY_BYTES",
    "GOMAXPROCS", "JAVA_OPTS", "TZ", "REGION", "S3_BUCKET", "SENTRY_DSN",
    "RATE_LIMIT_RPS", "UPSTREAM_URL", "WORKER_CONCURRENCY", "SHUTDOWN_GRACE",
    "AUTH_ISSUER_URL", "AUTH_AUDIENCE", "TRACE_SAMPLE_RATE", "HEAP_PROFILE_DIR",
    "QUEUE_NAME", "BATCH_SIZE", "CIRCUIT_BREAKER_THRESHOLD", "LOCALE",
]
SIDECARS = [
    ("envoy", "docker.io/envoyproxy/envoy:v1.30.2", 9901),
    ("log-shipper", "docker.io/fluent/fluent-bit:3.0.7", 2020),
    ("metrics-exporter", "quay.io/prometheus/statsd-exporter:v0.26.1", 9102),
    ("oauth2-proxy", "quay.io/oauth2-proxy/oauth2-proxy:v7.6.0", 4180),
]


WORDS = (
    "the a of to and is for this field specifies which resource when set value "
    "defaults must be an object name namespace reference secret key used by "
    "controller reconcile interval duration if not empty list entries will "
    "selector label match expressions status condition type reason message "
    "observed generation certificate issuer request template spec metadata "
    "annotations configuration optional required deprecated replaced with"
).split()


def q(s):
    """Double-quote a string for YAML."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Gen:
    def __init__(self, out, seed):
        self.out = out
        self.r = random.Random(seed)
        self.files = 0
        self.bytes = 0
        self.docs = 0

    def write(self, rel, text):
        path = os.path.join(self.out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = text.encode("utf-8")
        with open(path, "wb") as f:
            f.write(data)
        self.files += 1
        self.bytes += len(data)
        # Count documents: first document plus one per separator line.
        self.docs += 1 + sum(1 for line in text.splitlines() if line == "---") - (
            1 if text.startswith("---\n") else 0)

    # ------------------------------------------------------------------ pieces

    def env_block(self, app, ns, indent):
        r = self.r
        p = " " * indent
        lines = [p + "env:"]
        for name in r.sample(ENV_NAMES, r.randint(10, 24)):
            kind = r.random()
            if kind < 0.15:
                lines += [
                    f"{p}  - name: {name}",
                    f"{p}    valueFrom:",
                    f"{p}      secretKeyRef:",
                    f"{p}        name: {app}-secrets",
                    f"{p}        key: {name.lower().replace('_', '-')}",
                ]
            elif kind < 0.25:
                lines += [
                    f"{p}  - name: {name}",
                    f"{p}    valueFrom:",
                    f"{p}      fieldRef:",
                    f"{p}        fieldPath: metadata.namespace",
                ]
            else:
                if "PORT" in name or "SIZE" in name or "SECONDS" in name or "RPS" in name:
                    val = q(str(r.choice([80, 8080, 9090, 5432, 6379, 30, 60, 100, 250])))
                elif "URL" in name or "ENDPOINT" in name or "HOST" in name:
                    val = f"http://{r.choice(NOUNS)}.{ns}.svc.cluster.local:{r.choice([80, 8080, 4317])}"
                elif name == "JAVA_OPTS":
                    val = q(f"-Xms{r.choice([256, 512])}m -Xmx{r.choice([512, 1024, 2048])}m -XX:+UseG1GC")
                else:
                    val = r.choice(["info", "json", "eu-west-1", "UTC", q("true"), q("4"), f"{app}-{r.randint(1, 99)}", q("30s")])
                lines += [f"{p}  - name: {name}", f"{p}    value: {val}"]
        return lines

    def container(self, name, image, port, app, ns, indent, main):
        r = self.r
        p = " " * indent
        lines = [
            f"{p}- name: {name}",
            f"{p}  image: {image}",
            f"{p}  imagePullPolicy: IfNotPresent",
        ]
        if main and r.random() < 0.4:
            lines += [f"{p}  args:"] + [f"{p}    - --{a}" for a in r.sample(
                ["config=/etc/app/application.yaml", "verbose", "metrics", "graceful-shutdown=30s",
                 "tracing", "profile=prod", "cache-size=256"], r.randint(2, 5))]
        lines += [
            f"{p}  ports:",
            f"{p}    - name: http" if main else f"{p}    - name: {name[:15]}",
            f"{p}      containerPort: {port}",
            f"{p}      protocol: TCP",
        ]
        if main:
            lines += [f"{p}    - name: metrics", f"{p}      containerPort: 9090", f"{p}      protocol: TCP"]
        lines += self.env_block(app, ns, indent + 2)
        if main:
            lines += [
                f"{p}  envFrom:",
                f"{p}    - configMapRef:",
                f"{p}        name: {app}-config",
            ]
        for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
            if probe == "startupProbe" and r.random() < 0.6:
                continue
            lines.append(f"{p}  {probe}:")
            if main:
                lines += [
                    f"{p}    httpGet:",
                    f"{p}      path: /{'ready' if probe == 'readinessProbe' else 'healthz'}",
                    f"{p}      port: http",
                ]
            else:
                lines += [f"{p}    tcpSocket:", f"{p}      port: {port}"]
            lines += [
                f"{p}    initialDelaySeconds: {r.choice([0, 5, 10, 15])}",
                f"{p}    periodSeconds: {r.choice([5, 10, 20])}",
                f"{p}    timeoutSeconds: {r.choice([1, 2, 3])}",
                f"{p}    failureThreshold: {r.choice([3, 5, 30])}",
            ]
        lines += [
            f"{p}  resources:",
            f"{p}    requests:",
            f"{p}      cpu: {r.choice([10, 25, 50, 100, 250, 500])}m",
            f"{p}      memory: {r.choice([32, 64, 128, 256, 512])}Mi",
            f"{p}    limits:",
            f"{p}      memory: {r.choice([128, 256, 512, 1024])}Mi",
            f"{p}  securityContext:",
            f"{p}    allowPrivilegeEscalation: false",
            f"{p}    readOnlyRootFilesystem: true",
            f"{p}    runAsNonRoot: true",
            f"{p}    capabilities:",
            f"{p}      drop: [\"ALL\"]",
            f"{p}  volumeMounts:",
            f"{p}    - name: tmp",
            f"{p}      mountPath: /tmp",
        ]
        if main:
            lines += [f"{p}    - name: config", f"{p}      mountPath: /etc/app", f"{p}      readOnly: true"]
        return lines

    def labels(self, team, app, indent):
        p = " " * indent
        return [
            f"{p}app.kubernetes.io/name: {app}",
            f"{p}app.kubernetes.io/part-of: {team}",
            f"{p}app.kubernetes.io/managed-by: kustomize",
            f"{p}team: {team}",
        ]

    # ------------------------------------------------------------------ files

    def deployment(self, team, app, ns):
        r = self.r
        l = [
            "apiVersion: apps/v1",
            "kind: Deployment",
            "metadata:",
            f"  name: {app}",
            "  labels:",
        ] + self.labels(team, app, 4) + [
            "  annotations:",
            f"    owner: {q(team + '@example.com')}",
            f"    runbook: https://runbooks.example.com/{team}/{app}",
            "spec:",
            f"  replicas: {r.choice([1, 2, 3])}",
            "  revisionHistoryLimit: 5",
            "  selector:",
            "    matchLabels:",
            f"      app.kubernetes.io/name: {app}",
            "  strategy:",
            "    type: RollingUpdate",
            "    rollingUpdate:",
            "      maxSurge: 25%",
            "      maxUnavailable: 0",
            "  template:",
            "    metadata:",
            "      labels:",
        ] + self.labels(team, app, 8) + [
            "      annotations:",
            '        prometheus.io/scrape: "true"',
            '        prometheus.io/port: "9090"',
            "    spec:",
            f"      serviceAccountName: {app}",
            "      terminationGracePeriodSeconds: 30",
            "      securityContext:",
            "        runAsNonRoot: true",
            "        runAsUser: 10001",
            "        fsGroup: 10001",
            "        seccompProfile:",
            "          type: RuntimeDefault",
        ]
        if r.random() < 0.3:
            l += [
                "      initContainers:",
                "        - name: migrate",
                f"          image: ghcr.io/example-org/{app}:1.{r.randint(0, 40)}.{r.randint(0, 9)}",
                "          command: [\"/app/migrate\", \"--to=latest\"]",
                "          resources:",
                "            requests:",
                "              cpu: 50m",
                "              memory: 64Mi",
            ]
        l.append("      containers:")
        port = r.choice([8080, 8000, 3000, 9000])
        l += self.container(app, f"ghcr.io/example-org/{app}:1.{r.randint(0, 40)}.{r.randint(0, 9)}",
                            port, app, ns, 8, True)
        for name, image, sport in r.sample(SIDECARS, r.randint(1, 3)):
            l += self.container(name, image, sport, app, ns, 8, False)
        if r.random() < 0.5:
            l += [
                "      affinity:",
                "        podAntiAffinity:",
                "          preferredDuringSchedulingIgnoredDuringExecution:",
                "            - weight: 100",
                "              podAffinityTerm:",
                "                topologyKey: kubernetes.io/hostname",
                "                labelSelector:",
                "                  matchLabels:",
                f"                    app.kubernetes.io/name: {app}",
            ]
        if r.random() < 0.3:
            l += [
                "      tolerations:",
                "        - key: dedicated",
                "          operator: Equal",
                f"          value: {team}",
                "          effect: NoSchedule",
            ]
        l += [
            "      volumes:",
            "        - name: tmp",
            "          emptyDir: {}",
            "        - name: config",
            "          configMap:",
            f"            name: {app}-config",
        ]
        return "\n".join(l) + "\n"

    def service(self, team, app):
        l = [
            "apiVersion: v1",
            "kind: Service",
            "metadata:",
            f"  name: {app}",
            "  labels:",
        ] + self.labels(team, app, 4) + [
            "spec:",
            "  type: ClusterIP",
            "  selector:",
            f"    app.kubernetes.io/name: {app}",
            "  ports:",
            "    - name: http",
            "      port: 80",
            "      targetPort: http",
            "    - name: metrics",
            "      port: 9090",
            "      targetPort: metrics",
        ]
        return "\n".join(l) + "\n"

    def configmap(self, team, app, ns):
        r = self.r
        l = [
            "apiVersion: v1",
            "kind: ConfigMap",
            "metadata:",
            f"  name: {app}-config",
            "  labels:",
        ] + self.labels(team, app, 4) + [
            "data:",
            "  LOG_LEVEL: info",
            f"  SERVICE_NAME: {app}",
            f"  APP_VERSION: {q('1.%d.%d' % (r.randint(0, 40), r.randint(0, 9)))}",
            f"  FEATURE_NEW_CHECKOUT: {q(r.choice(['true', 'false']))}",
            "  application.yaml: |",
            "    server:",
            f"      port: {r.choice([8080, 8000, 3000])}",
            "      shutdown: graceful",
            "    management:",
            "      endpoints:",
            "        web:",
            "          exposure:",
            "            include: health,info,prometheus",
            "    upstreams:",
        ]
        for _ in range(r.randint(5, 16)):
            n = r.choice(NOUNS)
            l += [
                f"      - name: {n}",
                f"        url: http://{n}.{ns}.svc.cluster.local",
                f"        timeout: {r.choice([1, 2, 5, 10])}s",
                f"        retries: {r.randint(0, 5)}",
            ]
        l += ["    features:"]
        for _ in range(r.randint(4, 12)):
            l.append(f"      {r.choice(ADJS)}-{r.choice(NOUNS)}-{r.randint(1, 999)}: {r.choice(['true', 'false'])}")
        if r.random() < 0.6:
            l += [
                "  nginx.conf: |",
                "    worker_processes auto;",
                "    events { worker_connections 1024; }",
                "    http {",
                "      access_log /dev/stdout;",
                "      sendfile on;",
            ]
            for i in range(r.randint(2, 8)):
                n = r.choice(NOUNS)
                l += [
                    f"      upstream {n}_{i} {{ server {n}.{ns}.svc.cluster.local:80; }}",
                    "      server {",
                    f"        listen {8000 + i};",
                    f"        location /{n}/ {{ proxy_pass http://{n}_{i}; proxy_read_timeout {r.randint(5, 60)}s; }}",
                    "      }",
                ]
            l.append("    }")
        if r.random() < 0.4:
            l += ["  logging.json: >-"]
            l += [f"    {{\"level\": \"info\", \"sampling\": {{\"initial\": {r.randint(10, 100)}, \"thereafter\": {r.randint(10, 100)}}},"]
            l += [f"    \"outputPaths\": [\"stdout\"], \"encoding\": \"json\"}}"]
        return "\n".join(l) + "\n"

    def base_kustomization(self, extras, dashboard):
        l = [
            "apiVersion: kustomize.config.k8s.io/v1beta1",
            "kind: Kustomization",
            "resources:",
            "  - configmap.yaml",
            "  - deployment.yaml",
            "  - service.yaml",
        ]
        if extras:
            l.append("  - extras.yaml")
        if dashboard:
            l.append("  - dashboard.yaml")
        return "\n".join(l) + "\n"

    def extras(self, team, app):
        r = self.r
        docs = []
        docs.append("\n".join([
            "apiVersion: v1",
            "kind: ServiceAccount",
            "metadata:",
            f"  name: {app}",
            "  labels:",
        ] + self.labels(team, app, 4)))
        docs.append("\n".join([
            "apiVersion: policy/v1",
            "kind: PodDisruptionBudget",
            "metadata:",
            f"  name: {app}",
            "spec:",
            "  minAvailable: 1",
            "  selector:",
            "    matchLabels:",
            f"      app.kubernetes.io/name: {app}",
        ]))
        docs.append("\n".join([
            "apiVersion: autoscaling/v2",
            "kind: HorizontalPodAutoscaler",
            "metadata:",
            f"  name: {app}",
            "spec:",
            "  scaleTargetRef:",
            "    apiVersion: apps/v1",
            "    kind: Deployment",
            f"    name: {app}",
            f"  minReplicas: {r.randint(2, 3)}",
            f"  maxReplicas: {r.randint(6, 20)}",
            "  metrics:",
            "    - type: Resource",
            "      resource:",
            "        name: cpu",
            "        target:",
            "          type: Utilization",
            f"          averageUtilization: {r.choice([60, 70, 80])}",
        ]))
        return "---\n" + "\n---\n".join(docs) + "\n"

    def overlay_kustomization(self, team, app, env):
        r = self.r
        prefix = {"dev": "dev-", "staging": "stg-", "production": "prod-"}[env]
        l = [
            "apiVersion: kustomize.config.k8s.io/v1beta1",
            "kind: Kustomization",
            f"namespace: {team}-{env}",
            f"namePrefix: {prefix}",
            "resources:",
            "  - ../../base",
            "labels:",
            "  - pairs:",
            f"      environment: {env}",
            "images:",
            f"  - name: ghcr.io/example-org/{app}",
            f"    newTag: {q('1.%d.%d' % (r.randint(0, 40), r.randint(0, 9)))}",
            "replicas:",
            f"  - name: {app}",
            f"    count: {dict(dev=1, staging=2, production=r.randint(3, 8))[env]}",
            "patches:",
            "  - path: deployment-patch.yaml",
        ]
        return "\n".join(l) + "\n"

    def overlay_patch(self, app, env):
        r = self.r
        l = [
            "apiVersion: apps/v1",
            "kind: Deployment",
            "metadata:",
            f"  name: {app}",
            "spec:",
            "  template:",
            "    spec:",
            "      containers:",
            f"        - name: {app}",
            "          env:",
            "            - name: ENVIRONMENT",
            f"              value: {env}",
            "            - name: LOG_LEVEL",
            f"              value: {'debug' if env == 'dev' else 'info'}",
        ] + self.env_block(app, f"{app}-{env}", 10)[1:] + [
            "          resources:",
            "            requests:",
            f"              cpu: {r.choice([100, 250, 500, 1000])}m",
            f"              memory: {r.choice([256, 512, 1024])}Mi",
            "            limits:",
            f"              memory: {r.choice([512, 1024, 2048])}Mi",
        ]
        return "\n".join(l) + "\n"

    def cluster_files(self, cluster):
        env = cluster.split("-")[0]
        env = {"prod": "production"}.get(env, env)
        self.write(f"clusters/{cluster}/flux-system/kustomization.yaml",
                   "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                   "resources:\n  - gotk-sync.yaml\n")
        self.write(f"clusters/{cluster}/flux-system/gotk-sync.yaml", "\n".join([
            "---",
            "apiVersion: source.toolkit.fluxcd.io/v1",
            "kind: GitRepository",
            "metadata:",
            "  name: flux-system",
            "  namespace: flux-system",
            "spec:",
            "  interval: 1m0s",
            "  ref:",
            "    branch: main",
            "  secretRef:",
            "    name: flux-system",
            "  url: ssh://git@github.com/example-org/platform-gitops",
            "---",
            "apiVersion: kustomize.toolkit.fluxcd.io/v1",
            "kind: Kustomization",
            "metadata:",
            "  name: flux-system",
            "  namespace: flux-system",
            "spec:",
            "  interval: 10m0s",
            f"  path: ./clusters/{cluster}",
            "  prune: true",
            "  sourceRef:",
            "    kind: GitRepository",
            "    name: flux-system",
        ]) + "\n")
        for name, path in (("infrastructure", "./infrastructure"), ("apps", f"./clusters/{cluster}/apps")):
            self.write(f"clusters/{cluster}/{name}.yaml", "\n".join([
                "apiVersion: kustomize.toolkit.fluxcd.io/v1",
                "kind: Kustomization",
                "metadata:",
                f"  name: {name}",
                "  namespace: flux-system",
                "spec:",
                "  interval: 10m",
                f"  path: {path}",
                "  prune: true",
                "  sourceRef:",
                "    kind: GitRepository",
                "    name: flux-system",
            ]) + "\n")
        return env

    def infra_component(self, name, url):
        r = self.r
        self.write(f"infrastructure/{name}/kustomization.yaml",
                   "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                   "resources:\n  - helmrepository.yaml\n  - helmrelease.yaml\n")
        self.write(f"infrastructure/{name}/helmrepository.yaml", "\n".join([
            "apiVersion: source.toolkit.fluxcd.io/v1",
            "kind: HelmRepository",
            "metadata:",
            f"  name: {name}",
            "  namespace: flux-system",
            "spec:",
            "  interval: 24h",
            f"  url: {url}",
        ]) + "\n")
        vals = ["  values:"]
        for i in range(r.randint(10, 40)):
            vals += [
                f"    {r.choice(NOUNS)}{i}:",
                f"      enabled: {r.choice(['true', 'false'])}",
                f"      replicaCount: {r.randint(1, 5)}",
                f"      image: {q('registry.example.com/%s:v%d.%d.%d' % (name, r.randint(0, 3), r.randint(0, 30), r.randint(0, 9)))}",
                "      resources:",
                f"        requests: {{cpu: {r.choice([50, 100])}m, memory: {r.choice([64, 128])}Mi}}",
            ]
        self.write(f"infrastructure/{name}/helmrelease.yaml", "\n".join([
            "apiVersion: helm.toolkit.fluxcd.io/v2",
            "kind: HelmRelease",
            "metadata:",
            f"  name: {name}",
            f"  namespace: {name}",
            "spec:",
            "  interval: 30m",
            "  chart:",
            "    spec:",
            f"      chart: {name}",
            f"      version: {q('%d.%d.x' % (r.randint(1, 60), r.randint(0, 20)))}",
            "      sourceRef:",
            "        kind: HelmRepository",
            f"        name: {name}",
            "        namespace: flux-system",
        ] + vals) + "\n")

    def sentence(self, lo, hi):
        r = self.r
        w = [r.choice(WORDS) for _ in range(r.randint(lo, hi))]
        return (" ".join(w)).capitalize() + "."

    def schema(self, depth, indent, budget):
        """Emit an OpenAPI v3 schema subtree (kubebuilder style) as lines."""
        r = self.r
        p = " " * indent
        lines = []
        n = r.randint(2, 7) if depth < 7 else 0
        lines += [f"{p}description: " + ("|-" if r.random() < 0.3 else "")]
        if lines[-1].endswith("|-"):
            for _ in range(r.randint(1, 4)):
                lines.append(f"{p}  " + self.sentence(8, 20))
        else:
            lines[-1] += self.sentence(6, 30)
        if n == 0 or budget[0] <= 0:
            t = r.choice(["string", "integer", "boolean", "string", "array"])
            if t == "array":
                lines += [f"{p}items:", f"{p}  type: string", f"{p}type: array"]
            elif t == "integer":
                lines += [f"{p}format: int32", f"{p}type: integer"]
            elif t == "string" and r.random() < 0.2:
                lines += [f"{p}enum:"] + [f"{p}- {x}" for x in r.sample(
                    ["Always", "Never", "IfNotPresent", "Ready", "Pending", "Failed"], 3)] + [f"{p}type: string"]
            else:
                lines += [f"{p}type: {t}"]
            budget[0] -= 1
            return lines
        lines.append(f"{p}properties:")
        for i in range(n):
            key = r.choice(WORDS) + r.choice(["Ref", "Spec", "Name", "Config", "Policy", "Status", "Count", "s"]) + str(i)
            lines.append(f"{p}  {key}:")
            lines += self.schema(depth + 1, indent + 4, budget)
        if r.random() < 0.3:
            lines += [f"{p}required:", f"{p}- {r.choice(WORDS)}Name0"]
        lines.append(f"{p}type: object")
        return lines

    def crd(self, idx):
        r = self.r
        group = r.choice(["cert-manager.io", "monitoring.coreos.com", "external-secrets.io",
                          "networking.istio.io", "kyverno.io", "postgresql.cnpg.io"])
        kind = r.choice(NOUNS).capitalize() + r.choice(["Policy", "Config", "Claim", "Set", "Rule"]) + str(idx)
        plural = kind.lower() + "s"
        l = [
            "---",
            "apiVersion: apiextensions.k8s.io/v1",
            "kind: CustomResourceDefinition",
            "metadata:",
            "  annotations:",
            "    controller-gen.kubebuilder.io/version: v0.15.0",
            f"  name: {plural}.{group}",
            "spec:",
            f"  group: {group}",
            "  names:",
            f"    kind: {kind}",
            f"    listKind: {kind}List",
            f"    plural: {plural}",
            f"    singular: {kind.lower()}",
            "  scope: Namespaced",
            "  versions:",
        ]
        for ver in ("v1beta1", "v1"):
            l += [
                f"  - name: {ver}",
                "    schema:",
                "      openAPIV3Schema:",
            ]
            budget = [r.randint(230, 470)]
            l += self.schema(0, 8, budget)
            l += [
                f"    served: true",
                f"    storage: {'true' if ver == 'v1' else 'false'}",
                "    subresources:",
                "      status: {}",
            ]
        return "\n".join(l) + "\n"

    def dashboard(self, team, app):
        r = self.r
        panels = []
        for i in range(r.randint(8, 30)):
            panels.append({
                "id": i + 1,
                "type": r.choice(["timeseries", "stat", "gauge", "table"]),
                "title": f"{app} {r.choice(NOUNS)} {r.choice(['latency', 'errors', 'throughput', 'saturation'])}",
                "gridPos": {"h": 8, "w": 12, "x": (i % 2) * 12, "y": (i // 2) * 8},
                "datasource": {"type": "prometheus", "uid": "${datasource}"},
                "targets": [{
                    "expr": f'histogram_quantile(0.{r.choice([5, 9, 99])}, sum(rate(http_request_duration_seconds_bucket{{app="{app}",route=~"$route"}}[5m])) by (le))',
                    "legendFormat": "{{route}}",
                    "refId": "A",
                }],
                "fieldConfig": {"defaults": {"unit": r.choice(["s", "reqps", "percentunit"]),
                                             "thresholds": {"mode": "absolute", "steps": [
                                                 {"color": "green", "value": None},
                                                 {"color": "red", "value": r.randint(1, 100)}]}}},
            })
        body = json.dumps({"title": f"{team} / {app}", "uid": f"{team}-{app}"[:40], "schemaVersion": 39,
                           "templating": {"list": [{"name": "route", "type": "query"}]},
                           "panels": panels}, indent=2)
        l = [
            "apiVersion: v1",
            "kind: ConfigMap",
            "metadata:",
            f"  name: {app}-dashboard",
            "  labels:",
            '    grafana_dashboard: "1"',
            "data:",
            f"  {app}.json: |",
        ] + ["    " + line for line in body.splitlines()]
        return "\n".join(l) + "\n"

    # ------------------------------------------------------------------ driver

    def run(self, target):
        r = self.r
        cluster_envs = {c: self.cluster_files(c) for c in CLUSTERS}
        for name, url in (
            ("ingress-nginx", "https://kubernetes.github.io/ingress-nginx"),
            ("cert-manager", "https://charts.jetstack.io"),
            ("external-dns", "https://kubernetes-sigs.github.io/external-dns"),
            ("kube-prometheus-stack", "https://prometheus-community.github.io/helm-charts"),
        ):
            self.infra_component(name, url)
        n_crds = max(1, target // 250)
        for i in range(n_crds):
            self.write(f"infrastructure/crds/crd-{i:03d}.yaml", self.crd(i))
        self.write("infrastructure/crds/kustomization.yaml",
                   "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
                   + "".join(f"  - crd-{i:03d}.yaml\n" for i in range(n_crds)))
        self.write("infrastructure/kustomization.yaml",
                   "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
                   "  - crds\n  - ingress-nginx\n  - cert-manager\n  - external-dns\n  - kube-prometheus-stack\n")

        used = set()
        apps_per_cluster = {c: [] for c in CLUSTERS}
        while self.files < target:
            team = r.choice(TEAMS)
            while True:
                app = f"{r.choice(ADJS)}-{r.choice(NOUNS)}"
                if (team, app) not in used:
                    break
                app = f"{app}-{r.randint(2, 99)}"
                if (team, app) not in used:
                    break
            used.add((team, app))
            root = f"apps/{team}/{app}"
            ns = f"{team}-production"
            has_extras = r.random() < 0.35
            has_dashboard = r.random() < 0.35
            plan = [
                (f"{root}/base/deployment.yaml", lambda: self.deployment(team, app, ns)),
                (f"{root}/base/configmap.yaml", lambda: self.configmap(team, app, ns)),
                (f"{root}/base/service.yaml", lambda: self.service(team, app)),
                (f"{root}/base/kustomization.yaml", lambda: self.base_kustomization(has_extras, has_dashboard)),
            ]
            if has_extras:
                plan.append((f"{root}/base/extras.yaml", lambda: self.extras(team, app)))
            if has_dashboard:
                plan.append((f"{root}/base/dashboard.yaml", lambda: self.dashboard(team, app)))
            for env in ENVS:
                plan.append((f"{root}/overlays/{env}/kustomization.yaml",
                             lambda env=env: self.overlay_kustomization(team, app, env)))
                plan.append((f"{root}/overlays/{env}/deployment-patch.yaml",
                             lambda env=env: self.overlay_patch(app, env)))
            complete = True
            for rel, make in plan:
                if self.files >= target:
                    complete = False
                    break
                self.write(rel, make())
            if not complete:
                break
            for c, env in cluster_envs.items():
                apps_per_cluster[c].append(f"../../../apps/{team}/{app}/overlays/{env}")
        # Per-cluster app lists (a few large kustomization files), counted in the target.
        for c, paths in apps_per_cluster.items():
            self.write(f"clusters/{c}/apps/kustomization.yaml",
                       "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
                       + "".join(f"  - {p}\n" for p in paths))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--manifests", type=int, default=5000, help="approximate number of YAML files (default 5000)")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if a.manifests < 1:
        ap.error("--manifests must be >= 1")
    if os.path.exists(a.outdir) and os.listdir(a.outdir):
        ap.error(f"{a.outdir} exists and is not empty")
    os.makedirs(a.outdir, exist_ok=True)
    g = Gen(a.outdir, a.seed)
    # Reserve room for the 4 per-cluster app lists written at the end.
    g.run(max(1, a.manifests - len(CLUSTERS)))
    print(f"files={g.files} bytes={g.bytes} documents={g.docs} "
          f"({g.bytes / 1e6:.1f} MB) in {a.outdir}")


if __name__ == "__main__":
    sys.exit(main())
