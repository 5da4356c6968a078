import type { CloudReachResult } from "../analyze/cloud/cloud-reach.js";
import type { Hop } from "../analyze/cloud/path.js";
import { protoName } from "../analyze/cloud/path.js";
import type { CloudRef } from "../model/cloud.js";

const WORD = {
  allow: "ALLOWED",
  partial: "ALLOWED (for some interfaces only)",
  deny: "DENIED",
  unknown: "UNKNOWN",
} as const;
const MARK = { allow: "✓", deny: "✗", unknown: "?" } as const;

export function refText(r: CloudRef): string {
  return `${r.file}:${r.line}${r.path ? ` ${r.path}` : ""}`;
}

function hopLines(h: Hop, indent: string): string[] {
  const lines = [`${indent}${MARK[h.status]} ${h.step}: ${h.why}`];
  const seen = new Set<string>();
  for (const r of h.refs) {
    const t = `${r.kind} ${r.name} (${refText(r)})`;
    if (seen.has(t)) continue;
    seen.add(t);
    lines.push(`${indent}    ${t}`);
  }
  return lines;
}

/** `ward reach` on the cloud layer: the verdict, then each path hop by hop with the rule and file:line. */
export function cloudReachText(result: CloudReachResult, detailed: boolean): string {
  // Allowed only on the IPv6 paths (the internet over IPv6): say so rather than "some interfaces".
  const ipv6Only =
    result.status === "partial" &&
    result.paths.filter((p) => p.status === "allow").every((p) => `${p.from} ${p.to}`.includes("(IPv6)"));
  const lines = [
    `${ipv6Only ? "ALLOWED (over IPv6 only)" : WORD[result.status]}  ${result.from} → ${result.to}  ${protoName(result.protocol)}/${result.port}  (cloud layer)`,
  ];
  const shown = detailed ? result.paths : pick(result);
  for (const p of shown) {
    lines.push(
      "",
      `  ${p.from} → ${p.to}: ${p.status === "allow" ? "allowed" : p.status === "deny" ? "denied" : "unknown"}`,
    );
    for (const h of p.hops) lines.push(...hopLines(h, "    "));
  }
  const hidden = result.paths.length - shown.length;
  if (hidden > 0) {
    const counts = { allow: 0, deny: 0, unknown: 0 };
    for (const p of result.paths) counts[p.status]++;
    lines.push(
      "",
      `  ${hidden} more interface pair(s) (${counts.allow} allowed, ${counts.deny} denied, ${counts.unknown} unknown in all): ward explain shows every one`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** One path per distinct outcome (the first denied, the first unknown, the first allowed). */
function pick(result: CloudReachResult) {
  const out = [];
  for (const s of ["deny", "unknown", "allow"] as const) {
    const p = result.paths.find((x) => x.status === s);
    if (p) out.push(p);
  }
  return out;
}

export function cloudReachJson(result: CloudReachResult): string {
  return `${JSON.stringify(result, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`;
}
