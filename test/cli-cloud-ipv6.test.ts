import { describe, expect, it } from "vitest";
import { ward } from "./support/run-cli.js";

type Hop = { step: string; status: string; why: string };
type Result = { status: string; allowed: boolean; paths: { from: string; to: string; status: string; hops: Hop[] }[] };
type Exposure = {
  resource: string;
  exposed: { protocol: number; ports: [number, number][] }[];
  exposedIpv6?: { protocol: number; ports: [number, number][] }[];
  depth: number;
};

function reach(args: string[]): { code: number; result: Result } {
  const r = ward(["reach", ...args, "--format", "json"]);
  return { code: r.code, result: JSON.parse(r.stdout) as Result };
}

for (const [label, dir] of [
  ["Terraform", "test/fixtures/aws-ipv6/terraform"],
  ["describe JSON", "test/fixtures/aws-ipv6/describe"],
] as const) {
  describe(`IPv6 internet (${label})`, () => {
    it("an instance private on IPv4 is reachable over IPv6: ::/0 → internet gateway and a group allowing ::/0", () => {
      const { code, result } = reach([dir, "--from", "internet", "--to", "web", "--port", "443"]);
      expect(code).toBe(0);
      const v4 = result.paths.find((p) => p.from === "internet");
      const v6 = result.paths.find((p) => p.from === "internet (IPv6)");
      expect(v4?.status).toBe("deny");
      expect(v4?.hops.find((h) => h.status === "deny")?.step).toBe("public address");
      expect(v6?.status).toBe("allow");
      expect(v6?.hops.find((h) => h.step === "route table of subnet web")?.why).toContain("::/0 → internet gateway");
      expect(v6?.hops.find((h) => h.step === "security groups inbound of web")?.why).toContain("::/0");
      const text = ward(["reach", dir, "--from", "internet", "--to", "web", "--port", "443"]).stdout;
      expect(text.split("\n")[0]).toMatch(/^ALLOWED \(over IPv6 only\) {2}internet → web/);
    });

    it("behind an egress-only internet gateway the internet cannot initiate a connection", () => {
      const { code, result } = reach([dir, "--from", "internet", "--to", "batch", "--port", "443"]);
      expect(code).toBe(1);
      const v6 = result.paths.find((p) => p.from === "internet (IPv6)");
      expect(v6?.status).toBe("deny");
      const hop = v6?.hops.find((h) => h.status === "deny");
      expect(hop?.step).toBe("route table of subnet batch");
      expect(hop?.why).toContain("egress-only internet gateway");
    });

    it("an instance without an IPv6 address is checked over IPv4 only", () => {
      const { code, result } = reach([dir, "--from", "internet", "--to", "legacy", "--port", "443"]);
      expect(code).toBe(1);
      expect(result.paths.map((p) => p.from)).toEqual(["internet"]);
    });

    it("outbound IPv6 through the egress-only internet gateway is allowed", () => {
      const { code, result } = reach([dir, "--from", "batch", "--to", "2001:db8::1", "--port", "443"]);
      expect(code).toBe(0);
      expect(result.paths[0]?.hops.find((h) => h.step === "route table of subnet batch")?.why).toContain(
        "egress-only internet gateway",
      );
    });

    it("exposure lists the IPv6 exposure apart from IPv4", () => {
      const r = ward(["exposure", dir, "--format", "json"]);
      const list = (JSON.parse(r.stdout) as { cloud: Exposure[] }).cloud;
      const web = list.find((e) => e.resource === "web");
      expect(web?.exposed).toEqual([]);
      expect(web?.exposedIpv6).toEqual([{ protocol: 6, ports: [[443, 443]] }]);
      expect(web?.depth).toBe(0);
      const batch = list.find((e) => e.resource === "batch");
      expect(batch?.exposedIpv6).toBeUndefined();
      expect(batch?.depth).toBe(1);
      const text = ward(["exposure", dir]).stdout;
      expect(text).toContain("web (instance, tier web): EXPOSED to the internet over IPv6");
      expect(text).toContain("from the internet (IPv6): tcp 443");
    });
  });
}

describe("IPv6-only load balancer (Terraform)", () => {
  it("an ALB with dualstack-without-public-ipv4 is exposed over IPv6 only, and what it forwards to is behind it", () => {
    const r = ward(["exposure", "test/fixtures/aws-ipv6/terraform", "--format", "json"]);
    type Behind = { via: string; protocol: number; ports: [number, number][] };
    const list = (JSON.parse(r.stdout) as { cloud: (Exposure & { behind: Behind[] })[] }).cloud;
    const front = list.find((e) => e.resource === "front");
    expect(front?.exposed).toEqual([]);
    expect(front?.exposedIpv6).toEqual([{ protocol: 6, ports: [[443, 443]] }]);
    const api = list.find((e) => e.resource === "api");
    expect(api?.behind.map((b) => [b.via, b.ports])).toEqual([["front", [[8080, 8080]]]]);
  });
});
