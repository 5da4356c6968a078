import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../errors/input-error.js";
import type { Namespace, Pod } from "../../model/endpoint.js";
import type {
  HttpRouteMatch,
  LinkerdAuthorizationPolicy,
  LinkerdMesh,
  LinkerdRoute,
  LinkerdServer,
  ServerAuthorization,
} from "../../model/mesh.js";
import type { Model } from "../../model/model.js";
import { externalParty, type Party, podParty } from "../party.js";
import type { Request } from "../request.js";
import { DEFAULT_LINKERD_OPTIONS, evaluateLinkerd } from "./linkerd-evaluate.js";
import { type CompleteRequest, referenceLinkerd } from "./linkerd-reference.js";

/*
 * Random small Linkerd meshes: the evaluator (with explanations and open request attributes) against the spec-literal
 * reference. 1. On complete requests both agree (or both call the input an error). 2. On an open request, the
 * evaluator allows exactly when some complete request of a pool that witnesses every generated match is allowed.
 */

const ref = (kind: string, name: string, namespace = "app") => ({ kind, name, namespace, file: "r.yaml", line: 1 });
const sel = (app: string) => ({ matchLabels: { app }, matchExpressions: [] });
const TD = DEFAULT_LINKERD_OPTIONS.trustDomain;
const id = (sa: string, ns: string) => `${sa}.${ns}.serviceaccount.identity.linkerd.${TD}`;

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const serverArb = (i: number): fc.Arbitrary<LinkerdServer> =>
  fc
    .record({
      app: fc.constantFrom("server", "server", "other"),
      port: fc.constantFrom<number | string>(80, "http", 9000, "admin"),
      proxyProtocol: opt(fc.constantFrom("HTTP/1", "opaque", "unknown")),
      accessPolicy: opt(fc.constantFrom("all-unauthenticated", "all-authenticated", "cluster-unauthenticated", "deny")),
    })
    .map((s) => ({
      namespace: "app",
      name: `s${i}`,
      labels: { tier: i === 0 ? "web" : "ops" },
      podSelector: sel(s.app),
      port: s.port,
      ...(s.proxyProtocol === undefined ? {} : { proxyProtocol: s.proxyProtocol }),
      ...(s.accessPolicy === undefined ? {} : { accessPolicy: s.accessPolicy }),
      source: ref("Server", `s${i}`),
    }));

const matchArb: fc.Arbitrary<HttpRouteMatch> = fc
  .record({
    path: opt(
      fc.constantFrom(
        { type: "Exact" as const, value: "/metrics" },
        { type: "PathPrefix" as const, value: "/api" },
        { type: "PathPrefix" as const, value: "/" },
        { type: "RegularExpression" as const, value: "/api/.*" },
      ),
    ),
    method: opt(fc.constantFrom("GET", "POST")),
    headers: fc.constantFrom(
      [],
      [{ type: "Exact" as const, name: "x-env", value: "prod" }],
      [{ type: "RegularExpression" as const, name: "x-env", value: "d.*" }],
    ),
  })
  .map((m) => ({
    headers: m.headers,
    ...(m.path === undefined ? {} : { path: m.path }),
    ...(m.method === undefined ? {} : { method: m.method }),
  }));

const routeArb = (i: number): fc.Arbitrary<LinkerdRoute> =>
  fc
    .record({
      parent: fc.constantFrom("s0", "s1"),
      rules: fc.array(fc.array(matchArb, { maxLength: 2 }), { minLength: 1, maxLength: 2 }),
      // Precedence ties go to the older route, then name order (routes with a timestamp first).
      created: opt(fc.constantFrom("2024-01-01T00:00:00Z", "2024-06-01T00:00:00Z")),
    })
    .map((r) => ({
      namespace: "app",
      name: `r${i}`,
      parents: [{ namespace: "app", name: r.parent }],
      rules: r.rules.map((matches) => ({ matches, line: 1 })),
      ...(r.created === undefined ? {} : { creationTimestamp: r.created }),
      source: ref("HTTPRoute", `r${i}`),
    }));

const authRefArb = fc.constantFrom(
  { kind: "MeshTLSAuthentication", name: "m0", namespace: "app" },
  { kind: "MeshTLSAuthentication", name: "missing", namespace: "app" },
  { kind: "NetworkAuthentication", name: "n0", namespace: "app" },
  { kind: "ServiceAccount", name: "a", namespace: "app" },
);

