import type { Cidr } from "./cidr.js";
import { fqdnPatternMatches } from "./fqdn-pattern.js";
import type { LabelSelector } from "./labels.js";
import type { PortSpec } from "./ports.js";
import type { SourceRef } from "./source-ref.js";

export type Direction = "ingress" | "egress";

/** Which namespaces a pod peer (or a policy's subject) looks in. */
export type NamespaceScope =
  | { readonly kind: "same"; readonly namespace: string }
  | { readonly kind: "selector"; readonly selector: LabelSelector };

export type IpBlock = { readonly cidr: Cidr; readonly except: readonly Cidr[] };

/**
 * Reserved identities (Cilium entities, docs.cilium.io "Entities Based"). Ward's parties are pods and addresses or
 * names. A pod is `cluster`. An address of a Node of the input is `host` when it is the node of the pod the policy
 * selects, `remote-node` when it is another node (undecidable, so no match, when the pod's spec.nodeName is not
 * given), and `cluster`; any other address or name is `world`. `all` is everything. The others name things Ward does
 * not model (the API server, health, …): they never match (the loader warns).
 */
export const ENTITIES = [
  "world",
  "cluster",
  "host",
  "remote-node",
  "kube-apiserver",
  "init",
  "health",
  "unmanaged",
  "ingress",
  "all",
] as const;
export type Entity = (typeof ENTITIES)[number];

export type Peer =
  | {
      readonly kind: "pods";
      readonly namespaces: NamespaceScope;
      readonly pods: LabelSelector;
      /** When set, the pod's service account name must be one of these. */
      readonly serviceAccounts?: readonly string[];
      /** True: host-network pods never match (AdminNetworkPolicy / ClusterNetworkPolicy namespaces and pods peers). */
      readonly excludesHostNetwork?: boolean;
      readonly line: number;
    }
  | {
      readonly kind: "ipBlock";
      readonly block: IpBlock;
      /** True: only addresses outside the cluster match (a pod's IP never does). */
      readonly externalOnly?: boolean;
      /** The object the addresses come from, for explanations ("NetworkSet shop/db", "Node node-a"). */
      readonly origin?: string;
      readonly line: number;
    }
  | { readonly kind: "entity"; readonly entity: Entity; readonly line: number }
  /** A DNS name or a pattern with `*` (matchPattern): matches a connection to that name. */
  | {
      readonly kind: "fqdn";
      readonly pattern: string;
      /**
       * True: the name's addresses are learned from the pod's own DNS answers (Calico's allowed egress domains), so no
       * DNS-proxy rule is needed, only DNS egress. Unset: a DNS-proxy rule must see the lookup (Cilium toFQDNs).
       */
      readonly learnedFromDnsAnswers?: boolean;
      readonly line: number;
    }
  /** Nodes by label: the loader adds one ipBlock peer per address of each selected Node object (src/load/k8s/nodes.ts); the peer itself matches nothing. */
  | { readonly kind: "nodes"; readonly selector: LabelSelector; readonly line: number };

/** What a matching rule does. `log` records and goes on; `pass` skips the rest of the tier. */
export type RuleAction = "allow" | "deny" | "pass" | "log";

/** An L7 HTTP condition (all given fields must match); path and header values are regular expressions for path. */
export type HttpMatch = {
  readonly method?: string;
  readonly path?: string;
  /** "Name" (present) or "Name: value" (equal). */
  readonly headers?: readonly string[];
  readonly line: number;
};

export type PolicyRule = {
  readonly action: RuleAction;
  /** "any" = every source/destination (an empty or absent from/to). */
  readonly peers: readonly Peer[] | "any";
  /** The peer must match none of these (Calico notNets / notSelector). */
  readonly notPeers?: readonly Peer[];
  /** "all" = every port and protocol (an empty or absent ports list); [] matches no TCP/UDP/SCTP connection. */
  readonly ports: readonly PortSpec[] | "all";
  /** The port must match none of these (Calico notPorts / notProtocol). */
  readonly notPorts?: readonly PortSpec[];
  /** L7: when set, only HTTP requests matching one entry are allowed (undecidable without a request: L4 matches). */
  readonly http?: readonly HttpMatch[];
  /** L7 DNS: the names this rule lets the DNS proxy resolve (matchName / matchPattern). */
  readonly dns?: readonly string[];
  readonly source: SourceRef;
};

