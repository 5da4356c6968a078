import type { Labels } from "../../model/labels.js";
import type { Protocol } from "../../model/ports.js";

/** One end of an observed flow, with whatever the source format tells about it. */
export type FlowEndpoint = {
  readonly namespace?: string;
  readonly pod?: string;
  readonly labels?: Labels;
  readonly ip?: string;
  /** A workload id, when the format names one (Ward JSONL). */
  readonly workload?: string;
  /** Outside the cluster (Hubble's reserved:world), when the format says so. */
  readonly world?: boolean;
};

/**
 * One observed connection attempt: client → server on the server's port. `allowed` means it was forwarded,
 * `denied` that it was dropped or rejected; `audit` that a policy in audit mode would have dropped it.
 */
export type Flow = {
  readonly from: FlowEndpoint;
  readonly to: FlowEndpoint;
  readonly port: number;
  /** The client's port, when the format records it (VPC flow logs: used to tell a reply from a request). */
  readonly sourcePort?: number;
  readonly protocol: Protocol;
  readonly verdict: "allowed" | "denied" | "audit";
  readonly format: "hubble" | "vpc" | "ward";
  readonly file: string;
  readonly line: number;
};
