import type { Cidr } from "../../model/cidr.js";
import { selectorMatches } from "../../model/labels.js";
import type { ClusterNode, Model } from "../../model/model.js";
import {
  type ClusterPolicy,
  type Direction,
  type Entity,
  fqdnMatches,
  orderedPolicies,
  type Peer,
  type PolicyRule,
  type RuleAction,
  type Tier,
} from "../../model/policy.js";
import { type PortSpec, type Protocol, portSpecMatches } from "../../model/ports.js";
import type { SourceRef } from "../../model/source-ref.js";
import {
  type AddressRanges,
  blockCoverage,
  coversWhole,
  rangesContain,
  splitRange,
  unionRanges,
} from "../address-set.js";
import type { Party } from "../party.js";
import { type HttpRequest, httpMatches } from "./http-match.js";
import { publicIpv4 } from "./public-addresses.js";

/**
 * The spec-literal evaluator: one connection at a time. Policies are taken tier by tier, in order; inside a tier the
 * first matching rule that allows, denies or passes decides; a tier in which a policy isolates the pod and no rule
 * decided applies its default action. Nothing decided: allowed. The fast matrix engine must agree with it on every
 * pair (property tests); it also records why, so `reach` and `explain` use it directly.
 */

export type RuleOutcome = {
  readonly rule: SourceRef;
  readonly action: RuleAction;
  /** "any": the rule has no from/to; a Peer: the first peer that matched; undefined: no peer matched. */
  readonly peer: "any" | Peer | undefined;
  /** "all": the rule has no ports; a PortSpec: the first entry that matched; undefined: no port matched. */
  readonly port: "all" | PortSpec | undefined;
  /** Set when the rule would match but an exclusion (notNets/notSelector/notPorts/notProtocol) rules it out. */
  readonly excludedBy?: Peer | PortSpec;
  /** L7: "restricted" = HTTP rules apply and no request was given; "matched" / "mismatched" for a given request. */
  readonly l7?: "restricted" | "matched" | "mismatched";
  /** Does the rule match the connection (its action applies)? */
  readonly matched: boolean;
  /** For an external range, the addresses this rule's peers cover (when its ports match). */
  readonly covered?: AddressRanges;
  /** Why a peer could not be decided (and so did not match), e.g. a host entity when the pod's node is unknown. */
  readonly undecided?: string;
};

export type PolicyOutcome = {
  readonly policy: SourceRef;
  readonly tier: string;
  readonly isolates: boolean;
  readonly rules: readonly RuleOutcome[];
};

/** What decided a direction. */
export type Decider =
  /** A rule that allowed or denied. */
  | { readonly kind: "rule"; readonly action: "allow" | "deny"; readonly rule: RuleOutcome }
  /** Policies of a tier isolate the pod and no rule decided: the tier's default (deny). */
  | { readonly kind: "isolated"; readonly tier: string; readonly policies: readonly SourceRef[] }
  /** No tier decided: traffic is allowed. */
  | { readonly kind: "default" };

export type DirectionOutcome = {
  readonly direction: Direction;
  /** False when this end is external: policy does not police it. */
  readonly applies: boolean;
  /** True when at least one policy isolates the pod for this direction. */
  readonly isolated: boolean;
  /** Every policy that selects the pod for the direction, in evaluation order. */
  readonly policies: readonly PolicyOutcome[];
  readonly allowed: boolean;
  readonly decidedBy: Decider;
  /** Rules that passed the connection on to the next tier, in order. */
  readonly passedBy: readonly RuleOutcome[];
  /** For an external range that policy allows in part only: the allowed addresses. */
  readonly partial?: AddressRanges;
  /** Egress by name through an FQDN rule: whether its DNS lookup is allowed and seen by the DNS proxy. */
  readonly dns?: { readonly ok: boolean; readonly why: string };
};

export type ClusterOutcome = {
  readonly allowed: boolean;
  readonly loopback: boolean;
  readonly egress: DirectionOutcome;
  readonly ingress: DirectionOutcome;
};

export type Connection = {
  readonly from: Party;
  readonly to: Party;
  readonly port: number;
  readonly protocol: Protocol;
  /** The two ends are the same single pod: loopback, which policy never blocks. */
  readonly loopback?: boolean;
  /** L7 request, for rules with HTTP conditions. */
  readonly request?: HttpRequest;
};

type PodParty = Party & { kind: "pod" };

