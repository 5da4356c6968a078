import { z } from "zod";
import type {
  AuthenticationRef,
  HttpRouteMatch,
  LinkerdAuthorizationPolicy,
  LinkerdRoute,
  LinkerdServer,
  MeshTlsAuthentication,
  NetworkAuthentication,
  NetworkEntry,
  ServerAuthorization,
} from "../../model/mesh.js";
import type { Diagnostics, Site } from "../diagnostics.js";
import type { Path } from "../positions.js";
import { type Identity, readIdentity } from "./metadata.js";
import type { RawObject } from "./objects.js";
import { parseObject } from "./parse-object.js";
import { labelSelector, objectMeta, parentRefShape } from "./schemas.js";
import { checkSelector, toLabelSelector } from "./selectors.js";
import { checkPortName, checkPortNumber } from "./validate-common.js";
import { parseStrictCidr } from "./validate-network-policy.js";

/*
 * Linkerd policy.linkerd.io: Server, HTTPRoute, AuthorizationPolicy, MeshTLSAuthentication, NetworkAuthentication and
 * the deprecated ServerAuthorization (linkerd.io/2/reference/authorization-policy).
 */

const top = <T extends z.ZodType>(spec: T) =>
  z.strictObject({
    apiVersion: z.unknown().optional(),
    kind: z.unknown().optional(),
    metadata: objectMeta.optional(),
    spec,
    status: z.unknown().optional(),
  });

const network = z.strictObject({ cidr: z.string(), except: z.array(z.string()).optional() });

const serverSchema = top(
  z.strictObject({
    podSelector: labelSelector.optional(),
    externalWorkloadSelector: z.unknown().optional(),
    port: z.union([z.number(), z.string()]),
    proxyProtocol: z.string().optional(),
    accessPolicy: z.string().optional(),
  }),
);

const routeSchema = top(
  z.strictObject({
    parentRefs: z.array(z.strictObject(parentRefShape)).optional(),
    hostnames: z.array(z.string()).optional(),
    rules: z
      .array(
        z.strictObject({
          matches: z
            .array(
              z.strictObject({
                path: z.strictObject({ type: z.string().optional(), value: z.string().optional() }).optional(),
                headers: z
                  .array(z.strictObject({ type: z.string().optional(), name: z.string(), value: z.string() }))
                  .optional(),
                queryParams: z.unknown().optional(),
                method: z.string().optional(),
              }),
            )
            .optional(),
          filters: z.unknown().optional(),
          backendRefs: z.unknown().optional(),
          timeouts: z.unknown().optional(),
        }),
      )
      .optional(),
  }),
);

const ref = z.strictObject({
  group: z.string().optional(),
  kind: z.string(),
  name: z.string(),
  namespace: z.string().optional(),
});

const authorizationPolicySchema = top(
  z.strictObject({ targetRef: ref, requiredAuthenticationRefs: z.array(ref).optional() }),
);

const meshTlsSchema = top(
  z.strictObject({ identities: z.array(z.string()).optional(), identityRefs: z.array(ref).optional() }),
);

const networkAuthSchema = top(z.strictObject({ networks: z.array(network) }));

const serverAuthorizationSchema = top(
  z.strictObject({
    server: z.strictObject({ name: z.string().optional(), selector: labelSelector.optional() }),
    client: z.strictObject({
      networks: z.array(network).optional(),
      unauthenticated: z.boolean().optional(),
      meshTLS: z
        .strictObject({
          unauthenticatedTLS: z.boolean().optional(),
          identities: z.array(z.string()).optional(),
          serviceAccounts: z.array(z.strictObject({ name: z.string(), namespace: z.string().optional() })).optional(),
        })
        .optional(),
    }),
  }),
);

export type LinkerdLoaded =
  | { readonly kind: "Server"; readonly identity: Identity; readonly value: LinkerdServer }
  | { readonly kind: "HTTPRoute"; readonly identity: Identity; readonly value: LinkerdRoute }
  | { readonly kind: "AuthorizationPolicy"; readonly identity: Identity; readonly value: LinkerdAuthorizationPolicy }
  | { readonly kind: "MeshTLSAuthentication"; readonly identity: Identity; readonly value: MeshTlsAuthentication }
  | { readonly kind: "NetworkAuthentication"; readonly identity: Identity; readonly value: NetworkAuthentication }
  | { readonly kind: "ServerAuthorization"; readonly identity: Identity; readonly value: ServerAuthorization };

