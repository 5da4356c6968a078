import { describe, expect, it } from "vitest";
import { ward } from "./support/run-cli.js";

const DIR = "test/fixtures/cilium-node-entities";
const reach = (from: string, port: number) => ward(["reach", DIR, "--from", from, "--to", "web", "--port", `${port}`]);

describe("Cilium host / remote-node / world entities from a node's address, end to end", () => {
  it("reach from the pod's own node is allowed by the host entity", () => {
    const r = reach("10.0.0.1", 8080);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ALLOWED/);
    expect(r.stdout).toContain("allow rule matches entity host on TCP/8080");
  });

  it("another node is remote-node, not host; a node is never world", () => {
    expect(reach("10.0.0.2", 8080).code).toBe(1);
    const r = reach("10.0.0.2", 9100);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("entity remote-node");
    expect(reach("10.0.0.1", 443).code).toBe(1);
    expect(reach("203.0.113.9", 443).code).toBe(0);
  });
});