/** Does the policy apply to this pod (its subject)? */
export function policySelects(policy: ClusterPolicy, pod: PodParty): boolean {
  const inScope =
    policy.namespaceSelector === undefined
      ? policy.namespace === pod.pod.namespace
      : selectorMatches(policy.namespaceSelector, pod.namespaceLabels);
  if (!inScope || !selectorMatches(policy.podSelector, pod.pod.labels)) return false;
  // network-policy-api ClusterNetworkPolicySubject / AdminNetworkPolicySubject: "host-networked pods are not included".
  if (policy.excludesHostNetwork === true && pod.pod.hostNetwork) return false;
  return policy.serviceAccounts === undefined || policy.serviceAccounts.includes(pod.pod.serviceAccount);
}

// NetworkPolicy API: podSelector alone selects pods in the policy's namespace; namespaceSelector alone selects all
// pods in matching namespaces; both in one peer select matching pods in matching namespaces.
function peerMatchesPod(peer: Peer, other: PodParty): boolean {
  switch (peer.kind) {
    case "ipBlock":
      return peer.externalOnly !== true && other.ips.some((ip) => blockCoverage(peer.block, ip).length > 0);
    case "pods": {
      const scope = peer.namespaces;
      const inScope =
        scope.kind === "same"
          ? other.pod.namespace === scope.namespace
          : selectorMatches(scope.selector, other.namespaceLabels);
      if (!inScope || !selectorMatches(peer.pods, other.pod.labels)) return false;
      // network-policy-api namespaces / pods peers: "host-networked pods are not included in this type of peer".
      if (peer.excludesHostNetwork === true && other.pod.hostNetwork) return false;
      return peer.serviceAccounts === undefined || peer.serviceAccounts.includes(other.pod.serviceAccount);
    }
    // Cilium entities: every pod Ward knows is a cluster endpoint.
    case "entity":
      return peer.entity === "cluster" || peer.entity === "all";
    case "fqdn":
    case "nodes":
      return false;
  }
}

/** Does a peer match an external address range that no policy boundary splits (so coverage is all or nothing)? */
function peerMatchesRange(peer: Peer, range: Cidr): boolean {
  switch (peer.kind) {
    case "ipBlock":
      return coversWhole(blockCoverage(peer.block, range), range);
    case "entity":
      return peer.entity === "world" || peer.entity === "all";
    default:
      return false;
  }
}

/**
 * A DNS name resolves to addresses Ward cannot know: an ipBlock matches it only when it covers every public IPv4
 * address (so wherever the name points on the internet, the block contains it).
 */
function peerMatchesName(peer: Peer, name: string): boolean {
  switch (peer.kind) {
    case "fqdn":
      return fqdnMatches(peer.pattern, name);
    case "entity":
      return peer.entity === "world" || peer.entity === "all";
    case "ipBlock": {
      const whole = publicIpv4();
      const covered = blockCoverage(peer.block, {
        text: "0.0.0.0/0",
        family: 4,
        prefix: 0,
        start: 0n,
        end: 2n ** 32n - 1n,
      });
      return rangesContain(covered, whole);
    }
    default:
      return false;
  }
}

/**
 * Where the connection's policed end runs, for Cilium's node entities: the input's Nodes and the node of the pod
 * the policy selects (spec.nodeName; undefined when the input does not say).
 */
export type NodeContext = { readonly nodes: readonly ClusterNode[]; readonly podNode: string | undefined };

const NO_NODES: NodeContext = { nodes: [], podNode: undefined };

export const UNDECIDABLE_NODE = "undecidable: the pod's node is not in the input";

/** The Node one of whose addresses covers the whole range (ranges are split at node addresses first). */
export function nodeAt(range: Cidr, nodes: readonly ClusterNode[]): ClusterNode | undefined {
  return nodes.find((n) =>
    n.addresses.some((a) => a.family === range.family && a.start <= range.start && range.end <= a.end),
  );
}

/**
 * Cilium entities for an address that is a Node's (docs.cilium.io "Entities Based"): `host` is the node the selected
 * pod runs on, `remote-node` any other node, `cluster` and `all` every node; a node is never `world`. Undefined: the
 * pod's node is unknown, so host / remote-node cannot be decided.
 */
function entityMatchesNode(entity: Entity, node: ClusterNode, ctx: NodeContext): boolean | undefined {
  switch (entity) {
    case "cluster":
    case "all":
      return true;
    case "host":
    case "remote-node":
      if (ctx.podNode === undefined) return undefined;
      return (ctx.podNode === node.name) === (entity === "host");
    default:
      return false;
  }
}

