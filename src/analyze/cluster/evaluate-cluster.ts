import { selectorMatches } from "../../model/labels.js";
import type { Model } from "../../model/model.js";
import type { ClusterPolicy, Direction, Peer, PolicyRule } from "../../model/policy.js";
import { type PortSpec, type Protocol, portSpecMatches } from "../../model/ports.js";
import type { SourceRef } from "../../model/source-ref.js";
import { type AddressRanges, blockCoverage, coversWhole, unionRanges } from "../address-set.js";
import type { Party } from "../party.js";

/**
 * The spec-literal evaluator: one connection at a time, straight from the NetworkPolicy API text.
 * It is deliberately simple; the fast matrix engine must agree with it on every pair (property tests).
 * It also records why, so `reach` and `explain` use it directly.
 */

export type RuleOutcome = {
  readonly rule: SourceRef;
  /** "any": the rule has no from/to; a Peer: the first peer that matched; undefined: no peer matched. */
  readonly peer: "any" | Peer | undefined;
  /** "all": the rule has no ports; a PortSpec: the first entry that matched; undefined: no port matched. */
  readonly port: "all" | PortSpec | undefined;
  /** For an external range, the addresses this rule's peers cover (when its ports match). */
  readonly covered?: AddressRanges;
};

export type PolicyOutcome = { readonly policy: SourceRef; readonly rules: readonly RuleOutcome[] };

export type DirectionOutcome = {
  readonly direction: Direction;
  /** False when this end is external: NetworkPolicy does not police it. */
  readonly applies: boolean;
  /** True when at least one policy selects the pod for this direction (it is isolated). */
  readonly isolated: boolean;
  readonly policies: readonly PolicyOutcome[];
  readonly allowed: boolean;
  /** For an external range that some rules cover in part. */
  readonly partial?: AddressRanges;
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
  /** The two ends are the same single pod: loopback, which NetworkPolicy never blocks. */
  readonly loopback?: boolean;
};

// NetworkPolicy API: podSelector alone selects pods in the policy's namespace; namespaceSelector alone
// selects all pods in matching namespaces; both in one peer select matching pods in matching namespaces.
function peerMatchesPod(peer: Peer, policyNamespace: string, other: Party & { kind: "pod" }): boolean {
  if (peer.kind === "ipBlock") return other.ips.some((ip) => blockCoverage(peer.block, ip).length > 0);
  const scope = peer.namespaces;
  const inScope =
    scope.kind === "same"
      ? other.pod.namespace === policyNamespace
      : selectorMatches(scope.selector, other.namespaceLabels);
  return inScope && selectorMatches(peer.pods, other.pod.labels);
}

function ruleOutcome(
  rule: PolicyRule,
  policy: ClusterPolicy,
  other: Party,
  conn: Connection,
  destination: Party,
): RuleOutcome {
  const destinationPorts = destination.kind === "pod" ? destination.pod.ports : [];
  const port =
    rule.ports === "all"
      ? "all"
      : rule.ports.find((spec) => portSpecMatches(spec, conn.port, conn.protocol, destinationPorts));
  if (rule.peers === "any") return { rule: rule.source, peer: "any", port };
  if (other.kind === "pod") {
    const peer = rule.peers.find((p) => peerMatchesPod(p, policy.namespace, other));
    return { rule: rule.source, peer, port };
  }
  // An external range: only ipBlock peers can match; collect which of its addresses they cover.
  let covered: AddressRanges = [];
  let first: Peer | undefined;
  for (const peer of rule.peers) {
    if (peer.kind !== "ipBlock") continue;
    const c = blockCoverage(peer.block, other.range);
    if (c.length > 0) {
      covered = unionRanges(covered, c);
      first ??= peer;
    }
  }
  const peer = first !== undefined && coversWhole(covered, other.range) ? first : undefined;
  return { rule: rule.source, peer, port, covered: first === undefined ? [] : covered };
}

function evaluateDirection(
  model: Model,
  direction: Direction,
  self: Party,
  other: Party,
  conn: Connection,
): DirectionOutcome {
  if (self.kind === "external") return unpoliced(direction);
  const destination = direction === "egress" ? other : self;
  const policies: PolicyOutcome[] = [];
  let allowed = false;
  let covered: AddressRanges = [];
  for (const policy of model.policies) {
    const rules = policy[direction];
    // A policy isolates a pod for a direction only when it selects the pod and covers that direction.
    if (rules === undefined || policy.namespace !== self.pod.namespace) continue;
    if (!selectorMatches(policy.podSelector, self.pod.labels)) continue;
    const outcomes = rules.map((rule) => ruleOutcome(rule, policy, other, conn, destination));
    for (const o of outcomes) {
      if (o.port === undefined) continue;
      if (o.peer !== undefined) allowed = true;
      else if (o.covered) covered = unionRanges(covered, o.covered);
    }
    policies.push({ policy: policy.source, rules: outcomes });
  }
  const isolated = policies.length > 0;
  // Rules are additive: the union of all policies selecting the pod decides, so partial covers add up.
  if (!allowed && other.kind === "external" && covered.length > 0) {
    if (coversWhole(covered, other.range)) allowed = true;
    else return { direction, applies: true, isolated, policies, allowed: false, partial: covered };
  }
  return { direction, applies: true, isolated, policies, allowed: !isolated || allowed };
}

const unpoliced = (direction: Direction): DirectionOutcome => ({
  direction,
  applies: false,
  isolated: false,
  policies: [],
  allowed: true,
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
