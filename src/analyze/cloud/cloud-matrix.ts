import type { CloudModel, NetworkInterface } from "../../model/cloud.js";
import type { Protocol } from "../../model/ports.js";
import type { MatrixPair, WorkloadMatrix } from "../matrix/workload-matrix.js";
import { PortSetTable, portSetOf } from "../port-set.js";
import { portSegments } from "./cloud-ports.js";
import { type CloudParty, eniParty, evaluatePath, internetParty } from "./path.js";

const NUMBERS: Readonly<Record<Protocol, number>> = { TCP: 6, UDP: 17, SCTP: 132 };

/**
 * Tier × tier over the cloud layer (plus "internet"), in the foundation's matrix form: a pair is allowed when some
 * interface of one tier reaches some interface of the other; partial when the interfaces disagree.
 */
export function cloudMatrix(cloud: CloudModel, query: { port?: number; protocol?: Protocol }): WorkloadMatrix {
  const protocol = query.protocol ?? "TCP";
  const number = NUMBERS[protocol];
  const tiers = new Map<string, NetworkInterface[]>();
  for (const eni of cloud.interfaces) tiers.set(eni.tier, [...(tiers.get(eni.tier) ?? []), eni]);
  const names = ["internet", ...[...tiers.keys()].sort()];
  const parties = (name: string): CloudParty[] =>
    name === "internet" ? [internetParty()] : (tiers.get(name) ?? []).flatMap((e) => eniParty(cloud, e) ?? []);
  const table = new PortSetTable();
  const pairs: MatrixPair[] = [];
  for (const from of names)
    for (const to of names) {
      const fs = parties(from);
      const ts = parties(to);
      const enis = [...fs, ...ts].flatMap((p) => (p.kind === "eni" ? [p.eni] : []));
      if (from === to && (from === "internet" || fs.length === 1)) {
        pairs.push({
          from,
          to,
          allowed: false,
          ports: PortSetTable.EMPTY,
          partial: false,
          loopback: from !== "internet",
        });
        continue;
      }
      const segs: [number, number][] =
        query.port === undefined ? portSegments(cloud, enis, number) : [[query.port, query.port]];
      const allowedSegs: [number, number][] = [];
      let partial = false;
      for (const seg of segs) {
        let yes = 0;
        let total = 0;
        for (const f of fs)
          for (const t of ts) {
            if (f.kind === "eni" && t.kind === "eni" && f.eni.id === t.eni.id) continue;
            total++;
            if (evaluatePath(cloud, f, t, number, seg[0]).status === "allow") yes++;
          }
        if (yes > 0) allowedSegs.push(seg);
        if (yes > 0 && yes < total) partial = true;
      }
      const ports = table.intern(portSetOf(allowedSegs.map(([start, end]) => ({ protocol, start, end }))));
      pairs.push({ from, to, allowed: allowedSegs.length > 0, ports, partial, loopback: false });
    }
  return {
    workloads: names,
    pairs,
    ports: table,
    query: query.port === undefined ? { protocol } : { port: query.port, protocol },
  };
}
