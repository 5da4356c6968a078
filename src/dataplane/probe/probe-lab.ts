import { readFile } from "node:fs/promises";
import { workloadMatrix } from "../../analyze/matrix/workload-matrix.js";
import { reach } from "../../analyze/reach/reach.js";
import type { Model } from "../../model/model.js";
import { PROTOCOLS, type Protocol } from "../../model/ports.js";
import { LabError } from "../errors.js";
import { requireHost } from "../host.js";
import { checkLabName, type LabPlan, type LabPod, labModel } from "../lab-plan.js";
import { readState } from "../lab-state.js";
import { modelFromJson } from "../model-snapshot.js";
import type { ProbeOutcome, ProbeResult, ProbeTask } from "./agent-protocol.js";
import type { Cell, Observed, PairOutcome, Party, ProbeReport, Query } from "./probe-report.js";
import { runAgents } from "./run-agents.js";

export type ProbeOptions = {
  readonly port?: number;
  readonly protocol?: Protocol;
  /** How long a connection may take before it counts as dropped (default 1000 ms). */
  readonly timeoutMs?: number;
  /** Timeout for the second try of connections in disagreeing pairs (default 2 s; the third try gets 2.5 times that). */
  readonly retryTimeoutMs?: number;
  readonly agents?: number;
  readonly perAgent?: number;
};

export const DEFAULT_TIMEOUT_MS = 1000;
const IN_FLIGHT = 2048;

/** Why SCTP is never probed here: reported per pair, never counted as agreeing. */
export async function sctpReason(): Promise<string> {
  const protocols = await readFile("/proc/net/protocols", "utf8").catch(() => "");
  return /^SCTP/m.test(protocols)
    ? "Node.js cannot open SCTP sockets"
    : "this kernel has no SCTP sockets (and Node.js cannot open them)";
}

type Pending = {
  readonly query: Query;
  readonly from: string;
  readonly to: string;
  readonly predicted: Cell;
  readonly tasks: readonly number[];
  readonly why?: string;
};

function cellOf(allowed: boolean, partial: boolean, loopback = false): Cell {
  if (loopback) return "loopback";
  if (!allowed) return "denied";
  return partial ? "partial" : "allowed";
}

/** The prediction for every pair of one query: `ward matrix` between workloads, `ward reach` with externals. */
function predict(model: Model, plan: LabPlan, query: Query): Map<string, Cell> {
  const out = new Map<string, Cell>();
  for (const p of workloadMatrix(model, query).pairs)
    out.set(`${p.from}\u0000${p.to}`, cellOf(p.allowed, p.partial, p.loopback));
  for (const w of model.workloads)
    for (const x of plan.externals) {
      const to = reach(model, { from: w.id, to: x.address, ...query });
      out.set(`${w.id}\u0000${x.address}`, cellOf(to.allowed, to.partial));
      const from = reach(model, { from: x.address, to: w.id, ...query });
      out.set(`${x.address}\u0000${w.id}`, cellOf(from.allowed, from.partial));
    }
  return out;
}

function observe(pair: Pending, results: ReadonlyMap<number, ProbeResult>): Observed {
  const outcomes: Partial<Record<ProbeOutcome, number>> = {};
  let answered = 0;
  for (const id of pair.tasks) {
    const outcome = results.get(id)?.outcome ?? "error";
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    if (outcome === "answered") answered++;
  }
  const total = pair.tasks.length;
  const cell: Cell =
    answered === 0 ? "denied" : answered < total ? "partial" : pair.predicted === "loopback" ? "loopback" : "allowed";
  return { cell, answered, total, outcomes };
}

function settle(pair: Pending, results: ReadonlyMap<number, ProbeResult>): PairOutcome {
  const base = { query: pair.query, from: pair.from, to: pair.to, predicted: pair.predicted };
  if (pair.why !== undefined) return { ...base, status: "not-probed", why: pair.why };
  const observed = observe(pair, results);
  return { ...base, observed, status: observed.cell === pair.predicted ? "agree" : "disagree" };
}

/**
 * `ward probe`: real connections from inside every namespace — every ordered pair of workloads (replica to replica,
 * or a single pod to itself), every workload to and from every external address — on every served port, TCP and
 * UDP, compared with the prediction from the model the lab enforces. A pair that disagrees is tried once more with
 * a longer timeout before it is reported, so a slow answer on a busy host is not taken for a drop.
 */
