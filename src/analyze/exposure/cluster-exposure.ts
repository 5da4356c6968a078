import { formatAddress } from "../../model/cidr.js";
import type { Model } from "../../model/model.js";
import type { SourceRef } from "../../model/source-ref.js";
import { workloadMatrix } from "../matrix/workload-matrix.js";
import { isEmptyPorts, type PortSet } from "../port-set.js";
import { clusterVerdict, reach } from "../reach/reach.js";
import type { Decision } from "../verdict.js";
import { samplePorts } from "../verify/port-math.js";
import { podsOf } from "../verify/resolve-intent.js";
import { describeSegment, externalSegments, mergeSegments } from "./external-ports.js";

export type ExposureSource = {
  readonly kind: "workload" | "external";
  /** A workload id, or address ranges. */
  readonly from: string;
  readonly ports: PortSet;
  /** Rules that allow it (for one port of each protocol between workloads; every allowing rule for addresses). */
  readonly allowedBy: readonly Decision[];
};

export type WorkloadExposure = {
  readonly workload: string;
  readonly isolated: boolean;
  readonly sources: readonly ExposureSource[];
};

/** For every workload: who can reach it from outside its namespace — other namespaces' workloads and external addresses. */
export function clusterExposure(model: Model): WorkloadExposure[] {
  const matrix = workloadMatrix(model);
  const out: WorkloadExposure[] = [];
  for (const w of [...model.workloads].sort((a, b) => a.id.localeCompare(b.id))) {
    const sources: ExposureSource[] = [];
    for (const p of matrix.pairs) {
      if (p.to !== w.id || !p.allowed || p.loopback) continue;
      const from = model.workloads.find((x) => x.id === p.from);
      if (!from || from.namespace === w.namespace) continue;
      const ports = matrix.ports.get(p.ports);
      const allowedBy = samplePorts(ports).flatMap(({ protocol, port }) => {
        const r = reach(model, { from: p.from, to: p.to, port, protocol });
        const pair = r.pairs.find((x) => x.outcome.allowed);
        return pair
          ? clusterVerdict(pair.outcome, pair.from, pair.to, `${protocol}/${port}`).layers.flatMap((l) => l.decidedBy)
          : [];
      });
      sources.push({ kind: "workload", from: p.from, ports, allowedBy: unique(allowedBy) });
    }
    let isolated = true;
    const seen = new Set<string>();
    for (const pod of podsOf(model, w)) {
      const segs = externalSegments(model, pod, "ingress");
      if (segs.some((s) => !s.isolated)) isolated = false;
      for (const s of mergeSegments(
        segs,
        (x) => `${JSON.stringify(x.ports)}|${x.rules.map((r) => `${r.file}:${r.line}`).join(",")}`,
      )) {
        if (isEmptyPorts(s.ports)) continue;
        const from = describeSegment(s.family, s.start, s.end);
        const key = `${from}|${JSON.stringify(s.ports)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const allowedBy: Decision[] = s.isolated
          ? s.rules.map((r) => ruleDecision(r, `ingress to ${w.id} allowed from ${from}`))
          : [
              {
                why: `ingress to ${w.id}: no NetworkPolicy selects it for ingress, so any address reaches it (e.g. ${formatAddress(s.family, s.start)})`,
              },
            ];
        sources.push({ kind: "external", from, ports: s.ports, allowedBy });
      }
    }
    sources.sort((a, b) => a.kind.localeCompare(b.kind) || a.from.localeCompare(b.from));
    out.push({ workload: w.id, isolated, sources });
  }
  return out;
}

function ruleDecision(ref: SourceRef, why: string): Decision {
  return {
    why,
    kind: ref.kind,
    name: ref.name,
    ...(ref.namespace ? { namespace: ref.namespace } : {}),
    file: ref.file,
    line: ref.line,
  };
}

function unique(list: Decision[]): Decision[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const k = `${d.file}:${d.line}:${d.why}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
