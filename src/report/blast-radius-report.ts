import type { BlastRadius } from "../analyze/blast-radius/blast-radius.js";
import { formatPorts } from "../analyze/port-set.js";
import type { Decision } from "../analyze/verdict.js";
import { portList } from "./matrix-view.js";

export const BLAST_FORMATS = ["text", "json"] as const;

/** "NetworkPolicy payments/allow-x (file:line)", or the reason when no rule decided (e.g. not isolated). */
function ruleText(d: Decision): string {
  if (d.file === undefined) return d.why;
  return `${d.kind} ${d.namespace === undefined ? "" : `${d.namespace}/`}${d.name} (${d.file}:${d.line})`;
}

export function blastText(r: BlastRadius): string {
  const workloads = r.reached.filter((x) => x.kind === "workload");
  const external = r.reached.filter((x) => x.kind === "external");
  const lines = [
    `Blast radius of ${r.from}${r.maxHops === undefined ? "" : ` (at most ${r.maxHops} hop${r.maxHops === 1 ? "" : "s"})`}: ${workloads.length} workload${workloads.length === 1 ? "" : "s"}, ${external.length} external range${external.length === 1 ? "" : "s"}`,
  ];
  for (const x of r.reached) {
    const chain = x.path.map((h) => `→ ${h.to} [${formatPorts(h.ports)}]`).join(" ");
    lines.push(`  ${x.hops} ${x.kind === "external" ? "external" : "workload"} ${x.target}: ${r.from} ${chain}`);
    // Shortest paths share their prefixes: each hop is the last hop of the line that reaches its target.
    const last = x.path.at(-1);
    if (last) lines.push(`      ${last.from} → ${last.to} allowed by: ${last.allowedBy.map(ruleText).join("; ")}`);
  }
  if (r.reached.length === 0) lines.push("  nothing: every connection from it is denied");
  return `${lines.join("\n")}\n`;
}

export function blastJson(r: BlastRadius): string {
  const reached = r.reached.map((x) => ({
    kind: x.kind,
    target: x.target,
    hops: x.hops,
    path: x.path.map((h) => ({ from: h.from, to: h.to, ports: portList(h.ports), allowedBy: h.allowedBy })),
  }));
  return `${JSON.stringify({ from: r.from, maxHops: r.maxHops ?? null, reached }, null, 2)}\n`;
}
