import { describe, expect, it } from "vitest";
import { modelOf } from "../../../test/support/cluster-fixture.js";
import { parseIntent } from "../../intent/load-intent.js";
import { verify } from "./verify.js";

const ns = (name: string, extra: string) => `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
${extra}`;
const ISTIO = ns("shop", "  labels: { istio-injection: enabled }");
const LINKERD = ns("shop", "  annotations: { linkerd.io/inject: enabled }");
const pod = (name: string, ip: string, extra = "") => `apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: shop, labels: { app: ${name} } ${extra} }
spec:
  serviceAccountName: ${name}
  containers: [{ name: main, image: app, ports: [{ name: http, containerPort: 8080 }] }]
status: { podIP: ${ip} }`;
const PODS = [pod("web", "10.0.0.1"), pod("api", "10.0.0.2")];

const allow = (rule: string) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: api-allow, namespace: shop }
spec:
  selector: { matchLabels: { app: api } }
  action: ALLOW
  rules:
${rule}`;

const intent = (extra: string) =>
  parseIntent(
    "ward.yaml",
    `namespaces: [shop]
defaults: { dns: false }
paths:
  - from: shop/web
    to: shop/api
    ports: [8080]
${extra}`,
  );

/** Mesh differences only (the NetworkPolicy layer is left open in these fixtures and would report extras). */
function meshDiffs(model: ReturnType<typeof modelOf>, i: ReturnType<typeof intent>) {
  const r = verify(model, i);
  return { diffs: r.differences.filter((d) => d.layer === "mesh"), notes: r.notes };
}

const WEB = "cluster.local/ns/shop/sa/web";

describe("verify at the Istio mesh layer", () => {
  it("a method outside the intent's list that the mesh admits is an extra, with the allowing rule's line", () => {
    const m = modelOf(
      ISTIO,
      ...PODS,
      allow(`    - from: [{ source: { principals: ["${WEB}"] } }]
      to: [{ operation: { methods: ["GET", "POST"] } }]`),
    );
    const { diffs } = meshDiffs(m, intent(`    http: { methods: [GET] }`));
    expect(diffs.map((d) => [d.kind, d.what])).toEqual([["extra", `POST with its own identity ${WEB}`]]);
    const rule = diffs[0]?.samples[0]?.decidedBy.find((d) => d.name === "api-allow" && d.why.includes("matches"));
    // modelOf joins the documents with "---": the rule's own line in that text.
    const text = [ISTIO, ...PODS, allow("")].join("\n---\n").split("\n");
    expect(rule?.line).toBe(text.indexOf("  rules:") + 2);
  });

  it("a mesh rule without methods admits some other method: the witness avoids every method either side names", () => {
    const m = modelOf(ISTIO, ...PODS, allow(`    - to: [{ operation: { paths: ["/api/*"] } }]`));
    const { diffs } = meshDiffs(m, intent(`    http: { methods: [GET, POST], paths: ["/api/*"] }`));
    expect(diffs).toHaveLength(1);
    const method = diffs[0]?.what?.split(" ")[0];
    expect(["GET", "POST"]).not.toContain(method);
    expect(diffs[0]?.what).toMatch(/^\S+ \/api\/\S* with/);
  });

  it("`/api/*` is a prefix of `/api/` (Istio's convention): a mesh prefix `/api*` also admits `/apix…`", () => {
    const m = modelOf(ISTIO, ...PODS, allow(`    - to: [{ operation: { paths: ["/api*"] } }]`));
    const { diffs } = meshDiffs(m, intent(`    http: { paths: ["/api/*"] }`));
    expect(diffs.map((d) => [d.kind, d.what])).toEqual([["extra", `/apix with its own identity ${WEB}`]]);
  });

  it("a suffix rule narrower than the intent denies intended paths", () => {
    const m = modelOf(ISTIO, ...PODS, allow(`    - to: [{ operation: { paths: ["*.json"] } }]`));
    const { diffs } = meshDiffs(m, intent(`    http: { paths: ["/static/*"] }`));
    expect(diffs.map((d) => d.kind).sort()).toEqual(["extra", "missing"]);
    expect(diffs.find((d) => d.kind === "missing")?.what).toMatch(/^\/static\/\S+ with/);
    expect(diffs.find((d) => d.kind === "extra")?.what).toMatch(/\.json with/);
  });

  it("an L7 restriction the intent does not state is a difference: the mesh denies some request", () => {
    const m = modelOf(ISTIO, ...PODS, allow(`    - to: [{ operation: { methods: ["GET"] } }]`));
    const { diffs } = meshDiffs(m, intent(""));
    expect(diffs.map((d) => d.kind)).toEqual(["missing"]);
    expect(diffs[0]?.what?.startsWith("GET")).toBe(false);
  });

  it("identity required: a plaintext client admitted under PERMISSIVE mTLS is an extra", () => {
    const m = modelOf(ISTIO, ...PODS, allow(`    - to: [{ operation: { ports: ["8080"] } }]`));
    const { diffs } = meshDiffs(m, intent(`    identity: required`));
    expect(diffs.map((d) => [d.kind, d.what])).toEqual([["extra", "any request with plaintext (no mTLS identity)"]]);
  });

  it("a principal outside the intent's list that the mesh admits is an extra; each listed principal must pass", () => {
    const other = "cluster.local/ns/shop/sa/other";
    const m = modelOf(ISTIO, ...PODS, allow(`    - from: [{ source: { principals: ["${WEB}", "${other}"] } }]`));
    const { diffs } = meshDiffs(m, intent(`    identity: ["${WEB}", "cluster.local/ns/shop/sa/batch"]`));
    expect(diffs.map((d) => [d.kind, d.what]).sort()).toEqual([
      ["extra", `any request with principal ${other}`],
      ["missing", "any request with principal cluster.local/ns/shop/sa/batch"],
    ]);
  });

  it("a client without a sidecar toward a STRICT destination: denied by the PeerAuthentication, with its file:line", () => {
    const m = modelOf(
      ISTIO,
      pod("web", "10.0.0.1", ', annotations: { "sidecar.istio.io/inject": "false" }').replace(
        "labels: { app: web }",
        'labels: { app: web, "sidecar.istio.io/inject": "false" }',
      ),
      pod("api", "10.0.0.2"),
      `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: strict, namespace: shop }
spec: { mtls: { mode: STRICT } }`,
    );
    const { diffs } = meshDiffs(m, intent(""));
    expect(diffs.map((d) => [d.kind, d.what])).toEqual([["missing", "any request with plaintext (no mTLS identity)"]]);
    const by = diffs[0]?.samples[0]?.decidedBy.at(-1);
    expect([by?.kind, by?.name, by?.file, by?.line]).toEqual(["PeerAuthentication", "strict", "test.yaml", 23]);
  });
});

const server = `apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: { name: api-http, namespace: shop }
spec: { podSelector: { matchLabels: { app: api } }, port: http, proxyProtocol: HTTP/1 }`;
const route = (match: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: api-route, namespace: shop }
spec:
  parentRefs: [{ group: policy.linkerd.io, kind: Server, name: api-http }]
  rules:
    - matches: [${match}]
---
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: { name: api-route-web, namespace: shop }
spec:
  targetRef: { group: gateway.networking.k8s.io, kind: HTTPRoute, name: api-route }
  requiredAuthenticationRefs: [{ kind: ServiceAccount, name: web, namespace: shop }]`;

describe("verify at the Linkerd mesh layer", () => {
  it("PathPrefix is element-wise: /api admits /api itself, which `/api/*` does not name", () => {
    const m = modelOf(LINKERD, ...PODS, server, route("{ path: { type: PathPrefix, value: /api } }"));
    const { diffs } = meshDiffs(m, intent(`    http: { paths: ["/api/*"] }`));
    expect(diffs.map((d) => [d.kind, d.what?.split(" with")[0]?.split(" ")[1]])).toEqual([["extra", "/api"]]);
    const exact = meshDiffs(m, intent(`    http: { paths: ["/api", "/api/*"] }`));
    expect(exact.diffs).toEqual([]);
  });

  it("a request two HTTPRoutes match is decided by the one Linkerd selects: the exact route's policy denies web", () => {
    // /api/admin: the Exact route (10 characters) beats the PathPrefix /api (4) and only ops may use it.
    const admin = route("{ path: { type: Exact, value: /api/admin } }")
      .replaceAll("api-route", "admin-route")
      .replace("name: web, namespace: shop", "name: ops, namespace: shop");
    const m = modelOf(LINKERD, ...PODS, server, route("{ path: { type: PathPrefix, value: /api } }"), admin);
    const { diffs, notes } = meshDiffs(m, intent(`    http: { paths: ["/api", "/api/*"] }`));
    expect(notes).toEqual([]);
    expect(diffs.map((d) => [d.kind, d.what?.split(" with")[0]])).toEqual([["missing", "x /api/admin"]]);
    const why = diffs[0]?.samples[0]?.decidedBy.map((d) => d.why).join("\n");
    expect(why).toContain("HTTPRoute admin-route rule 1 is selected for x /api/admin");
    expect(why).toContain("wins over HTTPRoute api-route (its path match is shorter (4 < 10 characters))");
  });

  it("a RegularExpression path match is reported undecidable, not guessed", () => {
    const m = modelOf(LINKERD, ...PODS, server, route('{ path: { type: RegularExpression, value: "/api/.*" } }'));
    const { diffs, notes } = meshDiffs(m, intent(`    http: { paths: ["/api/*"] }`));
    expect(diffs).toEqual([]);
    expect(notes.map((n) => [n.kind, n.line])).toEqual([["undecidable", 4]]);
    expect(notes[0]?.message).toContain("RegularExpression");
  });
});
