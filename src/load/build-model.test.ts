import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InputError, type InputProblem } from "../errors/input-error.js";
import { parseCidr } from "../model/cidr.js";
import { EVERYTHING } from "../model/labels.js";
import type { Model } from "../model/model.js";
import { buildModel } from "./build-model.js";

const FIXTURES = "test/fixtures/k8s";

function load(text: string, file = "m.yaml"): Model {
  return buildModel([{ file, text }]);
}

function fixture(name: string): Model {
  const file = `${FIXTURES}/${name}`;
  return buildModel([{ file, text: readFileSync(file, "utf8") }]);
}

function problems(text: string, file = "m.yaml"): { code: string; line: number; path?: string }[] {
  try {
    load(text, file);
  } catch (error) {
    if (error instanceof InputError) {
      return error.problems.map((p: InputProblem) =>
        p.path === undefined ? { code: p.code, line: p.line } : { code: p.code, line: p.line, path: p.path },
      );
    }
    throw error;
  }
  throw new Error("expected an InputError");
}

const warnings = (model: Model) => model.warnings.map((w) => ({ code: w.code, line: w.line }));

/** A NetworkPolicy in namespace shop with the given spec lines (indented under spec:). */
function policy(spec: string, name = "p"): string {
  return `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n${spec}`;
}
const SHOP = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n";

describe("documents and files", () => {
  it("reads multi-document YAML, skipping empty documents, with each object's line", () => {
    const model = fixture("multi-doc.yaml");
    expect([...model.namespaces.keys()]).toEqual(["default", "shop"]);
    expect(model.namespaces.get("shop")?.source?.line).toBe(3);
    expect(model.pods.map((p) => [p.name, p.source.line])).toEqual([["client", 9]]);
    expect(model.policies.map((p) => [p.name, p.source.line])).toEqual([["allow-client", 21]]);
    expect(model.warnings).toEqual([]);
  });

  it("reads a PodList whose items have no kind or apiVersion (kubectl get -o json)", () => {
    const model = fixture("pod-list.json");
    expect(model.pods.map((p) => [p.name, p.source.line])).toEqual([
      ["debug", 20],
      ["web-7d4b9c-abcde", 5],
    ]);
    const web = model.pods.find((p) => p.name === "web-7d4b9c-abcde");
    expect(web).toMatchObject({
      namespace: "shop",
      labels: { app: "web", "pod-template-hash": "7d4b9c" },
      ips: ["10.244.1.5", "fd00::5"],
      ports: [{ name: "http", port: 8080, protocol: "TCP" }],
      serviceAccount: "web",
      hostNetwork: false,
      workload: "shop/web-7d4b9c",
      fromTemplate: false,
    });
    expect(model.pods.find((p) => p.name === "debug")).toMatchObject({
      hostNetwork: true,
      ips: ["192.168.0.10"],
      serviceAccount: "default",
      workload: "shop/debug",
    });
  });

  it("reads a kind: List (kubectl get -o yaml) and keeps ignored kinds with their lines", () => {
    const model = fixture("kubectl-list.yaml");
    expect(model.namespaces.get("shop")?.source).toEqual({
      kind: "Namespace",
      name: "shop",
      file: `${FIXTURES}/kubectl-list.yaml`,
      line: 3,
    });
    expect(model.services.map((s) => [s.name, s.source.line])).toEqual([["web", 10]]);
    expect(model.ignored).toEqual([
      { kind: "ConfigMap", name: "settings", namespace: "shop", file: `${FIXTURES}/kubectl-list.yaml`, line: 22 },
    ]);
  });

  it("reads typed lists (NetworkPolicyList) whose items have no kind", () => {
    const text = `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicyList\nitems:\n- metadata: {name: a}\n  spec: {podSelector: {}}\n`;
    expect(load(text).policies.map((p) => [p.name, p.source.line])).toEqual([["a", 4]]);
  });

  it("reports list items without kind in a plain List, and non-object items", () => {
    expect(problems("kind: List\nitems:\n- metadata: {name: a}\n- 5\n")).toEqual([
      { code: "missing-kind", line: 3 },
      { code: "not-an-object", line: 4 },
    ]);
  });

  it("reports documents that are not objects or have no kind", () => {
    expect(problems("a: 1\n---\n- x\n---\njust text\n---\nkind: 5\n")).toEqual([
      { code: "missing-kind", line: 1 },
      { code: "not-an-object", line: 3 },
      { code: "not-an-object", line: 5 },
      { code: "missing-kind", line: 7, path: "kind" },
    ]);
  });

  it("keeps every kind it does not evaluate in Model.ignored", () => {
    const text = [
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}",
      "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: i}",
      "apiVersion: extensions/v1beta1\nkind: NetworkPolicy\nmetadata: {name: old}",
      "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: knative}",
      "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: sm}",
      "kind: Widget",
    ].join("\n---\n");
    expect(load(text).ignored.map((r) => [r.kind, r.name, r.namespace, r.line])).toEqual([
      ["ConfigMap", "c", "shop", 1],
      ["IngressClass", "i", undefined, 5],
      ["NetworkPolicy", "old", undefined, 9],
      ["Service", "knative", undefined, 13],
      ["ServiceMonitor", "sm", undefined, 17],
      ["Widget", "<unnamed>", undefined, 21],
    ]);
  });

  it("collects the problems of every file before failing", () => {
    try {
      buildModel([
        { file: "a.yaml", text: "kind: Pod\nmetadata: {}\n" },
        { file: "b.yaml", text: "a: [\n" },
        { file: "c.yaml", text: policy("  podSelector: {}\n  policyTypes: [Sideways]\n") },
      ]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).problems.map((p) => [p.file, p.code, p.line])).toEqual([
        ["a.yaml", "missing-name", 2],
        ["b.yaml", "yaml-syntax", 2],
        ["c.yaml", "invalid-policy-type", 8],
      ]);
      expect((error as InputError).message).toContain("c.yaml:8: spec.policyTypes[0]: unsupported policy type");
    }
  });
});

