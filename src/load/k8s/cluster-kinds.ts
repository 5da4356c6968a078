import type { ClusterPolicy } from "../../model/policy.js";
import type { Diagnostics } from "../diagnostics.js";
import { type Loaded, loadAdminNetworkPolicy, warnSamePriority } from "./admin-network-policy.js";
import { loadCiliumPolicy } from "./cilium.js";
import type { ClusterLayerKind } from "./kinds.js";
import type { RawObject } from "./objects.js";

/** Loads one object of the policy kinds beyond NetworkPolicy; undefined when it has problems (in `diag`). */
export function loadClusterKind(obj: RawObject, kind: ClusterLayerKind, diag: Diagnostics): Loaded | undefined {
  switch (kind) {
    case "AdminNetworkPolicy":
    case "BaselineAdminNetworkPolicy":
      return loadAdminNetworkPolicy(obj, diag);
    case "CiliumNetworkPolicy":
    case "CiliumClusterwideNetworkPolicy":
      return loadCiliumPolicy(obj, diag);
  }
}

/** Checks across objects once everything is loaded (AdminNetworkPolicy priorities). */
export function finishClusterKinds(policies: readonly ClusterPolicy[], diag: Diagnostics): void {
  warnSamePriority(policies, diag);
}
