import { existsSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { readState, statePath } from "../src/dataplane/lab-state.js";
import type { ProbeReport } from "../src/dataplane/probe/probe-report.js";
import { isResponder } from "../src/dataplane/server/start-responder.js";
import { cleanUpLabs, dataplaneSkipReason, hostLinks, hostTables, labName, namespacesOf } from "./support/dataplane.js";
import { ward } from "./support/run-cli.js";

const skip = await dataplaneSkipReason();
const lab = labName("p");

type Json = ProbeReport & { disagreements: unknown[] };

describe.skipIf(skip !== undefined)(
  `ward up / probe / down on examples/payments${skip ? ` (skipped: ${skip})` : ""}`,
  () => {
    const before = skip ? { links: [], tables: [] } : { links: hostLinks(), tables: hostTables() };

    afterAll(() => cleanUpLabs(["p"]), 180_000);

    it("brings the lab up: a namespace per replica, a router and an external namespace", async () => {
      const r = ward(["up", "examples/payments", "--name", lab]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`lab ${lab} is up: 10 pod namespaces for 6 workloads`);
      expect(r.stdout).toContain("203.0.113.10 for 203.0.113.0/24");
      expect(await namespacesOf(lab)).toHaveLength(12);
    });

    it("probes every pair on every port with zero disagreements, SCTP reported as not probed", () => {
      const r = ward(["probe", lab, "--format", "json"]);
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as Json;
      expect(report.disagreements).toEqual([]);
      const find = (protocol: string, port: number, from: string, to: string) =>
        report.pairs.find(
          (p) => p.query.protocol === protocol && p.query.port === port && p.from === from && p.to === to,
        );
      expect(find("TCP", 80, "payments/frontend", "payments/backend")).toMatchObject({
        status: "agree",
        predicted: "allowed",
        observed: { cell: "allowed", answered: 4, total: 4 },
      });
      expect(find("TCP", 80, "payments/frontend", "payments/database")).toMatchObject({
        status: "agree",
        observed: { cell: "denied", answered: 0 },
      });
      expect(find("TCP", 443, "payments/backend", "203.0.113.10")?.observed?.cell).toBe("allowed");
      expect(find("TCP", 443, "payments/frontend", "203.0.113.10")?.observed?.cell).toBe("denied");
      expect(find("UDP", 53, "payments/database", "kube-system/coredns")?.observed?.cell).toBe("allowed");
      expect(find("TCP", 9090, "monitoring/prometheus", "payments/database")?.observed?.cell).toBe("allowed");
      expect(find("TCP", 80, "payments/database", "payments/database")?.observed?.cell).toBe("loopback");
      const sctp = report.pairs.filter((p) => p.query.protocol === "SCTP");
      expect(sctp.length).toBeGreaterThan(0);
      expect(sctp.every((p) => p.status === "not-probed" && p.observed === undefined)).toBe(true);
      expect(report.pairs.filter((p) => p.status === "agree").length).toBe(720);
    });

    it("prints the observed matrix next to the prediction", () => {
      const r = ward(["probe", lab, "--port", "80", "--protocol", "TCP"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/TCP\/80\s+observed\s+predicted/);
      expect(r.stdout).toContain("No disagreements");
    });

    it("re-applies the same policies atomically", () => {
      const r = ward(["up", "examples/payments", "--name", lab]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("policies re-applied atomically");
    });

    it("tears everything down and leaves nothing behind", async () => {
      const pid = (await readState(lab))?.responder?.pid ?? 0;
      expect(await isResponder(pid, lab)).toBe(true);
      const r = ward(["down", lab]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`lab ${lab} removed: 12 namespaces`);
      expect(await namespacesOf(lab)).toEqual([]);
      expect(existsSync(statePath(lab))).toBe(false);
      expect(await isResponder(pid, lab)).toBe(false);
      expect(hostLinks()).toEqual(before.links);
      expect(hostTables()).toEqual(before.tables);
    });

    it("is idempotent: down again is not an error, and probe names the missing lab", () => {
      const again = ward(["down", lab]);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain("nothing to remove");
      const probe = ward(["probe", lab]);
      expect(probe.code).toBe(2);
      expect(probe.stderr).toContain(`lab ${lab}: no such lab`);
    });
  },
);
