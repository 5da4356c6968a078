import type { BlastRadius } from "../analyze/blast-radius/blast-radius.js";
import { formatPorts } from "../analyze/port-set.js";
import { portList } from "./matrix-view.js";

export const BLAST_FORMATS = ["text", "json"] as const;

export function blastText(r: BlastRadius): string {
  const workloads = r.reached.filter((x) => x.kind === "workload");
  const external = r.reached.filter((x) => x.kind === "external");
  const lines = [
    `Blast radius of ${r.from}${r.maxHops === undefined ? "" : ` (at most ${r.maxHops} hop${r.maxHops === 1 ? "" : "s"})`}: ${workloads.length} workload${workloads.length === 1 ? "" : "s"}, ${external.length} external range${external.length === 1 ? "" : "s"}`,
  ];
  for (const x of r.reached) {
    const chain = x.path.map((h) => `→ ${h.to} [${formatPorts(h.ports)}]`).join(" ");
    lines.push(`  ${x.hops} ${x.kind === "external" ? "external" : "workload"} ${x.target}: ${r.from} ${chain}`);
  }
  if (r.reached.length === 0) lines.push("  nothing: every connection from it is denied");
  return `${lines.join("\n")}\n`;
}

export function blastJson(r: BlastRadius): string {
  const reached = r.reached.map((x) => ({
    kind: x.kind,
    target: x.target,
    hops: x.hops,
    path: x.path.map((h) => ({ from: h.from, to: h.to, ports: portList(h.ports) })),
  }));
  return `${JSON.stringify({ from: r.from, maxHops: r.maxHops ?? null, reached }, null, 2)}\n`;
}
