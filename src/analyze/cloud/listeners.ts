import { cidrContains, parseCidr } from "../../model/cidr.js";
import type { CloudModel, NetworkInterface } from "../../model/cloud.js";
import { isUnknown } from "../../model/cloud.js";
import { belongsTo, type LbListener, type TargetGroup } from "../../model/cloud-lb.js";
import { eniParty, evaluatePath } from "./path.js";

/** IP protocols a listener accepts: TCP for HTTP/HTTPS/TCP/TLS, UDP for UDP, both for TCP_UDP (ELB API, Listener). */
export function listenerProtocols(protocol: string): number[] {
  if (protocol === "UDP") return [17];
  if (protocol === "TCP_UDP") return [6, 17];
  if (protocol === "GENEVE") return [];
  return [6];
}

/** The LB these interfaces make up. */
function lbIds(enis: readonly NetworkInterface[]): string[] {
  return enis.filter((e) => e.kind === "load-balancer").map((e) => e.id);
}

/** The listeners of a load balancer, or undefined when none of its listeners is in the files (ports unknown). */
export function listenersOf(cloud: CloudModel, enis: readonly NetworkInterface[]): LbListener[] | undefined {
  const ids = lbIds(enis);
  if (ids.length === 0) return undefined;
  const list = (cloud.listeners ?? []).filter((l) =>
    ids.some((id) => l.loadBalancerIds.some((lb) => belongsTo(id, lb))),
  );
  return list.length > 0 ? list : undefined;
}

/**
 * The ports a load balancer accepts connections on: exactly its listeners' ports (an LB answers nothing else).
 * Undefined for a resource that is not a load balancer, or one whose listeners are not in the files.
 */
export function listenerSegments(
  cloud: CloudModel,
  enis: readonly NetworkInterface[],
  protocol: number,
): [number, number][] | undefined {
  const listeners = listenersOf(cloud, enis);
  if (!listeners) return undefined;
  const ports = new Set<number>();
  for (const l of listeners)
    if (!isUnknown(l.port) && listenerProtocols(l.protocol).includes(protocol)) ports.add(l.port);
  return [...ports].sort((a, b) => a - b).map((p) => [p, p]);
}

/** "443 HTTPS → forward app; 80 HTTP → redirect" */
export function describeListeners(cloud: CloudModel, listeners: readonly LbListener[]): string {
  return listeners
    .map((l) => {
      const actions = l.actions.map((a) =>
        a.type === "forward"
          ? `forward to ${a.targetGroupIds.map((id) => targetGroupName(cloud, id)).join(", ") || "(no target group)"}`
          : a.type === "unknown"
            ? `unknown (${a.why})`
            : a.type,
      );
      return `${isUnknown(l.port) ? "(port unknown)" : l.port} ${l.protocol} → ${actions.join(" / ") || "no action"}`;
    })
    .join("; ");
}

function targetGroupName(cloud: CloudModel, id: string): string {
  const g = cloud.targetGroups?.find((t) => t.id === id);
  return g ? `${g.name}${g.port !== undefined && !isUnknown(g.port) ? ` (port ${g.port})` : ""}` : id;
}

/** What the "load balancer" control says: its listeners, or that they are not in the files. */
export function loadBalancerWhy(cloud: CloudModel, eni: NetworkInterface): string {
  const listeners = listenersOf(cloud, [eni]);
  return listeners
    ? `accepts only on its listeners: ${describeListeners(cloud, listeners)}`
    : "only its listeners accept connections (its listeners are not in the files: which ports is unknown)";
}

/** The interfaces a registered target stands for: an instance / ENI / LB / node group by id, or an IP address. */
export function targetInterfaces(cloud: CloudModel, group: TargetGroup, targetId: string): NetworkInterface[] {
  if (group.targetType === "lambda") return [];
  if (group.targetType === "ip")
    return cloud.interfaces.filter((e) => {
      if (!e.privateIp) return false;
      try {
        return cidrContains(parseCidr(targetId), e.privateIp);
      } catch {
        return false;
      }
    });
  return cloud.interfaces.filter((e) => belongsTo(e.id, targetId));
}

export type ListenerBehind = {
  readonly via: string;
  readonly protocol: number;
  readonly ports: [number, number][];
  /** The listener ports the internet connects to. */
  readonly listenerPorts: number[];
  readonly targetGroups: string[];
  /** The LB → target hop cannot be decided (why): it may or may not be behind. */
  readonly hopUnknown?: string;
};

