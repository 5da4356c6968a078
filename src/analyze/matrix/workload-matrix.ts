import type { Model } from "../../model/model.js";
import type { Protocol } from "../../model/ports.js";
import { PortSetTable, portsContain } from "../port-set.js";
import { type ClassMatrix, computeClassMatrix } from "./class-matrix.js";

export type MatrixQuery = { readonly port?: number; readonly protocol?: Protocol };

export type MatrixPair = {
  readonly from: string;
  readonly to: string;
  readonly allowed: boolean;
  /** Interned port-set id (in WorkloadMatrix.ports): what is allowed across the workloads' pod pairs. */
  readonly ports: number;
  /** True when the workloads' pods disagree: some pod pairs are allowed what others are not. */
  readonly partial: boolean;
  /** A single pod to itself: loopback, never policed. */
  readonly loopback: boolean;
};

export type WorkloadMatrix = {
  readonly workloads: readonly string[];
  readonly pairs: readonly MatrixPair[];
  readonly ports: PortSetTable;
  readonly query: MatrixQuery;
};

type ClassCount = Map<number, number>;

function classCounts(matrix: ClassMatrix, pods: readonly number[]): ClassCount {
  const out: ClassCount = new Map();
  for (const p of pods) {
    const c = matrix.classes.classOfPod[p] as number;
    out.set(c, (out.get(c) ?? 0) + 1);
  }
  return out;
}

/** Every ordered pair of workloads, self pairs included, decided from the class matrix. */
export function workloadMatrix(
  model: Model,
  query: MatrixQuery = {},
  matrix = computeClassMatrix(model),
): WorkloadMatrix {
  const table = matrix.ports;
  const counts = model.workloads.map((w) => classCounts(matrix, w.pods));
  const pairs: MatrixPair[] = [];
  const protocol = query.protocol ?? "TCP";
  const admits = (id: number) =>
    query.port === undefined ? id !== PortSetTable.EMPTY : portsContain(table.get(id), protocol, query.port);

  model.workloads.forEach((from, i) => {
    model.workloads.forEach((to, j) => {
      if (i === j && from.single) {
        pairs.push({
          from: from.id,
          to: to.id,
          allowed: true,
          ports: PortSetTable.ALL,
          partial: false,
          loopback: true,
        });
        return;
      }
      let union: number | undefined;
      let seenAllowed = false;
      let seenDenied = false;
      let differ = false;
      for (const [a, na] of counts[i] ?? []) {
        for (const [b] of counts[j] ?? []) {
          // Within one workload, a pod does not reach "another replica" of itself unless the class has two;
          // a workload represented by a single pod stands for several replicas, so its class pairs with itself.
          if (i === j && a === b && na < 2 && from.pods.length > 1) continue;
          const id = matrix.allowed[a * matrix.size + b] as number;
          if (union !== undefined && id !== union) differ = true;
          union = union === undefined ? id : table.union(union, id);
          if (admits(id)) seenAllowed = true;
          else seenDenied = true;
        }
      }
      const ports = union ?? PortSetTable.EMPTY;
      const partial = query.port === undefined ? differ : seenAllowed && seenDenied;
      pairs.push({ from: from.id, to: to.id, allowed: seenAllowed, ports, partial, loopback: false });
    });
  });
  return { workloads: model.workloads.map((w) => w.id), pairs, ports: table, query };
}
