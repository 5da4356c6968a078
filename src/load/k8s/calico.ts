import { z } from "zod";
import { type Cidr, parseCidr } from "../../model/cidr.js";
import type { Namespace } from "../../model/endpoint.js";
import { EVERYTHING, type LabelSelector, type Labels, selectorMatches } from "../../model/labels.js";
import {
  type ClusterPolicy,
  DEFAULT_TIER,
  type Direction,
  type HttpMatch,
  type NamespaceScope,
  type Peer,
  type PolicyRule,
  type RuleAction,
  type Tier,
} from "../../model/policy.js";
import type { PortSpec, Protocol } from "../../model/ports.js";
import type { SelectorExpression } from "../../model/selector-expression.js";
import type { Diagnostics, Site } from "../diagnostics.js";
import type { Path } from "../positions.js";
import type { Loaded } from "./admin-network-policy.js";
import {
  allowsDomains,
  type CalicoNetworkSet,
  expandNetworkSets,
  loadNetworkSet,
  type SetMatch,
} from "./calico-network-sets.js";
import { parseCalicoSelector, SelectorSyntaxError } from "./calico-selector.js";
import { readIdentity } from "./metadata.js";
import type { RawObject } from "./objects.js";
import { parseObject } from "./parse-object.js";
import { objectMeta } from "./schemas.js";
import { isValidPortName } from "./validate-common.js";

/*
 * Calico projectcalico.org/v3 NetworkPolicy, GlobalNetworkPolicy and Tier (docs.tigera.io "Network policy",
 * "Global network policy", "Tier"; projectcalico/api pkg/apis/projectcalico/v3 policy_common.go; libcalico-go
 * updateprocessors/rules.go for how an EntityRule's fields combine). Reduced to the tiered policy form: tiers by
 * order, policies by order (unset = last) then name, rules in order, first Allow/Deny/Pass decides, Log goes on.
 */

const ports = z.array(z.union([z.number(), z.string()]));
const entityRule = z.strictObject({
  nets: z.array(z.string()).optional(),
  notNets: z.array(z.string()).optional(),
  selector: z.string().optional(),
  notSelector: z.string().optional(),
  namespaceSelector: z.string().optional(),
  ports: ports.optional(),
  notPorts: ports.optional(),
  serviceAccounts: z
    .strictObject({ names: z.array(z.string()).optional(), selector: z.string().optional() })
    .optional(),
  services: z.strictObject({ name: z.string(), namespace: z.string().optional() }).optional(),
});
const icmp = z.strictObject({ type: z.number().optional(), code: z.number().optional() });
const ruleSchema = z.strictObject({
  action: z.string(),
  ipVersion: z.number().optional(),
  protocol: z.union([z.string(), z.number()]).optional(),
  notProtocol: z.union([z.string(), z.number()]).optional(),
  icmp: icmp.optional(),
  notICMP: icmp.optional(),
  source: entityRule.optional(),
  destination: entityRule.optional(),
  http: z
    .strictObject({
      methods: z.array(z.string()).optional(),
      paths: z.array(z.strictObject({ exact: z.string().optional(), prefix: z.string().optional() })).optional(),
    })
    .optional(),
  metadata: z.strictObject({ annotations: z.record(z.string(), z.string()).optional() }).optional(),
});
const policySpec = z.strictObject({
  tier: z.string().optional(),
  order: z.number().optional(),
  selector: z.string().optional(),
  namespaceSelector: z.string().optional(),
  serviceAccountSelector: z.string().optional(),
  types: z.array(z.string()).optional(),
  ingress: z.array(ruleSchema).optional(),
  egress: z.array(ruleSchema).optional(),
  doNotTrack: z.boolean().optional(),
  preDNAT: z.boolean().optional(),
  applyOnForward: z.boolean().optional(),
  performanceHints: z.array(z.string()).optional(),
});
const policySchema = z.strictObject({
  apiVersion: z.unknown().optional(),
  kind: z.unknown().optional(),
  metadata: objectMeta.optional(),
  spec: policySpec.optional(),
  status: z.unknown().optional(),
});
const tierSchema = z.strictObject({
  apiVersion: z.unknown().optional(),
  kind: z.unknown().optional(),
  metadata: objectMeta.optional(),
  spec: z.strictObject({ order: z.number().optional(), defaultAction: z.string().optional() }).optional(),
  status: z.unknown().optional(),
});

