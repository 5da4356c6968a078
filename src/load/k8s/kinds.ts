import { classifyMeshKind, isMeshInternalKind, MESH_GROUPS, type MeshKind } from "./istio-linkerd-kinds.js";

/** The kinds Ward evaluates; every other object goes to Model.ignored. */
export type EvaluatedKind =
  | "Namespace"
  | "Pod"
  | "Deployment"
  | "StatefulSet"
  | "DaemonSet"
  | "ReplicaSet"
  | "ReplicationController"
  | "Job"
  | "CronJob"
  | "Service"
  | "ServiceAccount"
  | "NetworkPolicy"
  | ClusterLayerKind
  | MeshKind;

/** Policy and edge kinds beyond the core ones (loaded by cluster-kinds.ts). */
export type ClusterLayerKind =
  | "AdminNetworkPolicy"
  | "BaselineAdminNetworkPolicy"
  | "ClusterNetworkPolicy"
  | "CiliumNetworkPolicy"
  | "CiliumClusterwideNetworkPolicy"
  | "CalicoNetworkPolicy"
  | "GlobalNetworkPolicy"
  | "Tier"
  | "NetworkSet"
  | "GlobalNetworkSet"
  | "Node"
  | "Ingress"
  | "Gateway"
  | "HTTPRoute";

export type ControllerKind =
  | "Deployment"
  | "StatefulSet"
  | "DaemonSet"
  | "ReplicaSet"
  | "ReplicationController"
  | "Job"
  | "CronJob";

// Calico's API server serves projectcalico.org/v3; the same objects are stored as crd.projectcalico.org/v1 CRDs.
const CALICO_GROUPS = ["projectcalico.org", "crd.projectcalico.org"];

// The API groups each kind is served from (current and older versions of the same shape). A kind with the same name
// from another group (a Knative "Service", a CRD) is something else, and ignored.
const GROUPS: Record<EvaluatedKind, readonly string[]> = {
  Namespace: [""],
  Pod: [""],
  Service: [""],
  ServiceAccount: [""],
  ReplicationController: [""],
  Deployment: ["apps", "extensions"],
  DaemonSet: ["apps", "extensions"],
  ReplicaSet: ["apps", "extensions"],
  StatefulSet: ["apps"],
  Job: ["batch"],
  CronJob: ["batch"],
  NetworkPolicy: ["networking.k8s.io"],
  AdminNetworkPolicy: ["policy.networking.k8s.io"],
  BaselineAdminNetworkPolicy: ["policy.networking.k8s.io"],
  ClusterNetworkPolicy: ["policy.networking.k8s.io"],
  CiliumNetworkPolicy: ["cilium.io"],
  CiliumClusterwideNetworkPolicy: ["cilium.io"],
  CalicoNetworkPolicy: CALICO_GROUPS,
  GlobalNetworkPolicy: CALICO_GROUPS,
  Tier: CALICO_GROUPS,
  NetworkSet: CALICO_GROUPS,
  GlobalNetworkSet: CALICO_GROUPS,
  Node: [""],
  Ingress: ["networking.k8s.io"],
  Gateway: ["gateway.networking.k8s.io"],
  HTTPRoute: ["gateway.networking.k8s.io"],
  ...MESH_GROUPS,
};

function isEvaluatedKind(kind: string): kind is EvaluatedKind {
  return Object.hasOwn(GROUPS, kind);
}

export function isControllerKind(kind: string): kind is ControllerKind {
  return (
    kind === "Deployment" ||
    kind === "StatefulSet" ||
    kind === "DaemonSet" ||
    kind === "ReplicaSet" ||
    kind === "ReplicationController" ||
    kind === "Job" ||
    kind === "CronJob"
  );
}

/** The evaluated kind of an object, or undefined when Ward ignores it. A missing apiVersion is accepted. */
export function classify(kind: string, apiVersion: string | undefined): EvaluatedKind | undefined {
  // Istio and Linkerd kinds (some share a name: AuthorizationPolicy, HTTPRoute) are told apart by their group.
  const mesh = classifyMeshKind(kind, apiVersion);
  if (mesh !== undefined) return mesh;
  if (isMeshInternalKind(kind)) return undefined;
  // Calico's namespaced policy is also kind NetworkPolicy: told apart by its group.
  const apiGroup = apiVersion?.split("/")[0] ?? "";
  if (kind === "NetworkPolicy" && CALICO_GROUPS.includes(apiGroup)) return "CalicoNetworkPolicy";
  if (kind === "CalicoNetworkPolicy" || !isEvaluatedKind(kind)) return undefined;
  if (apiVersion === undefined) return kind;
  // Only networking.k8s.io/v1 NetworkPolicy is evaluated (extensions/v1beta1 had other semantics).
  if (kind === "NetworkPolicy") return apiVersion === "networking.k8s.io/v1" ? kind : undefined;
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  return GROUPS[kind].includes(group) ? kind : undefined;
}

/** Kinds without a namespace. */
export function isClusterScoped(kind: EvaluatedKind): boolean {
  return kind === "Namespace";
}
