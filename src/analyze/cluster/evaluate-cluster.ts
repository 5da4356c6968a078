import type { Cidr } from "../../model/cidr.js";
import { selectorMatches } from "../../model/labels.js";
import type { Model } from "../../model/model.js";
import {
  type ClusterPolicy,
  type Direction,
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

export function peerMatches(peer: Peer, other: Party): boolean {
  if (other.kind === "pod") return peerMatchesPod(peer, other);
  if (other.kind === "external") return peerMatchesRange(peer, other.range);
  return peerMatchesName(peer, other.name);
}

function ruleOutcome(rule: PolicyRule, other: Party, conn: Connection, destination: Party): RuleOutcome {
  const destinationPorts = destination.kind === "pod" ? destination.pod.ports : [];
  const port: "all" | PortSpec | undefined =
    rule.ports === "all"
      ? "all"
      : rule.ports.find((spec) => portSpecMatches(spec, conn.port, conn.protocol, destinationPorts));
  const peer: "any" | Peer | undefined = rule.peers === "any" ? "any" : rule.peers.find((p) => peerMatches(p, other));
  const base = { rule: rule.source, action: rule.action, peer, port };
  if (peer === undefined || port === undefined) return { ...base, matched: false };
  const notPeer = rule.notPeers?.find((p) => peerMatches(p, other));
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
      const rules = (policy[direction] ?? []).map((rule) => ruleOutcome(rule, other, conn, destination));
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
  if (other.kind !== "external") return decideDirection(selecting, direction, other, conn, destination);
  // An external range: decide each part no policy boundary splits; allowed only when every part is.
  const parts = splitRange(other.range, boundaries(selecting, direction));
  let allowedRanges: AddressRanges = [];
  let firstDenied: Evaluated | undefined;
  let first: Evaluated | undefined;
  for (const part of parts) {
    const outcome = decideDirection(selecting, direction, { kind: "external", range: part }, conn, destination);
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
