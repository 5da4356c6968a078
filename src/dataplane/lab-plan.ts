import type { Workload } from "../model/endpoint.js";
import type { Model } from "../model/model.js";
import { LabError } from "./errors.js";
import { DEFAULT_MAX_EXTERNALS, type ExternalTarget, externalTargets } from "./external-targets.js";
import { intToIpv4, ipv4ToInt, isUsableHost } from "./ipv4.js";
import { DEFAULT_MAX_PORTS, labPorts } from "./lab-ports.js";

/** One pod namespace of the lab: a pod of the model, or one replica of a controller's representative pod. */
export type LabPod = {
  readonly netns: string;
  /** The router-side end of the pod's veth (the pod side is eth0). */
  readonly hostIf: string;
  readonly workload: string;
  /** Index into Model.pods. */
  readonly pod: number;
  /** 0 for the pod itself; 1, 2, … for further replicas of a controller's template pod. */
  readonly replica: number;
  readonly address: string;
  /** True when the address is the pod's own IP from the model. */
  readonly modelAddress: boolean;
};

/** A workload with fewer namespaces in the lab than it would get without the cap. */
export type CappedWorkload = { readonly workload: string; readonly wanted: number; readonly inLab: number };

export type LabPlan = {
  readonly name: string;
  readonly router: string;
  readonly external: string;
  readonly pods: readonly LabPod[];
  readonly externals: readonly ExternalTarget[];
  readonly ports: readonly number[];
  readonly capped: readonly CappedWorkload[];
  readonly maxNamespaces: number;
};

export type PlanOptions = {
  readonly name: string;
  /** Pod namespaces at most (default 300). */
  readonly maxNamespaces?: number;
  /** Namespaces for a workload that stands for several replicas with one pod (default 2). */
  readonly replicas?: number;
  /** Namespaces per workload at most, for workloads with several pods of their own (default: `replicas`). */
  readonly perWorkload?: number;
  /** Ports to serve and probe; default: derived from the model (labPorts). */
  readonly ports?: readonly number[];
  readonly maxExternals?: number;
};

export const DEFAULT_MAX_NAMESPACES = 300;
export const DEFAULT_REPLICAS = 2;
/** The gateway every pod routes through: the router namespace owns it (on lo), as Calico's 169.254.1.1. */
export const GATEWAY = "169.254.1.1";
/** Where pods without a usable IPv4 address of their own get one. */
const POOL_START = ipv4ToInt("10.244.0.1") as number;
const POOL_END = ipv4ToInt("10.244.255.254") as number;
/** IFNAMSIZ is 16 with the NUL: `<lab>-<n>` must fit in 15 characters with up to 4 digits. */
const LAB_NAME = /^[a-z][a-z0-9-]{0,9}$/;

export function checkLabName(name: string): string {
  if (!LAB_NAME.test(name))
    throw new LabError(name, "a lab name is 1-10 characters: a lowercase letter, then lowercase letters, digits or -");
  return name;
}

/** A lab name from a path: its last segment, lowercased, cut to 10 characters. */
export function labNameFromPath(path: string): string {
  const base = path.replace(/\/+$/, "").split("/").pop() ?? "";
  const cleaned = base
    .toLowerCase()
    .replace(/\.(ya?ml|json)$/, "")
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/^[^a-z]+/, "")
    .slice(0, 10);
  return cleaned === "" ? "lab" : cleaned;
}

/**
 * The pods that stand for a workload: pods that look different (labels, service account, named ports) first, so a
 * capped workload keeps its variety. Policy-independent, so a policy change never changes which pods are in the lab.
 */
function workloadPods(model: Model, workload: Workload, replicas: number): { pod: number; replica: number }[] {
  if (workload.pods.length === 1) {
    const pod = workload.pods[0] as number;
    const copies = workload.single ? 1 : replicas;
    return Array.from({ length: copies }, (_, replica) => ({ pod, replica }));
  }
  const seen = new Set<string>();
  const first: number[] = [];
  const rest: number[] = [];
  for (const p of workload.pods) {
    const pod = model.pods[p];
    const labels = Object.entries(pod?.labels ?? {}).sort(([a], [b]) => a.localeCompare(b));
    const named = (pod?.ports ?? [])
      .filter((x) => x.name !== undefined)
      .map((x) => `${x.name}/${x.protocol}/${x.port}`);
    const key = JSON.stringify([labels, pod?.serviceAccount, named.sort()]);
    if (seen.has(key)) rest.push(p);
    else {
      seen.add(key);
      first.push(p);
    }
  }
  return [...first, ...rest].map((pod) => ({ pod, replica: 0 }));
}

