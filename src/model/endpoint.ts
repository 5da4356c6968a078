import type { Labels } from "./labels.js";
import type { ContainerPort } from "./ports.js";
import type { SourceRef } from "./source-ref.js";

export type Namespace = {
  readonly name: string;
  /** Always includes kubernetes.io/metadata.name=<name>, as the API server sets it. */
  readonly labels: Labels;
  readonly annotations?: Labels;
  /** Undefined when the namespace was referenced but not defined in the input. */
  readonly source?: SourceRef;
};

/** One pod: a real Pod from the input, or the representative pod of a controller's template. */
export type Pod = {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  /** The pod's annotations (a template pod's: the template's). */
  readonly annotations?: Labels;
  readonly ips: readonly string[];
  readonly ports: readonly ContainerPort[];
  readonly serviceAccount: string;
  readonly hostNetwork: boolean;
  /** spec.nodeName: the Node the pod runs on, when the input says (Cilium's host / remote-node entities). */
  readonly nodeName?: string;
  /** Container and init-container images, as written. */
  readonly images?: readonly string[];
  /** Id of the workload this pod belongs to: `<namespace>/<name>`. */
  readonly workload: string;
  /** True when the pod stands for a controller's template, not an object in the input. */
  readonly fromTemplate: boolean;
  readonly source: SourceRef;
};

export type WorkloadKind =
  | "Pod"
  | "Deployment"
  | "StatefulSet"
  | "DaemonSet"
  | "ReplicaSet"
  | "ReplicationController"
  | "Job"
  | "CronJob";

export type Workload = {
  /** `<namespace>/<name>`: the Pod's own name, or the top-most controller's name. */
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  /** The controller kind, or "Pod"; undefined when only pods naming a missing owner were given. */
  readonly kind: WorkloadKind | "unknown";
  /** Indexes into Model.pods. */
  readonly pods: readonly number[];
  /**
   * True when the workload is a single pod, so its self pair is loopback and always allowed.
   * False for controllers with more than one replica (or a DaemonSet): replica-to-replica traffic is policed.
   */
  readonly single: boolean;
  readonly source: SourceRef;
};

/** An address outside the known pods: a CIDR or a single IP. */
export type ExternalEndpoint = { readonly kind: "external"; readonly cidr: string };