/** A registered target a listener forwards to: its target group, its interfaces, and the port it receives on. */
export type ForwardedTarget = {
  readonly group: TargetGroup;
  readonly interfaces: NetworkInterface[];
  readonly port: number;
};

/** Every target a listener's forward actions reach (redirect and fixed-response forward nothing). */
export function forwardedTargets(cloud: CloudModel, l: LbListener): ForwardedTarget[] {
  const out: ForwardedTarget[] = [];
  for (const a of l.actions) {
    if (a.type !== "forward") continue;
    for (const gid of a.targetGroupIds) {
      const group = cloud.targetGroups?.find((g) => g.id === gid);
      if (!group) continue;
      for (const t of group.targets) {
        const port = t.port ?? (group.port !== undefined && !isUnknown(group.port) ? group.port : undefined);
        if (port !== undefined) out.push({ group, interfaces: targetInterfaces(cloud, group, t.targetId), port });
      }
    }
  }
  return out;
}

/**
 * What an internet-facing load balancer forwards to one resource: a listener the internet reaches (on `exposed`
 * ports) whose forward action names a target group in which the resource is registered, on the target group's port
 * (or the registration's port override), with the LB → target hop allowed (LB security group egress, NACLs, target
 * security group ingress). Redirect and fixed-response actions forward nothing. Undefined when the LB's listeners
 * are not in the files.
 */
export function behindListeners(
  cloud: CloudModel,
  lb: { readonly name: string; readonly enis: readonly NetworkInterface[] },
  exposed: readonly { readonly protocol: number; readonly ports: readonly [number, number][] }[],
  target: readonly NetworkInterface[],
): ListenerBehind[] | undefined {
  const listeners = listenersOf(cloud, lb.enis);
  if (!listeners) return undefined;
  const found = new Map<
    string,
    { protocol: number; port: number; listenerPorts: Set<number>; groups: Set<string>; unknown?: string | undefined }
  >();
  for (const l of listeners) {
    if (isUnknown(l.port)) continue;
    const port = l.port;
    const targets = forwardedTargets(cloud, l);
    for (const protocol of listenerProtocols(l.protocol)) {
      const reached = exposed.some((e) => e.protocol === protocol && e.ports.some(([a, b]) => a <= port && port <= b));
      if (!reached) continue;
      for (const { group, interfaces, port: tport } of targets) {
        const enis = interfaces.filter((e) => target.includes(e));
        if (enis.length === 0) continue;
        // The LB → target hop: allowed, or unknown (said, with the hop that cannot be decided), else not behind.
        let unknown: string | undefined;
        const ok = lb.enis.some((from) =>
          enis.some((to) => {
            const f = eniParty(cloud, from);
            const d = eniParty(cloud, to);
            if (!f || !d) return false;
            const r = evaluatePath(cloud, f, d, protocol, tport);
            if (r.status === "unknown") {
              const h = r.hops.find((x) => x.status === "unknown");
              unknown ??= h ? `${h.step}: ${h.why}` : "a hop cannot be decided";
            }
            return r.status === "allow";
          }),
        );
        if (!ok && unknown === undefined) continue;
        const key = `${protocol}/${tport}${ok ? "" : "?"}`;
        const entry = found.get(key) ?? {
          protocol,
          port: tport,
          listenerPorts: new Set(),
          groups: new Set(),
          ...(ok ? {} : { unknown }),
        };
        entry.listenerPorts.add(port);
        entry.groups.add(group.name);
        found.set(key, entry);
      }
    }
  }
  return [...found.values()]
    .sort((a, b) => a.protocol - b.protocol || a.port - b.port)
    .map((e) => ({
      via: lb.name,
      protocol: e.protocol,
      ports: [[e.port, e.port]],
      listenerPorts: [...e.listenerPorts].sort((a, b) => a - b),
      targetGroups: [...e.groups].sort(),
      ...(e.unknown ? { hopUnknown: e.unknown } : {}),
    }));
}

/** Registrations the files cannot state, in the target groups an LB's listeners forward to. */
export function unknownTargets(cloud: CloudModel, enis: readonly NetworkInterface[]): string[] {
  const out: string[] = [];
  for (const l of listenersOf(cloud, enis) ?? [])
    for (const a of l.actions)
      if (a.type === "forward")
        for (const gid of a.targetGroupIds) {
          const g = cloud.targetGroups?.find((t) => t.id === gid);
          if (g?.unknownTargets) out.push(`${g.name}: ${g.unknownTargets}`);
        }
  return [...new Set(out)];
}
