import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ward } from "./support/run-cli.js";

const DIR = "test/fixtures/cluster-conformance";

const reachCode = (from: string, to: string, port: number) =>
  ward(["reach", DIR, "--from", from, "--to", to, "--port", String(port)]).code;

describe("ClusterNetworkPolicy, Node and Calico network set objects end to end", () => {
  it("reach: the Admin tier decides ops → shop by port; the host-network agent is not in the namespaces peer", () => {
    expect(reachCode("ops/monitor", "shop/api", 8080)).toBe(0);
    expect(reachCode("ops/monitor", "shop/api", 80)).toBe(1);
    expect(reachCode("ops/agent", "shop/api", 80)).toBe(0);
  });

  it("reach: a nodes peer denies the node's address; the Baseline tier passes shop and denies the rest", () => {
    const r = ward(["reach", DIR, "--from", "shop/web", "--to", "ops/agent", "--port", "9100"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ClusterNetworkPolicy ops-scrape test\/fixtures\/cluster-conformance\/policies\.yaml:\d+/);
    expect(r.stdout).toContain("ipBlock 172.18.0.2 of Node node-a");
    expect(reachCode("shop/web", "shop/api", 80)).toBe(0);
    expect(reachCode("shop/web", "ops/monitor", 80)).toBe(1);
  });

  it("reach: a Calico selector reaches the CIDRs of the NetworkSet it matches", () => {
    const r = ward(["reach", DIR, "--from", "shop/api", "--to", "198.51.100.7", "--port", "443"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("ipBlock 198.51.100.0/24 of NetworkSet shop/payment-provider");
    expect(reachCode("shop/api", "203.0.113.9", 443)).toBe(1);
  });

  it("matrix --format json lists every pair, decided the same way", () => {
    const r = ward(["matrix", DIR, "--port", "80", "--format", "json"]);
    expect(r.code).toBe(0);
    const pairs: { from: string; to: string; allowed: boolean }[] = JSON.parse(r.stdout).pairs;
    expect(pairs).toHaveLength(16);
    const find = (from: string, to: string) => pairs.find((p) => p.from === from && p.to === to)?.allowed;
    expect(find("ops/monitor", "shop/api")).toBe(false);
    expect(find("ops/agent", "shop/api")).toBe(true);
    expect(find("shop/web", "ops/monitor")).toBe(false);
    expect(find("shop/api", "shop/web")).toBe(true);
  });

  it("a bad ClusterNetworkPolicy exits 2 naming file:line, never a stack trace", () => {
    const file = join(tmpdir(), `ward-cnp-${process.pid}.yaml`);
    writeFileSync(
      file,
      `apiVersion: policy.networking.k8s.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: bad}
spec:
  tier: Admin
  priority: 5
  subject: {namespaces: {}}
  egress:
  - action: Allow
    to: [{networks: [10.0.0.1/8]}]
`,
    );
    try {
      const r = ward(["matrix", file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${file}:9:`);
      expect(r.stderr).toContain(`${file}:10:`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
