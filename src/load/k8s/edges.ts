import { z } from "zod";
import type {
  BackendRef,
  EdgeObjects,
  GatewayListener,
  GatewayObject,
  HttpRouteObject,
  IngressObject,
  RouteParent,
} from "../../model/edges.js";
import type { Diagnostics, Site } from "../diagnostics.js";
import type { Path } from "../positions.js";
import type { Loaded } from "./admin-network-policy.js";
import { readIdentity } from "./metadata.js";
import type { RawObject } from "./objects.js";
import { parseObject } from "./parse-object.js";
import { parentRefShape } from "./schemas.js";
import { isValidPortName } from "./validate-common.js";

/*
 * The cluster's edges: networking.k8s.io/v1 Ingress (IngressSpec: ingressClassName, defaultBackend, rules[].http.paths
 * [].backend.service{name, port{number|name}}, tls) and Gateway API v1 Gateway (listeners) and HTTPRoute (parentRefs,
 * rules[].backendRefs). Schemas are loose: the audit loader reads the TLS side of the same objects.
 */

const serviceBackend = z.looseObject({
  name: z.string(),
  port: z.looseObject({ number: z.number().optional(), name: z.string().optional() }).optional(),
});
const ingressBackend = z.looseObject({ service: serviceBackend.optional(), resource: z.unknown().optional() });
const ingressSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string().optional(), namespace: z.string().optional() }).optional(),
  spec: z
    .looseObject({
      ingressClassName: z.string().optional(),
      defaultBackend: ingressBackend.optional(),
      rules: z
        .array(
          z.looseObject({
            host: z.string().optional(),
            http: z
              .looseObject({ paths: z.array(z.looseObject({ path: z.string().optional(), backend: ingressBackend })) })
              .optional(),
          }),
        )
        .optional(),
      tls: z.array(z.looseObject({ hosts: z.array(z.string()).optional() })).optional(),
    })
    .optional(),
});

const gatewaySchema = z.looseObject({
  metadata: z.looseObject({ name: z.string().optional(), namespace: z.string().optional() }).optional(),
  spec: z.looseObject({
    gatewayClassName: z.string(),
    listeners: z.array(
      z.looseObject({
        name: z.string(),
        port: z.number(),
        protocol: z.string(),
        hostname: z.string().optional(),
        allowedRoutes: z
          .looseObject({
            namespaces: z
              .looseObject({
                from: z.string().optional(),
                selector: z.looseObject({ matchLabels: z.record(z.string(), z.string()).optional() }).optional(),
              })
              .optional(),
          })
          .optional(),
      }),
    ),
  }),
});

const backendRef = z.looseObject({
  group: z.string().optional(),
  kind: z.string().optional(),
  name: z.string(),
  namespace: z.string().optional(),
  port: z.number().optional(),
});
const routeSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string().optional(), namespace: z.string().optional() }).optional(),
  spec: z
    .looseObject({
      parentRefs: z.array(z.looseObject(parentRefShape)).optional(),
      hostnames: z.array(z.string()).optional(),
      rules: z.array(z.looseObject({ backendRefs: z.array(backendRef).optional() })).optional(),
    })
    .optional(),
});

export type EdgeItem =
  | { readonly kind: "ingress"; readonly value: IngressObject }
  | { readonly kind: "gateway"; readonly value: GatewayObject }
  | { readonly kind: "route"; readonly value: HttpRouteObject };

/** The loaded edge objects, by kind, in input order. */
export function edgeObjects(items: readonly EdgeItem[]): EdgeObjects {
  const out = { ingresses: [] as IngressObject[], gateways: [] as GatewayObject[], routes: [] as HttpRouteObject[] };
  for (const item of items) {
    if (item.kind === "ingress") out.ingresses.push(item.value);
    else if (item.kind === "gateway") out.gateways.push(item.value);
    else out.routes.push(item.value);
  }
  return out;
}

const loadedEdges = new WeakMap<object, EdgeItem>();

