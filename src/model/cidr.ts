import ipaddr from "ipaddr.js";

/** An address range [start, end] of one IP family, from a CIDR or a single address. */
export type Cidr = {
  readonly text: string;
  readonly family: 4 | 6;
  readonly prefix: number;
  readonly start: bigint;
  readonly end: bigint;
};

export class CidrError extends Error {
  override name = "CidrError";
  constructor(readonly value: string) {
    super(`invalid CIDR "${value}"`);
  }
}

function toBigInt(bytes: number[]): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

/** Parses "10.0.0.0/8", "2001:db8::/32" or a bare address (a /32 or /128). Host bits are masked, as Go's net.ParseCIDR does. */
export function parseCidr(text: string): Cidr {
  const trimmed = text.trim();
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  let prefix: number;
  try {
    if (trimmed.includes("/")) {
      [addr, prefix] = ipaddr.parseCIDR(trimmed);
    } else {
      addr = ipaddr.parse(trimmed);
      prefix = addr.kind() === "ipv4" ? 32 : 128;
    }
  } catch {
    throw new CidrError(text);
  }
  // ipaddr.js accepts IPv4 shorthands like "10.1" and octal/hex parts; Kubernetes does not.
  if (addr.kind() === "ipv4" && !/^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(trimmed)) throw new CidrError(text);
  const family = addr.kind() === "ipv4" ? 4 : 6;
  const bits = family === 4 ? 32 : 128;
  const value = toBigInt(addr.toByteArray());
  const hostBits = BigInt(bits - prefix);
  const start = (value >> hostBits) << hostBits;
  const end = start + (1n << hostBits) - 1n;
  return { text: trimmed, family, prefix, start, end };
}

export function isValidIp(text: string): boolean {
  try {
    const c = parseCidr(text);
    return !text.includes("/") && c.prefix === (c.family === 4 ? 32 : 128);
  } catch {
    return false;
  }
}

export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && outer.start <= inner.start && inner.end <= outer.end;
}

export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.start <= b.end && b.start <= a.end;
}

export function formatAddress(family: 4 | 6, value: bigint): string {
  if (family === 4) {
    const parts = [24n, 16n, 8n, 0n].map((s) => Number((value >> s) & 255n));
    return parts.join(".");
  }
  const bytes: number[] = [];
  for (let s = 120n; s >= 0n; s -= 8n) bytes.push(Number((value >> s) & 255n));
  return ipaddr.fromByteArray(bytes).toString();
}
