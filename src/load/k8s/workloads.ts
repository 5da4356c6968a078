import { isValidIp } from "../../model/cidr.js";
import type { Pod, Workload, WorkloadKind } from "../../model/endpoint.js";
import type { Labels } from "../../model/labels.js";
import type { Diagnostics, Site } from "../diagnostics.js";
import type { Path } from "../positions.js";
import type { ControllerKind } from "./kinds.js";
import { type Identity, type OwnerRef, readIdentity } from "./metadata.js";
import type { RawObject } from "./objects.js";
import { parseObject } from "./parse-object.js";
import { type PodSpecInfo, readPodSpec } from "./pod-spec.js";
import {
  cronJobSchema,
  daemonSetSchema,
  deploymentSchema,
  jobSchema,
  type PodTemplateData,
  podSchema,
  replicaSetSchema,
  statefulSetSchema,
} from "./schemas.js";
import { checkLabels } from "./validate-common.js";

export type PodObject = {
  readonly identity: Identity;
  readonly namespace: string;
  readonly spec: PodSpecInfo;
  readonly ips: readonly string[];
};

export type ControllerObject = {
  readonly identity: Identity;
  readonly namespace: string;
  readonly kind: ControllerKind;
  /** How many pods it runs: replicas or parallelism; Infinity for a DaemonSet (one per node). */
  readonly replicas: number;
  readonly template: {
    readonly labels: Labels;
    readonly annotations: Labels;
    readonly spec: PodSpecInfo;
    readonly line: number;
  };
};

const site = (obj: RawObject): Site => ({ file: obj.file, locator: obj.locator });

/** A Pod → PodObject, or undefined when it has problems (in `diag`). */
export function loadPod(obj: RawObject, diag: Diagnostics): PodObject | undefined {
  const before = diag.errorCount;
  const data = parseObject(podSchema, obj.value, diag, site(obj));
  if (data === undefined) return undefined;
  const identity = readIdentity(obj, data.metadata, { clusterScoped: false, nameRule: "subdomain" }, diag);
  const spec = readPodSpec(data.spec, diag, site(obj), ["spec"]);
  const ips: string[] = [];
  const addIp = (ip: string, path: Path): void => {
    if (!isIpAddress(ip)) diag.error("invalid-ip", `invalid pod IP "${ip}"`, site(obj), path);
    else if (!ips.includes(ip)) ips.push(ip);
  };
  if (data.status?.podIP) addIp(data.status.podIP, ["status", "podIP"]);
  data.status?.podIPs?.forEach((entry, i) => {
    if (entry.ip) addIp(entry.ip, ["status", "podIPs", i, "ip"]);
  });
  if (identity === undefined || diag.errorCount > before) return undefined;
  return { identity, namespace: identity.namespace as string, spec, ips };
}

/** A workload controller → ControllerObject, or undefined when it has problems (in `diag`). */
export function loadController(obj: RawObject, kind: ControllerKind, diag: Diagnostics): ControllerObject | undefined {
  const before = diag.errorCount;
  const s = site(obj);
  let metadata: Parameters<typeof readIdentity>[1];
  let template: PodTemplateData | undefined;
  let templatePath: Path = ["spec", "template"];
  let replicas: number | undefined;
  let replicasPath: Path = ["spec", "replicas"];
  switch (kind) {
    case "Deployment":
    case "StatefulSet":
    case "ReplicaSet":
    case "ReplicationController": {
      const schema =
        kind === "Deployment" ? deploymentSchema : kind === "StatefulSet" ? statefulSetSchema : replicaSetSchema;
      const data = parseObject(schema, obj.value, diag, s);
      if (data === undefined) return undefined;
      ({ metadata } = data);
      template = data.spec?.template;
      replicas = data.spec?.replicas;
      break;
    }
    case "DaemonSet": {
      const data = parseObject(daemonSetSchema, obj.value, diag, s);
      if (data === undefined) return undefined;
      ({ metadata } = data);
      template = data.spec?.template;
      break;
    }
    case "Job": {
      const data = parseObject(jobSchema, obj.value, diag, s);
      if (data === undefined) return undefined;
      ({ metadata } = data);
      template = data.spec?.template;
      replicas = data.spec?.parallelism;
      replicasPath = ["spec", "parallelism"];
      break;
    }
    case "CronJob": {
      const data = parseObject(cronJobSchema, obj.value, diag, s);
      if (data === undefined) return undefined;
      ({ metadata } = data);
      template = data.spec?.jobTemplate?.spec?.template;
      templatePath = ["spec", "jobTemplate", "spec", "template"];
      replicas = data.spec?.jobTemplate?.spec?.parallelism;
      replicasPath = ["spec", "jobTemplate", "spec", "parallelism"];
      break;
    }
  }
  const identity = readIdentity(obj, metadata, { clusterScoped: false, nameRule: "subdomain" }, diag);
  if (replicas !== undefined && !(Number.isInteger(replicas) && replicas >= 0)) {
    diag.error(
      "invalid-replicas",
      `${replicasPath.at(-1)} must be a non-negative integer, got ${replicas}`,
      s,
      replicasPath,
    );
  }
  if (template === undefined) {
    diag.error("missing-field", `${templatePath.join(".")} is required`, s, templatePath);
  }
  const labels = template?.metadata?.labels ?? {};
  checkLabels(labels, diag, s, [...templatePath, "metadata", "labels"]);
  const spec = readPodSpec(template?.spec, diag, s, [...templatePath, "spec"]);
  if (identity === undefined || diag.errorCount > before) return undefined;
  return {
    identity,
    namespace: identity.namespace as string,
    kind,
    // DaemonSet: one pod per node, so always several.
    replicas: kind === "DaemonSet" ? Number.POSITIVE_INFINITY : (replicas ?? 1),
    template: {
      labels,
      annotations: template?.metadata?.annotations ?? {},
      spec,
      line: obj.locator.lineOf(templatePath),
    },
  };
}