/** The edge object a loaded Ingress, Gateway or HTTPRoute carries. */
export function edgeOf(loaded: Loaded): EdgeItem | undefined {
  return loadedEdges.get(loaded.policies);
}

function withEdge(loaded: Loaded, item: EdgeItem): Loaded {
  loadedEdges.set(loaded.policies, item);
  return loaded;
}

export function loadEdgeObject(obj: RawObject, diag: Diagnostics): Loaded | undefined {
  if (obj.kind === "Ingress") return loadIngress(obj, diag);
  if (obj.kind === "Gateway") return loadGateway(obj, diag);
  return loadRoute(obj, diag);
}

function ingressBackendRef(
  b: z.output<typeof ingressBackend>,
  namespace: string,
  path: Path,
  obj: RawObject,
  diag: Diagnostics,
  site: Site,
): BackendRef | undefined {
  if (b.service === undefined) {
    diag.warn("unsupported-backend", "a resource backend is not a Service: not followed", site, path);
    return undefined;
  }
  const port = b.service.port;
  // IngressServiceBackend.port: exactly one of number or name (networking/v1 validation).
  if (port === undefined || (port.number === undefined) === (port.name === undefined)) {
    diag.error("invalid-port", "service.port must set exactly one of number or name", site, [
      ...path,
      "service",
      "port",
    ]);
    return undefined;
  }
  if (port.name !== undefined && !isValidPortName(port.name)) {
    diag.error("invalid-port", `invalid port name "${port.name}"`, site, [...path, "service", "port", "name"]);
    return undefined;
  }
  return {
    namespace,
    service: b.service.name,
    port: port.number ?? (port.name as string),
    line: obj.locator.lineOf(path),
  };
}

function loadIngress(obj: RawObject, diag: Diagnostics): Loaded | undefined {
  const before = diag.errorCount;
  const site: Site = { file: obj.file, locator: obj.locator };
  const data = parseObject(ingressSchema, obj.value, diag, site);
  if (data === undefined) return undefined;
  const identity = readIdentity(obj, data.metadata, { clusterScoped: false, nameRule: "subdomain" }, diag);
  if (identity === undefined) return undefined;
  const ns = identity.namespace as string;
  const spec = data.spec ?? {};
  const routes: { host: string; path: string; backend: BackendRef }[] = [];
  spec.rules?.forEach((r, i) => {
    r.http?.paths.forEach((p, j) => {
      const at = ["spec", "rules", i, "http", "paths", j, "backend"];
      const backend = ingressBackendRef(p.backend, ns, at, obj, diag, site);
      if (backend) routes.push({ host: r.host ?? "*", path: p.path ?? "/", backend });
    });
  });
  const defaultBackend =
    spec.defaultBackend === undefined
      ? undefined
      : ingressBackendRef(spec.defaultBackend, ns, ["spec", "defaultBackend"], obj, diag, site);
  if (diag.errorCount > before) return undefined;
  const value: IngressObject = {
    source: identity.ref,
    ...(spec.ingressClassName === undefined ? {} : { className: spec.ingressClassName }),
    tlsHosts: (spec.tls ?? []).flatMap((t) => (t.hosts === undefined || t.hosts.length === 0 ? ["*"] : t.hosts)),
    routes,
    ...(defaultBackend === undefined ? {} : { defaultBackend }),
  };
  return withEdge({ identity, policies: [] }, { kind: "ingress", value });
}

