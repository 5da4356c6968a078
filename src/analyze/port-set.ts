import { PROTOCOLS, type Protocol } from "../model/ports.js";

export const MAX_PORT = 65535;

/** Sorted, disjoint, non-adjacent closed intervals [start, end] of ports. */
export type Ranges = readonly (readonly [number, number])[];

/** A set of (protocol, port) pairs, one range list per protocol. Immutable. */
export type PortSet = Readonly<Record<Protocol, Ranges>>;

export const EMPTY_PORTS: PortSet = { TCP: [], UDP: [], SCTP: [] };
export const ALL_PORTS: PortSet = { TCP: [[1, MAX_PORT]], UDP: [[1, MAX_PORT]], SCTP: [[1, MAX_PORT]] };

function normalize(ranges: (readonly [number, number])[]): Ranges {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1] + 1) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

function intersectRanges(a: Ranges, b: Ranges): Ranges {
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as readonly [number, number];
    const y = b[j] as readonly [number, number];
    const s = Math.max(x[0], y[0]);
    const e = Math.min(x[1], y[1]);
    if (s <= e) out.push([s, e]);
    if (x[1] < y[1]) i++;
    else j++;
  }
  return out;
}

function subtractRanges(a: Ranges, b: Ranges): Ranges {
  const out: [number, number][] = [];
  for (const [s0, e] of a) {
    let s = s0;
    for (const [bs, be] of b) {
      if (be < s || bs > e) continue;
      if (bs > s) out.push([s, bs - 1]);
      s = be + 1;
      if (s > e) break;
    }
    if (s <= e) out.push([s, e]);
  }
  return out;
}

/** The ports of `a` that are not in `b`. */
export function subtractPorts(a: PortSet, b: PortSet): PortSet {
  return {
    TCP: subtractRanges(a.TCP, b.TCP),
    UDP: subtractRanges(a.UDP, b.UDP),
    SCTP: subtractRanges(a.SCTP, b.SCTP),
  };
}

export function portSetOf(entries: readonly { protocol: Protocol; start: number; end: number }[]): PortSet {
  const by: Record<Protocol, [number, number][]> = { TCP: [], UDP: [], SCTP: [] };
  for (const e of entries) by[e.protocol].push([e.start, e.end]);
  return { TCP: normalize(by.TCP), UDP: normalize(by.UDP), SCTP: normalize(by.SCTP) };
}

export function unionPorts(a: PortSet, b: PortSet): PortSet {
  return {
    TCP: normalize([...a.TCP, ...b.TCP]),
    UDP: normalize([...a.UDP, ...b.UDP]),
    SCTP: normalize([...a.SCTP, ...b.SCTP]),
  };
}

export function intersectPorts(a: PortSet, b: PortSet): PortSet {
  return {
    TCP: intersectRanges(a.TCP, b.TCP),
    UDP: intersectRanges(a.UDP, b.UDP),
    SCTP: intersectRanges(a.SCTP, b.SCTP),
  };
}

export function portsContain(set: PortSet, protocol: Protocol, port: number): boolean {
  return set[protocol].some(([s, e]) => port >= s && port <= e);
}

export function isEmptyPorts(set: PortSet): boolean {
  return PROTOCOLS.every((p) => set[p].length === 0);
}

export function portSetKey(set: PortSet): string {
  return PROTOCOLS.map((p) => `${p}:${set[p].map(([s, e]) => (s === e ? `${s}` : `${s}-${e}`)).join(",")}`).join("|");
}

/** Human form: "all", "none", or e.g. "TCP/80,443 UDP/53". */
export function formatPorts(set: PortSet): string {
  if (isEmptyPorts(set)) return "none";
  if (portSetKey(set) === portSetKey(ALL_PORTS)) return "all";
  const parts: string[] = [];
  for (const p of PROTOCOLS) {
    const r = set[p];
    if (r.length === 0) continue;
    if (r.length === 1 && r[0]?.[0] === 1 && r[0][1] === MAX_PORT) parts.push(`${p}/*`);
    else parts.push(`${p}/${r.map(([s, e]) => (s === e ? `${s}` : `${s}-${e}`)).join(",")}`);
  }
  return parts.join(" ");
}

/**
 * Interns port sets as small integers so a matrix of millions of pairs stores one Uint32 each,
 * with memoized union and intersection. Id 0 is the empty set, id 1 every port.
 */
export class PortSetTable {
  static readonly EMPTY = 0;
  static readonly ALL = 1;
  private readonly sets: PortSet[] = [];
  private readonly ids = new Map<string, number>();
  private readonly unions = new Map<number, number>();
  private readonly intersections = new Map<number, number>();
  private readonly differences = new Map<number, number>();

  constructor() {
    this.intern(EMPTY_PORTS);
    this.intern(ALL_PORTS);
  }

  intern(set: PortSet): number {
    const key = portSetKey(set);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push(set);
      this.ids.set(key, id);
    }
    return id;
  }

  get(id: number): PortSet {
    const set = this.sets[id];
    if (set === undefined) throw new RangeError(`unknown port set id ${id}`);
    return set;
  }

  get size(): number {
    return this.sets.length;
  }

  union(a: number, b: number): number {
    if (a === b || b === PortSetTable.EMPTY || a === PortSetTable.ALL) return a;
    if (a === PortSetTable.EMPTY || b === PortSetTable.ALL) return b;
    const key = a < b ? a * 0x200000 + b : b * 0x200000 + a;
    let id = this.unions.get(key);
    if (id === undefined) {
      id = this.intern(unionPorts(this.get(a), this.get(b)));
      this.unions.set(key, id);
    }
    return id;
  }

  intersect(a: number, b: number): number {
    if (a === b || b === PortSetTable.ALL || a === PortSetTable.EMPTY) return a;
    if (b === PortSetTable.EMPTY || a === PortSetTable.ALL) return b;
    const key = a < b ? a * 0x200000 + b : b * 0x200000 + a;
    let id = this.intersections.get(key);
    if (id === undefined) {
      id = this.intern(intersectPorts(this.get(a), this.get(b)));
      this.intersections.set(key, id);
    }
    return id;
  }

  /** a minus b, memoized. */
  subtract(a: number, b: number): number {
    if (b === PortSetTable.EMPTY || a === PortSetTable.EMPTY) return a;
    if (a === b || b === PortSetTable.ALL) return PortSetTable.EMPTY;
    const key = a * 0x200000 + b;
    let id = this.differences.get(key);
    if (id === undefined) {
      id = this.intern(subtractPorts(this.get(a), this.get(b)));
      this.differences.set(key, id);
    }
    return id;
  }
}
