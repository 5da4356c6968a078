import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Intent } from "../../intent/intent.js";
import { parseFlows } from "../../load/flows/read-flows.js";
import { buildModel } from "../../load/index.js";
import { reach } from "../reach/reach.js";
import { verify } from "../verify/verify.js";
import { generateFromFlows, planFromFlows } from "./from-flows.js";

const read = (path: string) => ({ file: path, text: readFileSync(path, "utf8") });
const cluster = () => buildModel([read("examples/payments/workloads.yaml"), read("examples/payments/namespaces.yaml")]);

describe("generate --from-flows", () => {
  const log = parseFlows([read("test/fixtures/flows/hubble-payments.json")]);

  it("maps Hubble endpoints to the cluster's workloads by pod name and labels", () => {
    const plan = planFromFlows(log, cluster());
    expect(plan.unmapped).toEqual([]);
    expect(plan.groups.map((g) => `${g.from} → ${g.to}`)).toContain("payments/frontend → payments/backend");
    expect(plan.plan.namespaces).toEqual(["ingress-nginx", "monitoring", "payments"]);
  });

  it("enforce allows exactly what was forwarded (DNS kept, dropped flows not allowed): verified as an intent", () => {
    const model = cluster();
    const fp = planFromFlows(log, model);
    const out = generateFromFlows(log, model, "enforce", ["hubble.json"]);
    const withPolicies = buildModel([
      read("examples/payments/workloads.yaml"),
      read("examples/payments/namespaces.yaml"),
      { file: "generated.yaml", text: out.text },
    ]);
    const intent: Intent = {
      file: "flows",
      namespaces: fp.plan.namespaces,
      deny: true,
      dns: true,
      paths: fp.plan.paths.map((p) => p.path),
    };
    expect(verify(withPolicies, intent).differences).toEqual([]);
    const allowed = (from: string, to: string, port: number, protocol: "TCP" | "UDP" = "TCP") =>
      reach(withPolicies, { from, to, port, protocol }).allowed;
    expect(allowed("payments/frontend", "payments/backend", 80)).toBe(true);
    expect(allowed("payments/frontend", "payments/database", 80)).toBe(false); // dropped when observed
    expect(allowed("payments/database", "kube-system/coredns", 53, "UDP")).toBe(true); // DNS for every pod
    expect(allowed("payments/backend", "203.0.113.10", 443)).toBe(true);
    expect(allowed("payments/backend", "203.0.113.11", 443)).toBe(false); // exactly what was seen
  });

  it("deny is default-deny + DNS only; relax is the allows only; audit is a report", () => {
    const model = cluster();
    const deny = generateFromFlows(log, model, "deny", ["h"]);
    expect(deny.manifests.map((m) => m.metadata.name).every((n) => n === "default-deny" || n === "allow-dns")).toBe(
      true,
    );
    expect(deny.text).toContain("8 observed endpoint pair(s) will be denied until relaxed");
    const relax = generateFromFlows(log, model, "relax", ["h"]);
    expect(relax.manifests.some((m) => m.metadata.name === "default-deny")).toBe(false);
    expect(relax.manifests.length).toBeGreaterThan(0);
    const audit = generateFromFlows(log, model, "audit", ["h"]);
    expect(audit.manifests).toEqual([]);
    expect(audit.text).toContain("payments/frontend → payments/backend: TCP/80");
  });

  it("keeps only the request of a VPC record pair and maps IPs to pods with --cluster", () => {
    const vpc = parseFlows([read("test/fixtures/flows/vpc-flow-logs-v2.log")]);
    const plan = planFromFlows(vpc, buildModel([read("test/fixtures/flows/vpc-cluster.yaml")]));
    expect(plan.groups.map((g) => `${g.from} → ${g.to}`)).toEqual([
      "203.0.113.99/32 → shop/api",
      "shop/api → 10.0.0.2/32",
      "shop/api → shop/postgres",
    ]);
    expect(plan.plan.paths.map((p) => p.path.name)).toEqual(["shop/api → 10.0.0.2/32", "shop/api → shop/postgres"]);
  });
});
