import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { modelOf, namespace, pod, policy } from "../../test/support/cluster-fixture.js";
import { randomCluster } from "../../test/support/random-cluster.js";
import { buildModel } from "../load/index.js";
import type { Model } from "../model/model.js";
import { LabError } from "./errors.js";
import { externalTargets } from "./external-targets.js";
import { ipv4ToInt } from "./ipv4.js";
import { checkLabName, labModel, labNameFromPath, planLab } from "./lab-plan.js";
import { labPorts } from "./lab-ports.js";

function payments(): Model {
  const dir = join(import.meta.dirname, "../../examples/payments");
  const files = [
    ...readdirSync(dir)
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => join(dir, f)),
    ...readdirSync(join(dir, "policies")).map((f) => join(dir, "policies", f)),
  ];
  return buildModel(files.map((file) => ({ file, text: readFileSync(file, "utf8") })));
}

describe("lab plan", () => {
  it("keeps names within IFNAMSIZ: a lab name of at most 10 characters, namespaces <lab>-<n>", () => {
    expect(() => checkLabName("payments-lab")).toThrow(LabError);
    expect(() => checkLabName("Pay")).toThrow(LabError);
    expect(checkLabName("pay-1")).toBe("pay-1");
    expect(labNameFromPath("examples/payments/")).toBe("payments");
    expect(labNameFromPath("./2024_Cluster.yaml")).toBe("cluster");
    const plan = planLab(payments(), { name: "payments" });
    for (const ns of [plan.router, plan.external, ...plan.pods.map((p) => p.netns)])
      expect(ns.length).toBeLessThanOrEqual(15);
  });

  it("gives a controller with replicas two namespaces and a single pod one", () => {
    const plan = planLab(payments(), { name: "payments" });
    const count = (w: string) => plan.pods.filter((p) => p.workload === w).length;
    expect(count("payments/frontend")).toBe(2);
    expect(count("payments/database")).toBe(1); // a StatefulSet with replicas: 1
    expect(count("monitoring/prometheus")).toBe(1);
    expect(plan.pods).toHaveLength(10);
    expect(plan.capped).toEqual([]);
  });

  it("caps the namespaces, one per workload before any second replica, and reports the cap", () => {
    const model = payments();
    const plan = planLab(model, { name: "payments", maxNamespaces: 7 });
    expect(plan.pods).toHaveLength(7);
    expect(new Set(plan.pods.map((p) => p.workload)).size).toBe(6);
    // Six workloads get one namespace each; the seventh goes to the first replicated one; three stay capped.
    expect(plan.capped.map((c) => [c.inLab, c.wanted])).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
    const restricted = labModel(model, plan);
    expect(restricted.workloads).toHaveLength(6);
  });

  it("uses a pod's own IPv4 address once, and allocates for replicas, duplicates and pods without one", () => {
    const model = modelOf(
      namespace("a"),
      pod("a", "one", {}, "status:\n  podIP: 10.1.2.3"),
      pod("a", "two", {}, "status:\n  podIP: 10.1.2.3"),
      pod("a", "three"),
    );
    const plan = planLab(model, { name: "ips" });
    const byName = (n: string) => plan.pods.find((p) => model.pods[p.pod]?.name === n);
    expect(byName("one")).toMatchObject({ address: "10.1.2.3", modelAddress: true });
    expect(byName("two")).toMatchObject({ modelAddress: false });
    expect(byName("two")?.address).toMatch(/^10\.244\.0\.[12]$/);
    expect(byName("three")?.address).toMatch(/^10\.244\.0\.[12]$/);
    expect(byName("three")?.address).not.toBe(byName("two")?.address);
  });

  it("never puts an external target on a pod's address, and gives each ipBlock region its own", () => {
    fc.assert(
      fc.property(randomCluster, (model) => {
        const plan = planLab(model, { name: "rand" });
        const taken = new Set([...plan.pods.map((p) => p.address), ...model.pods.flatMap((p) => p.ips)]);
        for (const x of plan.externals) expect(taken.has(x.address)).toBe(false);
        expect(new Set(plan.externals.map((x) => x.label)).size).toBe(plan.externals.length);
        expect(new Set(plan.pods.map((p) => p.address)).size).toBe(plan.pods.length);
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  it("stands the payment gateway and the internet for the payments example", () => {
    const plan = planLab(payments(), { name: "payments" });
    expect(plan.externals).toEqual([
      { address: "203.0.113.10", label: "203.0.113.0/24" },
      { address: "198.51.100.10", label: "internet" },
    ]);
  });

  it("splits ipBlocks with excepts into regions", () => {
    const model = modelOf(
      namespace("a"),
      pod("a", "p"),
      policy(
        "a",
        "x",
        "podSelector: {}\negress:\n  - to:\n      - ipBlock:\n          cidr: 10.0.0.0/8\n          except: [10.1.0.0/16]",
      ),
    );
    const targets = externalTargets(model, new Set([ipv4ToInt("10.0.0.10") as number]));
    expect(targets.map((t) => t.label)).toEqual(["10.0.0.0/8 except 10.1.0.0/16", "internet"]);
    expect(targets[0]?.address).toBe("10.0.0.1");
  });

  it("serves every container port, policy port and range edge, and one port nothing mentions", () => {
    const model = modelOf(
      namespace("a"),
      pod("a", "web", {}, "      ports:\n        - containerPort: 8080"),
      policy(
        "a",
        "x",
        "podSelector: {}\ningress:\n  - ports:\n      - port: 53\n        endPort: 60\n      - port: 443",
      ),
    );
    expect(labPorts(model)).toEqual([52, 53, 60, 61, 443, 8080, 9999]);
    expect(labPorts(payments())).toEqual([53, 80, 443, 9090, 9153, 9999]);
  });
});
