import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ward } from "./support/run-cli.js";

type Pair = { from: string; to: string; allowed: boolean; ports: string[]; loopback?: boolean };

function matrixPairs(args: string[]): Pair[] {
  const r = ward(["matrix", "examples/payments", "--format", "json", ...args]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { pairs: Pair[] }).pairs;
}

const find = (pairs: Pair[], from: string, to: string) => {
  const p = pairs.find((x) => x.from === from && x.to === to);
  if (!p) throw new Error(`no pair ${from} -> ${to}`);
  return p;
};

describe("ward matrix on examples/payments", () => {
  const workloads = [
    "ingress-nginx/ingress-nginx-controller",
    "kube-system/coredns",
    "monitoring/prometheus",
    "payments/backend",
    "payments/database",
    "payments/frontend",
  ];

  it("lists every ordered pair of workloads, self pairs included", () => {
    const pairs = matrixPairs([]);
    expect(pairs).toHaveLength(workloads.length ** 2);
    for (const a of workloads)
      for (const b of workloads) expect(pairs.some((p) => p.from === a && p.to === b)).toBe(true);
  });

  it("allows exactly the designed paths on TCP/80", () => {
    const pairs = matrixPairs(["--port", "80"]);
    const allowed = pairs.filter((p) => p.allowed && !p.loopback).map((p) => `${p.from} -> ${p.to}`);
    expect(allowed.sort()).toEqual(
      [
        // Unpoliced namespaces reach each other and themselves; isolated payments pods admit only their paths.
        "ingress-nginx/ingress-nginx-controller -> ingress-nginx/ingress-nginx-controller",
        "ingress-nginx/ingress-nginx-controller -> kube-system/coredns",
        "ingress-nginx/ingress-nginx-controller -> payments/frontend",
        "kube-system/coredns -> ingress-nginx/ingress-nginx-controller",
        "kube-system/coredns -> kube-system/coredns",
        "payments/backend -> payments/database",
        "payments/frontend -> payments/backend",
      ].sort(),
    );
  });

  it("reports ports per pair without --port", () => {
    const pairs = matrixPairs([]);
    expect(find(pairs, "payments/frontend", "payments/backend").ports).toEqual(["TCP/80"]);
    expect(find(pairs, "payments/backend", "kube-system/coredns").ports).toEqual(["TCP/53", "UDP/53"]);
    expect(find(pairs, "monitoring/prometheus", "payments/database").ports).toEqual(["TCP/9090"]);
    expect(find(pairs, "payments/frontend", "payments/database")).toMatchObject({ allowed: false, ports: [] });
    expect(find(pairs, "payments/database", "payments/database")).toMatchObject({ allowed: true, loopback: true });
    expect(find(pairs, "payments/frontend", "payments/frontend")).toMatchObject({ allowed: false });
  });

  it("renders text, csv, md, dot and mermaid", () => {
    const text = ward(["matrix", "examples/payments"]);
    expect(text.stdout).toContain("payments/frontend → payments/backend: TCP/80");
    const csv = ward(["matrix", "examples/payments", "--format", "csv"]);
    expect(csv.stdout.split("\n")[0]).toBe("from,to,allowed,ports,partial,loopback");
    expect(csv.stdout).toContain("payments/frontend,payments/backend,true,TCP/80,false,false");
    const md = ward(["matrix", "examples/payments", "--format", "md"]);
    expect(md.stdout).toContain("| `payments/frontend` |");
    const dot = ward(["matrix", "examples/payments", "--format", "dot"]);
    expect(dot.stdout).toContain('"payments/frontend" -> "payments/backend" [label="TCP/80"]');
    const mermaid = ward(["matrix", "examples/payments", "--format", "mermaid"]);
    expect(mermaid.stdout.startsWith("flowchart LR")).toBe(true);
    expect(mermaid.stdout).toContain('-->|"TCP/80"|');
  });

  it("reads stdin with -", () => {
    const yaml = readFileSync("examples/payments/workloads.yaml", "utf8");
    const r = ward(["matrix", "-", "--format", "json", "--port", "80"], yaml);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).pairs).toHaveLength(36);
  });
});

describe("ward reach / explain on examples/payments", () => {
  it("exits 0 for an allowed path and names the deciding rules with file:line", () => {
    const r = ward([
      "reach",
      "examples/payments",
      "--from",
      "payments/frontend",
      "--to",
      "payments/backend",
      "--port",
      "80",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ALLOWED/);
    expect(r.stdout).toMatch(
      /frontend-egress-to-backend examples\/payments\/policies\/30-frontend-to-backend\.yaml:\d+/,
    );
    expect(r.stdout).toMatch(
      /backend-ingress-from-frontend examples\/payments\/policies\/30-frontend-to-backend\.yaml:\d+/,
    );
  });

  it("exits 1 for a denied path and names the isolating policies", () => {
    const r = ward([
      "reach",
      "examples/payments",
      "--from",
      "payments/frontend",
      "--to",
      "payments/database",
      "--port",
      "80",
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^DENIED/);
    expect(r.stdout).toContain("default-deny-all examples/payments/policies/00-default-deny.yaml:2");
  });

  it("answers for external addresses and CIDRs", () => {
    const ok = ["reach", "examples/payments", "--from", "payments/backend", "--port", "443"];
    expect(ward([...ok, "--to", "203.0.113.10"]).code).toBe(0);
    expect(ward([...ok, "--to", "203.0.113.0/24"]).code).toBe(0);
    expect(ward([...ok, "--to", "198.51.100.1"]).code).toBe(1);
    expect(
      ward(["reach", "examples/payments", "--from", "payments/frontend", "--to", "203.0.113.10", "--port", "443"]).code,
    ).toBe(1);
  });

  it("explains every policy, rule, peer and port with file:line", () => {
    const r = ward([
      "explain",
      "examples/payments",
      "--from",
      "monitoring/prometheus",
      "--to",
      "payments/backend",
      "--port",
      "9090",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("egress from monitoring/prometheus");
    expect(r.stdout).toContain("ingress to payments/backend");
    expect(r.stdout).toMatch(/allow-metrics-scrape \(examples\/payments\/policies\/60-monitoring-scrape\.yaml:\d+\)/);
    expect(r.stdout).toContain("✓ TCP/metrics");
    expect(r.stdout).toContain("→ allows");
  });

  it("json output carries the verdict", () => {
    const r = ward([
      "reach",
      "examples/payments",
      "--from",
      "frontend",
      "--to",
      "database",
      "--port",
      "80",
      "--format",
      "json",
    ]);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.verdict.allowed).toBe(false);
    expect(json.verdict.layers[0].layer).toBe("cluster");
    expect(json.verdict.layers[0].decidedBy[0]).toMatchObject({
      kind: "NetworkPolicy",
      file: expect.stringContaining("examples/payments"),
    });
  });
});

describe("ward usage errors", () => {
  it("unknown workload, bad port and bad protocol exit 2 with a message, no stack trace", () => {
    for (const args of [
      ["reach", "examples/payments", "--from", "nope", "--to", "payments/backend", "--port", "80"],
      ["reach", "examples/payments", "--from", "frontend", "--to", "backend", "--port", "99999"],
      ["matrix", "examples/payments", "--protocol", "ICMP"],
      ["matrix", "examples/payments", "--format", "xml"],
      ["matrix", "does/not/exist"],
      ["reach", "examples/payments", "--to", "backend", "--port", "80"],
    ]) {
      const r = ward(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/error/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
