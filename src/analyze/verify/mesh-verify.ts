import type { IntentPath } from "../../intent/intent.js";
import { type Cidr, cidrContains, formatAddress, parseCidr } from "../../model/cidr.js";
import type { Pod, Workload } from "../../model/endpoint.js";
import { selectorMatches } from "../../model/labels.js";
import { EMPTY_MESH } from "../../model/mesh.js";
import type { Model } from "../../model/model.js";
import { istioInjection, linkerdInjection } from "../mesh/injection.js";
import {
  DEFAULT_MESH_OPTIONS,
  evaluateIstio,
  type IstioClient,
  type IstioOutcome,
  istioSpaces,
} from "../mesh/istio-evaluate.js";
import { meshBlocks, meshGroupKey } from "../mesh/mesh-groups.js";
import { type AllMeshOptions, DEFAULT_ALL_MESH_OPTIONS, meshApplies, meshLayer } from "../mesh/mesh-layer.js";
import { boundaries, segments } from "../mesh/mesh-matrix.js";
import { type Atom, and, candidates, type Formula, not, or, solve, TRUE, toRequest } from "../mesh/request-space.js";
import { pathMatches, patternMatches } from "../mesh/value-match.js";
import { type Party, podParty } from "../party.js";
import { EMPTY_PORTS, type PortSet, portSetOf, unionPorts } from "../port-set.js";
import { ANY_REQUEST, formatRequest, type Request } from "../request.js";
import { type Decision, decision } from "../verdict.js";
import { specPorts } from "./port-math.js";
import { podsOf } from "./resolve-intent.js";

/*
 * The mesh layer against the intent, per intent path to a meshed workload. The intent's HTTP part uses Istio's value
 * matching (exact, "prefix*", "*suffix", "*" = any non-empty value; istio.io/latest/docs/concepts/security/#value-matching)
 * for methods and paths; a path without `http` allows every request; `identity` says which mTLS peers may send them.
 *
 * Istio is decided exactly: the allowed requests are a formula (istioSpaces) and the solver finds a request in
 * (intent ∧ ¬mesh) or (¬intent ∧ mesh), trying for each attribute every literal either side names and a value built
 * to avoid all of them ("some other method", "some other path"). Linkerd is decided by evaluating one request per
 * such class of method and path; a RegularExpression path or header match is reported undecidable, never guessed.
 */

export type MeshDifference = {
  readonly kind: "missing" | "extra";
  readonly from: string;
  readonly to: string;
  readonly ports: PortSet;
  readonly paths: readonly string[];
  /** What differs: a request ("DELETE /x"), a client ("plaintext", "principal …"), in words. */
  readonly what: string;
  readonly samples: readonly { protocol: "TCP"; port: number; decidedBy: readonly Decision[] }[];
};

export type MeshNote = { readonly path: IntentPath; readonly message: string };

/** One way a client can present itself to the destination's proxy. */
type Variant = {
  readonly key: string;
  readonly label: string;
  readonly meshed: boolean;
  readonly principal?: string;
  readonly namespace?: string;
  readonly serviceAccount?: string;
};

type Source =
  | { readonly kind: "workload"; readonly workload: Workload; readonly pod: Pod; readonly party: Party }
  | { readonly kind: "cidr"; readonly cidr: Cidr; readonly text: string; readonly party: Party };

export type MeshResolved = {
  readonly path: IntentPath;
  readonly from: readonly Workload[];
  readonly to: readonly Workload[];
};

function httpFormula(path: IntentPath): Formula {
  if (path.http === undefined) return TRUE;
  const parts: Formula[] = [];
  // Methods are compared exactly: the method token is case-sensitive (RFC 9110 §9.1), as in Istio's methods field.
  if (path.http.methods.length > 0)
    parts.push({ k: "atom", a: { attr: "method", patterns: path.http.methods, matcher: "glob" } });
  if (path.http.paths.length > 0)
    parts.push({ k: "atom", a: { attr: "path", patterns: path.http.paths, matcher: "path" } });
  return and(parts);
}

