import { type Cidr, formatAddress } from "../../model/cidr.js";
import type { Pod } from "../../model/endpoint.js";
import type { Model } from "../../model/model.js";
import type { Direction } from "../../model/policy.js";
import { type ContainerPort, type PortSpec, PROTOCOLS, type Protocol, resolveNamedPort } from "../../model/ports.js";
import type { SourceRef } from "../../model/source-ref.js";
import { type DirectionOutcome, evaluateCluster } from "../cluster/evaluate-cluster.js";
import { type Party, podParty } from "../party.js";
import { MAX_PORT, type PortSet, portSetKey, portSetOf } from "../port-set.js";

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

type Cut = { readonly start: number; readonly end: number };

/** Every port edge any rule uses, per protocol: within two edges, every rule's ports match all or nothing. */
export function portIntervals(model: Model, destinationPorts: readonly ContainerPort[]): Record<Protocol, Cut[]> {
  const edges: Record<Protocol, Set<number>> = { TCP: new Set([1]), UDP: new Set([1]), SCTP: new Set([1]) };
  const add = (spec: PortSpec) => {
    if (spec.port === undefined) return;
    const ranges: [number, number][] =
      typeof spec.port === "number"
        ? [[spec.port, spec.endPort ?? spec.port]]
        : resolveNamedPort(spec.port, spec.protocol, destinationPorts).map((n): [number, number] => [n, n]);
    for (const [s, e] of ranges) {
      edges[spec.protocol].add(s);
      if (e < MAX_PORT) edges[spec.protocol].add(e + 1);
    }
  };
  for (const policy of model.policies)
    for (const rules of [policy.ingress, policy.egress])
      for (const rule of rules ?? []) {
        if (rule.ports !== "all") rule.ports.forEach(add);
        rule.notPorts?.forEach(add);
      }
  const out = {} as Record<Protocol, Cut[]>;
  for (const protocol of PROTOCOLS) {
    const starts = [...edges[protocol]].sort((a, b) => a - b);
    out[protocol] = starts.map((start, i) => ({ start, end: (starts[i + 1] ?? MAX_PORT + 1) - 1 }));
  }
  return out;
}

/** Every address edge any rule uses (ipBlocks, their excepts) and the caller's cuts, per family. */
function addressStarts(model: Model, family: 4 | 6, cuts: readonly Cidr[]): bigint[] {
  const edges = new Set<bigint>([0n]);
  const add = (c: Cidr) => {
    if (c.family !== family) return;
    edges.add(c.start);
    if (c.end < FAMILY_END[family]) edges.add(c.end + 1n);
  };
  cuts.forEach(add);
  for (const policy of model.policies)
    for (const rules of [policy.ingress, policy.egress])
      for (const rule of rules ?? [])
        for (const peers of [rule.peers === "any" ? [] : rule.peers, rule.notPeers ?? []])
          for (const peer of peers)
            if (peer.kind === "ipBlock") {
              add(peer.block.cidr);
              peer.block.except.forEach(add);
            }
  return [...edges].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function deciding(d: DirectionOutcome): SourceRef[] {
  if (d.decidedBy.kind === "rule") return [d.decidedBy.rule.rule];
  return [];
}

/**
 * What the policies allow between a pod and addresses outside the cluster, for every address: egress toward them,
 * or ingress from them. Each answer comes from the reference evaluator (evaluateCluster), probed once per run of
 * addresses and ports over which no rule can change its mind: the address space is cut at every ipBlock edge, the
 * port space at every port a rule names. `cuts` are extra CIDRs whose edges must be segment edges (so callers can
 * compare with their own ranges).
 */
export function externalSegments(
  model: Model,
  pod: Pod,
  direction: Direction,
  cuts: readonly Cidr[] = [],
): AddressSegment[] {
  const self = podParty(model, pod);
  const ports = portIntervals(model, direction === "ingress" ? pod.ports : []);
  const out: AddressSegment[] = [];
  for (const family of [4, 6] as const) {
    const starts = addressStarts(model, family, cuts);
    starts.forEach((start, i) => {
      const next = starts[i + 1];
      const end = next === undefined ? FAMILY_END[family] : next - 1n;
      const other: Party = {
        kind: "external",
        range: { text: formatAddress(family, start), family, prefix: family === 4 ? 32 : 128, start, end: start },
      };
      const entries: { protocol: Protocol; start: number; end: number }[] = [];
      const rules = new Map<string, SourceRef>();
      let isolated = false;
      for (const protocol of PROTOCOLS) {
        for (const cut of ports[protocol]) {
          const conn = {
            from: direction === "egress" ? self : other,
            to: direction === "egress" ? other : self,
            port: cut.start,
            protocol,
          };
          const outcome = evaluateCluster(model, conn)[direction];
          if (outcome.isolated) isolated = true;
          if (!outcome.allowed) continue;
          entries.push({ protocol, start: cut.start, end: cut.end });
          for (const r of deciding(outcome)) rules.set(`${r.file}:${r.line}`, r);
        }
      }
      out.push({ family, start, end, ports: portSetOf(entries), rules: [...rules.values()], isolated });
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
