import { InputError } from "../errors/input-error.js";
import type { Namespace } from "../model/endpoint.js";
import type { Model, Service } from "../model/model.js";
import type { ClusterPolicy } from "../model/policy.js";
import type { SourceRef } from "../model/source-ref.js";
import { Diagnostics } from "./diagnostics.js";
import { AuditKinds, objectKey } from "./k8s/audit-kinds.js";
import type { CalicoTier, ServiceAccountInfo } from "./k8s/calico.js";
import type { CalicoNetworkSet } from "./k8s/calico-network-sets.js";
import {
  finishClusterKinds,
  loadClusterKind,
  loadedEdge,
  loadedNetworkSet,
  loadedNode,
  loadedTier,
  resolveClusterKinds,
} from "./k8s/cluster-kinds.js";
import { type EdgeItem, edgeObjects } from "./k8s/edges.js";
import {
  buildMesh,
  loadGatewayMeshRoute,
  loadMeshKind,
  MESH_GROUPS,
  type MeshItem,
} from "./k8s/istio-linkerd-kinds.js";
import { classify, isControllerKind } from "./k8s/kinds.js";
import { type ApiObjectRef, apiObjectRef, isMeshApiGroup } from "./k8s/mesh-api-objects.js";
import type { Identity } from "./k8s/metadata.js";
import { buildNamespaces, loadNamespace, type NamespaceReference } from "./k8s/namespaces.js";
import { type NodeInfo, warnNodeEntities } from "./k8s/nodes.js";
import { collectObjects, type RawObject, stripNulls } from "./k8s/objects.js";
import { loadNetworkPolicy } from "./k8s/policies.js";
import { loadService, loadServiceAccount } from "./k8s/services.js";
import { buildWorkloads, type ControllerObject, loadController, loadPod, type PodObject } from "./k8s/workloads.js";
import type { InputText } from "./read-inputs.js";
import { parseDocuments } from "./yaml-documents.js";

type Loaded =
  | { readonly type: "namespace"; readonly identity: Identity }
  | { readonly type: "pod"; readonly identity: Identity; readonly pod: PodObject }
  | { readonly type: "controller"; readonly identity: Identity; readonly controller: ControllerObject }
  | { readonly type: "service"; readonly identity: Identity; readonly service: Service }
  | { readonly type: "serviceAccount"; readonly identity: Identity }
  | { readonly type: "policy"; readonly identity: Identity; readonly policy: ClusterPolicy }
  | { readonly type: "policies"; readonly identity: Identity; readonly policies: readonly ClusterPolicy[] }
  | { readonly type: "mesh"; readonly identity: Identity; readonly item: MeshItem };

/**
 * Input texts → the normalized Model. Every problem in every file is collected; if there is any, one InputError
 * carrying all of them is thrown. Warnings (unknown fields, duplicates, undefined namespaces, …) go to Model.warnings.
 */
export function buildModel(inputs: InputText[]): Model {
  const diag = new Diagnostics();
  const ignored: SourceRef[] = [];
  const meshApiObjects: ApiObjectRef[] = [];
  // Keyed by kind/namespace/name: a later definition replaces an earlier one, as with kubectl apply.
  const loaded = new Map<string, Loaded>();
  const auditKinds = new AuditKinds();
  for (const input of inputs) {
    const parsed = parseDocuments(input);
    diag.problems.push(...parsed.problems);
    for (const doc of parsed.documents) {
      for (const obj of collectObjects(doc, diag)) {
        const taken = auditKinds.take(obj, diag);
        if (isMeshApiGroup(obj.apiVersion)) meshApiObjects.push(apiObjectRef({ ...obj, apiVersion: obj.apiVersion }));
        const kind = classify(obj.kind, obj.apiVersion);
        if (kind === undefined) {
          if (!taken) ignored.push(ignoredRef(obj));
          continue;
        }
        stripNulls(obj.value);
        const item = load(obj, kind, diag);
        if (item !== undefined) register(loaded, item, diag);
        const meshRoute = kind === "HTTPRoute" ? loadGatewayMeshRoute(obj, diag) : undefined;
        if (meshRoute !== undefined) register(loaded, { type: "mesh", ...meshRoute }, diag);
      }
    }
  }
  if (diag.problems.length > 0) throw new InputError(diag.problems);

  const namespaces: Identity[] = [];
  const pods: PodObject[] = [];
  const controllers: ControllerObject[] = [];
  const services: Service[] = [];
  const serviceAccounts: SourceRef[] = [];
  const policies: ClusterPolicy[] = [];
  const references: NamespaceReference[] = [];
  const meshItems: MeshItem[] = [];
  const tiers: CalicoTier[] = [];
  const networkSets: CalicoNetworkSet[] = [];
  const nodes: NodeInfo[] = [];
  const accounts: ServiceAccountInfo[] = [];
  const edges: EdgeItem[] = [];
  for (const item of loaded.values()) {
    const id = item.identity;
    if (Object.keys(id.annotations).length > 0) auditKinds.annotations.set(objectKey(id.ref), id.annotations);
    if (id.namespace !== undefined) {
      references.push({ namespace: id.namespace, what: `${id.kind} ${id.namespace}/${id.name}`, site: id.site });
    }
    switch (item.type) {
      case "namespace":
        namespaces.push(id);
        break;
      case "pod":
        pods.push(item.pod);
        break;
      case "controller":
        controllers.push(item.controller);
        break;
      case "service":
        services.push(item.service);
        break;
      case "serviceAccount":
        serviceAccounts.push(id.ref);
        accounts.push({ namespace: id.namespace ?? "", name: id.name, labels: id.labels });
        break;
      case "policy":
        policies.push(item.policy);
        break;
      case "policies": {
        policies.push(...item.policies);
        const tier = loadedTier(item);
        if (tier !== undefined) tiers.push(tier);
        const networkSet = loadedNetworkSet(item);
        if (networkSet !== undefined) networkSets.push(networkSet);
        const node = loadedNode(item);
        if (node !== undefined) nodes.push(node);
        const edge = loadedEdge(item);
        if (edge !== undefined) edges.push(edge);
        break;
      }
      case "mesh":
        meshItems.push(item.item);
        break;
    }
  }
  finishClusterKinds(policies, diag);
  const namespaceMap: Map<string, Namespace> = buildNamespaces(namespaces, references, diag);
  const workloads = buildWorkloads(pods, controllers, diag);
  // Pods' service accounts without a ServiceAccount object have no labels.
  const known = new Set(accounts.map((a) => `${a.namespace}/${a.name}`));
  for (const pod of workloads.pods)
    if (!known.has(`${pod.namespace}/${pod.serviceAccount}`)) {
      known.add(`${pod.namespace}/${pod.serviceAccount}`);
      accounts.push({ namespace: pod.namespace, name: pod.serviceAccount, labels: {} });
    }
  const resolved = resolveClusterKinds(policies, tiers, accounts, diag, {
    networkSets,
    namespaces: namespaceMap,
    nodes,
  });
  warnNodeEntities(resolved, nodes, diag);
  if (diag.problems.length > 0) throw new InputError(diag.problems);
  return {
    namespaces: namespaceMap,
    pods: workloads.pods,
    workloads: workloads.workloads,
    policies: resolved,
    services,
    serviceAccounts,
    ignored,
    ...(meshApiObjects.length > 0 ? { meshApiObjects } : {}),
    warnings: diag.warnings,
    admission: auditKinds.admission,
    tls: auditKinds.tls(),
    annotations: auditKinds.annotations,
    ...(meshItems.length > 0 ? { mesh: buildMesh(meshItems, diag) } : {}),
    ...(edges.length > 0 ? { edges: edgeObjects(edges) } : {}),
    ...(nodes.length > 0
      ? { nodes: nodes.map((n) => ({ name: n.name, addresses: n.addresses.map((a) => a.cidr) })) }
      : {}),
  };
}

