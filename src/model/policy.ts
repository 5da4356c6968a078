import type { Cidr } from "./cidr.js";
import type { LabelSelector } from "./labels.js";
import type { PortSpec } from "./ports.js";
import type { SourceRef } from "./source-ref.js";

export type Direction = "ingress" | "egress";

/** Which namespaces a pod peer looks in. */
export type NamespaceScope =
  | { readonly kind: "same"; readonly namespace: string }
  | { readonly kind: "selector"; readonly selector: LabelSelector };

export type IpBlock = { readonly cidr: Cidr; readonly except: readonly Cidr[] };

export type Peer =
  | { readonly kind: "pods"; readonly namespaces: NamespaceScope; readonly pods: LabelSelector; readonly line: number }
  | { readonly kind: "ipBlock"; readonly block: IpBlock; readonly line: number };

export type PolicyRule = {
  /** "any" = every source/destination (an empty or absent from/to). */
  readonly peers: readonly Peer[] | "any";
  /** "all" = every port and protocol (an empty or absent ports list). */
  readonly ports: readonly PortSpec[] | "all";
  readonly source: SourceRef;
};

/**
 * A namespaced allow-list policy over the pods its selector picks (Kubernetes NetworkPolicy semantics).
 * A direction that is `undefined` is not affected by this policy; an empty rule list isolates and allows nothing.
 */
export type ClusterPolicy = {
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: LabelSelector;
  readonly ingress?: readonly PolicyRule[];
  readonly egress?: readonly PolicyRule[];
  readonly source: SourceRef;
};
