import { z } from "zod";
import { EVERYTHING, type LabelSelector } from "../../model/labels.js";
import {
  ADMIN_TIER,
  BASELINE_TIER,
  type ClusterPolicy,
  type Direction,
  type Peer,
  type PolicyRule,
  type RuleAction,
} from "../../model/policy.js";
import { type PortSpec, PROTOCOLS } from "../../model/ports.js";
import type { Diagnostics, Site } from "../diagnostics.js";
import type { Path } from "../positions.js";
import { type Identity, readIdentity } from "./metadata.js";
import type { RawObject } from "./objects.js";
import { parseObject } from "./parse-object.js";
import { labelSelector, objectMeta } from "./schemas.js";
import { checkSelector, toLabelSelector } from "./selectors.js";
import { checkPortName, checkPortNumber, checkProtocol } from "./validate-common.js";
import { parseStrictCidr } from "./validate-network-policy.js";

/*
 * AdminNetworkPolicy and BaselineAdminNetworkPolicy, policy.networking.k8s.io/v1alpha1 (sigs.k8s.io/network-policy-api
 * v0.1.x, apis/v1alpha1): subject namespaces | pods{namespaceSelector,podSelector}; rules in order with action
 * Allow|Deny|Pass (BANP: Allow|Deny); peers namespaces | pods, egress also networks (CIDRs) and nodes; ports
 * portNumber | namedPort | portRange. The older namespaces.sameLabels/notSameLabels and namespacedPods were removed.
 */

export const podsSelector = z.strictObject({ namespaceSelector: labelSelector, podSelector: labelSelector });

const subject = z.strictObject({ namespaces: labelSelector.optional(), pods: podsSelector.optional() });

export const portSchema = z.strictObject({
  portNumber: z.strictObject({ protocol: z.string().optional(), port: z.number() }).optional(),
  namedPort: z.string().optional(),
  portRange: z.strictObject({ protocol: z.string().optional(), start: z.number(), end: z.number() }).optional(),
});

const peerSchema = z.strictObject({
  namespaces: labelSelector.optional(),
  pods: podsSelector.optional(),
  networks: z.array(z.string()).optional(),
  nodes: labelSelector.optional(),
});

const ruleSchema = (peers: "from" | "to") =>
  z.strictObject({
    name: z.string().optional(),
    action: z.string(),
    [peers]: z.array(peerSchema),
    ports: z.array(portSchema).optional(),
  });

const schema = z.strictObject({
  apiVersion: z.unknown().optional(),
  kind: z.unknown().optional(),
  metadata: objectMeta.optional(),
  spec: z.strictObject({
    priority: z.number().optional(),
    subject,
    ingress: z.array(ruleSchema("from")).optional(),
    egress: z.array(ruleSchema("to")).optional(),
  }),
  status: z.unknown().optional(),
});

type Data = z.output<typeof schema>;
export type PeerData = z.output<typeof peerSchema>;
export type PortData = z.output<typeof portSchema>;
type RuleData = { action: string; from?: PeerData[]; to?: PeerData[]; ports?: PortData[] };

export type Loaded = { readonly identity: Identity; readonly policies: readonly ClusterPolicy[] };

const MAX_PRIORITY = 1000;

/** An AdminNetworkPolicy or BaselineAdminNetworkPolicy → one policy of the admin or baseline tier. */
export function loadAdminNetworkPolicy(obj: RawObject, diag: Diagnostics): Loaded | undefined {
  const baseline = obj.kind === "BaselineAdminNetworkPolicy";
  const before = diag.errorCount;
  const site: Site = { file: obj.file, locator: obj.locator };
  const data = parseObject(schema, obj.value, diag, site);
  if (data === undefined) return undefined;
  const identity = readIdentity(obj, data.metadata, { clusterScoped: true, nameRule: "subdomain" }, diag);
  if (identity === undefined) return undefined;
  const spec = data.spec;
  let priority = 0;
  if (baseline) {
    // BaselineAdminNetworkPolicy is a singleton: its name must be "default" (CRD validation).
    if (identity.name !== "default")
      diag.error("invalid-name", `BaselineAdminNetworkPolicy must be named "default", not "${identity.name}"`, site, [
        "metadata",
        "name",
      ]);
    if (spec.priority !== undefined)
      diag.error("unknown-field", "BaselineAdminNetworkPolicy has no priority", site, ["spec", "priority"]);
  } else if (spec.priority === undefined) {
    diag.error("missing-field", 'required field "priority" is missing', site, ["spec"]);
  } else if (!Number.isInteger(spec.priority) || spec.priority < 0 || spec.priority > MAX_PRIORITY) {
    diag.error("invalid-priority", `priority ${spec.priority} must be an integer from 0 to ${MAX_PRIORITY}`, site, [
      "spec",
      "priority",
    ]);
  } else priority = spec.priority;
  const subjectSelectors = readSubject(data, diag, site);
  const ctx = { diag, site, obj, identity, baseline };
  const ingress = spec.ingress?.map((_, i) => toRule(data, "ingress", i, ctx));
  const egress = spec.egress?.map((_, i) => toRule(data, "egress", i, ctx));
  if (diag.errorCount > before || subjectSelectors === undefined) return undefined;
  const policy: ClusterPolicy = {
    namespace: "",
    name: identity.name,
    podSelector: subjectSelectors.pods,
    namespaceSelector: subjectSelectors.namespaces,
    // An ANP with no ingress (egress) rules does not affect ingress (egress) traffic (API reference).
    ...(ingress === undefined || ingress.length === 0 ? {} : { ingress: ingress as PolicyRule[] }),
    ...(egress === undefined || egress.length === 0 ? {} : { egress: egress as PolicyRule[] }),
    tier: baseline ? BASELINE_TIER : ADMIN_TIER,
    order: priority,
    // Neither kind isolates: a connection no rule matches goes on (ANP → NetworkPolicy; BANP → allowed).
    isolates: { ingress: false, egress: false },
    // AdminNetworkPolicySubject: "Note that host-networked pods are not included in subject selection."
    excludesHostNetwork: true,
    source: identity.ref,
  };
  return { identity, policies: [policy] };
}

