import { z } from "zod";
import { EVERYTHING, type LabelRequirement, type LabelSelector } from "../../model/labels.js";
import {
  type ClusterPolicy,
  DEFAULT_TIER,
  DENY_FIRST_ORDER,
  type Direction,
  ENTITIES,
  type Entity,
  type HttpMatch,
  type NamespaceScope,
  NETWORK_POLICY_ORDER,
  type Peer,
  type PolicyRule,
} from "../../model/policy.js";
import { type PortSpec, PROTOCOLS, type Protocol } from "../../model/ports.js";
import type { Diagnostics, Site } from "../diagnostics.js";
import type { Path } from "../positions.js";
import type { Loaded } from "./admin-network-policy.js";
import { readIdentity } from "./metadata.js";
import type { RawObject } from "./objects.js";
import { parseObject } from "./parse-object.js";
import { labelSelector, objectMeta } from "./schemas.js";
import { checkSelector, toLabelSelector } from "./selectors.js";
import { isValidPortName } from "./validate-common.js";
import { parseStrictCidr } from "./validate-network-policy.js";

/*
 * CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy (cilium.io/v2, pkg/policy/api rule.go, ingress.go, egress.go,
 * l4.go, fqdn.go; docs.cilium.io "Layer 3/4/7 examples", "Deny Policies", "Policy Enforcement Modes").
 */

const selector = labelSelector;
const cidrSet = z.strictObject({
  cidr: z.string().optional(),
  except: z.array(z.string()).optional(),
  cidrGroupRef: z.string().optional(),
  cidrGroupSelector: z.unknown().optional(),
});
const portProtocol = z.strictObject({
  port: z.union([z.string(), z.number()]).optional(),
  endPort: z.number().optional(),
  protocol: z.string().optional(),
});
const httpRule = z.strictObject({
  method: z.string().optional(),
  path: z.string().optional(),
  host: z.string().optional(),
  headers: z.array(z.string()).optional(),
  headerMatches: z.unknown().optional(),
});
const fqdn = z.strictObject({ matchName: z.string().optional(), matchPattern: z.string().optional() });
const portRule = z.strictObject({
  ports: z.array(portProtocol).optional(),
  rules: z
    .strictObject({
      http: z.array(httpRule).optional(),
      dns: z.array(fqdn).optional(),
      kafka: z.unknown().optional(),
      l7proto: z.unknown().optional(),
      l7: z.unknown().optional(),
    })
    .optional(),
  ...Object.fromEntries(
    ["serverNames", "listener", "originatingTLS", "terminatingTLS"].map((k) => [k, z.unknown().optional()]),
  ),
});
const UNSUPPORTED_PEERS = [
  "fromRequires",
  "toRequires",
  "fromGroups",
  "toGroups",
  "fromNodes",
  "toNodes",
  "toServices",
];
const ruleFields = {
  fromEndpoints: z.array(selector).optional(),
  toEndpoints: z.array(selector).optional(),
  fromCIDR: z.array(z.string()).optional(),
  toCIDR: z.array(z.string()).optional(),
  fromCIDRSet: z.array(cidrSet).optional(),
  toCIDRSet: z.array(cidrSet).optional(),
  fromEntities: z.array(z.string()).optional(),
  toEntities: z.array(z.string()).optional(),
  toFQDNs: z.array(fqdn).optional(),
  toPorts: z.array(portRule).optional(),
  icmps: z.unknown().optional(),
  authentication: z.unknown().optional(),
  ...Object.fromEntries(UNSUPPORTED_PEERS.map((k) => [k, z.unknown().optional()])),
};
const ruleSchema = z.strictObject(ruleFields);
const specSchema = z.strictObject({
  endpointSelector: selector.optional(),
  nodeSelector: selector.optional(),
  ingress: z.array(ruleSchema).optional(),
  ingressDeny: z.array(ruleSchema).optional(),
  egress: z.array(ruleSchema).optional(),
  egressDeny: z.array(ruleSchema).optional(),
  enableDefaultDeny: z.strictObject({ ingress: z.boolean().optional(), egress: z.boolean().optional() }).optional(),
  labels: z.unknown().optional(),
  description: z.string().optional(),
});
const schema = z.strictObject({
  apiVersion: z.unknown().optional(),
  kind: z.unknown().optional(),
  metadata: objectMeta.optional(),
  spec: specSchema.optional(),
  specs: z.array(specSchema).optional(),
  status: z.unknown().optional(),
});

