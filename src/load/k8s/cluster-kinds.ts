import type { Namespace } from "../../model/endpoint.js";
import type { ClusterPolicy } from "../../model/policy.js";
import type { Diagnostics } from "../diagnostics.js";
import { type Loaded, loadAdminNetworkPolicy, warnSamePriority } from "./admin-network-policy.js";
import { type CalicoTier, loadCalicoObject, resolveCalico, type ServiceAccountInfo, tierOf } from "./calico.js";
import { type CalicoNetworkSet, networkSetOf } from "./calico-network-sets.js";
import { loadCiliumPolicy } from "./cilium.js";
import { loadClusterNetworkPolicy } from "./cluster-network-policy.js";
import { type EdgeItem, edgeOf, loadEdgeObject } from "./edges.js";
import type { ClusterLayerKind } from "./kinds.js";
import { loadNode, type NodeInfo, nodeOf, resolveNodePeers } from "./nodes.js";
import type { RawObject } from "./objects.js";

/** Loads one object of the policy kinds beyond NetworkPolicy; undefined when it has problems (in `diag`). */
export function loadClusterKind(obj: RawObject, kind: ClusterLayerKind, diag: Diagnostics): Loaded | undefined {
  switch (kind) {
    case "AdminNetworkPolicy":
    case "BaselineAdminNetworkPolicy":
      return loadAdminNetworkPolicy(obj, diag);
    case "ClusterNetworkPolicy":
      return loadClusterNetworkPolicy(obj, diag);
    case "Node":
      return loadNode(obj, diag);
    case "CiliumNetworkPolicy":
    case "CiliumClusterwideNetworkPolicy":
      return loadCiliumPolicy(obj, diag);
    case "CalicoNetworkPolicy":
    case "GlobalNetworkPolicy":
    case "Tier":
    case "NetworkSet":
    case "GlobalNetworkSet":
      return loadCalicoObject(obj, diag);
    case "Ingress":
    case "Gateway":
    case "HTTPRoute":
      return loadEdgeObject(obj, diag);
  }
}

/** Checks across objects once everything is loaded (AdminNetworkPolicy priorities). */
export function finishClusterKinds(policies: readonly ClusterPolicy[], diag: Diagnostics): void {
  warnSamePriority(policies, diag);
}

/** The Tier object a loaded item defines, if it is one (kept for resolveClusterKinds). */
export function loadedTier(item: Loaded): CalicoTier | undefined {
  return tierOf(item);
}

/** The Calico NetworkSet or GlobalNetworkSet a loaded item defines, if it is one (kept for resolveClusterKinds). */
export function loadedNetworkSet(item: Loaded): CalicoNetworkSet | undefined {
  return networkSetOf(item);
}

/** The Node a loaded item defines, if it is one (kept for resolveClusterKinds). */
export function loadedNode(item: Loaded): NodeInfo | undefined {
  return nodeOf(item);
}

/** The Ingress, Gateway or HTTPRoute a loaded item carries, if it is one. */
export function loadedEdge(item: Loaded): EdgeItem | undefined {
  return edgeOf(item);
}

/**
 * Resolves what needs every object (and the pods): Calico policies' tiers, service-account matches and the network
 * sets their selectors match; the Nodes that nodes peers select. Returns the policies to put in the model; problems (an undefined tier) go to `diag`.
 */
export function resolveClusterKinds(
  policies: readonly ClusterPolicy[],
  tiers: readonly CalicoTier[],
  accounts: readonly ServiceAccountInfo[],
  diag: Diagnostics,
  sets?: {
    readonly networkSets: readonly CalicoNetworkSet[];
    readonly namespaces: ReadonlyMap<string, Namespace>;
    readonly nodes?: readonly NodeInfo[];
  },
): ClusterPolicy[] {
  return resolveNodePeers(resolveCalico(policies, tiers, accounts, diag, sets), sets?.nodes ?? [], diag);
}
