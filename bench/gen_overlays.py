#!/usr/bin/env python3
"""Generate a synthetic Kustomize monorepo for the gitgate render benchmark.

Usage: gen_overlays.py OUTDIR [--apps 70] [--seed 1]

Layout (one base and three overlays per app, so --apps 70 gives 210 overlays):

    components/monitoring/                    kind: Component (v1alpha1): labels,
        kustomization.yaml                    targeted SMP patches (file and inline),
        prometheus-patch.yaml                 a ServiceMonitor, a configMapGenerator
        servicemonitor.yaml                   from a file
        dashboard.json
    apps/<app>/base/
        kustomization.yaml                    resources, labels, (some) configMapGenerator
        deployment.yaml                       1-3 containers: env, envFrom, probes,
        service.yaml                          resources, volumes
        configmap.yaml
    apps/<app>/overlays/{dev,staging,production}/
        kustomization.yaml                    resources: [../../base], namespace,
        [patch-*.yaml, *.properties, ...]     namePrefix/nameSuffix, labels/commonLabels,
                                              images, replicas, patches (SMP file/inline,
                                              $patch: delete, JSON 6902 inline/file),
                                              configMapGenerator (merge, literals + file),
                                              secretGenerator, extra resources (PDB, HPA),
                                              components (production)

Every overlay builds with `kubectl kustomize` (kustomize v5.5.0).  The output is fully
deterministic for a given (--apps, --seed) pair.  Only the Python standard library is
used.  The list of overlay directories (relative to OUTDIR) is written to
OUTDIR/overlays.txt, one per line.
"""

import argparse
import json
import os
import random
import re
import sys

TEAMS = ["payments", "search", "identity", "catalog", "checkout", "platform",
         "data", "growth", "notifications", "billing", "shipping"]
NOUNS = ["api", "worker", "gateway", "indexer", "scheduler", "router", "ledger",
         "profile", "session", "cart", "pricing", "inventory", "feed", "mailer",
         "audit", "export", "import", "sync", "ranker", "tracker", "webhook",
         "renderer", "resolver", "broker", "cache", "reporter", "validator"]
ADJS = ["core", "edge", "batch", "stream", "public", "internal", "legacy", "fast",
        "async", "bulk", "realtime", "secure", "geo", "smart", "tiny", "main"]
ENVS = ["dev", "staging", "production"]
SIDECARS = [
    ("envoy", "docker.io/envoyproxy/envoy", "v1.30.2", 9901),
    ("log-shipper", "docker.io/fluent/fluent-bit", "3.0.7", 2020),
    ("metrics-exporter", "quay.io/prometheus/statsd-exporter", "v0.26.1", 9102),
    ("oauth2-proxy", "quay.io/oauth2-proxy/oauth2-proxy", "v7.6.0", 4180),
]
ENV_VARS = [
    ("LOG_LEVEL", ["info", "warn"]), ("LOG_FORMAT", ["json", "text"]),
    ("HTTP_PORT", ["8080"]), ("GRPC_PORT", ["9000"]), ("DB_PORT", ["5432"]),
    ("DB_POOL_SIZE", ["10", "20"]), ("CACHE_TTL_SECONDS", ["30", "300"]),
    ("REQUEST_TIMEOUT", ["30s", "5s"]), ("GOMAXPROCS", ["2", "4"]),
    ("TZ", ["UTC"]), ("REGION", ["eu-west-1", "us-east-1"]),
    ("FEATURE_NEW_CHECKOUT", ["true", "false"]), ("TRACE_SAMPLE_RATE", ["0.1", "1.0"]),
    ("WORKER_CONCURRENCY", ["8", "16"]), ("JAVA_OPTS", ["-Xms256m -Xmx512m -XX:+UseG1GC"]),
    ("RATE_LIMIT_RPS", ["100", "250"]), ("QUEUE_NAME", ["jobs", "events"]),
]

# --------------------------------------------------------------------- YAML emitter

