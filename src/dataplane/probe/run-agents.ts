import { spawn } from "node:child_process";
import { entryPoint } from "../entry-point.js";
import { CommandError } from "../errors.js";
import { eachLimit } from "../exec.js";
import type { AgentRequest, ProbeResult, ProbeTask } from "./agent-protocol.js";

export type AgentOptions = {
  readonly timeoutMs: number;
  /** Agents (source namespaces) at once. */
  readonly agents: number;
  /** Connections in flight per agent. */
  readonly perAgent: number;
};

function runAgent(netns: string, request: AgentRequest): Promise<ProbeResult[]> {
  return new Promise((resolve, reject) => {
    const args = ["netns", "exec", netns, process.execPath, entryPoint("probe/agent")];
    // Bounded: every task times out, so an agent that outlives this has hung.
    const limit = Math.ceil(request.tasks.length / Math.max(1, request.concurrency)) * request.timeoutMs * 2 + 30_000;
    const child = spawn("ip", args, { stdio: ["pipe", "pipe", "pipe"], timeout: limit });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", (e) => reject(new CommandError("ip", args, null, e.message)));
    child.on("close", (code, signal) => {
      const stderr = Buffer.concat(err).toString("utf8");
      if (code !== 0) return reject(new CommandError("ip", args, code ?? signal, stderr));
      try {
        resolve(JSON.parse(Buffer.concat(out).toString("utf8")) as ProbeResult[]);
      } catch {
        reject(new CommandError("ip", args, code, `unreadable agent output; ${stderr}`));
      }
    });
    child.stdin.end(JSON.stringify(request));
  });
}

/** Runs every namespace's tasks from inside it (one agent process per namespace); results by task id. */
export async function runAgents(
  tasks: ReadonlyMap<string, readonly ProbeTask[]>,
  opts: AgentOptions,
): Promise<Map<number, ProbeResult>> {
  const results = new Map<number, ProbeResult>();
  const jobs = [...tasks.entries()].filter(([, list]) => list.length > 0);
  await eachLimit(jobs, opts.agents, async ([netns, list]) => {
    const out = await runAgent(netns, { timeoutMs: opts.timeoutMs, concurrency: opts.perAgent, tasks: list });
    for (const r of out) results.set(r.id, r);
  });
  return results;
}