function loadGateway(obj: RawObject, diag: Diagnostics): Loaded | undefined {
  const before = diag.errorCount;
  const site: Site = { file: obj.file, locator: obj.locator };
  const data = parseObject(gatewaySchema, obj.value, diag, site);
  if (data === undefined) return undefined;
  const identity = readIdentity(obj, data.metadata, { clusterScoped: false, nameRule: "subdomain" }, diag);
  if (identity === undefined) return undefined;
  const listeners: GatewayListener[] = data.spec.listeners.map((l, i) => {
    const at = ["spec", "listeners", i];
    if (!Number.isInteger(l.port) || l.port < 1 || l.port > 65535)
      diag.error("port-out-of-range", `listener port ${l.port} must be from 1 to 65535`, site, [...at, "port"]);
    const from = l.allowedRoutes?.namespaces?.from ?? "Same";
    if (!["Same", "All", "Selector"].includes(from))
      diag.error("invalid-field", `allowedRoutes.namespaces.from must be Same, All or Selector`, site, [
        ...at,
        "allowedRoutes",
        "namespaces",
        "from",
      ]);
    const routesFrom: GatewayListener["routesFrom"] =
      from === "Selector"
        ? { selector: l.allowedRoutes?.namespaces?.selector?.matchLabels ?? {} }
        : from === "All"
          ? "All"
          : "Same";
    return {
      name: l.name,
      port: l.port,
      protocol: l.protocol,
      ...(l.hostname === undefined ? {} : { hostname: l.hostname }),
      routesFrom,
      line: obj.locator.lineOf(at),
    };
  });
  if (diag.errorCount > before) return undefined;
  const value: GatewayObject = {
    source: identity.ref,
    namespace: identity.namespace as string,
    name: identity.name,
    className: data.spec.gatewayClassName,
    listeners,
  };
  return withEdge({ identity, policies: [] }, { kind: "gateway", value });
}

function loadRoute(obj: RawObject, diag: Diagnostics): Loaded | undefined {
  const before = diag.errorCount;
  const site: Site = { file: obj.file, locator: obj.locator };
  const data = parseObject(routeSchema, obj.value, diag, site);
  if (data === undefined) return undefined;
  const identity = readIdentity(obj, data.metadata, { clusterScoped: false, nameRule: "subdomain" }, diag);
  if (identity === undefined) return undefined;
  const ns = identity.namespace as string;
  const spec = data.spec ?? {};
  const parents: RouteParent[] = [];
  spec.parentRefs?.forEach((p) => {
    // ParentReference: group defaults to gateway.networking.k8s.io, kind to Gateway, namespace to the route's.
    if ((p.kind ?? "Gateway") !== "Gateway" || (p.group ?? "gateway.networking.k8s.io") !== "gateway.networking.k8s.io")
      return; // a Service parent (GAMMA, mesh routing) is not an edge of the cluster
    parents.push({
      namespace: p.namespace ?? ns,
      name: p.name,
      ...(p.sectionName === undefined ? {} : { sectionName: p.sectionName }),
      ...(p.port === undefined ? {} : { port: p.port }),
    });
  });
  const backends: BackendRef[] = [];
  spec.rules?.forEach((r, i) => {
    r.backendRefs?.forEach((b, j) => {
      const at = ["spec", "rules", i, "backendRefs", j];
      // BackendObjectReference: kind defaults to Service (core group); port is required for a Service.
      if ((b.kind ?? "Service") !== "Service" || (b.group ?? "") !== "") {
        diag.warn("unsupported-backend", `backendRef of kind ${b.kind} is not a Service: not followed`, site, at);
        return;
      }
      if (b.port === undefined) {
        diag.error("missing-field", "a Service backendRef needs a port", site, at);
        return;
      }
      if (b.namespace !== undefined && b.namespace !== ns)
        diag.warn(
          "cross-namespace-backend",
          `backendRef to namespace ${b.namespace} needs a ReferenceGrant there, which Ward does not check`,
          site,
          at,
        );
      backends.push({ namespace: b.namespace ?? ns, service: b.name, port: b.port, line: obj.locator.lineOf(at) });
    });
  });
  if (diag.errorCount > before) return undefined;
  const value: HttpRouteObject = {
    source: identity.ref,
    namespace: ns,
    parents,
    hostnames: spec.hostnames ?? [],
    backends,
  };
  return withEdge({ identity, policies: [] }, { kind: "route", value });
}
