import { describe, expect, it } from "vitest";
import { ward } from "./support/run-cli.js";

const EX = "examples/payments-istio";
const reach = (...args: string[]) => ward(["reach", EX, ...args]);

describe("ward on the payments estate with Istio (the seed's AuthorizationPolicies)", () => {
  it("frontend may POST /api/v1/payments/…: both layers allow", () => {
    const r = reach(
      "--from",
      "payments/frontend",
      "--to",
      "payments/backend",
      "--port",
      "80",
      "--method",
      "POST",
      "--path",
      "/api/v1/payments/42",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/cluster layer: allowed/);
    expect(r.stdout).toMatch(/mesh layer: allowed/);
    expect(r.stdout).toMatch(/ALLOW policy: rule 1 \(line \d+\) matches.*10-backend-authz\.yaml:\d+/);
  });

  it("frontend may not DELETE: the mesh layer denies, naming the ALLOW policy", () => {
    const r = reach(
      "--from",
      "payments/frontend",
      "--to",
      "payments/backend",
      "--port",
      "80",
      "--method",
      "DELETE",
      "--path",
      "/api/v1/payments/42",
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/cluster layer: allowed/);
    expect(r.stdout).toMatch(/mesh layer: denied/);
    expect(r.stdout).toMatch(/none of their rules matches DELETE \/api\/v1\/payments\/42/);
  });

  it("prometheus may GET /metrics on the backend, not /api", () => {
    expect(
      reach(
        "--from",
        "monitoring/prometheus",
        "--to",
        "payments/backend",
        "--port",
        "9090",
        "--method",
        "GET",
        "--path",
        "/metrics",
      ).code,
    ).toBe(0);
    expect(
      reach(
        "--from",
        "monitoring/prometheus",
        "--to",
        "payments/backend",
        "--port",
        "9090",
        "--method",
        "GET",
        "--path",
        "/api/v1/payments/1",
      ).code,
    ).toBe(1);
  });

  it("a plaintext client is rejected by the mesh-wide STRICT PeerAuthentication, with its file:line", () => {
    const r = ward([
      "explain",
      EX,
      "--from",
      "payments/frontend",
      "--to",
      "payments/backend",
      "--port",
      "80",
      "--plaintext",
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/mTLS mode STRICT on port 80: mesh-wide PeerAuthentication.*00-mesh-strict-mtls\.yaml:3/);
    expect(r.stdout).toMatch(/STRICT rejects plaintext/);
  });

  it("explain: each pair lists the mesh layer — mTLS mode and its origin, each policy with its first matching rule", () => {
    const args = ["--from", "payments/frontend", "--to", "payments/backend", "--port", "80", "--method", "POST"];
    const ok = ward(["explain", EX, ...args, "--path", "/api/v1/payments/42"]);
    expect(ok.code).toBe(0);
    const pair = ok.stdout.slice(ok.stdout.indexOf("\n\n"));
    expect(pair).toMatch(/payments\/frontend → payments\/backend: allowed/);
    expect(pair).toMatch(
      /mesh: allowed\n\s+mTLS mode STRICT — mesh-wide PeerAuthentication.*\(.*00-mesh-strict-mtls\.yaml:3\)/,
    );
    expect(pair).toMatch(
      /ALLOW AuthorizationPolicy payments\/backend-allow \(.*10-backend-authz\.yaml:3\): first matching rule: rule 1 \(line \d+\)/,
    );
    expect(pair).toMatch(
      /DENY AuthorizationPolicy payments\/backend-deny-others \(.*10-backend-authz\.yaml:33\): none matched/,
    );
    const denied = ward(["explain", EX, ...args, "--path", "/admin"]);
    expect(denied.code).toBe(1);
    const deniedPair = denied.stdout.slice(denied.stdout.indexOf("\n\n"));
    expect(deniedPair).toMatch(/payments\/frontend → payments\/backend: denied/);
    expect(deniedPair).toMatch(/ALLOW AuthorizationPolicy payments\/backend-allow .*: none matched/);
  });

  it("--format json lists both layers", () => {
    const r = reach("--from", "payments/frontend", "--to", "payments/backend", "--port", "80", "--format", "json");
    const json = JSON.parse(r.stdout) as { verdict: { layers: { layer: string; allowed: boolean }[] } };
    expect(json.verdict.layers.map((l) => l.layer)).toEqual(["cluster", "mesh"]);
  });

  it("matrix --layer mesh marks mesh-denied pairs with ×; the seed's DENY keeps the ingress off the backend", () => {
    const r = ward(["matrix", EX, "--layer", "mesh", "--port", "80", "--format", "json"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { pairs: { from: string; to: string; allowed: boolean; deniedBy?: string }[] };
    const pair = (from: string, to: string) => json.pairs.find((p) => p.from === from && p.to === to);
    expect(pair("ingress-nginx/ingress-nginx-controller", "payments/backend")).toMatchObject({
      allowed: false,
      deniedBy: "mesh",
    });
    expect(pair("payments/frontend", "payments/backend")).toMatchObject({ allowed: true });
    // CoreDNS has no sidecar: STRICT rejects it everywhere in the mesh.
    expect(pair("kube-system/coredns", "payments/frontend")).toMatchObject({ allowed: false, deniedBy: "mesh" });
    const text = ward(["matrix", EX, "--port", "80"]).stdout;
    expect(text).toMatch(/× denied by the mesh layer/);
  });

  it("bad mesh input: every problem with file:line, exit 2", () => {
    const r = ward([
      "reach",
      EX,
      "test/fixtures/mesh/bad-istio.yaml",
      "--from",
      "payments/frontend",
      "--to",
      "payments/backend",
      "--port",
      "80",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-istio\.yaml:7: spec\.action: unknown action "PERMIT".*\[unknown-action\]/);
    expect(r.stderr).toMatch(/malformed principal "frontend".*\[malformed-principal\]/);
    expect(r.stderr).toMatch(/\[invalid-wildcard\]/);
    expect(r.stderr).toMatch(/invalid mTLS mode "STRICTER".*\[invalid-mode\]/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
