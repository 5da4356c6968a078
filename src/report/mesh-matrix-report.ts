import type { LayeredMatrix, LayeredPair } from "../analyze/mesh/mesh-matrix.js";
import { type MatrixFormat, renderMatrix } from "./matrix-formats.js";
import { allowedEdges, pairPorts, queryLabel } from "./matrix-view.js";

function mark(pair: LayeredPair): string {
  if (pair.loopback) return "○";
  if (!pair.allowed) return pair.deniedBy === "mesh" ? "×" : "·";
  return pair.partial ? "~" : "✓";
}

/** The matrix text, with a distinct mark for pairs the mesh layer denies. */
export function layeredMatrixText(matrix: LayeredMatrix): string {
  const ids = matrix.workloads;
  const n = ids.length;
  const width = String(n).length + 3;
  const nameWidth = Math.max(4, ...ids.map((id) => id.length));
  const lines: string[] = [];
  const layers = matrix.layer === "all" ? "cluster + mesh layers" : `${matrix.layer} layer`;
  lines.push(`Connectivity matrix (${queryLabel(matrix)}, ${layers}), rows = from, columns = to`);
  lines.push(
    "  ✓ allowed   · denied by the cluster layer   × denied by the mesh layer   ~ allowed for some pods only   ○ loopback",
  );
  if (matrix.layer !== "cluster")
    lines.push(
      "  mesh: a port counts as allowed when SOME request on it is allowed (ALLOW rules with methods/paths allow the requests they name)",
    );
  lines.push("");
  const head = ids.map((_, i) => `[${i + 1}]`.padStart(width)).join("");
  lines.push(`${" ".repeat(width + 1 + nameWidth)} ${head}`);
  ids.forEach((id, i) => {
    const cells = matrix.pairs.slice(i * n, (i + 1) * n).map((p) => mark(p).padStart(width));
    lines.push(`${`[${i + 1}]`.padStart(width)} ${id.padEnd(nameWidth)} ${cells.join("")}`);
  });
  const edges = allowedEdges(matrix) as LayeredPair[];
  lines.push("");
  lines.push(edges.length === 0 ? "No allowed connections between workloads." : "Allowed:");
  for (const p of edges)
    lines.push(
      `  ${p.from} → ${p.to}: ${pairPorts(matrix, p)}${p.partial ? " (some pods only)" : ""}${p.deniedBy === "mesh" ? " (mesh narrows the ports)" : ""}`,
    );
  const meshDenied = matrix.pairs.filter((p) => !p.allowed && p.deniedBy === "mesh");
  if (meshDenied.length > 0) {
    lines.push("");
    lines.push("Denied by the mesh layer (the cluster layer allows; use `ward explain` for the rule):");
    for (const p of meshDenied) lines.push(`  ${p.from} → ${p.to}`);
  }
  return `${lines.join("\n")}\n`;
}

export function renderLayeredMatrix(matrix: LayeredMatrix, format: MatrixFormat): string {
  if (format === "text") return layeredMatrixText(matrix);
  const out = renderMatrix(matrix, format);
  if (format !== "json") return out;
  const json = JSON.parse(out) as { pairs: Record<string, unknown>[] };
  json.pairs.forEach((p, i) => {
    const d = matrix.pairs[i]?.deniedBy;
    if (d !== undefined) p.deniedBy = d;
  });
  return `${JSON.stringify({ layer: matrix.layer, ...json }, null, 2)}\n`;
}