type Spec = z.output<typeof specSchema>;
type Rule = z.output<typeof ruleSchema>;
type SelectorData = z.output<typeof selector>;

const NAMESPACE_KEY = "io.kubernetes.pod.namespace";
const NAMESPACE_LABELS = "io.cilium.k8s.namespace.labels.";
const SERVICE_ACCOUNT_KEY = "io.cilium.k8s.policy.serviceaccount";
const CLUSTER_KEY = "io.cilium.k8s.policy.cluster";

type Ctx = {
  readonly diag: Diagnostics;
  readonly site: Site;
  readonly obj: RawObject;
  /** The policy's namespace (CNP) or undefined (CCNP: selectors are cluster-wide). */
  readonly namespace: string | undefined;
  readonly ref: ClusterPolicy["source"];
};

/** The entities Ward evaluates (the others warn): pods, Nodes of the input, addresses outside the cluster. */
const NODE_AND_CLUSTER_ENTITIES: readonly string[] = ["world", "cluster", "host", "remote-node", "all"];

/** A Cilium label key without its source prefix (`k8s:`, `any:`). */
function stripSource(key: string): string {
  const m = /^(k8s|any):(.*)$/.exec(key);
  return m ? (m[2] as string) : key;
}

/**
 * A Cilium endpoint selector → the namespaces and pods it selects. The namespace comes from the
 * `io.kubernetes.pod.namespace` label (namespace labels from `io.cilium.k8s.namespace.labels.*`); without one, a
 * CiliumNetworkPolicy's selector is restricted to the policy's namespace, a clusterwide policy's is not.
 */
function endpointSelector(
  data: SelectorData,
  path: Path,
  ctx: Ctx,
): { namespaces: NamespaceScope; pods: LabelSelector; serviceAccounts?: string[] } {
  checkSelector(
    {
      matchLabels: Object.fromEntries(Object.entries(data.matchLabels ?? {}).map(([k, v]) => [stripSource(k), v])),
      matchExpressions: (data.matchExpressions ?? []).map((e) => ({ ...e, key: stripSource(e.key) })),
    },
    ctx.diag,
    ctx.site,
    path,
  );
  const nsLabels: Record<string, string> = {};
  const nsExpr: LabelRequirement[] = [];
  const podLabels: Record<string, string> = {};
  const podExpr: LabelRequirement[] = [];
  let serviceAccounts: string[] | undefined;
  let namespaced = false;
  for (const [rawKey, value] of Object.entries(data.matchLabels ?? {})) {
    const key = stripSource(rawKey);
    if (key === NAMESPACE_KEY) {
      nsLabels["kubernetes.io/metadata.name"] = value;
      namespaced = true;
    } else if (key.startsWith(NAMESPACE_LABELS)) {
      nsLabels[key.slice(NAMESPACE_LABELS.length)] = value;
      namespaced = true;
    } else if (key === SERVICE_ACCOUNT_KEY) serviceAccounts = [value];
    else if (key === CLUSTER_KEY) continue;
    else if (rawKey.startsWith("reserved:"))
      ctx.diag.warn(
        "unsupported-selector",
        `reserved label "${rawKey}" in an endpoint selector is not evaluated`,
        ctx.site,
        path,
      );
    else podLabels[key] = value;
  }
  for (const e of toLabelSelector(data).matchExpressions) {
    const key = stripSource(e.key);
    if (key === NAMESPACE_KEY) {
      nsExpr.push({ ...e, key: "kubernetes.io/metadata.name" });
      namespaced = true;
    } else if (key.startsWith(NAMESPACE_LABELS)) {
      nsExpr.push({ ...e, key: key.slice(NAMESPACE_LABELS.length) });
      namespaced = true;
    } else if (key === SERVICE_ACCOUNT_KEY && e.operator === "In") serviceAccounts = [...e.values];
    else podExpr.push({ ...e, key });
  }
  const pods: LabelSelector = { matchLabels: podLabels, matchExpressions: podExpr };
  const namespaces: NamespaceScope = namespaced
    ? { kind: "selector", selector: { matchLabels: nsLabels, matchExpressions: nsExpr } }
    : ctx.namespace !== undefined
      ? { kind: "same", namespace: ctx.namespace }
      : { kind: "selector", selector: EVERYTHING };
  return serviceAccounts === undefined ? { namespaces, pods } : { namespaces, pods, serviceAccounts };
}

