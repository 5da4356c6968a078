import type { IntentPath, IntentPeer } from "../../intent/intent.js";
import type { Flow, FlowEndpoint } from "../../load/flows/flow.js";
import type { FlowLog } from "../../load/flows/read-flows.js";
import { parseCidr } from "../../model/cidr.js";
import type { Workload } from "../../model/endpoint.js";
import { type Labels, selectorMatches } from "../../model/labels.js";
import type { Model } from "../../model/model.js";
import { type PortSpec, PROTOCOLS } from "../../model/ports.js";
import { EMPTY_PORTS, formatPorts, type PortSet, portSetOf, unionPorts } from "../port-set.js";
import { podsOf } from "../verify/resolve-intent.js";
import { type Manifest, renderManifests } from "./manifest.js";
import { networkPolicies } from "./network-policy.js";
import { exactSelector, type GenerationPlan, type ResolvedPath, type Target } from "./targets.js";

export const FLOW_MODES = ["audit", "deny", "relax", "enforce"] as const;
export type FlowMode = (typeof FLOW_MODES)[number];

type Node = { readonly key: string; readonly label: string } & (
  | { readonly kind: "target"; readonly target: Target }
  | { readonly kind: "external"; readonly cidr: string }
);

/** Observed traffic between two endpoints, all ports merged, split by what happened to it. */
export type FlowGroup = {
  readonly from: string;
  readonly to: string;
  readonly allowed: PortSet;
  readonly denied: PortSet;
  readonly flows: number;
  readonly dns: boolean;
  /** Namespaces of the in-cluster ends. */
  readonly namespaces: readonly string[];
  /** The first flow of the group, for file:line. */
  readonly first: { readonly file: string; readonly line: number };
};

export type FlowPlan = {
  readonly plan: GenerationPlan;
  readonly groups: readonly FlowGroup[];
  readonly unmapped: readonly string[];
  readonly warnings: string[];
};

const DNS_TARGET: Target = {
  namespace: "kube-system",
  selector: { matchLabels: { "k8s-app": "kube-dns" }, matchExpressions: [] },
  name: "kube-dns",
  ports: [],
};

function workloadTarget(model: Model, w: Workload, warnings: string[]): Target {
  const pod = podsOf(model, w)[0];
  return {
    namespace: w.namespace,
    selector: exactSelector(model, w, warnings),
    name: w.name,
    ports: pod?.ports ?? [],
    ...(pod ? { serviceAccount: pod.serviceAccount } : {}),
  };
}

/** Finds the workload a flow endpoint belongs to: by id, pod name, IP, or the labels its pods carry. */
function findWorkload(model: Model, e: FlowEndpoint): Workload | undefined {
  if (e.workload) return model.workloads.find((w) => w.id === e.workload);
  if (e.namespace && e.pod) {
    const pod = model.pods.find((p) => p.namespace === e.namespace && p.name === e.pod);
    if (pod) return model.workloads.find((w) => w.id === pod.workload);
    // A controller's pod is named <controller>-<suffix>: the longest matching controller name wins.
    const byPrefix = model.workloads
      .filter((w) => w.namespace === e.namespace && (e.pod as string).startsWith(`${w.name}-`))
      .filter(
        (w) =>
          !e.labels ||
          podsOf(model, w).every((p) =>
            selectorMatches({ matchLabels: p.labels, matchExpressions: [] }, e.labels as Labels),
          ),
      )
      .sort((a, b) => b.name.length - a.name.length);
    if (byPrefix[0]) return byPrefix[0];
  }
  if (e.ip) {
    const ip = parseCidr(e.ip);
    const pod = model.pods.find((p) =>
      p.ips.some((x) => parseCidr(x).start === ip.start && parseCidr(x).family === ip.family),
    );
    if (pod) return model.workloads.find((w) => w.id === pod.workload);
  }
  if (e.namespace && e.labels) {
    const labels = e.labels;
    const candidates = model.workloads.filter((w) => {
      const pods = podsOf(model, w);
      return (
        w.namespace === e.namespace &&
        pods.length > 0 &&
        pods.every((p) => Object.entries(p.labels).every(([k, v]) => labels[k] === v))
      );
    });
    if (candidates.length === 1) return candidates[0];
  }
  return undefined;
}

function node(model: Model | undefined, e: FlowEndpoint, warnings: string[]): Node | undefined {
  if (model && model.workloads.length > 0) {
    const w = findWorkload(model, e);
    if (w) return { kind: "target", key: `w:${w.id}`, label: w.id, target: workloadTarget(model, w, warnings) };
  }
  if (e.namespace && e.labels && Object.keys(e.labels).length > 0 && !e.world) {
    const selector = { matchLabels: { ...e.labels }, matchExpressions: [] };
    const label = `${e.namespace}/{${Object.entries(e.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(",")}}`;
    const name = e.labels.app ?? e.labels["app.kubernetes.io/name"] ?? e.labels["k8s-app"] ?? e.pod ?? "workload";
    return { kind: "target", key: `s:${label}`, label, target: { namespace: e.namespace, selector, name, ports: [] } };
  }
  if (e.ip && (e.world || !e.namespace)) {
    const cidr = `${e.ip}/${e.ip.includes(":") ? 128 : 32}`;
    return { kind: "external", key: `c:${cidr}`, label: cidr, cidr };
  }
  return undefined;
}