type RuleData = z.output<typeof ruleSchema>;
type EntityData = z.output<typeof entityRule>;

/** A service-account match (names and/or a selector over ServiceAccount labels), resolved once all objects are read. */
type ServiceAccountMatch = { readonly names?: readonly string[]; readonly selector?: SelectorExpression };

// Loading is one object at a time; what needs other objects (the Tier a policy names, ServiceAccount labels) is
// recorded here and resolved by resolveCalico once everything is read.
const pendingTier = new WeakMap<Tier, { name: string; site: Site; path: Path }>();
const pendingPeer = new WeakMap<Peer, ServiceAccountMatch>();
// Selector peers that also reach network sets (calico-network-sets.ts), expanded by resolveCalico.
const pendingSets = new WeakMap<Peer, SetMatch>();
const pendingSubject = new WeakMap<ClusterPolicy, ServiceAccountMatch>();

/** A Tier object as read: its order and default action. */
export type CalicoTier = Tier & { readonly source: ClusterPolicy["source"] };
const loadedTiers = new WeakMap<object, CalicoTier>();

type Ctx = {
  readonly diag: Diagnostics;
  readonly site: Site;
  readonly obj: RawObject;
  /** The policy's namespace; undefined for a GlobalNetworkPolicy. */
  readonly namespace: string | undefined;
  readonly ref: ClusterPolicy["source"];
};

// Calico labels namespaces with projectcalico.org/name (docs "Network policy" → namespaceSelector); the model's
// namespaces carry the API server's kubernetes.io/metadata.name with the same value.
function renameKey(expr: SelectorExpression, from: string, to: string): SelectorExpression {
  switch (expr.op) {
    case "all":
      return expr;
    case "not":
      return { op: "not", expr: renameKey(expr.expr, from, to) };
    case "and":
    case "or":
      return { op: expr.op, left: renameKey(expr.left, from, to), right: renameKey(expr.right, from, to) };
    default:
      return expr.key === from ? { ...expr, key: to } : expr;
  }
}

function keysOf(expr: SelectorExpression): string[] {
  switch (expr.op) {
    case "all":
      return [];
    case "not":
      return keysOf(expr.expr);
    case "and":
    case "or":
      return [...keysOf(expr.left), ...keysOf(expr.right)];
    default:
      return [expr.key];
  }
}

function parseSelector(
  text: string,
  path: Path,
  ctx: Ctx,
  what: "pods" | "namespaces" | "accounts",
): SelectorExpression | undefined {
  try {
    let expr = parseCalicoSelector(text);
    if (what === "namespaces") expr = renameKey(expr, "projectcalico.org/name", "kubernetes.io/metadata.name");
    else if (what === "pods")
      for (const key of keysOf(expr))
        if (key.startsWith("projectcalico.org/"))
          ctx.diag.warn(
            "unsupported-selector",
            `label "${key}" is one Calico adds to endpoints; Ward matches pod selectors against the pods' own labels only`,
            ctx.site,
            path,
          );
    return expr;
  } catch (e) {
    if (!(e instanceof SelectorSyntaxError)) throw e;
    ctx.diag.error("invalid-selector", e.message, ctx.site, path);
    return undefined;
  }
}

const bySelector = (expr: SelectorExpression): LabelSelector => ({
  matchLabels: {},
  matchExpressions: [],
  expression: expr,
});

function parseNets(list: readonly string[] | undefined, path: Path, ctx: Ctx): Cidr[] {
  const out: Cidr[] = [];
  list?.forEach((text, i) => {
    // Calico nets take a CIDR or a bare address (cnet.ParseCIDROrIP); host bits are masked.
    try {
      out.push(parseCidr(text));
    } catch {
      ctx.diag.error("invalid-cidr", `invalid CIDR "${text}"`, ctx.site, [...path, i]);
    }
  });
  return out;
}

const WHOLE: Record<4 | 6, Cidr> = { 4: parseCidr("0.0.0.0/0"), 6: parseCidr("::/0") };