function begin<T extends z.ZodType>(schema: T, obj: RawObject, diag: Diagnostics) {
  const site: Site = { file: obj.file, locator: obj.locator };
  const data = parseObject(schema, obj.value, diag, site);
  if (data === undefined) return undefined;
  const meta = (data as { metadata?: z.output<typeof objectMeta> }).metadata;
  const identity = readIdentity(obj, meta, { clusterScoped: false, nameRule: "subdomain" }, diag);
  if (identity === undefined) return undefined;
  return { data, identity, site, ns: identity.namespace as string };
}

function networks(list: z.output<typeof network>[], diag: Diagnostics, site: Site, at: Path): NetworkEntry[] {
  return list.map((n, i) => {
    if (parseStrictCidr(n.cidr) === undefined)
      diag.error("invalid-cidr", `invalid CIDR "${n.cidr}"`, site, [...at, i, "cidr"]);
    (n.except ?? []).forEach((e, j) => {
      if (parseStrictCidr(e) === undefined)
        diag.error("invalid-cidr", `invalid CIDR "${e}"`, site, [...at, i, "except", j]);
    });
    return { cidr: n.cidr, except: n.except ?? [] };
  });
}

const PROXY_PROTOCOLS = ["unknown", "HTTP/1", "HTTP/2", "gRPC", "opaque", "TLS"];
export const DEFAULT_POLICIES = [
  "all-unauthenticated",
  "all-authenticated",
  "cluster-unauthenticated",
  "cluster-authenticated",
  "deny",
  "audit",
] as const;

function checkIdentity(value: string, diag: Diagnostics, site: Site, path: Path): void {
  // MeshTLSAuthentication identities: a full identity, "*", or "*." followed by a suffix.
  if (value === "*" || value.startsWith("*.")) {
    if (value.slice(1).includes("*"))
      diag.error("invalid-wildcard", `"${value}": "*" only as the first label`, site, path);
    return;
  }
  if (value.includes("*") || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(value))
    diag.error("malformed-identity", `malformed identity "${value}"`, site, path);
}

export function loadLinkerdObject(obj: RawObject, diag: Diagnostics): LinkerdLoaded | undefined {
  const before = diag.errorCount;
  const out = loadOne(obj, diag);
  return diag.errorCount > before ? undefined : out;
}

