import type { CloudModel, CloudRef, NetworkInterface } from "../../model/cloud.js";
import type { FrontedWorkload } from "../exposure/cloud-cluster.js";
import { type Ipv6Exposure, ipv6Exposure } from "./cloud-exposure-ipv6.js";
import { listeningSegments } from "./cloud-ports.js";
import { behindListeners, listenerSegments, loadBalancerWhy, unknownTargets } from "./listeners.js";
import { eniParty, evaluatePath, type Hop, internetParty, type PathResult } from "./path.js";

/** The independent kinds of control between the internet and a resource (defense in depth). */
export type ControlKind =
  | "edge/WAF"
  | "load balancer"
  | "public address"
  | "route"
  | "network ACL"
  | "security group"
  | "cluster"
  | "mesh";

export type Control = {
  readonly control: ControlKind;
  /** blocks: denies the internet today; restricts: lets through only some ports or addresses; open: lets all through;
   * unknown: the inputs cannot decide it (never counted in the depth). */
  readonly state: "blocks" | "restricts" | "open" | "unknown";
  readonly why: string;
  readonly refs: readonly CloudRef[];
};

export type CloudExposure = {
  readonly resource: string;
  readonly tier: string;
  readonly kind: string;
  /** Port ranges (per protocol) reachable directly from the internet. */
  readonly exposed: readonly { readonly protocol: number; readonly ports: readonly [number, number][] }[];
  /** Reachable from the internet through an internet-facing load balancer: which one, on which ports. */
  readonly behind: readonly {
    readonly via: string;
    readonly protocol: number;
    readonly ports: readonly [number, number][];
    /** The listener ports the internet connects to (when the LB's listeners are in the files). */
    readonly listenerPorts?: readonly number[];
    readonly targetGroups?: readonly string[];
    /** The LB → target hop cannot be decided: why. */
    readonly hopUnknown?: string;
    /** The LB's listeners are not in the files: any of its ports may forward here. */
    readonly listenersUnknown?: boolean;
  }[];
  /** Cluster workloads it fronts (an EKS node group), with the cluster and mesh layers; only with Kubernetes input. */
  readonly fronts?: readonly FrontedWorkload[];
  /** Target groups of an LB whose registrations the files cannot state. */
  readonly unknownTargets?: readonly string[];
  /** Port ranges reachable directly from the IPv6 internet (interfaces with IPv6 addresses), apart from IPv4. */
  readonly exposedIpv6?: readonly { readonly protocol: number; readonly ports: readonly [number, number][] }[];
  /** One path, hop by hop: the internet to it (allowed when exposed; else the evaluation that blocks it). */
  readonly path: readonly Hop[];
  readonly controls: readonly Control[];
  /** How many independent controls would have to fail (be misconfigured) before it is reachable from the internet;
   * 0 = reachable now. */
  readonly depth: number;
};

function controlOf(step: string): ControlKind | undefined {
  if (step.startsWith("public address") || step.startsWith("internet gateway") || step.startsWith("IPv6 address"))
    return "public address";
  if (step.startsWith("route table")) return "route";
  if (step.startsWith("network ACL")) return "network ACL";
  if (step.startsWith("security groups inbound")) return "security group";
  return undefined;
}

/** Controls on an internet → resource path: a denied hop blocks; an allowed hop that names ports restricts. */
export function controls(cloud: CloudModel, eni: NetworkInterface, path: PathResult): Control[] {
  const byKind = new Map<ControlKind, Control>();
  const acl = cloud.webAcls.find((w) => eni.id === w.resourceId || eni.id.startsWith(`${w.resourceId}#`));
  if (acl)
    byKind.set("edge/WAF", {
      control: "edge/WAF",
      state: "restricts",
      why: `web ACL ${acl.webAcl} inspects requests`,
      refs: [acl.source],
    });
  if (eni.kind === "load-balancer")
    byKind.set("load balancer", {
      control: "load balancer",
      state: "restricts",
      why: loadBalancerWhy(cloud, eni),
      refs: [eni.source],
    });
  for (const h of path.hops) {
    const kind = controlOf(h.step);
    if (!kind) continue;
    const prev = byKind.get(kind);
    const open = h.status === "allow" && /0\.0\.0\.0\/0|::\/0/.test(h.why) && /all traffic/.test(h.why);
    const state: Control["state"] =
      h.status === "deny"
        ? "blocks"
        : h.status === "unknown"
          ? "unknown"
          : kind === "public address" || kind === "route" || open
            ? "open"
            : "restricts";
    const rank = { blocks: 3, unknown: 2, restricts: 1, open: 0 };
    if (!prev || rank[state] > rank[prev.state]) byKind.set(kind, { control: kind, state, why: h.why, refs: h.refs });
  }
  return [...byKind.values()];
}

