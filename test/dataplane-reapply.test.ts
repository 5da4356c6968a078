import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { CompileError } from "../src/dataplane/errors.js";
import { labDown } from "../src/dataplane/lab-down.js";
import { readState } from "../src/dataplane/lab-state.js";
import { labUp } from "../src/dataplane/lab-up.js";
import { netnsExec } from "../src/dataplane/netns/ip.js";
import { probeLab } from "../src/dataplane/probe/probe-lab.js";
import type { ProbeReport } from "../src/dataplane/probe/probe-report.js";
import { modelOf, namespace, pod, policy } from "./support/cluster-fixture.js";
import { cleanUpLabs, dataplaneSkipReason, labName, namespacesOf } from "./support/dataplane.js";
import { ward } from "./support/run-cli.js";

const skip = await dataplaneSkipReason();
const lab = labName("r");

const pods = [
  namespace("a"),
  pod("a", "client", { app: "client" }),
  pod("a", "server", { app: "server" }),
  pod("a", "other", { app: "other" }),
];
const serverFromClient = policy(
  "a",
  "server-from-client",
  "podSelector:\n  matchLabels:\n    app: server\ningress:\n  - from:\n      - podSelector:\n          matchLabels:\n            app: client\n    ports:\n      - port: 80",
);
const isolateOther = policy(
  "a",
  "isolate-other",
  "podSelector:\n  matchLabels:\n    app: other\npolicyTypes: [Ingress]",
);
const v1 = modelOf(...pods, serverFromClient);
const v2 = modelOf(...pods, serverFromClient, isolateOther);

const NO_STATS = { chains: 0, rules: 0, sets: 0, elements: 0, bytes: 0 };

const cell = (report: ProbeReport, from: string, to: string) =>
  report.pairs.find((p) => p.query.protocol === "TCP" && p.query.port === 80 && p.from === from && p.to === to)
    ?.observed?.cell;

/** Holds one TCP connection open from a namespace, sending a line every 100 ms and counting the echoes. */
function holdConnection(netns: string, host: string, ms: number): { child: ChildProcess; result: Promise<string> } {
  const script = `
    const s = require("net").connect(80, "${host}");
    let pings = 0, echoes = 0, first = true, buf = "";
    s.on("data", (d) => { buf += d; const lines = buf.split("\\n"); buf = lines.pop();
      for (const l of lines) { if (first) first = false; else if (l.startsWith("ping")) echoes++; } });
    const t = setInterval(() => { pings++; s.write("ping " + pings + "\\n"); }, 100);
    const end = (error) => { clearInterval(t); console.log(JSON.stringify({ pings, echoes, error })); process.exit(0); };
    s.on("error", (e) => end(e.code));
    s.on("close", () => end("closed"));
    setTimeout(() => setTimeout(() => end(null), 300), ${ms});`;
  const child = spawn("ip", ["netns", "exec", netns, process.execPath, "-e", script], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const result = new Promise<string>((resolve) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.on("close", () => resolve(out.trim()));
  });
  return { child, result };
}

describe.skipIf(skip !== undefined)(`policy changes in a running lab${skip ? ` (skipped: ${skip})` : ""}`, () => {
  afterAll(() => cleanUpLabs(["r", "f", "n"]), 180_000);

  it("opens nothing when compilation fails: no namespace, no state", async () => {
    const failing = labName("f");
    const compile = () => {
      throw new CompileError("test model", "injected failure");
    };
    await expect(labUp(v1, { name: failing }, { compile })).rejects.toThrow(CompileError);
    expect(await namespacesOf(failing)).toEqual([]);
    expect(await readState(failing)).toBeUndefined();
  });

  it("tears the lab down when nft rejects the ruleset, before any link or route exists", async () => {
    const rejected = labName("n");
    const compile = () => ({ script: "table inet ward { chain c { bogus } }\n", stats: NO_STATS, compileMs: 0 });
    await expect(labUp(v1, { name: rejected }, { compile })).rejects.toThrow(/nft/);
    expect(await namespacesOf(rejected)).toEqual([]);
    expect(await readState(rejected)).toBeUndefined();
  });

  it("re-applies a changed policy without dropping an established allowed connection", async () => {
    await labUp(v1, { name: lab });
    const before = await probeLab(lab, { protocol: "TCP", port: 80 });
    expect(cell(before, "a/client", "a/server")).toBe("allowed");
    expect(cell(before, "a/client", "a/other")).toBe("allowed");

    const plan = (await readState(lab))?.plan;
    const client = plan?.pods.find((p) => p.workload === "a/client");
    const server = plan?.pods.find((p) => p.workload === "a/server");
    if (!client || !server) throw new Error("no client or server in the lab");
    const held = holdConnection(client.netns, server.address, 2500);
    await new Promise((r) => setTimeout(r, 800));
    const result = await labUp(v2, { name: lab });
    expect(result.kind).toBe("reapplied");
    const { pings, echoes, error } = JSON.parse(await held.result) as {
      pings: number;
      echoes: number;
      error: string | null;
    };
    expect(error).toBeNull();
    expect(pings).toBeGreaterThan(15);
    expect(echoes).toBe(pings);

    const after = await probeLab(lab, { protocol: "TCP", port: 80 });
    expect(after.pairs.filter((p) => p.status === "disagree")).toEqual([]);
    expect(cell(after, "a/client", "a/server")).toBe("allowed");
    expect(cell(after, "a/client", "a/other")).toBe("denied");
  });

  it("exits 1 and names the pair when the enforcement differs from the model", async () => {
    const plan = (await readState(lab))?.plan;
    if (!plan) throw new Error("no lab");
    // Tamper with the lab behind Ward's back: accept every new connection before any policy chain.
    await netnsExec(plan.router, "nft", ["insert", "rule", "inet", "ward", "forward", "accept"]);
    const r = ward(["probe", lab, "--port", "80", "--protocol", "TCP", "--format", "json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { disagreements: { from: string; to: string; predicted: string }[] };
    expect(report.disagreements).toContainEqual(
      expect.objectContaining({ from: "a/client", to: "a/other", predicted: "denied" }),
    );
    // Re-applying the model replaces the whole table, tampering included.
    await labUp(v2, { name: lab });
    expect(ward(["probe", lab, "--port", "80", "--protocol", "TCP"]).code).toBe(0);
  });

  it("keeps the running ruleset when a re-apply fails to compile or nft rejects it", async () => {
    const plan = (await readState(lab))?.plan;
    if (!plan) throw new Error("no lab");
    const rules = () => netnsExec(plan.router, "nft", ["list", "ruleset"]);
    const running = await rules();
    const throwing = () => {
      throw new CompileError("test model", "injected failure");
    };
    await expect(labUp(v1, { name: lab }, { compile: throwing })).rejects.toThrow(CompileError);
    const broken = () => ({
      script: "delete table inet ward\ntable inet ward { chain c { bogus } }\n",
      stats: NO_STATS,
      compileMs: 0,
    });
    await expect(labUp(v1, { name: lab }, { compile: broken })).rejects.toThrow(/nft/);
    expect(await rules()).toBe(running);
    const report = await probeLab(lab, { protocol: "TCP", port: 80 });
    expect(cell(report, "a/client", "a/other")).toBe("denied");
    expect(report.pairs.filter((p) => p.status === "disagree")).toEqual([]);
    await labDown(lab);
    expect(await namespacesOf(lab)).toEqual([]);
  });
});
