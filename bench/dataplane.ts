import { cpus, release } from "node:os";
import { pathToFileURL } from "node:url";
import { run } from "../src/dataplane/exec.js";
import { missingPrerequisites } from "../src/dataplane/host.js";
import { labDown } from "../src/dataplane/lab-down.js";
import { type LabPlan, planLab } from "../src/dataplane/lab-plan.js";
import { compileLab, labUp } from "../src/dataplane/lab-up.js";
import { createNamespaces, deleteNamespaces } from "../src/dataplane/netns/topology.js";
import { applyScript } from "../src/dataplane/nftables/apply.js";
import { probeLab } from "../src/dataplane/probe/probe-lab.js";
import { buildModel } from "../src/load/index.js";
import type { Model } from "../src/model/model.js";
import type { ClusterPolicy } from "../src/model/policy.js";
import { type ClusterShape, generateCluster } from "./generate-cluster.js";

/**
 * The data plane benchmark (after `npm run bench`'s analysis benchmark, or `node dist/bench/dataplane.js`):
 * compile+apply of the nftables ruleset for 100 and 1,000 pods of the seeded realistic cluster, re-apply after one
 * changed policy, and probe throughput in a lab. Needs root, iproute2 and nftables; skipped (exit 0) without them.
 * Target: 1,000 pods compile+apply <= 1 s.
 */

const TARGET_MS = 1000;
const RUNS = 5;
const SHAPES: readonly ClusterShape[] = [
  { seed: 20261125, namespaces: 5, pods: 100, policies: 20 },
  { seed: 20261125, namespaces: 20, pods: 1000, policies: 200 },
];

const ms = (x: number) => `${Math.round(x)} ms`;
const int = (n: number) => n.toLocaleString("en-US");
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;

/** The same model with one policy changed: its first rule with numeric ports gains one more port. */
function withOneChangedPolicy(model: Model): Model {
  const index = model.policies.findIndex((p) => (p.ingress ?? []).some((r) => r.ports !== "all"));
  const policies = model.policies.map((p, i): ClusterPolicy => {
    if (i !== index) return p;
    const ingress = (p.ingress ?? []).map((r, j) =>
      j === 0 && r.ports !== "all" ? { ...r, ports: [...r.ports, { protocol: "TCP" as const, port: 12345 }] } : r,
    );
    return { ...p, ingress };
  });
  return { ...model, policies };
}

type Row = {
  pods: number;
  policies: number;
  chains: number;
  rules: number;
  elements: number;
  compile: number;
  apply: number;
  total: number;
  reapply: number;
};

async function compileApply(shape: ClusterShape, lab: string): Promise<Row> {
  const model = buildModel(generateCluster(shape));
  // Every pod in the ruleset: the pods' addresses are set elements; no pod namespace is needed to apply it.
  const plan: LabPlan = planLab(model, { name: lab, maxNamespaces: 9999, perWorkload: 9999, replicas: 1 });
  const router = plan.router;
  await createNamespaces([router]);
  try {
    const compile: number[] = [];
    const apply: number[] = [];
    const total: number[] = [];
    let stats = compileLab(model, plan).stats;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const compiled = compileLab(model, plan);
      const t1 = performance.now();
      await applyScript(router, compiled.script);
      const t2 = performance.now();
      compile.push(t1 - t0);
      apply.push(t2 - t1);
      total.push(t2 - t0);
      stats = compiled.stats;
    }
    const changed = withOneChangedPolicy(model);
    const reapply: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await applyScript(router, compileLab(i % 2 === 0 ? changed : model, plan).script);
      reapply.push(performance.now() - t0);
    }
    return {
      pods: plan.pods.length,
      policies: model.policies.length,
      chains: stats.chains,
      rules: stats.rules,
      elements: stats.elements,
      compile: median(compile),
      apply: median(apply),
      total: median(total),
      reapply: median(reapply),
    };
  } finally {
    await deleteNamespaces([router]);
  }
}

async function probeThroughput(shape: ClusterShape, lab: string, log: (line?: string) => void): Promise<void> {
  const model = buildModel(generateCluster(shape));
  const rate = (label: string, report: Awaited<ReturnType<typeof probeLab>>) => {
    const s = report.stats;
    const wrong = report.pairs.filter((x) => x.status === "disagree").length;
    log(
      `probe       ${label}: ${int(s.connections)} connections in ${(s.ms / 1000).toFixed(1)} s = ${int(Math.round(s.perSecond))}/s (${int(s.answered)} answered, the rest dropped after ${s.timeoutMs} ms; ${int(s.retried)} tried again); ${wrong} disagreements`,
    );
  };
  try {
    const up = await labUp(model, { name: lab });
    log(
      `lab up      ${int(shape.pods)}-pod cluster: ${up.plan.pods.length} pod namespaces (2 per workload), ${up.plan.externals.length} external addresses, ${int(up.sockets ?? 0)} sockets in ${(up.timings.totalMs / 1000).toFixed(1)} s`,
    );
    rate(`TCP, all ${up.plan.ports.length} ports, with policies`, await probeLab(lab, { protocol: "TCP" }));
    // The same pods without policies (a re-apply): every connection answers, so this is the raw connection rate.
    await labUp({ ...model, policies: [] }, { name: lab });
    rate(`TCP, all ${up.plan.ports.length} ports, no policies`, await probeLab(lab, { protocol: "TCP" }));
  } finally {
    const down = await labDown(lab);
    if (down.leftovers.length > 0)
      log(`warning: ward down ${lab} left ${down.leftovers.length} namespaces: ${down.error ?? "unknown reason"}`);
  }
}

export async function dataplaneBench(log: (line?: string) => void = (l = "") => process.stdout.write(`${l}\n`)) {
  const missing = await missingPrerequisites();
  if (missing.length > 0) {
    log(`dataplane bench: skipped (needs ${missing.join(", ")})`);
    return;
  }
  const nft = (await run("nft", ["--version"])).trim();
  log();
  log(`ward dataplane bench: ${nft}, Linux ${release()}, ${cpus().length} CPUs; median of ${RUNS} runs`);
  const lab = `b${process.pid % 100000}`;
  const rows: Row[] = [];
  for (const shape of SHAPES) rows.push(await compileApply(shape, lab));
  const head = [
    "pods",
    "policies",
    "chains",
    "rules",
    "set elements",
    "compile",
    "apply",
    "compile+apply",
    "re-apply 1",
  ];
  const widths = [6, 10, 8, 8, 14, 10, 10, 15, 12];
  const line = (cells: readonly string[]) =>
    `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 8) : c.padStart(widths[i] ?? 8))).join("")}`;
  log(line(head));
  for (const r of rows)
    log(
      line([
        int(r.pods),
        int(r.policies),
        int(r.chains),
        int(r.rules),
        int(r.elements),
        ms(r.compile),
        ms(r.apply),
        ms(r.total),
        ms(r.reapply),
      ]),
    );
  const big = rows.find((r) => r.pods >= 1000);
  if (big)
    log(`  ${big.total <= TARGET_MS ? "PASS" : "FAIL"}  1,000 pods compile+apply <= ${TARGET_MS} ms: ${ms(big.total)}`);
  await probeThroughput(SHAPES[0] as ClusterShape, lab, log);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  dataplaneBench().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 3;
  });
}
