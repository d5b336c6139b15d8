#!/usr/bin/env python3
"""Generates N core-kind Kubernetes documents (one per file) for bench/validate.sh.

Kinds rotate over Deployment, Service, ConfigMap, StatefulSet, Ingress, CronJob, Role,
RoleBinding, HorizontalPodAutoscaler, PodDisruptionBudget; about 2% carry a mistake (a typo'd
field, a wrong type, a missing required field). Deterministic for a seed. Standard library only.
"""
import argparse
import os
import random


def deployment(i, r):
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: team-{i % 17}
  labels: {{app: app-{i}, tier: backend}}
spec:
  replicas: {r.randint(1, 5)}
  selector:
    matchLabels: {{app: app-{i}}}
  template:
    metadata:
      labels: {{app: app-{i}}}
    spec:
      containers:
      - name: app
        image: registry.example.com/app-{i}:1.{r.randint(0, 40)}.0
        ports: [{{containerPort: 8080, name: http}}]
        env:
        - {{name: LOG_LEVEL, value: info}}
        - name: DB_PASSWORD
          valueFrom: {{secretKeyRef: {{name: db-{i}, key: password}}}}
        resources:
          requests: {{cpu: 100m, memory: 128Mi}}
          limits: {{memory: 256Mi}}
        readinessProbe:
          httpGet: {{path: /healthz, port: http}}
          periodSeconds: 10
"""


def service(i, r):
    return f"""apiVersion: v1
kind: Service
metadata:
  name: app-{i}
  namespace: team-{i % 17}
spec:
  selector: {{app: app-{i}}}
  ports:
  - {{name: http, port: 80, targetPort: http}}
"""


def configmap(i, r):
    return f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: app-{i}-config
  namespace: team-{i % 17}
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "a,b,c"
  config.yaml: |
    server:
      port: 8080
"""


def statefulset(i, r):
    return f"""apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db-{i}
  namespace: team-{i % 17}
spec:
  serviceName: db-{i}
  replicas: 3
  selector:
    matchLabels: {{app: db-{i}}}
  template:
    metadata:
      labels: {{app: db-{i}}}
    spec:
      containers:
      - name: db
        image: postgres:16
        volumeMounts: [{{name: data, mountPath: /var/lib/postgresql/data}}]
  volumeClaimTemplates:
  - metadata: {{name: data}}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {{requests: {{storage: 10Gi}}}}
"""


def ingress(i, r):
    return f"""apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app-{i}
  namespace: team-{i % 17}
spec:
  ingressClassName: nginx
  rules:
  - host: app-{i}.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend: {{service: {{name: app-{i}, port: {{number: 80}}}}}}
"""


def cronjob(i, r):
    return f"""apiVersion: batch/v1
kind: CronJob
metadata:
  name: report-{i}
  namespace: team-{i % 17}
spec:
  schedule: "0 {r.randint(0, 23)} * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: report
            image: registry.example.com/report:2
            args: [--day, yesterday]
"""


def role(i, r):
    return f"""apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader-{i}
  namespace: team-{i % 17}
rules:
- apiGroups: [""]
  resources: [pods, configmaps]
  verbs: [get, list, watch]
"""


def rolebinding(i, r):
    return f"""apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: reader-{i}
  namespace: team-{i % 17}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader-{i}}}
subjects:
- {{kind: ServiceAccount, name: app-{i}, namespace: team-{i % 17}}}
"""


def hpa(i, r):
    return f"""apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: app-{i}
  namespace: team-{i % 17}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: app-{i}}}
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Resource
    resource: {{name: cpu, target: {{type: Utilization, averageUtilization: 70}}}}
"""


def pdb(i, r):
    return f"""apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: app-{i}
  namespace: team-{i % 17}
spec:
  minAvailable: 1
  selector:
    matchLabels: {{app: app-{i}}}
"""


KINDS = [deployment, service, configmap, statefulset, ingress, cronjob, role, rolebinding, hpa, pdb]


def mistake(text, r):
    choice = r.randint(0, 2)
    if choice == 0 and "\nspec:\n" in text:
        return text.replace("\nspec:\n", "\nspec:\n  replicaz: 3\n", 1)
    if choice == 1:
        return text + "spec2: {}\n"
    return text.replace("metadata:\n", "metadata:\n  labels: [not, a, map]\n", 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    r = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    bad = 0
    for i in range(a.docs):
        text = KINDS[i % len(KINDS)](i, r)
        if r.random() < 0.02:
            text = mistake(text, r)
            bad += 1
        with open(os.path.join(a.out, f"doc-{i:05}.yaml"), "w") as f:
            f.write(text)
    print(f"generated {a.docs} documents in {a.out} ({bad} with a planted mistake)")


if __name__ == "__main__":
    main()
