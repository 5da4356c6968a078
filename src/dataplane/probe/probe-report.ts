import type { Protocol } from "../../model/ports.js";
import type { CappedWorkload } from "../lab-plan.js";
import type { ProbeOutcome } from "./agent-protocol.js";

/** ✓ every pod pair connects, · none does, ~ some do, ○ a single pod to itself (loopback). */
export type Cell = "allowed" | "denied" | "partial" | "loopback";

export type Query = { readonly protocol: Protocol; readonly port: number };

/** A row/column of the matrix: a workload, or an external address standing for a region. */
export type Party = { readonly id: string; readonly kind: "workload" | "external"; readonly label: string };

export type Observed = {
  readonly cell: Cell;
  readonly answered: number;
  readonly total: number;
  readonly outcomes: Readonly<Partial<Record<ProbeOutcome, number>>>;
};

export type PairOutcome = {
  readonly query: Query;
  readonly from: string;
  readonly to: string;
  readonly predicted: Cell;
  readonly observed?: Observed;
  readonly status: "agree" | "disagree" | "not-probed";
  /** Why a pair was not probed. */
  readonly why?: string;
};

export type ProbeStats = {
  /** Connections tried in the first pass. */
  readonly connections: number;
  readonly answered: number;
  /** Connections tried again, with a longer timeout, because their pair disagreed. */
  readonly retried: number;
  readonly ms: number;
  readonly perSecond: number;
  readonly timeoutMs: number;
};

export type ProbeReport = {
  readonly lab: string;
  readonly parties: readonly Party[];
  readonly queries: readonly Query[];
  readonly pairs: readonly PairOutcome[];
  /** Whole groups of pairs not probed, and why (e.g. SCTP). */
  readonly notProbed: readonly { readonly what: string; readonly why: string }[];
  readonly capped: readonly CappedWorkload[];
  readonly stats: ProbeStats;
};

export function disagreements(report: ProbeReport): PairOutcome[] {
  return report.pairs.filter((p) => p.status === "disagree");
}
