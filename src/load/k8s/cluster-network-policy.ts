import { z } from "zod";
import { formatAddress, parseCidr } from "../../model/cidr.js";
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
import { type PortSpec, PROTOCOLS, type Protocol } from "../../model/ports.js";
import type { Diagnostics, Site } from "../diagnostics.js";
import type { Path } from "../positions.js";
import { type Ctx, type Loaded, portSchema, toPeers, toPorts } from "./admin-network-policy.js";
import { readIdentity } from "./metadata.js";
import type { RawObject } from "./objects.js";
import { parseObject } from "./parse-object.js";
import { labelSelector, objectMeta } from "./schemas.js";
import { checkSelector, toLabelSelector } from "./selectors.js";
import { checkPortName, checkPortNumber } from "./validate-common.js";

/*
 * ClusterNetworkPolicy, policy.networking.k8s.io v1beta1 and v1alpha2 (sigs.k8s.io/network-policy-api
 * apis/v1beta1/clusternetworkpolicy_types.go), the successor of AdminNetworkPolicy and BaselineAdminNetworkPolicy:
 * spec.tier Admin | Baseline, spec.priority 0–1000 (lower first) inside the tier, subject namespaces | pods, rules in
 * order with action Accept | Deny | Pass, peers namespaces | pods (egress also networks, nodes, domainNames), and
 * `protocols` entries tcp | udp | sctp {destinationPort: {number | range}} | destinationNamedPort. v1alpha2 objects
 * may still carry the earlier `ports` list (portNumber | namedPort | portRange, as AdminNetworkPolicy).
 * Reduced to the same tiered form as AdminNetworkPolicy: the Admin tier before NetworkPolicy, the Baseline tier after.
 */

const destinationPort = z.strictObject({
  number: z.number().optional(),
  range: z.strictObject({ start: z.number(), end: z.number() }).optional(),
});
const protocolMatch = z.strictObject({ destinationPort: destinationPort.optional() });
const protocolSchema = z.strictObject({
  tcp: protocolMatch.optional(),
  udp: protocolMatch.optional(),
  sctp: protocolMatch.optional(),
  destinationNamedPort: z.string().optional(),
});

// NamespacedPod: v1beta1 marks namespaceSelector optional (empty = every namespace); v1alpha2 requires it.
const podsSelector = z.strictObject({ namespaceSelector: labelSelector.optional(), podSelector: labelSelector });
type PodsData = z.output<typeof podsSelector>;

const peerSchema = z.strictObject({
  namespaces: labelSelector.optional(),
  pods: podsSelector.optional(),
  networks: z.array(z.string()).optional(),
  nodes: labelSelector.optional(),
  domainNames: z.array(z.string()).optional(),
});

const ruleSchema = (peers: "from" | "to") =>
  z.strictObject({
    name: z.string().optional(),
    action: z.string(),
    [peers]: z.array(peerSchema),
    protocols: z.array(protocolSchema).optional(),
    ports: z.array(portSchema).optional(),
  });

const schema = z.strictObject({
  apiVersion: z.unknown().optional(),
  kind: z.unknown().optional(),
  metadata: objectMeta.optional(),
  spec: z.strictObject({
    tier: z.string().optional(),
    priority: z.number().optional(),
    subject: z.strictObject({ namespaces: labelSelector.optional(), pods: podsSelector.optional() }),
    ingress: z.array(ruleSchema("from")).optional(),
    egress: z.array(ruleSchema("to")).optional(),
  }),
  status: z.unknown().optional(),
});

type Data = z.output<typeof schema>;
type PeerData = z.output<typeof peerSchema>;
type ProtocolData = z.output<typeof protocolSchema>;
type RuleData = {
  name?: string;
  action: string;
  from?: PeerData[];
  to?: PeerData[];
  protocols?: ProtocolData[];
  ports?: z.output<typeof portSchema>[];
};

