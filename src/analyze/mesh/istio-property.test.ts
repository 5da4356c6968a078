import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCidr } from "../../model/cidr.js";
import type { Namespace, Pod } from "../../model/endpoint.js";
import type { AuthorizationPolicy, IstioRule, MtlsMode, PeerAuthentication, ValueMatch } from "../../model/mesh.js";
import type { Model, Service } from "../../model/model.js";
import type { Request } from "../request.js";
import { DEFAULT_MESH_OPTIONS, evaluateIstio, type IstioClient } from "./istio-evaluate.js";
import { referenceIstio } from "./istio-reference.js";

/*
 * Random small meshes: the Istio evaluator (formulas + request solver) against the spec-literal reference.
 * 1. With a complete request, both must agree.
 * 2. With an open request, the evaluator's answer must be right: its witness is allowed by the reference, and when
 *    it says no request is allowed, the reference denies the random complete requests too.
 */

const ref = (kind: string, name: string, namespace: string) => ({
  kind,
  name,
  namespace,
  file: "random.yaml",
  line: 1,
});
const METHODS = ["GET", "POST", "DELETE"];
const PATHS = ["/", "/api/v1/payments/1", "/api/x", "/metrics", "/img/a.png"];
const PATTERNS = ["/api/*", "*.png", "/metrics", "*", "/api/v1/payments/*"];
const PRINCIPALS = ["cluster.local/ns/app/sa/a", "cluster.local/ns/app/sa/b", "cluster.local/ns/*", "*", "*/sa/a"];

const vm = (pool: string[]): fc.Arbitrary<ValueMatch | undefined> =>
  fc.option(
    fc.oneof(
      fc.record({ values: fc.uniqueArray(fc.constantFrom(...pool), { minLength: 1, maxLength: 2 }) }),
      fc.record({ notValues: fc.uniqueArray(fc.constantFrom(...pool), { minLength: 1, maxLength: 2 }) }),
    ),
    { nil: undefined },
  );

/** Drops undefined properties, making them optional (exactOptionalPropertyTypes). */
type Stripped<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};
const strip = <T extends object>(o: T): Stripped<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Stripped<T>;

const ruleArb: fc.Arbitrary<IstioRule> = fc
  .record({
    from: fc.option(
      fc.array(
        fc.record({
          principals: vm(PRINCIPALS),
          namespaces: vm(["app", "ap*", "out"]),
          ipBlocks: vm(["10.0.0.0/30", "10.0.1.0/24"]),
        }),
        { minLength: 1, maxLength: 2 },
      ),
      { nil: undefined },
    ),
    to: fc.option(
      fc.array(fc.record({ ports: vm(["80", "9000", "8080"]), methods: vm(METHODS), paths: vm(PATTERNS) }), {
        minLength: 1,
        maxLength: 2,
      }),
      { nil: undefined },
    ),
    when: fc.array(
      fc.oneof(
        fc.record({ key: fc.constant("request.headers[x-env]"), values: fc.constant(["prod"]) }),
        fc.record({ key: fc.constant("source.principal"), notValues: fc.constant(["cluster.local/ns/app/sa/b"]) }),
        fc.record({ key: fc.constant("destination.port"), values: fc.constant(["80"]) }),
      ),
      { maxLength: 1 },
    ),
  })
  .map((r) =>
    strip({
      from: r.from?.map((s) => ({ ...strip(s), line: 1 })),
      to: r.to?.map((o) => ({ ...strip(o), line: 1 })),
      when: r.when.map((w) => ({ ...w, line: 1 })),
      line: 1,
    }),
  );

const policyArb = (i: number): fc.Arbitrary<AuthorizationPolicy> =>
  fc
    .record({
      namespace: fc.constantFrom("app", "istio-system"),
      selector: fc.option(fc.constantFrom("server", "other"), { nil: undefined }),
      action: fc.constantFrom("ALLOW" as const, "DENY" as const, "AUDIT" as const),
      rules: fc.array(ruleArb, { maxLength: 3 }),
    })
    .map((p) =>
      strip({
        namespace: p.namespace,
        name: `p${i}`,
        selector: p.selector === undefined ? undefined : { matchLabels: { app: p.selector }, matchExpressions: [] },
        action: p.action,
        rules: p.rules,
        source: ref("AuthorizationPolicy", `p${i}`, p.namespace),
      }),
    );

const modeArb = fc.constantFrom<MtlsMode>("STRICT", "PERMISSIVE", "DISABLE", "UNSET");

