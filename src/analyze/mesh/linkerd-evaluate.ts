import { InputError } from "../../errors/input-error.js";
import { type Cidr, cidrContains, parseCidr } from "../../model/cidr.js";
import type { Pod } from "../../model/endpoint.js";
import { selectorMatches } from "../../model/labels.js";
import type { LinkerdMesh, NetworkEntry } from "../../model/mesh.js";
import { EMPTY_MESH } from "../../model/mesh.js";
import type { Model } from "../../model/model.js";
import type { SourceRef } from "../../model/source-ref.js";
import { formatRequest } from "../request.js";
import { type Decision, decision } from "../verdict.js";
import { linkerdInjection } from "./injection.js";
import { completions, describeScore, selectRoute } from "./linkerd-route-select.js";
import type { MeshLayerResult, MeshQuery } from "./mesh-layer.js";

export type LinkerdOptions = {
  /** Linkerd's identity trust domain (default cluster.local). */
  readonly trustDomain: string;
  /** clusterNetworks (linkerd install default). */
  readonly clusterNetworks: readonly string[];
  /** proxy.defaultInboundPolicy (linkerd install default all-unauthenticated). */
  readonly linkerdDefaultPolicy: string;
};

// Linkerd's default clusterNetworks value (linkerd.io/2/reference/cluster-configuration and `linkerd install` values).
export const LINKERD_CLUSTER_NETWORKS = ["10.0.0.0/8", "100.64.0.0/10", "172.16.0.0/12", "192.168.0.0/16", "fd00::/8"];

export const DEFAULT_LINKERD_OPTIONS: LinkerdOptions = {
  trustDomain: "cluster.local",
  clusterNetworks: LINKERD_CLUSTER_NETWORKS,
  linkerdDefaultPolicy: "all-unauthenticated",
};

type Client = { readonly identity?: string; readonly ip?: Cidr; readonly inCluster: boolean; readonly name: string };

function identityMatches(pattern: string, id: string | undefined): boolean {
  if (id === undefined) return false;
  // MeshTLSAuthentication identities: "*" is any authenticated client, "*.<suffix>" a suffix match.
  if (pattern === "*") return true;
  if (pattern.startsWith("*.")) return id.endsWith(pattern.slice(1));
  return id === pattern;
}

function inNetworks(ip: Cidr | undefined, networks: readonly NetworkEntry[], fallback: boolean): boolean {
  if (ip === undefined) return fallback;
  return networks.some(
    (n) => cidrContains(parseCidr(n.cidr), ip) && !n.except.some((e) => cidrContains(parseCidr(e), ip)),
  );
}

/** A default policy (all-unauthenticated, all-authenticated, cluster-unauthenticated, cluster-authenticated, deny, audit). */
function defaultAllows(policy: string, c: Client): { ok: boolean; why: string } {
  const tls = c.identity !== undefined;
  switch (policy) {
    case "all-unauthenticated":
    case "audit":
      return { ok: true, why: `${policy} allows every client` };
    case "all-authenticated":
      return { ok: tls, why: tls ? "the client is meshed (mTLS)" : "all-authenticated needs a meshed (mTLS) client" };
    case "cluster-unauthenticated":
      return {
        ok: c.inCluster,
        why: c.inCluster ? "the client is in the cluster networks" : "the client is outside the cluster networks",
      };
    case "cluster-authenticated":
      return {
        ok: tls && c.inCluster,
        why:
          tls && c.inCluster
            ? "the client is meshed and in the cluster networks"
            : "cluster-authenticated needs a meshed client in the cluster networks",
      };
    default:
      return { ok: false, why: "deny allows no client" };
  }
}

