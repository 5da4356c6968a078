import type { Cidr } from "../../model/cidr.js";
import { formatAddress } from "../../model/cidr.js";

/** A set of addresses of one family as sorted, disjoint, inclusive intervals. */
export type Ranges = { readonly family: 4 | 6; readonly list: readonly (readonly [bigint, bigint])[] };

export function rangesOf(c: Cidr): Ranges {
  return { family: c.family, list: [[c.start, c.end]] };
}

export function emptyRanges(family: 4 | 6): Ranges {
  return { family, list: [] };
}

export function isEmpty(r: Ranges): boolean {
  return r.list.length === 0;
}

export function intersect(r: Ranges, c: Cidr): Ranges {
  if (c.family !== r.family) return emptyRanges(r.family);
  const out: [bigint, bigint][] = [];
  for (const [s, e] of r.list) {
    // biome-ignore lint/complexity/useMathMinMax: bigint has no Math.max
    const a = s > c.start ? s : c.start;
    // biome-ignore lint/complexity/useMathMinMax: bigint has no Math.min
    const b = e < c.end ? e : c.end;
    if (a <= b) out.push([a, b]);
  }
  return { family: r.family, list: out };
}

export function subtract(r: Ranges, c: Cidr): Ranges {
  if (c.family !== r.family) return r;
  const out: [bigint, bigint][] = [];
  for (const [s, e] of r.list) {
    if (e < c.start || s > c.end) {
      out.push([s, e]);
      continue;
    }
    if (s < c.start) out.push([s, c.start - 1n]);
    if (e > c.end) out.push([c.end + 1n, e]);
  }
  return { family: r.family, list: out };
}

export function union(a: Ranges, b: Ranges): Ranges {
  const all = [...a.list, ...b.list].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const out: [bigint, bigint][] = [];
  for (const [s, e] of all) {
    const last = out[out.length - 1];
    if (last && s <= last[1] + 1n) {
      if (e > last[1]) last[1] = e;
    } else out.push([s, e]);
  }
  return { family: a.family, list: out };
}

export function sameRanges(a: Ranges, b: Ranges): boolean {
  return (
    a.family === b.family &&
    a.list.length === b.list.length &&
    a.list.every(([s, e], i) => b.list[i]?.[0] === s && b.list[i]?.[1] === e)
  );
}

/** Human text: CIDR blocks where an interval is one ("10.0.1.0/24"), else "a-b"; a single address alone. */
export function describeRanges(r: Ranges): string {
  if (r.list.length === 0) return "no address";
  const width = r.family === 4 ? 32 : 128;
  const parts = r.list.map(([s, e]) => {
    if (s === e) return formatAddress(r.family, s);
    const size = e - s + 1n;
    const bits = size.toString(2).length - 1;
    if (size === 1n << BigInt(bits) && s % size === 0n) return `${formatAddress(r.family, s)}/${width - bits}`;
    return `${formatAddress(r.family, s)}-${formatAddress(r.family, e)}`;
  });
  return parts.length > 4 ? `${parts.slice(0, 4).join(", ")} and ${parts.length - 4} more ranges` : parts.join(", ");
}