// ---- pods and controllers → workloads ------------------------------------------------------------------------------

type Group = {
  readonly namespace: string;
  readonly name: string;
  kind: WorkloadKind | "unknown";
  /** The top-most controller of the chain that is in the input. */
  present: ControllerObject | undefined;
  readonly pods: PodObject[];
};

const POD_TEMPLATE_HASH = "pod-template-hash";

/**
 * Groups pods into workloads. A pod with a controller owner belongs to the workload named after its top-most owner:
 * owners in the input are followed up (Pod → ReplicaSet → Deployment, Pod → Job → CronJob); an owner that is not in
 * the input names the workload. A pod without a controller owner is a workload of its own. Controllers in the input
 * without pods get one representative pod built from their template. Workloads are sorted by id, and Model.pods by
 * workload id then pod name, so every workload's pods are contiguous.
 */
export function buildWorkloads(
  podObjects: readonly PodObject[],
  controllers: readonly ControllerObject[],
  diag: Diagnostics,
): { pods: Pod[]; workloads: Workload[] } {
  const byKey = new Map<string, ControllerObject>();
  for (const c of controllers) byKey.set(`${c.kind}/${c.namespace}/${c.identity.name}`, c);
  const lookup = (namespace: string, ref: OwnerRef) => byKey.get(`${ref.kind}/${namespace}/${ref.name}`);

  /** The workload an owner chain ends in. */
  const topOf = (
    namespace: string,
    start: OwnerRef,
  ): { name: string; kind: Group["kind"]; present?: ControllerObject } => {
    let ref = start;
    let present: ControllerObject | undefined;
    const seen = new Set<ControllerObject>();
    for (;;) {
      const owner = lookup(namespace, ref);
      if (owner === undefined) {
        // An owner that is not in the input names the workload; its kind is known only from a reference that an
        // object in the input makes (a pod's own reference may point at an intermediate owner, e.g. a ReplicaSet).
        const kind = present !== undefined && isWorkloadKind(ref.kind) ? ref.kind : "unknown";
        return present === undefined ? { name: ref.name, kind } : { name: ref.name, kind, present };
      }
      if (seen.has(owner) || owner.identity.controller === undefined) {
        return { name: owner.identity.name, kind: owner.kind, present: owner };
      }
      seen.add(owner);
      present = owner;
      ref = owner.identity.controller;
    }
  };

  const groups = new Map<string, Group>();
  const groupFor = (
    namespace: string,
    name: string,
    kind: Group["kind"],
    present: ControllerObject | undefined,
    at: Site,
  ): Group => {
    const id = `${namespace}/${name}`;
    let group = groups.get(id);
    if (group === undefined) {
      group = { namespace, name, kind, present, pods: [] };
      groups.set(id, group);
    } else if (group.kind !== kind && (group.kind === "Pod" || kind === "Pod")) {
      diag.warn("workload-id-collision", `a Pod and a controller are both named ${id}: treated as one workload`, at);
      if (group.kind === "Pod") {
        group.kind = kind;
        group.present = present;
      }
    }
    return group;
  };

  for (const pod of podObjects) {
    const owner = pod.identity.controller;
    if (owner === undefined) {
      groupFor(pod.namespace, pod.identity.name, "Pod", undefined, pod.identity.site).pods.push(pod);
      continue;
    }
    const top = topOf(pod.namespace, viaPodTemplateHash(pod, owner, lookup) ?? owner);
    groupFor(pod.namespace, top.name, top.kind, top.present, pod.identity.site).pods.push(pod);
  }
  for (const c of controllers) {
    const owner = c.identity.controller;
    if (owner !== undefined && lookup(c.namespace, owner) !== undefined) continue; // an intermediate owner
    const top = topOf(c.namespace, { kind: c.kind, name: c.identity.name });
    groupFor(c.namespace, top.name, top.kind, top.present, c.identity.site);
  }

  const pods: Pod[] = [];
  const workloads: Workload[] = [];
  const ids = [...groups.keys()].sort(compareStrings);
  for (const id of ids) {
    const group = groups.get(id) as Group;
    const members = [...group.pods].sort(
      (a, b) =>
        compareStrings(a.identity.name, b.identity.name) ||
        compareStrings(a.identity.ref.file, b.identity.ref.file) ||
        a.identity.ref.line - b.identity.ref.line,
    );
    const indexes: number[] = [];
    for (const m of members) {
      indexes.push(pods.length);
      pods.push({
        namespace: m.namespace,
        name: m.identity.name,
        labels: m.identity.labels,
        annotations: m.identity.annotations,
        ips: m.ips,
        ports: m.spec.ports,
        serviceAccount: m.spec.serviceAccount,
        hostNetwork: m.spec.hostNetwork,
        ...(m.spec.nodeName === undefined ? {} : { nodeName: m.spec.nodeName }),
        images: m.spec.images,
        workload: id,
        fromTemplate: false,
        source: m.identity.ref,
      });
    }
    const present = group.present;
    if (members.length === 0 && present !== undefined) {
      indexes.push(pods.length);
      pods.push({
        namespace: group.namespace,
        name: present.identity.name,
        labels: present.template.labels,
        annotations: present.template.annotations,
        ips: [],
        ports: present.template.spec.ports,
        serviceAccount: present.template.spec.serviceAccount,
        hostNetwork: present.template.spec.hostNetwork,
        images: present.template.spec.images,
        workload: id,
        fromTemplate: true,
        source: { ...present.identity.ref, line: present.template.line },
      });
    }
    // A single pod talks to itself over loopback; replicas of a controller talk across the network.
    const single = members.length <= 1 && (present === undefined || present.replicas <= 1);
    const source = present?.identity.ref ?? (members[0] as PodObject).identity.ref;
    workloads.push({
      id,
      namespace: group.namespace,
      name: group.name,
      kind: group.kind,
      pods: indexes,
      single,
      source,
    });
  }
  return { pods, workloads };
}

