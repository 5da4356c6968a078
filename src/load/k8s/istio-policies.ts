import { z } from "zod";
import { parseCidr } from "../../model/cidr.js";
import type {
  AuthorizationPolicy,
  IstioAction,
  IstioCondition,
  IstioOperation,
  IstioRule,
  IstioSource,
  MtlsMode,
  PeerAuthentication,
  ValueMatch,
} from "../../model/mesh.js";
import type { Diagnostics, Site } from "../diagnostics.js";
import type { Path } from "../positions.js";
import { type Identity, readIdentity } from "./metadata.js";
import type { RawObject } from "./objects.js";
import { parseObject } from "./parse-object.js";
import { labelsSchema, objectMeta } from "./schemas.js";
import { checkLabels } from "./validate-common.js";

/*
 * Istio security.istio.io v1 / v1beta1: PeerAuthentication, AuthorizationPolicy, RequestAuthentication.
 * Reference: istio.io/latest/docs/reference/config/security/{peer_authentication,authorization-policy,conditions}.
 */

const strings = z.array(z.string()).optional();
const workloadSelector = z.strictObject({ matchLabels: labelsSchema.optional() });
const targetRef = z.strictObject({
  group: z.string().optional(),
  kind: z.string(),
  name: z.string(),
  namespace: z.string().optional(),
});

const top = <T extends z.ZodType>(spec: T) =>
  z.strictObject({
    apiVersion: z.unknown().optional(),
    kind: z.unknown().optional(),
    metadata: objectMeta.optional(),
    spec: spec.optional(),
    status: z.unknown().optional(),
  });

const mtls = z.strictObject({ mode: z.string().optional() });
const peerAuthenticationSchema = top(
  z.strictObject({
    selector: workloadSelector.optional(),
    mtls: mtls.optional(),
    portLevelMtls: z.record(z.string(), mtls).optional(),
  }),
);

const sourceSchema = z.strictObject({
  principals: strings,
  notPrincipals: strings,
  requestPrincipals: strings,
  notRequestPrincipals: strings,
  namespaces: strings,
  notNamespaces: strings,
  ipBlocks: strings,
  notIpBlocks: strings,
  remoteIpBlocks: strings,
  notRemoteIpBlocks: strings,
  serviceAccounts: strings,
  notServiceAccounts: strings,
});
const operationSchema = z.strictObject({
  hosts: strings,
  notHosts: strings,
  ports: strings,
  notPorts: strings,
  methods: strings,
  notMethods: strings,
  paths: strings,
  notPaths: strings,
});
const ruleSchema = z.strictObject({
  from: z.array(z.strictObject({ source: sourceSchema.optional() })).optional(),
  to: z.array(z.strictObject({ operation: operationSchema.optional() })).optional(),
  when: z.array(z.strictObject({ key: z.string(), values: strings, notValues: strings })).optional(),
});
const authorizationPolicySchema = top(
  z.strictObject({
    selector: workloadSelector.optional(),
    targetRef: targetRef.optional(),
    targetRefs: z.array(targetRef).optional(),
    action: z.string().optional(),
    provider: z.strictObject({ name: z.string() }).optional(),
    rules: z.array(z.preprocess((v) => (v === null ? {} : v), ruleSchema)).optional(),
  }),
);

export type IstioLoaded =
  | { readonly kind: "PeerAuthentication"; readonly identity: Identity; readonly value: PeerAuthentication }
  | { readonly kind: "AuthorizationPolicy"; readonly identity: Identity; readonly value: AuthorizationPolicy }
  | { readonly kind: "RequestAuthentication"; readonly identity: Identity };

const MODES: readonly string[] = ["STRICT", "PERMISSIVE", "DISABLE", "UNSET"];
const ACTIONS: readonly string[] = ["ALLOW", "DENY", "AUDIT", "CUSTOM"];

function selectorOf(sel: { matchLabels?: Record<string, string> | undefined } | undefined) {
  return sel === undefined ? undefined : { matchLabels: { ...(sel.matchLabels ?? {}) }, matchExpressions: [] };
}

