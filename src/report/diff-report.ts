import type { DiffEntry, DiffResult } from "../analyze/diff/diff.js";
import { formatPorts } from "../analyze/port-set.js";
import { portList } from "./matrix-view.js";
import { decisionText } from "./verify-report.js";

export const DIFF_FORMATS = ["text", "json", "md"] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

function rules(e: DiffEntry): string[] {
  return [...new Set(e.samples.flatMap((s) => s.decidedBy.map((d) => `${s.protocol}/${s.port}: ${decisionText(d)}`)))];
}

export function diffText(r: DiffResult): string {
  const lines: string[] = [];
  if (r.workloadsAdded.length) lines.push(`Workloads added: ${r.workloadsAdded.join(", ")}`);
  if (r.workloadsRemoved.length) lines.push(`Workloads removed: ${r.workloadsRemoved.join(", ")}`);
  for (const kind of ["added", "removed"] as const) {
    const list = r.entries.filter((e) => e.kind === kind);
    if (list.length === 0) continue;
    lines.push("", `${kind === "added" ? "Newly allowed" : "No longer allowed"} (${list.length}):`);
    for (const e of list) {
      lines.push(`  ${kind === "added" ? "+" : "-"} ${e.from} → ${e.to}: ${formatPorts(e.ports)}`);
      for (const line of rules(e)) lines.push(`      ${line}`);
    }
  }
  if (r.entries.length === 0) lines.push("No change in allowed connectivity.");
  else {
    const added = r.entries.filter((e) => e.kind === "added").length;
    lines.push("", `${added} added, ${r.entries.length - added} removed.`);
  }
  return `${lines.join("\n").replace(/^\n/, "")}\n`;
}

export function diffJson(r: DiffResult): string {
  const entries = r.entries.map((e) => ({
    kind: e.kind,
    from: e.from,
    to: e.to,
    ports: portList(e.ports),
    samples: e.samples,
  }));
  return `${JSON.stringify({ workloadsAdded: r.workloadsAdded, workloadsRemoved: r.workloadsRemoved, entries }, null, 2)}\n`;
}

/** A pull-request comment. */
export function diffMarkdown(r: DiffResult): string {
  const lines = ["### Connectivity changes (ward diff)", ""];
  if (r.entries.length === 0) lines.push("No change in allowed connectivity.");
  else {
    lines.push("| | from | to | ports | rules |", "|:-:|---|---|---|---|");
    for (const e of r.entries) {
      const refs = [
        ...new Set(
          e.samples.flatMap((s) =>
            s.decidedBy
              .filter((d) => d.file)
              .map((d) => `${d.kind} ${d.namespace ? `${d.namespace}/` : ""}${d.name} (\`${d.file}:${d.line}\`)`),
          ),
        ),
      ];
      lines.push(
        `| ${e.kind === "added" ? "➕" : "➖"} | \`${e.from}\` | \`${e.to}\` | ${formatPorts(e.ports)} | ${refs.join("<br>") || "—"} |`,
      );
    }
  }
  if (r.workloadsAdded.length) lines.push("", `Workloads added: ${r.workloadsAdded.map((w) => `\`${w}\``).join(", ")}`);
  if (r.workloadsRemoved.length)
    lines.push("", `Workloads removed: ${r.workloadsRemoved.map((w) => `\`${w}\``).join(", ")}`);
  return `${lines.join("\n")}\n`;
}

export function renderDiff(r: DiffResult, format: DiffFormat): string {
  return format === "json" ? diffJson(r) : format === "md" ? diffMarkdown(r) : diffText(r);
}
