import type { Pod } from "../../model/endpoint.js";
import type { Model } from "../../model/model.js";
import { type ClassMatrix, computeClassMatrix } from "../matrix/class-matrix.js";
import type { MatrixPair, WorkloadMatrix } from "../matrix/workload-matrix.js";
import { podParty } from "../party.js";
import { ALL_PORTS, MAX_PORT, type PortSet, PortSetTable, portsContain } from "../port-set.js";
import { ANY_REQUEST } from "../request.js";
import { meshBlocks, meshGroupKey } from "./mesh-groups.js";
import { type AllMeshOptions, DEFAULT_ALL_MESH_OPTIONS, meshApplies, meshLayer } from "./mesh-layer.js";

export type MatrixLayer = "cluster" | "mesh" | "all";

export type LayeredPair = MatrixPair & {
  /** Which layer denies (or, with some ports allowed, narrows) the pair. */
  readonly deniedBy?: "cluster" | "mesh";
};

export type LayeredMatrix = Omit<WorkloadMatrix, "pairs"> & {
  readonly pairs: readonly LayeredPair[];
  readonly layer: MatrixLayer;
};

/** Ports where the mesh decision can change: the destination's ports, Service target ports, ports named by mesh policy. */
export function boundaries(model: Model, pod: Pod): number[] {
  const ports = new Set<number>(pod.ports.map((p) => p.port));
  for (const s of model.services)
    for (const p of s.ports) if (typeof p.targetPort === "number") ports.add(p.targetPort);
  const mesh = model.mesh;
  for (const pa of mesh?.istio.peerAuthentications ?? []) for (const pl of pa.portLevel) ports.add(pl.port);
  for (const ap of mesh?.istio.authorizationPolicies ?? [])
    for (const r of ap.rules) {
      for (const o of r.to ?? [])
        for (const v of [...(o.ports?.values ?? []), ...(o.ports?.notValues ?? [])]) ports.add(Number(v));
      for (const w of r.when)
        if (w.key === "destination.port")
          for (const v of [...(w.values ?? []), ...(w.notValues ?? [])]) ports.add(Number(v));
    }
  for (const s of mesh?.linkerd.servers ?? []) if (typeof s.port === "number") ports.add(s.port);
  return [...ports].filter((p) => p >= 1 && p <= MAX_PORT).sort((a, b) => a - b);
}

/** TCP segments [start, end] on which the mesh decides alike: every boundary port is a segment of its own. */
export function segments(points: number[]): [number, number][] {
  const out: [number, number][] = [];
  let start = 1;
  for (const p of points) {
    if (p > start) out.push([start, p - 1]);
    out.push([p, p]);
    start = p + 1;
  }
  if (start <= MAX_PORT) out.push([start, MAX_PORT]);
  return out;
}

/**
 * The TCP ports the mesh allows from one pod to another, for SOME request on each port: an ALLOW rule with method or
 * path constraints still allows the requests it names. Other protocols are not proxied by the mesh.
 */
export function meshPorts(model: Model, from: Pod, to: Pod, opts: AllMeshOptions): PortSet {
  const a = podParty(model, from);
  const b = podParty(model, to);
  const tcp: [number, number][] = [];
  for (const [s, e] of segments(boundaries(model, to))) {
    const v = meshLayer(model, { from: a, to: b, port: s, protocol: "TCP", request: ANY_REQUEST }, opts);
    if (v.allowed) tcp.push([s, e]);
  }
  const merged: [number, number][] = [];
  for (const r of tcp) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return { TCP: merged, UDP: ALL_PORTS.UDP, SCTP: ALL_PORTS.SCTP };
}

/**
 * The cluster matrix with the mesh layer applied (layer "all"), replaced by it ("mesh"), or as is ("cluster").
 * Exact per pod pair: the pods of a workload are grouped by cluster pod class and what the mesh reads of them
 * (injection, service account, annotations, ports, address blocks); each group pair is evaluated once, and a workload
 * pair's ports are the union over its pod pairs, as in the cluster matrix.
 */
