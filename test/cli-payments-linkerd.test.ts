import { describe, expect, it } from "vitest";
import { ward } from "./support/run-cli.js";

const EX = "examples/payments-linkerd";
const reach = (...args: string[]) => ward(["reach", EX, ...args]);
const FRONTEND_TO_BACKEND = ["--from", "payments/frontend", "--to", "payments/backend", "--port", "80"];
const PROMETHEUS_TO_METRICS = ["--from", "monitoring/prometheus", "--to", "payments/backend", "--port", "9090"];

describe("ward on the payments estate with Linkerd (Servers, HTTPRoutes, identities)", () => {
  it("the frontend may POST a payment: the route's AuthorizationPolicy admits its identity", () => {
    const r = reach(...FRONTEND_TO_BACKEND, "--method", "POST", "--path", "/api/v1/payments/42");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/mesh layer: allowed/);
    expect(r.stdout).toMatch(/Server backend-http selects port 80 .*10-backend-servers\.yaml:2\]/);
    expect(r.stdout).toMatch(
      /allowed: AuthorizationPolicy backend-api-frontend authorizes the client on HTTPRoute backend-api .*10-backend-servers\.yaml:39\]/,
    );
  });

  it("a path no HTTPRoute of the Server matches is denied by the mesh layer", () => {
    const r = reach(...FRONTEND_TO_BACKEND, "--method", "POST", "--path", "/admin");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/cluster layer: allowed/);
    expect(r.stdout).toMatch(/denied: no HTTPRoute of Server backend-http matches the request/);
  });

  it("without a proxy (--plaintext) the frontend has no identity: denied", () => {
    const r = reach(...FRONTEND_TO_BACKEND, "--method", "POST", "--path", "/api/v1/payments/42", "--plaintext");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/client unauthenticated \(no Linkerd proxy\)/);
    expect(r.stdout).toMatch(/does not authorize the client/);
  });

  it("Prometheus may GET /metrics through a gateway.networking.k8s.io HTTPRoute on the metrics Server, not /api", () => {
    const ok = ward(["explain", EX, ...PROMETHEUS_TO_METRICS, "--method", "GET", "--path", "/metrics"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      /HTTPRoute backend-metrics rule 1 is selected for GET \/metrics .* at .*10-backend-servers\.yaml:78/,
    );
    expect(reach(...PROMETHEUS_TO_METRICS, "--method", "GET", "--path", "/api").code).toBe(1);
    expect(reach(...PROMETHEUS_TO_METRICS, "--method", "POST", "--path", "/metrics").code).toBe(1);
  });

  it("matrix --layer mesh: un-meshed CoreDNS is refused by the backend's Servers; Prometheus reaches the metrics port", () => {
    const r = ward(["matrix", EX, "--layer", "mesh", "--port", "9090", "--format", "json"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { pairs: { from: string; to: string; allowed: boolean; deniedBy?: string }[] };
    const pair = (from: string, to: string) => json.pairs.find((p) => p.from === from && p.to === to);
    expect(pair("monitoring/prometheus", "payments/backend")).toMatchObject({ allowed: true });
    expect(pair("kube-system/coredns", "payments/backend")).toMatchObject({ allowed: false, deniedBy: "mesh" });
    // No Server on the frontend: the cluster default all-unauthenticated admits everyone at the mesh layer.
    expect(pair("kube-system/coredns", "payments/frontend")).toMatchObject({ allowed: true });
  });
});
