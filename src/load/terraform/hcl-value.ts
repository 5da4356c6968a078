import ipaddr from "ipaddr.js";

/** A value that cannot be known from the files; `from` names the resource whose computed attribute it is. */
export class UnknownValue {
  constructor(
    readonly reason: string,
    readonly file: string,
    readonly line: number,
    readonly from?: string,
  ) {}
}

/** A resource instance seen from an expression: `id` and attributes are read through `get`. */
export interface InstanceValue {
  readonly address: string;
  readonly type: string;
  get(attr: string, line: number): Value;
}

export type Value =
  | string
  | number
  | boolean
  | null
  | readonly Value[]
  | { readonly [key: string]: Value }
  | UnknownValue
  | InstanceValue;

export function isInstance(v: Value): v is InstanceValue {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof UnknownValue) && "address" in v;
}

export function isObject(v: Value): v is { readonly [key: string]: Value } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof UnknownValue) && !isInstance(v);
}

export function isList(v: Value): v is readonly Value[] {
  return Array.isArray(v);
}

/** An error in the configuration itself (Terraform would reject it): reported with file:line, exit 2. */
export class HclError extends Error {
  override name = "HclError";
  constructor(
    readonly code: string,
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

export function typeName(v: Value): string {
  if (v === null) return "null";
  if (v instanceof UnknownValue) return "unknown";
  if (Array.isArray(v)) return "list";
  if (isInstance(v)) return "resource";
  if (typeof v === "object") return "object";
  return typeof v;
}

function toBig(bytes: number[]): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

function fromBig(n: bigint, family: 4 | 6): string {
  const len = family === 4 ? 4 : 16;
  const bytes: number[] = [];
  for (let i = len - 1; i >= 0; i--) bytes.push(Number((n >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

function parsePrefix(prefix: string, line: number, fn: string): { base: bigint; bits: number; family: 4 | 6 } {
  try {
    const [addr, len] = ipaddr.parseCIDR(prefix);
    const family = addr.kind() === "ipv4" ? 4 : 6;
    const width = family === 4 ? 32 : 128;
    const host = BigInt(width - len);
    return { base: (toBig(addr.toByteArray()) >> host) << host, bits: len, family };
  } catch {
    throw new HclError("invalid-cidr", `${fn}: invalid CIDR "${prefix}"`, line);
  }
}

/** cidrsubnet(prefix, newbits, netnum) — developer.hashicorp.com/terraform/language/functions/cidrsubnet. */
export function cidrsubnet(prefix: string, newbits: number, netnum: number, line: number): string {
  const p = parsePrefix(prefix, line, "cidrsubnet");
  const width = p.family === 4 ? 32 : 128;
  const len = p.bits + newbits;
  if (!Number.isInteger(newbits) || newbits < 0 || len > width)
    throw new HclError("invalid-function-argument", `cidrsubnet: ${prefix} + ${newbits} bits exceeds /${width}`, line);
  if (!Number.isInteger(netnum) || netnum < 0 || BigInt(netnum) >= 1n << BigInt(newbits))
    throw new HclError(
      "invalid-function-argument",
      `cidrsubnet: netnum ${netnum} does not fit in ${newbits} new bits of ${prefix}`,
      line,
    );
  const n = p.base | (BigInt(netnum) << BigInt(width - len));
  return `${fromBig(n, p.family)}/${len}`;
}

/** cidrhost(prefix, hostnum): a negative hostnum counts back from the end of the range. */
export function cidrhost(prefix: string, hostnum: number, line: number): string {
  const p = parsePrefix(prefix, line, "cidrhost");
  const width = p.family === 4 ? 32 : 128;
  const size = 1n << BigInt(width - p.bits);
  const h = BigInt(hostnum);
  const offset = h < 0n ? size + h : h;
  if (!Number.isInteger(hostnum) || offset < 0n || offset >= size)
    throw new HclError("invalid-function-argument", `cidrhost: host number ${hostnum} is outside ${prefix}`, line);
  return fromBig(p.base + offset, p.family);
}

export function cidrnetmask(prefix: string, line: number): string {
  const p = parsePrefix(prefix, line, "cidrnetmask");
  if (p.family !== 4) throw new HclError("invalid-function-argument", "cidrnetmask: IPv4 only", line);
  const mask = ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - p.bits)) - 1n);
  return fromBig(mask, 4);
}