export async function probeLab(name: string, opts: ProbeOptions = {}): Promise<ProbeReport> {
  checkLabName(name);
  await requireHost();
  const state = await readState(name);
  if (state === undefined) throw new LabError(name, `no such lab (ward up PATH --name ${name} makes it)`);
  if (state.status !== "up") throw new LabError(name, `the lab is half built; run ward down ${name}`);
  const plan = state.plan;
  const model = labModel(modelFromJson(state.model), plan);
  if (opts.port !== undefined && !plan.ports.includes(opts.port))
    throw new LabError(name, `port ${opts.port} is not served in this lab (served: ${plan.ports.join(", ")})`);
  const ports = opts.port === undefined ? plan.ports : [opts.port];
  const protocols = opts.protocol === undefined ? PROTOCOLS : [opts.protocol];
  const queries: Query[] = protocols.flatMap((protocol) => ports.map((port) => ({ protocol, port })));
  const sctp = protocols.includes("SCTP") ? await sctpReason() : "";

  const parties: Party[] = [
    ...model.workloads.map((w): Party => ({ id: w.id, kind: "workload", label: w.id })),
    ...plan.externals.map((x): Party => ({ id: x.address, kind: "external", label: `${x.address} (${x.label})` })),
  ];
  const podsOf = new Map<string, LabPod[]>();
  for (const p of plan.pods) podsOf.set(p.workload, [...(podsOf.get(p.workload) ?? []), p]);
  const single = new Map(model.workloads.map((w) => [w.id, w.single]));

  const tasks = new Map<string, ProbeTask[]>();
  let nextId = 0;
  const task = (from: string, t: Omit<ProbeTask, "id">): number => {
    const id = nextId++;
    const list = tasks.get(from) ?? [];
    list.push({ id, ...t });
    tasks.set(from, list);
    return id;
  };

  const pending: Pending[] = [];
  for (const query of queries) {
    const predicted = predict(model, plan, query);
    const protocol = query.protocol;
    for (const from of parties)
      for (const to of parties) {
        if (from.kind === "external" && to.kind === "external") continue;
        const cell = predicted.get(`${from.id}\u0000${to.id}`);
        if (cell === undefined) throw new LabError(name, `no prediction for ${from.id} → ${to.id}`);
        const base = { query, from: from.id, to: to.id, predicted: cell };
        if (protocol === "SCTP") {
          pending.push({ ...base, tasks: [], why: sctp });
          continue;
        }
        const ids: number[] = [];
        if (from.kind === "workload" && to.kind === "workload") {
          const sources = podsOf.get(from.id) ?? [];
          const targets = podsOf.get(to.id) ?? [];
          const self = from.id === to.id;
          if (self && !single.get(from.id) && sources.length < 2) {
            pending.push({ ...base, tasks: [], why: "only one namespace of this workload is in the lab" });
            continue;
          }
          for (const a of sources)
            for (const b of targets) {
              // Replica to replica; a single pod to itself is the one same-namespace (loopback) connection.
              if (a === b && !(self && single.get(from.id))) continue;
              ids.push(task(a.netns, { host: b.address, port: query.port, protocol, expect: b.netns }));
            }
        } else if (from.kind === "workload") {
          for (const a of podsOf.get(from.id) ?? [])
            ids.push(task(a.netns, { host: to.id, port: query.port, protocol, expect: plan.external }));
        } else {
          for (const b of podsOf.get(to.id) ?? [])
            ids.push(
              task(plan.external, { host: b.address, port: query.port, protocol, local: from.id, expect: b.netns }),
            );
        }
        pending.push({ ...base, tasks: ids });
      }
  }

  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // At most about IN_FLIGHT connections at once: more only queues at the responder and turns answers into timeouts.
  const parallel = opts.agents ?? 16;
  const sources = Math.max(1, Math.min(parallel, tasks.size));
  const agents = { agents: parallel, perAgent: opts.perAgent ?? Math.max(16, Math.floor(IN_FLIGHT / sources)) };
  const t0 = performance.now();
  const results = await runAgents(tasks, { timeoutMs, ...agents });
  const ms = performance.now() - t0;
  const connections = nextId;
  const answered = [...results.values()].filter((r) => r.outcome === "answered").length;

  // More chances for connections that failed in a disagreeing pair, fewer at a time and with more time each, so a
  // slow answer on a busy host is not taken for a drop; an answer is never taken back.
  const byId = new Map<number, [string, ProbeTask]>();
  for (const [netns, list] of tasks) for (const t of list) byId.set(t.id, [netns, t]);
  let retried = 0;
  const base = opts.retryTimeoutMs ?? 2000;
  for (const retryTimeout of [base, base * 2.5]) {
    const retry = new Map<string, ProbeTask[]>();
    for (const pair of pending) {
      if (settle(pair, results).status !== "disagree") continue;
      for (const id of pair.tasks) {
        const entry = byId.get(id);
        if (results.get(id)?.outcome === "answered" || entry === undefined) continue;
        retry.set(entry[0], [...(retry.get(entry[0]) ?? []), entry[1]]);
        retried++;
      }
    }
    if (retry.size === 0) break;
    const again = await runAgents(retry, { timeoutMs: retryTimeout, agents: 4, perAgent: 16 });
    for (const [id, r] of again) results.set(id, r);
  }

  return {
    lab: name,
    parties,
    queries,
    pairs: pending.map((p) => settle(p, results)),
    notProbed: protocols.includes("SCTP") ? [{ what: "SCTP", why: sctp }] : [],
    capped: plan.capped,
    stats: { connections, answered, retried, ms, perSecond: connections / Math.max(ms / 1000, 1e-3), timeoutMs },
  };
}