function cidrPeer(text: string, except: readonly string[], path: Path, ctx: Ctx): Peer | undefined {
  const cidr = parseStrictCidr(text.includes("/") ? text : `${text}/${text.includes(":") ? 128 : 32}`);
  if (cidr === undefined) {
    ctx.diag.error("invalid-cidr", `invalid CIDR "${text}"`, ctx.site, path);
    return undefined;
  }
  const excepts = except.flatMap((e, k) => {
    const c = parseStrictCidr(e);
    if (c === undefined)
      ctx.diag.error("invalid-cidr", `invalid CIDR "${e}" in except`, ctx.site, [...path, "except", k]);
    return c === undefined ? [] : [c];
  });
  // Cilium: CIDR rules do not apply to traffic where both ends are cluster endpoints (docs "CIDR based").
  return { kind: "ipBlock", block: { cidr, except: excepts }, externalOnly: true, line: ctx.obj.locator.lineOf(path) };
}

function peersOf(rule: Rule, direction: Direction, path: Path, ctx: Ctx): Peer[] | "any" {
  const d = direction === "ingress" ? "from" : "to";
  const r = rule as Record<string, unknown>;
  const peers: Peer[] = [];
  let anyL3 = false;
  const endpoints = r[`${d}Endpoints`] as SelectorData[] | undefined;
  endpoints?.forEach((sel, j) => {
    anyL3 = true;
    const at = [...path, `${d}Endpoints`, j];
    peers.push({ kind: "pods", ...endpointSelector(sel, at, ctx), line: ctx.obj.locator.lineOf(at) });
  });
  (r[`${d}CIDR`] as string[] | undefined)?.forEach((c, j) => {
    anyL3 = true;
    const p = cidrPeer(c, [], [...path, `${d}CIDR`, j], ctx);
    if (p) peers.push(p);
  });
  (r[`${d}CIDRSet`] as z.output<typeof cidrSet>[] | undefined)?.forEach((c, j) => {
    anyL3 = true;
    const at = [...path, `${d}CIDRSet`, j];
    if (c.cidr === undefined) {
      ctx.diag.warn(
        "unsupported-peer",
        "cidrGroupRef/cidrGroupSelector are not evaluated (no CiliumCIDRGroup objects)",
        ctx.site,
        at,
      );
      return;
    }
    const p = cidrPeer(c.cidr, c.except ?? [], at, ctx);
    if (p) peers.push(p);
  });
  (r[`${d}Entities`] as string[] | undefined)?.forEach((e, j) => {
    anyL3 = true;
    const at = [...path, `${d}Entities`, j];
    if (!(ENTITIES as readonly string[]).includes(e)) {
      ctx.diag.error("invalid-entity", `unknown entity "${e}": must be one of ${ENTITIES.join(", ")}`, ctx.site, at);
      return;
    }
    // Ward models pods, Nodes (host, remote-node) and addresses outside the cluster (world); these name parties it
    // does not know (the API server, Cilium's health / init / ingress endpoints, unmanaged pods): they match nothing.
    if (!NODE_AND_CLUSTER_ENTITIES.includes(e))
      ctx.diag.warn(
        "entity-not-evaluated",
        `entity "${e}" is not evaluated: Ward does not know which parties it names, so it matches nothing`,
        ctx.site,
        at,
      );
    peers.push({ kind: "entity", entity: e as Entity, line: ctx.obj.locator.lineOf(at) });
  });
  if (direction === "egress")
    rule.toFQDNs?.forEach((f, j) => {
      anyL3 = true;
      const at = [...path, "toFQDNs", j];
      const pattern = fqdnPattern(f, at, ctx);
      if (pattern !== undefined) peers.push({ kind: "fqdn", pattern, line: ctx.obj.locator.lineOf(at) });
    });
  for (const k of UNSUPPORTED_PEERS)
    if (r[k] !== undefined) {
      anyL3 = true;
      ctx.diag.warn("unsupported-peer", `${k} is not evaluated: this part of the rule matches nothing`, ctx.site, [
        ...path,
        k,
      ]);
    }
  // No L3 field: the rule applies to every peer on its toPorts; a rule with neither matches nothing.
  if (!anyL3) return rule.toPorts !== undefined && rule.toPorts.length > 0 ? "any" : [];
  return peers;
}

