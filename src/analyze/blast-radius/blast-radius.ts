import { UsageError } from "../../errors/input-error.js";
import { formatAddress } from "../../model/cidr.js";
import type { Model } from "../../model/model.js";
import { PROTOCOLS } from "../../model/ports.js";
import { describeSegment, externalSegments, mergeSegments, portsKey } from "../exposure/external-ports.js";
import { workloadMatrix } from "../matrix/workload-matrix.js";
import { isEmptyPorts, type PortSet, unionPorts } from "../port-set.js";
import { clusterVerdict, reach } from "../reach/reach.js";
import { resolveEndpoint } from "../reach/resolve-endpoint.js";
import type { Decision } from "../verdict.js";
import { podsOf } from "../verify/resolve-intent.js";

export type Hop = {
  readonly from: string;
  readonly to: string;
  readonly ports: PortSet;
  /** The rules that allow this hop (reach's cluster verdict, on the first port of each allowed range). */
  readonly allowedBy: readonly Decision[];
};

type Edge = Omit<Hop, "allowedBy"> & { readonly probe?: string };

/** Something reachable from the compromised workload: a workload, or external addresses. */
export type Reached = {
  readonly kind: "workload" | "external";
  readonly target: string;
  readonly hops: number;
  /** The shortest chain of allowed connections, first hop first. */
  readonly path: readonly Hop[];
};

type Found = Omit<Reached, "path"> & { readonly path: readonly Edge[] };

export type BlastRadius = {
  readonly from: string;
  readonly maxHops: number | undefined;
  readonly reached: readonly Reached[];
};

/**
 * Everything a compromised workload can reach, transitively, over allowed connections on any port: breadth-first,
 * so each target comes with a shortest path and the ports allowed at each hop. External addresses that a reached
 * workload may send to end a path (Ward cannot follow traffic beyond the cluster).
 */
export function blastRadius(model: Model, fromText: string, maxHops?: number): BlastRadius {
  if (maxHops !== undefined && (!Number.isInteger(maxHops) || maxHops < 1))
    throw new UsageError("--hops must be a positive integer");
  const start = resolveEndpoint(model, fromText, "--from");
  if (start.kind !== "workload") throw new UsageError("--from must name a workload");
  const matrix = workloadMatrix(model);
  const edges = new Map<string, Edge[]>();
  for (const p of matrix.pairs) {
    if (!p.allowed || p.loopback || p.from === p.to) continue;
    const list = edges.get(p.from) ?? [];
    list.push({ from: p.from, to: p.to, ports: matrix.ports.get(p.ports) });
    edges.set(p.from, list);
  }
  const origin = start.workload.id;
  const paths = new Map<string, Edge[]>([[origin, []]]);
  const reached: Found[] = [];
  let frontier = [origin];
  for (let depth = 1; frontier.length > 0 && (maxHops === undefined || depth <= maxHops); depth++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const hop of edges.get(id) ?? []) {
        if (paths.has(hop.to)) continue;
        const path = [...(paths.get(id) ?? []), hop];
        paths.set(hop.to, path);
        reached.push({ kind: "workload", target: hop.to, hops: depth, path });
        next.push(hop.to);
      }
    }
    frontier = next.sort();
  }
  // External egress of every workload within reach (the origin included), one hop further.
  for (const [id, path] of paths) {
    if (maxHops !== undefined && path.length + 1 > maxHops) continue;
    const w = model.workloads.find((x) => x.id === id);
    if (!w) continue;
    const pods = podsOf(model, w);
    const segsPerPod = pods.map((pod) => externalSegments(model, pod, "egress"));
    const first = segsPerPod[0];
    if (!first || segsPerPod.some((s) => s.length !== first.length)) {
      // Pods with different policies: list each pod's segments.
      for (const segs of segsPerPod) pushExternal(reached, id, path, segs);
    } else {
      pushExternal(
        reached,
        id,
        path,
        first.map((s, i) => ({
          ...s,
          ports: segsPerPod.reduce((acc, segs) => unionPorts(acc, segs[i]?.ports ?? acc), s.ports),
        })),
      );
    }
  }
  reached.sort(
    (a, b) =>
      a.hops - b.hops ||
      a.kind.localeCompare(b.kind) ||
      a.target.localeCompare(b.target) ||
      (a.path.at(-1)?.from ?? "").localeCompare(b.path.at(-1)?.from ?? ""),
  );
  const rules = new Map<string, readonly Decision[]>();
  const withRules = (e: Edge): Hop => {
    const key = `${e.from}>${e.to}>${e.probe ?? ""}`;
    let allowedBy = rules.get(key);
    if (allowedBy === undefined) {
      allowedBy = allowingRules(model, e);
      rules.set(key, allowedBy);
    }
    return { from: e.from, to: e.to, ports: e.ports, allowedBy };
  };
  return {
    from: origin,
    maxHops,
    reached: dedupe(reached).map((r) => ({ ...r, path: r.path.map(withRules) })),
  };
}

/** At most this many port ranges per protocol are explained per hop. */
const MAX_EXPLAINED_RANGES = 8;

/**
 * What allows one hop: reach's verdict for an allowed pod pair (the cluster layer: the rules of both ends), on the
 * first port of each allowed range, with each rule named once.
 */
function allowingRules(model: Model, e: Edge): Decision[] {
  const out = new Map<string, Decision>();
  for (const protocol of PROTOCOLS)
    for (const [port] of e.ports[protocol].slice(0, MAX_EXPLAINED_RANGES)) {
      const result = reach(model, { from: e.from, to: e.probe ?? e.to, port, protocol });
      const pair = result.pairs.find((p) => p.outcome.allowed);
      if (pair === undefined) continue;
      const verdict = clusterVerdict(pair.outcome, pair.from, pair.to, `${protocol}/${port}`);
      for (const d of verdict.layers.flatMap((l) => l.decidedBy)) {
        const key = d.file === undefined ? d.why : `${d.file}:${d.line}`;
        if (!out.has(key)) out.set(key, d);
      }
    }
  return [...out.values()];
}

function pushExternal(
  reached: Found[],
  id: string,
  path: Edge[],
  segs: readonly { family: 4 | 6; start: bigint; end: bigint; ports: PortSet }[],
): void {
  for (const s of mergeSegments(segs, portsKey)) {
    if (isEmptyPorts(s.ports)) continue;
    const target = describeSegment(s.family, s.start, s.end);
    reached.push({
      kind: "external",
      target,
      hops: path.length + 1,
      path: [...path, { from: id, to: target, ports: s.ports, probe: formatAddress(s.family, s.start) }],
    });
  }
}

function dedupe(list: Found[]): Found[] {
  const seen = new Set<string>();
  return list.filter((r) => {
    const key = `${r.kind}|${r.target}|${r.path.map((h) => `${h.from}>${h.to}`).join("|")}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
