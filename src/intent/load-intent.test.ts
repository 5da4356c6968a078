import { describe, expect, it } from "vitest";
import { InputError } from "../errors/input-error.js";
import { loadIntent, parseIntent } from "./load-intent.js";

function problems(text: string) {
  try {
    parseIntent("ward.yaml", text);
  } catch (e) {
    if (e instanceof InputError) return e.problems.map((p) => ({ code: p.code, line: p.line }));
    throw e;
  }
  throw new Error("expected an InputError");
}

describe("ward.yaml loader", () => {
  it("reads the payments intent: named workloads, CIDR egress, named ports", async () => {
    const intent = await loadIntent("examples/payments/ward.yaml");
    expect(intent.namespaces).toEqual(["payments", "monitoring"]);
    expect(intent.deny).toBe(true);
    expect(intent.dns).toBe(true);
    expect(intent.paths.map((p) => p.name)).toEqual([
      "ingress → frontend",
      "frontend → backend",
      "backend → database",
      "payment gateway",
      "metrics scrape",
    ]);
    const gateway = intent.paths[3];
    expect(gateway?.to).toMatchObject({ kind: "cidr", label: "203.0.113.0/24" });
    expect(intent.paths[4]?.ports).toEqual([{ protocol: "TCP", port: "metrics", line: 33 }]);
    expect(intent.paths[0]?.line).toBe(17);
  });

  it("parses port shorthands: ranges, protocols, names and mappings", () => {
    const intent = parseIntent(
      "w.yaml",
      `paths:
  - from: a/b
    to: a/c
    ports: [80, "8000-8080", 53/UDP, metrics/TCP, { port: 9000, endPort: 9100, protocol: SCTP }]`,
    );
    expect(intent.paths[0]?.ports).toEqual([
      { protocol: "TCP", port: 80, line: 4 },
      { protocol: "TCP", port: 8000, endPort: 8080, line: 4 },
      { protocol: "UDP", port: 53, line: 4 },
      { protocol: "TCP", port: "metrics", line: 4 },
      { protocol: "SCTP", port: 9000, endPort: 9100, line: 4 },
    ]);
  });

  it("names file:line for every problem, with a code per kind", () => {
    expect(
      problems(`workloads:
  web: { namespace: shop }
paths:
  - from: web
    to: { cidr: 10.0.0.300/8 }
    ports: [80]
  - from: nope
    to: web
    ports: [99999]
  - from: web
    to: { id: shop/db, cidr: 10.0.0.0/8 }
    ports: [80]
  - from: web
    to: { fqdn: "bad..name" }
    ports: [443]`),
    ).toEqual([
      { code: "invalid-cidr", line: 5 },
      { code: "unknown-workload", line: 7 },
      { code: "port-out-of-range", line: 9 },
      { code: "ambiguous-peer", line: 11 },
      { code: "invalid-fqdn", line: 14 },
    ]);
  });

  it("rejects unknown fields (a misspelt field would change the intent) and wrong types", () => {
    expect(problems("paths:\n  - from: a/b\n    to: a/c\n    port: [80]\n")).toEqual([
      { code: "missing-field", line: 2 },
      { code: "unknown-field", line: 4 },
    ]);
    expect(problems("defaults:\n  deny: maybe\n")).toEqual([{ code: "invalid-type", line: 2 }]);
  });

  it("rejects an fqdn as a source and more than one document", () => {
    expect(problems("paths:\n  - from: { fqdn: a.example.com }\n    to: a/c\n    ports: [80]\n")).toEqual([
      { code: "fqdn-source", line: 2 },
    ]);
    expect(problems("paths: []\n---\npaths: []\n")).toEqual([{ code: "multiple-documents", line: 3 }]);
  });

  it("accepts HTTP paths with * only alone, as a prefix or as a suffix, and methods that are tokens", () => {
    const text = (paths: string, methods = "[GET]") => `paths:
  - from: a/b
    to: a/c
    ports: [80]
    http: { methods: ${methods}, paths: ${paths} }`;
    expect(parseIntent("w.yaml", text('["/api/*", "*.json", "*", "/exact"]')).paths[0]?.http?.paths).toHaveLength(4);
    expect(problems(text('["/a*b"]'))).toEqual([{ code: "invalid-http-path", line: 5 }]);
    expect(problems(text('["*api*"]'))).toEqual([{ code: "invalid-http-path", line: 5 }]);
    expect(problems(text('["api/*"]'))).toEqual([{ code: "invalid-http-path", line: 5 }]);
    expect(problems(text('["/"]', '["GET /x"]'))).toEqual([{ code: "invalid-http-method", line: 5 }]);
  });

  it("accepts a leading *. wildcard only", () => {
    const ok = parseIntent("w.yaml", "paths:\n  - from: a/b\n    to: { fqdn: '*.Example.com' }\n    ports: [443]\n");
    expect(ok.paths[0]?.to).toMatchObject({ kind: "fqdn", fqdn: "*.example.com" });
    expect(problems("paths:\n  - from: a/b\n    to: { fqdn: 'api.*.com' }\n    ports: [443]\n")).toEqual([
      { code: "invalid-fqdn", line: 3 },
    ]);
  });
});
