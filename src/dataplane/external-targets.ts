import type { Model } from "../model/model.js";
import type { IpBlock } from "../model/policy.js";
import { type Ipv4Range, intToIpv4, ipv4ToInt, RESERVED } from "./ipv4.js";

/** One address the external namespace owns, standing for every address no policy can tell apart from it. */
export type ExternalTarget = {
  readonly address: string;
  /** The ipBlocks that cover it (text), or "internet" when none does. */
  readonly label: string;
};

export const DEFAULT_MAX_EXTERNALS = 16;
const PREFERRED = ["198.51.100.10", "192.0.2.10", "203.0.113.10", "100.64.0.10"].map((a) => ipv4ToInt(a) as number);

function ipv4Blocks(model: Model): IpBlock[] {
  const out = new Map<string, IpBlock>();
  for (const policy of model.policies)
    for (const rule of [...(policy.ingress ?? []), ...(policy.egress ?? [])]) {
      if (rule.peers === "any") continue;
      for (const peer of rule.peers)
        if (peer.kind === "ipBlock" && peer.block.cidr.family === 4) {
          const key = [peer.block.cidr.text, ...peer.block.except.map((e) => e.text)].join(" ");
          out.set(key, peer.block);
        }
    }
  return [...out.values()];
}

const range = (c: IpBlock["cidr"]): Ipv4Range => [Number(c.start), Number(c.end)];

function covers(block: IpBlock, n: number): boolean {
  const [s, e] = range(block.cidr);
  if (n < s || n > e) return false;
  return !block.except.some((x) => x.family === 4 && n >= Number(x.start) && n <= Number(x.end));
}

function usablePieces([s, e]: Ipv4Range): Ipv4Range[] {
  let pieces: Ipv4Range[] = [[s, e]];
  for (const [rs, re] of RESERVED) {
    const next: Ipv4Range[] = [];
    for (const [a, b] of pieces) {
      if (re < a || rs > b) next.push([a, b]);
      else {
        if (a < rs) next.push([a, rs - 1]);
        if (b > re) next.push([re + 1, b]);
      }
    }
    pieces = next;
  }
  return pieces;
}

function pick(intervals: readonly Ipv4Range[], avoid: ReadonlySet<number>): number | undefined {
  const inside = (n: number) => intervals.some(([s, e]) => n >= s && n <= e);
  for (const n of PREFERRED) if (inside(n) && !avoid.has(n)) return n;
  for (const interval of intervals) {
    for (const [s, e] of usablePieces(interval)) {
      const candidates = [s + 10, s + 1, s, e - 1, e].filter((n) => n >= s && n <= e);
      for (const n of candidates) if (!avoid.has(n)) return n;
      if (e - s <= 256) for (let n = s; n <= e; n++) if (!avoid.has(n)) return n;
    }
  }
  return undefined;
}

/**
 * One external address per region the IPv4 ipBlocks carve out (same set of blocks covering it), plus one that no
 * block covers ("internet"). Addresses in `avoid` (every pod's address) are never chosen, so a probe to an external
 * target is never a probe to a pod.
 */
export function externalTargets(
  model: Model,
  avoid: ReadonlySet<number>,
  max = DEFAULT_MAX_EXTERNALS,
): ExternalTarget[] {
  const blocks = ipv4Blocks(model);
  const points = new Set<number>([0]);
  for (const b of blocks)
    for (const c of [b.cidr, ...b.except.filter((x) => x.family === 4)]) {
      const [s, e] = range(c);
      points.add(s);
      if (e < 0xffffffff) points.add(e + 1);
    }
  const sorted = [...points].sort((a, b) => a - b);
  const regions = new Map<string, { blocks: IpBlock[]; intervals: Ipv4Range[] }>();
  sorted.forEach((start, i) => {
    const end = (sorted[i + 1] ?? 0x100000000) - 1;
    const covering = blocks.filter((b) => covers(b, start));
    const key = covering.map((b) => blocks.indexOf(b)).join(",");
    const region = regions.get(key) ?? { blocks: covering, intervals: [] };
    region.intervals.push([start, end]);
    regions.set(key, region);
  });
  const out: ExternalTarget[] = [];
  const taken = new Set(avoid);
  // Regions some block covers first (in the order the policies name them), the uncovered rest last.
  const ordered = [...regions.entries()].sort(([a], [b]) => (a === "" ? 1 : b === "" ? -1 : 0));
  for (const [, region] of ordered) {
    if (out.length >= max) break;
    const n = pick(region.intervals, taken);
    if (n === undefined) continue;
    taken.add(n);
    const label =
      region.blocks.length === 0
        ? "internet"
        : region.blocks
            .map((b) => `${b.cidr.text}${b.except.length ? ` except ${b.except.map((e) => e.text).join(",")}` : ""}`)
            .join(" + ");
    out.push({ address: intToIpv4(n), label });
  }
  return out;
}
