/** IPv4 addresses as unsigned 32-bit integers: the lab is IPv4 only. */

export function ipv4ToInt(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const part = Number(m[i]);
    if (part > 255) return undefined;
    n = n * 256 + part;
  }
  return n;
}

export function intToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** Closed ranges [start, end] of IPv4 addresses. */
export type Ipv4Range = readonly [number, number];

export function normalizeRanges(ranges: readonly Ipv4Range[]): Ipv4Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1] + 1) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** Ranges that are not usable as host addresses in the lab: this-network, loopback, link-local, multicast and above. */
export const RESERVED: readonly Ipv4Range[] = [
  [0x00000000, 0x00ffffff],
  [0x7f000000, 0x7fffffff],
  [0xa9fe0000, 0xa9feffff],
  [0xe0000000, 0xffffffff],
];

export function isUsableHost(n: number): boolean {
  return !RESERVED.some(([s, e]) => n >= s && n <= e);
}

/** nft set element text: a single address, a CIDR when the range is aligned, else "a-b". */
export function formatRange([s, e]: Ipv4Range): string {
  if (s === e) return intToIpv4(s);
  const size = e - s + 1;
  const bits = Math.log2(size);
  if (Number.isInteger(bits) && s % size === 0) return `${intToIpv4(s)}/${32 - bits}`;
  return `${intToIpv4(s)}-${intToIpv4(e)}`;
}
