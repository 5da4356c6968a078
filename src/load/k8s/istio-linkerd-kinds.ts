import type { AuthorizationPolicy, MeshModel, PeerAuthentication } from "../../model/mesh.js";
import type { SourceRef } from "../../model/source-ref.js";
import type { Diagnostics } from "../diagnostics.js";
import {
  type IstioLoaded,
  loadAuthorizationPolicy,
  loadPeerAuthentication,
  loadRequestAuthentication,
} from "./istio-policies.js";
import { type LinkerdLoaded, loadGatewayLinkerdRoute, loadLinkerdObject } from "./linkerd-policies.js";
import type { Identity } from "./metadata.js";
import type { RawObject } from "./objects.js";

/** The mesh kinds, named apart where Istio and Linkerd share a kind name (AuthorizationPolicy, HTTPRoute). */
export type MeshKind =
  | "PeerAuthentication"
  | "RequestAuthentication"
  | "IstioAuthorizationPolicy"
  | "LinkerdServer"
  | "LinkerdHTTPRoute"
  | "LinkerdAuthorizationPolicy"
  | "MeshTLSAuthentication"
  | "NetworkAuthentication"
  | "ServerAuthorization";

const ISTIO: Record<string, MeshKind> = {
  PeerAuthentication: "PeerAuthentication",
  RequestAuthentication: "RequestAuthentication",
  AuthorizationPolicy: "IstioAuthorizationPolicy",
};
const LINKERD: Record<string, MeshKind> = {
  Server: "LinkerdServer",
  HTTPRoute: "LinkerdHTTPRoute",
  AuthorizationPolicy: "LinkerdAuthorizationPolicy",
  MeshTLSAuthentication: "MeshTLSAuthentication",
  NetworkAuthentication: "NetworkAuthentication",
  ServerAuthorization: "ServerAuthorization",
};

export const MESH_GROUPS: Record<MeshKind, readonly string[]> = {
  PeerAuthentication: ["security.istio.io"],
  RequestAuthentication: ["security.istio.io"],
  IstioAuthorizationPolicy: ["security.istio.io"],
  LinkerdServer: ["policy.linkerd.io"],
  LinkerdHTTPRoute: ["policy.linkerd.io"],
  LinkerdAuthorizationPolicy: ["policy.linkerd.io"],
  MeshTLSAuthentication: ["policy.linkerd.io"],
  NetworkAuthentication: ["policy.linkerd.io"],
  ServerAuthorization: ["policy.linkerd.io"],
};

/** The mesh kind of an object, told apart by its API group; undefined when it is not one. */
export function classifyMeshKind(kind: string, apiVersion: string | undefined): MeshKind | undefined {
  if (apiVersion === undefined) return undefined;
  const group = apiVersion.slice(0, Math.max(0, apiVersion.indexOf("/")));
  if (group === "security.istio.io") return ISTIO[kind];
  if (group === "policy.linkerd.io") return LINKERD[kind];
  return undefined;
}

/** Ward's internal names are not kinds of the input. */
export function isMeshInternalKind(kind: string): boolean {
  return Object.hasOwn(MESH_GROUPS, kind) && !Object.hasOwn(ISTIO, kind) && !Object.hasOwn(LINKERD, kind);
}

export type MeshItem =
  | { readonly mesh: "istio"; readonly item: IstioLoaded }
  | { readonly mesh: "linkerd"; readonly item: LinkerdLoaded };

/** Loads one mesh object; the identity's kind carries the mesh, so the two AuthorizationPolicy kinds never collide. */
export function loadMeshKind(
  obj: RawObject,
  kind: MeshKind,
  diag: Diagnostics,
): { identity: Identity; item: MeshItem } | undefined {
  let item: MeshItem | undefined;
  if (kind === "PeerAuthentication") item = wrapIstio(loadPeerAuthentication(obj, diag));
  else if (kind === "RequestAuthentication") item = wrapIstio(loadRequestAuthentication(obj, diag));
  else if (kind === "IstioAuthorizationPolicy") item = wrapIstio(loadAuthorizationPolicy(obj, diag));
  else {
    const l = loadLinkerdObject(obj, diag);
    item = l && { mesh: "linkerd", item: l };
  }
  if (item === undefined) return undefined;
  const id = item.item.identity;
  return { identity: { ...id, kind: `${id.kind}.${item.mesh}` }, item };
}