export function evaluateLinkerd(
  model: Model,
  q: MeshQuery,
  server: Pod,
  injectedWhy: string,
  opts: LinkerdOptions,
): MeshLayerResult {
  const mesh: LinkerdMesh = (model.mesh ?? EMPTY_MESH).linkerd;
  const from = q.from;
  const ip = from.kind === "pod" ? from.ips[0] : from.kind === "external" ? from.range : undefined;
  const meshed =
    from.kind === "pod" &&
    q.plaintext !== true &&
    linkerdInjection(from.pod, model.namespaces.get(from.pod.namespace)).injected;
  const client: Client = {
    name:
      from.kind === "pod"
        ? `${from.pod.namespace}/${from.pod.name}`
        : from.kind === "external"
          ? from.range.text
          : from.name,
    ...(meshed && from.kind === "pod"
      ? {
          identity: `${from.pod.serviceAccount}.${from.pod.namespace}.serviceaccount.identity.linkerd.${opts.trustDomain}`,
        }
      : {}),
    ...(ip === undefined ? {} : { ip }),
    // A pod without a known address is still in the cluster.
    inCluster: inNetworks(
      ip,
      opts.clusterNetworks.map((cidr) => ({ cidr, except: [] })),
      from.kind === "pod",
    ),
  };
  const reasons: Decision[] = [
    decision(
      `server ${server.namespace}/${server.name} is meshed by Linkerd (${injectedWhy}); client ${client.identity ? `identity ${client.identity} (mTLS)` : "unauthenticated (no Linkerd proxy)"}`,
    ),
  ];
  const done = (ok: boolean, why: string, ref?: SourceRef): MeshLayerResult => {
    reasons.push(decision(`${ok ? "allowed" : "denied"}: ${why}`, ref));
    return { layer: "mesh", allowed: ok, decidedBy: reasons };
  };
  const servers = mesh.servers.filter(
    (s) =>
      s.namespace === server.namespace &&
      selectorMatches(s.podSelector, server.labels) &&
      (typeof s.port === "number"
        ? s.port === q.port
        : server.ports.some((p) => p.name === s.port && p.port === q.port)),
  );
  if (servers.length === 0) {
    // Default inbound policy: pod annotation > namespace annotation > cluster default.
    const podP = server.annotations?.["config.linkerd.io/default-inbound-policy"];
    const nsP = model.namespaces.get(server.namespace)?.annotations?.["config.linkerd.io/default-inbound-policy"];
    const policy = podP ?? nsP ?? opts.linkerdDefaultPolicy;
    const where = podP ? "pod annotation" : nsP ? `namespace ${server.namespace} annotation` : "cluster default";
    const d = defaultAllows(policy, client);
    return done(d.ok, `no Server selects port ${q.port}: default policy ${policy} (${where}): ${d.why}`);
  }
  // linkerd.io/2/reference/authorization-policy: "multiple Server instances may not overlap: they may not select the
  // same pod/port pairs" (an admission controller rejects the overlapping one). Which one a cluster holds depends on
  // creation order, which the input does not carry: Ward refuses to guess.
  if (servers.length > 1)
    throw new InputError(
      servers.map((x) => ({
        code: "overlapping-servers",
        message: `Server ${x.namespace}/${x.name} and ${servers.length - 1} other Server(s) (${servers
          .filter((y) => y !== x)
          .map((y) => `${y.name} at ${y.source.file}:${y.source.line}`)
          .join(
            ", ",
          )}) select port ${q.port} of pod ${server.namespace}/${server.name}: Linkerd forbids overlapping Servers`,
        file: x.source.file,
        line: x.source.line,
      })),
    );
  const s = servers[0] as (typeof servers)[number];
  reasons.push(decision(`Server ${s.name} selects port ${q.port}`, s.source));
  const authOk = (
    policyRefs: readonly { kind: string; name: string; namespace: string }[],
  ): { ok: boolean; why: string } => {
    for (const ref of policyRefs) {
      if (ref.kind === "MeshTLSAuthentication") {
        const m = mesh.meshTLSAuthentications.find((x) => x.namespace === ref.namespace && x.name === ref.name);
        if (m === undefined)
          return { ok: false, why: `MeshTLSAuthentication ${ref.namespace}/${ref.name} does not exist` };
        const ok =
          m.identities.some((p) => identityMatches(p, client.identity)) ||
          m.serviceAccounts.some(
            (sa) =>
              client.identity === `${sa.name}.${sa.namespace}.serviceaccount.identity.linkerd.${opts.trustDomain}`,
          );
        if (!ok)
          return {
            ok: false,
            why: `client identity ${client.identity ?? "(none)"} is not in MeshTLSAuthentication ${m.name}`,
          };
      } else if (ref.kind === "NetworkAuthentication") {
        const n = mesh.networkAuthentications.find((x) => x.namespace === ref.namespace && x.name === ref.name);
        if (n === undefined)
          return { ok: false, why: `NetworkAuthentication ${ref.namespace}/${ref.name} does not exist` };
        if (!inNetworks(client.ip, n.networks, false))
          return {
            ok: false,
            why: `client address ${client.ip?.text ?? "(unknown)"} is not in NetworkAuthentication ${n.name}`,
          };
      } else if (ref.kind === "ServiceAccount") {
        if (client.identity !== `${ref.name}.${ref.namespace}.serviceaccount.identity.linkerd.${opts.trustDomain}`)
          return { ok: false, why: `client is not ServiceAccount ${ref.namespace}/${ref.name}` };
      }
    }
    return { ok: true, why: "every required authentication is satisfied" };
  };
  const saOk = (sa: (typeof mesh.serverAuthorizations)[number]): boolean => {
    const c = sa.client;
    if (c.networks !== undefined && !inNetworks(client.ip, c.networks, false)) return false;
    if (c.unauthenticated) return true;
    const m = c.meshTLS;
    if (m === undefined || client.identity === undefined) return false;
    if (m.unauthenticatedTLS) return true;
    return (
      m.identities.some((p) => identityMatches(p, client.identity)) ||
      m.serviceAccounts.some(
        (x) => client.identity === `${x.name}.${x.namespace}.serviceaccount.identity.linkerd.${opts.trustDomain}`,
      )
    );
  };
  const serverAuths = mesh.authorizationPolicies.filter(
    (a) =>
      a.namespace === s.namespace &&
      ((a.target.kind === "Server" && a.target.name === s.name) ||
        (a.target.kind === "Namespace" && a.target.name === s.namespace)),
  );
  const legacy = mesh.serverAuthorizations.filter(
    (a) =>
      a.namespace === s.namespace &&
      (a.server.name === s.name || (a.server.selector !== undefined && selectorMatches(a.server.selector, s.labels))),
  );
  const routes = mesh.routes.filter((r) => r.parents.some((p) => p.namespace === s.namespace && p.name === s.name));
  const tryAuths = (
    extra: typeof serverAuths,
    out: Decision[] = reasons,
  ): { ok: boolean; why: string; ref?: SourceRef } | undefined => {
    const all = [...serverAuths, ...extra];
    for (const a of all) {
      const r = authOk(a.required);
      out.push(
        decision(
          `AuthorizationPolicy ${a.name}: ${r.ok ? "authorizes" : "does not authorize"} the client — ${r.why}`,
          a.source,
        ),
      );
      if (r.ok) return { ok: true, why: `AuthorizationPolicy ${a.name} authorizes the client`, ref: a.source };
    }
    for (const a of legacy) {
      const ok = saOk(a);
      out.push(
        decision(`ServerAuthorization ${a.name}: ${ok ? "authorizes" : "does not authorize"} the client`, a.source),
      );
      if (ok) return { ok: true, why: `ServerAuthorization ${a.name} authorizes the client`, ref: a.source };
    }
    if (all.length + legacy.length === 0) return undefined;
    return { ok: false, why: "no authorization admits the client" };
  };
  const noAuth = () => {
    // Linkerd: a Server with no authorization denies all traffic, unless its accessPolicy says otherwise.
    if (s.accessPolicy !== undefined) {
      const d = defaultAllows(s.accessPolicy, client);
      return done(
        d.ok,
        `no authorization targets Server ${s.name}: its accessPolicy ${s.accessPolicy}: ${d.why}`,
        s.source,
      );
    }
    return done(
      false,
      `no authorization targets Server ${s.name}: a Server without authorizations denies all traffic`,
      s.source,
    );
  };
  const http = s.proxyProtocol !== "opaque" && s.proxyProtocol !== "TLS";
  if (routes.length === 0 || !http) {
    const r = tryAuths([]);
    return r === undefined ? noAuth() : done(r.ok, r.why, r.ref);
  }
  // With HTTPRoutes, the proxy applies exactly one route rule to a request (the highest precedence; see
  // linkerd-route-select.ts), and a request no rule matches is refused (404, linkerd2-proxy HttpRouteNotFound).
  // The selected route's authorizations are its own AuthorizationPolicies followed by the Server's (and the Server's
  // ServerAuthorizations): linkerd2-proxy server-policy http.rs try_route, mk_authorizations(route, server).
  const { requests, unsampled } = completions(routes, q.request);
  const open = requests.length !== 1;
  const denials: Decision[] = [];
  const seen = new Set<string>();
  let denied: { why: string; ref?: SourceRef } | undefined;
  for (const c of requests) {
    const shown = formatRequest({ method: c.method, path: c.path, headers: headersOf(c.headers) });
    const sel = selectRoute(routes, c);
    if (sel === undefined) {
      if (!seen.has("")) {
        seen.add("");
        denials.push(decision(`no HTTPRoute rule of Server ${s.name} matches ${shown} (404)`, s.source));
      }
      denied ??= { why: `no HTTPRoute of Server ${s.name} matches the request`, ref: s.source };
      continue;
    }
    const key = `${sel.route.namespace}/${sel.route.name}#${sel.rule}`;
    if (open && seen.has(key)) continue;
    seen.add(key);
    const out: Decision[] = [];
    const line = sel.route.rules[sel.rule]?.line ?? sel.route.source.line;
    out.push(
      decision(
        `HTTPRoute ${sel.route.name} rule ${sel.rule + 1} is selected for ${shown} (${describeScore(sel.score)})${
          sel.losers.length === 0
            ? ""
            : `; it wins over ${sel.losers.map((l) => `HTTPRoute ${l.route.name} (${l.why})`).join(", ")}`
        }`,
        { ...sel.route.source, line },
      ),
    );
    const r = tryAuths(
      mesh.authorizationPolicies.filter(
        (a) => a.namespace === sel.route.namespace && a.target.kind === "HTTPRoute" && a.target.name === sel.route.name,
      ),
      out,
    );
    if (r?.ok) {
      reasons.push(...out);
      return done(true, `${r.why} on HTTPRoute ${sel.route.name}`, r.ref);
    }
    denials.push(...out);
    denied ??= {
      why:
        r === undefined
          ? `no authorization targets HTTPRoute ${sel.route.name} or Server ${s.name}`
          : `no authorization of the selected HTTPRoute ${sel.route.name} admits the client`,
      ref: sel.route.source,
    };
  }
  reasons.push(...denials);
  if (unsampled.length > 0)
    reasons.push(
      decision(
        `Ward could not build a request for RegularExpression ${unsampled.join(", ")}: a rule only it matches was not tried`,
      ),
    );
  const d = denied ?? { why: `no HTTPRoute of Server ${s.name} matches the request`, ref: s.source };
  return done(false, open && seen.size > 1 ? `no request is admitted (first: ${d.why})` : d.why, d.ref);
}

function headersOf(h: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = v;
  return out;
}