const MAX_PRIORITY = 1000;
// ClusterNetworkPolicyRuleAction enum (v1beta1 and current v1alpha2).
const ACTIONS: Record<string, RuleAction> = { Accept: "allow", Deny: "deny", Pass: "pass" };
const TIERS: Record<string, typeof ADMIN_TIER> = { Admin: ADMIN_TIER, Baseline: BASELINE_TIER };
// DomainName: kubebuilder pattern of the type (an exact name, or "*." then a name).
const DOMAIN_NAME = /^(\*\.)?([a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.)+[a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.?$/;

type CnpCtx = Ctx & { readonly version: string };

/** A ClusterNetworkPolicy → one policy of the Admin or Baseline tier. */
export function loadClusterNetworkPolicy(obj: RawObject, diag: Diagnostics): Loaded | undefined {
  const before = diag.errorCount;
  const site: Site = { file: obj.file, locator: obj.locator };
  const data = parseObject(schema, obj.value, diag, site);
  if (data === undefined) return undefined;
  const identity = readIdentity(obj, data.metadata, { clusterScoped: true, nameRule: "subdomain" }, diag);
  if (identity === undefined) return undefined;
  const spec = data.spec;
  // A missing apiVersion is read as the newest version.
  const version = obj.apiVersion === undefined ? "v1beta1" : (obj.apiVersion.split("/")[1] ?? "");
  // The versions that define ClusterNetworkPolicy (apis/v1alpha2, apis/v1beta1); the field set differs by version.
  if (version !== "v1alpha2" && version !== "v1beta1") {
    diag.error(
      "unsupported-version",
      `ClusterNetworkPolicy is served as policy.networking.k8s.io/v1beta1 or v1alpha2, not "${obj.apiVersion ?? ""}"`,
      site,
      ["apiVersion"],
    );
    return undefined;
  }
  let tier = ADMIN_TIER;
  if (spec.tier === undefined) diag.error("missing-field", 'required field "tier" is missing', site, ["spec"]);
  else if (TIERS[spec.tier] === undefined)
    diag.error("invalid-tier", `unknown tier "${spec.tier}": must be Admin or Baseline`, site, ["spec", "tier"]);
  else tier = TIERS[spec.tier] as typeof ADMIN_TIER;
  let priority = 0;
  if (spec.priority === undefined) diag.error("missing-field", 'required field "priority" is missing', site, ["spec"]);
  else if (!Number.isInteger(spec.priority) || spec.priority < 0 || spec.priority > MAX_PRIORITY)
    diag.error("invalid-priority", `priority ${spec.priority} must be an integer from 0 to ${MAX_PRIORITY}`, site, [
      "spec",
      "priority",
    ]);
  else priority = spec.priority;
  const subject = readSubject(data, version, diag, site);
  const ctx: CnpCtx = { diag, site, obj, identity, baseline: tier === BASELINE_TIER, version };
  const ingress = spec.ingress?.map((_, i) => toRule(data, "ingress", i, ctx));
  const egress = spec.egress?.map((_, i) => toRule(data, "egress", i, ctx));
  if (diag.errorCount > before || subject === undefined) return undefined;
  const policy: ClusterPolicy = {
    namespace: "",
    name: identity.name,
    podSelector: subject.pods,
    namespaceSelector: subject.namespaces,
    // "CNPs with no ingress (egress) rules do not affect ingress (egress) traffic" (ClusterNetworkPolicySpec).
    ...(ingress === undefined || ingress.length === 0 ? {} : { ingress: ingress as PolicyRule[] }),
    ...(egress === undefined || egress.length === 0 ? {} : { egress: egress as PolicyRule[] }),
    tier,
    order: priority,
    // No tier isolates: a connection no rule matches goes on to the next tier, and after the last one is allowed.
    isolates: { ingress: false, egress: false },
    // ClusterNetworkPolicySubject: "Note that host-networked pods are not included in subject selection."
    excludesHostNetwork: true,
    source: identity.ref,
  };
  return { identity, policies: [policy] };
}

/** A pods selector with its namespaceSelector: required in v1alpha2, empty (every namespace) when absent in v1beta1. */
function withNamespaceSelector(pods: PodsData, version: string, path: Path, diag: Diagnostics, site: Site) {
  if (pods.namespaceSelector === undefined && version !== "v1beta1")
    diag.error("missing-field", `required field "namespaceSelector" is missing (optional only in v1beta1)`, site, path);
  return { namespaceSelector: pods.namespaceSelector ?? {}, podSelector: pods.podSelector };
}

function readSubject(
  data: Data,
  version: string,
  diag: Diagnostics,
  site: Site,
): { namespaces: LabelSelector; pods: LabelSelector } | undefined {
  const s = data.spec.subject;
  const at: Path = ["spec", "subject"];
  // ClusterNetworkPolicySubject: MinProperties=1, MaxProperties=1.
  if ((s.namespaces === undefined) === (s.pods === undefined)) {
    diag.error("invalid-subject", "subject must set exactly one of namespaces or pods", site, at);
    return undefined;
  }
  if (s.namespaces !== undefined) {
    checkSelector(s.namespaces, diag, site, [...at, "namespaces"]);
    return { namespaces: toLabelSelector(s.namespaces), pods: EVERYTHING };
  }
  const pods = withNamespaceSelector(s.pods as PodsData, version, [...at, "pods"], diag, site);
  checkSelector(pods.namespaceSelector, diag, site, [...at, "pods", "namespaceSelector"]);
  checkSelector(pods.podSelector, diag, site, [...at, "pods", "podSelector"]);
  return { namespaces: toLabelSelector(pods.namespaceSelector), pods: toLabelSelector(pods.podSelector) };
}

function toRule(data: Data, direction: Direction, i: number, ctx: CnpCtx): PolicyRule | undefined {
  const { diag, site } = ctx;
  const rule = data.spec[direction]?.[i] as unknown as RuleData;
  const path: Path = ["spec", direction, i];
  const action = ACTIONS[rule.action];
  if (action === undefined)
    diag.error("invalid-action", `unknown action "${rule.action}": must be Accept, Deny or Pass`, site, [
      ...path,
      "action",
    ]);
  const key = direction === "ingress" ? "from" : "to";
  const peersData = rule[key] ?? [];
  if (peersData.length === 0) diag.error("missing-field", `${key} must list at least one peer`, site, [...path, key]);
  const peers = peersData.flatMap((p, j) => toCnpPeers(p, direction, action, [...path, key, j], ctx));
  const ports = readPorts(rule, path, ctx);
  // CEL rule of the egress rule: networks / nodes / domainNames peers have no named ports.
  const named = ports !== "all" && ports.some((p) => typeof p.port === "string");
  const unnamed = peersData.findIndex(
    (p) => p.networks !== undefined || p.nodes !== undefined || p.domainNames !== undefined,
  );
  if (named && unnamed >= 0)
    diag.error(
      "invalid-port",
      "networks, nodes and domainNames peers cannot be used with a named port: they have no named ports",
      site,
      [...path, key, unnamed],
    );
  if (action === undefined) return undefined;
  return { action, peers, ports, source: { ...ctx.identity.ref, line: ctx.obj.locator.lineOf(path) } };
}

function toCnpPeers(peer: PeerData, direction: Direction, action: RuleAction | undefined, path: Path, ctx: CnpCtx) {
  const { diag, site } = ctx;
  if (peer.domainNames === undefined) {
    if (ctx.version === "v1beta1")
      peer.networks?.forEach((text, k) => {
        const masked = maskedIfHostBits(text);
        if (masked !== undefined)
          diag.error("invalid-cidr", `CIDR "${text}" has host bits set: write ${masked}`, site, [
            ...path,
            "networks",
            k,
          ]);
      });
    const pods =
      peer.pods === undefined
        ? undefined
        : withNamespaceSelector(peer.pods, ctx.version, [...path, "pods"], diag, site);
    return toPeers({ ...peer, pods }, direction, path, ctx);
  }
  const others = (["namespaces", "pods", "networks", "nodes"] as const).filter((k) => peer[k] !== undefined);
  if (others.length > 0) {
    diag.error(
      "invalid-peer",
      "a peer must set exactly one of namespaces, pods, networks, nodes or domainNames",
      site,
      path,
    );
    return [];
  }
  if (direction === "ingress") {
    diag.error("invalid-peer", "domainNames peers are only allowed in egress rules", site, [...path, "domainNames"]);
    return [];
  }
  // "DomainNames is only supported for Accept rules" (ClusterNetworkPolicyEgressPeer).
  if (action !== undefined && action !== "allow")
    diag.error("invalid-peer", "domainNames peers are only supported in Accept rules", site, [...path, "domainNames"]);
  if (peer.domainNames.length === 0)
    diag.error("invalid-peer", "domainNames must list at least one name", site, [...path, "domainNames"]);
  peer.domainNames.forEach((name, k) => {
    if (!DOMAIN_NAME.test(name))
      diag.error("invalid-domain", `invalid domain name "${name}": a name, or "*." and a name`, site, [
        ...path,
        "domainNames",
        k,
      ]);
  });
  // DomainName: an exact name, or "*." then a name — "*" matches one or more whole labels, so "*.kubernetes.io" is
  // Ward's "**.kubernetes.io" (fqdn-pattern.ts). The addresses come from the pod's own DNS answers.
  return peer.domainNames.flatMap((name, k): Peer[] =>
    DOMAIN_NAME.test(name)
      ? [
          {
            kind: "fqdn",
            pattern: name.startsWith("*.") ? `*${name.toLowerCase()}` : name.toLowerCase(),
            learnedFromDnsAnswers: true,
            line: ctx.obj.locator.lineOf([...path, "domainNames", k]),
          },
        ]
      : [],
  );
}

/** `protocols` (v1beta1, v1alpha2) or the earlier `ports` (v1alpha2 only); "all" when neither is given. */
function readPorts(rule: RuleData, path: Path, ctx: CnpCtx): PortSpec[] | "all" {
  const { diag, site } = ctx;
  if (rule.ports !== undefined && ctx.version !== "v1alpha2") {
    diag.error("unknown-field", `ports is not a field of ${ctx.version} ClusterNetworkPolicy: use protocols`, site, [
      ...path,
      "ports",
    ]);
    return [];
  }
  if (rule.ports !== undefined && rule.protocols !== undefined) {
    diag.error("invalid-port", "set protocols or ports, not both", site, [...path, "ports"]);
    return [];
  }
  if (rule.ports !== undefined) {
    if (rule.ports.length === 0)
      diag.error("invalid-port", "ports must list at least one port", site, [...path, "ports"]);
    return rule.ports.flatMap((p, j) => toPorts(p, [...path, "ports", j], ctx));
  }
  if (rule.protocols === undefined) return "all";
  // "Protocols … +kubebuilder:validation:MinItems=1"; an absent list matches every port and protocol.
  if (rule.protocols.length === 0)
    diag.error("invalid-port", "protocols must list at least one entry", site, [...path, "protocols"]);
  return rule.protocols.flatMap((p, j) => toProtocolPorts(p, [...path, "protocols", j], ctx));
}

const PROTOCOL_KEYS: Record<"tcp" | "udp" | "sctp", Protocol> = { tcp: "TCP", udp: "UDP", sctp: "SCTP" };

function toProtocolPorts(entry: ProtocolData, path: Path, ctx: CnpCtx): PortSpec[] {
  const { diag, site } = ctx;
  const line = ctx.obj.locator.lineOf(path);
  const set = (["tcp", "udp", "sctp", "destinationNamedPort"] as const).filter((k) => entry[k] !== undefined);
  // ClusterNetworkPolicyProtocol: MinProperties=1, MaxProperties=1.
  if (set.length !== 1) {
    diag.error(
      "invalid-port",
      "a protocols entry must set exactly one of tcp, udp, sctp or destinationNamedPort",
      site,
      path,
    );
    return [];
  }
  if (entry.destinationNamedPort !== undefined) {
    checkPortName(entry.destinationNamedPort, diag, site, [...path, "destinationNamedPort"]);
    // A named port takes its protocol from the destination pod's container port of that name.
    return PROTOCOLS.map((protocol) => ({ protocol, port: entry.destinationNamedPort as string, line }));
  }
  const key = set[0] as "tcp" | "udp" | "sctp";
  const protocol = PROTOCOL_KEYS[key];
  const match = entry[key] as z.output<typeof protocolMatch>;
  const at: Path = [...path, key];
  // ClusterNetworkPolicyProtocolTCP/UDP/SCTP: MinProperties=1 (destinationPort is the only field).
  if (match.destinationPort === undefined) {
    diag.error("invalid-port", `${key} must set destinationPort`, site, at);
    return [];
  }
  const dp = match.destinationPort;
  const dpAt: Path = [...at, "destinationPort"];
  // Port: MinProperties=1, MaxProperties=1 — number or range.
  if ((dp.number === undefined) === (dp.range === undefined)) {
    diag.error("invalid-port", "destinationPort must set exactly one of number or range", site, dpAt);
    return [];
  }
  if (dp.number !== undefined) {
    checkPortNumber(dp.number, diag, site, [...dpAt, "number"]);
    return [{ protocol, port: dp.number, line }];
  }
  const range = dp.range as { start: number; end: number };
  checkPortNumber(range.start, diag, site, [...dpAt, "range", "start"]);
  checkPortNumber(range.end, diag, site, [...dpAt, "range", "end"]);
  // PortRange CEL rule: "self.start < self.end".
  if (!(range.start < range.end))
    diag.error("invalid-port-range", `range start ${range.start} must be less than end ${range.end}`, site, [
      ...dpAt,
      "range",
      "end",
    ]);
  return [{ protocol, port: range.start, endPort: range.end, line }];
}

/** v1beta1 CIDR rule `isCIDR(self) && cidr(self) == cidr(self).masked()`: the masked form when host bits are set. */
function maskedIfHostBits(text: string): string | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  try {
    const masked = parseCidr(text);
    const address = parseCidr(text.slice(0, slash));
    return address.start === masked.start
      ? undefined
      : `${formatAddress(masked.family, masked.start)}/${masked.prefix}`;
  } catch {
    return undefined;
  }
}