/**
 * Decides the lab for a model, without touching the host: which pods get a namespace (one per workload first, then
 * further replicas, up to the cap), their names and addresses, the external targets and the ports served.
 */
export function planLab(model: Model, opts: PlanOptions): LabPlan {
  const name = checkLabName(opts.name);
  const maxNamespaces = opts.maxNamespaces ?? DEFAULT_MAX_NAMESPACES;
  if (!Number.isInteger(maxNamespaces) || maxNamespaces < 1 || maxNamespaces > 9999)
    throw new LabError(name, `the namespace cap must be 1-9999, got ${maxNamespaces}`);
  const replicas = Math.max(1, opts.replicas ?? DEFAULT_REPLICAS);
  const perWorkload = Math.max(1, opts.perWorkload ?? replicas);
  const all = model.workloads.map((w) => workloadPods(model, w, replicas));
  const wanted = all.map((list) => list.slice(0, perWorkload));
  const chosen: { pod: number; replica: number; workload: string }[][] = model.workloads.map(() => []);
  // Round robin: every workload's first namespace before anyone's second, so the cap drops replicas first.
  let total = 0;
  for (let round = 0; total < maxNamespaces; round++) {
    let added = false;
    for (const [i, list] of wanted.entries()) {
      const next = list[round];
      if (next === undefined || total >= maxNamespaces) continue;
      chosen[i]?.push({ ...next, workload: model.workloads[i]?.id ?? "" });
      total++;
      added = true;
    }
    if (!added) break;
  }
  const capped: CappedWorkload[] = [];
  model.workloads.forEach((w, i) => {
    const want = all[i]?.length ?? 0;
    const got = chosen[i]?.length ?? 0;
    if (got < want) capped.push({ workload: w.id, wanted: want, inLab: got });
  });

  const modelIps = new Set<number>();
  for (const pod of model.pods)
    for (const ip of pod.ips) {
      const n = ipv4ToInt(ip);
      if (n !== undefined) modelIps.add(n);
    }
  const used = new Set<number>();
  let next = POOL_START;
  const allocate = (): number => {
    while (next <= POOL_END && (used.has(next) || modelIps.has(next) || (next & 255) === 0 || (next & 255) === 255))
      next++;
    if (next > POOL_END) throw new LabError(name, "the 10.244.0.0/16 pool is exhausted");
    return next++;
  };
  const pods: LabPod[] = [];
  for (const entry of chosen.flat()) {
    const pod = model.pods[entry.pod];
    const own =
      entry.replica === 0
        ? pod?.ips.map((ip) => ipv4ToInt(ip)).find((n) => n !== undefined && isUsableHost(n) && !used.has(n))
        : undefined;
    const address = own ?? allocate();
    used.add(address);
    const index = pods.length;
    pods.push({
      netns: `${name}-${index}`,
      hostIf: `w${index}`,
      workload: entry.workload,
      pod: entry.pod,
      replica: entry.replica,
      address: intToIpv4(address),
      modelAddress: own !== undefined,
    });
  }
  const externals = externalTargets(model, new Set([...used, ...modelIps]), opts.maxExternals ?? DEFAULT_MAX_EXTERNALS);
  const ports =
    opts.ports === undefined ? labPorts(model, DEFAULT_MAX_PORTS) : [...new Set(opts.ports)].sort((a, b) => a - b);
  return { name, router: `${name}-r`, external: `${name}-x`, pods, externals, ports, capped, maxNamespaces };
}

/**
 * The model as the lab has it: each workload keeps only the pods that have a namespace, and workloads without one
 * are dropped. NetworkPolicy decides each pod on its own labels, so the pods kept are decided exactly as in the
 * full model; without a cap this is the model itself.
 */
export function labModel(model: Model, plan: LabPlan): Model {
  const inLab = new Set(plan.pods.map((p) => p.pod));
  const workloads = model.workloads
    .map((w) => ({ ...w, pods: w.pods.filter((p) => inLab.has(p)) }))
    .filter((w) => w.pods.length > 0);
  return { ...model, workloads };
}
