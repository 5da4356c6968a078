import type { WorkloadExposure } from "../analyze/exposure/cluster-exposure.js";
import { formatPorts } from "../analyze/port-set.js";
import { portList } from "./matrix-view.js";
import { decisionText } from "./verify-report.js";

export const EXPOSURE_FORMATS = ["text", "json"] as const;

export function exposureText(list: readonly WorkloadExposure[]): string {
  const lines = ["Cluster exposure: who can reach each workload from outside its namespace"];
  for (const w of list) {
    lines.push("", `${w.workload}${w.isolated ? "" : " (not isolated for ingress)"}`);
    if (w.sources.length === 0) lines.push("  nothing outside its namespace");
    for (const s of w.sources) {
      lines.push(`  ${s.kind === "external" ? "addresses" : "workload"} ${s.from}: ${formatPorts(s.ports)}`);
      for (const d of s.allowedBy) lines.push(`      ${decisionText(d)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

export function exposureJson(list: readonly WorkloadExposure[]): string {
  const workloads = list.map((w) => ({
    workload: w.workload,
    isolated: w.isolated,
    sources: w.sources.map((s) => ({ kind: s.kind, from: s.from, ports: portList(s.ports), allowedBy: s.allowedBy })),
  }));
  return `${JSON.stringify({ workloads }, null, 2)}\n`;
}
