import type { VpcPeering } from "../../../model/cloud.js";
import { findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";

const pairKey = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

export const fullMeshPeering: AuditRule = {
  id: "WARD-AWS-008",
  layer: "cloud",
  severity: "low",
  title: "Full-mesh VPC peering",
  rationale:
    "Peering is not transitive, so n VPCs that must all talk need n(n-1)/2 peerings, each with routes on both sides: the mesh grows quadratically and every new VPC touches every other.",
  fix: "Connect three or more VPCs through a transit gateway (or Cloud WAN) with route tables that say which may talk.",
  equivalents: {},
  check(ctx) {
    const cloud = ctx.model.cloud;
    if (cloud === undefined) return [];
    const active = cloud.peerings.filter((p) => p.active && p.requesterVpcId !== p.accepterVpcId);
    const pairs = new Map<string, VpcPeering>();
    for (const p of active)
      if (!pairs.has(pairKey(p.requesterVpcId, p.accepterVpcId)))
        pairs.set(pairKey(p.requesterVpcId, p.accepterVpcId), p);
    // Connected components of the peering graph; a component of n >= 3 VPCs with every pair peered is a full mesh.
    const adj = new Map<string, Set<string>>();
    for (const p of pairs.values()) {
      for (const [a, b] of [
        [p.requesterVpcId, p.accepterVpcId],
        [p.accepterVpcId, p.requesterVpcId],
      ] as const) {
        const s = adj.get(a) ?? new Set<string>();
        s.add(b);
        adj.set(a, s);
      }
    }
    const seen = new Set<string>();
    const out: Finding[] = [];
    for (const start of [...adj.keys()].sort()) {
      if (seen.has(start)) continue;
      const comp: string[] = [];
      const stack = [start];
      seen.add(start);
      while (stack.length > 0) {
        const v = stack.pop() as string;
        comp.push(v);
        for (const w of adj.get(v) ?? []) {
          if (seen.has(w)) continue;
          seen.add(w);
          stack.push(w);
        }
      }
      const n = comp.length;
      const edges = [...pairs.entries()].filter(([k]) => comp.includes(k.split("\u0000")[0] as string));
      if (n < 3 || edges.length !== (n * (n - 1)) / 2) continue;
      const [first, ...rest] = edges.map(([, p]) => p.source);
      if (first === undefined) continue;
      out.push(
        findingOf(
          this,
          first,
          `${n} VPCs (${comp.sort().join(", ")}) are fully meshed with ${edges.length} peering connections`,
          { related: rest },
        ),
      );
    }
    return out;
  },
};