/** Like peerMatches, and says when a peer could not be decided (it then does not match). */
function peerDecision(peer: Peer, other: Party, ctx: NodeContext): boolean | undefined {
  if (other.kind === "external" && ctx.nodes.length > 0) {
    const node = nodeAt(other.range, ctx.nodes);
    if (node !== undefined) {
      if (peer.kind === "entity") return entityMatchesNode(peer.entity, node, ctx);
      // Cilium CIDR rules do not select node addresses (default policy-cidr-match-mode: "", not "nodes").
      if (peer.kind === "ipBlock" && peer.externalOnly === true) return false;
    }
  }
  return peerMatches(peer, other);
}

export function peerMatches(peer: Peer, other: Party, ctx: NodeContext = NO_NODES): boolean {
  if (ctx !== NO_NODES) return peerDecision(peer, other, ctx) === true;
  if (other.kind === "pod") return peerMatchesPod(peer, other);
  if (other.kind === "external") return peerMatchesRange(peer, other.range);
  return peerMatchesName(peer, other.name);
}

function ruleOutcome(
  rule: PolicyRule,
  other: Party,
  conn: Connection,
  destination: Party,
  ctx: NodeContext,
): RuleOutcome {
  const destinationPorts = destination.kind === "pod" ? destination.pod.ports : [];
  const port: "all" | PortSpec | undefined =
    rule.ports === "all"
      ? "all"
      : rule.ports.find((spec) => portSpecMatches(spec, conn.port, conn.protocol, destinationPorts));
  let undecided = false;
  const peer: "any" | Peer | undefined =
    rule.peers === "any"
      ? "any"
      : rule.peers.find((p) => {
          const d = peerDecision(p, other, ctx);
          if (d === undefined) undecided = true;
          return d === true;
        });
  const base = { rule: rule.source, action: rule.action, peer, port };
  if (peer === undefined || port === undefined)
    return { ...base, ...(undecided && peer === undefined ? { undecided: UNDECIDABLE_NODE } : {}), matched: false };
  const notPeer = rule.notPeers?.find((p) => peerDecision(p, other, ctx) === true);
  if (notPeer !== undefined) return { ...base, excludedBy: notPeer, matched: false };
  const notPort = rule.notPorts?.find((spec) => portSpecMatches(spec, conn.port, conn.protocol, destinationPorts));
  if (notPort !== undefined) return { ...base, excludedBy: notPort, matched: false };
  if (rule.http !== undefined) {
    if (conn.request === undefined) return { ...base, l7: "restricted", matched: true };
    const ok = rule.http.some((h) => httpMatches(h, conn.request as HttpRequest));
    return { ...base, l7: ok ? "matched" : "mismatched", matched: ok };
  }
  return { ...base, matched: true };
}

type Evaluated = Omit<DirectionOutcome, "partial">;

function decideDirection(
  selecting: readonly ClusterPolicy[],
  direction: Direction,
  other: Party,
  conn: Connection,
  destination: Party,
  ctx: NodeContext,
): Evaluated {
  const policies: PolicyOutcome[] = [];
  const passedBy: RuleOutcome[] = [];
  let decidedBy: Decider | undefined;
  let isolated = false;
  let i = 0;
  while (i < selecting.length) {
    const tier: Tier = (selecting[i] as ClusterPolicy).tier;
    const isolating: SourceRef[] = [];
    let passed = false;
    for (; i < selecting.length && (selecting[i] as ClusterPolicy).tier === tier; i++) {
      const policy = selecting[i] as ClusterPolicy;
      if (policy.isolates[direction]) isolating.push(policy.source);
      const rules = (policy[direction] ?? []).map((rule) => ruleOutcome(rule, other, conn, destination, ctx));
      policies.push({ policy: policy.source, tier: tier.name, isolates: policy.isolates[direction], rules });
      if (decidedBy !== undefined || passed) continue;
      for (const r of rules) {
        if (!r.matched || r.action === "log") continue;
        if (r.action === "pass") {
          passedBy.push(r);
          passed = true;
        } else decidedBy = { kind: "rule", action: r.action, rule: r };
        break;
      }
    }
    if (isolating.length > 0) isolated = true;
    // Calico "Tier": a tier that applies to the endpoint but takes no action drops the packet (defaultAction Deny).
    if (decidedBy === undefined && !passed && isolating.length > 0 && tier.defaultAction === "deny")
      decidedBy = { kind: "isolated", tier: tier.name, policies: isolating };
  }
  decidedBy ??= { kind: "default" };
  const allowed = decidedBy.kind === "default" || (decidedBy.kind === "rule" && decidedBy.action === "allow");
  return { direction, applies: true, isolated, policies, allowed, decidedBy, passedBy };
}

