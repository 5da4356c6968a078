import { describePeer, describePort, describeRanges } from "../analyze/cluster/describe.js";
import type { DirectionOutcome, RuleOutcome } from "../analyze/cluster/evaluate-cluster.js";
import type { PolicyResult } from "../analyze/mesh/istio-evaluate.js";
import type { MeshLayerResult } from "../analyze/mesh/mesh-layer.js";
import type { ReachResult } from "../analyze/reach/reach.js";
import type { Decision, Verdict } from "../analyze/verdict.js";
import { formatRef, type SourceRef } from "../model/source-ref.js";

export const REACH_FORMATS = ["text", "json"] as const;
export type ReachFormat = (typeof REACH_FORMATS)[number];

function where(d: Decision): string {
  if (d.file === undefined) return "";
  const id = d.namespace === undefined ? d.name : `${d.namespace}/${d.name}`;
  return `  [${d.kind} ${id} ${d.file}:${d.line}]`;
}

function headline(result: ReachResult): string {
  const word = result.allowed ? (result.partial ? "ALLOWED (for some pods only)" : "ALLOWED") : "DENIED";
  return `${word}  ${result.from} → ${result.to}  ${result.protocol}/${result.port}`;
}

export function verdictLines(verdict: Verdict): string[] {
  const lines: string[] = [];
  for (const layer of verdict.layers) {
    lines.push(`  ${layer.layer} layer: ${layer.allowed ? "allowed" : "denied"}`);
    for (const d of layer.decidedBy) lines.push(`    - ${d.why}${where(d)}`);
  }
  return lines;
}

export function reachText(result: ReachResult): string {
  return `${[headline(result), ...verdictLines(result.verdict)].join("\n")}\n`;
}

const VERB = { allow: "allows", deny: "denies", pass: "passes to the next tier", log: "logs (and goes on)" } as const;

function ruleLine(r: RuleOutcome, direction: string): string {
  const peer = r.peer === undefined ? "✗ no peer matches" : `✓ ${describePeer(r.peer)}`;
  const port = r.port === undefined ? "✗ no port matches" : `✓ ${describePort(r.port)}`;
  const excluded =
    r.excludedBy === undefined
      ? ""
      : `; ✗ excluded by ${"kind" in r.excludedBy ? describePeer(r.excludedBy) : describePort(r.excludedBy)}`;
  const l7 =
    r.l7 === "restricted"
      ? "; L7: HTTP rules apply (give --method/--path to decide)"
      : r.l7 === undefined
        ? ""
        : `; L7: request ${r.l7}`;
  const verdict = r.matched
    ? `→ ${VERB[r.action]}`
    : `→ no match${r.undecided === undefined ? "" : ` (${r.undecided})`}`;
  const peerLine = r.peer !== undefined && r.peer !== "any" ? ` (line ${r.peer.line})` : "";
  const portLine =
    r.port !== undefined && r.port !== "all" && r.port.line !== undefined ? ` (line ${r.port.line})` : "";
  const action = r.action === "allow" ? "" : `${r.action} `;
  return `        ${action}${direction} rule at ${r.rule.file}:${r.rule.line}: ${direction === "egress" ? "to" : "from"} ${peer}${peerLine}; ports ${port}${portLine}${excluded}${l7} ${verdict}`;
}

function decidedLine(d: DirectionOutcome): string {
  const by = d.decidedBy;
  if (by.kind === "rule")
    return `decided by the first matching rule (${by.action}) at ${by.rule.rule.file}:${by.rule.rule.line}`;
  if (by.kind === "isolated") return `isolated in tier ${by.tier} and no rule allows it`;
  return d.policies.length === 0 ? "no policy selects it" : "no rule decides and nothing isolates it";
}