function register(loaded: Map<string, Loaded>, item: Loaded, diag: Diagnostics): void {
  const id = item.identity;
  const key = `${id.kind}/${id.namespace ?? ""}/${id.name}`;
  const previous = loaded.get(key);
  if (previous !== undefined) {
    const where = `${previous.identity.ref.file}:${previous.identity.ref.line}`;
    diag.warn(
      "duplicate-object",
      `${id.kind} ${id.namespace === undefined ? "" : `${id.namespace}/`}${id.name} is defined again: this definition replaces the one at ${where}`,
      id.site,
    );
    loaded.delete(key);
  }
  loaded.set(key, item);
}

function load(obj: RawObject, kind: NonNullable<ReturnType<typeof classify>>, diag: Diagnostics): Loaded | undefined {
  if (isControllerKind(kind)) {
    const controller = loadController(obj, kind, diag);
    return controller && { type: "controller", identity: controller.identity, controller };
  }
  switch (kind) {
    case "Namespace": {
      const identity = loadNamespace(obj, diag);
      return identity && { type: "namespace", identity };
    }
    case "Pod": {
      const pod = loadPod(obj, diag);
      return pod && { type: "pod", identity: pod.identity, pod };
    }
    case "Service": {
      const r = loadService(obj, diag);
      return r && { type: "service", identity: r.identity, service: r.service };
    }
    case "ServiceAccount": {
      const r = loadServiceAccount(obj, diag);
      return r && { type: "serviceAccount", identity: r.identity };
    }
    case "NetworkPolicy": {
      const before = diag.errorCount;
      const policy = loadNetworkPolicy(obj, diag);
      if (policy === undefined || diag.errorCount > before) return undefined;
      const identity: Identity = {
        kind: "NetworkPolicy",
        name: policy.name,
        namespace: policy.namespace,
        labels: {},
        annotations: {},
        controller: undefined,
        ref: policy.source,
        site: { file: obj.file, locator: obj.locator },
      };
      return { type: "policy", identity, policy };
    }
    default: {
      if (Object.hasOwn(MESH_GROUPS, kind)) {
        const m = loadMeshKind(obj, kind as keyof typeof MESH_GROUPS, diag);
        return m && { type: "mesh", identity: m.identity, item: m.item };
      }
      const r = loadClusterKind(obj, kind as Exclude<typeof kind, keyof typeof MESH_GROUPS>, diag);
      return r && { type: "policies", identity: r.identity, policies: r.policies };
    }
  }
}

/** An object Ward does not evaluate, kept as a reference; its name and namespace as far as they can be read. */
function ignoredRef(obj: RawObject): SourceRef {
  const meta = obj.value.metadata as { name?: unknown; namespace?: unknown } | null | undefined;
  const name = typeof meta?.name === "string" && meta.name !== "" ? meta.name : "<unnamed>";
  const namespace = typeof meta?.namespace === "string" && meta.namespace !== "" ? meta.namespace : undefined;
  return namespace === undefined
    ? { kind: obj.kind, name, file: obj.file, line: obj.line }
    : { kind: obj.kind, name, namespace, file: obj.file, line: obj.line };
}
