import { cidrContains, parseCidr } from "../../model/cidr.js";
import type { Pod } from "../../model/endpoint.js";
import { selectorMatches } from "../../model/labels.js";
import type { HttpRouteMatch, NetworkEntry } from "../../model/mesh.js";
import type { Model } from "../../model/model.js";
import type { LinkerdOptions } from "./linkerd-evaluate.js";

/** One client, fully known: its meshed identity (if any) and its single address. */
export type ReferenceClient = {
  readonly identity?: string;
  readonly ip: string;
};

/** One complete request: method and path set, every header a route may test given (absent = not sent). */
export type CompleteRequest = {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
};

/**
 * A deliberately plain reading of Linkerd's authorization-policy reference (linkerd.io/2/reference/authorization-policy)
 * for property tests: one client, one complete request; no explanations, no open attributes.
 * - No Server selects the pod's port: the default policy (pod annotation, else namespace annotation, else the cluster's).
 * - A Server selects it: the client needs an authorization (AuthorizationPolicy on the Server, its namespace or a
 *   matching route, or a ServerAuthorization); none at all → the Server's accessPolicy, deny when unset.
 * - With HTTPRoutes on an HTTP Server, exactly one route rule applies (highest precedence: path characters, then a
 *   method match, then header matches; ties by creationTimestamp, name, rule order); only its route's authorizations
 *   and the Server's count. A request matching no route is denied.
 * Overlapping Servers are an error; the reference answers "error".
 */