describe("namespaces", () => {
  it('puts objects without metadata.namespace in "default", policies too', () => {
    const model = load(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec: {podSelector: {}}\n",
    );
    expect(model.pods[0]?.namespace).toBe("default");
    expect(model.workloads[0]?.id).toBe("default/a");
    expect(model.policies[0]?.namespace).toBe("default");
    expect([...model.namespaces.keys()]).toEqual(["default"]);
    expect(model.warnings).toEqual([]); // "default" always exists
  });

  it("keeps Namespace labels and sets kubernetes.io/metadata.name, overriding the given value", () => {
    const model = load(
      "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  namespace: ignored\n  labels: {team: web, kubernetes.io/metadata.name: other}\n  annotations: {linkerd.io/inject: enabled}\n",
    );
    expect(model.namespaces.get("shop")).toEqual({
      name: "shop",
      labels: { team: "web", "kubernetes.io/metadata.name": "shop" },
      annotations: { "linkerd.io/inject": "enabled" },
      source: { kind: "Namespace", name: "shop", file: "m.yaml", line: 1 },
    });
  });

  it("creates namespaces that are used but not defined, warning at the first object using them", () => {
    const model = load(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: shop}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: shop}\n",
    );
    expect(model.namespaces.get("shop")).toEqual({ name: "shop", labels: { "kubernetes.io/metadata.name": "shop" } });
    expect(model.warnings).toEqual([
      {
        code: "undefined-namespace",
        message:
          'namespace "shop" is not defined in the input (first used by Pod shop/a): assumed to exist, with no labels',
        file: "m.yaml",
        line: 1,
      },
    ]);
  });
});