function readSubject(
  data: Data,
  diag: Diagnostics,
  site: Site,
): { namespaces: LabelSelector; pods: LabelSelector } | undefined {
  const s = data.spec.subject;
  const at: Path = ["spec", "subject"];
  if ((s.namespaces === undefined) === (s.pods === undefined)) {
    diag.error("invalid-subject", "subject must set exactly one of namespaces or pods", site, at);
    return undefined;
  }
  if (s.namespaces !== undefined) {
    checkSelector(s.namespaces, diag, site, [...at, "namespaces"]);
    return { namespaces: toLabelSelector(s.namespaces), pods: EVERYTHING };
  }
  const pods = s.pods as z.output<typeof podsSelector>;
  checkSelector(pods.namespaceSelector, diag, site, [...at, "pods", "namespaceSelector"]);
  checkSelector(pods.podSelector, diag, site, [...at, "pods", "podSelector"]);
  return { namespaces: toLabelSelector(pods.namespaceSelector), pods: toLabelSelector(pods.podSelector) };
}

export type Ctx = {
  readonly diag: Diagnostics;
  readonly site: Site;
  readonly obj: RawObject;
  readonly identity: Identity;
  readonly baseline: boolean;
};

const ACTIONS: Record<string, RuleAction> = { Allow: "allow", Deny: "deny", Pass: "pass" };

function toRule(data: Data, direction: Direction, i: number, ctx: Ctx): PolicyRule | undefined {
  const { diag, site } = ctx;
  const rule = data.spec[direction]?.[i] as unknown as RuleData;
  const path: Path = ["spec", direction, i];
  const allowed = ctx.baseline ? ["Allow", "Deny"] : ["Allow", "Deny", "Pass"];
  const action = allowed.includes(rule.action) ? ACTIONS[rule.action] : undefined;
  if (action === undefined)
    diag.error("invalid-action", `unknown action "${rule.action}": must be ${allowed.join(", ")}`, site, [
      ...path,
      "action",
    ]);
  const key = direction === "ingress" ? "from" : "to";
  const peersData = rule[key] ?? [];
  if (peersData.length === 0) diag.error("missing-field", `${key} must list at least one peer`, site, [...path, key]);
  const peers = peersData.flatMap((p, j) => toPeers(p, direction, [...path, key, j], ctx));
  const ports = rule.ports?.flatMap((p, j) => toPorts(p, [...path, "ports", j], ctx));
  if (action === undefined) return undefined;
  return {
    action,
    peers,
    ports: ports === undefined ? "all" : ports,
    source: { ...ctx.identity.ref, line: ctx.obj.locator.lineOf(path) },
  };
}

