import type { CloudModel, NetworkInterface } from "../../model/cloud.js";
import { eniParty6, evaluatePath, internetParty6, type PathResult } from "./path.js";

export type Ipv6Exposure = {
  /** Port ranges (per protocol) reachable directly from the IPv6 internet. */
  readonly exposed: { readonly protocol: number; readonly ports: [number, number][] }[];
  /** The first allowed path, when exposed. */
  readonly path?: PathResult;
  /** The blocked path with the fewest denying hops, when not exposed. */
  readonly blockedPath?: PathResult;
};

/**
 * What the IPv6 internet reaches of a resource's interfaces that have IPv6 addresses, on the ports it listens on
 * (`segments`, as for IPv4): listed apart from the IPv4 exposure, since an instance private on IPv4 may be public on
 * IPv6.
 */
export function ipv6Exposure(
  cloud: CloudModel,
  enis: readonly NetworkInterface[],
  segments: (protocol: number) => readonly [number, number][],
): Ipv6Exposure {
  const withV6 = enis.filter((e) => e.ipv6 !== undefined);
  const exposed: Ipv6Exposure["exposed"] = [];
  let path: PathResult | undefined;
  let blockedPath: PathResult | undefined;
  if (withV6.length === 0) return { exposed };
  for (const protocol of [6, 17]) {
    const listening = segments(protocol);
    const segs: readonly [number, number][] = listening.length > 0 ? listening : protocol === 6 ? [[1, 65535]] : [];
    const ports: [number, number][] = [];
    for (const seg of segs)
      for (const eni of withV6) {
        const to = eniParty6(cloud, eni);
        if (!to) continue;
        const r = evaluatePath(cloud, internetParty6(), to, protocol, seg[0]);
        if (r.status === "allow") {
          if (listening.length > 0) ports.push([seg[0], seg[1]]);
          path ??= r;
          break;
        }
        const denies = (p: PathResult) => p.hops.filter((h) => h.status === "deny").length;
        if (!blockedPath || denies(r) < denies(blockedPath)) blockedPath = r;
      }
    if (ports.length > 0) exposed.push({ protocol, ports });
  }
  return { exposed, ...(path ? { path } : {}), ...(blockedPath ? { blockedPath } : {}) };
}