function describeEndpoint(e: FlowEndpoint): string {
  return (
    e.workload ?? (e.namespace && e.pod ? `${e.namespace}/${e.pod}` : (e.ip ?? e.namespace ?? "an unknown endpoint"))
  );
}

/** VPC flow logs record both directions of a connection: of a record and its mirror, keep the one to the lower port. */
function dropReplies(flows: readonly Flow[]): Flow[] {
  const key = (f: Flow) => `${f.from.ip}|${f.sourcePort}|${f.to.ip}|${f.port}|${f.protocol}`;
  const seen = new Set(flows.filter((f) => f.format === "vpc").map(key));
  return flows.filter((f) => {
    if (f.format !== "vpc" || f.sourcePort === undefined) return true;
    const mirror = `${f.to.ip}|${f.port}|${f.from.ip}|${f.sourcePort}|${f.protocol}`;
    return !seen.has(mirror) || f.port < f.sourcePort || (f.port === f.sourcePort && key(f) < mirror);
  });
}

function isDns(to: Node, port: number): boolean {
  if (port !== 53 || to.kind !== "target") return false;
  return to.target.namespace === DNS_TARGET.namespace && selectorMatches(to.target.selector, { "k8s-app": "kube-dns" });
}

function portSpecs(set: PortSet): PortSpec[] {
  const out: PortSpec[] = [];
  for (const protocol of PROTOCOLS)
    for (const [s, e] of set[protocol]) out.push(s === e ? { protocol, port: s } : { protocol, port: s, endPort: e });
  return out;
}

/** Observed flows → the smallest set of paths that allows exactly what was seen (forwarded or audited). */
export function planFromFlows(log: FlowLog, model: Model | undefined): FlowPlan {
  const warnings: string[] = [];
  const unmapped: string[] = [];
  type Acc = { from: Node; to: Node; allowed: PortSet; denied: PortSet; flows: number; dns: boolean; first: Flow };
  const groups = new Map<string, Acc>();
  for (const f of dropReplies(log.flows)) {
    const from = node(model, f.from, warnings);
    const to = node(model, f.to, warnings);
    if (!from || !to || (from.kind === "external" && to.kind === "external")) {
      unmapped.push(
        `${f.file}:${f.line}: ${describeEndpoint(f.from)} → ${describeEndpoint(f.to)} ${f.protocol}/${f.port}: ${!from || !to ? "endpoint not found (give --cluster, or flows with labels)" : "both ends are outside the cluster"}`,
      );
      continue;
    }
    const key = `${from.key}\u0000${to.key}`;
    const acc = groups.get(key) ?? {
      from,
      to,
      allowed: EMPTY_PORTS,
      denied: EMPTY_PORTS,
      flows: 0,
      dns: false,
      first: f,
    };
    const ports = portSetOf([{ protocol: f.protocol, start: f.port, end: f.port }]);
    if (f.verdict === "denied") acc.denied = unionPorts(acc.denied, ports);
    else acc.allowed = unionPorts(acc.allowed, ports);
    acc.dns ||= isDns(to, f.port);
    acc.flows++;
    groups.set(key, acc);
  }
  const sorted = [...groups.values()].sort(
    (a, b) => a.from.label.localeCompare(b.from.label) || a.to.label.localeCompare(b.to.label),
  );
  const governed = new Set<string>();
  const paths: ResolvedPath[] = [];
  sorted.forEach((g, index) => {
    for (const n of [g.from, g.to])
      if (n.kind === "target" && n.target.namespace !== "kube-system") governed.add(n.target.namespace);
    // DNS to kube-dns is allowed by the DNS rule of every namespace: never dropped, never a separate path.
    const allowed = g.dns ? subtractDns(g.allowed) : g.allowed;
    if (formatPorts(allowed) === "none") return;
    const peer = (n: Node): IntentPeer =>
      n.kind === "external"
        ? { kind: "cidr", cidr: parseCidr(n.cidr), label: n.cidr }
        : {
            kind: "workloads",
            ref: { kind: "selector", namespace: n.target.namespace, selector: n.target.selector },
            label: n.label,
          };
    const path: IntentPath = {
      index,
      name: `${g.from.label} → ${g.to.label}`,
      from: peer(g.from) as IntentPath["from"],
      to: peer(g.to),
      ports: portSpecs(allowed),
      file: g.first.file,
      line: g.first.line,
    };
    paths.push({
      path,
      from: g.from.kind === "external" ? { cidr: g.from.cidr } : [g.from.target],
      to: g.to.kind === "external" ? { cidr: g.to.cidr } : [g.to.target],
    });
  });
  const plan: GenerationPlan = { namespaces: [...governed].sort(), dns: true, paths, warnings, dnsTarget: DNS_TARGET };
  const out: FlowGroup[] = sorted.map((g) => ({
    from: g.from.label,
    to: g.to.label,
    allowed: g.allowed,
    denied: g.denied,
    flows: g.flows,
    dns: g.dns,
    namespaces: [g.from, g.to].flatMap((n) => (n.kind === "target" ? [n.target.namespace] : [])),
    first: { file: g.first.file, line: g.first.line },
  }));
  return { plan, groups: out, unmapped, warnings };
}

