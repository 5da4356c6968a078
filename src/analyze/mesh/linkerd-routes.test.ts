import { describe, expect, it } from "vitest";
import { modelOf } from "../../../test/support/cluster-fixture.js";
import { InputError } from "../../errors/input-error.js";
import type { Model } from "../../model/model.js";
import { reach } from "../reach/reach.js";
import type { Request } from "../request.js";
import { DEFAULT_ALL_MESH_OPTIONS } from "./mesh-layer.js";

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
const server = (name: string, port: number | string) => `apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: ${name}, namespace: l}
spec:
  podSelector: {matchLabels: {app: server}}
  port: ${port}`;
const ALLOW_ROUTE = `apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: route-auth, namespace: l}
spec:
  targetRef: {group: gateway.networking.k8s.io, kind: HTTPRoute, name: metrics}
  requiredAuthenticationRefs:
    - {kind: ServiceAccount, name: client}`;

const allows = (m: Model, request: Partial<Request> = {}) => {
  const r = reach(m, {
    from: "l/client",
    to: "l/server",
    port: 80,
    protocol: "TCP",
    request: { headers: {}, ...request },
    mesh: DEFAULT_ALL_MESH_OPTIONS,
  });
  return r.pairs[0]?.mesh?.allowed;
};

describe("Linkerd inbound HTTPRoutes", () => {
  const base = (...extra: string[]) =>
    modelOf(NS, pod("client", "10.1.0.1"), pod("server", "10.1.0.2"), server("web", 80), ALLOW_ROUTE, ...extra);

  // linkerd.io/2/reference/httproute: both the policy.linkerd.io and the gateway.networking.k8s.io HTTPRoute attach to a
  // Server parent and carry per-route authorization.
  it("a gateway.networking.k8s.io HTTPRoute whose parentRef is a Server is a Linkerd inbound route", () => {
    const m = base(`apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: metrics, namespace: l}
spec:
  parentRefs: [{group: policy.linkerd.io, kind: Server, name: web}]
  rules:
    - matches: [{path: {type: Exact, value: /metrics}, method: GET}]`);
    expect(m.mesh?.linkerd.routes.map((r) => r.name)).toEqual(["metrics"]);
    expect(allows(m, { method: "GET", path: "/metrics" })).toBe(true);
    // A request no route matches is refused on a Server with routes.
    expect(allows(m, { method: "GET", path: "/admin" })).toBe(false);
  });

  it("a gateway HTTPRoute with only Gateway parents is not a Linkerd route", () => {
    const m = base(`apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: metrics, namespace: l}
spec:
  parentRefs: [{name: web}]
  rules:
    - matches: [{path: {type: Exact, value: /metrics}}]`);
    expect(m.mesh?.linkerd.routes ?? []).toEqual([]);
    // The Server has no authorization of its own: everything is denied.
    expect(allows(m, { method: "GET", path: "/metrics" })).toBe(false);
  });

  it("a policy.linkerd.io HTTPRoute and a gateway one of the same name are both kept", () => {
    const route = (group: string) => `apiVersion: ${group}
kind: HTTPRoute
metadata: {name: metrics, namespace: l}
spec:
  parentRefs: [{group: policy.linkerd.io, kind: Server, name: web}]
  rules: [{matches: [{path: {type: PathPrefix, value: /metrics}}]}]`;
    const m = base(route("policy.linkerd.io/v1beta3"), route("gateway.networking.k8s.io/v1"));
    expect(m.mesh?.linkerd.routes.length).toBe(2);
  });
});

describe("Linkerd Servers selecting the same pod port", () => {
  // linkerd.io/2/reference/authorization-policy: Servers may not select the same pod/port pairs.
  it("is an input error naming both Servers", () => {
    const m = modelOf(
      NS,
      pod("client", "10.1.0.1"),
      pod("server", "10.1.0.2"),
      server("web", 80),
      server("web2", "http"),
    );
    let caught: unknown;
    try {
      allows(m);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InputError);
    const problems = (caught as InputError).problems;
    expect(problems.map((p) => p.code)).toEqual(["overlapping-servers", "overlapping-servers"]);
    expect(problems.map((p) => p.line)).toEqual([21, 28]);
  });
  it("Servers on different ports of the pod are fine", () => {
    const m = modelOf(
      NS,
      pod("client", "10.1.0.1"),
      pod("server", "10.1.0.2"),
      server("web", 80),
      server("other", 9000),
    );
    expect(allows(m)).toBe(false);
  });
});
