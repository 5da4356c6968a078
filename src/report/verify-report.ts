import { formatPorts } from "../analyze/port-set.js";
import type { Decision } from "../analyze/verdict.js";
import type { Difference, VerifyResult } from "../analyze/verify/verify.js";
import { portList } from "./matrix-view.js";

export const VERIFY_FORMATS = ["text", "json", "md"] as const;
export type VerifyFormat = (typeof VERIFY_FORMATS)[number];

export function decisionText(d: Decision): string {
  if (d.file === undefined) return d.why;
  const id = d.namespace === undefined ? d.name : `${d.namespace}/${d.name}`;
  return `${d.kind} ${id} (${d.file}:${d.line}): ${d.why}`;
}

function headline(d: Difference): string {
  const ports = formatPorts(d.ports);
  if (d.layer === "mesh")
    return d.kind === "missing"
      ? `${d.from} → ${d.to} on ${ports}: the intent allows ${d.what} (${d.paths.join(", ")}), the mesh denies it`
      : `${d.from} → ${d.to} on ${ports}: the mesh allows ${d.what}, the intent does not`;
  return d.kind === "missing"
    ? `${d.from} → ${d.to} on ${ports}: the intent allows it (${d.paths.join(", ")}), the configuration denies it`
    : `${d.from} → ${d.to} on ${ports}: the configuration allows it, the intent does not`;
}

function sampleLines(d: Difference, indent: string): string[] {
  const out: string[] = [];
  for (const s of d.samples) {
    out.push(`${indent}${s.protocol}/${s.port}:`);
    for (const r of s.decidedBy) out.push(`${indent}  ${decisionText(r)}`);
  }
  return out;
}

export function verifyText(r: VerifyResult): string {
  const lines: string[] = [];
  const missing = r.differences.filter((d) => d.kind === "missing");
  const extra = r.differences.filter((d) => d.kind === "extra");
  lines.push(
    `Verified ${r.intent} at the ${r.layers?.join(" and ") ?? "cluster"} layer${(r.layers?.length ?? 1) > 1 ? "s" : ""}: ${r.pairsChecked} workload pairs, governed namespaces: ${r.governed.join(", ") || "none"}`,
  );
  if (missing.length > 0) {
    lines.push("", `Allowed by the intent, denied by the configuration (${missing.length}):`);
    for (const d of missing) lines.push(`  ✗ ${headline(d)}`, ...sampleLines(d, "      "));
  }
  if (extra.length > 0) {
    lines.push("", `Allowed by the configuration, not by the intent (${extra.length}):`);
    for (const d of extra) lines.push(`  ✗ ${headline(d)}`, ...sampleLines(d, "      "));
  }
  const unresolved = r.notes.filter((n) => n.kind === "unresolved");
  const unprovable = r.notes.filter((n) => n.kind === "not-provable");
  const undecidable = r.notes.filter((n) => n.kind === "undecidable");
  if (unresolved.length > 0) {
    lines.push("", `Intent references the configuration does not have (${unresolved.length}):`);
    for (const n of unresolved) lines.push(`  ✗ ${n.file}:${n.line}: ${n.path}: ${n.message}`);
  }
  if (undecidable.length > 0) {
    lines.push("", `Undecidable (${undecidable.length}):`);
    for (const n of undecidable) lines.push(`  ? ${n.file}:${n.line}: ${n.path}: ${n.message}`);
  }
  if (unprovable.length > 0) {
    lines.push("", `Not provable${r.layers?.includes("mesh") ? "" : " at the cluster layer"} (${unprovable.length}):`);
    for (const n of unprovable) lines.push(`  ? ${n.file}:${n.line}: ${n.path}: ${n.message}`);
  }
  const total = r.differences.length + unresolved.length + undecidable.length;
  lines.push(
    "",
    total === 0
      ? "OK: the configuration allows exactly what the intent allows."
      : `${total} difference${total === 1 ? "" : "s"}: ${missing.length} denied path${missing.length === 1 ? "" : "s"}, ${extra.length} unintended path${extra.length === 1 ? "" : "s"}${unresolved.length ? `, ${unresolved.length} unresolved` : ""}${undecidable.length ? `, ${undecidable.length} undecidable` : ""}.`,
  );
  return `${lines.join("\n")}\n`;
}

export function verifyJson(r: VerifyResult): string {
  const differences = r.differences.map((d) => ({
    kind: d.kind,
    from: d.from,
    to: d.to,
    ports: portList(d.ports),
    ...(d.paths.length ? { paths: d.paths } : {}),
    ...(d.layer ? { layer: d.layer, what: d.what } : {}),
    samples: d.samples,
  }));
  const ok = r.differences.length === 0 && !r.notes.some((n) => n.kind === "unresolved" || n.kind === "undecidable");
  return `${JSON.stringify({ intent: r.intent, ok, governed: r.governed, pairsChecked: r.pairsChecked, differences, notes: r.notes }, null, 2)}\n`;
}

export function verifyMarkdown(r: VerifyResult): string {
  const lines = [`### ward verify \`${r.intent}\``, ""];
  if (r.differences.length === 0) lines.push("✅ The configuration allows exactly what the intent allows.");
  else {
    lines.push("| | from | to | ports | deciding rules |", "|---|---|---|---|---|");
    for (const d of r.differences) {
      const rules = [
        ...new Set(
          d.samples.flatMap((s) =>
            s.decidedBy.map((x) => (x.file ? `${x.kind} ${x.namespace ?? ""}/${x.name} (${x.file}:${x.line})` : x.why)),
          ),
        ),
      ];
      lines.push(
        `| ${d.kind === "missing" ? "denied, intended" : "allowed, not intended"}${d.what ? ` (mesh: ${d.what})` : ""} | \`${d.from}\` | \`${d.to}\` | ${formatPorts(d.ports)} | ${rules.join("<br>")} |`,
      );
    }
  }
  for (const n of r.notes)
    lines.push("", `- ${n.kind === "unresolved" ? "✗" : "?"} \`${n.file}:${n.line}\` ${n.path}: ${n.message}`);
  return `${lines.join("\n")}\n`;
}

export function renderVerify(r: VerifyResult, format: VerifyFormat): string {
  return format === "json" ? verifyJson(r) : format === "md" ? verifyMarkdown(r) : verifyText(r);
}
