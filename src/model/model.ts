import type { ImageVerification } from "./admission.js";
import type { Cidr } from "./cidr.js";
import type { CloudModel } from "./cloud.js";
import type { EdgeObjects } from "./edges.js";
import type { Namespace, Pod, Workload } from "./endpoint.js";
import type { LabelSelector, Labels } from "./labels.js";
import type { MeshModel } from "./mesh.js";
import type { ClusterPolicy } from "./policy.js";
import type { ContainerPort } from "./ports.js";
import type { SourceRef } from "./source-ref.js";
import type { TlsInputs } from "./tls.js";

export type ServicePort = {
  readonly name?: string;
  readonly port: number;
  readonly targetPort: number | string;
  readonly protocol: ContainerPort["protocol"];
  readonly nodePort?: number;
  /** The port's application protocol (appProtocol), as written. */
  readonly appProtocol?: string;
};

export type Service = {
  readonly namespace: string;
  readonly name: string;
  readonly type: "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName";
  /** Undefined: a Service without a selector (endpoints managed elsewhere). */
  readonly selector?: LabelSelector;
  readonly ports: readonly ServicePort[];
  /** LoadBalancer/NodePort: "Local" keeps the client's source address; "Cluster" (the default) SNATs to a node IP. */
  readonly externalTrafficPolicy?: "Cluster" | "Local";
  /** LoadBalancer: the client ranges the cloud load balancer accepts (all when absent). */
  readonly loadBalancerSourceRanges?: readonly string[];
  readonly source: SourceRef;
};

export type Warning = {
  readonly code: string;
  readonly message: string;
  readonly file: string;
  readonly line: number;
};

/** A Node of the input: its name and the IP addresses of its status.addresses (InternalIP, ExternalIP, …). */
export type ClusterNode = { readonly name: string; readonly addresses: readonly Cidr[] };

/** The one normalized form every source format is reduced to. */
export type Model = {
  readonly namespaces: ReadonlyMap<string, Namespace>;
  readonly pods: readonly Pod[];
  readonly workloads: readonly Workload[];
  readonly policies: readonly ClusterPolicy[];
  readonly services: readonly Service[];
  readonly serviceAccounts: readonly SourceRef[];
  /** Objects of kinds Ward does not evaluate: kept so --verbose can list them. */
  readonly ignored: readonly SourceRef[];
  /** Every object of an Istio, Linkerd or SMI API group with its apiVersion (evaluated or not), for the audit. */
  readonly meshApiObjects?: readonly (SourceRef & { readonly apiVersion: string })[];
  readonly warnings: readonly Warning[];
  /** The cloud layer (AWS VPC), from Terraform or `aws ec2 describe-*` output; undefined when the input has none. */
  readonly cloud?: CloudModel;
  /** Kyverno verifyImages rules (admission), for the supply-chain audit rules. */
  readonly admission?: readonly ImageVerification[];
  /** TLS Secrets, cert-manager objects and TLS entry points, for `ward certs` and the edge audit rules. */
  readonly tls?: TlsInputs;
  /** Non-empty metadata.annotations per object, keyed by objectKey(): kind/namespace/name. */
  readonly annotations?: ReadonlyMap<string, Labels>;
  /** Ingresses, Gateways and HTTPRoutes (the cluster's edges); undefined when the input has none. */
  readonly edges?: EdgeObjects;
  /** The mesh layer (Istio, Linkerd); undefined when the input has no mesh objects. */
  readonly mesh?: MeshModel;
  /** The Nodes of the input (Cilium's host / remote-node / cluster entities); undefined when the input has none. */
  readonly nodes?: readonly ClusterNode[];
};