export function loadPeerAuthentication(obj: RawObject, diag: Diagnostics): IstioLoaded | undefined {
  const site: Site = { file: obj.file, locator: obj.locator };
  const before = diag.errorCount;
  const data = parseObject(peerAuthenticationSchema, obj.value, diag, site);
  if (data === undefined) return undefined;
  const identity = readIdentity(obj, data.metadata, { clusterScoped: false, nameRule: "subdomain" }, diag);
  if (identity === undefined) return undefined;
  const spec = data.spec ?? {};
  if (spec.selector?.matchLabels)
    checkLabels(spec.selector.matchLabels, diag, site, ["spec", "selector", "matchLabels"]);
  const mode = checkMode(spec.mtls?.mode, diag, site, ["spec", "mtls", "mode"]);
  const portLevel: { port: number; mode: MtlsMode; line: number }[] = [];
  for (const [key, value] of Object.entries(spec.portLevelMtls ?? {})) {
    const at: Path = ["spec", "portLevelMtls", key];
    const port = Number(key);
    if (!/^\d+$/.test(key) || port < 1 || port > 65535)
      diag.error("port-out-of-range", `portLevelMtls key "${key}" must be a port number 1-65535`, site, at);
    portLevel.push({ port, mode: checkMode(value.mode, diag, site, [...at, "mode"]), line: obj.locator.lineOf(at) });
  }
  // PeerAuthentication validation: port-level mTLS applies to workload-level policies only (it needs a selector).
  if (portLevel.length > 0 && spec.selector === undefined)
    diag.error(
      "invalid-port-level-mtls",
      "portLevelMtls needs a selector (only a workload-level policy can set it)",
      site,
      ["spec", "portLevelMtls"],
    );
  if (diag.errorCount > before) return undefined;
  const selector = selectorOf(spec.selector);
  const value: PeerAuthentication = {
    namespace: identity.namespace as string,
    name: identity.name,
    ...(selector === undefined ? {} : { selector }),
    mode,
    portLevel,
    source: identity.ref,
  };
  return { kind: "PeerAuthentication", identity, value };
}

function checkMode(mode: string | undefined, diag: Diagnostics, site: Site, path: Path): MtlsMode {
  // PeerAuthentication.MutualTLS.Mode: unset means UNSET (inherit from the parent).
  if (mode === undefined) return "UNSET";
  if (MODES.includes(mode)) return mode as MtlsMode;
  diag.error("invalid-mode", `invalid mTLS mode "${mode}": must be STRICT, PERMISSIVE, DISABLE or UNSET`, site, path);
  return "UNSET";
}

export function loadRequestAuthentication(obj: RawObject, diag: Diagnostics): IstioLoaded | undefined {
  const meta = (obj.value as { metadata?: unknown }).metadata;
  const parsed = objectMeta.safeParse(meta ?? {});
  const identity = readIdentity(
    obj,
    parsed.success ? parsed.data : undefined,
    { clusterScoped: false, nameRule: "subdomain" },
    diag,
  );
  return identity && { kind: "RequestAuthentication", identity };
}

type RuleData = z.output<typeof ruleSchema>;

// Condition keys (istio.io/latest/docs/reference/config/security/conditions).
const CONDITION_KEYS = [
  "source.ip",
  "remote.ip",
  "source.namespace",
  "source.principal",
  "request.auth.principal",
  "request.auth.audiences",
  "request.auth.presenter",
  "destination.ip",
  "destination.port",
  "connection.sni",
];
const CONDITION_PREFIXES = ["request.headers[", "request.auth.claims[", "experimental.envoy.filters."];