/**
 * An EntityRule's positive and negative peer sets. All given match criteria are ANDed (Calico "Rule"): the positive
 * selector is (namespace part) && (service accounts) && (selector), namespaced as soon as any selector field is set
 * (rules.go getEndpointSelector); nets must also contain the address; notNets and notSelector exclude.
 */
function entityPeers(e: EntityData | undefined, path: Path, ctx: Ctx): { peers: Peer[] | "any"; notPeers: Peer[] } {
  const line = ctx.obj.locator.lineOf(path);
  if (e === undefined) return { peers: "any", notPeers: [] };
  const nets = parseNets(e.nets, [...path, "nets"], ctx);
  const notNets = parseNets(e.notNets, [...path, "notNets"], ctx);
  const selector = e.selector === undefined ? undefined : parseSelector(e.selector, [...path, "selector"], ctx, "pods");
  const notSelector =
    e.notSelector === undefined ? undefined : parseSelector(e.notSelector, [...path, "notSelector"], ctx, "pods");
  const nsSelector =
    e.namespaceSelector === undefined
      ? undefined
      : parseSelector(e.namespaceSelector, [...path, "namespaceSelector"], ctx, "namespaces");
  let sa: ServiceAccountMatch | undefined;
  if (e.serviceAccounts !== undefined) {
    const s = e.serviceAccounts.selector;
    const expr =
      s === undefined ? undefined : parseSelector(s, [...path, "serviceAccounts", "selector"], ctx, "accounts");
    sa = {
      ...(e.serviceAccounts.names !== undefined && e.serviceAccounts.names.length > 0
        ? { names: e.serviceAccounts.names }
        : {}),
      ...(expr === undefined ? {} : { selector: expr }),
    };
  }
  if (e.services !== undefined)
    ctx.diag.warn(
      "unsupported-peer",
      "services match is not evaluated: this part of the rule matches nothing",
      ctx.site,
      [...path, "services"],
    );
  const scope: NamespaceScope =
    nsSelector !== undefined
      ? { kind: "selector", selector: bySelector(nsSelector) }
      : ctx.namespace !== undefined
        ? { kind: "same", namespace: ctx.namespace }
        : { kind: "selector", selector: EVERYTHING };
  const hasPositive = selector !== undefined || nsSelector !== undefined || sa !== undefined;
  const notPeers: Peer[] = notNets.map((cidr) => ({ kind: "ipBlock", block: { cidr, except: [] }, line }));
  // notSelector is not namespaced (rules.go: NotSrcSelector is the raw notSelector) …
  if (notSelector !== undefined) {
    const notPeer: Peer = {
      kind: "pods",
      namespaces: { kind: "selector", selector: EVERYTHING },
      pods: bySelector(notSelector),
      line,
    };
    pendingSets.set(notPeer, { selector: notSelector, scope: { kind: "any" } });
    notPeers.push(notPeer);
  }
  let peers: Peer[] | "any" = "any";
  // … but it makes a namespaced policy's positive match its own namespace.
  const namespacedByNot = notSelector !== undefined && ctx.namespace !== undefined;
  if (hasPositive || namespacedByNot) {
    const peer: Peer = {
      kind: "pods",
      namespaces: scope,
      pods: selector === undefined ? EVERYTHING : bySelector(selector),
      line,
    };
    if (sa !== undefined) pendingPeer.set(peer, sa);
    // A service-account match never matches a network set (sets have no service account: rules.go pcsa labels).
    else
      pendingSets.set(peer, {
        selector,
        scope:
          nsSelector !== undefined
            ? { kind: "namespaces", selector: nsSelector }
            : ctx.namespace !== undefined
              ? { kind: "same", namespace: ctx.namespace }
              : { kind: "any" },
      });
    peers = [peer];
    if (nets.length > 0)
      // nets AND selector: exclude pod addresses outside nets.
      for (const family of [4, 6] as const)
        notPeers.push({
          kind: "ipBlock",
          block: { cidr: WHOLE[family], except: nets.filter((n) => n.family === family) },
          line,
        });
  } else if (nets.length > 0) peers = nets.map((cidr) => ({ kind: "ipBlock", block: { cidr, except: [] }, line }));
  if (e.services !== undefined) peers = [];
  return { peers, notPeers };
}