function subtractDns(set: PortSet): PortSet {
  const strip = (r: readonly (readonly [number, number])[]) =>
    r.flatMap(([s, e]): [number, number][] =>
      s <= 53 && e >= 53
        ? (
            [
              [s, 52],
              [54, e],
            ] as [number, number][]
          ).filter(([a, b]) => a <= b)
        : [[s, e]],
    );
  return { TCP: strip(set.TCP), UDP: strip(set.UDP), SCTP: set.SCTP };
}

/** Under default-deny + DNS, an observed allowed flow survives only if it is DNS or touches no governed namespace. */
function wouldBeDenied(g: FlowGroup, plan: GenerationPlan): boolean {
  const touches = g.namespaces.some((n) => plan.namespaces.includes(n));
  return touches && formatPorts(g.dns ? subtractDns(g.allowed) : g.allowed) !== "none";
}

export type FlowOutput = {
  readonly text: string;
  readonly manifests: readonly Manifest[];
  readonly warnings: readonly string[];
};

/** What each mode changes: audit reports, deny isolates (+DNS), relax adds the observed allows, enforce does both. */
export function generateFromFlows(
  log: FlowLog,
  model: Model | undefined,
  mode: FlowMode,
  sources: readonly string[],
): FlowOutput {
  const fp = planFromFlows(log, model);
  const warnings = [...fp.warnings];
  const { plan, groups } = fp;
  const breaking = groups.filter((g) => wouldBeDenied(g, plan));
  const dropped = groups.filter((g) => formatPorts(g.denied) !== "none");
  const summary = [
    `${log.flows.length} flows from ${sources.join(", ")}; ${groups.length} endpoint pairs; namespaces to isolate: ${plan.namespaces.join(", ") || "none"}`,
    ...[...log.skipped].map(([why, n]) => `skipped ${n} record${n === 1 ? "" : "s"}: ${why}`),
  ];
  if (mode === "audit") {
    const lines = [
      "Audit: what default-deny (with DNS kept) would deny among the observed flows",
      ...summary.map((s) => `  ${s}`),
      "",
    ];
    lines.push(
      breaking.length === 0
        ? "Nothing observed would be denied."
        : `Would be denied (${breaking.length}) until relaxed:`,
    );
    for (const g of breaking)
      lines.push(
        `  ${g.from} → ${g.to}: ${formatPorts(g.dns ? subtractDns(g.allowed) : g.allowed)} (${g.flows} flow${g.flows === 1 ? "" : "s"}, first at ${g.first.file}:${g.first.line})`,
      );
    const dns = groups.filter((g) => g.dns);
    if (dns.length > 0)
      lines.push("", `Kept by the DNS rule (${dns.length}):`, ...dns.map((g) => `  ${g.from} → ${g.to}: DNS`));
    if (dropped.length > 0)
      lines.push(
        "",
        `Already dropped when observed (${dropped.length}):`,
        ...dropped.map((g) => `  ${g.from} → ${g.to}: ${formatPorts(g.denied)}`),
      );
    if (fp.unmapped.length > 0)
      lines.push("", `Not mapped to workloads (${fp.unmapped.length}):`, ...fp.unmapped.map((u) => `  ${u}`));
    return { text: `${lines.join("\n")}\n`, manifests: [], warnings };
  }
  const parts = { baseline: mode !== "relax", paths: mode !== "deny" };
  const manifests = networkPolicies(plan, warnings, parts);
  const change =
    mode === "deny"
      ? [
          `mode deny: default-deny + DNS in ${plan.namespaces.length} namespace(s); ${breaking.length} observed endpoint pair(s) will be denied until relaxed:`,
          ...breaking.map((g) => `  ${g.from} → ${g.to}: ${formatPorts(g.dns ? subtractDns(g.allowed) : g.allowed)}`),
        ]
      : mode === "relax"
        ? [`mode relax: allows for ${plan.paths.length} observed endpoint pair(s), to apply on top of default-deny`]
        : [
            `mode enforce: default-deny + DNS in ${plan.namespaces.length} namespace(s) and allows for ${plan.paths.length} observed endpoint pair(s)`,
          ];
  const header = [
    `Generated by ward generate --from-flows (${mode})`,
    ...summary,
    ...change,
    ...dropped.map((g) => `not allowed (dropped when observed): ${g.from} → ${g.to}: ${formatPorts(g.denied)}`),
    ...fp.unmapped.map((u) => `not mapped: ${u}`),
    ...warnings.map((w) => `warning: ${w}`),
  ];
  return { text: renderManifests(header, manifests), manifests, warnings };
}
