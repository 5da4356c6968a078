import type { Cidr } from "../model/cidr.js";
import type { IpBlock } from "../model/policy.js";

/** Sorted disjoint closed ranges of addresses of one family. */
export type AddressRanges = readonly (readonly [bigint, bigint])[];

const bigMax = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const bigMin = (a: bigint, b: bigint): bigint => (a < b ? a : b);

function normalize(ranges: (readonly [bigint, bigint])[]): AddressRanges {
  const sorted = [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: [bigint, bigint][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1] + 1n) last[1] = bigMax(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

export function unionRanges(a: AddressRanges, b: AddressRanges): AddressRanges {
  return normalize([...a, ...b]);
}

function subtract(ranges: AddressRanges, cut: Cidr): AddressRanges {
  const out: [bigint, bigint][] = [];
  for (const [s, e] of ranges) {
    if (cut.end < s || cut.start > e) out.push([s, e]);
    else {
      if (s < cut.start) out.push([s, cut.start - 1n]);
      if (e > cut.end) out.push([cut.end + 1n, e]);
    }
  }
  return out;
}

/** The part of `range` an ipBlock covers: inside cidr, outside every except. */
export function blockCoverage(block: IpBlock, range: Cidr): AddressRanges {
  if (block.cidr.family !== range.family) return [];
  const s = bigMax(block.cidr.start, range.start);
  const e = bigMin(block.cidr.end, range.end);
  if (s > e) return [];
  let out: AddressRanges = [[s, e]];
  for (const ex of block.except) if (ex.family === range.family) out = subtract(out, ex);
  return out;
}

export function ipInBlock(block: IpBlock, ip: Cidr): boolean {
  return blockCoverage(block, ip).length > 0;
}

export function coversWhole(ranges: AddressRanges, range: Cidr): boolean {
  return ranges.length === 1 && ranges[0]?.[0] === range.start && ranges[0][1] === range.end;
}

/** Is every address of `inner` in `outer` (both normalized)? */
export function rangesContain(outer: AddressRanges, inner: AddressRanges): boolean {
  return inner.every(([s, e]) => outer.some(([os, oe]) => os <= s && e <= oe));
}

/**
 * Splits a range at every boundary of the given CIDRs (of its family), so that each part is either inside or outside
 * each of them. Parts carry the range's family; their `text` is "start-end" (or the address) and `prefix` is -1.
 */
export function splitRange(range: Cidr, cuts: readonly Cidr[]): Cidr[] {
  const points = new Set<bigint>([range.start]);
  for (const c of cuts) {
    if (c.family !== range.family) continue;
    if (c.start > range.start && c.start <= range.end) points.add(c.start);
    if (c.end + 1n > range.start && c.end + 1n <= range.end) points.add(c.end + 1n);
  }
  if (points.size === 1) return [range];
  const sorted = [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.map((start, i) => {
    const end = i + 1 < sorted.length ? (sorted[i + 1] as bigint) - 1n : range.end;
    return { text: `${range.text}[${start}-${end}]`, family: range.family, prefix: -1, start, end };
  });
}
