import { apportion, Rng } from "./prng.js";
import { emitYaml } from "./yaml-emit.js";

/**
 * A seeded generator of a realistic cluster as users feed it to Ward: Kubernetes YAML text.
 *
 * - namespaces.yaml: `kubectl get namespaces -o yaml` (a List, keys sorted as kubectl prints them);
 * - workloads.yaml: Deployments and their ReplicaSets as multi-document manifests;
 * - pods.yaml: `kubectl get pods -A -o yaml` (a List), each Pod owned by a ReplicaSet (controller: true),
 *   with named container ports and a status.podIP from its node's /24 of the 10.244.0.0/16 pod CIDR;
 * - networkpolicies.yaml: multi-document manifests mixing default-deny, allow-DNS, pod, namespace and combined
 *   selectors, matchExpressions (In, NotIn, Exists, DoesNotExist), ipBlocks with except (a few covering pod IPs),
 *   named and numeric ports, endPort ranges, TCP and UDP.
 *
 * The same shape and seed always give the same text; counts of Namespaces, Pods and NetworkPolicies are exact.
 */

export type ClusterShape = {
  readonly seed: number;
  readonly namespaces: number;
  readonly pods: number;
  readonly policies: number;
};

export type InputFile = { readonly file: string; readonly text: string };

/** The foundation issue's target: 10,000 pods in 200 namespaces with 2,000 policies. */
export const FOUNDATION_SHAPE: ClusterShape = { seed: 20261125, namespaces: 200, pods: 10_000, policies: 2_000 };

type Obj = { [key: string]: unknown };
type Labels = Record<string, string>;
type Tier = "frontend" | "backend" | "data";
type Protocol = "TCP" | "UDP";
type PortDef = { readonly name?: string; readonly port: number; readonly protocol: Protocol };
type ContainerDef = { readonly name: string; readonly image: string; readonly ports: readonly PortDef[] };

type App = {
  readonly name: string;
  readonly tier: Tier | "system";
  /** Deployment selector labels; pods carry these plus version, team, tier, pod-template-hash... */
  readonly selector: Labels;
  readonly labels: Labels;
  readonly containers: readonly ContainerDef[];
  readonly replicas: number;
  readonly version: number;
};

type Ns = {
  readonly name: string;
  readonly labels: Labels;
  readonly team: string;
  readonly env: string;
  readonly system: "kube-system" | "monitoring" | "ingress-nginx" | undefined;
  readonly apps: App[];
};

const TEAMS = [
  "payments",
  "checkout",
  "catalog",
  "search",
  "identity",
  "ledger",
  "shipping",
  "inventory",
  "analytics",
  "growth",
  "messaging",
  "billing",
  "fraud",
  "risk",
  "recs",
  "media",
  "support",
  "partners",
  "mobile",
  "storefront",
  "data",
  "ml",
  "devtools",
  "security",
  "notify",
] as const;
const DOMAINS = ["api", "core", "svc", "ops", "edge", "batch", "store", "sync", "portal", "jobs"] as const;
const ENVS: readonly (readonly [string, number])[] = [
  ["prod", 5],
  ["staging", 3],
  ["dev", 2],
];
const NS_TIERS = ["frontend", "backend", "data", "platform"] as const;
const RFC1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] as const;
const METADATA_NAME = "kubernetes.io/metadata.name";
const BASE_TIME = Date.UTC(2026, 9, 1);

type Catalog = { readonly name: string; readonly tier: Tier; readonly ports: (rng: Rng) => PortDef[] };

const webPorts = (rng: Rng): PortDef[] => [
  { name: "http", port: rng.pick([8080, 3000, 80]), protocol: "TCP" },
  { name: "metrics", port: 9090, protocol: "TCP" },
];
const apiPorts = (rng: Rng): PortDef[] => {
  const out: PortDef[] = [{ name: "http", port: rng.pick([8080, 8000]), protocol: "TCP" }];
  if (rng.chance(0.5)) out.push({ name: "grpc", port: rng.pick([9000, 50051]), protocol: "TCP" });
  out.push({ name: "metrics", port: rng.pick([9090, 9100]), protocol: "TCP" });
  if (rng.chance(0.2)) out.push({ port: 8081, protocol: "TCP" }); // an unnamed admin port
  if (rng.chance(0.1)) out.push({ name: "https", port: 8443, protocol: "TCP" });
  return out;
};
const dataPorts =
  (name: string, port: number, exporter: number) =>
  (rng: Rng): PortDef[] => {
    const out: PortDef[] = [{ name, port, protocol: "TCP" }];
    if (rng.chance(0.7)) out.push({ name: "metrics", port: exporter, protocol: "TCP" });
    return out;
  };

