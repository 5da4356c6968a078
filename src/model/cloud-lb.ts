import type { CloudRef, Unknown } from "./cloud.js";

/**
 * What a listener does with a connection: forward to target groups, or answer itself (redirect, fixed-response)
 * and forward nothing. ELB API reference (Action): each rule ends in exactly one of forward, redirect or
 * fixed-response; authenticate-* actions come before it and forward nothing by themselves.
 */
export type LbAction =
  | { readonly type: "forward"; readonly targetGroupIds: readonly string[]; readonly source: CloudRef }
  | { readonly type: "redirect" | "fixed-response"; readonly source: CloudRef }
  | { readonly type: "unknown"; readonly why: string; readonly source: CloudRef };

/** An Elastic Load Balancing (v2) listener: the LB accepts connections only on its listeners' ports. */
export type LbListener = {
  readonly id: string;
  /** The load balancer: its resource id (interfaces "id#subnet") or its interfaces' ids. */
  readonly loadBalancerIds: readonly string[];
  readonly port: number | Unknown;
  readonly protocol: string;
  /** The default action, then the actions of listener rules (any rule's conditions may match). */
  readonly actions: readonly LbAction[];
  readonly source: CloudRef;
};

/** A registered target: an instance / ENI / load balancer id (matched like interface ids) or an IP address. */
export type LbTarget = {
  readonly targetId: string;
  /** The registration's port override; else the target group's port. */
  readonly port?: number;
  readonly source: CloudRef;
};

export type TargetGroup = {
  readonly id: string;
  readonly name: string;
  /** The port targets receive traffic on (absent for lambda targets). */
  readonly port?: number | Unknown;
  readonly protocol?: string;
  readonly targetType: "instance" | "ip" | "lambda" | "alb";
  readonly targets: readonly LbTarget[];
  /**
   * Registrations the files cannot state (e.g. an Auto Scaling group, an EKS node group, a controller that registers
   * pods): why, when there are some.
   */
  readonly unknownTargets?: string;
  readonly source: CloudRef;
};

/** Does this interface id belong to the resource id (the resource itself, or one of its per-subnet interfaces)? */
export function belongsTo(interfaceId: string, resourceId: string): boolean {
  return interfaceId === resourceId || interfaceId.startsWith(`${resourceId}#`);
}
