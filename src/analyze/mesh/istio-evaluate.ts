import { type Cidr, cidrContains, parseCidr } from "../../model/cidr.js";
import type { Pod } from "../../model/endpoint.js";
import { selectorMatches } from "../../model/labels.js";
import type { AuthorizationPolicy, IstioRule, MtlsMode, PeerAuthentication, ValueMatch } from "../../model/mesh.js";
import { EMPTY_MESH } from "../../model/mesh.js";
import type { Model } from "../../model/model.js";
import type { SourceRef } from "../../model/source-ref.js";
import { formatRequest, type Request } from "../request.js";
import { type PortProtocol, portProtocol } from "./port-protocol.js";
import {
  type Atom,
  and,
  evaluate,
  FALSE,
  type Formula,
  fixedAttributes,
  type Matcher,
  not,
  or,
  solve,
  TRUE,
  toRequest,
} from "./request-space.js";
import { namespaceMatches, principalMatches } from "./value-match.js";

export type MeshOptions = {
  /** Istio's trust domain (MeshConfig.trustDomain), default cluster.local. */
  readonly trustDomain: string;
  /** Istio's root namespace (MeshConfig.rootNamespace), default istio-system. */
  readonly rootNamespace: string;
};

export const DEFAULT_MESH_OPTIONS: MeshOptions = { trustDomain: "cluster.local", rootNamespace: "istio-system" };

/** The client as the server's sidecar sees it. */
export type IstioClient = {
  /** The client has an Istio sidecar (and --plaintext was not given). */
  readonly meshed: boolean;
  readonly namespace?: string;
  readonly serviceAccount?: string;
  /** The source address, when known. */
  readonly ip?: Cidr;
  readonly name: string;
  /** The client's mTLS identity, when it is not <trustDomain>/ns/<namespace>/sa/<serviceAccount> (ward verify). */
  readonly principal?: string;
};

export type MtlsResolution = {
  readonly mode: Exclude<MtlsMode, "UNSET">;
  readonly why: string;
  readonly ref?: SourceRef;
};

export type RuleResult = {
  readonly index: number;
  readonly line: number;
  readonly status: "matches" | "some" | "no" | "ignored";
};

export type PolicyResult = {
  readonly policy: AuthorizationPolicy;
  /** The first matching rule (for the witness request or, when denied, under the given request). */
  readonly rules: readonly RuleResult[];
  readonly matched?: RuleResult;
};

export type IstioOutcome = {
  readonly allowed: boolean;
  readonly mtls: MtlsResolution;
  /** mTLS between the sidecars (false: plaintext). */
  readonly secure: boolean;
  readonly principal?: string;
  readonly protocol: PortProtocol;
  /** "http" or "tcp": how the request was evaluated. */
  readonly evaluatedAs: "http" | "tcp";
  /** When allowed: a request that is allowed (with what the user fixed). */
  readonly witness?: Request;
  /** Why the request (or connection) is denied or allowed, in words. */
  readonly why: string;
  readonly decidedBy?: SourceRef;
  readonly policies: readonly PolicyResult[];
  /** CUSTOM policies that apply: the decision then depends on their provider. */
  readonly custom: readonly { readonly policy: AuthorizationPolicy; readonly provider: string }[];
};

