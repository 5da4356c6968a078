import { formatRange, intToIpv4 } from "../ipv4.js";
import type { AddressSet, Rule, Ruleset, Verdict } from "./ruleset.js";

export type RulesetStats = {
  readonly chains: number;
  readonly rules: number;
  readonly sets: number;
  readonly elements: number;
  readonly bytes: number;
};

const I1 = "\t";
const I2 = "\t\t";

function setBlock(set: AddressSet): string {
  const elements = set.ranges.map(formatRange);
  // nft rejects an empty `elements = { }`.
  const body = elements.length === 0 ? "" : ` elements = { ${elements.join(", ")} }`;
  return `${I1}set ${set.name} { type ipv4_addr; flags interval;${body} }`;
}

function verdictText(v: Verdict): string {
  return v.kind === "goto" ? `goto ${v.chain}` : v.kind;
}

function ruleText(rule: Rule, peerField: "saddr" | "daddr"): string {
  const parts: string[] = [];
  if (rule.externalOnly) parts.push(`ip ${peerField} != @pods`);
  if (rule.peers !== undefined) parts.push(`ip ${peerField} @${rule.peers}`);
  const m = rule.match;
  if (m !== undefined) {
    if (m.protocol === "other") parts.push("meta l4proto != { tcp, udp, sctp }");
    else {
      parts.push(`meta l4proto ${m.protocol.toLowerCase()}`);
      if (m.ports !== "all") {
        const ports = m.ports.map(([s, e]) => (s === e ? `${s}` : `${s}-${e}`));
        parts.push(`th dport ${ports.length === 1 ? ports[0] : `{ ${ports.join(", ")} }`}`);
      }
    }
  }
  parts.push(verdictText(rule.verdict));
  parts.push(`comment "${rule.comment.replace(/["\\\n]/g, "_").slice(0, 120)}"`);
  return parts.join(" ");
}

function mapBlock(name: string, entries: readonly (readonly [number, string])[]): string {
  const body =
    entries.length === 0 ? "" : ` elements = { ${entries.map(([a, c]) => `${intToIpv4(a)} : jump ${c}`).join(", ")} }`;
  return `${I1}map ${name} { type ipv4_addr : verdict;${body} }`;
}

/**
 * The nft script for a ruleset: one table, replaced in one transaction (`nft -f` applies a file atomically), so a
 * policy change never opens a window and conntrack keeps every established connection.
 */
export function renderRuleset(ruleset: Ruleset): { script: string; stats: RulesetStats } {
  const t = ruleset.table;
  const lines: string[] = [`table inet ${t}`, `delete table inet ${t}`, `table inet ${t} {`];
  lines.push(setBlock(ruleset.pods));
  for (const s of ruleset.sets) lines.push(setBlock(s));
  let rules = 0;
  const maps = { egress: [] as [number, string][], ingress: [] as [number, string][] };
  // A chain is declared before any chain that jumps to it: tiers were compiled last first.
  for (const chain of ruleset.chains) {
    lines.push(`${I1}# ${chain.direction} of ${chain.workloads.join(", ")} (tier ${chain.tier})`);
    lines.push(`${I1}chain ${chain.name} {`);
    const field = chain.direction === "ingress" ? "saddr" : "daddr";
    for (const rule of chain.rules) lines.push(`${I2}${ruleText(rule, field)}`);
    lines.push(`${I2}${verdictText(chain.end)}`);
    lines.push(`${I1}}`);
    rules += chain.rules.length + 1;
    for (const m of chain.members) maps[chain.direction].push([m, chain.name]);
  }
  lines.push(mapBlock("egress_of", maps.egress));
  lines.push(mapBlock("ingress_to", maps.ingress));
  lines.push(`${I1}chain forward {`);
  lines.push(`${I2}type filter hook forward priority filter; policy accept;`);
  lines.push(`${I2}ct state established,related accept`);
  lines.push(`${I2}ct state invalid drop`);
  lines.push(`${I2}meta nfproto ipv6 drop`);
  // The source's egress chains, then the destination's ingress chains: both must return for the packet to pass.
  lines.push(`${I2}ip saddr vmap @egress_of`);
  lines.push(`${I2}ip daddr vmap @ingress_to`);
  lines.push(`${I1}}`);
  lines.push("}");
  rules += 5;
  const script = `${lines.join("\n")}\n`;
  const sets = [ruleset.pods, ...ruleset.sets];
  return {
    script,
    stats: {
      chains: ruleset.chains.length + 1,
      rules,
      sets: sets.length,
      elements: sets.reduce((n, s) => n + s.ranges.length, 0),
      bytes: Buffer.byteLength(script),
    },
  };
}
