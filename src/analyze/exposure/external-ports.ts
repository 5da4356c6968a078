import { type Cidr, formatAddress } from "../../model/cidr.js";
import type { Pod } from "../../model/endpoint.js";
import { selectorMatches } from "../../model/labels.js";
import type { Model } from "../../model/model.js";
import type { Direction, PolicyRule } from "../../model/policy.js";
import type { SourceRef } from "../../model/source-ref.js";
import { blockCoverage } from "../address-set.js";
import { ALL_PORTS, EMPTY_PORTS, isEmptyPorts, type PortSet, portSetKey, unionPorts } from "../port-set.js";
import { specPorts } from "../verify/port-math.js";

/** A run of addresses [start, end] of one family over which a pod's policies allow the same ports. */
export type AddressSegment = {
  readonly family: 4 | 6;
  readonly start: bigint;
  readonly end: bigint;
  readonly ports: PortSet;
  /** The rules that allow traffic for these addresses (empty when the pod is not isolated). */
  readonly rules: readonly SourceRef[];
  /** False when no policy selects the pod for this direction: everything is allowed. */
  readonly isolated: boolean;
};

const FAMILY_END: Record<4 | 6, bigint> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };

function rulesFor(model: Model, pod: Pod, direction: Direction): PolicyRule[] | undefined {
  let out: PolicyRule[] | undefined;
  for (const policy of model.policies) {
    const rules = policy[direction];
    if (rules === undefined || policy.namespace !== pod.namespace) continue;
    if (!selectorMatches(policy.podSelector, pod.labels)) continue;
    out = [...(out ?? []), ...rules];
  }
  return out;
}

/**
 * What a pod's own policies allow between it and addresses outside the cluster, for every address: egress toward
 * them, or ingress from them. The external end is not policed (NetworkPolicy applies to pods only), so only this pod's
 * side decides. Only ipBlock peers and rules without peers match an external address; a named port in an egress rule
 * resolves on the destination's containers, and an external destination has none, so it allows nothing.
 * `cuts` are extra CIDRs whose edges must be segment edges (so callers can compare with their own ranges).
 */
export function externalSegments(
  model: Model,
  pod: Pod,
  direction: Direction,
  cuts: readonly Cidr[] = [],
): AddressSegment[] {
  const rules = rulesFor(model, pod, direction);
  const destinationPorts = direction === "ingress" ? pod.ports : [];
  const out: AddressSegment[] = [];
  for (const family of [4, 6] as const) {
    const edges = new Set<bigint>([0n]);
    const add = (c: Cidr) => {
      if (c.family !== family) return;
      edges.add(c.start);
      if (c.end < FAMILY_END[family]) edges.add(c.end + 1n);
    };
    for (const c of cuts) add(c);
    for (const rule of rules ?? [])
      if (rule.peers !== "any")
        for (const peer of rule.peers)
          if (peer.kind === "ipBlock") {
            add(peer.block.cidr);
            for (const e of peer.block.except) add(e);
          }
    const starts = [...edges].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    starts.forEach((start, i) => {
      const next = starts[i + 1];
      const end = next === undefined ? FAMILY_END[family] : next - 1n;
      if (rules === undefined) {
        out.push({ family, start, end, ports: ALL_PORTS, rules: [], isolated: false });
        return;
      }
      const probe: Cidr = {
        text: formatAddress(family, start),
        family,
        prefix: family === 4 ? 32 : 128,
        start,
        end: start,
      };
      let ports = EMPTY_PORTS;
      const by: SourceRef[] = [];
      for (const rule of rules) {
        const matches =
          rule.peers === "any" ||
          rule.peers.some((p) => p.kind === "ipBlock" && blockCoverage(p.block, probe).length > 0);
        if (!matches) continue;
        const allowed = specPorts(rule.ports, destinationPorts);
        if (isEmptyPorts(allowed)) continue;
        ports = unionPorts(ports, allowed);
        by.push(rule.source);
      }
      out.push({ family, start, end, ports, rules: by, isolated: true });
    });
  }
  return out;
}

/** Joins neighbouring segments that carry the same key. */
export function mergeSegments<T extends { family: 4 | 6; start: bigint; end: bigint }>(
  segments: readonly T[],
  key: (s: T) => string,
): T[] {
  const out: T[] = [];
  for (const s of segments) {
    const last = out[out.length - 1];
    if (last && last.family === s.family && last.end + 1n === s.start && key(last) === key(s))
      out[out.length - 1] = { ...last, end: s.end };
    else out.push(s);
  }
  return out;
}

export const portsKey = (s: { ports: PortSet }): string => portSetKey(s.ports);

/** The smallest list of CIDRs covering exactly [start, end]. */
export function rangeToCidrs(family: 4 | 6, start: bigint, end: bigint): string[] {
  const bits = family === 4 ? 32 : 128;
  const out: string[] = [];
  let s = start;
  while (s <= end) {
    let size = 0;
    while (size < bits) {
      const next = size + 1;
      const block = 1n << BigInt(next);
      if (s % block !== 0n || s + block - 1n > end) break;
      size = next;
    }
    out.push(`${formatAddress(family, s)}/${bits - size}`);
    s += 1n << BigInt(size);
  }
  return out;
}

/** "203.0.113.0/24", or "0.0.0.0/0 except …"-free form: the CIDR list joined; the whole family reads as "any IPv4". */
export function describeSegment(family: 4 | 6, start: bigint, end: bigint): string {
  if (start === 0n && end === FAMILY_END[family]) return family === 4 ? "0.0.0.0/0" : "::/0";
  const cidrs = rangeToCidrs(family, start, end);
  return cidrs.length <= 4 ? cidrs.join(", ") : `${formatAddress(family, start)}-${formatAddress(family, end)}`;
}