const policyArb = (i: number): fc.Arbitrary<LinkerdAuthorizationPolicy> =>
  fc
    .record({
      target: fc.constantFrom(
        { kind: "Server" as const, name: "s0" },
        { kind: "Server" as const, name: "s1" },
        { kind: "HTTPRoute" as const, name: "r0" },
        { kind: "HTTPRoute" as const, name: "r1" },
        { kind: "Namespace" as const, name: "app" },
      ),
      required: fc.uniqueArray(authRefArb, { maxLength: 2, selector: (r) => r.name }),
    })
    .map((p) => ({ namespace: "app", name: `ap${i}`, ...p, source: ref("AuthorizationPolicy", `ap${i}`) }));

const legacyArb = (i: number): fc.Arbitrary<ServerAuthorization> =>
  fc
    .record({
      server: fc.constantFrom({ name: "s0" }, { name: "s1" }, { selector: sel("web") }),
      unauthenticated: fc.boolean(),
      meshTLS: opt(
        fc.record({
          unauthenticatedTLS: fc.boolean(),
          identities: fc.uniqueArray(
            fc.constantFrom(id("b", "app"), "*", `*.app.serviceaccount.identity.linkerd.${TD}`),
            {
              maxLength: 1,
            },
          ),
          serviceAccounts: fc.constantFrom([], [{ name: "a", namespace: "app" }]),
        }),
      ),
      networks: opt(
        fc.constantFrom([{ cidr: "10.0.0.0/24", except: ["10.0.0.5/32"] }], [{ cidr: "0.0.0.0/0", except: [] }]),
      ),
    })
    .map((a) => ({
      namespace: "app",
      name: `sa${i}`,
      // Server selector by the Server's own labels.
      server: "selector" in a.server ? { selector: { matchLabels: { tier: "web" }, matchExpressions: [] } } : a.server,
      client: {
        unauthenticated: a.unauthenticated,
        ...(a.meshTLS === undefined ? {} : { meshTLS: a.meshTLS }),
        ...(a.networks === undefined ? {} : { networks: a.networks }),
      },
      source: ref("ServerAuthorization", `sa${i}`),
    }));

const indexed = <T>(n: number, f: (i: number) => fc.Arbitrary<T>): fc.Arbitrary<T[]> =>
  fc.nat({ max: n }).chain((k) => fc.tuple(...Array.from({ length: k }, (_, i) => f(i))));

const meshArb: fc.Arbitrary<LinkerdMesh & { nsPolicy?: string; podPolicy?: string }> = fc
  .record({
    servers: indexed(2, serverArb),
    routes: indexed(2, routeArb),
    authorizationPolicies: indexed(3, policyArb),
    serverAuthorizations: indexed(1, legacyArb),
    identities: fc.uniqueArray(
      fc.constantFrom(id("a", "app"), id("b", "app"), "*", `*.other.serviceaccount.identity.linkerd.${TD}`),
      {
        minLength: 1,
        maxLength: 2,
      },
    ),
    networks: fc.constantFrom(
      [{ cidr: "10.0.0.0/8", except: [] }],
      [{ cidr: "10.0.0.0/24", except: ["10.0.0.1/32"] }],
      [{ cidr: "203.0.113.0/24", except: [] }],
    ),
    nsPolicy: opt(fc.constantFrom("deny", "all-authenticated", "cluster-authenticated", "cluster-unauthenticated")),
    podPolicy: opt(fc.constantFrom("all-unauthenticated", "deny")),
  })
  .map((m) => ({
    servers: m.servers,
    routes: m.routes,
    authorizationPolicies: m.authorizationPolicies,
    serverAuthorizations: m.serverAuthorizations,
    meshTLSAuthentications: [
      {
        namespace: "app",
        name: "m0",
        identities: m.identities,
        serviceAccounts: [],
        source: ref("MeshTLSAuthentication", "m0"),
      },
    ],
    networkAuthentications: [
      { namespace: "app", name: "n0", networks: m.networks, source: ref("NetworkAuthentication", "n0") },
    ],
    ...(m.nsPolicy === undefined ? {} : { nsPolicy: m.nsPolicy }),
    ...(m.podPolicy === undefined ? {} : { podPolicy: m.podPolicy }),
  }));

const pod = (ns: string, name: string, sa: string, ip: string, annotations: Record<string, string>): Pod => ({
  namespace: ns,
  name,
  labels: { app: name },
  annotations,
  ips: [ip],
  ports: [
    { port: 80, protocol: "TCP", name: "http" },
    { port: 9000, protocol: "TCP", name: "admin" },
  ],
  serviceAccount: sa,
  hostNetwork: false,
  workload: `${ns}/${name}`,
  fromTemplate: false,
  source: ref("Pod", name, ns),
});