// numorstring.Protocol: TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite or a number 1–255; ports need TCP, UDP, SCTP or
// UDPLite (SupportsPorts). Ward's connections are TCP, UDP or SCTP: ICMP, ICMPv6, UDPLite and other numbers match
// none of them.
const PROTOCOL_NAMES: Record<string, Protocol | "other-ports" | "other"> = {
  TCP: "TCP",
  UDP: "UDP",
  SCTP: "SCTP",
  UDPLITE: "other-ports",
  ICMP: "other",
  ICMPV6: "other",
};
const PROTOCOL_NUMBERS: Record<number, Protocol | "other-ports"> = {
  6: "TCP",
  17: "UDP",
  132: "SCTP",
  136: "other-ports",
};

function readProtocol(value: string | number, path: Path, ctx: Ctx): Protocol | "other-ports" | "other" | undefined {
  if (typeof value === "number" || /^\d+$/.test(value)) {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 255) {
      ctx.diag.error("invalid-protocol", `protocol number ${value} must be from 1 to 255`, ctx.site, path);
      return undefined;
    }
    return PROTOCOL_NUMBERS[n] ?? "other";
  }
  const p = PROTOCOL_NAMES[value.toUpperCase()];
  if (p === undefined)
    ctx.diag.error(
      "invalid-protocol",
      `unknown protocol "${value}": must be TCP, UDP, SCTP, UDPLite, ICMP, ICMPv6 or a number`,
      ctx.site,
      path,
    );
  return p;
}

/** "80", 80, "8000:8080" or a named port → port specs for one protocol. */
function readPorts(list: readonly (number | string)[], protocol: Protocol, path: Path, ctx: Ctx): PortSpec[] {
  const out: PortSpec[] = [];
  list.forEach((raw, i) => {
    const at = [...path, i];
    const line = ctx.obj.locator.lineOf(at);
    const text = String(raw);
    const range = /^(\d+)(?::(\d+))?$/.exec(text);
    if (range) {
      const start = Number(range[1]);
      const end = range[2] === undefined ? start : Number(range[2]);
      // numorstring.Port: 0–65535, min ≤ max. Port 0 never matches a TCP/UDP/SCTP connection Ward considers.
      if (end > 65535 || start > end) {
        ctx.diag.error("invalid-port", `invalid port or range "${text}"`, ctx.site, at);
        return;
      }
      const from = Math.max(start, 1);
      if (end < 1) return;
      out.push(from === end ? { protocol, port: from, line } : { protocol, port: from, endPort: end, line });
    } else if (isValidPortName(text)) out.push({ protocol, port: text, line });
    else ctx.diag.error("invalid-port", `invalid port "${text}": a number, "min:max" or a port name`, ctx.site, at);
  });
  return out;
}

const ACTIONS: Record<string, RuleAction> = { Allow: "allow", Deny: "deny", Pass: "pass", Log: "log" };

