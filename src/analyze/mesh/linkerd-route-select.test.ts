import { describe, expect, it } from "vitest";
import { modelOf } from "../../../test/support/cluster-fixture.js";
import type { Model } from "../../model/model.js";
import { reach } from "../reach/reach.js";
import type { Request } from "../request.js";
import { DEFAULT_ALL_MESH_OPTIONS } from "./mesh-layer.js";

/*
 * Linkerd applies exactly one HTTPRoute rule per request (linkerd2-proxy http-route `find`): the longest path match,
 * then a method match, then more header matches; ties go to the older route (creationTimestamp), then name order.
 * Only the selected route's AuthorizationPolicies (and the Server's) decide.
 */

const NS = `apiVersion: v1
kind: Namespace
metadata: {name: l, annotations: {linkerd.io/inject: enabled}}`;
const pod = (name: string, ip: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: l, labels: {app: ${name}}}
spec:
  serviceAccountName: ${name}
  containers: [{name: main, image: app, ports: [{containerPort: 80, name: http}]}]
status: {podIP: ${ip}, podIPs: [{ip: ${ip}}]}`;
const SERVER = `apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: web, namespace: l}
spec:
  podSelector: {matchLabels: {app: server}}
  port: 80`;
/** An HTTPRoute on Server web with one rule, and an AuthorizationPolicy on it admitting ServiceAccount `sa`. */
const route = (name: string, match: string, sa: string, created?: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}, namespace: l${created === undefined ? "" : `, creationTimestamp: "${created}"`}}
spec:
  parentRefs: [{group: policy.linkerd.io, kind: Server, name: web}]
  rules:
    - matches: [${match}]
---
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: ${name}-auth, namespace: l}
spec:
  targetRef: {group: gateway.networking.k8s.io, kind: HTTPRoute, name: ${name}}
  requiredAuthenticationRefs:
    - {kind: ServiceAccount, name: ${sa}}`;

const cluster = (...routes: string[]) =>
  modelOf(NS, pod("client", "10.1.0.1"), pod("server", "10.1.0.2"), SERVER, ...routes);

const mesh = (m: Model, request: Partial<Request> = {}) => {
  const r = reach(m, {
    from: "l/client",
    to: "l/server",
    port: 80,
    protocol: "TCP",
    request: { headers: {}, ...request },
    mesh: DEFAULT_ALL_MESH_OPTIONS,
  });
  const v = r.pairs[0]?.mesh;
  return { allowed: v?.allowed, why: (v?.decidedBy ?? []).map((d) => d.why).join("\n") };
};

const PAY = { method: "POST", path: "/api/v1/pay" };