const pod = (ns: string, name: string, sa: string, ip: string): Pod => ({
  namespace: ns,
  name,
  labels: { app: name },
  ips: [ip],
  ports: [80, 9000, 8080].map((port) => ({ port, protocol: "TCP" as const })),
  serviceAccount: sa,
  hostNetwork: false,
  workload: `${ns}/${name}`,
  fromTemplate: false,
  source: ref("Pod", name, ns),
});

const svc = (name: string, port: number): Service => ({
  namespace: "app",
  name,
  type: "ClusterIP",
  selector: { matchLabels: { app: "server" }, matchExpressions: [] },
  ports: [{ name, port, targetPort: port, protocol: "TCP" }],
  source: ref("Service", name, "app"),
});

const meshArb = fc.record({
  policies: fc.array(fc.nat(), { maxLength: 4 }).chain((xs) => fc.tuple(...xs.map((_, i) => policyArb(i)))),
  meshMode: modeArb,
  workloadMode: fc.option(modeArb, { nil: undefined }),
  portMode: fc.option(modeArb, { nil: undefined }),
});

function buildModel(m: {
  policies: AuthorizationPolicy[];
  meshMode: MtlsMode;
  workloadMode: MtlsMode | undefined;
  portMode: MtlsMode | undefined;
}): Model {
  const pas: PeerAuthentication[] = [
    {
      namespace: "istio-system",
      name: "default",
      mode: m.meshMode,
      portLevel: [],
      source: ref("PeerAuthentication", "default", "istio-system"),
    },
  ];
  if (m.workloadMode !== undefined)
    pas.push({
      namespace: "app",
      name: "w",
      selector: { matchLabels: { app: "server" }, matchExpressions: [] },
      mode: m.workloadMode,
      portLevel: m.portMode === undefined ? [] : [{ port: 9000, mode: m.portMode, line: 1 }],
      source: ref("PeerAuthentication", "w", "app"),
    });
  const namespaces = new Map<string, Namespace>([
    ["app", { name: "app", labels: { "istio-injection": "enabled" } }],
    ["out", { name: "out", labels: {} }],
  ]);
  return {
    namespaces,
    pods: [pod("app", "server", "server", "10.0.0.2")],
    workloads: [],
    policies: [],
    services: [svc("http", 80), svc("tcp", 9000)],
    serviceAccounts: [],
    ignored: [],
    warnings: [],
    mesh: {
      istio: { peerAuthentications: pas, authorizationPolicies: m.policies, requestAuthentications: [] },
      linkerd: {
        servers: [],
        routes: [],
        authorizationPolicies: [],
        meshTLSAuthentications: [],
        networkAuthentications: [],
        serverAuthorizations: [],
      },
    },
  };
}

const clientArb = fc.constantFrom<IstioClient>(
  { meshed: true, namespace: "app", serviceAccount: "a", ip: parseCidr("10.0.0.1"), name: "app/a" },
  { meshed: true, namespace: "app", serviceAccount: "b", ip: parseCidr("10.0.0.5"), name: "app/b" },
  { meshed: false, namespace: "out", serviceAccount: "c", ip: parseCidr("10.0.1.7"), name: "out/c" },
);

const requestArb: fc.Arbitrary<Request> = fc.record({
  method: fc.constantFrom(...METHODS),
  path: fc.constantFrom(...PATHS),
  headers: fc.constantFrom({}, { "x-env": "prod" }, { "x-env": "dev" }),
});

describe("Istio evaluator against the spec-literal reference", () => {
  it("agrees on complete requests, and its open-request answers are witnessed", () => {
    fc.assert(
      fc.property(meshArb, clientArb, fc.constantFrom(80, 9000, 8080), requestArb, (m, client, port, request) => {
        const model = buildModel(m);
        const server = model.pods[0] as Pod;
        const opts = DEFAULT_MESH_OPTIONS;
        // A sniffed port (8080) with a request is HTTP for both.
        const fast = evaluateIstio(model, { client, server, port, request, closed: true }, opts).allowed;
        const slow = referenceIstio(model, client, server, port, request, opts);
        expect(fast).toBe(slow);
        const open = evaluateIstio(model, { client, server, port, request: { headers: {} } }, opts);
        if (open.allowed && open.evaluatedAs === "http" && open.witness !== undefined) {
          const w = { ...open.witness, method: open.witness.method ?? "GET", path: open.witness.path ?? "/" };
          // Attributes the witness leaves open do not matter: fill them with anything.
          expect(referenceIstio(model, client, server, port, w, opts)).toBe(true);
        }
        if (!open.allowed && port !== 8080) expect(slow).toBe(false);
      }),
      { numRuns: 400 },
    );
  });
});
