import type { ClusterEdge } from "../analyze/edges/cluster-edges.js";
import { formatRef } from "../model/source-ref.js";

const MARK = { yes: "ALLOWED", partly: "PARTLY ALLOWED", no: "DENIED" } as const;

/** The cluster's entry points: what each reaches and whether policy lets the traffic in, with the deciding rules. */
export function edgesText(edges: readonly ClusterEdge[]): string {
  if (edges.length === 0) return "";
  const lines = ["Entry points from outside the cluster:"];
  for (const e of edges) {
    const svc = e.service ? ` → Service ${e.service.namespace}/${e.service.name}:${e.service.port}` : "";
    lines.push(`  ${e.listen}${svc}  (${formatRef(e.entry)})`);
    lines.push(`    policy checked from: ${e.from}`);
    for (const n of e.notes) lines.push(`    note: ${n}`);
    for (const b of e.backends) {
      lines.push(`    ${MARK[b.allowed]}  ${b.workload} (${b.pod}) on ${b.protocol}/${b.port}`);
      for (const layer of b.verdict.layers)
        for (const d of layer.decidedBy)
          lines.push(`      ${d.why}${d.file === undefined ? "" : `  [${d.kind} ${d.name} ${d.file}:${d.line}]`}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

export function edgesJson(edges: readonly ClusterEdge[]): unknown {
  return edges.map((e) => ({
    kind: e.kind,
    listen: e.listen,
    entry: e.entry,
    ...(e.service ? { service: e.service } : {}),
    from: e.from,
    notes: e.notes,
    backends: e.backends.map((b) => ({
      workload: b.workload,
      pod: b.pod,
      port: b.port,
      protocol: b.protocol,
      allowed: b.allowed,
      verdict: b.verdict,
    })),
  }));
}