function fqdnPattern(f: z.output<typeof fqdn>, path: Path, ctx: Ctx): string | undefined {
  const value = f.matchName ?? f.matchPattern;
  if (value === undefined || (f.matchName !== undefined && f.matchPattern !== undefined)) {
    ctx.diag.error("invalid-fqdn", "set exactly one of matchName or matchPattern", ctx.site, path);
    return undefined;
  }
  // pkg/policy/api/fqdn.go: matchName allows [-a-zA-Z0-9_.], matchPattern also "*".
  const re = f.matchName !== undefined ? /^[-a-zA-Z0-9_.]+$/ : /^[-a-zA-Z0-9_.*]+$/;
  if (!re.test(value)) {
    ctx.diag.error(
      "invalid-fqdn",
      `invalid DNS ${f.matchName !== undefined ? "name" : "pattern"} "${value}"`,
      ctx.site,
      path,
    );
    return undefined;
  }
  return value;
}

function portsOf(list: z.output<typeof portProtocol>[] | undefined, path: Path, ctx: Ctx): PortSpec[] | "all" {
  if (list === undefined || list.length === 0) return "all";
  return list.flatMap((p, j) => {
    const at = [...path, j];
    const line = ctx.obj.locator.lineOf(at);
    const proto = (p.protocol ?? "ANY").toUpperCase();
    if (proto !== "ANY" && !(PROTOCOLS as readonly string[]).includes(proto)) {
      ctx.diag.error(
        "invalid-protocol",
        `unsupported protocol "${p.protocol}": must be TCP, UDP, SCTP or ANY`,
        ctx.site,
        [...at, "protocol"],
      );
      return [];
    }
    const protocols: readonly Protocol[] = proto === "ANY" ? PROTOCOLS : [proto as Protocol];
    const raw = p.port === undefined ? "0" : String(p.port);
    let port: number | string | undefined;
    if (/^\d+$/.test(raw)) {
      const n = Number(raw);
      if (n > 65535) {
        ctx.diag.error("port-out-of-range", `port ${n} is out of range`, ctx.site, [...at, "port"]);
        return [];
      }
      // Port 0 (or none) means every port of the protocol (pkg/policy/api/l4.go).
      port = n === 0 ? undefined : n;
    } else if (isValidPortName(raw)) port = raw;
    else {
      ctx.diag.error("invalid-port", `invalid port "${raw}": a number or a port name`, ctx.site, [...at, "port"]);
      return [];
    }
    if (p.endPort !== undefined && (typeof port !== "number" || p.endPort < port))
      ctx.diag.error("invalid-port-range", `endPort ${p.endPort} needs a numeric port not above it`, ctx.site, [
        ...at,
        "endPort",
      ]);
    return protocols.map((protocol): PortSpec => {
      const spec: { -readonly [K in keyof PortSpec]: PortSpec[K] } = { protocol, line };
      if (port !== undefined) spec.port = port;
      if (p.endPort !== undefined && typeof port === "number") spec.endPort = p.endPort;
      return spec;
    });
  });
}

function rulesOf(rules: Rule[] | undefined, deny: boolean, direction: Direction, path: Path, ctx: Ctx): PolicyRule[] {
  const out: PolicyRule[] = [];
  rules?.forEach((rule, i) => {
    const at = [...path, i];
    const peers = peersOf(rule, direction, at, ctx);
    const source = { ...ctx.ref, line: ctx.obj.locator.lineOf(at) };
    const action = deny ? "deny" : "allow";
    if (rule.toPorts === undefined || rule.toPorts.length === 0) {
      out.push({ action, peers, ports: "all", source });
      return;
    }
    rule.toPorts.forEach((pr, k) => {
      const pAt = [...at, "toPorts", k];
      const ports = portsOf(pr.ports, [...pAt, "ports"], ctx);
      const r: { -readonly [K in keyof PolicyRule]: PolicyRule[K] } = { action, peers, ports, source };
      const http = pr.rules?.http;
      if (http !== undefined && http.length > 0) {
        if (deny) ctx.diag.error("invalid-rule", "deny rules cannot have L7 rules", ctx.site, [...pAt, "rules"]);
        r.http = http.map((h, m): HttpMatch => {
          const hm: { -readonly [K in keyof HttpMatch]: HttpMatch[K] } = {
            line: ctx.obj.locator.lineOf([...pAt, "rules", "http", m]),
          };
          if (h.method !== undefined) hm.method = h.method;
          if (h.path !== undefined) hm.path = h.path;
          if (h.headers !== undefined) hm.headers = h.headers;
          return hm;
        });
      }
      const dns = pr.rules?.dns;
      if (dns !== undefined)
        r.dns = dns.flatMap((f, m) => {
          const p = fqdnPattern(f, [...pAt, "rules", "dns", m], ctx);
          return p === undefined ? [] : [p];
        });
      for (const k of ["kafka", "l7proto", "l7"] as const)
        if (pr.rules?.[k] !== undefined)
          ctx.diag.warn(
            "unsupported-l7",
            `L7 ${k} rules are not evaluated: Ward treats the port as allowed at L4`,
            ctx.site,
            [...pAt, "rules", k],
          );
      out.push(r);
    });
  });
  return out;
}