export function referenceLinkerd(
  model: Model,
  client: ReferenceClient,
  server: Pod,
  port: number,
  request: CompleteRequest,
  opts: LinkerdOptions,
): boolean | "error" {
  const mesh = model.mesh?.linkerd;
  const ip = parseCidr(client.ip);
  const within = (nets: readonly NetworkEntry[]) =>
    nets.some((n) => cidrContains(parseCidr(n.cidr), ip) && n.except.every((e) => !cidrContains(parseCidr(e), ip)));
  const inCluster = within(opts.clusterNetworks.map((cidr) => ({ cidr, except: [] })));
  const authenticated = client.identity !== undefined;
  const policyAllows = (policy: string): boolean => {
    if (policy === "all-unauthenticated" || policy === "audit") return true;
    if (policy === "all-authenticated") return authenticated;
    if (policy === "cluster-unauthenticated") return inCluster;
    if (policy === "cluster-authenticated") return authenticated && inCluster;
    return false;
  };
  const sa = (name: string, ns: string) => `${name}.${ns}.serviceaccount.identity.linkerd.${opts.trustDomain}`;
  const idMatches = (pattern: string) => {
    if (client.identity === undefined) return false;
    if (pattern === "*") return true;
    if (pattern.startsWith("*.")) return client.identity.endsWith(pattern.slice(1));
    return client.identity === pattern;
  };

  const servers = (mesh?.servers ?? []).filter((s) => {
    if (s.namespace !== server.namespace || !selectorMatches(s.podSelector, server.labels)) return false;
    if (typeof s.port === "number") return s.port === port;
    return server.ports.some((p) => p.name === s.port && p.port === port);
  });
  if (servers.length > 1) return "error";
  const s = servers[0];
  if (s === undefined) {
    const policy =
      server.annotations?.["config.linkerd.io/default-inbound-policy"] ??
      model.namespaces.get(server.namespace)?.annotations?.["config.linkerd.io/default-inbound-policy"] ??
      opts.linkerdDefaultPolicy;
    return policyAllows(policy);
  }

  // One AuthorizationPolicy: every required authentication must hold.
  const policyAuthorizes = (required: readonly { kind: string; name: string; namespace: string }[]): boolean =>
    required.every((r) => {
      if (r.kind === "ServiceAccount") return client.identity === sa(r.name, r.namespace);
      if (r.kind === "MeshTLSAuthentication") {
        const m = mesh?.meshTLSAuthentications.find((x) => x.name === r.name && x.namespace === r.namespace);
        if (m === undefined) return false;
        return (
          m.identities.some(idMatches) || m.serviceAccounts.some((x) => client.identity === sa(x.name, x.namespace))
        );
      }
      if (r.kind === "NetworkAuthentication") {
        const n = mesh?.networkAuthentications.find((x) => x.name === r.name && x.namespace === r.namespace);
        return n !== undefined && within(n.networks);
      }
      return false;
    });

  const onServer = (mesh?.authorizationPolicies ?? []).filter(
    (a) =>
      a.namespace === s.namespace &&
      ((a.target.kind === "Server" && a.target.name === s.name) ||
        (a.target.kind === "Namespace" && a.target.name === s.namespace)),
  );
  const legacy = (mesh?.serverAuthorizations ?? []).filter(
    (a) =>
      a.namespace === s.namespace &&
      (a.server.name === s.name || (a.server.selector !== undefined && selectorMatches(a.server.selector, s.labels))),
  );
  const legacyAuthorizes = (a: (typeof legacy)[number]): boolean => {
    if (a.client.networks !== undefined && !within(a.client.networks)) return false;
    if (a.client.unauthenticated) return true;
    const m = a.client.meshTLS;
    if (m === undefined || !authenticated) return false;
    return (
      m.unauthenticatedTLS ||
      m.identities.some(idMatches) ||
      m.serviceAccounts.some((x) => client.identity === sa(x.name, x.namespace))
    );
  };

  // A match's precedence when it matches: [path characters, method named (1/0), header matches]
  // (linkerd2-proxy http-route RequestMatch/PathMatch); no path counts as the prefix "/".
  const routeScore = (m: HttpRouteMatch): number[][] => {
    if (m.method !== undefined && m.method !== request.method) return [];
    let len = 1;
    if (m.path !== undefined) {
      const { type, value } = m.path;
      if (type === "Exact") {
        if (request.path !== value) return [];
        len = value.length;
      }
      if (type === "RegularExpression") {
        if (!new RegExp(`^(?:${value})$`).test(request.path)) return [];
        len = request.path.length;
      }
      if (type === "PathPrefix") {
        // Gateway API: a prefix matches whole path elements.
        const prefix = value.endsWith("/") ? value.slice(0, -1) : value;
        if (!(prefix === "" || request.path === prefix || request.path.startsWith(`${prefix}/`))) return [];
        len = Math.max(prefix.length, 1);
      }
    }
    for (const h of m.headers) {
      const v = request.headers[h.name];
      if (v === undefined) return [];
      if (h.type === "Exact" ? v !== h.value : !new RegExp(`^(?:${h.value})$`).test(v)) return [];
    }
    return [[len, m.method === undefined ? 0 : 1, m.headers.length]];
  };
  const greater = (a: number[], b: number[]): boolean => {
    for (let i = 0; i < a.length; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
    return false;
  };

  const routes = (mesh?.routes ?? []).filter((r) =>
    r.parents.some((p) => p.namespace === s.namespace && p.name === s.name),
  );
  const http = s.proxyProtocol !== "opaque" && s.proxyProtocol !== "TLS";
  if (http && routes.length > 0) {
    // Exactly one rule applies: the best-scoring one; ties go to the control plane's route order (creationTimestamp
    // present first, oldest first, then name), then rule order (linkerd2-proxy http-route `find`).
    const ordered = [...routes].sort((a, b) => {
      const ta = a.creationTimestamp === undefined ? Number.POSITIVE_INFINITY : Date.parse(a.creationTimestamp);
      const tb = b.creationTimestamp === undefined ? Number.POSITIVE_INFINITY : Date.parse(b.creationTimestamp);
      if (ta !== tb) return ta < tb ? -1 : 1;
      return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    });
    let best: { route: (typeof routes)[number]; score: number[] } | undefined;
    for (const r of ordered)
      for (const rule of r.rules) {
        const scores = rule.matches.length === 0 ? [[1, 0, 0]] : rule.matches.flatMap(routeScore);
        for (const score of scores) if (best === undefined || greater(score, best.score)) best = { route: r, score };
      }
    if (best === undefined) return false;
    const chosen = best.route;
    const onRoute = (mesh?.authorizationPolicies ?? []).filter(
      (a) => a.namespace === chosen.namespace && a.target.kind === "HTTPRoute" && a.target.name === chosen.name,
    );
    return [...onServer, ...onRoute].some((a) => policyAuthorizes(a.required)) || legacy.some(legacyAuthorizes);
  }
  if (onServer.length === 0 && legacy.length === 0) return policyAllows(s.accessPolicy ?? "deny");
  return onServer.some((a) => policyAuthorizes(a.required)) || legacy.some(legacyAuthorizes);
}