function httpMatches(path: IntentPath, r: Request): boolean {
  if (path.http === undefined) return true;
  const m = path.http.methods;
  const p = path.http.paths;
  return (
    (m.length === 0 || m.some((x) => patternMatches(x, r.method))) &&
    (p.length === 0 || p.some((x) => pathMatches(x, r.path)))
  );
}

/** "cluster.local/ns/payments/sa/frontend" → its namespace (Istio reads `/ns/<ns>/` inside the principal). */
function principalNamespace(principal: string): string | undefined {
  return /\/ns\/([^/]+)\//.exec(principal)?.[1];
}

const principalOf = (ns: string, sa: string, td: string) => `${td}/ns/${ns}/sa/${sa}`;

/** Does this intent path admit a client presenting itself this way (its own workloads' pods being `own`)? */
function admits(path: IntentPath, v: Variant, ownPrincipal: string | undefined): boolean {
  const id = path.identity;
  if (id === undefined) return v.key === "own" || v.key === "plaintext";
  if (!v.meshed) return false;
  if (id === "required") return v.key === "own";
  const p = v.key === "own" ? ownPrincipal : v.principal;
  return p !== undefined && id.some((x) => patternMatches(x.replace(/^spiffe:\/\//, ""), p));
}

type Found = {
  kind: "missing" | "extra";
  from: string;
  to: string;
  what: string;
  port: number;
  paths: string[];
  decidedBy: Decision[];
};

export function meshDifferences(
  model: Model,
  resolved: readonly MeshResolved[],
  isGovernedNamespace: (ns: string) => boolean,
  deny: boolean,
  opts: AllMeshOptions = DEFAULT_ALL_MESH_OPTIONS,
): { differences: MeshDifference[]; notes: MeshNote[] } {
  const found: Found[] = [];
  const notes = new Map<string, MeshNote>();
  const note = (path: IntentPath, message: string) => notes.set(`${path.index}\u0000${message}`, { path, message });
  if (!meshApplies(model)) return { differences: [], notes: [] };
  const blocks = meshBlocks(model, opts);
  const distinct = (pods: Pod[]) => {
    const seen = new Set<string>();
    return pods.filter((p) => {
      const k = `${JSON.stringify(p.labels)}\u0001${meshGroupKey(p, blocks)}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  };
  const toWorkloads = [...new Set(resolved.flatMap((r) => (r.path.to.kind === "workloads" ? r.to : [])))];
  for (const b of toWorkloads) {
    const into = resolved.filter((r) => r.path.to.kind === "workloads" && r.to.includes(b));
    const sources: Source[] = [];
    for (const w of [...new Set(into.flatMap((r) => r.from))])
      for (const pod of distinct(podsOf(model, w)))
        sources.push({ kind: "workload", workload: w, pod, party: podParty(model, pod) });
    // External clients: one address per run of addresses that the intent's CIDRs and the mesh's blocks treat alike.
    const ranges = into.flatMap((r) => (r.path.from.kind === "cidr" ? [r.path.from.cidr] : []));
    const points = new Map<string, { family: 4 | 6; value: bigint }>();
    for (const c of ranges)
      for (const v of [
        c.start,
        ...[...ranges, ...blocks].flatMap((x) => (x.family === c.family ? [x.start, x.end + 1n] : [])),
      ])
        if (v >= c.start && v <= c.end) points.set(`${c.family}:${v}`, { family: c.family, value: v });
    for (const { family, value } of points.values()) {
      const text = formatAddress(family, value);
      const cidr = parseCidr(text);
      sources.push({ kind: "cidr", cidr, text, party: { kind: "external", range: cidr } });
    }
    for (const server of distinct(podsOf(model, b))) {
      const ns = model.namespaces.get(server.namespace);
      const istio = istioInjection(server, ns).injected;
      const linkerd = !istio && linkerdInjection(server, ns).injected;
      if (!istio && !linkerd) {
        for (const r of into)
          if (r.path.http || r.path.identity)
            note(
              r.path,
              `the ${[r.path.http ? "HTTP method/path" : "", r.path.identity ? "client identity" : ""].filter(Boolean).join(" and ")} part is not provable: ${b.id} has no mesh proxy (${istioInjection(server, ns).why}); its ports are verified`,
            );
        continue;
      }
      const governed = deny && isGovernedNamespace(b.namespace);
      const cuts = boundaries(model, server);
      for (const src of sources) {
        // A single pod to itself is loopback; with replicas, the pod stands for another replica of the same kind.
        if (src.kind === "workload" && src.workload === b && b.single) continue;
        const covering = (port: number) =>
          into.filter(
            (r) =>
              (src.kind === "workload" ? r.from.includes(src.workload) : fromCidrHolds(r, src.cidr)) &&
              portIn(specPorts(r.path.ports, server.ports), port),
          );
        const wanted = into
          .filter((r) => (src.kind === "workload" ? r.from.includes(src.workload) : fromCidrHolds(r, src.cidr)))
          .reduce((acc, r) => unionPorts(acc, specPorts(r.path.ports, server.ports)), EMPTY_PORTS);
        const points = new Set(cuts);
        for (const [s, e] of wanted.TCP) points.add(s).add(e);
        for (const [s, e] of segments([...points].sort((x, y) => x - y))) {
          if (!portIn(wanted, s)) continue;
          const paths = covering(s);
          if (paths.length === 0) continue;
          const ctx: PairContext = { model, opts, src, server, b, port: s, paths, into, governed, note };
          const got = istio ? istioChecks(ctx) : linkerdChecks(ctx);
          for (const f of got) found.push({ ...f, port: s, ...(e > s ? { end: e } : {}) } as Found & { end?: number });
        }
      }
    }
  }
  return { differences: group(found as (Found & { end?: number })[]), notes: [...notes.values()] };
}

function fromCidrHolds(r: MeshResolved, address: Cidr): boolean {
  return r.path.from.kind === "cidr" && cidrContains(r.path.from.cidr, address);
}

function portIn(set: PortSet, port: number): boolean {
  return set.TCP.some(([s, e]) => port >= s && port <= e);
}

type PairContext = {
  readonly model: Model;
  readonly opts: AllMeshOptions;
  readonly src: Source;
  readonly server: Pod;
  readonly b: Workload;
  readonly port: number;
  /** The intent paths from this source to this destination on this port. */
  readonly paths: readonly MeshResolved[];
  /** Every intent path into the destination workload. */
  readonly into: readonly MeshResolved[];
  readonly governed: boolean;
  readonly note: (path: IntentPath, message: string) => void;
};

type Check = Omit<Found, "port">;

function sourceName(src: Source): string {
  return src.kind === "workload" ? src.workload.id : src.text;
}

function variantsOf(ctx: PairContext, td: string, meshedAsIs: boolean): { own?: Variant; asIs: Variant } {
  const src = ctx.src;
  const plaintext: Variant = { key: "plaintext", label: "plaintext (no mTLS identity)", meshed: false };
  if (src.kind === "cidr") return { asIs: plaintext };
  const p = principalOf(src.pod.namespace, src.pod.serviceAccount, td);
  const own: Variant = {
    key: "own",
    label: `its own identity ${p}`,
    meshed: true,
    principal: p,
    namespace: src.pod.namespace,
    serviceAccount: src.pod.serviceAccount,
  };
  return { own, asIs: meshedAsIs ? own : plaintext };
}

/** Principals worth trying as "some other identity": every literal the policies and the intent name, and fresh ones. */
function principalCandidates(model: Model, intentLists: readonly string[], td: string): string[] {
  const atoms: Atom[] = [];
  const push = (attr: string, values: readonly string[] | undefined) => {
    if (values && values.length > 0)
      atoms.push({ attr, patterns: values.map((v) => v.replace(/^spiffe:\/\//, "")), matcher: "glob" });
  };
  const namespaces: string[] = [];
  for (const p of (model.mesh ?? EMPTY_MESH).istio.authorizationPolicies)
    for (const r of p.rules) {
      for (const s of r.from ?? []) {
        push("principal", s.principals?.values);
        push("principal", s.principals?.notValues);
        namespaces.push(...(s.namespaces?.values ?? []), ...(s.namespaces?.notValues ?? []));
      }
      for (const w of r.when) {
        if (w.key === "source.principal") {
          push("principal", w.values);
          push("principal", w.notValues);
        }
        if (w.key === "source.namespace") namespaces.push(...(w.values ?? []), ...(w.notValues ?? []));
      }
    }
  push("principal", intentLists);
  const out = new Set<string>();
  for (const c of candidates("principal", atoms)) if (c !== undefined && c !== "") out.add(c);
  // A namespace pattern is matched inside the principal (`*/ns/<ns>/*`): a fresh account in each named namespace.
  for (const n of namespaces) out.add(principalOf(n.replace(/\*/g, "w4rd"), "ward-other", td));
  out.add(principalOf("ward-other", "ward-other", td));
  return [...out];
}

function istioChecks(ctx: PairContext): Check[] {
  const td = ctx.opts.trustDomain ?? DEFAULT_MESH_OPTIONS.trustDomain;
  const { src, server, port, model } = ctx;
  const clientInjected =
    src.kind === "workload" && istioInjection(src.pod, model.namespaces.get(src.pod.namespace)).injected;
  const { own, asIs } = variantsOf(ctx, td, clientInjected);
  const ownPrincipal = own?.principal;
  const from = sourceName(src);
  const to = ctx.b.id;
  const out: Check[] = [];
  const ip = src.kind === "workload" ? (src.party.kind === "pod" ? src.party.ips[0] : undefined) : src.cidr;
  const clientOf = (v: Variant): IstioClient => ({
    meshed: v.meshed,
    name: from,
    ...(v.namespace === undefined ? {} : { namespace: v.namespace }),
    ...(v.serviceAccount === undefined ? {} : { serviceAccount: v.serviceAccount }),
    ...(v.principal === undefined ? {} : { principal: v.principal }),
    ...(ip === undefined ? {} : { ip: { ...ip, start: ip.start, end: ip.start } }),
  });
  // The mesh tells mTLS clients apart by identity only: for an identity, the intended requests are the union over every
  // intent path into this destination (on this port) that admits it — as a listed principal, or as the own identity of
  // one of the path's source workloads. A plaintext client is told apart by its address: this source's paths.
  const holds = (r: MeshResolved, p: string): boolean => {
    const id = r.path.identity;
    if (Array.isArray(id)) return id.some((x) => patternMatches(x.replace(/^spiffe:\/\//, ""), p));
    return r.from.some((w) => podsOf(model, w).some((pod) => principalOf(pod.namespace, pod.serviceAccount, td) === p));
  };
  const onPort = ctx.into.filter((r) => portIn(specPorts(r.path.ports, server.ports), port));
  const intended = (v: Variant, paths: readonly MeshResolved[]): Formula => {
    if (!v.meshed) return or(paths.filter((r) => admits(r.path, v, ownPrincipal)).map((r) => httpFormula(r.path)));
    const p = v.key === "own" ? ownPrincipal : v.principal;
    return or(onPort.filter((r) => p !== undefined && holds(r, p)).map((r) => httpFormula(r.path)));
  };
  const names = (v: Variant) => ctx.paths.filter((r) => admits(r.path, v, ownPrincipal)).map((r) => r.path.name);

  const run = (v: Variant, kind: "missing" | "extra", intentF: Formula) => {
    const sp = istioSpaces(model, { client: clientOf(v), server, port }, ctx.opts);
    for (const c of sp.custom)
      for (const r of ctx.paths)
        ctx.note(
          r.path,
          `undecidable at the mesh layer: CUSTOM policy ${c.namespace}/${c.name} (${c.source.file}:${c.source.line}) defers to provider ${c.provider ?? "?"}`,
        );
    for (const space of sp.spaces) {
      // A TCP-only port cannot see HTTP: for `missing`, the intended requests need the connection itself.
      const iF =
        kind === "missing" && space.evaluatedAs === "tcp" && sp.protocol.kind === "tcp" && intentF.k !== "const"
          ? TRUE
          : intentF;
      // A sniffed port carries HTTP when the client speaks it: the intent's HTTP requests are judged as HTTP.
      if (kind === "missing" && space.evaluatedAs === "tcp" && sp.protocol.kind === "auto" && iF.k !== "const")
        continue;
      const target = kind === "missing" ? and([iF, not(space.allowed)]) : and([not(iF), space.allowed]);
      const env = solve(target, new Map(), space.free);
      if (env === undefined) continue;
      const request = space.evaluatedAs === "tcp" ? ANY_REQUEST : toRequest(env, ANY_REQUEST);
      const what =
        space.evaluatedAs === "tcp"
          ? `a TCP connection${sp.protocol.kind === "auto" ? " that is not HTTP" : ""} (${sp.protocol.why})`
          : formatRequest(request);
      const outcome = evaluateIstio(model, { client: clientOf(v), server, port, request, closed: true }, ctx.opts);
      out.push({
        kind,
        from,
        to,
        what: `${what} with ${v.label}`,
        paths: kind === "missing" ? names(v) : [],
        decidedBy: istioDecisions(outcome, request, space.evaluatedAs),
      });
      return;
    }
  };

  const lists = ctx.paths.flatMap((r) => (Array.isArray(r.path.identity) ? (r.path.identity as string[]) : []));
  const needsOwn = ctx.paths.some(
    (r) =>
      r.path.identity === "required" ||
      (Array.isArray(r.path.identity) && ownPrincipal !== undefined && admits(r.path, own as Variant, ownPrincipal)),
  );
  // Missing: each way the intent says the client connects must get every request the intent allows.
  if (ctx.paths.some((r) => r.path.identity === undefined)) run(asIs, "missing", intended(asIs, ctx.paths));
  if (own && needsOwn && (asIs !== own || !ctx.paths.some((r) => r.path.identity === undefined))) {
    if (!clientInjected && src.kind === "workload")
      out.push({
        kind: "missing",
        from,
        to,
        what: `mTLS with ${own.label}`,
        paths: names(own),
        decidedBy: [
          decision(
            `the intent requires the client's mTLS identity, but ${src.pod.namespace}/${src.pod.name} has no Istio sidecar: ${istioInjection(src.pod, model.namespaces.get(src.pod.namespace)).why}`,
          ),
        ],
      });
    run(own, "missing", intended(own, ctx.paths));
  }
  const listed: Variant[] = [...new Set(lists.map((x) => x.replace(/^spiffe:\/\//, "")))]
    .filter((p) => !p.includes("*") && p !== ownPrincipal)
    .map((p) => principalVariant(p));
  for (const v of listed) run(v, "missing", intended(v, ctx.paths));
  if (!ctx.governed) return out;
  // Extra: what the mesh admits beyond the intent, for the client as it is and, where the intent names identities,
  // for a plaintext client, its own identity and every other principal.
  run(asIs, "extra", intended(asIs, ctx.paths));
  const identities = ctx.paths.some((r) => r.path.identity !== undefined);
  if (identities) {
    const plaintext: Variant = { key: "plaintext", label: "plaintext (no mTLS identity)", meshed: false };
    if (asIs.key !== "plaintext") run(plaintext, "extra", intended(plaintext, ctx.paths));
    if (own && asIs !== own) run(own, "extra", intended(own, ctx.paths));
  }
  if (lists.length > 0) {
    for (const p of principalCandidates(model, lists, td)) {
      if (p === ownPrincipal) continue;
      run(principalVariant(p), "extra", intended(principalVariant(p), ctx.paths));
    }
  }
  return out;
}

function principalVariant(p: string): Variant {
  const ns = principalNamespace(p);
  return {
    key: `principal:${p}`,
    label: `principal ${p}`,
    meshed: true,
    principal: p,
    ...(ns ? { namespace: ns } : {}),
  };
}

function istioDecisions(out: IstioOutcome, request: Request, mode: "http" | "tcp"): Decision[] {
  const shown = mode === "tcp" ? "the TCP connection" : formatRequest(request);
  const d: Decision[] = [decision(`mTLS mode ${out.mtls.mode}: ${out.mtls.why}`, out.mtls.ref)];
  for (const p of out.policies) {
    if (p.policy.action === "AUDIT") continue;
    const rule = p.matched
      ? `rule ${p.matched.index + 1} (line ${p.matched.line}) matches ${shown}`
      : p.policy.rules.length === 0
        ? "no rules: matches nothing"
        : `none of its ${p.rules.length} rule${p.rules.length === 1 ? "" : "s"} matches ${shown}`;
    // The matching rule's own line, so file:line points at the rule that decides.
    const ref = p.matched ? { ...p.policy.source, line: p.matched.line } : p.policy.source;
    d.push(decision(`${p.policy.action} policy: ${rule}`, ref));
  }
  // The deciding policy's matching rule, when one matched: its line rather than the policy's.
  const rule = out.policies.find((p) => p.policy.source === out.decidedBy)?.matched;
  const by = out.decidedBy && rule ? { ...out.decidedBy, line: rule.line } : out.decidedBy;
  d.push(decision(`${out.allowed ? "allowed" : "denied"}: ${out.why}`, by));
  return d;
}

/** Linkerd route paths as Istio-style patterns, for choosing witnesses; undefined when one is a regular expression. */
function linkerdPatterns(
  model: Model,
  server: Pod,
  port: number,
): { paths: string[]; methods: string[]; undecidable?: string } {
  const l = (model.mesh ?? EMPTY_MESH).linkerd;
  // The Servers that select this pod's port (as linkerd-evaluate.ts picks them): only their routes decide here.
  const servers = l.servers.filter(
    (s) =>
      s.namespace === server.namespace &&
      selectorMatches(s.podSelector, server.labels) &&
      (typeof s.port === "number" ? s.port === port : server.ports.some((p) => p.name === s.port && p.port === port)),
  );
  const routes = l.routes.filter((r) =>
    r.parents.some((p) => servers.some((s) => s.name === p.name && s.namespace === p.namespace)),
  );
  const paths: string[] = [];
  const methods: string[] = [];
  for (const r of routes)
    for (const rule of r.rules)
      for (const m of rule.matches) {
        if (m.method !== undefined) methods.push(m.method);
        if (m.headers.length > 0)
          return {
            paths,
            methods,
            undecidable: `HTTPRoute ${r.namespace}/${r.name} (${r.source.file}:${rule.line}) matches on headers`,
          };
        if (m.path === undefined) continue;
        if (m.path.type === "RegularExpression")
          return {
            paths,
            methods,
            undecidable: `HTTPRoute ${r.namespace}/${r.name} (${r.source.file}:${rule.line}) matches paths by RegularExpression ${m.path.value}`,
          };
        if (m.path.type === "Exact") paths.push(m.path.value);
        else {
          // Gateway API PathPrefix is element-wise: "/a" matches "/a" and "/a/…", not "/ab".
          const v = m.path.value.replace(/\/+$/, "");
          paths.push(v === "" ? "/" : v, `${v}/*`);
        }
      }
  return { paths, methods };
}

function linkerdChecks(ctx: PairContext): Check[] {
  const { src, server, port, model } = ctx;
  const td = ctx.opts.trustDomain;
  const clientInjected =
    src.kind === "workload" && linkerdInjection(src.pod, model.namespaces.get(src.pod.namespace)).injected;
  const vs = variantsOf(ctx, td, clientInjected);
  // Linkerd names the identity <sa>.<ns>.serviceaccount.identity.linkerd.<trust domain>.
  const own =
    vs.own && src.kind === "workload"
      ? {
          ...vs.own,
          label: `its own identity ${src.pod.serviceAccount}.${src.pod.namespace}.serviceaccount.identity.linkerd.${td}`,
        }
      : undefined;
  const asIs = clientInjected && own ? own : vs.asIs;
  const from = sourceName(src);
  const to = ctx.b.id;
  const out: Check[] = [];
  const pats = linkerdPatterns(model, server, port);
  const intentPaths = ctx.paths.flatMap((r) => r.path.http?.paths ?? []);
  const intentMethods = ctx.paths.flatMap((r) => r.path.http?.methods ?? []);
  if (pats.undecidable !== undefined) {
    for (const r of ctx.paths) ctx.note(r.path, `undecidable at the mesh layer: ${pats.undecidable}`);
    return out;
  }
  for (const r of ctx.paths)
    if (Array.isArray(r.path.identity))
      ctx.note(
        r.path,
        "principal lists are Istio identities: not provable against Linkerd; the client's own identity is checked",
      );
  const atoms: Atom[] = [
    { attr: "method", patterns: [...intentMethods, ...pats.methods], matcher: "glob" },
    { attr: "path", patterns: [...intentPaths, ...pats.paths], matcher: "path" },
  ];
  const methods = candidates("method", atoms).filter((m): m is string => m !== undefined);
  const paths = candidates("path", atoms).filter((p): p is string => p !== undefined);
  const requests: Request[] = methods.flatMap((method) => paths.map((path) => ({ method, path, headers: {} })));
  // A request several HTTPRoutes match is decided by the one rule Linkerd selects (linkerd-route-select.ts).
  const names = (v: Variant) => ctx.paths.filter((r) => admits(r.path, v, undefined)).map((r) => r.path.name);
  const intended = (v: Variant, r: Request) =>
    ctx.paths.some((p) => admits(p.path, v, undefined) && httpMatches(p.path, r));
  const run = (v: Variant, kind: "missing" | "extra") => {
    for (const r of requests) {
      const want = intended(v, r);
      if (kind === "missing" ? !want : want) continue;
      const verdict = meshLayer(
        model,
        {
          from: src.party,
          to: podParty(model, server),
          port,
          protocol: "TCP",
          request: r,
          plaintext: v.key === "plaintext",
        },
        ctx.opts,
      );
      if (verdict.allowed === (kind === "extra")) {
        out.push({
          kind,
          from,
          to,
          what: `${formatRequest(r)} with ${v.label}`,
          paths: kind === "missing" ? names(v) : [],
          decidedBy: [...verdict.decidedBy],
        });
        return;
      }
    }
  };
  if (ctx.paths.some((r) => r.path.identity === undefined)) run(asIs, "missing");
  if (own && ctx.paths.some((r) => r.path.identity === "required")) {
    if (!clientInjected)
      out.push({
        kind: "missing",
        from,
        to,
        what: `mTLS with ${own.label}`,
        paths: names(own),
        decidedBy: [decision(`the intent requires the client's mTLS identity, but ${from} has no Linkerd proxy`)],
      });
    else run(own, "missing");
  }
  if (!ctx.governed) return out;
  run(asIs, "extra");
  if (ctx.paths.some((r) => r.path.identity !== undefined) && asIs.key !== "plaintext")
    run({ key: "plaintext", label: "plaintext (no mTLS identity)", meshed: false }, "extra");
  return out;
}

function group(found: readonly (Found & { end?: number })[]): MeshDifference[] {
  const byKey = new Map<string, { f: Found; ports: PortSet; paths: Set<string> }>();
  for (const f of found) {
    const key = `${f.kind}\u0000${f.from}\u0000${f.to}\u0000${f.what}`;
    const ports = portSetOf([{ protocol: "TCP", start: f.port, end: f.end ?? f.port }]);
    const cur = byKey.get(key);
    if (cur === undefined) byKey.set(key, { f, ports, paths: new Set(f.paths) });
    else {
      cur.ports = unionPorts(cur.ports, ports);
      for (const p of f.paths) cur.paths.add(p);
    }
  }
  return [...byKey.values()].map(({ f, ports, paths }) => ({
    kind: f.kind,
    from: f.from,
    to: f.to,
    ports,
    paths: [...paths],
    what: f.what,
    samples: [{ protocol: "TCP" as const, port: f.port, decidedBy: f.decidedBy }],
  }));
}