describe("Linkerd selects one HTTPRoute rule per request", () => {
  it("the Exact route for /api/v1/pay wins even though the prefix route's authorization admits the client", () => {
    const m = cluster(
      route("pay", "{path: {type: Exact, value: /api/v1/pay}}", "ops"),
      route("api", "{path: {type: PathPrefix, value: /api}}", "client"),
    );
    const r = mesh(m, PAY);
    expect(r.allowed).toBe(false);
    expect(r.why).toContain("HTTPRoute pay rule 1 is selected for POST /api/v1/pay (path match of 11 characters)");
    expect(r.why).toContain("wins over HTTPRoute api (its path match is shorter (4 < 11 characters))");
    expect(r.why).not.toContain("AuthorizationPolicy api-auth");
    // Another /api path selects the prefix route, whose policy admits the client.
    expect(mesh(m, { method: "POST", path: "/api/v1/refund" }).allowed).toBe(true);
  });

  it("the longest PathPrefix wins", () => {
    const m = cluster(
      route("api", "{path: {type: PathPrefix, value: /api}}", "client"),
      route("v1", "{path: {type: PathPrefix, value: /api/v1/}}", "ops"),
    );
    const r = mesh(m, PAY);
    expect(r.allowed).toBe(false);
    expect(r.why).toContain("HTTPRoute v1 rule 1 is selected");
    expect(r.why).toContain("HTTPRoute api (its path match is shorter (4 < 7 characters))");
    expect(mesh(m, { method: "POST", path: "/api/v2/pay" }).allowed).toBe(true);
  });

  it("with equal paths, the rule that names the method wins", () => {
    const m = cluster(
      route("any", "{path: {type: PathPrefix, value: /api}}", "client"),
      route("post", "{path: {type: PathPrefix, value: /api}, method: POST}", "ops"),
    );
    const r = mesh(m, PAY);
    expect(r.allowed).toBe(false);
    expect(r.why).toContain("HTTPRoute post rule 1 is selected");
    expect(r.why).toContain("HTTPRoute any (it names no method and the selected route does)");
    expect(mesh(m, { method: "GET", path: "/api/v1/pay" }).allowed).toBe(true);
  });

  it("with more header matches, that rule wins", () => {
    const m = cluster(
      route("plain", "{path: {type: PathPrefix, value: /api}}", "client"),
      route("canary", "{path: {type: PathPrefix, value: /api}, headers: [{name: x-canary, value: 'on'}]}", "ops"),
    );
    expect(mesh(m, { ...PAY, headers: { "x-canary": "on" } }).allowed).toBe(false);
    expect(mesh(m, { ...PAY, headers: { "x-canary": "off" } }).allowed).toBe(true);
  });

  it("on a full tie without creationTimestamp, name order decides", () => {
    const m = cluster(
      route("b-open", "{path: {type: PathPrefix, value: /api}}", "client"),
      route("a-closed", "{path: {type: PathPrefix, value: /api}}", "ops"),
    );
    const r = mesh(m, PAY);
    expect(r.allowed).toBe(false);
    expect(r.why).toContain("HTTPRoute a-closed rule 1 is selected");
    expect(r.why).toContain("same age (no creationTimestamp): name order (l/a-closed < l/b-open)");
  });

  it("on a full tie, the older route wins over name order; a route with a creationTimestamp goes first", () => {
    const older = cluster(
      route("b-open", "{path: {type: PathPrefix, value: /api}}", "client", "2024-01-01T00:00:00Z"),
      route("a-closed", "{path: {type: PathPrefix, value: /api}}", "ops", "2024-06-01T00:00:00Z"),
    );
    const r = mesh(older, PAY);
    expect(r.allowed).toBe(true);
    expect(r.why).toContain("created later (2024-06-01T00:00:00Z > 2024-01-01T00:00:00Z)");
    const one = cluster(
      route("b-open", "{path: {type: PathPrefix, value: /api}}", "client", "2024-01-01T00:00:00Z"),
      route("a-closed", "{path: {type: PathPrefix, value: /api}}", "ops"),
    );
    expect(mesh(one, PAY).allowed).toBe(true);
  });

  it("an AuthorizationPolicy on the Server applies to whichever route is selected", () => {
    const m = cluster(
      route("pay", "{path: {type: Exact, value: /api/v1/pay}}", "ops"),
      route("api", "{path: {type: PathPrefix, value: /api}}", "ops"),
      `apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: server-auth, namespace: l}
spec:
  targetRef: {group: policy.linkerd.io, kind: Server, name: web}
  requiredAuthenticationRefs:
    - {kind: ServiceAccount, name: client}`,
    );
    expect(mesh(m, PAY).allowed).toBe(true);
  });

  it("an open request is allowed when some request selects a route whose policy admits the client", () => {
    const m = cluster(
      route("pay", "{path: {type: Exact, value: /api/v1/pay}}", "ops"),
      route("api", "{path: {type: PathPrefix, value: /api}}", "client"),
    );
    expect(mesh(m, { method: "POST" }).allowed).toBe(true);
    const closed = cluster(route("pay", "{path: {type: Exact, value: /api/v1/pay}}", "ops"));
    const r = mesh(closed);
    expect(r.allowed).toBe(false);
    expect(r.why).toContain("no request is admitted");
  });
});
