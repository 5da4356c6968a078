import { describe, expect, it } from "vitest";
import { ward } from "./support/run-cli.js";

describe("examples/cilium-payments end to end", () => {
  it("matrix: the three tiers on Cilium, frontend never reaches the database (ingressDeny)", () => {
    const r = ward(["matrix", "examples/cilium-payments", "--format", "json"]);
    expect(r.code).toBe(0);
    const pairs: { from: string; to: string; allowed: boolean }[] = JSON.parse(r.stdout).pairs;
    const find = (from: string, to: string) => pairs.find((p) => p.from === from && p.to === to)?.allowed;
    expect(find("payments/frontend", "payments/backend")).toBe(true);
    expect(find("payments/backend", "payments/database")).toBe(true);
    expect(find("payments/frontend", "payments/database")).toBe(false);
    expect(find("payments/backend", "payments/frontend")).toBe(false);
  });

  it("reach by name: the backend reaches the payment gateway through toFQDNs with DNS through the proxy", () => {
    const r = ward([
      "reach",
      "examples/cilium-payments",
      "--from",
      "backend",
      "--to",
      "api.payment-gateway.example",
      "--port",
      "443",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ALLOWED/);
    expect(r.stdout).toMatch(/FQDN api\.payment-gateway\.example on TCP\/443 .*policies\.yaml:\d+/);
    expect(r.stdout).toContain("DNS rule at examples/cilium-payments/policies.yaml:");
    const other = ward([
      "reach",
      "examples/cilium-payments",
      "--from",
      "backend",
      "--to",
      "evil.example",
      "--port",
      "443",
    ]);
    expect(other.code).toBe(1);
  });

  it("explain names the deny rule that wins over the allow", () => {
    const r = ward(["explain", "examples/cilium-payments", "--from", "frontend", "--to", "database", "--port", "5432"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /deny rule matches pods app=frontend .*CiliumNetworkPolicy payments\/database .*policies\.yaml:\d+/,
    );
    expect(r.stdout).toContain("→ denies");
  });

  it("bad Cilium input exits 2 with file:line", () => {
    const r = ward(
      ["matrix", "-"],
      "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: x\nspec:\n  endpointSelector: {}\n  ingress:\n    - fromEntities: [internet]\n",
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/<stdin>:\d+|:\d+: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
