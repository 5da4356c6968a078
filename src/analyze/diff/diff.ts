import type { Cidr } from "../../model/cidr.js";
import { formatAddress } from "../../model/cidr.js";
import type { Workload } from "../../model/endpoint.js";
import type { Model } from "../../model/model.js";
import type { Protocol } from "../../model/ports.js";
import { describeSegment, externalSegments, mergeSegments } from "../exposure/external-ports.js";
import { workloadMatrix } from "../matrix/workload-matrix.js";
import { EMPTY_PORTS, isEmptyPorts, type PortSet, portSetKey, unionPorts } from "../port-set.js";
import { clusterVerdict, reach } from "../reach/reach.js";
import type { Decision } from "../verdict.js";
import { samplePorts, subtractPorts } from "../verify/port-math.js";
import { podsOf } from "../verify/resolve-intent.js";

export type DiffEntry = {
  readonly kind: "added" | "removed";
  readonly from: string;
  readonly to: string;
  readonly ports: PortSet;
  /** For one port of each protocol: the rules that now allow it (added) or that now deny it (removed). */
  readonly samples: readonly { protocol: Protocol; port: number; decidedBy: readonly Decision[] }[];
};

export type DiffResult = {
  readonly workloadsAdded: readonly string[];
  readonly workloadsRemoved: readonly string[];
  readonly entries: readonly DiffEntry[];
};

function pairPorts(model: Model): Map<string, PortSet> {
  const m = workloadMatrix(model);
  const out = new Map<string, PortSet>();
  for (const p of m.pairs) if (!p.loopback && p.allowed) out.set(`${p.from}\u0000${p.to}`, m.ports.get(p.ports));
  return out;
}

function samples(
  model: Model,
  kind: DiffEntry["kind"],
  from: string,
  to: string,
  ports: PortSet,
): DiffEntry["samples"] {
  return samplePorts(ports).map(({ protocol, port }) => {
    // A workload that no longer exists has no rules to show.
    try {
      const r = reach(model, { from, to, port, protocol });
      const want = kind === "added";
      const pair = r.pairs.find((p) => p.outcome.allowed === want) ?? r.pairs[0];
      const v = pair ? clusterVerdict(pair.outcome, pair.from, pair.to, `${protocol}/${port}`) : r.verdict;
      return { protocol, port, decidedBy: v.layers.flatMap((l) => l.decidedBy) };
    } catch {
      return {
        protocol,
        port,
        decidedBy: [{ why: kind === "added" ? "the workload is new" : "the workload was removed" }],
      };
    }
  });
}

function allBlocks(models: readonly Model[]): Cidr[] {
  const out: Cidr[] = [];
  for (const m of models)
    for (const p of m.policies)
      for (const rules of [p.ingress, p.egress])
        for (const r of rules ?? [])
          if (r.peers !== "any")
            for (const peer of r.peers) if (peer.kind === "ipBlock") out.push(peer.block.cidr, ...peer.block.except);
  return out;
}

/** Ports allowed per external segment for a workload (union over its pods); undefined when it does not exist. */
function externalOf(model: Model, w: Workload | undefined, direction: "egress" | "ingress", cuts: readonly Cidr[]) {
  if (w === undefined) return undefined;
  let merged: { family: 4 | 6; start: bigint; end: bigint; ports: PortSet }[] | undefined;
  for (const pod of podsOf(model, w)) {
    const segs = externalSegments(model, pod, direction, cuts);
    merged =
      merged === undefined
        ? segs.map((s) => ({ ...s }))
        : merged.map((s, i) => ({ ...s, ports: unionPorts(s.ports, segs[i]?.ports ?? EMPTY_PORTS) }));
  }
  return merged;
}

/** The connectivity delta from `before` to `after`: allowed connections added and removed, per pair and ports. */
export function diffModels(before: Model, after: Model): DiffResult {
  const oldIds = new Set(before.workloads.map((w) => w.id));
  const newIds = new Set(after.workloads.map((w) => w.id));
  const oldPairs = pairPorts(before);
  const newPairs = pairPorts(after);
  const entries: DiffEntry[] = [];
  for (const key of new Set([...oldPairs.keys(), ...newPairs.keys()])) {
    const [from, to] = key.split("\u0000") as [string, string];
    const o = oldPairs.get(key) ?? EMPTY_PORTS;
    const n = newPairs.get(key) ?? EMPTY_PORTS;
    const added = subtractPorts(n, o);
    const removed = subtractPorts(o, n);
    if (!isEmptyPorts(added))
      entries.push({ kind: "added", from, to, ports: added, samples: samples(after, "added", from, to, added) });
    if (!isEmptyPorts(removed))
      entries.push({
        kind: "removed",
        from,
        to,
        ports: removed,
        samples: samples(after, "removed", from, to, removed),
      });
  }
  const cuts = allBlocks([before, after]);
  for (const id of [...new Set([...oldIds, ...newIds])].sort()) {
    const ow = before.workloads.find((w) => w.id === id);
    const nw = after.workloads.find((w) => w.id === id);
    for (const direction of ["egress", "ingress"] as const) {
      const os = externalOf(before, ow, direction, cuts);
      const ns = externalOf(after, nw, direction, cuts);
      const base = ns ?? os ?? [];
      const deltas = base.map((s, i) => {
        const o = os?.[i]?.ports ?? EMPTY_PORTS;
        const n = ns?.[i]?.ports ?? EMPTY_PORTS;
        return {
          family: s.family,
          start: s.start,
          end: s.end,
          added: subtractPorts(n, o),
          removed: subtractPorts(o, n),
        };
      });
      for (const s of mergeSegments(deltas, (d) => `${portSetKey(d.added)}#${portSetKey(d.removed)}`)) {
        const range = describeSegment(s.family, s.start, s.end);
        const probe = formatAddress(s.family, s.start);
        const [from, to] = direction === "egress" ? [id, range] : [range, id];
        const [qf, qt] = direction === "egress" ? [id, probe] : [probe, id];
        if (!isEmptyPorts(s.added))
          entries.push({ kind: "added", from, to, ports: s.added, samples: samples(after, "added", qf, qt, s.added) });
        if (!isEmptyPorts(s.removed))
          entries.push({
            kind: "removed",
            from,
            to,
            ports: s.removed,
            samples: samples(after, "removed", qf, qt, s.removed),
          });
      }
    }
  }
  entries.sort((a, b) => a.kind.localeCompare(b.kind) || a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  return {
    workloadsAdded: [...newIds].filter((id) => !oldIds.has(id)).sort(),
    workloadsRemoved: [...oldIds].filter((id) => !newIds.has(id)).sort(),
    entries,
  };
}