const CATALOG: readonly Catalog[] = [
  { name: "web", tier: "frontend", ports: webPorts },
  { name: "frontend", tier: "frontend", ports: webPorts },
  { name: "gateway", tier: "frontend", ports: apiPorts },
  { name: "bff", tier: "frontend", ports: webPorts },
  { name: "admin-ui", tier: "frontend", ports: webPorts },
  { name: "api", tier: "backend", ports: apiPorts },
  { name: "worker", tier: "backend", ports: apiPorts },
  { name: "auth", tier: "backend", ports: apiPorts },
  { name: "orders", tier: "backend", ports: apiPorts },
  { name: "accounts", tier: "backend", ports: apiPorts },
  { name: "notifier", tier: "backend", ports: apiPorts },
  { name: "scheduler", tier: "backend", ports: apiPorts },
  { name: "pricing", tier: "backend", ports: apiPorts },
  { name: "profile", tier: "backend", ports: apiPorts },
  { name: "reports", tier: "backend", ports: apiPorts },
  { name: "webhooks", tier: "backend", ports: apiPorts },
  { name: "indexer", tier: "backend", ports: apiPorts },
  { name: "postgres", tier: "data", ports: dataPorts("postgres", 5432, 9187) },
  { name: "redis", tier: "data", ports: dataPorts("redis", 6379, 9121) },
  { name: "kafka", tier: "data", ports: dataPorts("kafka", 9092, 9308) },
  { name: "rabbitmq", tier: "data", ports: dataPorts("amqp", 5672, 15692) },
  { name: "elasticsearch", tier: "data", ports: dataPorts("http", 9200, 9114) },
  { name: "memcached", tier: "data", ports: dataPorts("memcache", 11211, 9150) },
];
const REPLICAS = [1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 5, 6, 8, 10, 12] as const;