/**
 * A pod owned by a ReplicaSet that is not in the input, where the Deployment is: the Deployment controller names its
 * ReplicaSets `<deployment>-<pod-template-hash>` and labels their pods with that hash, so the pod is the Deployment's.
 */
function viaPodTemplateHash(
  pod: PodObject,
  owner: OwnerRef,
  lookup: (namespace: string, ref: OwnerRef) => ControllerObject | undefined,
): OwnerRef | undefined {
  if (owner.kind !== "ReplicaSet" || lookup(pod.namespace, owner) !== undefined) return undefined;
  const hash = pod.identity.labels[POD_TEMPLATE_HASH];
  if (hash === undefined || hash === "" || !owner.name.endsWith(`-${hash}`)) return undefined;
  const deployment = { kind: "Deployment", name: owner.name.slice(0, -(hash.length + 1)) };
  return lookup(pod.namespace, deployment) === undefined ? undefined : deployment;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** isValidIp, with a fast path for the common dotted IPv4 form. */
function isIpAddress(ip: string): boolean {
  const m = IPV4.exec(ip);
  if (m === null) return isValidIp(ip);
  for (let i = 1; i <= 4; i++) if (Number(m[i]) > 255) return false;
  return true;
}

function isWorkloadKind(kind: string): kind is WorkloadKind {
  return (
    kind === "Pod" ||
    kind === "Deployment" ||
    kind === "StatefulSet" ||
    kind === "DaemonSet" ||
    kind === "ReplicaSet" ||
    kind === "ReplicationController" ||
    kind === "Job" ||
    kind === "CronJob"
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