/** Every address boundary of the ipBlocks of these policies' rules, to split an external range into uniform parts. */
function boundaries(selecting: readonly ClusterPolicy[], direction: Direction): Cidr[] {
  const out: Cidr[] = [];
  for (const p of selecting)
    for (const r of p[direction] ?? [])
      for (const peer of [...(r.peers === "any" ? [] : r.peers), ...(r.notPeers ?? [])])
        if (peer.kind === "ipBlock") out.push(peer.block.cidr, ...peer.block.except);
  return out;
}

function evaluateDirection(
  model: Model,
  direction: Direction,
  self: Party,
  other: Party,
  conn: Connection,
): DirectionOutcome {
  if (self.kind !== "pod") return unpoliced(direction);
  const destination = direction === "egress" ? other : self;
  const selecting = orderedPolicies(model.policies).filter((p) => p[direction] !== undefined && policySelects(p, self));
  const ctx: NodeContext = { nodes: model.nodes ?? [], podNode: self.pod.nodeName };
  if (other.kind !== "external") return decideDirection(selecting, direction, other, conn, destination, ctx);
  // An external range: decide each part no policy boundary (nor a Node's address) splits; allowed only when every
  // part is.
  const nodeAddresses = ctx.nodes.flatMap((n) => n.addresses);
  const parts = splitRange(other.range, [...boundaries(selecting, direction), ...nodeAddresses]);
  let allowedRanges: AddressRanges = [];
  let firstDenied: Evaluated | undefined;
  let first: Evaluated | undefined;
  for (const part of parts) {
    const outcome = decideDirection(selecting, direction, { kind: "external", range: part }, conn, destination, ctx);
    first ??= outcome;
    if (outcome.allowed) allowedRanges = unionRanges(allowedRanges, [[part.start, part.end]]);
    else firstDenied ??= outcome;
  }
  if (firstDenied === undefined) return first as Evaluated;
  const covered = withCoverage(firstDenied, other.range, selecting, direction);
  return allowedRanges.length > 0 ? { ...covered, partial: allowedRanges } : covered;
}

/** Re-evaluates the rules on the whole range to record which addresses each rule's peers cover (for explain). */
function withCoverage(
  outcome: Evaluated,
  range: Cidr,
  selecting: readonly ClusterPolicy[],
  direction: Direction,
): Evaluated {
  const policies = outcome.policies.map((p, pi) => {
    const policy = selecting[pi] as ClusterPolicy;
    const rules = p.rules.map((r, ri) => {
      const rule = (policy[direction] ?? [])[ri] as PolicyRule;
      if (r.port === undefined || rule.peers === "any") return r;
      let covered: AddressRanges = [];
      for (const peer of rule.peers)
        if (peer.kind === "ipBlock") covered = unionRanges(covered, blockCoverage(peer.block, range));
      return covered.length > 0 ? { ...r, covered } : r;
    });
    return { ...p, rules };
  });
  return { ...outcome, policies };
}

const unpoliced = (direction: Direction): DirectionOutcome => ({
  direction,
  applies: false,
  isolated: false,
  policies: [],
  allowed: true,
  decidedBy: { kind: "default" },
  passedBy: [],
});

/** A single pod talking to itself: loopback traffic never reaches the pod's policed interface. */
export const LOOPBACK: ClusterOutcome = {
  allowed: true,
  loopback: true,
  egress: unpoliced("egress"),
  ingress: unpoliced("ingress"),
};

export function evaluateCluster(model: Model, conn: Connection): ClusterOutcome {
  if (conn.loopback) return LOOPBACK;
  // Both the source's egress and the destination's ingress must allow the connection.
  const egress = evaluateDirection(model, "egress", conn.from, conn.to, conn);
  const ingress = evaluateDirection(model, "ingress", conn.to, conn.from, conn);
  return { allowed: egress.allowed && ingress.allowed, loopback: false, egress, ingress };
}
