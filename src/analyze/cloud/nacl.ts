import type { Cidr } from "../../model/cidr.js";
import type { IpProtocol, Nacl, NaclRule } from "../../model/cloud.js";
import { isUnknown } from "../../model/cloud.js";
import { emptyRanges, type Ranges, union } from "./ranges.js";

/** Protocols whose rules carry a port range (TCP, UDP): for the others the range does not apply. */
export function hasPorts(p: IpProtocol): boolean {
  return p === 6 || p === 17;
}

export function protocolMatches(rule: IpProtocol, query: number): boolean {
  return rule === "all" || rule === query;
}

export type NaclDecision = {
  /** Peer addresses for which every port of the range is allowed. */
  readonly allowed: Ranges;
  /** Peer addresses for which every port is denied. */
  readonly denied: Ranges;
  /** Peer addresses where the answer depends on the port (only some ports allowed) or on an unknown rule. */
  readonly unknown: Ranges;
  /** The rules that decided, each with the addresses and ports it decided; `undefined` rule = the final `*` deny. */
  readonly decisions: readonly { rule?: NaclRule; action: "allow" | "deny" | "unknown"; ports: [number, number] }[];
};

function cuts(lo: bigint, hi: bigint, cidrs: readonly Cidr[]): bigint[] {
  const points = new Set<bigint>([lo]);
  for (const c of cidrs) {
    if (c.start > lo && c.start <= hi) points.add(c.start);
    if (c.end + 1n > lo && c.end + 1n <= hi) points.add(c.end + 1n);
  }
  return [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Evaluates a NACL for one direction: rules in ascending rule_number, the first rule that matches a packet decides,
 * and a packet no numbered rule matches is denied by the final `*` rule (docs.aws.amazon.com/vpc/latest/userguide/
 * nacl-rules.html). `peer` is the other end's address set; ports [lo, hi] are the destination ports of the packets.
 */
export function evaluateNacl(
  nacl: Nacl,
  direction: "ingress" | "egress",
  peer: Ranges,
  protocol: number,
  lo: number,
  hi: number,
): NaclDecision {
  const rules = nacl.rules
    .filter((r) => r.direction === direction && protocolMatches(r.protocol, protocol))
    .sort((a, b) => a.ruleNumber - b.ruleNumber);
  const known = rules.map((r) => r.cidr).filter((c): c is Cidr => !isUnknown(c) && c.family === peer.family);
  const portPoints = new Set<number>([lo]);
  for (const r of rules)
    if (hasPorts(r.protocol)) {
      if (r.fromPort > lo && r.fromPort <= hi) portPoints.add(r.fromPort);
      if (r.toPort + 1 > lo && r.toPort + 1 <= hi) portPoints.add(r.toPort + 1);
    }
  const portStarts = [...portPoints].sort((a, b) => a - b);
  const portSegs: [number, number][] = portStarts.map((s, i) => [s, (portStarts[i + 1] ?? hi + 1) - 1]);
  let allowed = emptyRanges(peer.family);
  let denied = emptyRanges(peer.family);
  let unknown = emptyRanges(peer.family);
  const decisions = new Map<
    string,
    { rule?: NaclRule; action: "allow" | "deny" | "unknown"; ports: [number, number] }
  >();
  for (const [s, e] of peer.list) {
    const points = cuts(s, e, known);
    for (let i = 0; i < points.length; i++) {
      const a = points[i] as bigint;
      const b = (points[i + 1] ?? e + 1n) - 1n;
      const outcomes = new Set<"allow" | "deny" | "unknown">();
      for (const [pa, pb] of portSegs) {
        let decided: { rule?: NaclRule; action: "allow" | "deny" | "unknown" } | undefined;
        for (const r of rules) {
          if (hasPorts(r.protocol) && !(r.fromPort <= pa && pb <= r.toPort)) continue;
          if (isUnknown(r.cidr)) {
            decided = { rule: r, action: "unknown" };
            break;
          }
          if (r.cidr.family !== peer.family || !(r.cidr.start <= a && b <= r.cidr.end)) continue;
          decided = { rule: r, action: r.action };
          break;
        }
        decided ??= { action: "deny" };
        outcomes.add(decided.action);
        const key = decided.rule ? `${decided.rule.direction}/${decided.rule.ruleNumber}` : "*";
        const prev = decisions.get(key);
        decisions.set(key, {
          ...decided,
          ports: prev ? [Math.min(prev.ports[0], pa), Math.max(prev.ports[1], pb)] : [pa, pb],
        });
      }
      const seg: Ranges = { family: peer.family, list: [[a, b]] };
      if (outcomes.size === 1 && outcomes.has("allow")) allowed = union(allowed, seg);
      else if (outcomes.size === 1 && outcomes.has("deny")) denied = union(denied, seg);
      else unknown = union(unknown, seg);
    }
  }
  return { allowed, denied, unknown, decisions: [...decisions.values()] };
}

/** The NACL of a subnet: its explicit association, else the VPC's default NACL. */
export function naclOfSubnet(nacls: readonly Nacl[], subnetId: string, vpcId: string): Nacl | undefined {
  return (
    nacls.find((n) => !n.isDefault && n.subnetIds.includes(subnetId)) ??
    nacls.find((n) => n.isDefault && n.subnetIds.includes(subnetId)) ??
    nacls.find((n) => n.isDefault && n.vpcId === vpcId)
  );
}