function buildModel(m: LinkerdMesh & { nsPolicy?: string; podPolicy?: string }): Model {
  const meshed = { "linkerd.io/inject": "enabled" };
  const nsAnnotations: Record<string, string> = {
    ...meshed,
    ...(m.nsPolicy === undefined ? {} : { "config.linkerd.io/default-inbound-policy": m.nsPolicy }),
  };
  const namespaces = new Map<string, Namespace>([
    ["app", { name: "app", labels: {}, annotations: nsAnnotations }],
    ["out", { name: "out", labels: {} }],
  ]);
  const server = pod("app", "server", "server", "10.0.0.2", {
    ...(m.podPolicy === undefined ? {} : { "config.linkerd.io/default-inbound-policy": m.podPolicy }),
  });
  return {
    namespaces,
    pods: [
      server,
      pod("app", "a", "a", "10.0.0.1", {}),
      pod("app", "b", "b", "10.0.0.5", {}),
      pod("out", "c", "c", "10.0.1.7", {}),
      pod("app", "d", "d", "10.0.0.9", { "linkerd.io/inject": "disabled" }),
    ],
    workloads: [],
    policies: [],
    services: [],
    serviceAccounts: [],
    ignored: [],
    warnings: [],
    mesh: {
      istio: { peerAuthentications: [], authorizationPolicies: [], requestAuthentications: [] },
      linkerd: {
        servers: m.servers,
        routes: m.routes,
        authorizationPolicies: m.authorizationPolicies,
        meshTLSAuthentications: m.meshTLSAuthentications,
        networkAuthentications: m.networkAuthentications,
        serverAuthorizations: m.serverAuthorizations,
      },
    },
  };
}

/** The clients: meshed app/a and app/b, un-meshed out/c and app/d, and an address outside the cluster. */
function clients(model: Model): { party: Party; identity?: string; ip: string }[] {
  const byName = (n: string) => model.pods.find((p) => p.name === n) as Pod;
  return [
    { party: podParty(model, byName("a")), identity: id("a", "app"), ip: "10.0.0.1" },
    { party: podParty(model, byName("b")), identity: id("b", "app"), ip: "10.0.0.5" },
    { party: podParty(model, byName("c")), ip: "10.0.1.7" },
    { party: podParty(model, byName("d")), ip: "10.0.0.9" },
    { party: externalParty("203.0.113.5/32"), ip: "203.0.113.5" },
  ];
}

const POOL: CompleteRequest[] = [];
for (const method of ["GET", "POST", "DELETE"])
  for (const path of ["/", "/api", "/api/x", "/apix", "/metrics"])
    for (const headers of [{}, { "x-env": "prod" }, { "x-env": "dev" }]) POOL.push({ method, path, headers });

// Ward's Request leaves unnamed headers open: a request is complete for the evaluator only when it names x-env.
const COMPLETE = POOL.filter((r) => r.headers["x-env"] !== undefined);

function fast(model: Model, party: Party, port: number, request: Request): boolean | "error" {
  const server = model.pods[0] as Pod;
  try {
    return evaluateLinkerd(
      model,
      { from: party, to: podParty(model, server), port, protocol: "TCP", request },
      server,
      "test",
      DEFAULT_LINKERD_OPTIONS,
    ).allowed;
  } catch (e) {
    if (e instanceof InputError) return "error";
    throw e;
  }
}

describe("Linkerd evaluator against the spec-literal reference", () => {
  it("agrees on complete requests, and allows an open request exactly when some complete one is allowed", () => {
    fc.assert(
      fc.property(meshArb, fc.constantFrom(80, 9000, 8080), fc.nat({ max: COMPLETE.length - 1 }), (m, port, k) => {
        const model = buildModel(m);
        const server = model.pods[0] as Pod;
        const request = COMPLETE[k] as CompleteRequest;
        for (const c of clients(model)) {
          const client = { ip: c.ip, ...(c.identity === undefined ? {} : { identity: c.identity }) };
          const slow = referenceLinkerd(model, client, server, port, request, DEFAULT_LINKERD_OPTIONS);
          expect(fast(model, c.party, port, request)).toBe(slow);
          const open = fast(model, c.party, port, { headers: {} });
          const some = POOL.map((r) => referenceLinkerd(model, client, server, port, r, DEFAULT_LINKERD_OPTIONS));
          expect(open).toBe(some.includes("error") ? "error" : some.includes(true));
        }
      }),
      { numRuns: 400 },
    );
  });
});