/** Node i's own address, in the VPC's 10.0.16.0/20 node subnet. */
function nodeIp(node: number): string {
  const v = ((10 << 24) | (16 << 8)) + 10 + node;
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

function timestamp(rng: Rng, spreadDays: number): string {
  return new Date(BASE_TIME + rng.int(0, spreadDays * 86_400) * 1000).toISOString().replace(".000Z", "Z");
}

class Generator {
  private readonly rng: Rng;
  private resourceVersion = 100_000;
  readonly namespaces: Ns[] = [];
  private readonly nodeCount: number;
  private readonly nodeUsed: number[];
  /** Nodes whose /24 some ipBlocks name: pods scheduled there fall into extra classes. */
  private readonly splitNodes: number[];

  constructor(readonly shape: ClusterShape) {
    if (!Number.isInteger(shape.namespaces) || shape.namespaces < 4)
      throw new RangeError(`namespaces must be an integer >= 4, got ${shape.namespaces}`);
    if (!Number.isInteger(shape.pods) || shape.pods < 0) throw new RangeError(`bad pod count ${shape.pods}`);
    if (!Number.isInteger(shape.policies) || shape.policies < 0)
      throw new RangeError(`bad policy count ${shape.policies}`);
    this.rng = new Rng(shape.seed);
    // ~80 pods per node, each node a /24 of the pod CIDR (as flannel/kubenet allocate it).
    this.nodeCount = Math.max(3, Math.ceil(shape.pods / 80));
    if (this.nodeCount > 1024) throw new RangeError("at most ~80,000 pods (1024 nodes of 10.244.0.0/14)");
    this.nodeUsed = new Array(this.nodeCount).fill(0);
    this.splitNodes = this.rng.sample(
      Array.from({ length: this.nodeCount - 1 }, (_, i) => i),
      3,
    );
  }

  private rv(): string {
    this.resourceVersion += this.rng.int(1, 40);
    return String(this.resourceVersion);
  }

  // ---- namespaces ----------------------------------------------------------------------------------------------

  buildNamespaces(): void {
    const system: Ns[] = [
      {
        name: "kube-system",
        labels: { [METADATA_NAME]: "kube-system" },
        team: "platform",
        env: "prod",
        system: "kube-system",
        apps: [],
      },
      {
        name: "monitoring",
        labels: { [METADATA_NAME]: "monitoring", team: "platform", purpose: "monitoring", tier: "platform" },
        team: "platform",
        env: "prod",
        system: "monitoring",
        apps: [],
      },
      {
        name: "ingress-nginx",
        labels: {
          [METADATA_NAME]: "ingress-nginx",
          team: "platform",
          purpose: "ingress",
          "app.kubernetes.io/name": "ingress-nginx",
        },
        team: "platform",
        env: "prod",
        system: "ingress-nginx",
        apps: [],
      },
    ];
    this.namespaces.push(...system);
    const used = new Set(system.map((n) => n.name));
    for (let i = system.length; i < this.shape.namespaces; i++) {
      const team = this.rng.pick(TEAMS);
      const env = this.rng.weighted(ENVS);
      let name = `${team}-${this.rng.pick(DOMAINS)}-${env}`;
      for (let k = 2; used.has(name); k++) name = `${team}-${this.rng.pick(DOMAINS)}-${env}-${k}`;
      used.add(name);
      const labels: Labels = { [METADATA_NAME]: name, team, env, tier: this.rng.pick(NS_TIERS) };
      if (this.rng.chance(0.4)) labels["istio-injection"] = "enabled";
      if (this.rng.chance(0.1)) labels.compliance = "pci";
      if (this.rng.chance(0.05)) labels.legacy = "true";
      if (this.rng.chance(0.3)) labels["cost-center"] = `cc-${this.rng.int(100, 140)}`;
      this.namespaces.push({ name, labels, team, env, system: undefined, apps: [] });
    }
  }

  // ---- workloads and pods --------------------------------------------------------------------------------------

  private systemApps(ns: Ns): { name: string; selector: Labels; labels: Labels; containers: ContainerDef[] }[] {
    switch (ns.system) {
      case "kube-system":
        return [
          {
            name: "coredns",
            selector: { "k8s-app": "kube-dns" },
            labels: { "k8s-app": "kube-dns" },
            containers: [
              {
                name: "coredns",
                image: "registry.k8s.io/coredns/coredns:v1.11.3",
                ports: [
                  { name: "dns", port: 53, protocol: "UDP" },
                  { name: "dns-tcp", port: 53, protocol: "TCP" },
                  { name: "metrics", port: 9153, protocol: "TCP" },
                ],
              },
            ],
          },
          {
            name: "metrics-server",
            selector: { "k8s-app": "metrics-server" },
            labels: { "k8s-app": "metrics-server" },
            containers: [
              {
                name: "metrics-server",
                image: "registry.k8s.io/metrics-server/metrics-server:v0.7.2",
                ports: [{ name: "https", port: 10250, protocol: "TCP" }],
              },
            ],
          },
        ];
      case "monitoring":
        return [
          {
            name: "prometheus",
            selector: { app: "prometheus" },
            labels: { app: "prometheus", "app.kubernetes.io/part-of": "kube-prometheus" },
            containers: [
              {
                name: "prometheus",
                image: "quay.io/prometheus/prometheus:v2.54.1",
                ports: [{ name: "web", port: 9090, protocol: "TCP" }],
              },
            ],
          },
          {
            name: "statsd-exporter",
            selector: { app: "statsd-exporter" },
            labels: { app: "statsd-exporter" },
            containers: [
              {
                name: "statsd-exporter",
                image: "quay.io/prometheus/statsd-exporter:v0.27.1",
                ports: [
                  { name: "statsd", port: 8125, protocol: "UDP" },
                  { name: "metrics", port: 9102, protocol: "TCP" },
                ],
              },
            ],
          },
          {
            name: "grafana",
            selector: { app: "grafana" },
            labels: { app: "grafana" },
            containers: [
              {
                name: "grafana",
                image: "grafana/grafana:11.2.0",
                ports: [{ name: "http", port: 3000, protocol: "TCP" }],
              },
            ],
          },
        ];
      case "ingress-nginx":
        return [
          {
            name: "ingress-nginx-controller",
            selector: { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller" },
            labels: { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller" },
            containers: [
              {
                name: "controller",
                image: "registry.k8s.io/ingress-nginx/controller:v1.11.2",
                ports: [
                  { name: "http", port: 80, protocol: "TCP" },
                  { name: "https", port: 443, protocol: "TCP" },
                  { name: "metrics", port: 10254, protocol: "TCP" },
                ],
              },
            ],
          },
        ];
      default:
        return [];
    }
  }

  private planApps(ns: Ns, podCount: number): void {
    const fixed = this.systemApps(ns);
    const pool = this.rng.sample(CATALOG, CATALOG.length);
    let left = podCount;
    for (let k = 0; left > 0; k++) {
      const replicas = Math.min(left, this.rng.pick(REPLICAS));
      left -= replicas;
      const version = this.rng.int(1, 30);
      const sys = fixed[k];
      if (sys !== undefined) {
        ns.apps.push({ ...sys, tier: "system", replicas, version });
        continue;
      }
      // More deployments than catalog entries: numbered copies, as teams do ("worker-2").
      const entry = pool[(k - fixed.length) % pool.length] as Catalog;
      const round = Math.floor((k - fixed.length) / pool.length);
      const base = round === 0 ? entry.name : `${entry.name}-${round + 1}`;
      const canary = ns.system === undefined && replicas <= 2 && k > 3 && this.rng.chance(0.1);
      const appName = base;
      const name = canary ? `${base}-canary` : base;
      const selector: Labels = canary ? { app: appName, track: "canary" } : { app: appName };
      const labels: Labels = { ...selector, tier: entry.tier, team: ns.team };
      if (ns.system === undefined && this.rng.chance(0.3)) labels["app.kubernetes.io/part-of"] = ns.name;
      if (this.rng.chance(0.05)) labels.legacy = "true";
      if (this.rng.chance(0.15)) labels.component = this.rng.pick(["api", "consumer", "cron", "server"]);
      const containers: ContainerDef[] = [
        {
          name: appName,
          image: `registry.example.com/${ns.team}/${appName}:v1.${version}.0`,
          ports: entry.ports(this.rng),
        },
      ];
      if (ns.labels["istio-injection"] === "enabled")
        containers.push({
          name: "istio-proxy",
          image: "docker.io/istio/proxyv2:1.23.2",
          ports: [{ name: "http-envoy-prom", port: 15090, protocol: "TCP" }],
        });
      ns.apps.push({ name, tier: entry.tier, selector, labels, containers, replicas, version });
    }
  }

  private placePod(): { node: number; ip: string } {
    let node = this.rng.int(0, this.nodeCount - 1);
    while ((this.nodeUsed[node] as number) >= 110) node = (node + 1) % this.nodeCount;
    const host = (this.nodeUsed[node] as number) + 2;
    this.nodeUsed[node] = host - 1;
    return { node, ip: `10.${244 + (node >> 8)}.${node & 255}.${host}` };
  }

  private containerObj(c: ContainerDef, version: number): Obj {
    const http = c.ports.find((p) => p.name === "http");
    const obj: Obj = {
      name: c.name,
      image: c.image.replace(/:v1\.\d+\.0$/, `:v1.${version}.0`),
      imagePullPolicy: "IfNotPresent",
      ports: c.ports.map((p) => ({
        containerPort: p.port,
        ...(p.name === undefined ? {} : { name: p.name }),
        protocol: p.protocol,
      })),
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
    };
    if (http !== undefined) obj.readinessProbe = { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 10 };
    return obj;
  }

  /** Builds Deployment, ReplicaSet and Pod objects for every app; returns [workload docs, pod items]. */
  buildWorkloads(): { workloads: Obj[]; pods: Obj[] } {
    const weights = this.namespaces.map((ns) => (ns.system ? 0.3 : 0.3 + 3 * this.rng.next() ** 2));
    const counts = apportion(this.shape.pods, weights);
    this.namespaces.forEach((ns, i) => {
      this.planApps(ns, counts[i] ?? 0);
    });
    const workloads: Obj[] = [];
    const pods: Obj[] = [];
    for (const ns of this.namespaces) {
      for (const app of ns.apps) {
        const depUid = this.rng.uid();
        const created = timestamp(this.rng, 30);
        const revision = this.rng.int(1, 40);
        workloads.push({
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: {
            name: app.name,
            namespace: ns.name,
            labels: { ...app.selector, ...(app.labels.team ? { team: app.labels.team } : {}) },
            annotations: { "deployment.kubernetes.io/revision": String(revision) },
            uid: depUid,
            generation: revision,
            creationTimestamp: created,
          },
          spec: {
            replicas: app.replicas,
            revisionHistoryLimit: 10,
            selector: { matchLabels: app.selector },
            strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
            template: this.template(ns, app, app.version, undefined),
          },
          status: { replicas: app.replicas, readyReplicas: app.replicas, availableReplicas: app.replicas },
        });
        // The current ReplicaSet, sometimes an older one still rolling out (both own pods), sometimes an empty one.
        const rollout = app.replicas >= 2 && this.rng.chance(0.08);
        const oldReplicas = rollout ? this.rng.int(1, app.replicas - 1) : 0;
        const sets: { version: number; replicas: number; revision: number }[] = [
          { version: app.version, replicas: app.replicas - oldReplicas, revision },
        ];
        if (rollout || this.rng.chance(0.3))
          sets.push({ version: Math.max(0, app.version - 1), replicas: oldReplicas, revision: revision - 1 });
        for (const set of sets) {
          const hash = this.rng.suffix(this.rng.pick([9, 10]));
          const rsName = `${app.name}-${hash}`;
          const rsUid = this.rng.uid();
          const template = this.template(ns, app, set.version, hash);
          workloads.push({
            apiVersion: "apps/v1",
            kind: "ReplicaSet",
            metadata: {
              name: rsName,
              namespace: ns.name,
              labels: template.metadata.labels,
              annotations: {
                "deployment.kubernetes.io/desired-replicas": String(app.replicas),
                "deployment.kubernetes.io/revision": String(set.revision),
              },
              ownerReferences: [
                {
                  apiVersion: "apps/v1",
                  kind: "Deployment",
                  name: app.name,
                  uid: depUid,
                  controller: true,
                  blockOwnerDeletion: true,
                },
              ],
              uid: rsUid,
              creationTimestamp: created,
            },
            spec: {
              replicas: set.replicas,
              selector: { matchLabels: { ...app.selector, "pod-template-hash": hash } },
              template,
            },
            status: { replicas: set.replicas, readyReplicas: set.replicas, observedGeneration: 1 },
          });
          for (let r = 0; r < set.replicas; r++) pods.push(this.podObj(ns, rsName, rsUid, template));
        }
      }
    }
    return { workloads, pods };
  }

  private template(ns: Ns, app: App, version: number, hash: string | undefined) {
    const labels: Labels = { ...app.labels };
    if (app.tier !== "system") labels.version = `v1.${version}`;
    if (hash !== undefined) labels["pod-template-hash"] = hash;
    return {
      metadata: { labels },
      spec: {
        serviceAccountName: app.tier === "system" ? app.name : ns.system ? "default" : app.name.replace(/-canary$/, ""),
        containers: app.containers.map((c) => this.containerObj(c, version)),
      },
    };
  }

  private podObj(ns: Ns, rsName: string, rsUid: string, template: ReturnType<Generator["template"]>): Obj {
    const name = `${rsName}-${this.rng.suffix(5)}`;
    const { node, ip } = this.placePod();
    const labels = template.metadata.labels;
    const started = timestamp(this.rng, 40);
    return {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name,
        generateName: `${rsName}-`,
        namespace: ns.name,
        labels,
        ...(ns.labels["istio-injection"] === "enabled"
          ? { annotations: { "sidecar.istio.io/status": '{"containers":["istio-proxy"]}' } }
          : {}),
        ownerReferences: [
          {
            apiVersion: "apps/v1",
            kind: "ReplicaSet",
            name: rsName,
            uid: rsUid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
        uid: this.rng.uid(),
        resourceVersion: this.rv(),
        creationTimestamp: started,
      },
      spec: {
        containers: template.spec.containers,
        dnsPolicy: "ClusterFirst",
        nodeName: `node-${String(node).padStart(4, "0")}`,
        restartPolicy: "Always",
        schedulerName: "default-scheduler",
        serviceAccountName: template.spec.serviceAccountName,
        terminationGracePeriodSeconds: 30,
      },
      status: {
        phase: "Running",
        hostIP: nodeIp(node),
        podIP: ip,
        podIPs: [{ ip }],
        qosClass: "Burstable",
        startTime: started,
      },
    };
  }

  // ---- network policies ----------------------------------------------------------------------------------------

  buildPolicies(): Obj[] {
    const weights = this.namespaces.map((ns) => {
      if (ns.system === "kube-system") return 0;
      if (ns.system) return 0.5;
      // A few namespaces nobody has locked down yet.
      if (this.rng.chance(0.05)) return 0;
      return 0.5 + ns.apps.length / 4;
    });
    const counts = apportion(this.shape.policies, weights);
    const out: Obj[] = [];
    this.namespaces.forEach((ns, i) => {
      out.push(...new PolicyWriter(this.rng, ns, this.namespaces, this.splitNodes).write(counts[i] ?? 0));
    });
    return out;
  }
}

type Selector = { matchLabels?: Labels; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
type PortEntry = { protocol: Protocol; port?: number | string; endPort?: number };
type Rule = { peers: Obj[] | undefined; ports: PortEntry[] | undefined };

/** Writes one namespace's NetworkPolicies: the baseline first, then per-app policies until the count is met. */
class PolicyWriter {
  private readonly names = new Set<string>();
  private readonly teams: string[];

  constructor(
    private readonly rng: Rng,
    private readonly ns: Ns,
    private readonly all: readonly Ns[],
    private readonly splitNodes: readonly number[],
  ) {
    this.teams = [...new Set(all.filter((n) => !n.system).map((n) => n.team))];
    if (this.teams.length === 0) this.teams.push("platform");
  }

  private unique(name: string): string {
    let n = name;
    for (let k = 2; this.names.has(n); k++) n = `${name}-${k}`;
    this.names.add(n);
    return n;
  }

  private policy(name: string, podSelector: Selector, ingress: Rule[] | undefined, egress: Rule[] | undefined): Obj {
    const policyTypes: string[] = [];
    if (ingress !== undefined) policyTypes.push("Ingress");
    if (egress !== undefined) policyTypes.push("Egress");
    const rule = (key: "from" | "to") => (r: Rule) => ({
      ...(r.peers === undefined ? {} : { [key]: r.peers }),
      ...(r.ports === undefined ? {} : { ports: r.ports }),
    });
    const spec: Obj = { podSelector, policyTypes };
    if (ingress !== undefined && ingress.length > 0) spec.ingress = ingress.map(rule("from"));
    if (egress !== undefined && egress.length > 0) spec.egress = egress.map(rule("to"));
    return {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: {
        name: this.unique(name),
        namespace: this.ns.name,
        labels: { "app.kubernetes.io/managed-by": this.rng.pick(["helm", "kustomize", "argocd"]) },
      },
      spec,
    };
  }

  write(count: number): Obj[] {
    const out: Obj[] = [];
    const push = (p: Obj) => {
      if (out.length < count) out.push(p);
    };
    const baseline = this.baseline();
    for (const p of baseline) push(p);
    while (out.length < count) push(this.appPolicy());
    return out;
  }

  private baseline(): Obj[] {
    const out: Obj[] = [];
    const ns = this.ns;
    if (ns.system === "monitoring") {
      out.push(this.policy("default-deny-ingress", {}, [], undefined));
      out.push(
        this.policy(
          "allow-grafana-to-prometheus",
          { matchLabels: { app: "prometheus" } },
          [
            {
              peers: [{ podSelector: { matchLabels: { app: "grafana" } } }],
              ports: [{ protocol: "TCP", port: "web" }],
            },
          ],
          undefined,
        ),
      );
      out.push(
        this.policy(
          "allow-statsd-from-cluster",
          { matchLabels: { app: "statsd-exporter" } },
          [{ peers: [{ namespaceSelector: {} }], ports: [{ protocol: "UDP", port: 8125 }] }],
          undefined,
        ),
      );
      return out;
    }
    if (ns.system === "ingress-nginx") {
      out.push(
        this.policy(
          "allow-public-http",
          {},
          [
            {
              peers: [{ ipBlock: { cidr: "0.0.0.0/0" } }],
              ports: [
                { protocol: "TCP", port: 80 },
                { protocol: "TCP", port: 443 },
              ],
            },
          ],
          undefined,
        ),
      );
      out.push(
        this.policy("controller-egress", {}, undefined, [
          {
            peers: [{ namespaceSelector: {}, podSelector: { matchLabels: { tier: "frontend" } } }],
            ports: [{ protocol: "TCP", port: "http" }],
          },
          this.dnsRule(),
        ]),
      );
      return out;
    }
    const style = this.rng.weighted([
      ["combined", 6],
      ["split", 3],
      ["ingress-only", 1.5],
    ] as const);
    if (style === "combined") out.push(this.policy("default-deny", {}, [], []));
    else {
      out.push(this.policy("default-deny-ingress", {}, [], undefined));
      if (style === "split") out.push(this.policy("default-deny-egress", {}, undefined, []));
    }
    out.push(this.policy("allow-dns", {}, undefined, [this.dnsRule()]));
    out.push(
      this.policy(
        "allow-prometheus-scrape",
        this.rng.chance(0.5)
          ? {}
          : { matchExpressions: [{ key: "tier", operator: "In", values: ["frontend", "backend"] }] },
        [
          {
            peers: [
              {
                namespaceSelector: { matchLabels: { [METADATA_NAME]: "monitoring" } },
                podSelector: { matchLabels: { app: "prometheus" } },
              },
            ],
            ports: [{ protocol: "TCP", port: "metrics" }],
          },
        ],
        undefined,
      ),
    );
    if (ns.apps.some((a) => a.tier === "frontend"))
      out.push(
        this.policy(
          "allow-from-ingress-controller",
          { matchLabels: { tier: "frontend" } },
          [
            {
              peers: [
                {
                  namespaceSelector: { matchLabels: { purpose: "ingress" } },
                  podSelector: { matchLabels: { "app.kubernetes.io/name": "ingress-nginx" } },
                },
              ],
              ports: [{ protocol: "TCP", port: "http" }],
            },
          ],
          undefined,
        ),
      );
    if (this.rng.chance(0.5))
      out.push(
        this.policy("allow-same-namespace", {}, [{ peers: [{ podSelector: {} }], ports: undefined }], undefined),
      );
    return out;
  }

  private dnsRule(): Rule {
    const to = this.rng.chance(0.7)
      ? [
          {
            namespaceSelector: { matchLabels: { [METADATA_NAME]: "kube-system" } },
            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
          },
        ]
      : [{ namespaceSelector: { matchLabels: { [METADATA_NAME]: "kube-system" } } }];
    const ports: PortEntry[] = this.rng.chance(0.8)
      ? [
          { protocol: "UDP", port: 53 },
          { protocol: "TCP", port: 53 },
        ]
      : [
          { protocol: "UDP", port: "dns" },
          { protocol: "TCP", port: "dns-tcp" },
        ];
    return { peers: to, ports };
  }

  private pickApp(): App | undefined {
    return this.ns.apps.length === 0 ? undefined : this.rng.pick(this.ns.apps);
  }

  private otherNs(): Ns {
    return this.rng.pick(this.all);
  }

  private podSelectorFor(app: App | undefined): Selector {
    if (app === undefined) return {};
    const r = this.rng.next();
    if (r < 0.65) return { matchLabels: { ...app.selector } };
    if (r < 0.8) return { matchLabels: { app: app.selector.app ?? app.name, tier: String(app.labels.tier) } };
    const other = this.pickApp();
    const names = [...new Set([app.selector.app ?? app.name, other?.selector.app ?? app.name])];
    if (r < 0.9) return { matchExpressions: [{ key: "app", operator: "In", values: names }] };
    if (r < 0.95)
      return {
        matchExpressions: [
          { key: "tier", operator: "In", values: [String(app.labels.tier)] },
          { key: "legacy", operator: "DoesNotExist" },
        ],
      };
    return {
      matchLabels: { app: app.selector.app ?? app.name },
      matchExpressions: [{ key: "version", operator: "NotIn", values: [`v1.${app.version - 1}`] }],
    };
  }

  /** Ports on a destination app: named (resolved per pod), numeric, ranges, UDP; undefined = all ports. */
  private portsFor(destination: App | undefined): PortEntry[] | undefined {
    const r = this.rng.next();
    if (r < 0.12) return undefined;
    const named = destination?.containers.flatMap((c) => c.ports).filter((p) => p.name !== undefined) ?? [];
    const out: PortEntry[] = [];
    const n = this.rng.chance(0.3) ? 2 : 1;
    for (let k = 0; k < n; k++) {
      const s = this.rng.next();
      const np = named.length > 0 ? this.rng.pick(named) : undefined;
      if (s < 0.45 && np?.name !== undefined) out.push({ protocol: np.protocol, port: np.name });
      else if (s < 0.5) out.push({ protocol: "TCP", port: this.rng.pick(["http", "grpc", "metrics", "https"]) });
      else if (s < 0.8) out.push({ protocol: "TCP", port: this.rng.pick([80, 443, 8080, 8443, 9090, 5432, 6379]) });
      else if (s < 0.92) {
        const [start, end] = this.rng.pick([
          [8000, 8100],
          [30000, 32767],
          [9000, 9100],
          [5000, 5010],
        ] as const);
        out.push({ protocol: "TCP", port: start, endPort: end });
      } else out.push({ protocol: "UDP", port: this.rng.pick([53, 8125, 514, 4789]) });
    }
    return out;
  }

  private nodeCidr(k: number, prefix: 23 | 24): string {
    const node = this.splitNodes[k % this.splitNodes.length] ?? 0;
    const third = prefix === 23 ? node & 0xfe : node;
    return `10.${244 + (node >> 8)}.${third & 255}.0/${prefix}`;
  }

  private ipBlockPeer(): Obj {
    const kind = this.rng.weighted([
      ["vpc", 3],
      ["pod-cidr-except-node", 1],
      ["node", 1],
      ["pod-cidr", 1],
      ["partner", 2],
    ] as const);
    switch (kind) {
      case "vpc":
        return { ipBlock: { cidr: "10.0.0.0/8", except: ["10.244.0.0/14"] } };
      case "pod-cidr-except-node":
        return { ipBlock: { cidr: "10.244.0.0/16", except: [this.nodeCidr(0, 24)] } };
      case "node":
        return { ipBlock: { cidr: this.rng.chance(0.5) ? this.nodeCidr(1, 24) : this.nodeCidr(2, 23) } };
      case "pod-cidr":
        return { ipBlock: { cidr: "10.244.0.0/16" } };
      case "partner":
        return {
          ipBlock: { cidr: this.rng.pick(["203.0.113.0/24", "198.51.100.0/24", "192.0.2.0/24", "2001:db8::/32"]) },
        };
    }
  }

  /** A pod peer as seen from this namespace: same-namespace, other-namespace, combined or expression-based. */
  private podPeer(): { peer: Obj; app: App | undefined } {
    const r = this.rng.next();
    if (r < 0.35 || this.ns.apps.length === 0) {
      const app = this.pickApp();
      if (app !== undefined && this.rng.chance(0.85))
        return { peer: { podSelector: { matchLabels: { ...app.selector } } }, app };
      return {
        peer: {
          podSelector: {
            matchExpressions: [{ key: "tier", operator: this.rng.pick(["In", "NotIn"]), values: ["frontend"] }],
          },
        },
        app,
      };
    }
    const other = this.otherNs();
    const app = other.apps.length > 0 ? this.rng.pick(other.apps) : undefined;
    if (r < 0.55)
      return {
        peer: { namespaceSelector: { matchLabels: { team: this.rng.pick(this.teams) } } },
        app,
      };
    if (r < 0.8)
      return {
        peer: {
          namespaceSelector: { matchLabels: { [METADATA_NAME]: other.name } },
          podSelector: app === undefined ? {} : { matchLabels: { ...app.selector } },
        },
        app,
      };
    const nsExpr = this.rng.pick([
      { key: "env", operator: "In", values: ["prod", "staging"] },
      { key: "env", operator: "NotIn", values: ["dev"] },
      { key: "istio-injection", operator: "Exists" },
      { key: "legacy", operator: "DoesNotExist" },
      { key: "compliance", operator: "In", values: ["pci"] },
    ]);
    return {
      peer: {
        namespaceSelector: { matchExpressions: [nsExpr] },
        podSelector: { matchLabels: { tier: this.rng.pick(["frontend", "backend"]) } },
      },
      app,
    };
  }

  private ingressRules(target: App | undefined): Rule[] {
    const rules: Rule[] = [];
    const n = this.rng.int(1, 3);
    for (let k = 0; k < n; k++) {
      const peers: Obj[] = [];
      const m = this.rng.chance(0.25) ? 2 : 1;
      for (let j = 0; j < m; j++) peers.push(this.rng.chance(0.15) ? this.ipBlockPeer() : this.podPeer().peer);
      rules.push({ peers, ports: this.portsFor(target) });
    }
    return rules;
  }

  private egressRules(): Rule[] {
    const rules: Rule[] = [];
    const n = this.rng.int(1, 3);
    for (let k = 0; k < n; k++) {
      const r = this.rng.next();
      if (r < 0.15) {
        rules.push({
          peers: [
            { ipBlock: { cidr: "0.0.0.0/0", except: [...RFC1918, "169.254.169.254/32"] } },
            ...(this.rng.chance(0.3) ? [{ ipBlock: { cidr: "::/0" } }] : []),
          ],
          ports: [{ protocol: "TCP", port: 443 }],
        });
      } else if (r < 0.25) {
        rules.push({
          peers: [{ ipBlock: { cidr: this.rng.pick(["10.10.0.0/16", "10.20.0.0/20"]) } }],
          ports: [{ protocol: "TCP", port: this.rng.pick([5432, 6379, 9092]) }],
        });
      } else if (r < 0.33) {
        rules.push({
          peers: [
            {
              namespaceSelector: { matchLabels: { purpose: "monitoring" } },
              podSelector: { matchLabels: { app: "statsd-exporter" } },
            },
          ],
          ports: [{ protocol: "UDP", port: this.rng.chance(0.5) ? 8125 : "statsd" }],
        });
      } else if (r < 0.4) {
        rules.push({ peers: [this.ipBlockPeer()], ports: this.portsFor(undefined) });
      } else {
        const { peer, app } = this.podPeer();
        rules.push({ peers: [peer], ports: this.portsFor(app) });
      }
    }
    return rules;
  }

  private appPolicy(): Obj {
    const app = this.pickApp();
    const which = this.rng.weighted([
      ["ingress", 5],
      ["egress", 3],
      ["both", 2],
    ] as const);
    const base = app === undefined ? "namespace" : app.name;
    const ingress = which === "egress" ? undefined : this.ingressRules(app);
    const egress = which === "ingress" ? undefined : this.egressRules();
    return this.policy(`${base}-${which === "both" ? "traffic" : which}`, this.podSelectorFor(app), ingress, egress);
  }
}

function kubectlList(items: Obj[]): string {
  return emitYaml(
    { apiVersion: "v1", items, kind: "List", metadata: { resourceVersion: "" } },
    { sortKeys: true, indentSequences: false },
  );
}

function manifests(docs: Obj[]): string {
  return docs.map((d) => emitYaml(d, { indentSequences: true })).join("---\n");
}

export function generateCluster(shape: ClusterShape): InputFile[] {
  const g = new Generator(shape);
  g.buildNamespaces();
  const namespaceItems: Obj[] = g.namespaces.map((ns, i) => ({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: ns.name,
      labels: ns.labels,
      uid: new Rng(shape.seed ^ (i * 7919)).uid(),
      resourceVersion: String(1000 + i),
      creationTimestamp: new Date(BASE_TIME - 86_400_000 * (400 - i)).toISOString().replace(".000Z", "Z"),
    },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Active" },
  }));
  const { workloads, pods } = g.buildWorkloads();
  const policies = g.buildPolicies();
  return [
    { file: "cluster/namespaces.yaml", text: kubectlList(namespaceItems) },
    { file: "cluster/workloads.yaml", text: manifests(workloads) },
    { file: "cluster/pods.yaml", text: kubectlList(pods) },
    { file: "cluster/networkpolicies.yaml", text: manifests(policies) },
  ];
}