function loadOne(obj: RawObject, diag: Diagnostics): LinkerdLoaded | undefined {
  switch (obj.kind) {
    case "Server": {
      const r = begin(serverSchema, obj, diag);
      if (r === undefined) return undefined;
      const { data, identity, site, ns } = r;
      if (data.spec.podSelector) checkSelector(data.spec.podSelector, diag, site, ["spec", "podSelector"]);
      if (typeof data.spec.port === "number") checkPortNumber(data.spec.port, diag, site, ["spec", "port"]);
      else checkPortName(data.spec.port, diag, site, ["spec", "port"]);
      const pp = data.spec.proxyProtocol;
      if (pp !== undefined && !PROXY_PROTOCOLS.includes(pp))
        diag.error("invalid-value", `proxyProtocol "${pp}" must be one of ${PROXY_PROTOCOLS.join(", ")}`, site, [
          "spec",
          "proxyProtocol",
        ]);
      const ap = data.spec.accessPolicy;
      if (ap !== undefined && !(DEFAULT_POLICIES as readonly string[]).includes(ap))
        diag.error("invalid-value", `accessPolicy "${ap}" must be one of ${DEFAULT_POLICIES.join(", ")}`, site, [
          "spec",
          "accessPolicy",
        ]);
      const value: LinkerdServer = {
        namespace: ns,
        name: identity.name,
        labels: identity.labels,
        podSelector: toLabelSelector(data.spec.podSelector),
        port: data.spec.port,
        ...(pp === undefined ? {} : { proxyProtocol: pp }),
        ...(ap === undefined ? {} : { accessPolicy: ap }),
        source: identity.ref,
      };
      return { kind: "Server", identity, value };
    }
    case "HTTPRoute": {
      const r = begin(routeSchema, obj, diag);
      if (r === undefined) return undefined;
      return linkerdRoute(obj, r.data.spec, r.identity, r.site, r.ns, diag, false);
    }
    case "AuthorizationPolicy": {
      const r = begin(authorizationPolicySchema, obj, diag);
      if (r === undefined) return undefined;
      const { data, identity, site, ns } = r;
      const kind = data.spec.targetRef.kind;
      if (kind !== "Server" && kind !== "HTTPRoute" && kind !== "Namespace")
        diag.error("invalid-target", `targetRef kind "${kind}" must be Server, HTTPRoute or Namespace`, site, [
          "spec",
          "targetRef",
          "kind",
        ]);
      const required: AuthenticationRef[] = (data.spec.requiredAuthenticationRefs ?? []).map((a, i) => {
        if (!["MeshTLSAuthentication", "NetworkAuthentication", "ServiceAccount"].includes(a.kind))
          diag.error("invalid-target", `authentication kind "${a.kind}" is not supported`, site, [
            "spec",
            "requiredAuthenticationRefs",
            i,
            "kind",
          ]);
        return { kind: a.kind, name: a.name, namespace: a.namespace ?? ns };
      });
      const value: LinkerdAuthorizationPolicy = {
        namespace: ns,
        name: identity.name,
        target: { kind: kind as "Server" | "HTTPRoute" | "Namespace", name: data.spec.targetRef.name },
        required,
        source: identity.ref,
      };
      return { kind: "AuthorizationPolicy", identity, value };
    }
    case "MeshTLSAuthentication": {
      const r = begin(meshTlsSchema, obj, diag);
      if (r === undefined) return undefined;
      const { data, identity, site, ns } = r;
      (data.spec.identities ?? []).forEach((v, i) => {
        checkIdentity(v, diag, site, ["spec", "identities", i]);
      });
      const serviceAccounts = (data.spec.identityRefs ?? []).flatMap((ref, i) => {
        if (ref.kind !== "ServiceAccount") {
          diag.error("invalid-target", `identityRefs kind "${ref.kind}": only ServiceAccount is supported`, site, [
            "spec",
            "identityRefs",
            i,
          ]);
          return [];
        }
        return [{ name: ref.name, namespace: ref.namespace ?? ns }];
      });
      if ((data.spec.identities ?? []).length === 0 && serviceAccounts.length === 0)
        diag.error("missing-field", "identities or identityRefs must be set", site, ["spec"]);
      const value: MeshTlsAuthentication = {
        namespace: ns,
        name: identity.name,
        identities: data.spec.identities ?? [],
        serviceAccounts,
        source: identity.ref,
      };
      return { kind: "MeshTLSAuthentication", identity, value };
    }
    case "NetworkAuthentication": {
      const r = begin(networkAuthSchema, obj, diag);
      if (r === undefined) return undefined;
      const { data, identity, site, ns } = r;
      const value: NetworkAuthentication = {
        namespace: ns,
        name: identity.name,
        networks: networks(data.spec.networks, diag, site, ["spec", "networks"]),
        source: identity.ref,
      };
      return { kind: "NetworkAuthentication", identity, value };
    }
    case "ServerAuthorization": {
      const r = begin(serverAuthorizationSchema, obj, diag);
      if (r === undefined) return undefined;
      const { data, identity, site, ns } = r;
      const s = data.spec.server;
      if ((s.name === undefined) === (s.selector === undefined))
        diag.error("invalid-target", "server must set exactly one of name or selector", site, ["spec", "server"]);
      if (s.selector) checkSelector(s.selector, diag, site, ["spec", "server", "selector"]);
      const c = data.spec.client;
      const m = c.meshTLS;
      m?.identities?.forEach((v, i) => {
        checkIdentity(v, diag, site, ["spec", "client", "meshTLS", "identities", i]);
      });
      if (c.unauthenticated !== true && m === undefined)
        diag.error("missing-field", "client must set unauthenticated: true or meshTLS", site, ["spec", "client"]);
      const value: ServerAuthorization = {
        namespace: ns,
        name: identity.name,
        server: {
          ...(s.name === undefined ? {} : { name: s.name }),
          ...(s.selector === undefined ? {} : { selector: toLabelSelector(s.selector) }),
        },
        client: {
          unauthenticated: c.unauthenticated === true,
          ...(m === undefined
            ? {}
            : {
                meshTLS: {
                  unauthenticatedTLS: m.unauthenticatedTLS === true,
                  identities: m.identities ?? [],
                  serviceAccounts: (m.serviceAccounts ?? []).map((sa) => ({
                    name: sa.name,
                    namespace: sa.namespace ?? ns,
                  })),
                },
              }),
          ...(c.networks === undefined
            ? {}
            : { networks: networks(c.networks, diag, site, ["spec", "client", "networks"]) }),
        },
        source: identity.ref,
      };
      return { kind: "ServerAuthorization", identity, value };
    }
    default:
      return undefined;
  }
}

type RouteSpec = z.output<typeof routeSchema>["spec"];