/** A CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy → policies of the NetworkPolicy (default) tier. */
export function loadCiliumPolicy(obj: RawObject, diag: Diagnostics): Loaded | undefined {
  const clusterwide = obj.kind === "CiliumClusterwideNetworkPolicy";
  const before = diag.errorCount;
  const site: Site = { file: obj.file, locator: obj.locator };
  const data = parseObject(schema, obj.value, diag, site);
  if (data === undefined) return undefined;
  const identity = readIdentity(obj, data.metadata, { clusterScoped: clusterwide, nameRule: "subdomain" }, diag);
  if (identity === undefined) return undefined;
  const ctx: Ctx = { diag, site, obj, namespace: identity.namespace, ref: identity.ref };
  const specs: [Spec, Path][] = [];
  if (data.spec !== undefined) specs.push([data.spec, ["spec"]]);
  data.specs?.forEach((s, i) => {
    specs.push([s, ["specs", i]]);
  });
  if (specs.length === 0) diag.error("missing-field", "a Cilium policy needs spec or specs", site);
  const policies: ClusterPolicy[] = [];
  specs.forEach(([spec, path], index) => {
    const name = specs.length > 1 ? `${identity.name}#${index}` : identity.name;
    if (spec.nodeSelector !== undefined) {
      diag.warn("host-policy", "a host policy (nodeSelector) selects nodes, not pods: it is not evaluated", site, [
        ...path,
        "nodeSelector",
      ]);
      return;
    }
    if (spec.endpointSelector === undefined) {
      diag.error("missing-field", "endpointSelector (or nodeSelector) is required", site, path);
      return;
    }
    const subject = endpointSelector(spec.endpointSelector, [...path, "endpointSelector"], {
      ...ctx,
      namespace: clusterwide ? undefined : identity.namespace,
    });
    const rules = {
      ingress: rulesOf(spec.ingress, false, "ingress", [...path, "ingress"], ctx),
      ingressDeny: rulesOf(spec.ingressDeny, true, "ingress", [...path, "ingressDeny"], ctx),
      egress: rulesOf(spec.egress, false, "egress", [...path, "egress"], ctx),
      egressDeny: rulesOf(spec.egressDeny, true, "egress", [...path, "egressDeny"], ctx),
    };
    // enableDefaultDeny: "If not specified, the default is true for each traffic direction that has rules" (rule.go).
    const has = (d: Direction) => (spec[d]?.length ?? 0) > 0 || (spec[`${d}Deny`]?.length ?? 0) > 0;
    const isolates = {
      ingress: spec.enableDefaultDeny?.ingress ?? has("ingress"),
      egress: spec.enableDefaultDeny?.egress ?? has("egress"),
    };
    const base = {
      namespace: clusterwide ? "" : (identity.namespace as string),
      podSelector: subject.pods,
      ...(clusterwide
        ? { namespaceSelector: subject.namespaces.kind === "selector" ? subject.namespaces.selector : EVERYTHING }
        : {}),
      tier: DEFAULT_TIER,
      source: { ...identity.ref, line: obj.locator.lineOf(path) },
    };
    const dir = (list: PolicyRule[], d: Direction) => (list.length > 0 || isolates[d] ? { [d]: list } : {});
    policies.push({
      ...base,
      name,
      order: NETWORK_POLICY_ORDER,
      ...dir(rules.ingress, "ingress"),
      ...dir(rules.egress, "egress"),
      isolates,
    });
    // Deny rules take precedence over allow rules, whichever policy they come from (docs "Deny Policies").
    if (rules.ingressDeny.length > 0 || rules.egressDeny.length > 0)
      policies.push({
        ...base,
        name,
        order: DENY_FIRST_ORDER,
        ...(rules.ingressDeny.length > 0 ? { ingress: rules.ingressDeny } : {}),
        ...(rules.egressDeny.length > 0 ? { egress: rules.egressDeny } : {}),
        isolates,
      });
  });
  if (diag.errorCount > before) return undefined;
  return { identity, policies };
}
