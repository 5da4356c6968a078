import type { Protocol } from "../../model/ports.js";
import type { SourceRef } from "../../model/source-ref.js";
import type { Decision } from "../verdict.js";
import type { AuditContext } from "./context.js";

export const SEVERITIES = ["low", "medium", "high"] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** A connection the engine decided, attached to a finding as its proof. */
export type Evidence = {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly allowed: boolean;
  /** The rules (file:line) and reasons the engine gave for its verdict. */
  readonly decidedBy: readonly Decision[];
};

/** One problem found by a rule: data, rendered by any reporter. */
export type Finding = {
  readonly rule: string;
  readonly severity: Severity;
  /** The object at fault, with file:line. */
  readonly subject: SourceRef;
  /** What and why, with the values. */
  readonly message: string;
  /** Other objects the finding names (the other rule of a half-open path, the shadowing rule, …). */
  readonly related?: readonly SourceRef[];
  readonly evidence?: readonly Evidence[];
};

export type RuleLayer = "cluster" | "edge" | "supply-chain" | "certificates" | "mesh" | "cloud";

/** Ids of the closest checks in other tools, where one exists. */
export type Equivalents = {
  readonly kubescape?: string;
  readonly kubeScore?: string;
  readonly checkov?: string;
  readonly trivy?: string;
  readonly polaris?: string;
};

export type AuditRule = {
  readonly id: string;
  readonly layer: RuleLayer;
  readonly severity: Severity;
  readonly title: string;
  /** Why it matters. */
  readonly rationale: string;
  /** What to change. */
  readonly fix: string;
  readonly equivalents: Equivalents;
  /** The findings of this rule; `ctx.finding` fills in id and severity. */
  check(ctx: AuditContext): readonly Finding[] | Promise<readonly Finding[]>;
};
