import type { Pod } from "../../model/endpoint.js";
import type { Model } from "../../model/model.js";
import type { MatrixPair, WorkloadMatrix } from "../matrix/workload-matrix.js";
import { podParty } from "../party.js";
import { ALL_PORTS, MAX_PORT, type PortSet, PortSetTable, portsContain } from "../port-set.js";
import { ANY_REQUEST } from "../request.js";
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
function boundaries(model: Model, pod: Pod): number[] {
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
function segments(points: number[]): [number, number][] {
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

/** The cluster matrix with the mesh layer applied (layer "all"), replaced by it ("mesh"), or as is ("cluster"). */
export function layeredMatrix(
  model: Model,
  cluster: WorkloadMatrix,
  layer: MatrixLayer,
  opts: AllMeshOptions = DEFAULT_ALL_MESH_OPTIONS,
): LayeredMatrix {
  if (layer === "cluster" || !meshApplies(model)) return { ...cluster, layer };
  const table = cluster.ports;
  const byId = new Map(model.workloads.map((w) => [w.id, w]));
  const firstPod = (id: string) => {
    const i = byId.get(id)?.pods[0];
    return i === undefined ? undefined : model.pods[i];
  };
  const q = cluster.query;
  const protocol = q.protocol ?? "TCP";
  const pairs = cluster.pairs.map((p): LayeredPair => {
    if (p.loopback) return p;
    const from = firstPod(p.from);
    const to = firstPod(p.to);
    if (from === undefined || to === undefined) return p;
    const mesh = table.intern(meshPorts(model, from, to, opts));
    const meshAdmits =
      q.port === undefined ? mesh !== PortSetTable.EMPTY : portsContain(table.get(mesh), protocol, q.port);
    if (layer === "mesh")
      return {
        ...p,
        ports: mesh,
        allowed: meshAdmits,
        partial: false,
        ...(meshAdmits ? {} : { deniedBy: "mesh" as const }),
      };
    const both = table.intersect(p.ports, mesh);
    const allowed = p.allowed && (q.port === undefined ? both !== PortSetTable.EMPTY : meshAdmits);
    const deniedBy = !p.allowed ? "cluster" : !allowed || both !== p.ports ? "mesh" : undefined;
    return { ...p, ports: both, allowed, ...(deniedBy === undefined ? {} : { deniedBy }) };
  });
  return { ...cluster, pairs, layer };
}
