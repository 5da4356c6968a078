import { governedNamespaces, type Intent, type IntentPath, KUBE_DNS } from "../../intent/intent.js";
import { type Cidr, cidrContains, formatAddress } from "../../model/cidr.js";
import type { Pod, Workload } from "../../model/endpoint.js";
import type { Model } from "../../model/model.js";
import type { ContainerPort, Protocol } from "../../model/ports.js";
import { describeSegment, externalSegments, mergeSegments } from "../exposure/external-ports.js";
import { type ClassMatrix, computeClassMatrix } from "../matrix/class-matrix.js";
import { meshApplies } from "../mesh/mesh-layer.js";
import { EMPTY_PORTS, isEmptyPorts, type PortSet, portSetKey, unionPorts } from "../port-set.js";
import { clusterVerdict, reach } from "../reach/reach.js";
import type { Decision } from "../verdict.js";
import { type FqdnUndecided, fqdnDifferences } from "./fqdn-verify.js";
import { meshDifferences } from "./mesh-verify.js";
import { samplePorts, specPorts, subtractPorts } from "./port-math.js";
import { podsOf, resolveRef } from "./resolve-intent.js";

/**
 * `missing`: the intent allows it, the configuration denies it (decidedBy names the denying policies).
 * `extra`: the configuration allows it, the intent does not (decidedBy names the allowing rules).
 */
export type Difference = {
  readonly kind: "missing" | "extra";
  readonly from: string;
  readonly to: string;
  readonly ports: PortSet;
  /** The intent paths that allow this (for `missing`). */
  readonly paths: readonly string[];
  /** The rules that decide, for one sample port of each protocol. */
  readonly samples: readonly { protocol: Protocol; port: number; decidedBy: readonly Decision[] }[];
  /** Set for a difference at the mesh layer: the request or client that differs, in words. */
  readonly layer?: "mesh";
  readonly what?: string;
};

export type VerifyNote = {
  readonly kind: "not-provable" | "unresolved" | "undecidable";
  readonly path: string;
  readonly message: string;
  readonly file: string;
  readonly line: number;
};

export type VerifyResult = {
  readonly intent: string;
  readonly governed: readonly string[];
  /** The layers compared: the cluster layer, and the mesh layer when the configuration has one. */
  readonly layers?: readonly ("cluster" | "mesh")[];
  /** Ordered workload pairs compared (both directions count). */
  readonly pairsChecked: number;
  readonly differences: readonly Difference[];
  readonly notes: readonly VerifyNote[];
};

type Resolved = { readonly path: IntentPath; readonly from: Workload[]; readonly to: Workload[] };

function resolvePaths(model: Model, intent: Intent, notes: VerifyNote[], withMesh: boolean): Resolved[] {
  const out: Resolved[] = [];
  for (const path of intent.paths) {
    const note = (kind: VerifyNote["kind"], message: string) =>
      notes.push({ kind, path: path.name, message, file: path.file, line: path.line });
    const from = path.from.kind === "workloads" ? resolveRef(model, path.from.ref) : [];
    const to = path.to.kind === "workloads" ? resolveRef(model, path.to.ref) : [];
    if (path.from.kind === "workloads" && from.length === 0)
      note("unresolved", `no workload in the configuration matches ${path.from.label}`);
    if (path.to.kind === "workloads" && to.length === 0)
      note("unresolved", `no workload in the configuration matches ${path.to.label}`);
    // With a mesh, mesh-verify.ts proves the HTTP and identity parts (or says why it cannot).
    if (!withMesh && (path.http || path.identity))
      note(
        "not-provable",
        `the ${[path.http ? "HTTP method/path" : "", path.identity ? "client identity" : ""].filter(Boolean).join(" and ")} part is not provable at the cluster layer (a mesh decides it); its ports are verified`,
      );
    out.push({ path, from, to });
  }
  return out;
}

/** Verifies a configuration against an intent at the cluster layer (NetworkPolicy), port by port. */
export type VerifyOptions = {
  /** The DNS name witness search's state limit (fqdn-witness.ts MAX_STATES); beyond it a workload is undecidable. */
  readonly fqdnStateLimit?: number;
};