function directionLines(d: DirectionOutcome, self: string, other: string): string[] {
  const title = d.direction === "egress" ? `egress from ${self}` : `ingress to ${self}`;
  if (!d.applies) return [`    ${title}: not policed (outside the cluster)`];
  if (d.policies.length === 0)
    return [`    ${title}: allowed — no policy selects ${self} for ${d.direction} (not isolated)`];
  const isolating = d.policies.filter((p) => p.isolates).length;
  const lines = [
    `    ${title}: ${d.allowed ? "allowed" : "DENIED"} — ${d.policies.length} polic${d.policies.length === 1 ? "y selects" : "ies select"} it (${isolating} isolating); ${decidedLine(d)}`,
  ];
  let tier: string | undefined;
  for (const p of d.policies) {
    if (p.tier !== tier) {
      tier = p.tier;
      lines.push(`      tier ${tier}:`);
    }
    lines.push(`      ${formatRef(p.policy)}${p.rules.length === 0 ? ": no rules (allows nothing)" : ""}`);
    for (const r of p.rules) lines.push(ruleLine(r, d.direction));
  }
  if (!d.allowed && d.partial && d.partial.length > 0)
    lines.push(`      policy allows only part of ${other}: ${describeRanges(other.includes(":") ? 6 : 4, d.partial)}`);
  if (!d.allowed && d.decidedBy.kind === "isolated") lines.push(`      no rule allows ${other}`);
  return lines;
}

function at(ref: SourceRef | undefined): string {
  return ref === undefined ? "default" : `${ref.file}:${ref.line}`;
}

function istioRuleText(p: PolicyResult): string {
  if (p.matched) return `first matching rule: rule ${p.matched.index + 1} (line ${p.matched.line})`;
  if (p.policy.rules.length === 0) return "no rules (matches nothing)";
  const some = p.rules.find((r) => r.status === "some");
  if (some) return `none matched for sure (rule ${some.index + 1}, line ${some.line}, matches some requests)`;
  return `none matched${p.rules.some((r) => r.status === "ignored") ? " (HTTP-only rules ignored on a TCP port)" : ""}`;
}

/** The mesh layer of one pair: mTLS mode and its origin, each AuthorizationPolicy that applies with its first match. */
function meshLines(mesh: MeshLayerResult): string[] {
  const lines = [`    mesh: ${mesh.allowed ? "allowed" : "DENIED"}`];
  const o = mesh.istio;
  if (o === undefined) {
    // Linkerd, or a destination without a sidecar: the reasons carry the Server, authorizations and default policy.
    for (const d of mesh.decidedBy)
      lines.push(`      ${d.why}${d.file === undefined ? "" : ` at ${d.file}:${d.line}`}`);
    return lines;
  }
  lines.push(`      mTLS mode ${o.mtls.mode} — ${o.mtls.why} (${at(o.mtls.ref)})`);
  lines.push(
    `      connection ${o.secure ? `mTLS, client principal ${o.principal ?? "(unknown)"}` : "plaintext (principals and namespaces match nothing)"}; evaluated as ${o.evaluatedAs.toUpperCase()}`,
  );
  if (o.policies.length === 0 && o.custom.length === 0) lines.push("      no AuthorizationPolicy applies");
  for (const c of o.custom)
    lines.push(
      `      CUSTOM ${formatRef(c.policy.source)}: decided by provider ${c.provider} (Ward assumes it allows)`,
    );
  for (const p of o.policies) lines.push(`      ${p.policy.action} ${formatRef(p.policy.source)}: ${istioRuleText(p)}`);
  lines.push(`      → ${mesh.allowed ? "allowed" : "denied"}: ${o.why}${o.decidedBy ? ` (${at(o.decidedBy)})` : ""}`);
  return lines;
}

export function explainText(result: ReachResult): string {
  const lines = [headline(result), ...verdictLines(result.verdict), ""];
  for (const pair of result.pairs) {
    // Both layers must allow the pair.
    const ok = pair.outcome.allowed && (pair.mesh?.allowed ?? true);
    lines.push(`  ${pair.from} → ${pair.to}: ${ok ? "allowed" : "denied"}`);
    if (pair.outcome.loopback) {
      lines.push("    loopback: a single pod talking to itself is never subject to NetworkPolicy");
      continue;
    }
    lines.push(...directionLines(pair.outcome.egress, pair.from, pair.to));
    lines.push(...directionLines(pair.outcome.ingress, pair.to, pair.from));
    if (pair.mesh !== undefined) lines.push(...meshLines(pair.mesh));
  }
  return `${lines.join("\n")}\n`;
}

/** JSON with address ranges as strings (bigint does not serialize). */
export function reachJson(result: ReachResult): string {
  return `${JSON.stringify(result, (_key, value) => (typeof value === "bigint" ? value.toString() : value), 2)}\n`;
}