_PLAIN = re.compile(r"^([A-Za-z_/]|\.[./])[A-Za-z0-9_./@+=-]*(:[A-Za-z0-9_./@+=-]+)*$")
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def scalar(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    s = str(v)
    if _PLAIN.match(s) and s.lower() not in _RESERVED:
        return s
    return json.dumps(s)


def _block(s, ind):
    head = "|" if s.endswith("\n") else "|-"
    body = s[:-1] if s.endswith("\n") else s
    return head, [(" " * ind + l) if l else "" for l in body.split("\n")]


def emit(v, ind=0):
    """Block-style YAML lines for a dict / list / scalar (sequences indented under keys)."""
    p = " " * ind
    out = []
    if isinstance(v, dict):
        for k, x in v.items():
            key = scalar(k)
            if isinstance(x, dict) and x:
                out.append(f"{p}{key}:")
                out += emit(x, ind + 2)
            elif isinstance(x, list) and x:
                out.append(f"{p}{key}:")
                out += emit(x, ind + 2)
            elif isinstance(x, str) and "\n" in x:
                head, body = _block(x, ind + 2)
                out.append(f"{p}{key}: {head}")
                out += body
            else:
                out.append(f"{p}{key}: {flow_empty(x) if isinstance(x, (dict, list)) else scalar(x)}")
    elif isinstance(v, list):
        for x in v:
            if isinstance(x, (dict, list)) and x:
                sub = emit(x, ind + 2)
                out.append(f"{p}- {sub[0].lstrip()}")
                out += sub[1:]
            elif isinstance(x, str) and "\n" in x:
                head, body = _block(x, ind + 2)
                out.append(f"{p}- {head}")
                out += body
            else:
                out.append(f"{p}- {flow_empty(x) if isinstance(x, (dict, list)) else scalar(x)}")
    else:
        out.append(p + scalar(v))
    return out


def flow_empty(x):
    return "{}" if isinstance(x, dict) else "[]"


def yaml_doc(v):
    return "\n".join(emit(v)) + "\n"


def yaml_docs(vs):
    return "---\n".join(yaml_doc(v) for v in vs)


# ----------------------------------------------------------------------- generator

KUST = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization"}


class Gen:
    def __init__(self, out, seed):
        self.out = out
        self.r = random.Random(seed)
        self.files = 0
        self.bytes = 0
        self.overlays = []

    def write(self, rel, text):
        path = os.path.join(self.out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = text.encode("utf-8")
        with open(path, "wb") as f:
            f.write(data)
        self.files += 1
        self.bytes += len(data)

    def hexid(self, n):
        return "".join(self.r.choice("0123456789abcdef") for _ in range(n))

    # ------------------------------------------------------------------ component

    def component(self):
        d = "components/monitoring"
        self.write(f"{d}/kustomization.yaml", yaml_doc({
            "apiVersion": "kustomize.config.k8s.io/v1alpha1",
            "kind": "Component",
            "resources": ["servicemonitor.yaml"],
            "labels": [{"pairs": {"monitoring.example.com/enabled": "true"}}],
            "configMapGenerator": [{
                "name": "grafana-dashboard",
                "files": ["dashboard.json"],
                "options": {"labels": {"grafana_dashboard": "1"}},
            }],
            "patches": [
                {"path": "prometheus-patch.yaml", "target": {"kind": "Deployment"}},
                {"target": {"kind": "Service"},
                 "patch": yaml_doc({
                     "apiVersion": "v1", "kind": "Service",
                     "metadata": {"name": "not-used",
                                  "annotations": {"prometheus.io/scrape": "true",
                                                  "prometheus.io/port": "9090"}},
                 }).rstrip("\n")},
            ],
        }))
        self.write(f"{d}/prometheus-patch.yaml", yaml_doc({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "not-used"},
            "spec": {"template": {"metadata": {"annotations": {
                "prometheus.io/scrape": "true", "prometheus.io/port": "9090",
                "prometheus.io/path": "/metrics"}}}},
        }))
        self.write(f"{d}/servicemonitor.yaml", yaml_doc({
            "apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
            "metadata": {"name": "app-metrics"},
            "spec": {
                "selector": {"matchLabels": {"monitoring.example.com/enabled": "true"}},
                "endpoints": [{"port": "metrics", "interval": "30s", "path": "/metrics"}],
            },
        }))
        dash = {"title": "Service overview", "uid": "svc-overview", "schemaVersion": 39,
                "panels": [{"type": "timeseries", "title": t, "targets": [{"expr": e}]}
                           for t, e in [("Requests", "sum(rate(http_requests_total[5m]))"),
                                        ("Errors", 'sum(rate(http_requests_total{code=~"5.."}[5m]))'),
                                        ("Latency p99", "histogram_quantile(0.99, sum(rate(http_request_duration_seconds_bucket[5m])) by (le))")]]}
        self.write(f"{d}/dashboard.json", json.dumps(dash, indent=2) + "\n")

    # ------------------------------------------------------------------------ base

    def container(self, app, main, sidecar=None):
        r = self.r
        if main:
            name, image, port = "app", f"registry.example.com/{app['team']}/{app['name']}:1.0.0", 8080
        else:
            name, img, tag, port = sidecar
            image = f"{img}:{tag}"
        c = {"name": name, "image": image, "imagePullPolicy": "IfNotPresent"}
        if main and r.random() < 0.4:
            c["args"] = [f"--{a}" for a in r.sample(
                ["config=/etc/app/application.yaml", "verbose", "metrics",
                 "graceful-shutdown=30s", "tracing", "cache-size=256"], r.randint(1, 3))]
        ports = [{"name": "http" if main else name[:15], "containerPort": port, "protocol": "TCP"}]
        if main:
            ports.append({"name": "metrics", "containerPort": 9090, "protocol": "TCP"})
        c["ports"] = ports
        env = []
        for n, vals in r.sample(ENV_VARS, r.randint(2, 6) if main else r.randint(0, 2)):
            env.append({"name": n, "value": r.choice(vals)})
        env.append({"name": "POD_NAMESPACE",
                    "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}})
        if main and app["secret_ref"]:
            env.append({"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {
                "name": f"{app['name']}-credentials", "key": "db-password"}}})
        c["env"] = env
        if main:
            c["envFrom"] = [{"configMapRef": {"name": f"{app['name']}-config"}}]
        probes = ["readinessProbe", "livenessProbe"]
        if main and r.random() < 0.4:
            probes.append("startupProbe")
            app["startup_probe"] = True
        for pr in probes:
            if main:
                h = {"httpGet": {"path": "/ready" if pr == "readinessProbe" else "/healthz",
                                 "port": "http"}}
            else:
                h = {"tcpSocket": {"port": port}}
            h.update({"initialDelaySeconds": r.choice([0, 5, 10]),
                      "periodSeconds": r.choice([5, 10, 20]),
                      "timeoutSeconds": r.choice([1, 2, 3]),
                      "failureThreshold": r.choice([3, 5, 30])})
            c[pr] = h
        c["resources"] = {
            "requests": {"cpu": f"{r.choice([10, 25, 50, 100, 250])}m",
                         "memory": f"{r.choice([32, 64, 128, 256])}Mi"},
            "limits": {"memory": f"{r.choice([128, 256, 512])}Mi"},
        }
        c["securityContext"] = {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                "runAsNonRoot": True, "capabilities": {"drop": ["ALL"]}}
        mounts = [{"name": "tmp", "mountPath": "/tmp"}]
        if main and app["settings"]:
            mounts.append({"name": "settings", "mountPath": "/etc/app", "readOnly": True})
        c["volumeMounts"] = mounts
        return c

    def base(self, app):
        r = self.r
        n, d = app["name"], f"apps/{app['name']}/base"
        sel = {"app.kubernetes.io/name": n}
        containers = [self.container(app, True)] + [
            self.container(app, False, s) for s in app["sidecars"]]
        volumes = [{"name": "tmp", "emptyDir": {}}]
        if app["settings"]:
            volumes.append({"name": "settings", "configMap": {"name": f"{n}-settings"}})
        dep = {
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": n, "labels": dict(sel, **{"app.kubernetes.io/component": app["component"]})},
            "spec": {
                "replicas": 1,
                "revisionHistoryLimit": r.choice([3, 5, 10]),
                "selector": {"matchLabels": dict(sel)},
                "strategy": {"type": "RollingUpdate",
                             "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
                "template": {
                    "metadata": {"labels": dict(sel)},
                    "spec": {
                        "serviceAccountName": n,
                        "terminationGracePeriodSeconds": r.choice([30, 60]),
                        "securityContext": {"runAsUser": 10001, "fsGroup": 10001},
                        "containers": containers,
                        "volumes": volumes,
                    },
                },
            },
        }
        svc = {
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": n, "labels": dict(sel)},
            "spec": {"type": "ClusterIP", "selector": dict(sel),
                     "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"},
                               {"name": "metrics", "port": 9090, "targetPort": "metrics",
                                "protocol": "TCP"}]},
        }
        cm = {
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": f"{n}-config"},
            "data": {"APP_NAME": n, "TEAM": app["team"], "HTTP_PORT": "8080",
                     "METRICS_ENABLED": "true", "MAX_CONNECTIONS": str(r.choice([64, 128, 256]))},
        }
        self.write(f"{d}/deployment.yaml", yaml_doc(dep))
        self.write(f"{d}/service.yaml", yaml_doc(svc))
        self.write(f"{d}/configmap.yaml", yaml_doc(cm))
        k = dict(KUST)
        k["resources"] = ["deployment.yaml", "service.yaml", "configmap.yaml"]
        k["labels"] = [{"pairs": {"app.kubernetes.io/part-of": "shop",
                                  "team": app["team"]},
                        "includeTemplates": True}]
        if app["settings"]:
            k["configMapGenerator"] = [{
                "name": f"{n}-settings",
                "literals": [f"cache.size={r.choice([64, 128, 256])}",
                             f"feature.beta={r.choice(['true', 'false'])}",
                             "log.level=info"],
            }]
        self.write(f"{d}/kustomization.yaml", yaml_doc(k))

    # --------------------------------------------------------------------- overlays

    def overlay(self, app, env):
        r = self.r
        n = app["name"]
        d = f"apps/{n}/overlays/{env}"
        prod, dev = env == "production", env == "dev"
        k = dict(KUST)
        res = ["../../base"]
        extra = []
        if prod or (env == "staging" and r.random() < 0.3):
            self.write(f"{d}/pdb.yaml", yaml_doc({
                "apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                "metadata": {"name": n},
                "spec": {"minAvailable": 1,
                         "selector": {"matchLabels": {"app.kubernetes.io/name": n}}},
            }))
            res.append("pdb.yaml")
        if prod and r.random() < 0.6:
            self.write(f"{d}/hpa.yaml", yaml_doc({
                "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                "metadata": {"name": n},
                "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": n},
                         "minReplicas": 3, "maxReplicas": r.choice([6, 10, 20]),
                         "metrics": [{"type": "Resource", "resource": {
                             "name": "cpu", "target": {"type": "Utilization",
                                                       "averageUtilization": r.choice([60, 70, 80])}}}]},
            }))
            res.append("hpa.yaml")
        k["resources"] = res
        if prod:
            k["components"] = ["../../../../components/monitoring"]

        k["namespace"] = f"{app['team']}-{env}" if r.random() < 0.7 else f"{n}-{env}"
        if dev:
            k["namePrefix"] = "dev-"
        elif env == "staging":
            if r.random() < 0.7:
                k["namePrefix"] = "stg-"
            else:
                k["nameSuffix"] = "-stg"
        elif r.random() < 0.3:
            k["namePrefix"] = "prod-"

        style = r.random()
        if style < 0.35:
            k["commonLabels"] = {"env": env, "tier": app["component"]}
        elif style < 0.7:
            k["labels"] = [{"pairs": {"env": env}, "includeSelectors": True}]
        else:
            k["labels"] = [{"pairs": {"env": env, "tier": app["component"]},
                            "includeSelectors": False, "includeTemplates": True}]
        if r.random() < 0.4:
            k["commonAnnotations"] = {"example.com/owner": f"{app['team']}@example.com",
                                      "example.com/env": env}

        tag = f"1.{r.randint(0, 30)}.{r.randint(0, 9)}" + ("-rc.1" if env == "staging" and r.random() < 0.3 else "")
        images = [{"name": f"registry.example.com/{app['team']}/{n}", "newTag": tag}]
        if prod and r.random() < 0.4:
            images[0]["newName"] = f"mirror.example.com/{app['team']}/{n}"
        if app["sidecars"] and r.random() < 0.4:
            _, img, _, _ = app["sidecars"][0]
            if r.random() < 0.3:
                images.append({"name": img, "digest": "sha256:" + self.hexid(64)})
            else:
                images.append({"name": img, "newTag": r.choice(["v2.0.0", "latest", "1.2.3"])})
        k["images"] = images
        if not dev:
            k["replicas"] = [{"name": n, "count": 3 if prod else 2}]

        patches = []
        # strategic merge patch from a file: resources and env of the main container
        if not dev or r.random() < 0.3:
            main = {"name": "app",
                    "resources": {"requests": {"cpu": r.choice(["250m", "500m", 1]),
                                               "memory": r.choice(["256Mi", "512Mi", "1Gi"])},
                                  "limits": {"cpu": r.choice(["1", "2", 2]),
                                             "memory": r.choice(["512Mi", "1Gi", "2Gi"])}},
                    "env": [{"name": "ENVIRONMENT", "value": env},
                            {"name": "LOG_LEVEL", "value": "warn" if prod else "info"}]}
            spec = {"containers": [main]}
            if prod and r.random() < 0.5:
                spec["affinity"] = {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
                    "weight": 100, "podAffinityTerm": {
                        "topologyKey": "kubernetes.io/hostname",
                        "labelSelector": {"matchLabels": {"app.kubernetes.io/name": n}}}}]}}
            self.write(f"{d}/patch-resources.yaml", yaml_doc({
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": n},
                "spec": {"template": {"spec": spec}},
            }))
            patches.append({"path": "patch-resources.yaml"})
        # inline strategic merge patch: env tweaks, optionally drop a sidecar
        if dev or r.random() < 0.4:
            containers = [{"name": "app", "env": [
                {"name": "LOG_LEVEL", "value": "debug" if dev else "info"},
                {"name": "DEBUG", "value": "true" if dev else "false"}]}]
            if dev and app["sidecars"] and r.random() < 0.5:
                containers.append({"name": app["sidecars"][-1][0], "$patch": "delete"})
            patches.append({"patch": yaml_doc({
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": n},
                "spec": {"template": {"spec": {"containers": containers}}},
            }).rstrip("\n")})
        # inline SMP with a target selector on a Service
        if r.random() < 0.25:
            patches.append({"target": {"kind": "Service", "name": n},
                            "patch": yaml_doc({
                                "apiVersion": "v1", "kind": "Service",
                                "metadata": {"name": n, "annotations": {
                                    "service.example.com/tier": env}},
                                "spec": {"sessionAffinity": "ClientIP"},
                            }).rstrip("\n")})
        # JSON 6902 patches (inline and from a file)
        if r.random() < 0.35:
            ops = [{"op": "replace", "path": "/spec/template/spec/containers/0/imagePullPolicy",
                    "value": "Always"},
                   {"op": "add", "path": "/spec/template/spec/containers/0/env/-",
                    "value": {"name": "JSON_PATCHED", "value": "yes"}}]
            if app.get("startup_probe") and r.random() < 0.5:
                ops.append({"op": "remove", "path": "/spec/template/spec/containers/0/startupProbe"})
            patches.append({"target": {"group": "apps", "version": "v1", "kind": "Deployment", "name": n},
                            "patch": yaml_doc(ops).rstrip("\n")})
        if prod and r.random() < 0.4:
            ops = [{"op": "add", "path": "/spec/template/spec/tolerations", "value": [
                       {"key": "dedicated", "operator": "Equal", "value": "production",
                        "effect": "NoSchedule"}]},
                   {"op": "add", "path": "/spec/template/spec/priorityClassName",
                    "value": "high-priority"},
                   {"op": "replace", "path": "/spec/revisionHistoryLimit", "value": 2}]
            self.write(f"{d}/patch-json6902.yaml", yaml_doc(ops))
            patches.append({"path": "patch-json6902.yaml",
                            "target": {"kind": "Deployment", "name": n}})
        if patches:
            k["patches"] = patches

        # generators
        if app["settings"] and (not dev or r.random() < 0.5):
            props = "\n".join([f"# {n} settings for {env}",
                               f"server.port=8080",
                               f"cache.ttl={r.choice([30, 60, 300])}",
                               f"feature.checkout.v2={'true' if prod else 'false'}",
                               f"upstream.url=http://{r.choice(NOUNS)}.{app['team']}-{env}.svc.cluster.local"]) + "\n"
            self.write(f"{d}/application.properties", props)
            k["configMapGenerator"] = [{
                "name": f"{n}-settings", "behavior": "merge",
                "literals": [f"log.level={'debug' if dev else 'info'}", f"env={env}",
                             f"replicas.hint={3 if prod else 1}"],
                "files": ["application.properties"],
            }]
        elif r.random() < 0.3:
            self.write(f"{d}/flags.env", "NEW_UI=true\nBETA_API=false\nMAX_ITEMS=50\n")
            k["configMapGenerator"] = [{
                "name": f"{n}-flags",
                "literals": [f"ENVIRONMENT={env}"],
                "envs": ["flags.env"],
            }]
        if app["secret_ref"] and (not dev or r.random() < 0.5):
            sg = {"name": f"{n}-credentials",
                  "literals": [f"db-password={self.hexid(24)}", f"db-user={n.replace('-', '_')}"]}
            if r.random() < 0.4:
                self.write(f"{d}/secrets.env",
                           f"API_KEY={self.hexid(32)}\nWEBHOOK_SECRET={self.hexid(16)}\n")
                sg["envs"] = ["secrets.env"]
            k["secretGenerator"] = [sg]
            if r.random() < 0.3:
                k["secretGenerator"].append({"name": f"{n}-tls", "type": "kubernetes.io/tls",
                                             "literals": ["tls.crt=dummy-cert", "tls.key=dummy-key"]})
        if ("configMapGenerator" in k or "secretGenerator" in k) and r.random() < 0.3:
            k["generatorOptions"] = {"labels": {"generated-by": "kustomize"},
                                     "annotations": {"example.com/rotated": "false"}}

        self.write(f"{d}/kustomization.yaml", yaml_doc(k))
        self.overlays.append(d)

    def run(self, apps):
        r = self.r
        combos = [f"{a}-{n}" for a in ADJS for n in NOUNS]
        if apps > len(combos):
            sys.exit(f"error: at most {len(combos)} apps")
        names = sorted(r.sample(combos, apps))
        self.component()
        for name in names:
            app = {"name": name, "team": r.choice(TEAMS),
                   "component": r.choice(["backend", "frontend", "worker"]),
                   "sidecars": r.sample(SIDECARS, r.choice([0, 0, 1, 1, 2])),
                   "settings": r.random() < 0.6,
                   "secret_ref": r.random() < 0.6}
            self.base(app)
            for env in ENVS:
                self.overlay(app, env)
        self.write("overlays.txt", "\n".join(self.overlays) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--apps", type=int, default=70, help="number of apps (3 overlays each; default 70)")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if a.apps < 1:
        ap.error("--apps must be >= 1")
    if os.path.exists(a.outdir) and os.listdir(a.outdir):
        ap.error(f"{a.outdir} exists and is not empty")
    g = Gen(a.outdir, a.seed)
    g.run(a.apps)
    print(f"generated {a.outdir}: {a.apps} apps, {len(g.overlays)} overlays, "
          f"{g.files} files, {g.bytes} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