/** A gateway.networking.k8s.io HTTPRoute attached to a Linkerd Server, also read as a Linkerd inbound route. */
export function loadGatewayMeshRoute(
  obj: RawObject,
  diag: Diagnostics,
): { identity: Identity; item: MeshItem } | undefined {
  const l = loadGatewayLinkerdRoute(obj, diag);
  if (l === undefined) return undefined;
  // Its own key: the same object is also loaded as a cluster edge (kind HTTPRoute).
  return {
    identity: { ...l.identity, kind: `${l.identity.kind}.gateway.linkerd` },
    item: { mesh: "linkerd", item: l },
  };
}

function wrapIstio(l: IstioLoaded | undefined): MeshItem | undefined {
  return l && { mesh: "istio", item: l };
}

/** Everything loaded, in input order, as the mesh part of the Model. */
export function buildMesh(items: readonly MeshItem[], diag: Diagnostics): MeshModel {
  const peerAuthentications: PeerAuthentication[] = [];
  const authorizationPolicies: AuthorizationPolicy[] = [];
  const requestAuthentications: SourceRef[] = [];
  const l = {
    servers: [] as MeshModel["linkerd"]["servers"][number][],
    routes: [] as MeshModel["linkerd"]["routes"][number][],
    authorizationPolicies: [] as MeshModel["linkerd"]["authorizationPolicies"][number][],
    meshTLSAuthentications: [] as MeshModel["linkerd"]["meshTLSAuthentications"][number][],
    networkAuthentications: [] as MeshModel["linkerd"]["networkAuthentications"][number][],
    serverAuthorizations: [] as MeshModel["linkerd"]["serverAuthorizations"][number][],
  };
  for (const { mesh, item } of items) {
    if (mesh === "istio") {
      if (item.kind === "PeerAuthentication") peerAuthentications.push(item.value);
      else if (item.kind === "AuthorizationPolicy") authorizationPolicies.push(item.value);
      else requestAuthentications.push(item.identity.ref);
      continue;
    }
    switch (item.kind) {
      case "Server":
        l.servers.push(item.value);
        break;
      case "HTTPRoute":
        l.routes.push(item.value);
        break;
      case "AuthorizationPolicy":
        l.authorizationPolicies.push(item.value);
        break;
      case "MeshTLSAuthentication":
        l.meshTLSAuthentications.push(item.value);
        break;
      case "NetworkAuthentication":
        l.networkAuthentications.push(item.value);
        break;
      case "ServerAuthorization":
        l.serverAuthorizations.push(item.value);
        break;
    }
  }
  warnConflicts(peerAuthentications, diag);
  return { istio: { peerAuthentications, authorizationPolicies, requestAuthentications }, linkerd: l };
}

// PeerAuthentication: with several namespace-wide (or mesh-wide) policies, Istio uses the oldest. The input carries no
// creation times: Ward uses the first in input order, and says so.
function warnConflicts(pas: readonly PeerAuthentication[], diag: Diagnostics): void {
  const seen = new Map<string, PeerAuthentication>();
  for (const pa of pas) {
    if (pa.selector !== undefined) continue;
    const first = seen.get(pa.namespace);
    if (first === undefined) {
      seen.set(pa.namespace, pa);
      continue;
    }
    diag.warnings.push({
      code: "conflicting-peer-authentication",
      message: `PeerAuthentication ${pa.namespace}/${pa.name} is a second namespace-wide policy: Istio uses the oldest; Ward uses the first in the input (${first.name}, ${first.source.file}:${first.source.line})`,
      file: pa.source.file,
      line: pa.source.line,
    });
  }
}