describe("unknown fields are warnings", () => {
  it("warns about a misspelt podSelector with its line and treats the policy as selecting all pods", () => {
    const model = load(`${SHOP}${policy("  podselector:\n    matchLabels: {app: web}\n")}`);
    expect(model.warnings).toEqual([
      {
        code: "unknown-field",
        message: 'unknown field "spec.podselector" (did you mean "podSelector"?): ignored',
        file: "m.yaml",
        line: 12,
      },
      {
        code: "missing-pod-selector",
        message: "NetworkPolicy shop/p has no spec.podSelector: it selects every pod in shop",
        file: "m.yaml",
        line: 11,
      },
    ]);
    expect(model.policies[0]?.podSelector).toEqual(EVERYTHING);
  });

  it("warns about a misspelt containerPort and ignores it", () => {
    const model = load(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - name: c\n    ports:\n    - containerport: 80\n      containerPort: 81\n",
    );
    expect(warnings(model)).toEqual([{ code: "unknown-field", line: 8 }]);
    expect(model.warnings[0]?.message).toContain(
      '"spec.containers[0].ports[0].containerport" (did you mean "containerPort"?)',
    );
    expect(model.pods[0]?.ports).toEqual([{ port: 81, protocol: "TCP" }]);
  });

  it("accepts the fields of real manifests that Ward does not read, without warnings", () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations: {deployment.kubernetes.io/revision: "3"}
  uid: 0d1f
  generation: 3
  creationTimestamp: "2024-01-01T00:00:00Z"
  managedFields: [{manager: kubectl}]
spec:
  replicas: 2
  revisionHistoryLimit: 10
  progressDeadlineSeconds: 600
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}}
  template:
    metadata:
      labels: {app: web}
      annotations: {prometheus.io/scrape: "true"}
    spec:
      serviceAccountName: web
      automountServiceAccountToken: false
      securityContext: {runAsNonRoot: true}
      affinity: {podAntiAffinity: {}}
      tolerations: [{key: dedicated, operator: Equal, value: web}]
      nodeSelector: {pool: web}
      volumes: [{name: tmp, emptyDir: {}}]
      initContainers:
      - name: migrate
        image: web:1
        command: [migrate]
      containers:
      - name: web
        image: web:1
        imagePullPolicy: IfNotPresent
        args: ["--port=8080"]
        env: [{name: A, value: "1"}, {name: B, valueFrom: {secretKeyRef: {name: s, key: k}}}]
        envFrom: [{configMapRef: {name: c}}]
        resources: {requests: {cpu: 100m}, limits: {memory: 256Mi}}
        volumeMounts: [{name: tmp, mountPath: /tmp}]
        livenessProbe: {httpGet: {path: /healthz, port: http}}
        readinessProbe: {tcpSocket: {port: 8080}}
        securityContext: {readOnlyRootFilesystem: true}
        ports:
        - {name: http, containerPort: 8080, protocol: TCP}
status:
  replicas: 2
  conditions: [{type: Available, status: "True"}]
`;
    expect(load(text).warnings).toEqual([]);
  });

  it("still reports real problems in an object that also has unknown fields", () => {
    expect(problems(policy("  podSelector: {}\n  ingres: []\n  ingress:\n  - ports:\n    - port: 0\n"))).toEqual([
      { code: "port-out-of-range", line: 11, path: "spec.ingress[0].ports[0].port" },
    ]);
  });
});

describe("NetworkPolicy", () => {
  it("defaults policyTypes as the API server does: Ingress, plus Egress when egress rules exist", () => {
    const model = load(
      [
        policy("  podSelector: {}\n", "none"),
        policy("  podSelector: {}\n  ingress:\n  - {}\n", "ingress-rules"),
        policy("  podSelector: {}\n  egress:\n  - {}\n", "egress-rules"),
        policy("  podSelector: {}\n  egress: []\n", "empty-egress"),
        policy("  podSelector: {}\n  policyTypes: [Ingress, Egress]\n", "both-explicit"),
      ].join("---\n"),
    );
    const shape = model.policies.map((p) => [p.name, p.ingress?.length, p.egress?.length]);
    expect(shape).toEqual([
      ["none", 0, undefined],
      ["ingress-rules", 1, undefined],
      ["egress-rules", 0, 1],
      ["empty-egress", 0, undefined],
      ["both-explicit", 0, 0],
    ]);
  });

  it("ignores the rules of a direction not in policyTypes, with a warning", () => {
    const model = load(policy("  podSelector: {}\n  policyTypes: [Egress]\n  ingress:\n  - {}\n"));
    expect(model.policies[0]?.ingress).toBeUndefined();
    expect(model.policies[0]?.egress).toEqual([]);
    expect(warnings(model)).toEqual([
      { code: "ignored-rules", line: 9 },
      { code: "undefined-namespace", line: 1 },
    ]);
  });

  it("reduces rules, peers and ports to the model, with the line of each", () => {
    const text = `${SHOP}${policy(`  podSelector:
    matchLabels: {app: api}
    matchExpressions:
    - {key: tier, operator: NotIn, values: [db]}
  ingress:
  - from:
    - podSelector: {matchLabels: {app: web}}
    - namespaceSelector: {matchLabels: {team: ops}}
    - namespaceSelector: {matchExpressions: [{key: env, operator: Exists}]}
      podSelector: {matchLabels: {app: prom}}
    - ipBlock:
        cidr: 10.0.0.0/8
        except: [10.1.0.0/16]
    ports:
    - port: 8080
    - port: http
      protocol: UDP
    - port: 9000
      endPort: 9100
      protocol: SCTP
  - {}
  egress:
  - to: []
    ports: []
`)}`;
    const model = load(text);
    const p = model.policies[0];
    expect(p?.podSelector).toEqual({
      matchLabels: { app: "api" },
      matchExpressions: [{ key: "tier", operator: "NotIn", values: ["db"] }],
    });
    expect(p?.source).toEqual({ kind: "NetworkPolicy", name: "p", namespace: "shop", file: "m.yaml", line: 6 });
    const [first, second] = p?.ingress ?? [];
    expect(first?.source).toEqual({ kind: "NetworkPolicy", name: "p", namespace: "shop", file: "m.yaml", line: 17 });
    expect(first?.peers).toEqual([
      {
        kind: "pods",
        namespaces: { kind: "same", namespace: "shop" },
        pods: { matchLabels: { app: "web" }, matchExpressions: [] },
        line: 18,
      },
      {
        kind: "pods",
        namespaces: { kind: "selector", selector: { matchLabels: { team: "ops" }, matchExpressions: [] } },
        pods: EVERYTHING,
        line: 19,
      },
      {
        kind: "pods",
        namespaces: {
          kind: "selector",
          selector: { matchLabels: {}, matchExpressions: [{ key: "env", operator: "Exists", values: [] }] },
        },
        pods: { matchLabels: { app: "prom" }, matchExpressions: [] },
        line: 20,
      },
      { kind: "ipBlock", block: { cidr: parseCidr("10.0.0.0/8"), except: [parseCidr("10.1.0.0/16")] }, line: 22 },
    ]);
    expect(first?.ports).toEqual([
      { protocol: "TCP", port: 8080, line: 26 },
      { protocol: "UDP", port: "http", line: 27 },
      { protocol: "SCTP", port: 9000, endPort: 9100, line: 29 },
    ]);
    expect(second).toMatchObject({ peers: "any", ports: "all", source: { line: 32 } });
    expect(p?.egress).toMatchObject([{ peers: "any", ports: "all", source: { line: 34 } }]);
    expect(model.warnings).toEqual([]);
  });

  it.each([
    ["a port of the wrong type", "  podSelector: {}\n  ingress:\n  - ports:\n    - port: true\n", "invalid-type", 10],
    ["a label value that is not a string", "  podSelector:\n    matchLabels: {app: 5}\n", "invalid-type", 8],
    [
      "a quoted number as port (a name needs a letter)",
      '  podSelector: {}\n  ingress:\n  - ports:\n    - port: "80"\n',
      "invalid-port-name",
      10,
    ],
    [
      "a port name over 15 characters",
      "  podSelector: {}\n  ingress:\n  - ports:\n    - port: very-long-port-name\n",
      "invalid-port-name",
      10,
    ],
    ["a port name with --", "  podSelector: {}\n  ingress:\n  - ports:\n    - port: a--b\n", "invalid-port-name", 10],
    ["a fractional port", "  podSelector: {}\n  ingress:\n  - ports:\n    - port: 80.5\n", "invalid-type", 10],
    ["endPort without port", "  podSelector: {}\n  ingress:\n  - ports:\n    - endPort: 90\n", "invalid-end-port", 10],
    [
      "endPort over 65535",
      "  podSelector: {}\n  ingress:\n  - ports:\n    - {port: 80, endPort: 65536}\n",
      "invalid-end-port",
      10,
    ],
    [
      "an ipBlock without cidr",
      "  podSelector: {}\n  egress:\n  - to:\n    - ipBlock: {except: []}\n",
      "invalid-cidr",
      10,
    ],
    [
      "an address as cidr",
      "  podSelector: {}\n  egress:\n  - to:\n    - ipBlock: {cidr: 10.0.0.1}\n",
      "invalid-cidr",
      10,
    ],
    [
      "an except equal to cidr",
      "  podSelector: {}\n  egress:\n  - to:\n    - ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0/8]}\n",
      "except-outside-cidr",
      10,
    ],
    [
      "an except of the other family",
      "  podSelector: {}\n  egress:\n  - to:\n    - ipBlock: {cidr: 10.0.0.0/8, except: ['fd00::/64']}\n",
      "except-outside-cidr",
      10,
    ],
    [
      "Exists with values",
      "  podSelector:\n    matchExpressions:\n    - {key: a, operator: Exists, values: [x]}\n",
      "invalid-selector",
      9,
    ],
    [
      "NotIn without values",
      "  podSelector:\n    matchExpressions:\n    - {key: a, operator: NotIn}\n",
      "invalid-selector",
      9,
    ],
    ["a bad label key in a selector", "  podSelector:\n    matchLabels: {-bad: x}\n", "invalid-label", 8],
    ["three policyTypes", "  podSelector: {}\n  policyTypes: [Ingress, Egress, Ingress]\n", "invalid-policy-type", 8],
    ["ingress that is not a list", "  podSelector: {}\n  ingress: x\n", "invalid-type", 8],
  ])("rejects %s", (_, spec, code, line) => {
    expect(problems(policy(spec)).map((p) => [p.code, p.line])).toEqual([[code, line]]);
  });

  it("reports every problem of a policy, each at its line (in line order)", () => {
    const spec = `  podSelector: {}
  ingress:
  - from:
    - {}
    - ipBlock: {cidr: nonsense}
    ports:
    - {port: 0, protocol: ICMP}
`;
    expect(problems(policy(spec))).toEqual([
      { code: "empty-peer", line: 10, path: "spec.ingress[0].from[0]" },
      { code: "invalid-cidr", line: 11, path: "spec.ingress[0].from[1].ipBlock.cidr" },
      { code: "invalid-protocol", line: 13, path: "spec.ingress[0].ports[0].protocol" },
      { code: "port-out-of-range", line: 13, path: "spec.ingress[0].ports[0].port" },
    ]);
  });

  it("explains label values that YAML read as numbers or booleans", () => {
    try {
      load("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  labels: {version: 1.10, canary: yes}\n");
      expect.unreachable();
    } catch (error) {
      expect((error as InputError).problems.map((p) => [p.code, p.line, p.path, p.message])).toEqual([
        [
          "invalid-type",
          5,
          "metadata.labels.version",
          "expected a string, got number 1.1 (quote it to make it a string)",
        ],
        [
          "invalid-type",
          5,
          "metadata.labels.canary",
          "expected a string, got boolean true (quote it to make it a string)",
        ],
      ]);
    }
  });

  it("treats null fields as absent, as the API server decodes them", () => {
    const model = load(policy("  podSelector:\n  policyTypes:\n  ingress:\n  - from:\n    ports:\n  egress:\n"));
    expect(model.policies[0]).toMatchObject({ podSelector: EVERYTHING, ingress: [{ peers: "any", ports: "all" }] });
    expect(model.policies[0]?.egress).toBeUndefined();
    expect(warnings(model).map((w) => w.code)).toEqual(["missing-pod-selector", "undefined-namespace"]);
  });

  it("treats a null rule entry as an empty rule, as the API server decodes it", () => {
    const model = load(policy("  podSelector: {}\n  ingress:\n  -\n"));
    expect(model.policies[0]?.ingress).toMatchObject([{ peers: "any", ports: "all" }]);
  });
});

describe("pods and workloads", () => {
  const pod = (name: string, extra = "") =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: shop\n${extra}`;
  const owned = (kind: string, owner: string) =>
    `  ownerReferences:\n  - {apiVersion: apps/v1, kind: ${kind}, name: ${owner}, uid: u, controller: true}\n`;
  const deployment = (name: string, replicas: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: shop}\nspec:\n${replicas}  template:\n    metadata: {labels: {app: ${name}}}\n    spec:\n      serviceAccount: legacy\n      containers: [{name: c, ports: [{containerPort: 80, name: http, protocol: UDP}]}]\n`;

  it("reads a pod's labels, IPs (deduplicated), ports, service account and hostNetwork", () => {
    const model = load(
      `${SHOP}${pod("a", "  labels: {app: a}\n  annotations: {sidecar.istio.io/inject: 'true'}\nspec:\n  serviceAccountName: sa\n  serviceAccount: ignored\n  initContainers:\n  - {name: i, image: busybox}\n  containers:\n  - name: c\n    image: nginx@sha256:abc\n    ports:\n    - {containerPort: 80}\n    - {containerPort: 53, name: dns, protocol: UDP}\n  - name: d\n    ports: [{containerPort: 9090, name: metrics}]\nstatus:\n  podIP: 10.0.0.1\n  podIPs: [{ip: 10.0.0.1}, {ip: 'fd00::1'}]\n")}`,
    );
    expect(model.pods).toEqual([
      {
        namespace: "shop",
        name: "a",
        labels: { app: "a" },
        annotations: { "sidecar.istio.io/inject": "true" },
        ips: ["10.0.0.1", "fd00::1"],
        ports: [
          { port: 80, protocol: "TCP" },
          { name: "dns", port: 53, protocol: "UDP" },
          { name: "metrics", port: 9090, protocol: "TCP" },
        ],
        serviceAccount: "sa",
        hostNetwork: false,
        images: ["busybox", "nginx@sha256:abc"],
        workload: "shop/a",
        fromTemplate: false,
        source: { kind: "Pod", name: "a", namespace: "shop", file: "m.yaml", line: 6 },
      },
    ]);
    expect(model.workloads).toEqual([
      {
        id: "shop/a",
        namespace: "shop",
        name: "a",
        kind: "Pod",
        pods: [0],
        single: true,
        source: model.pods[0]?.source,
      },
    ]);
  });

  it("follows owners in the input up to the top-most one: Pod → ReplicaSet → Deployment", () => {
    const rs = `apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web-5f6\n  namespace: shop\n${owned("Deployment", "web")}spec:\n  replicas: 2\n  template: {metadata: {labels: {app: web}}}\n`;
    const model = load(
      [
        SHOP,
        deployment("web", "  replicas: 2\n"),
        `---\n${rs}`,
        `---\n${pod("web-5f6-b", owned("ReplicaSet", "web-5f6"))}`,
        `---\n${pod("web-5f6-a", owned("ReplicaSet", "web-5f6"))}`,
      ].join(""),
    );
    expect(model.workloads).toEqual([
      {
        id: "shop/web",
        namespace: "shop",
        name: "web",
        kind: "Deployment",
        pods: [0, 1],
        single: false,
        source: { kind: "Deployment", name: "web", namespace: "shop", file: "m.yaml", line: 6 },
      },
    ]);
    expect(model.pods.map((p) => [p.name, p.workload, p.fromTemplate])).toEqual([
      ["web-5f6-a", "shop/web", false],
      ["web-5f6-b", "shop/web", false],
    ]);
  });

  it("names the workload after an owner that is not in the input", () => {
    const one = load(`${SHOP}${pod("web-5f6-a", owned("ReplicaSet", "web-5f6"))}`);
    expect(one.workloads).toMatchObject([{ id: "shop/web-5f6", kind: "unknown", single: true, pods: [0] }]);
    const two = load(
      `${SHOP}${pod("web-5f6-a", owned("ReplicaSet", "web-5f6"))}---\n${pod("web-5f6-b", owned("ReplicaSet", "web-5f6"))}`,
    );
    expect(two.workloads).toMatchObject([{ id: "shop/web-5f6", kind: "unknown", single: false, pods: [0, 1] }]);
  });

  it("links pods of an absent ReplicaSet to the Deployment in the input by pod-template-hash", () => {
    const model = load(
      `${SHOP}${deployment("web", "  replicas: 3\n")}---\n${pod("web-5f6-a", `  labels: {app: web, pod-template-hash: 5f6}\n${owned("ReplicaSet", "web-5f6")}`)}`,
    );
    expect(model.workloads).toMatchObject([{ id: "shop/web", kind: "Deployment", single: false, pods: [0] }]);
    expect(model.pods.map((p) => [p.name, p.fromTemplate])).toEqual([["web-5f6-a", false]]);
  });

  it("follows Pod → Job → CronJob", () => {
    const cron =
      "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: backup, namespace: shop}\nspec:\n  schedule: '0 * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec: {containers: [{name: c}]}\n";
    const job = `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: backup-28000\n  namespace: shop\n  ownerReferences:\n  - {apiVersion: batch/v1, kind: CronJob, name: backup, uid: u, controller: true}\nspec:\n  template:\n    spec: {containers: [{name: c}]}\n`;
    const model = load(`${SHOP}${cron}---\n${job}---\n${pod("backup-28000-x", owned("Job", "backup-28000"))}`);
    expect(model.workloads).toMatchObject([{ id: "shop/backup", kind: "CronJob", single: true, pods: [0] }]);
  });

  it("builds one representative pod from the template of a controller without pods", () => {
    const model = load(`${SHOP}${deployment("web", "")}`);
    expect(model.pods).toEqual([
      {
        namespace: "shop",
        name: "web",
        labels: { app: "web" },
        annotations: {},
        ips: [],
        ports: [{ name: "http", port: 80, protocol: "UDP" }],
        serviceAccount: "legacy",
        hostNetwork: false,
        images: [],
        workload: "shop/web",
        fromTemplate: true,
        source: { kind: "Deployment", name: "web", namespace: "shop", file: "m.yaml", line: 10 },
      },
    ]);
    expect(model.workloads).toMatchObject([{ id: "shop/web", kind: "Deployment", single: true, pods: [0] }]);
  });

  it("derives single from replicas, parallelism, and DaemonSet", () => {
    const template = "  template:\n    spec: {containers: [{name: c}]}\n";
    const controller = (kind: string, api: string, name: string, spec: string) =>
      `apiVersion: ${api}\nkind: ${kind}\nmetadata: {name: ${name}, namespace: shop}\nspec:\n${spec}`;
    const model = load(
      [
        SHOP,
        controller("Deployment", "apps/v1", "d1", `  replicas: 1\n${template}`),
        controller("Deployment", "apps/v1", "d3", `  replicas: 3\n${template}`),
        controller("Deployment", "apps/v1", "d0", `  replicas: 0\n${template}`),
        controller("StatefulSet", "apps/v1", "s2", `  replicas: 2\n${template}`),
        controller("ReplicaSet", "apps/v1", "r1", template),
        controller("ReplicationController", "v1", "rc2", `  replicas: 2\n${template}`),
        controller("DaemonSet", "apps/v1", "ds", template),
        controller("Job", "batch/v1", "j1", template),
        controller("Job", "batch/v1", "j4", `  parallelism: 4\n${template}`),
        controller(
          "CronJob",
          "batch/v1",
          "c2",
          "  schedule: '@daily'\n  jobTemplate:\n    spec:\n      parallelism: 2\n      template:\n        spec: {containers: [{name: c}]}\n",
        ),
      ].join("---\n"),
    );
    expect(model.workloads.map((w) => [w.name, w.kind, w.single, w.pods.length])).toEqual([
      ["c2", "CronJob", false, 1],
      ["d0", "Deployment", true, 1],
      ["d1", "Deployment", true, 1],
      ["d3", "Deployment", false, 1],
      ["ds", "DaemonSet", false, 1],
      ["j1", "Job", true, 1],
      ["j4", "Job", false, 1],
      ["r1", "ReplicaSet", true, 1],
      ["rc2", "ReplicationController", false, 1],
      ["s2", "StatefulSet", false, 1],
    ]);
    expect(model.pods.every((p) => p.fromTemplate && p.ips.length === 0)).toBe(true);
  });

  it("does not make an intermediate owner a workload of its own, even without pods", () => {
    const rs = `apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web-old\n  namespace: shop\n${owned("Deployment", "web")}spec:\n  replicas: 0\n  template: {metadata: {labels: {app: web}}}\n`;
    const model = load(`${SHOP}${deployment("web", "  replicas: 2\n")}---\n${rs}`);
    expect(model.workloads.map((w) => [w.id, w.kind, w.single])).toEqual([["shop/web", "Deployment", false]]);
    expect(model.pods.map((p) => [p.name, p.fromTemplate])).toEqual([["web", true]]);
  });

  it("names a ReplicaSet whose Deployment is absent after the Deployment, built from its template", () => {
    const rs = `apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web-5f6\n  namespace: shop\n${owned("Deployment", "web")}spec:\n  replicas: 1\n  template: {metadata: {labels: {app: web}}}\n`;
    const model = load(`${SHOP}${rs}`);
    expect(model.workloads).toMatchObject([
      { id: "shop/web", kind: "Deployment", single: true, source: { kind: "ReplicaSet", name: "web-5f6" } },
    ]);
    expect(model.pods).toMatchObject([
      { name: "web-5f6", labels: { app: "web" }, fromTemplate: true, workload: "shop/web" },
    ]);
  });

  it("sorts workloads by id and keeps each workload's pods together, sorted by name", () => {
    const model = load(
      [
        SHOP,
        pod("zeta"),
        pod("b-2", owned("ReplicaSet", "b")),
        pod("alpha"),
        pod("b-1", owned("ReplicaSet", "b")),
      ].join("---\n"),
    );
    expect(model.workloads.map((w) => [w.id, w.pods])).toEqual([
      ["shop/alpha", [0]],
      ["shop/b", [1, 2]],
      ["shop/zeta", [3]],
    ]);
    expect(model.pods.map((p) => p.name)).toEqual(["alpha", "b-1", "b-2", "zeta"]);
  });

  it("warns about a duplicate object and keeps the last one, as kubectl apply does", () => {
    const model = load(`${SHOP}${pod("a", "  labels: {v: one}\n")}---\n${pod("a", "  labels: {v: two}\n")}`);
    expect(model.pods.map((p) => p.labels)).toEqual([{ v: "two" }]);
    expect(model.warnings).toEqual([
      {
        code: "duplicate-object",
        message: "Pod shop/a is defined again: this definition replaces the one at m.yaml:6",
        file: "m.yaml",
        line: 13,
      },
    ]);
  });

  it("requires a controller's pod template", () => {
    expect(problems("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n")).toEqual([
      { code: "missing-field", line: 4, path: "spec.template" },
    ]);
  });

  it("checks names and namespaces", () => {
    expect(problems(pod("Bad_Name")).map((p) => [p.code, p.line, p.path])).toEqual([
      ["invalid-name", 4, "metadata.name"],
    ]);
    expect(
      problems("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  namespace: my.ns\n").map((p) => [
        p.code,
        p.line,
        p.path,
      ]),
    ).toEqual([["invalid-name", 5, "metadata.namespace"]]);
  });

  it("warns when a bare Pod and a controller share a workload id", () => {
    const model = load(`${SHOP}${deployment("web", "")}---\n${pod("web")}`);
    expect(model.workloads.map((w) => [w.id, w.kind, w.pods.length])).toEqual([["shop/web", "Deployment", 1]]);
    expect(model.pods.map((p) => [p.name, p.fromTemplate])).toEqual([["web", false]]);
    expect(warnings(model)).toEqual([{ code: "workload-id-collision", line: 6 }]);
  });

  it("checks container ports", () => {
    const spec = (ports: string) => pod("a", `spec:\n  containers:\n  - name: c\n    ports:\n${ports}`);
    expect(problems(spec("    - containerPort: 0\n")).map((p) => [p.code, p.line])).toEqual([
      ["port-out-of-range", 10],
    ]);
    expect(problems(spec("    - {containerPort: 80, protocol: tcp}\n")).map((p) => [p.code, p.line])).toEqual([
      ["invalid-protocol", 10],
    ]);
    expect(problems(spec("    - {containerPort: 80, name: HTTP}\n")).map((p) => [p.code, p.line])).toEqual([
      ["invalid-port-name", 10],
    ]);
    expect(problems(spec("    - {name: http}\n")).map((p) => [p.code, p.line])).toEqual([["port-out-of-range", 10]]);
  });
});

describe("services and service accounts", () => {
  it("reads Services with defaults: type ClusterIP, targetPort = port, protocol TCP", () => {
    const model = load(`${SHOP}apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports:
  - port: 80
  - {name: dns, port: 53, targetPort: dns, protocol: UDP}
  - {port: 443, targetPort: 8443, nodePort: 30443}
---
apiVersion: v1
kind: Service
metadata: {name: external, namespace: shop}
spec:
  type: ExternalName
  externalName: example.com
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
`);
    expect(model.services).toEqual([
      {
        namespace: "shop",
        name: "web",
        type: "ClusterIP",
        selector: { matchLabels: { app: "web" }, matchExpressions: [] },
        ports: [
          { port: 80, targetPort: 80, protocol: "TCP" },
          { name: "dns", port: 53, targetPort: "dns", protocol: "UDP" },
          { port: 443, targetPort: 8443, protocol: "TCP", nodePort: 30443 },
        ],
        source: { kind: "Service", name: "web", namespace: "shop", file: "m.yaml", line: 6 },
      },
      {
        namespace: "shop",
        name: "external",
        type: "ExternalName",
        ports: [],
        source: { kind: "Service", name: "external", namespace: "shop", file: "m.yaml", line: 16 },
      },
    ]);
    expect(model.serviceAccounts).toEqual([
      { kind: "ServiceAccount", name: "web", namespace: "shop", file: "m.yaml", line: 23 },
    ]);
  });
});