function toRule(rule: RuleData, direction: Direction, path: Path, ctx: Ctx): PolicyRule | undefined {
  const { diag, site } = ctx;
  const action = ACTIONS[rule.action];
  if (action === undefined)
    diag.error("invalid-action", `unknown action "${rule.action}": must be Allow, Deny, Pass or Log`, site, [
      ...path,
      "action",
    ]);
  const remote = direction === "ingress" ? "source" : "destination";
  const local = direction === "ingress" ? "destination" : "source";
  const { peers: remotePeers, notPeers } = entityPeers(rule[remote], [...path, remote], ctx);
  let peers = remotePeers;
  const localRule = rule[local];
  for (const k of [
    "nets",
    "notNets",
    "selector",
    "notSelector",
    "namespaceSelector",
    "serviceAccounts",
    "services",
  ] as const)
    if (localRule?.[k] !== undefined)
      diag.warn(
        "unsupported-field",
        `${local}.${k} in an ${direction} rule (a condition on the policy's own endpoint) is not evaluated: Ward ignores it`,
        site,
        [...path, local, k],
      );
  if (rule.ipVersion !== undefined && rule.ipVersion !== 4 && rule.ipVersion !== 6)
    diag.error("invalid-ip-version", `ipVersion must be 4 or 6, not ${rule.ipVersion}`, site, [...path, "ipVersion"]);
  else if (rule.ipVersion !== undefined)
    diag.warn("unsupported-field", "ipVersion is not evaluated: the rule is taken for both IP families", site, [
      ...path,
      "ipVersion",
    ]);

  // Protocol and ports: ports are the destination's (Ward does not model the client's ephemeral source port).
  const protocol = rule.protocol === undefined ? undefined : readProtocol(rule.protocol, [...path, "protocol"], ctx);
  const notProtocol =
    rule.notProtocol === undefined ? undefined : readProtocol(rule.notProtocol, [...path, "notProtocol"], ctx);
  const supportsPorts = protocol !== undefined && protocol !== "other";
  for (const end of ["source", "destination"] as const)
    for (const k of ["ports", "notPorts"] as const)
      if ((rule[end]?.[k]?.length ?? 0) > 0 && !supportsPorts)
        diag.error(
          "invalid-port",
          `${end}.${k} needs protocol TCP, UDP, SCTP or UDPLite (Calico: "protocol does not support ports")`,
          site,
          [...path, rule.protocol === undefined ? end : "protocol"],
        );
  const dst = rule.destination;
  let rulePorts: PortSpec[] | "all";
  if (protocol === undefined) rulePorts = "all";
  else if (protocol === "other" || protocol === "other-ports") rulePorts = [];
  else
    rulePorts =
      dst?.ports !== undefined && dst.ports.length > 0
        ? readPorts(dst.ports, protocol, [...path, "destination", "ports"], ctx)
        : [{ protocol, line: ctx.obj.locator.lineOf([...path, "protocol"]) }];
  const notPorts: PortSpec[] = [];
  if (notProtocol === "TCP" || notProtocol === "UDP" || notProtocol === "SCTP")
    notPorts.push({ protocol: notProtocol, line: ctx.obj.locator.lineOf([...path, "notProtocol"]) });
  if (dst?.notPorts !== undefined && (protocol === "TCP" || protocol === "UDP" || protocol === "SCTP"))
    notPorts.push(...readPorts(dst.notPorts, protocol, [...path, "destination", "notPorts"], ctx));
  const src = rule.source;
  if ((src?.ports?.length ?? 0) > 0 || (src?.notPorts?.length ?? 0) > 0) {
    diag.warn(
      "unsupported-field",
      "source ports are not evaluated (Ward's connections have no client port): this rule matches nothing",
      site,
      [...path, "source", (src?.ports?.length ?? 0) > 0 ? "ports" : "notPorts"],
    );
    peers = [];
  }
  if (action === undefined) return undefined;
  const out: { -readonly [K in keyof PolicyRule]: PolicyRule[K] } = {
    action,
    peers,
    ports: rulePorts,
    source: { ...ctx.ref, line: ctx.obj.locator.lineOf(path) },
  };
  if (notPeers.length > 0) out.notPeers = notPeers;
  if (notPorts.length > 0) out.notPorts = notPorts;
  if (rule.http !== undefined) out.http = httpMatches(rule.http, [...path, "http"], ctx);
  return out;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// Calico HTTPMatch: methods (any listed) AND paths (any listed: exact or prefix); enforced with application layer
// policy. Each method × path pair becomes one HttpMatch (path as an anchored regular expression).
function httpMatches(http: NonNullable<RuleData["http"]>, path: Path, ctx: Ctx): HttpMatch[] {
  const line = ctx.obj.locator.lineOf(path);
  const paths: (string | undefined)[] = [];
  http.paths?.forEach((p, i) => {
    if ((p.exact === undefined) === (p.prefix === undefined)) {
      ctx.diag.error("invalid-http", "a path match sets exactly one of exact or prefix", ctx.site, [
        ...path,
        "paths",
        i,
      ]);
      return;
    }
    paths.push(p.exact !== undefined ? escapeRegExp(p.exact) : `${escapeRegExp(p.prefix as string)}.*`);
  });
  const methods: (string | undefined)[] = http.methods?.length ? http.methods.map(escapeRegExp) : [undefined];
  if (paths.length === 0) paths.push(undefined);
  return methods.flatMap((method) =>
    paths.map((p) => ({ ...(method === undefined ? {} : { method }), ...(p === undefined ? {} : { path: p }), line })),
  );
}

/** A Calico NetworkPolicy or GlobalNetworkPolicy → one policy in its tier; a Tier → no policy (its order is kept). */
export function loadCalicoObject(obj: RawObject, diag: Diagnostics): Loaded | undefined {
  if (obj.kind === "Tier") return loadTier(obj, diag);
  if (obj.kind === "NetworkSet" || obj.kind === "GlobalNetworkSet") return loadNetworkSet(obj, diag);
  const global = obj.kind === "GlobalNetworkPolicy";
  const before = diag.errorCount;
  const site: Site = { file: obj.file, locator: obj.locator };
  const data = parseObject(policySchema, obj.value, diag, site);
  if (data === undefined) return undefined;
  const read = readIdentity(obj, data.metadata, { clusterScoped: global, nameRule: "subdomain" }, diag);
  if (read === undefined) return undefined;
  // Calico's namespaced kind shares the name "NetworkPolicy" with Kubernetes': keep the two apart.
  const kind = global ? "GlobalNetworkPolicy" : "NetworkPolicy.projectcalico.org";
  const identity = { ...read, kind, ref: { ...read.ref, kind } };
  const ctx: Ctx = { diag, site, obj, namespace: identity.namespace, ref: identity.ref };
  const spec = data.spec ?? {};
  if (spec.doNotTrack === true || spec.preDNAT === true) {
    diag.warn(
      "host-policy",
      "a doNotTrack or preDNAT policy applies to host endpoints only: it is not evaluated",
      site,
      ["spec", spec.doNotTrack === true ? "doNotTrack" : "preDNAT"],
    );
    return { identity, policies: [] };
  }
  if (!global && spec.namespaceSelector !== undefined)
    diag.error("unknown-field", "namespaceSelector is a GlobalNetworkPolicy field", site, [
      "spec",
      "namespaceSelector",
    ]);
  const selector = parseSelector(spec.selector ?? "", ["spec", "selector"], ctx, "pods");
  const nsSelector =
    spec.namespaceSelector === undefined
      ? undefined
      : parseSelector(spec.namespaceSelector, ["spec", "namespaceSelector"], ctx, "namespaces");
  const saSelector =
    spec.serviceAccountSelector === undefined
      ? undefined
      : parseSelector(spec.serviceAccountSelector, ["spec", "serviceAccountSelector"], ctx, "accounts");
  // types: when unset, [Ingress] unless there are egress rules: [Egress] with only egress rules, both with both
  // (projectcalico/api policy_common.go, PolicySpec.Types).
  const hasIngress = (spec.ingress?.length ?? 0) > 0;
  const hasEgress = (spec.egress?.length ?? 0) > 0;
  const types = new Set<string>(
    spec.types ?? (hasEgress ? (hasIngress ? ["Ingress", "Egress"] : ["Egress"]) : ["Ingress"]),
  );
  spec.types?.forEach((t, i) => {
    if (t !== "Ingress" && t !== "Egress")
      diag.error("invalid-type", `unknown policy type "${t}": must be Ingress or Egress`, site, ["spec", "types", i]);
  });
  if (spec.types !== undefined && new Set(spec.types).size !== spec.types.length)
    diag.error("invalid-type", "a policy type is listed more than once", site, ["spec", "types"]);
  const rules: Partial<Record<Direction, PolicyRule[]>> = {};
  for (const direction of ["ingress", "egress"] as const) {
    const type = direction === "ingress" ? "Ingress" : "Egress";
    const list = spec[direction];
    if (!types.has(type)) {
      if (list !== undefined && list.length > 0)
        diag.warn("rules-not-applied", `${direction} rules are not applied: types does not include ${type}`, site, [
          "spec",
          "types",
        ]);
      continue;
    }
    rules[direction] = (list ?? []).flatMap((r, i) => {
      const rule = toRule(r, direction, ["spec", direction, i], ctx);
      return rule === undefined ? [] : [rule];
    });
  }
  const order = spec.order ?? Number.POSITIVE_INFINITY; // unset order: after every ordered policy (Calico docs).
  const tierName = spec.tier ?? "default";
  let tier = DEFAULT_TIER;
  if (tierName !== "default") {
    tier = { name: tierName, order: Number.NaN, defaultAction: "deny" };
    pendingTier.set(tier, { name: tierName, site, path: ["spec", "tier"] });
  }
  if (diag.errorCount > before || selector === undefined) return undefined;
  const policy: ClusterPolicy = {
    namespace: global ? "" : (identity.namespace as string),
    name: identity.name,
    podSelector: bySelector(selector),
    ...(global ? { namespaceSelector: nsSelector === undefined ? EVERYTHING : bySelector(nsSelector) } : {}),
    ...(rules.ingress === undefined ? {} : { ingress: rules.ingress }),
    ...(rules.egress === undefined ? {} : { egress: rules.egress }),
    tier,
    order,
    // A policy applies to the endpoints it selects for each of its types: when none of its tier's rules decides, the
    // tier's defaultAction applies (Calico "Tier").
    isolates: { ingress: rules.ingress !== undefined, egress: rules.egress !== undefined },
    source: identity.ref,
  };
  if (saSelector !== undefined) pendingSubject.set(policy, { selector: saSelector });
  return { identity, policies: [policy] };
}

function loadTier(obj: RawObject, diag: Diagnostics): Loaded | undefined {
  const before = diag.errorCount;
  const site: Site = { file: obj.file, locator: obj.locator };
  const data = parseObject(tierSchema, obj.value, diag, site);
  if (data === undefined) return undefined;
  const identity = readIdentity(obj, data.metadata, { clusterScoped: true, nameRule: "subdomain" }, diag);
  if (identity === undefined) return undefined;
  const action = data.spec?.defaultAction ?? "Deny";
  if (action !== "Deny" && action !== "Pass")
    diag.error("invalid-action", `defaultAction must be Deny or Pass, not "${action}"`, site, [
      "spec",
      "defaultAction",
    ]);
  if (diag.errorCount > before) return undefined;
  const tier: CalicoTier = {
    name: identity.name,
    // An unset tier order comes after every ordered tier (Calico "Tier").
    order: data.spec?.order ?? Number.POSITIVE_INFINITY,
    defaultAction: action === "Pass" ? "pass" : "deny",
    source: identity.ref,
  };
  const loaded: Loaded = { identity, policies: [] };
  loadedTiers.set(loaded.policies, tier);
  return loaded;
}

/** The Tier a loaded Tier object defines (undefined for anything else). */
export function tierOf(loaded: Loaded): CalicoTier | undefined {
  return loadedTiers.get(loaded.policies);
}

export type ServiceAccountInfo = { readonly namespace: string; readonly name: string; readonly labels: Labels };

const RESERVED_TIERS = new Set(["default", "adminnetworkpolicy", "baselineadminnetworkpolicy"]);

/**
 * Once every object is read: gives each Calico policy its Tier (which must be defined in the input) and turns
 * service-account matches into service-account names per namespace. Returns the policies to use.
 */
export function resolveCalico(
  policies: readonly ClusterPolicy[],
  tiers: readonly CalicoTier[],
  accounts: readonly ServiceAccountInfo[],
  diag: Diagnostics,
  sets: { readonly networkSets: readonly CalicoNetworkSet[]; readonly namespaces: ReadonlyMap<string, Namespace> } = {
    networkSets: [],
    namespaces: new Map(),
  },
): ClusterPolicy[] {
  const byName = new Map<string, Tier>();
  for (const t of tiers) {
    if (RESERVED_TIERS.has(t.name)) {
      if (t.name !== "default" || t.order !== DEFAULT_TIER.order || t.defaultAction !== DEFAULT_TIER.defaultAction)
        diag.warnings.push({
          code: "reserved-tier",
          message: `Tier "${t.name}" is Calico's own: Ward keeps its built-in order and default action`,
          file: t.source.file,
          line: t.source.line,
        });
      continue;
    }
    byName.set(t.name, { name: t.name, order: t.order, defaultAction: t.defaultAction });
  }
  const out: ClusterPolicy[] = [];
  for (const p of policies) {
    let policy = p;
    const pending = pendingTier.get(p.tier);
    if (pending !== undefined) {
      const tier = byName.get(pending.name);
      if (tier === undefined) {
        diag.error(
          "undefined-tier",
          `tier "${pending.name}" is not defined in the input (a Tier object gives its order and default action)`,
          pending.site,
          pending.path,
        );
        continue;
      }
      policy = { ...policy, tier };
    }
    policy = withNetworkSets(resolvePeers(policy, accounts), sets.networkSets, sets.namespaces);
    const subject = pendingSubject.get(p);
    if (subject === undefined) {
      out.push(policy);
      continue;
    }
    // One copy of the policy per namespace with matching service accounts: same order, disjoint pods.
    for (const [namespace, names] of matchAccounts(subject, accounts)) {
      if (policy.namespaceSelector === undefined) {
        if (namespace === policy.namespace) out.push({ ...policy, serviceAccounts: names });
      } else
        out.push({
          ...policy,
          namespaceSelector: inNamespace(policy.namespaceSelector, namespace),
          serviceAccounts: names,
        });
    }
  }
  return out;
}

function inNamespace(selector: LabelSelector, namespace: string): LabelSelector {
  return {
    ...selector,
    matchExpressions: [
      ...selector.matchExpressions,
      { key: "kubernetes.io/metadata.name", operator: "In", values: [namespace] },
    ],
  };
}

/** Service accounts matching names and selector, grouped by namespace. */
function matchAccounts(match: ServiceAccountMatch, accounts: readonly ServiceAccountInfo[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const a of accounts) {
    if (match.names !== undefined && !match.names.includes(a.name)) continue;
    if (match.selector !== undefined && !selectorMatchesExpr(match.selector, a.labels)) continue;
    const list = out.get(a.namespace) ?? [];
    if (!list.includes(a.name)) list.push(a.name);
    out.set(a.namespace, list);
  }
  return out;
}

function selectorMatchesExpr(expr: SelectorExpression, labels: Labels): boolean {
  return selectorMatches({ matchLabels: {}, matchExpressions: [], expression: expr }, labels);
}

function resolvePeers(policy: ClusterPolicy, accounts: readonly ServiceAccountInfo[]): ClusterPolicy {
  const fix = (rules: readonly PolicyRule[] | undefined) =>
    rules?.map((r) => {
      if (r.peers === "any" || !r.peers.some((peer) => pendingPeer.has(peer))) return r;
      const peers = r.peers.flatMap((peer): Peer[] => {
        const match = pendingPeer.get(peer);
        if (match === undefined || peer.kind !== "pods") return [peer];
        return [...matchAccounts(match, accounts)].flatMap(([namespace, names]): Peer[] => {
          const scope = peer.namespaces;
          if (scope.kind === "same") return scope.namespace === namespace ? [{ ...peer, serviceAccounts: names }] : [];
          return [
            {
              ...peer,
              namespaces: { kind: "selector", selector: inNamespace(scope.selector, namespace) },
              serviceAccounts: names,
            },
          ];
        });
      });
      return { ...r, peers };
    });
  const ingress = fix(policy.ingress);
  const egress = fix(policy.egress);
  return { ...policy, ...(ingress === undefined ? {} : { ingress }), ...(egress === undefined ? {} : { egress }) };
}

/** Adds to each Calico selector peer the network sets it matches (calico-network-sets.ts). */
function withNetworkSets(
  policy: ClusterPolicy,
  networkSets: readonly CalicoNetworkSet[],
  namespaces: ReadonlyMap<string, Namespace>,
): ClusterPolicy {
  if (networkSets.length === 0) return policy;
  const match = (peer: Peer) => pendingSets.get(peer);
  const fix = (rules: readonly PolicyRule[] | undefined, direction: Direction) =>
    rules?.map((r): PolicyRule => {
      const peers =
        r.peers === "any"
          ? "any"
          : expandNetworkSets(r.peers, match, networkSets, namespaces, allowsDomains(r, direction));
      const notPeers =
        r.notPeers === undefined ? undefined : expandNetworkSets(r.notPeers, match, networkSets, namespaces, false);
      return { ...r, peers, ...(notPeers === undefined ? {} : { notPeers }) };
    });
  const ingress = fix(policy.ingress, "ingress");
  const egress = fix(policy.egress, "egress");
  return { ...policy, ...(ingress === undefined ? {} : { ingress }), ...(egress === undefined ? {} : { egress }) };
}
