import type { MatrixPair, WorkloadMatrix } from "../analyze/matrix/workload-matrix.js";
import { formatPorts, MAX_PORT, type PortSet } from "../analyze/port-set.js";
import { PROTOCOLS } from "../model/ports.js";

/** Port set as a list of "PROTO/port", "PROTO/a-b" or "PROTO/*" entries. */
export function portList(set: PortSet): string[] {
  const out: string[] = [];
  for (const p of PROTOCOLS) {
    for (const [s, e] of set[p]) {
      if (s === 1 && e === MAX_PORT) out.push(`${p}/*`);
      else out.push(s === e ? `${p}/${s}` : `${p}/${s}-${e}`);
    }
  }
  return out;
}

export function pairPorts(matrix: WorkloadMatrix, pair: MatrixPair): string {
  return formatPorts(matrix.ports.get(pair.ports));
}

export function queryLabel(matrix: WorkloadMatrix): string {
  const q = matrix.query;
  return q.port === undefined ? "all ports" : `${q.protocol ?? "TCP"}/${q.port}`;
}

/** The allowed edges worth drawing: allowed, not loopback. */
export function allowedEdges(matrix: WorkloadMatrix): MatrixPair[] {
  return matrix.pairs.filter((p) => p.allowed && !p.loopback);
}

export function edgeLabel(matrix: WorkloadMatrix, pair: MatrixPair): string {
  return matrix.query.port === undefined ? pairPorts(matrix, pair) : queryLabel(matrix);
}