/**
 * Every interface seen from the internet: the ports reachable directly or through an internet-facing load balancer,
 * the path, and the independent controls that stand in between. A resource blocked by a single control is one
 * mistake away from exposure.
 */
export function cloudExposure(cloud: CloudModel): CloudExposure[] {
  const groups = new Map<string, NetworkInterface[]>();
  for (const eni of cloud.interfaces) groups.set(eni.name, [...(groups.get(eni.name) ?? []), eni]);
  const out: CloudExposure[] = [];
  const exposedLbs: { name: string; enis: NetworkInterface[] }[] = [];
  const results = new Map<
    string,
    {
      exposed: CloudExposure["exposed"];
      path: PathResult | undefined;
      blockedPath: PathResult | undefined;
      eni: NetworkInterface;
      v6?: Ipv6Exposure;
    }
  >();
  for (const [name, enis] of groups) {
    const exposed: { protocol: number; ports: [number, number][] }[] = [];
    let path: PathResult | undefined;
    let blockedPath: PathResult | undefined;
    for (const protocol of [6, 17]) {
      const ports: [number, number][] = [];
      const listening = listenerSegments(cloud, enis, protocol) ?? listeningSegments(cloud, enis, protocol);
      // An interface that opens no port is still checked (on every port), to count the controls that block it.
      const segs: [number, number][] = listening.length > 0 ? listening : protocol === 6 ? [[1, 65535]] : [];
      for (const seg of segs) {
        for (const eni of enis) {
          const to = eniParty(cloud, eni);
          if (!to) continue;
          const r = evaluatePath(cloud, internetParty(), to, protocol, seg[0]);
          if (r.status === "allow") {
            if (listening.length > 0) ports.push(seg);
            path ??= r;
            break;
          }
          if (
            !blockedPath ||
            r.hops.filter((h) => h.status === "deny").length <
              blockedPath.hops.filter((h) => h.status === "deny").length
          )
            blockedPath = r;
        }
      }
      if (ports.length > 0) exposed.push({ protocol, ports });
    }
    const eni = enis[0] as NetworkInterface;
    const v6 = ipv6Exposure(cloud, enis, (p) => listenerSegments(cloud, enis, p) ?? listeningSegments(cloud, enis, p));
    results.set(name, { exposed, path, blockedPath, eni, v6 });
    // A load balancer exposed over IPv4 or IPv6 (dualstack) forwards to its targets either way.
    if ((exposed.length > 0 || v6.exposed.length > 0) && enis.some((e) => e.kind === "load-balancer"))
      exposedLbs.push({ name, enis });
  }
  for (const [name, enis] of groups) {
    const r = results.get(name);
    if (!r) continue;
    const behind: CloudExposure["behind"][number][] = [];
    for (const lb of exposedLbs) {
      if (lb.name === name) continue;
      const lbResult = results.get(lb.name);
      const lbExposed = [...(lbResult?.exposed ?? []), ...(lbResult?.v6?.exposed ?? [])];
      const viaListeners = behindListeners(cloud, lb, lbExposed, enis);
      if (viaListeners) {
        behind.push(...viaListeners);
        continue;
      }
      for (const protocol of [6]) {
        const ports: [number, number][] = [];
        for (const seg of listeningSegments(cloud, enis, protocol)) {
          const ok = lb.enis.some((l) =>
            enis.some((e) => {
              const f = eniParty(cloud, l);
              const t = eniParty(cloud, e);
              return f && t && evaluatePath(cloud, f, t, protocol, seg[0]).status === "allow";
            }),
          );
          if (ok) ports.push(seg);
        }
        if (ports.length > 0) behind.push({ via: lb.name, protocol, ports, listenersUnknown: true });
      }
    }
    // Exposed over IPv4, else over IPv6, else the blocked path with the fewest denying controls.
    const denies = (p: PathResult | undefined) => p?.hops.filter((h) => h.status === "deny").length ?? 99;
    const blocked = denies(r.v6?.blockedPath) < denies(r.blockedPath) ? r.v6?.blockedPath : r.blockedPath;
    const shown = r.path ?? r.v6?.path ?? blocked;
    const ctrls = shown ? controls(cloud, r.eni, shown) : [];
    const blocking = ctrls.filter((c) => c.state === "blocks").length;
    out.push({
      resource: name,
      tier: r.eni.tier,
      kind: r.eni.kind,
      exposed: r.exposed,
      ...(r.v6 && r.v6.exposed.length > 0 ? { exposedIpv6: r.v6.exposed } : {}),
      behind,
      ...(unknownTargets(cloud, enis).length > 0 ? { unknownTargets: unknownTargets(cloud, enis) } : {}),
      path: shown?.hops ?? [],
      controls: ctrls,
      depth: r.exposed.length > 0 || (r.v6?.exposed.length ?? 0) > 0 ? 0 : blocking,
    });
    void enis;
  }
  return out.sort((a, b) => a.depth - b.depth || a.resource.localeCompare(b.resource));
}