export function verify(
  model: Model,
  intent: Intent,
  matrix: ClassMatrix = computeClassMatrix(model),
  options: VerifyOptions = {},
): VerifyResult {
  const notes: VerifyNote[] = [];
  const governed = governedNamespaces(intent);
  const withMesh = meshApplies(model);
  const resolved = resolvePaths(model, intent, notes, withMesh);
  const dnsServers = intent.dns ? new Set(resolveRef(model, KUBE_DNS).map((w) => w.id)) : new Set<string>();
  const isGoverned = (w: Workload) => governed.has(w.namespace);

  /** What the intent allows from workload `a` to workload `b`, whose pod has these container ports. */
  const intentPorts = (a: Workload, b: Workload, destination: readonly ContainerPort[]) => {
    let ports = EMPTY_PORTS;
    const names: string[] = [];
    for (const r of resolved) {
      if (!r.from.includes(a) || !r.to.includes(b)) continue;
      const p = specPorts(r.path.ports, destination);
      if (isEmptyPorts(p)) continue;
      ports = unionPorts(ports, p);
      names.push(r.path.name);
    }
    if (dnsServers.has(b.id) && (isGoverned(a) || isGoverned(b))) {
      ports = unionPorts(
        ports,
        specPorts(
          [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
          [],
        ),
      );
      names.push("DNS (default)");
    }
    return { ports, names };
  };

  const differences: Difference[] = [];
  let pairsChecked = 0;
  const classOf = (pod: number) => matrix.classes.classOfPod[pod] as number;
  for (const a of model.workloads) {
    for (const b of model.workloads) {
      if (a === b && a.single) continue; // loopback: never policed
      const governedPair = isGoverned(a) || isGoverned(b);
      let missing = EMPTY_PORTS;
      let extra = EMPTY_PORTS;
      let names: string[] = [];
      let checked = false;
      const seen = new Set<string>();
      for (const pa of a.pods) {
        for (const pb of b.pods) {
          const ca = classOf(pa);
          const cb = classOf(pb);
          // Replica to replica within one workload: two pods, or one template pod standing for several replicas.
          if (a === b && pa === pb && a.pods.length > 1) continue;
          const key = `${ca}:${cb}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const pod = model.pods[pb] as Pod;
          const wanted = intentPorts(a, b, pod.ports);
          if (!governedPair && isEmptyPorts(wanted.ports)) continue;
          checked = true;
          const config = matrix.ports.get(matrix.allowed[ca * matrix.size + cb] as number);
          missing = unionPorts(missing, subtractPorts(wanted.ports, config));
          if (governedPair && intent.deny) extra = unionPorts(extra, subtractPorts(config, wanted.ports));
          names = [...new Set([...names, ...wanted.names])];
        }
      }
      if (checked) pairsChecked++;
      if (!isEmptyPorts(missing))
        differences.push(
          difference(
            model,
            "missing",
            a.id,
            b.id,
            missing,
            names.filter((n) => n !== ""),
          ),
        );
      if (!isEmptyPorts(extra)) differences.push(difference(model, "extra", a.id, b.id, extra, []));
    }
  }
  differences.push(...externalDifferences(model, intent, resolved, isGoverned));
  const undecided: FqdnUndecided[] = [];
  differences.push(...fqdnDifferences(model, resolved, isGoverned, intent.deny, undecided, options.fqdnStateLimit));
  for (const u of undecided)
    notes.push({
      kind: "undecidable",
      path: u.path?.name ?? `egress by DNS name from ${u.workload}`,
      message: u.message,
      file: u.path?.file ?? u.source?.file ?? intent.file,
      line: u.path?.line ?? u.source?.line ?? 1,
    });
  if (withMesh) {
    const mesh = meshDifferences(model, resolved, (ns) => governed.has(ns), intent.deny);
    for (const d of mesh.differences) differences.push({ ...d, layer: "mesh" });
    for (const n of mesh.notes)
      notes.push({
        kind: n.message.startsWith("undecidable") ? "undecidable" : "not-provable",
        path: n.path.name,
        message: n.message,
        file: n.path.file,
        line: n.path.line,
      });
  }
  differences.sort(
    (x, y) =>
      x.kind.localeCompare(y.kind) ||
      x.from.localeCompare(y.from) ||
      x.to.localeCompare(y.to) ||
      (x.what ?? "").localeCompare(y.what ?? ""),
  );
  const layers: ("cluster" | "mesh")[] = withMesh ? ["cluster", "mesh"] : ["cluster"];
  return { intent: intent.file, governed: [...governed].sort(), layers, pairsChecked, differences, notes };
}

/** Egress of each workload toward external addresses, and ingress from them, against the intent's CIDR paths. */
function externalDifferences(
  model: Model,
  intent: Intent,
  resolved: readonly Resolved[],
  isGoverned: (w: Workload) => boolean,
): Difference[] {
  const out: Difference[] = [];
  const cuts = resolved.flatMap((r) => [r.path.from, r.path.to]).flatMap((p) => (p.kind === "cidr" ? [p.cidr] : []));
  for (const w of model.workloads) {
    for (const direction of ["egress", "ingress"] as const) {
      const relevant = resolved.filter((r) =>
        direction === "egress"
          ? r.from.includes(w) && r.path.to.kind === "cidr"
          : r.to.includes(w) && r.path.from.kind === "cidr",
      );
      if (!isGoverned(w) && relevant.length === 0) continue;
      const seen = new Set<string>();
      for (const pod of podsOf(model, w)) {
        const key = `${JSON.stringify(pod.labels)}|${JSON.stringify(pod.ports)}|${pod.ips.join(",")}`;
        if (seen.has(key)) continue;
        seen.add(key);
        type Seg = { family: 4 | 6; start: bigint; end: bigint; missing: PortSet; extra: PortSet; names: string[] };
        const segs: Seg[] = [];
        for (const s of externalSegments(model, pod, direction, cuts)) {
          let wanted = EMPTY_PORTS;
          const names: string[] = [];
          for (const r of relevant) {
            const peer = direction === "egress" ? r.path.to : r.path.from;
            if (peer.kind !== "cidr") continue;
            if (!cidrContains(peer.cidr, addressCidr(s.family, s.start))) continue;
            wanted = unionPorts(wanted, specPorts(r.path.ports, direction === "ingress" ? pod.ports : []));
            names.push(r.path.name);
          }
          const missing = subtractPorts(wanted, s.ports);
          const extra = isGoverned(w) && intent.deny ? subtractPorts(s.ports, wanted) : EMPTY_PORTS;
          segs.push({ family: s.family, start: s.start, end: s.end, missing, extra, names });
        }
        const merged = mergeSegments(
          segs,
          (s) => `${portSetKey(s.missing)}#${portSetKey(s.extra)}#${s.names.join(",")}`,
        );
        for (const s of merged) {
          const range = describeSegment(s.family, s.start, s.end);
          const [from, to] = direction === "egress" ? [w.id, range] : [range, w.id];
          const probe = formatAddress(s.family, s.start);
          if (!isEmptyPorts(s.missing))
            out.push(difference(model, "missing", from, to, s.missing, s.names, probe, direction));
          if (!isEmptyPorts(s.extra)) out.push(difference(model, "extra", from, to, s.extra, [], probe, direction));
        }
      }
    }
  }
  return out;
}

function difference(
  model: Model,
  kind: Difference["kind"],
  from: string,
  to: string,
  ports: PortSet,
  paths: readonly string[],
  probe?: string,
  direction?: "egress" | "ingress",
): Difference {
  const samples = samplePorts(ports).map(({ protocol, port }) => {
    const query = {
      from: probe !== undefined && direction === "ingress" ? probe : from,
      to: probe !== undefined && direction === "egress" ? probe : to,
      port,
      protocol,
    };
    const result = reach(model, query);
    const want = kind === "extra";
    const pair = result.pairs.find((p) => p.outcome.allowed === want) ?? result.pairs[0];
    const verdict = pair ? clusterVerdict(pair.outcome, pair.from, pair.to, `${protocol}/${port}`) : result.verdict;
    return { protocol, port, decidedBy: verdict.layers.flatMap((l) => l.decidedBy) };
  });
  return { kind, from, to, ports, paths, samples };
}

function addressCidr(family: 4 | 6, value: bigint): Cidr {
  return { text: formatAddress(family, value), family, prefix: family === 4 ? 32 : 128, start: value, end: value };
}
