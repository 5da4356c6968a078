import { readFile, writeFile } from "node:fs/promises";
import type { Model } from "../model/model.js";
import { LabError } from "./errors.js";
import { requireHost } from "./host.js";
import { labDown } from "./lab-down.js";
import { type LabPlan, type PlanOptions, planLab } from "./lab-plan.js";
import { type LabState, logPath, readState, rulesetPath, writeState } from "./lab-state.js";
import { modelToJson } from "./model-snapshot.js";
import { listNamespaces } from "./netns/ip.js";
import { createNamespaces, labNamespaces, openForwarding, wireLab } from "./netns/topology.js";
import { applyScript } from "./nftables/apply.js";
import { compileRuleset } from "./nftables/compile.js";
import { type RulesetStats, renderRuleset } from "./nftables/render.js";
import { startResponder } from "./server/start-responder.js";

export type UpOptions = PlanOptions & { readonly sources?: readonly string[] };

export type UpResult = {
  readonly kind: "created" | "reapplied";
  readonly plan: LabPlan;
  readonly stats: RulesetStats;
  readonly timings: { readonly compileMs: number; readonly applyMs: number; readonly totalMs: number };
  /** Sockets the responder serves (created labs only). */
  readonly sockets?: number;
  readonly notes: readonly string[];
};

export type CompiledRuleset = { readonly script: string; readonly stats: RulesetStats; readonly compileMs: number };

/** Seams for tests of the failure paths (a compiler that throws, a script nft rejects). */
export type UpDeps = { readonly compile: (model: Model, plan: LabPlan) => CompiledRuleset };

/** Model → nft script, timed. Throws (CompileError) before anything is touched. */
export function compileLab(model: Model, plan: LabPlan): CompiledRuleset {
  const t0 = performance.now();
  const { script, stats } = renderRuleset(compileRuleset(model, plan));
  return { script, stats, compileMs: performance.now() - t0 };
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const now = () => new Date().toISOString();

/**
 * `ward up`: builds the lab for a model, or — when the lab exists with the same pods — re-applies the policies
 * atomically. Fails closed: the ruleset is compiled before anything exists and applied before any link is wired or
 * forwarding is on; on any failure the lab is torn down again.
 */
export async function labUp(model: Model, opts: UpOptions, deps: UpDeps = { compile: compileLab }): Promise<UpResult> {
  await requireHost();
  const t0 = performance.now();
  const existing = await readState(opts.name);
  if (existing !== undefined) return reapply(model, opts, existing, t0, deps);

  const plan = planLab(model, opts);
  await checkSocketBudget(plan);
  const compiled = deps.compile(model, plan);
  const namespaces = labNamespaces(plan);
  const present = new Set(await listNamespaces());
  const taken = namespaces.filter((n) => present.has(n));
  if (taken.length > 0)
    throw new LabError(
      plan.name,
      `network namespace(s) ${taken.slice(0, 5).join(", ")} already exist; pick another --name`,
    );

  const state: LabState = {
    version: 1,
    name: plan.name,
    status: "creating",
    createdAt: now(),
    updatedAt: now(),
    sources: opts.sources ?? [],
    plan,
    namespaces,
    model: modelToJson(model),
  };
  await writeState(state);
  try {
    await createNamespaces(namespaces);
    await writeFile(rulesetPath(plan.name), compiled.script);
    const applyMs = await timed(() => applyScript(plan.router, compiled.script));
    await wireLab(plan);
    await openForwarding(plan.router);
    const endpoints = [
      ...plan.pods.map((p) => ({ netns: p.netns, identity: p.workload, addresses: [p.address] })),
      { netns: plan.external, identity: "external", addresses: plan.externals.map((x) => x.address) },
    ];
    const log = logPath(plan.name);
    const pid = await startResponder({ lab: plan.name, ports: plan.ports, endpoints }, log);
    const sockets = endpoints.reduce((n, e) => n + e.addresses.length * plan.ports.length * 2, 0);
    await writeState({
      ...state,
      status: "up",
      updatedAt: now(),
      responder: { pid, log },
      ruleset: { stats: compiled.stats, file: rulesetPath(plan.name), appliedAt: now() },
    });
    return {
      kind: "created",
      plan,
      stats: compiled.stats,
      timings: { compileMs: compiled.compileMs, applyMs, totalMs: performance.now() - t0 },
      sockets,
      notes: capNotes(plan),
    };
  } catch (e) {
    await labDown(plan.name).catch(() => undefined);
    throw e;
  }
}

/** The responder holds a TCP and a UDP socket per port per address: they must fit its open-file limit. */
async function checkSocketBudget(plan: LabPlan): Promise<void> {
  const addresses = plan.pods.length + plan.externals.length;
  const sockets = addresses * plan.ports.length * 2;
  const limits = await readFile("/proc/self/limits", "utf8").catch(() => "");
  // Node raises its soft limit to the hard one at startup (the third column).
  const hard = Number(/^Max open files\s+\S+\s+(\S+)/m.exec(limits)?.[1]);
  if (Number.isFinite(hard) && sockets + 256 > hard)
    throw new LabError(
      plan.name,
      `${addresses} addresses × ${plan.ports.length} ports × TCP and UDP = ${sockets} sockets, over the open-file limit ${hard}; lower --max-namespaces or --ports`,
    );
}

function capNotes(plan: LabPlan): string[] {
  return plan.capped.map(
    (c) =>
      `capped: ${c.workload} has ${c.inLab} of ${c.wanted} namespace(s) in the lab (--replicas raises the per-workload cap, --max-namespaces the total of ${plan.maxNamespaces}); probe predicts for those`,
  );
}

const podKey = (p: LabPlan["pods"][number]) => `${p.netns} ${p.workload} ${p.replica} ${p.address}`;

async function reapply(model: Model, opts: UpOptions, existing: LabState, t0: number, deps: UpDeps): Promise<UpResult> {
  if (existing.status !== "up")
    throw new LabError(
      existing.name,
      `the lab is half built (status ${existing.status}); run ward down ${existing.name}`,
    );
  const old = existing.plan;
  const fresh = planLab(model, { ...opts, ports: old.ports });
  const same =
    fresh.pods.length === old.pods.length &&
    fresh.pods.every((p, i) => podKey(p) === podKey(old.pods[i] as LabPlan["pods"][number]));
  if (!same)
    throw new LabError(
      old.name,
      `its workloads or pods differ from this model's; re-apply changes policies only — run ward down ${old.name} first`,
    );
  // The pods are the same; their indices are the new model's.
  const plan: LabPlan = { ...old, pods: fresh.pods };
  const notes: string[] = [];
  const newExternals = fresh.externals.filter((x) => !old.externals.some((o) => o.label === x.label));
  if (newExternals.length > 0)
    notes.push(
      `new external region(s) ${newExternals.map((x) => x.label).join(", ")} are enforced but not probed until the lab is rebuilt`,
    );
  // A failure here (compile or nft) leaves the running ruleset as it was: nft -f commits all or nothing.
  const compiled = deps.compile(model, plan);
  const applyMs = await timed(() => applyScript(plan.router, compiled.script));
  await writeFile(rulesetPath(plan.name), compiled.script);
  await writeState({
    ...existing,
    updatedAt: now(),
    plan,
    model: modelToJson(model),
    sources: opts.sources ?? existing.sources,
    ruleset: { stats: compiled.stats, file: rulesetPath(plan.name), appliedAt: now() },
  });
  return {
    kind: "reapplied",
    plan,
    stats: compiled.stats,
    timings: { compileMs: compiled.compileMs, applyMs, totalMs: performance.now() - t0 },
    notes,
  };
}
