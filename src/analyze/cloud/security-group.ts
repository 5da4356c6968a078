import type { CloudModel, SecurityGroup, SgRule } from "../../model/cloud.js";
import { isUnknown } from "../../model/cloud.js";
import { hasPorts, protocolMatches } from "./nacl.js";
import { emptyRanges, intersect, type Ranges, union } from "./ranges.js";

/** The other end of a connection as a security group sees it: its addresses and, for an ENI, its groups. */
export type SgPeerView = { readonly set: Ranges; readonly groups: readonly string[] };

export type SgDecision = {
  readonly allowed: Ranges;
  readonly unknown: Ranges;
  readonly rules: readonly { readonly group: SecurityGroup; readonly rule: SgRule }[];
  readonly missingGroups: readonly string[];
};

function portMatches(rule: SgRule, protocol: number, port: number): boolean {
  if (!protocolMatches(rule.protocol, protocol)) return false;
  // For protocol -1 and for protocols without ports, the port range does not apply.
  if (!hasPorts(rule.protocol)) return true;
  return rule.fromPort <= port && port <= rule.toPort;
}

/**
 * Security groups are allow-only and stateful: a connection is allowed when any rule of any group on the ENI allows
 * it (the union), and its return traffic is allowed automatically (docs.aws.amazon.com/vpc/latest/userguide/
 * vpc-security-groups.html). A rule that references a group matches the private addresses of the group's members.
 */
export function evaluateSecurityGroups(
  cloud: CloudModel,
  groupIds: readonly string[],
  direction: "ingress" | "egress",
  peer: SgPeerView,
  protocol: number,
  port: number,
): SgDecision {
  let allowed = emptyRanges(peer.set.family);
  let unknown = emptyRanges(peer.set.family);
  const rules: { group: SecurityGroup; rule: SgRule }[] = [];
  const missingGroups: string[] = [];
  for (const id of groupIds) {
    const group = cloud.securityGroups.find((g) => g.id === id);
    if (!group) {
      missingGroups.push(id);
      unknown = union(unknown, peer.set);
      continue;
    }
    for (const rule of group.rules) {
      if (rule.direction !== direction || !portMatches(rule, protocol, port)) continue;
      const p = rule.peer;
      let matched: Ranges = emptyRanges(peer.set.family);
      if (isUnknown(p)) {
        unknown = union(unknown, peer.set);
        rules.push({ group, rule });
        continue;
      }
      if (p.type === "cidr") matched = intersect(peer.set, p.cidr);
      else if (p.type === "security-group") matched = peer.groups.includes(p.id) ? peer.set : matched;
      else {
        const list = cloud.prefixLists.find((l) => l.id === p.id);
        if (!list) {
          unknown = union(unknown, peer.set);
          rules.push({ group, rule });
          continue;
        }
        for (const c of list.cidrs) matched = union(matched, intersect(peer.set, c));
      }
      if (matched.list.length > 0) {
        allowed = union(allowed, matched);
        rules.push({ group, rule });
      }
    }
  }
  return { allowed, unknown, rules, missingGroups };
}
