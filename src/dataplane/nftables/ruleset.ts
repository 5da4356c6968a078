import type { Ranges } from "../../analyze/port-set.js";
import type { Direction } from "../../model/policy.js";
import type { Protocol } from "../../model/ports.js";
import type { Ipv4Range } from "../ipv4.js";

/**
 * The compiled enforcement, before it is text: what `render` writes as an nft script and what unit tests evaluate
 * packet by packet without a kernel.
 */
export type AddressSet = { readonly name: string; readonly ranges: readonly Ipv4Range[] };

export type PortMatch =
  /** One protocol; "all" = every port of it. */
  | { readonly protocol: Protocol; readonly ports: Ranges | "all" }
  /** Every protocol other than TCP, UDP and SCTP (they have no ports to exclude). */
  | { readonly protocol: "other" };

/** What a matching rule (or the end of a chain) does: decide the direction, or hand over to the next tier. */
export type Verdict =
  /** Allowed for this direction: back to the forward chain, which checks the other direction. */
  { readonly kind: "return" } | { readonly kind: "drop" } | { readonly kind: "goto"; readonly chain: string };

export type Rule = {
  /** Name of the set the peer address must be in (source for ingress, destination for egress); absent: any peer. */
  readonly peers?: string;
  /** The peer must not be a pod: the part of an ipBlock outside the cluster. */
  readonly externalOnly: boolean;
  /** Absent: every protocol and port. */
  readonly match?: PortMatch;
  readonly verdict: Verdict;
  readonly comment: string;
};

/**
 * Rules for one direction of one class of pods that policies treat alike, for one tier; the first matching rule
 * decides, as in the reference evaluator. `members` is set on a class's first chain (the verdict map's target).
 */
export type Chain = {
  readonly name: string;
  readonly direction: Direction;
  readonly tier: string;
  readonly workloads: readonly string[];
  readonly members: readonly number[];
  readonly rules: readonly Rule[];
  /** When no rule matched: the tier's default (drop when a policy of the tier isolates), or the next tier. */
  readonly end: Verdict;
};

export type Ruleset = {
  readonly table: string;
  /** Every pod address in the lab. */
  readonly pods: AddressSet;
  readonly sets: readonly AddressSet[];
  readonly chains: readonly Chain[];
};

export const TABLE = "ward";