export function loadAuthorizationPolicy(obj: RawObject, diag: Diagnostics): IstioLoaded | undefined {
  const site: Site = { file: obj.file, locator: obj.locator };
  const before = diag.errorCount;
  const data = parseObject(authorizationPolicySchema, obj.value, diag, site);
  if (data === undefined) return undefined;
  const identity = readIdentity(obj, data.metadata, { clusterScoped: false, nameRule: "subdomain" }, diag);
  if (identity === undefined) return undefined;
  const spec = data.spec ?? {};
  if (spec.selector?.matchLabels)
    checkLabels(spec.selector.matchLabels, diag, site, ["spec", "selector", "matchLabels"]);
  // AuthorizationPolicy.action: ALLOW when unset.
  const action = (spec.action ?? "ALLOW") as IstioAction;
  if (!ACTIONS.includes(action))
    diag.error("unknown-action", `unknown action "${spec.action}": must be ALLOW, DENY, AUDIT or CUSTOM`, site, [
      "spec",
      "action",
    ]);
  if (action === "CUSTOM" && spec.provider === undefined)
    diag.error("missing-field", "action CUSTOM needs provider.name (the extension authorizer)", site, [
      "spec",
      "action",
    ]);
  if (action !== "CUSTOM" && spec.provider !== undefined)
    diag.error("invalid-provider", "provider is only allowed with action CUSTOM", site, ["spec", "provider"]);
  const targets = [...(spec.targetRef ? [spec.targetRef] : []), ...(spec.targetRefs ?? [])];
  if (targets.length > 0 && spec.selector !== undefined)
    diag.error("invalid-target", "selector and targetRef(s) are mutually exclusive", site, ["spec", "selector"]);
  // istio.io AuthorizationPolicy reference: targetRefs attach to a Gateway, GatewayClass, or (waypoints only) a
  // Service/ServiceEntry; they never apply to sidecars. Ward models no gateways, waypoints or ambient mode: say so.
  if (targets.length > 0)
    diag.warn(
      "not-evaluated",
      `targetRef(s) ${targets.map((t) => `${t.kind}/${t.name}`).join(", ")}: the policy attaches to a gateway or waypoint, which Ward does not model; it is not evaluated (sidecars never enforce it)`,
      site,
      ["spec", spec.targetRef ? "targetRef" : "targetRefs"],
    );
  const rules = (spec.rules ?? []).map((r, i) => toRule(r, ["spec", "rules", i], obj, diag, site));
  if (diag.errorCount > before) return undefined;
  const selector = selectorOf(spec.selector);
  const value: AuthorizationPolicy = {
    namespace: identity.namespace as string,
    name: identity.name,
    ...(selector === undefined ? {} : { selector }),
    ...(targets.length === 0 ? {} : { targetRefs: targets.map((t) => ({ kind: t.kind, name: t.name })) }),
    action,
    ...(spec.provider === undefined ? {} : { provider: spec.provider.name }),
    rules,
    source: identity.ref,
  };
  return { kind: "AuthorizationPolicy", identity, value };
}

type Check = (value: string, diag: Diagnostics, site: Site, path: Path) => void;

function field(
  values: string[] | undefined,
  notValues: string[] | undefined,
  check: Check,
  at: Path,
  names: [string, string],
  diag: Diagnostics,
  site: Site,
): ValueMatch | undefined {
  values?.forEach((v, i) => {
    check(v, diag, site, [...at, names[0], i]);
  });
  notValues?.forEach((v, i) => {
    check(v, diag, site, [...at, names[1], i]);
  });
  if (values === undefined && notValues === undefined) return undefined;
  return { ...(values === undefined ? {} : { values }), ...(notValues === undefined ? {} : { notValues }) };
}

function toRule(r: RuleData, at: Path, obj: RawObject, diag: Diagnostics, site: Site): IstioRule {
  const from = r.from?.map((f, i): IstioSource => {
    const p: Path = [...at, "from", i, "source"];
    const s = f.source;
    if (s === undefined || Object.keys(s).length === 0)
      diag.error("empty-source", "from.source must set at least one field", site, p);
    const src = s ?? {};
    if (src.serviceAccounts !== undefined || src.notServiceAccounts !== undefined)
      diag.warn(
        "not-evaluated",
        "serviceAccounts in source (Istio 1.24+) is not evaluated yet: the field is ignored",
        site,
        p,
      );
    const out: { -readonly [K in keyof IstioSource]: IstioSource[K] } = { line: obj.locator.lineOf(p) };
    const set = <K extends keyof Omit<IstioSource, "line">>(key: K, m: ValueMatch | undefined) => {
      if (m !== undefined) out[key] = m;
    };
    set(
      "principals",
      field(src.principals, src.notPrincipals, checkPrincipal, p, ["principals", "notPrincipals"], diag, site),
    );
    set(
      "namespaces",
      field(src.namespaces, src.notNamespaces, checkPattern, p, ["namespaces", "notNamespaces"], diag, site),
    );
    set("ipBlocks", field(src.ipBlocks, src.notIpBlocks, checkIpBlock, p, ["ipBlocks", "notIpBlocks"], diag, site));
    set(
      "remoteIpBlocks",
      field(
        src.remoteIpBlocks,
        src.notRemoteIpBlocks,
        checkIpBlock,
        p,
        ["remoteIpBlocks", "notRemoteIpBlocks"],
        diag,
        site,
      ),
    );
    set(
      "requestPrincipals",
      field(
        src.requestPrincipals,
        src.notRequestPrincipals,
        checkPattern,
        p,
        ["requestPrincipals", "notRequestPrincipals"],
        diag,
        site,
      ),
    );
    return out;
  });
  const to = r.to?.map((t, i): IstioOperation => {
    const p: Path = [...at, "to", i, "operation"];
    const o = t.operation;
    if (o === undefined || Object.keys(o).length === 0)
      diag.error("empty-operation", "to.operation must set at least one field", site, p);
    const op = o ?? {};
    const out: { -readonly [K in keyof IstioOperation]: IstioOperation[K] } = { line: obj.locator.lineOf(p) };
    const set = <K extends keyof Omit<IstioOperation, "line">>(key: K, m: ValueMatch | undefined) => {
      if (m !== undefined) out[key] = m;
    };
    set("hosts", field(op.hosts, op.notHosts, checkPattern, p, ["hosts", "notHosts"], diag, site));
    set("ports", field(op.ports, op.notPorts, checkPort, p, ["ports", "notPorts"], diag, site));
    set("methods", field(op.methods, op.notMethods, checkPattern, p, ["methods", "notMethods"], diag, site));
    set("paths", field(op.paths, op.notPaths, checkPath, p, ["paths", "notPaths"], diag, site));
    return out;
  });
  const when = (r.when ?? []).map((w, i): IstioCondition => {
    const p: Path = [...at, "when", i];
    const known = CONDITION_KEYS.includes(w.key) || CONDITION_PREFIXES.some((x) => w.key.startsWith(x));
    if (!known) diag.error("unknown-condition", `unknown condition key "${w.key}"`, site, [...p, "key"]);
    else if (/^(request\.headers|request\.auth\.claims)\[/.test(w.key) && !/\[[^\]]+\](\[[^\]]+\])*$/.test(w.key))
      diag.error("unknown-condition", `condition key "${w.key}" needs a name in brackets`, site, [...p, "key"]);
    // Conditions: values or notValues must be set.
    if (w.values === undefined && w.notValues === undefined)
      diag.error("missing-field", "a condition needs values or notValues", site, p);
    const check: Check =
      w.key === "source.ip" || w.key === "remote.ip" || w.key === "destination.ip"
        ? checkIpBlock
        : w.key === "destination.port"
          ? checkPort
          : w.key === "source.principal"
            ? checkPrincipal
            : checkPattern;
    field(w.values, w.notValues, check, p, ["values", "notValues"], diag, site);
    return {
      key: w.key,
      ...(w.values === undefined ? {} : { values: w.values }),
      ...(w.notValues === undefined ? {} : { notValues: w.notValues }),
      line: obj.locator.lineOf(p),
    };
  });
  return {
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    when,
    line: obj.locator.lineOf(at),
  };
}

