import type { WorkloadRef } from "../../intent/intent.js";
import type { Pod, Workload } from "../../model/endpoint.js";
import { selectorMatches } from "../../model/labels.js";
import type { Model } from "../../model/model.js";

export function podsOf(model: Model, workload: Workload): Pod[] {
  return workload.pods.map((i) => model.pods[i]).filter((p): p is Pod => p !== undefined);
}

/** The workloads a reference names, sorted by id: by id, or every workload of the namespace whose pods all match. */
export function resolveRef(model: Model, ref: WorkloadRef): Workload[] {
  if (ref.kind === "id") return model.workloads.filter((w) => w.id === ref.id);
  return model.workloads
    .filter((w) => {
      if (w.namespace !== ref.namespace) return false;
      const pods = podsOf(model, w);
      return pods.length > 0 && pods.every((p) => selectorMatches(ref.selector, p.labels));
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
