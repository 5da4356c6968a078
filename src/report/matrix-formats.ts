import type { MatrixPair, WorkloadMatrix } from "../analyze/matrix/workload-matrix.js";
import { allowedEdges, edgeLabel, pairPorts, portList, queryLabel } from "./matrix-view.js";

export const MATRIX_FORMATS = ["text", "json", "csv", "md", "dot", "mermaid"] as const;
export type MatrixFormat = (typeof MATRIX_FORMATS)[number];

function mark(pair: MatrixPair): string {
  if (pair.loopback) return "○";
  if (!pair.allowed) return "·";
  return pair.partial ? "~" : "✓";
}

export function matrixText(matrix: WorkloadMatrix): string {
  const ids = matrix.workloads;
  const n = ids.length;
  const width = String(n).length + 3;
  const nameWidth = Math.max(4, ...ids.map((id) => id.length));
  const lines: string[] = [];
  lines.push(`Connectivity matrix (${queryLabel(matrix)}), rows = from, columns = to`);
  lines.push("  ✓ allowed   · denied   ~ allowed for some pods only   ○ loopback (single pod to itself)");
  lines.push("");
  const head = ids.map((_, i) => `[${i + 1}]`.padStart(width)).join("");
  lines.push(`${" ".repeat(width + 1 + nameWidth)} ${head}`);
  ids.forEach((id, i) => {
    const cells = matrix.pairs.slice(i * n, (i + 1) * n).map((p) => mark(p).padStart(width));
    lines.push(`${`[${i + 1}]`.padStart(width)} ${id.padEnd(nameWidth)} ${cells.join("")}`);
  });
  const edges = allowedEdges(matrix);
  lines.push("");
  lines.push(edges.length === 0 ? "No allowed connections between workloads." : "Allowed:");
  for (const p of edges)
    lines.push(`  ${p.from} → ${p.to}: ${pairPorts(matrix, p)}${p.partial ? " (some pods only)" : ""}`);
  return `${lines.join("\n")}\n`;
}

export function matrixJson(matrix: WorkloadMatrix): string {
  const pairs = matrix.pairs.map((p) => ({
    from: p.from,
    to: p.to,
    allowed: p.allowed,
    ports: portList(matrix.ports.get(p.ports)),
    ...(p.partial ? { partial: true } : {}),
    ...(p.loopback ? { loopback: true } : {}),
  }));
  return `${JSON.stringify({ query: matrix.query, workloads: matrix.workloads, pairs }, null, 2)}\n`;
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function matrixCsv(matrix: WorkloadMatrix): string {
  const rows = ["from,to,allowed,ports,partial,loopback"];
  for (const p of matrix.pairs)
    rows.push(
      [
        p.from,
        p.to,
        String(p.allowed),
        portList(matrix.ports.get(p.ports)).join(" "),
        String(p.partial),
        String(p.loopback),
      ]
        .map(csvField)
        .join(","),
    );
  return `${rows.join("\n")}\n`;
}

export function matrixMarkdown(matrix: WorkloadMatrix): string {
  const ids = matrix.workloads;
  const n = ids.length;
  const lines = [`**Connectivity (${queryLabel(matrix)})** — rows: from, columns: to`, ""];
  lines.push(`| from \\ to | ${ids.map((id) => `\`${id}\``).join(" | ")} |`);
  lines.push(`|---|${ids.map(() => ":-:").join("|")}|`);
  ids.forEach((id, i) => {
    const cells = matrix.pairs.slice(i * n, (i + 1) * n).map((p) => {
      if (p.loopback) return "loopback";
      if (!p.allowed) return "—";
      return `${matrix.query.port === undefined ? pairPorts(matrix, p) : "✓"}${p.partial ? " (some pods)" : ""}`;
    });
    lines.push(`| \`${id}\` | ${cells.join(" | ")} |`);
  });
  return `${lines.join("\n")}\n`;
}

function dotId(id: string): string {
  return `"${id.replaceAll('"', '\\"')}"`;
}

export function matrixDot(matrix: WorkloadMatrix): string {
  const lines = ["digraph ward {", "  rankdir=LR;", "  node [shape=box];"];
  for (const id of matrix.workloads) lines.push(`  ${dotId(id)};`);
  for (const p of allowedEdges(matrix))
    lines.push(
      `  ${dotId(p.from)} -> ${dotId(p.to)} [label=${dotId(edgeLabel(matrix, p))}${p.partial ? ", style=dashed" : ""}];`,
    );
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

export function matrixMermaid(matrix: WorkloadMatrix): string {
  const node = new Map(matrix.workloads.map((id, i) => [id, `w${i}`]));
  const lines = ["flowchart LR"];
  for (const id of matrix.workloads) lines.push(`  ${node.get(id)}["${id.replaceAll('"', "#quot;")}"]`);
  for (const p of allowedEdges(matrix)) {
    const arrow = p.partial ? "-.->" : "-->";
    lines.push(`  ${node.get(p.from)} ${arrow}|"${edgeLabel(matrix, p)}"| ${node.get(p.to)}`);
  }
  return `${lines.join("\n")}\n`;
}

export function renderMatrix(matrix: WorkloadMatrix, format: MatrixFormat): string {
  switch (format) {
    case "text":
      return matrixText(matrix);
    case "json":
      return matrixJson(matrix);
    case "csv":
      return matrixCsv(matrix);
    case "md":
      return matrixMarkdown(matrix);
    case "dot":
      return matrixDot(matrix);
    case "mermaid":
      return matrixMermaid(matrix);
  }
}