/** Istio value matching: exact, "prefix*", "*suffix" or "*"; a "*" anywhere else is not supported. */
function checkPattern(value: string, diag: Diagnostics, site: Site, path: Path): void {
  if (value === "") diag.error("invalid-value", "empty value", site, path);
  else if (value.length > 1 && value.slice(1, -1).includes("*"))
    diag.error("invalid-wildcard", `"${value}": "*" is only allowed at the start or the end`, site, path);
  else if (value.length > 1 && value.startsWith("*") && value.endsWith("*"))
    diag.error("invalid-wildcard", `"${value}": "*" is only allowed at the start or the end, not both`, site, path);
}

function checkPath(value: string, diag: Diagnostics, site: Site, path: Path): void {
  // Path templates {*} and {**} (Istio 1.22+) are allowed as whole segments.
  if (/\{\*\*?\}/.test(value)) {
    if (value.includes("*") && value.replace(/\{\*\*?\}/g, "").includes("*"))
      diag.error("invalid-wildcard", `"${value}": cannot mix "*" with path templates`, site, path);
    return;
  }
  checkPattern(value, diag, site, path);
}

/** A principal is `<trust-domain>/ns/<namespace>/sa/<service-account>` (optionally spiffe://), or a wildcard form. */
function checkPrincipal(value: string, diag: Diagnostics, site: Site, path: Path): void {
  const before = diag.errorCount;
  checkPattern(value, diag, site, path);
  if (diag.errorCount > before || value.includes("*")) return;
  const id = value.startsWith("spiffe://") ? value.slice("spiffe://".length) : value;
  if (!/^[^/\s]+\/ns\/[^/\s]+\/sa\/[^/\s]+$/.test(id))
    diag.error(
      "malformed-principal",
      `malformed principal "${value}": expected <trust-domain>/ns/<namespace>/sa/<service-account>`,
      site,
      path,
    );
}

function checkIpBlock(value: string, diag: Diagnostics, site: Site, path: Path): void {
  try {
    parseCidr(value); // Istio ipBlocks: a single IP or a CIDR
  } catch {
    diag.error("invalid-cidr", `invalid IP or CIDR "${value}"`, site, path);
  }
}

function checkPort(value: string, diag: Diagnostics, site: Site, path: Path): void {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535)
    diag.error("port-out-of-range", `"${value}" is not a port number 1-65535`, site, path);
}