export function layeredMatrix(
  model: Model,
  cluster: WorkloadMatrix,
  layer: MatrixLayer,
  opts: AllMeshOptions = DEFAULT_ALL_MESH_OPTIONS,
  classes: ClassMatrix = computeClassMatrix(model),
): LayeredMatrix {
  if (layer === "cluster" || !meshApplies(model)) return { ...cluster, layer };
  const table = cluster.ports;
  const blocks = meshBlocks(model, opts);
  // Group id per pod: (cluster class, mesh key).
  const groupIds = new Map<string, number>();
  const groupOf = model.pods.map((pod, i) => {
    const key = `${classes.classes.classOfPod[i]}\u0002${meshGroupKey(pod, blocks)}`;
    let g = groupIds.get(key);
    if (g === undefined) {
      g = groupIds.size;
      groupIds.set(key, g);
    }
    return g;
  });
  const groupPods: { pod: number; count: number }[] = [];
  model.pods.forEach((_, i) => {
    const g = groupOf[i] as number;
    const e = groupPods[g];
    if (e === undefined) groupPods[g] = { pod: i, count: 1 };
    else e.count++;
  });
  const meshCache = new Map<number, number>();
  const meshOf = (ga: number, gb: number): number => {
    const k = ga * groupIds.size + gb;
    let id = meshCache.get(k);
    if (id === undefined) {
      const a = model.pods[(groupPods[ga] as { pod: number }).pod] as Pod;
      const b = model.pods[(groupPods[gb] as { pod: number }).pod] as Pod;
      id = table.intern(meshPorts(model, a, b, opts));
      meshCache.set(k, id);
    }
    return id;
  };
  // The class matrix's port sets, in the workload matrix's table (the same table when the caller passes its matrix).
  const clusterId = (ca: number, cb: number): number => {
    const id = classes.allowed[ca * classes.size + cb] as number;
    return classes.ports === table ? id : table.intern(classes.ports.get(id));
  };
  const byId = new Map(model.workloads.map((w) => [w.id, w]));
  const groupsOf = (id: string): Map<number, number> => {
    const out = new Map<number, number>();
    for (const p of byId.get(id)?.pods ?? []) {
      const g = groupOf[p] as number;
      out.set(g, (out.get(g) ?? 0) + 1);
    }
    return out;
  };
  const q = cluster.query;
  const protocol = q.protocol ?? "TCP";
  const admits = (id: number) =>
    q.port === undefined ? id !== PortSetTable.EMPTY : portsContain(table.get(id), protocol, q.port);
  const pairs = cluster.pairs.map((p): LayeredPair => {
    if (p.loopback) return p;
    const from = groupsOf(p.from);
    const to = groupsOf(p.to);
    const self = p.from === p.to;
    const replicas = byId.get(p.from)?.pods.length ?? 0;
    let union: number | undefined;
    let differ = false;
    let seenAllowed = false;
    let seenDenied = false;
    for (const [ga, na] of from)
      for (const [gb] of to) {
        // As in the cluster matrix: a pod does not reach itself as "another replica".
        if (self && ga === gb && na < 2 && replicas > 1) continue;
        const ca = classes.classes.classOfPod[(groupPods[ga] as { pod: number }).pod] as number;
        const cb = classes.classes.classOfPod[(groupPods[gb] as { pod: number }).pod] as number;
        const mesh = meshOf(ga, gb);
        const id = layer === "mesh" ? mesh : table.intersect(clusterId(ca, cb), mesh);
        if (union !== undefined && id !== union) differ = true;
        union = union === undefined ? id : table.union(union, id);
        if (admits(id)) seenAllowed = true;
        else seenDenied = true;
      }
    const ports = union ?? PortSetTable.EMPTY;
    const partial = q.port === undefined ? differ : seenAllowed && seenDenied;
    if (layer === "mesh")
      return { ...p, ports, allowed: seenAllowed, partial, ...(seenAllowed ? {} : { deniedBy: "mesh" as const }) };
    const deniedBy = !p.allowed ? "cluster" : !seenAllowed || ports !== p.ports ? "mesh" : undefined;
    return { ...p, ports, allowed: seenAllowed, partial, ...(deniedBy === undefined ? {} : { deniedBy }) };
  });
  return { ...cluster, pairs, layer };
}