/**
 * A route's Server parents and matches. policy.linkerd.io HTTPRoutes name Servers (kind Server); a
 * gateway.networking.k8s.io HTTPRoute attaches to a Server only through an explicit parentRef
 * {group: policy.linkerd.io, kind: Server} (Gateway API ParentReference: group defaults to gateway.networking.k8s.io,
 * kind to Gateway; linkerd.io/2/reference/httproute: "HTTPRoutes with a Server as their parent resource configure
 * policy for inbound traffic", both API groups accepted).
 */
function linkerdRoute(
  obj: RawObject,
  spec: RouteSpec,
  identity: Identity,
  site: Site,
  ns: string,
  diag: Diagnostics,
  gatewayGroup: boolean,
): LinkerdLoaded | undefined {
  const parents = (spec.parentRefs ?? [])
    .filter((p) =>
      gatewayGroup
        ? p.kind === "Server" && p.group === "policy.linkerd.io"
        : (p.kind ?? "Server") === "Server" && (p.group ?? "policy.linkerd.io") === "policy.linkerd.io",
    )
    .map((p) => ({ namespace: p.namespace ?? ns, name: p.name }));
  if (gatewayGroup && parents.length === 0) return undefined;
  const rules = (spec.rules ?? []).map((rule, i) => ({
    line: obj.locator.lineOf(["spec", "rules", i]),
    matches: (rule.matches ?? []).map((m, j): HttpRouteMatch => {
      const at: Path = ["spec", "rules", i, "matches", j];
      const type = m.path?.type ?? "PathPrefix";
      if (!["Exact", "PathPrefix", "RegularExpression"].includes(type))
        diag.error("invalid-value", `path type "${type}"`, site, [...at, "path", "type"]);
      return {
        ...(m.path === undefined
          ? {}
          : { path: { type: type as "Exact" | "PathPrefix" | "RegularExpression", value: m.path.value ?? "/" } }),
        ...(m.method === undefined ? {} : { method: m.method }),
        headers: (m.headers ?? []).map((h) => ({
          type: (h.type ?? "Exact") as "Exact" | "RegularExpression",
          name: h.name.toLowerCase(),
          value: h.value,
        })),
      };
    }),
  }));
  // Exported manifests (kubectl get -o yaml) carry it; it breaks route precedence ties (linkerd-evaluate.ts).
  const ts = (obj.value as { metadata?: { creationTimestamp?: unknown } } | undefined)?.metadata?.creationTimestamp;
  return {
    kind: "HTTPRoute",
    identity,
    value: {
      namespace: ns,
      name: identity.name,
      parents,
      rules,
      ...(typeof ts === "string" && !Number.isNaN(Date.parse(ts)) ? { creationTimestamp: ts } : {}),
      source: identity.ref,
    },
  };
}

// The Gateway API HTTPRoute carries fields Ward does not read (filters, timeouts, sessionPersistence…): its edge loader
// reports unknown fields, so this reading is lenient and only takes parentRefs and matches.
const gatewayRouteSchema = z.looseObject({
  metadata: objectMeta.optional(),
  spec: z
    .looseObject({
      parentRefs: z
        .array(
          z.looseObject({
            group: z.string().optional(),
            kind: z.string().optional(),
            name: z.string(),
            namespace: z.string().optional(),
          }),
        )
        .optional(),
      rules: z
        .array(
          z.looseObject({
            matches: z
              .array(
                z.looseObject({
                  path: z.looseObject({ type: z.string().optional(), value: z.string().optional() }).optional(),
                  headers: z
                    .array(z.looseObject({ type: z.string().optional(), name: z.string(), value: z.string() }))
                    .optional(),
                  method: z.string().optional(),
                }),
              )
              .optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

/** A gateway.networking.k8s.io HTTPRoute whose parentRefs name a Linkerd Server, as a Linkerd route; else undefined. */
export function loadGatewayLinkerdRoute(obj: RawObject, diag: Diagnostics): LinkerdLoaded | undefined {
  const refs = (obj.value as { spec?: { parentRefs?: unknown } } | undefined)?.spec?.parentRefs;
  if (!Array.isArray(refs) || !refs.some((p) => (p as { group?: unknown })?.group === "policy.linkerd.io"))
    return undefined;
  const before = diag.errorCount;
  const r = begin(gatewayRouteSchema, obj, diag);
  if (r === undefined) return undefined;
  const out = linkerdRoute(obj, (r.data.spec ?? {}) as RouteSpec, r.identity, r.site, r.ns, diag, true);
  return diag.errorCount > before ? undefined : out;
}