const HTTP_ONLY_KEYS = /^(request\.headers\[|request\.auth\.)/;

function policyApplies(p: AuthorizationPolicy | PeerAuthentication, pod: Pod, root: string): boolean {
  if ("targetRefs" in p && p.targetRefs !== undefined) return false; // attaches to gateways/waypoints, not sidecars
  // A policy applies in its own namespace; in the root namespace, to the whole mesh (istio.io concepts/security#policy-target).
  const scope = p.namespace === pod.namespace || ("action" in p && p.namespace === root);
  if (!scope) return false;
  return p.selector === undefined || selectorMatches(p.selector, pod.labels);
}

/**
 * PeerAuthentication for a workload port: workload (selector) > namespace > mesh (root namespace); port-level mTLS
 * keyed by the workload port; UNSET inherits from the parent; nothing set → PERMISSIVE
 * (istio.io/latest/docs/reference/config/security/peer_authentication).
 */
export function resolveMtls(model: Model, pod: Pod, port: number, opts: MeshOptions): MtlsResolution {
  const pas = (model.mesh ?? EMPTY_MESH).istio.peerAuthentications;
  const workload = pas.find(
    (p) => p.namespace === pod.namespace && p.selector !== undefined && selectorMatches(p.selector, pod.labels),
  );
  const namespace = pas.find((p) => p.namespace === pod.namespace && p.selector === undefined);
  const mesh = pas.find((p) => p.namespace === opts.rootNamespace && p.selector === undefined);
  if (workload !== undefined) {
    const pl = workload.portLevel.find((x) => x.port === port);
    if (pl !== undefined && pl.mode !== "UNSET")
      return { mode: pl.mode, why: `port-level mTLS for port ${port} (line ${pl.line})`, ref: workload.source };
    if (workload.mode !== "UNSET")
      return { mode: workload.mode, why: "workload-level PeerAuthentication", ref: workload.source };
  }
  if (namespace !== undefined && namespace.mode !== "UNSET")
    return {
      mode: namespace.mode,
      why: `namespace-wide PeerAuthentication${workload ? ` (the workload policy ${workload.name} leaves it UNSET)` : ""}`,
      ref: namespace.source,
    };
  if (mesh !== undefined && mesh.mode !== "UNSET")
    return {
      mode: mesh.mode,
      why: `mesh-wide PeerAuthentication in the root namespace ${opts.rootNamespace}`,
      ref: mesh.source,
    };
  return { mode: "PERMISSIVE", why: "no PeerAuthentication sets a mode: Istio's default is PERMISSIVE" };
}

type Conn = {
  readonly secure: boolean;
  readonly principal: string | undefined;
  readonly namespace: string | undefined;
  readonly ip: Cidr | undefined;
  readonly destIp: Cidr | undefined;
  readonly port: number;
  readonly http: boolean;
};

function any(vm: ValueMatch | undefined, test: (v: string) => boolean): Formula {
  if (vm === undefined) return TRUE;
  const parts: Formula[] = [];
  if (vm.values !== undefined) parts.push(vm.values.some(test) ? TRUE : FALSE);
  if (vm.notValues !== undefined) parts.push(vm.notValues.some(test) ? FALSE : TRUE);
  return and(parts);
}

function attr(vm: ValueMatch | undefined, attrName: string, matcher: Matcher, conn: Conn, httpOnly: boolean): Formula {
  if (vm === undefined) return TRUE;
  // An HTTP-only field on a TCP port: dropped (pilot/pkg/security/authz/model/model.go: for DENY/AUDIT the value's
  // error is ignored, so the field no longer constrains); ALLOW rules with such fields are skipped before this.
  if (httpOnly && !conn.http) return TRUE;
  const parts: Formula[] = [];
  if (vm.values !== undefined) parts.push({ k: "atom", a: { attr: attrName, patterns: vm.values, matcher } });
  if (vm.notValues !== undefined)
    parts.push(not({ k: "atom", a: { attr: attrName, patterns: vm.notValues, matcher } }));
  return and(parts);
}

const ip = (s: string) => parseCidr(s);
const inBlock = (addr: Cidr | undefined) => (b: string) => addr !== undefined && cidrContains(ip(b), addr);

function usesHttpOnly(rule: IstioRule): boolean {
  return (
    (rule.from ?? []).some((s) => s.requestPrincipals !== undefined) ||
    (rule.to ?? []).some((o) => o.hosts !== undefined || o.methods !== undefined || o.paths !== undefined) ||
    rule.when.some((w) => HTTP_ONLY_KEYS.test(w.key))
  );
}

/** A rule as a formula over the request; "ignored" for an ALLOW rule with HTTP-only fields on a TCP port. */
export function compileRule(rule: IstioRule, action: AuthorizationPolicy["action"], conn: Conn): Formula | "ignored" {
  // Istio: HTTP-only fields on TCP traffic make an ALLOW rule ignored (model.go checkError returns the error for ALLOW).
  if (!conn.http && action === "ALLOW" && usesHttpOnly(rule)) return "ignored";
  // principals, namespaces and source.principal/namespace need mTLS: with a plaintext peer they never match.
  const principal = (p: string) => conn.secure && principalMatches(p, conn.principal);
  const namespace = (p: string) => conn.secure && namespaceMatches(p, conn.namespace);
  const from =
    rule.from === undefined
      ? TRUE
      : or(
          rule.from.map((s) =>
            and([
              any(s.principals, principal),
              any(s.namespaces, namespace),
              any(s.ipBlocks, inBlock(conn.ip)),
              // remote.ip is the direct peer unless numTrustedProxies trusts X-Forwarded-For (0 by default).
              any(s.remoteIpBlocks, inBlock(conn.ip)),
              attr(s.requestPrincipals, "auth.principal", "glob", conn, true),
            ]),
          ),
        );
  const to =
    rule.to === undefined
      ? TRUE
      : or(
          rule.to.map((o) =>
            and([
              any(o.ports, (p) => Number(p) === conn.port),
              attr(o.hosts, "host", "host", conn, true),
              attr(o.methods, "method", "glob", conn, true),
              attr(o.paths, "path", "path", conn, true),
            ]),
          ),
        );
  const when = and(
    rule.when.map((w) => {
      const k = w.key;
      if (k === "source.ip" || k === "remote.ip") return any(w, inBlock(conn.ip));
      if (k === "destination.ip") return any(w, inBlock(conn.destIp));
      if (k === "destination.port") return any(w, (p) => Number(p) === conn.port);
      if (k === "source.namespace") return any(w, namespace);
      if (k === "source.principal") return any(w, principal);
      if (k === "connection.sni") return attr(w, "sni", "glob", conn, false);
      if (k.startsWith("request.headers["))
        return attr(w, `header:${k.slice(16, -1).toLowerCase()}`, "glob", conn, true);
      if (k.startsWith("request.auth.claims[")) return attr(w, `claim:${k.slice(20, -1)}`, "glob", conn, true);
      if (k.startsWith("request.auth.")) return attr(w, `auth.${k.slice(13)}`, "glob", conn, true);
      return attr(w, `envoy:${k}`, "glob", conn, false);
    }),
  );
  return and([from, to, when]);
}

export type IstioQuery = {
  readonly client: IstioClient;
  readonly server: Pod;
  readonly port: number;
  readonly request: Request;
  /** Every attribute the request does not give is absent (a complete request), instead of open. */
  readonly closed?: boolean;
};

/**
 * The Istio decision for one connection to a pod with a sidecar, in Istio's order: mTLS (PeerAuthentication), then
 * CUSTOM → DENY → (no ALLOW policy → allow) → (an ALLOW rule matches → allow) → deny; AUDIT never decides
 * (istio.io/latest/docs/concepts/security/#implicit-enablement). Without a full request it answers whether SOME request
 * with the given attributes is allowed, and gives one.
 */
export function evaluateIstio(model: Model, q: IstioQuery, opts: MeshOptions = DEFAULT_MESH_OPTIONS): IstioOutcome {
  const mesh = (model.mesh ?? EMPTY_MESH).istio;
  const mtls = resolveMtls(model, q.server, q.port, opts);
  const protocol = portProtocol(model, q.server, q.port);
  const base = { mtls, protocol, policies: [] as PolicyResult[], custom: [] };
  // Auto mTLS: a client sidecar sends mTLS unless the server's mode is DISABLE; a client without one sends plaintext.
  const secure = q.client.meshed && mtls.mode !== "DISABLE";
  if (!secure && mtls.mode === "STRICT")
    return {
      ...base,
      allowed: false,
      secure,
      evaluatedAs: protocol.kind === "tcp" ? "tcp" : "http",
      why: `mTLS mode STRICT rejects plaintext from ${q.client.name} (${q.client.meshed ? "sidecar" : "no sidecar"})`,
      ...(mtls.ref === undefined ? {} : { decidedBy: mtls.ref }),
    };
  const principal = !secure
    ? undefined
    : (q.client.principal ??
      (q.client.namespace !== undefined && q.client.serviceAccount !== undefined
        ? `${opts.trustDomain}/ns/${q.client.namespace}/sa/${q.client.serviceAccount}`
        : undefined));
  const applying = mesh.authorizationPolicies.filter((p) => policyApplies(p, q.server, opts.rootNamespace));
  const jwt = mesh.requestAuthentications.some(
    (r) => r.namespace === q.server.namespace || r.namespace === opts.rootNamespace,
  );
  const httpGiven =
    q.request.method !== undefined ||
    q.request.path !== undefined ||
    q.request.host !== undefined ||
    Object.keys(q.request.headers).length > 0;
  // A sniffed port is HTTP when the client speaks HTTP: with request attributes given, it does; otherwise try both.
  const modes: ("http" | "tcp")[] =
    protocol.kind === "auto" ? (httpGiven ? ["http"] : ["http", "tcp"]) : [protocol.kind];
  let last: IstioOutcome | undefined;
  for (const m of modes) {
    const conn: Conn = {
      secure,
      principal,
      namespace: secure ? q.client.namespace : undefined,
      ip: q.client.ip,
      destIp: q.server.ips[0] === undefined ? undefined : ip(q.server.ips[0]),
      port: q.port,
      http: m === "http",
    };
    const out = decide(
      applying,
      conn,
      q,
      jwt,
      { ...base, secure, ...(principal === undefined ? {} : { principal }) },
      m,
    );
    if (out.allowed) return out;
    last ??= out;
  }
  return last as IstioOutcome;
}

function decide(
  applying: readonly AuthorizationPolicy[],
  conn: Conn,
  q: IstioQuery,
  jwt: boolean,
  base: Pick<IstioOutcome, "mtls" | "protocol" | "secure" | "principal">,
  evaluatedAs: "http" | "tcp",
): IstioOutcome {
  const compiled = applying.map((policy) => ({
    policy,
    rules: policy.rules.map((r, index) => ({ index, line: r.line, f: compileRule(r, policy.action, conn) })),
  }));
  const ruleF = (rs: (typeof compiled)[number]["rules"]) => or(rs.map((r) => (r.f === "ignored" ? FALSE : r.f)));
  const of = (action: string) => compiled.filter((c) => c.policy.action === action);
  const custom = of("CUSTOM").filter((c) => ruleF(c.rules).k !== "const" || (ruleF(c.rules) as { v: boolean }).v);
  const denyF = or(of("DENY").map((c) => ruleF(c.rules)));
  const allows = of("ALLOW");
  const allowF = allows.length === 0 ? TRUE : or(allows.map((c) => ruleF(c.rules)));
  const target = and([allowF, not(denyF)]);
  const fixed = fixedAttributes(q.request);
  const free = (a: string) =>
    q.closed !== true &&
    evaluatedAs === "http" &&
    (a === "method" ||
      a === "path" ||
      a === "host" ||
      a.startsWith("header:") ||
      a.startsWith("envoy:") ||
      (a === "sni" && conn.secure) ||
      ((a.startsWith("auth.") || a.startsWith("claim:")) && jwt));
  const witnessEnv = solve(target, fixed, free);
  // Explain against the witness when allowed; else against the given request (free attributes unknown).
  const env = witnessEnv ?? fixed;
  const results: PolicyResult[] = compiled.map((c) => {
    const rules: RuleResult[] = c.rules.map((r) => {
      if (r.f === "ignored") return { index: r.index, line: r.line, status: "ignored" };
      const v = evaluate(r.f, witnessEnv ?? closeFixed(r.f, fixed, free));
      return { index: r.index, line: r.line, status: v === true ? "matches" : v === false ? "no" : "some" };
    });
    const matched = rules.find((r) => r.status === "matches");
    return { policy: c.policy, rules, ...(matched === undefined ? {} : { matched }) };
  });
  void env;
  const customOut = custom.map((c) => ({ policy: c.policy, provider: c.policy.provider ?? "?" }));
  const common = { ...base, evaluatedAs, policies: results, custom: customOut };
  if (witnessEnv !== undefined) {
    const witness = toRequest(witnessEnv, q.request);
    const by = results.find((r) => r.policy.action === "ALLOW" && r.matched !== undefined);
    const shown = formatRequest(witness);
    const what = evaluatedAs === "tcp" ? "the TCP connection" : shown === "any request" ? "the request" : shown;
    const why =
      allows.length === 0
        ? `no ALLOW policy applies and no DENY rule matches ${what}`
        : `ALLOW rule ${(by?.matched?.index ?? 0) + 1} of ${by?.policy.namespace}/${by?.policy.name} matches ${what}`;
    return { ...common, allowed: true, witness, why, ...(by === undefined ? {} : { decidedBy: by.policy.source }) };
  }
  const denyHit = results.find(
    (r) => r.policy.action === "DENY" && r.rules.some((x) => x.status !== "no" && x.status !== "ignored"),
  );
  const what =
    evaluatedAs === "http" ? (fixed.size === 0 ? "any request" : formatRequest(q.request)) : "the TCP connection";
  if (denyHit !== undefined && evaluate(allowF, closeFixed(allowF, fixed, free)) !== false)
    return {
      ...common,
      allowed: false,
      why: `DENY ${denyHit.policy.namespace}/${denyHit.policy.name} matches ${what}`,
      decidedBy: denyHit.policy.source,
    };
  const firstAllow = allows[0]?.policy;
  return {
    ...common,
    allowed: false,
    why: `ALLOW policies apply and none of their rules matches ${what}${evaluatedAs === "tcp" && allows.some((c) => c.rules.some((r) => r.f === "ignored")) ? " (rules with HTTP-only fields are ignored on a TCP port)" : ""}`,
    ...(firstAllow === undefined ? {} : { decidedBy: firstAllow.source }),
  };
}

/** The given request with every attribute it does not fix either absent (not free) or unknown (free). */
function closeFixed(
  f: Formula,
  fixed: ReadonlyMap<string, string | undefined>,
  free: (a: string) => boolean,
): Map<string, string | undefined> {
  const env = new Map(fixed);
  const walk = (x: Formula): void => {
    if (x.k === "atom") {
      if (!env.has(x.a.attr) && !free(x.a.attr)) env.set(x.a.attr, undefined);
    } else if (x.k === "not") walk(x.x);
    else if (x.k === "and" || x.k === "or") x.xs.forEach(walk);
  };
  walk(f);
  return env;
}

export type { Atom };

/** The requests Istio allows on one connection, as a formula (ward verify compares it with the intent's). */
export type IstioSpace = {
  readonly evaluatedAs: "http" | "tcp";
  /** Holds exactly for the allowed requests (CUSTOM policies assumed to allow). */
  readonly allowed: Formula;
  /** Request attributes that can take any value in this mode (the others are absent). */
  readonly free: (attr: string) => boolean;
};

export type IstioSpaces = {
  readonly mtls: MtlsResolution;
  readonly protocol: PortProtocol;
  /** STRICT mTLS rejects this plaintext client before any policy is read. */
  readonly rejected: boolean;
  readonly secure: boolean;
  /** One per way the port can be evaluated: HTTP, TCP, or both for a sniffed port. */
  readonly spaces: readonly IstioSpace[];
  /** CUSTOM policies that apply: their provider decides. */
  readonly custom: readonly AuthorizationPolicy[];
};

/** The same decision as evaluateIstio, as formulas over the request instead of one answer. */
export function istioSpaces(
  model: Model,
  q: Omit<IstioQuery, "request" | "closed">,
  opts: MeshOptions = DEFAULT_MESH_OPTIONS,
): IstioSpaces {
  const mesh = (model.mesh ?? EMPTY_MESH).istio;
  const mtls = resolveMtls(model, q.server, q.port, opts);
  const protocol = portProtocol(model, q.server, q.port);
  const secure = q.client.meshed && mtls.mode !== "DISABLE";
  const rejected = !secure && mtls.mode === "STRICT";
  const principal = !secure
    ? undefined
    : (q.client.principal ??
      (q.client.namespace !== undefined && q.client.serviceAccount !== undefined
        ? `${opts.trustDomain}/ns/${q.client.namespace}/sa/${q.client.serviceAccount}`
        : undefined));
  const applying = mesh.authorizationPolicies.filter((p) => policyApplies(p, q.server, opts.rootNamespace));
  const jwt = mesh.requestAuthentications.some(
    (r) => r.namespace === q.server.namespace || r.namespace === opts.rootNamespace,
  );
  const modes: ("http" | "tcp")[] = protocol.kind === "auto" ? ["http", "tcp"] : [protocol.kind];
  const spaces = modes.map((m): IstioSpace => {
    const conn: Conn = {
      secure,
      principal,
      namespace: secure ? q.client.namespace : undefined,
      ip: q.client.ip,
      destIp: q.server.ips[0] === undefined ? undefined : ip(q.server.ips[0]),
      port: q.port,
      http: m === "http",
    };
    const rulesOf = (action: string) =>
      or(
        applying
          .filter((p) => p.action === action)
          .flatMap((p) => p.rules.map((r) => compileRule(r, p.action, conn)))
          .map((f) => (f === "ignored" ? FALSE : f)),
      );
    const hasAllow = applying.some((p) => p.action === "ALLOW");
    const allowed = rejected ? FALSE : and([hasAllow ? rulesOf("ALLOW") : TRUE, not(rulesOf("DENY"))]);
    const free = (a: string) =>
      m === "http" &&
      (a === "method" ||
        a === "path" ||
        a === "host" ||
        a.startsWith("header:") ||
        a.startsWith("envoy:") ||
        (a === "sni" && secure) ||
        ((a.startsWith("auth.") || a.startsWith("claim:")) && jwt));
    return { evaluatedAs: m, allowed, free };
  });
  const custom = applying.filter((p) => p.action === "CUSTOM" && p.rules.length > 0);
  return { mtls, protocol, rejected, secure, spaces, custom };
}