export function toPeers(peer: PeerData, direction: Direction, path: Path, ctx: Ctx): Peer[] {
  const { diag, site } = ctx;
  const line = ctx.obj.locator.lineOf(path);
  const set = (["namespaces", "pods", "networks", "nodes"] as const).filter((k) => peer[k] !== undefined);
  if (set.length !== 1) {
    diag.error("invalid-peer", "a peer must set exactly one of namespaces, pods, networks or nodes", site, path);
    return [];
  }
  if (direction === "ingress" && (peer.networks !== undefined || peer.nodes !== undefined)) {
    diag.error("invalid-peer", `${set[0]} peers are only allowed in egress rules`, site, [...path, set[0] as string]);
    return [];
  }
  if (peer.namespaces !== undefined) {
    checkSelector(peer.namespaces, diag, site, [...path, "namespaces"]);
    return [
      {
        kind: "pods",
        namespaces: { kind: "selector", selector: toLabelSelector(peer.namespaces) },
        pods: EVERYTHING,
        // "Note that host-networked pods are not included in this type of peer." (namespaces and pods peers)
        excludesHostNetwork: true,
        line,
      },
    ];
  }
  if (peer.pods !== undefined) {
    checkSelector(peer.pods.namespaceSelector, diag, site, [...path, "pods", "namespaceSelector"]);
    checkSelector(peer.pods.podSelector, diag, site, [...path, "pods", "podSelector"]);
    return [
      {
        kind: "pods",
        namespaces: { kind: "selector", selector: toLabelSelector(peer.pods.namespaceSelector) },
        pods: toLabelSelector(peer.pods.podSelector),
        excludesHostNetwork: true,
        line,
      },
    ];
  }
  if (peer.nodes !== undefined) {
    checkSelector(peer.nodes, diag, site, [...path, "nodes"]);
    // The selected Nodes' addresses are added once every object is read (nodes.ts resolveNodePeers).
    return [{ kind: "nodes", selector: toLabelSelector(peer.nodes), line: ctx.obj.locator.lineOf([...path, "nodes"]) }];
  }
  const out: Peer[] = [];
  (peer.networks ?? []).forEach((text, k) => {
    const cidr = parseStrictCidr(text);
    if (cidr === undefined)
      diag.error("invalid-cidr", `invalid CIDR "${text}" in networks`, site, [...path, "networks", k]);
    else
      out.push({
        kind: "ipBlock",
        block: { cidr, except: [] },
        line: ctx.obj.locator.lineOf([...path, "networks", k]),
      });
  });
  if ((peer.networks ?? []).length === 0)
    diag.error("invalid-peer", "networks must list at least one CIDR", site, path);
  return out;
}

export function toPorts(port: PortData, path: Path, ctx: Ctx): PortSpec[] {
  const { diag, site } = ctx;
  const line = ctx.obj.locator.lineOf(path);
  const set = (["portNumber", "namedPort", "portRange"] as const).filter((k) => port[k] !== undefined);
  if (set.length !== 1) {
    diag.error("invalid-port", "a port must set exactly one of portNumber, namedPort or portRange", site, path);
    return [];
  }
  if (port.portNumber !== undefined) {
    const protocol = checkProtocol(port.portNumber.protocol, diag, site, [...path, "portNumber", "protocol"]);
    checkPortNumber(port.portNumber.port, diag, site, [...path, "portNumber", "port"]);
    return [{ protocol, port: port.portNumber.port, line }];
  }
  if (port.namedPort !== undefined) {
    checkPortName(port.namedPort, diag, site, [...path, "namedPort"]);
    // A named port takes its protocol from the destination's container port of that name.
    return PROTOCOLS.map((protocol) => ({ protocol, port: port.namedPort as string, line }));
  }
  const range = port.portRange as NonNullable<PortData["portRange"]>;
  const protocol = checkProtocol(range.protocol, diag, site, [...path, "portRange", "protocol"]);
  checkPortNumber(range.start, diag, site, [...path, "portRange", "start"]);
  checkPortNumber(range.end, diag, site, [...path, "portRange", "end"]);
  if (range.end < range.start)
    diag.error("invalid-port-range", `portRange end ${range.end} is before start ${range.start}`, site, [
      ...path,
      "portRange",
      "end",
    ]);
  return [{ protocol, port: range.start, endPort: range.end, line }];
}

/**
 * Two policies of the Admin (or Baseline) tier at the same priority: which wins is undefined by the API
 * (AdminNetworkPolicySpec / ClusterNetworkPolicySpec priority), so say so.
 */
export function warnSamePriority(policies: readonly ClusterPolicy[], diag: Diagnostics): void {
  const byPriority = new Map<string, ClusterPolicy[]>();
  for (const p of policies) {
    if (p.tier !== ADMIN_TIER && p.tier !== BASELINE_TIER) continue;
    const key = `${p.tier.name}/${p.order}`;
    const list = byPriority.get(key) ?? [];
    list.push(p);
    byPriority.set(key, list);
  }
  for (const list of byPriority.values()) {
    if (list.length < 2) continue;
    const first = list[0] as ClusterPolicy;
    const names = list.map((p) => `${p.source.kind} ${p.name} (${p.source.file}:${p.source.line})`).join(", ");
    const tier = first.tier === ADMIN_TIER ? "admin" : "baseline";
    for (const p of list)
      diag.warnings.push({
        code: "anp-same-priority",
        message: `${names} share priority ${first.order} in the ${tier} tier: the API leaves their precedence undefined (Ward takes them by name)`,
        file: p.source.file,
        line: p.source.line,
      });
  }
}