/**
 * A tier: policies of a tier are evaluated in `order` (then by name), rules in order; the first matching rule that
 * allows, denies or passes decides for the tier. Tiers are evaluated by ascending `order`.
 */
export type Tier = {
  readonly name: string;
  readonly order: number;
  /** When a policy of the tier isolates the pod for the direction and no rule decided: deny, or go to the next tier. */
  readonly defaultAction: "deny" | "pass";
};

/**
 * The one policy form every kind is reduced to: rule lists over the pods its subject picks, in a tier.
 * A direction that is `undefined` is not affected by this policy.
 */
export type ClusterPolicy = {
  /** The policy's namespace; "" for a cluster-scoped policy. */
  readonly namespace: string;
  readonly name: string;
  /** The pods the policy applies to, in `namespace` — or, when `namespaceSelector` is set, in the namespaces it selects. */
  readonly podSelector: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  /** When set, only pods running as one of these service accounts (names in the pod's namespace) are subjects. */
  readonly serviceAccounts?: readonly string[];
  /** True: host-network pods are never subjects (AdminNetworkPolicy / ClusterNetworkPolicy subject). */
  readonly excludesHostNetwork?: boolean;
  readonly ingress?: readonly PolicyRule[];
  readonly egress?: readonly PolicyRule[];
  readonly tier: Tier;
  /** Position inside the tier: lower first; equal orders are taken by name. */
  readonly order: number;
  /** Per direction: does selecting a pod isolate it (the tier's default action applies when no rule decides)? */
  readonly isolates: { readonly ingress: boolean; readonly egress: boolean };
  readonly source: SourceRef;
};

// Tier orders follow Calico's (docs.tigera.io "Tier"; Calico's ANP/BANP support places the adminnetworkpolicy tier
// before the default tier and the baselineadminnetworkpolicy tier after it), so every kind shares one ordering.
/** AdminNetworkPolicy tier: before NetworkPolicy; no match passes on (network-policy-api v1alpha1). */
export const ADMIN_TIER: Tier = { name: "adminnetworkpolicy", order: 1000, defaultAction: "pass" };
/** NetworkPolicy, Cilium and Calico's default tier; an isolated pod is denied what no rule allows. */
export const DEFAULT_TIER: Tier = { name: "default", order: 1_000_000, defaultAction: "deny" };
/** BaselineAdminNetworkPolicy: after NetworkPolicy, only for pods no NetworkPolicy isolates; no match allows. */
export const BASELINE_TIER: Tier = { name: "baselineadminnetworkpolicy", order: 10_000_000, defaultAction: "pass" };

/** Kubernetes NetworkPolicies behave as Calico policies of order 1000 in the default tier (Calico docs). */
export const NETWORK_POLICY_ORDER = 1000;
/** Cilium deny rules take precedence over every allow of the tier (docs.cilium.io "Deny Policies"). */
export const DENY_FIRST_ORDER = -1;

export function tierOrder(a: Tier, b: Tier): number {
  return a.order - b.order || a.name.localeCompare(b.name);
}

export function policyOrder(a: ClusterPolicy, b: ClusterPolicy): number {
  return (
    tierOrder(a.tier, b.tier) ||
    a.order - b.order ||
    a.namespace.localeCompare(b.namespace) ||
    a.name.localeCompare(b.name) ||
    a.source.file.localeCompare(b.source.file) ||
    a.source.line - b.source.line
  );
}

/** The policies in evaluation order: by tier, then order, then name. */
export function orderedPolicies(policies: readonly ClusterPolicy[]): ClusterPolicy[] {
  return [...policies].sort(policyOrder);
}

/** True when every rule only allows and every policy is a NetworkPolicy-style allow-list in the default tier. */
export function isAllowListOnly(policies: readonly ClusterPolicy[]): boolean {
  return policies.every(
    (p) =>
      p.tier === DEFAULT_TIER &&
      p.namespaceSelector === undefined &&
      [p.ingress, p.egress].every((rules) => (rules ?? []).every((r) => r.action === "allow" && r.http === undefined)),
  );
}

/** Does a DNS name match a Cilium matchName / matchPattern (`*`, `**.` prefix: fqdn-pattern.ts)? */
export function fqdnMatches(pattern: string, name: string): boolean {
  return fqdnPatternMatches(pattern, name);
}
