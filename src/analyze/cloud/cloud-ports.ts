import type { CloudModel, NetworkInterface } from "../../model/cloud.js";
import { naclOfSubnet } from "./nacl.js";

/** Ranges of ports over which every rule of these interfaces' groups and NACLs decides the same way. */
export function portSegments(
  cloud: CloudModel,
  enis: readonly NetworkInterface[],
  protocol: number,
): [number, number][] {
  const points = new Set<number>([1, 65536]);
  const add = (p: { protocol: number | "all"; fromPort: number; toPort: number }) => {
    if (p.protocol !== protocol) return;
    points.add(Math.max(1, p.fromPort));
    points.add(Math.min(65536, p.toPort + 1));
  };
  for (const eni of enis) {
    for (const id of eni.securityGroupIds)
      for (const r of cloud.securityGroups.find((g) => g.id === id)?.rules ?? []) add(r);
    const subnet = cloud.subnets.find((s) => s.id === eni.subnetId);
    if (subnet) for (const r of naclOfSubnet(cloud.nacls, subnet.id, subnet.vpcId)?.rules ?? []) add(r);
  }
  for (const g of cloud.securityGroups) for (const r of g.rules) add(r);
  const sorted = [...points].sort((a, b) => a - b);
  return sorted.slice(0, -1).map((s, i) => [s, (sorted[i + 1] as number) - 1]);
}

/** Port segments that some security-group ingress rule of the interfaces opens (the ports it listens on). */
export function listeningSegments(
  cloud: CloudModel,
  enis: readonly NetworkInterface[],
  protocol: number,
): [number, number][] {
  const rules = enis.flatMap((e) =>
    e.securityGroupIds.flatMap((id) => cloud.securityGroups.find((g) => g.id === id)?.rules ?? []),
  );
  return portSegments(cloud, enis, protocol).filter(([a]) =>
    rules.some(
      (r) =>
        r.direction === "ingress" &&
        (r.protocol === "all" || (r.protocol === protocol && r.fromPort <= a && a <= r.toPort)),
    ),
  );
}

export function formatSegments(segs: readonly [number, number][]): string {
  const merged: [number, number][] = [];
  for (const [a, b] of segs) {
    const last = merged[merged.length - 1];
    if (last && a === last[1] + 1) last[1] = b;
    else merged.push([a, b]);
  }
  return merged.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(", ");
}
